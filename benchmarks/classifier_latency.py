"""Inference cost of the NLU classifier on 2 CPU threads, next to the bare encoder (the floor).

For each variant (fp32, dynamic int8) it measures, one message at a time as the NLU service
sees them:
- ``classify``: the whole call (tokenise, forward, two heads, softmax, ranking);
- ``encoder``: the bare encoder forward pass on the same, already tokenised, input;
for held-out messages up to 64 tokens, for fixed 64-, 128- and 256-token messages and for a
2,000-character report (read in pooled 256-token windows; the encoder column is then its first
256 tokens only); and scores both variants
on the held-out split (equal accuracy check). Writes benchmarks/results/classifier_latency.json.

    .venv/bin/python benchmarks/classifier_latency.py [--runs 300]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "classifier_latency.json"


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def summary(xs: list[float]) -> dict:
    ms = [x * 1000 for x in xs]
    # min and p10 approximate the uncontended cost when other jobs share the 2 cores
    return {"p50_ms": round(pct(ms, 0.5), 2), "p95_ms": round(pct(ms, 0.95), 2),
            "mean_ms": round(statistics.mean(ms), 2), "min_ms": round(min(ms), 2),
            "p10_ms": round(pct(ms, 0.1), 2), "n": len(ms)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "classifier")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--variants", default="fp32,int8_dynamic",
                    help="comma-separated: fp32, int8_dynamic")
    args = ap.parse_args()

    import numpy as np
    import torch

    from bot.classifier.inference import TransformerClassifier
    from tooling.classifier.train import evaluate, load_split

    torch.set_num_threads(args.threads)
    heldout = load_split(ROOT / "nlu_data", "heldout")
    variants = {}
    chosen = set(args.variants.split(","))
    for name, quantize in (("fp32", False), ("int8_dynamic", True)):
        if name not in chosen:
            continue
        clf = TransformerClassifier(args.model, quantize=quantize, threads=args.threads)
        tok, meta = clf.tokenizer, clf.meta
        texts = [it.text for it in heldout]
        lengths = [len(tok(meta.text_prefix + t)["input_ids"]) for t in texts]
        pool = [t for t, n in zip(texts, lengths, strict=True) if n <= 64]
        rng = np.random.default_rng(0)
        sample = [pool[i] for i in rng.integers(0, len(pool), args.runs)]
        long_text = (" ".join(texts))[:6000]

        def first_tokens(n: int) -> str:
            ids = tok(meta.text_prefix + long_text, truncation=True, max_length=n)["input_ids"]
            return tok.decode(ids[1:-1]).replace(meta.text_prefix, "", 1)

        long64, long128, long256 = first_tokens(64), first_tokens(128), first_tokens(256)
        report2000 = long_text[:2000]  # several windows of 256 tokens, pooled

        for t in sample[:20]:  # warm-up
            clf.classify([t])
        res = {}
        long_runs = max(20, args.runs // 3)
        for label, msgs in (("heldout_le64", sample), ("fixed_64_tokens", [long64] * args.runs),
                            ("fixed_128_tokens", [long128] * long_runs),
                            ("fixed_256_tokens", [long256] * long_runs),
                            ("report_2000_chars", [report2000] * max(10, args.runs // 10))):
            full, bare = [], []
            for t in msgs:
                s = time.perf_counter()
                clf.classify([t])
                full.append(time.perf_counter() - s)
                enc = tok([meta.text_prefix + t], return_tensors="pt", truncation=True,
                          max_length=256)
                with torch.inference_mode():
                    s = time.perf_counter()
                    clf.model.encoder(input_ids=enc["input_ids"],
                                      attention_mask=enc["attention_mask"])
                    bare.append(time.perf_counter() - s)
            res[label] = {"classify": summary(full), "encoder_forward": summary(bare),
                          "windows": len(clf.windows(msgs[0])),
                          "mean_tokens": round(statistics.mean(
                              len(tok(meta.text_prefix + t)["input_ids"]) for t in msgs), 1)}
        # batched throughput (8 messages at once, as the micro-batcher sends them)
        batch = sample[:8]
        s = time.perf_counter()
        for _ in range(20):
            clf.classify(batch)
        res["batch8_ms_per_message"] = round((time.perf_counter() - s) / 160 * 1000, 2)
        m = evaluate(clf.model, tok, heldout, None)
        res["heldout"] = {"intent_macro_f1": round(m["intent"]["macro_f1"], 4),
                          "scam_type_macro_f1": round(m["scam_type"]["macro_f1"], 4)}
        variants[name] = res
        print(name, json.dumps(res, indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"threads": args.threads, "runs": args.runs,
                                   "torch": torch.__version__, "variants": variants},
                                  indent=2) + "\n")


if __name__ == "__main__":
    main()
