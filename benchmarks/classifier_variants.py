"""One model with two heads, or two single-task models? Trains the two single-task models with
the default configuration and compares them with the joint model in models/classifier.

Writes benchmarks/results/classifier_variants.json (read by classifier_report.py).

    .venv/bin/python benchmarks/classifier_variants.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "classifier_variants.json"


def main() -> None:
    import logging

    from bot.classifier.train import TrainConfig, train_classifier

    logging.basicConfig(level=logging.INFO)
    joint = json.loads((ROOT / "models" / "classifier" / "metrics.json").read_text())
    out = {
        "joint (one encoder, two heads)": {
            "intent_macro_f1": joint["heldout"]["intent"]["macro_f1"],
            "scam_type_macro_f1": joint["heldout"]["scam_type"]["macro_f1"],
            "train_seconds": joint["train_seconds"],
        }
    }
    base = TrainConfig(**{k: v for k, v in joint["config"].items()})
    for name, cfg, key in (
        ("intent-only model", replace(base, scam_loss_weight=0.0), "intent"),
        ("scam-type-only model", replace(base, intent_loss_weight=0.0), "scam_type"),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            m = train_classifier(data_root=ROOT / "nlu_data", base_dir=ROOT / "models" / "base",
                                 out_dir=Path(tmp) / "m", config=cfg)
        out[name] = {f"{key}_macro_f1": m["heldout"][key]["macro_f1"],
                     "train_seconds": m["train_seconds"]}
        print(name, out[name], flush=True)
    out["note"] = (
        "Two models cost two training runs and two forward passes per message; the joint model "
        "is kept unless a single-task model is clearly better on its task. Measured on the data "
        f"of {joint['train_examples']} training examples (machine shared with other jobs, so "
        "training seconds are inflated)."
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
