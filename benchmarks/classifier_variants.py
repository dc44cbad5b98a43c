"""Training variants measured on the same data: configurations kept in the classifier cache, and
one model with two heads against two single-task models.

- Lists every classifier in ``${SAKOT_CACHE_DIR:-~/.cache/sakot}/classifier/`` trained on the
  same number of examples as models/classifier (configurations tried, with held-out macro-F1 and
  training time).
- ``--single-task`` also trains an intent-only and a scam-type-only model with the current
  configuration (two more training runs).

Writes benchmarks/results/classifier_variants.json (read by classifier_report.py).

    .venv/bin/python benchmarks/classifier_variants.py [--single-task]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "classifier_variants.json"
KEYS = ("epochs", "frozen_layers", "lr", "head_lr", "batch_size", "class_weight_power")


def _row(m: dict) -> dict:
    h = m.get("heldout", {})
    return {
        "config": {k: m["config"].get(k) for k in KEYS},
        "intent_macro_f1": h.get("intent", {}).get("macro_f1"),
        "scam_type_macro_f1": h.get("scam_type", {}).get("macro_f1"),
        "train_seconds": m.get("train_seconds"),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--single-task", action="store_true")
    args = ap.parse_args()
    current = json.loads((ROOT / "models" / "classifier" / "metrics.json").read_text())
    cache = Path(os.environ.get("SAKOT_CACHE_DIR") or Path.home() / ".cache" / "sakot")
    runs = []
    for p in sorted((cache / "classifier").glob("*/metrics.json")):
        m = json.loads(p.read_text())
        if m.get("train_examples") == current["train_examples"] and m.get("heldout"):
            row = _row(m)
            row["current"] = p.parent.resolve() == (ROOT / "models" / "classifier").resolve()
            runs.append(row)
    out: dict = {"runs": runs}
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    out["single_task"] = old.get("single_task", {})
    if args.single_task:
        import logging

        from tooling.classifier.train import TrainConfig, train_classifier

        logging.basicConfig(level=logging.INFO)
        base = TrainConfig(**current["config"])
        for name, cfg, key in (
            ("scam-type-only model", replace(base, intent_loss_weight=0.0), "scam_type"),
            ("intent-only model", replace(base, scam_loss_weight=0.0), "intent"),
        ):
            with tempfile.TemporaryDirectory() as tmp:
                m = train_classifier(data_root=ROOT / "nlu_data",
                                     base_dir=ROOT / "models" / "base",
                                     out_dir=Path(tmp) / "m", config=cfg)
            out["single_task"][name] = {f"{key}_macro_f1": m["heldout"][key]["macro_f1"],
                                        "train_seconds": m["train_seconds"]}
            print(name, out["single_task"][name], flush=True)
            RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
