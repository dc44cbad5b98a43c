"""Per-kind precision/recall of ``bot.understanding.analyze_text`` on the held-out set.

The held-out set (tests/understanding/heldout_extraction.jsonl) was written before the rules and
is not used to tune them. Run: ``.venv/bin/python benchmarks/extraction_quality.py [--write]``;
``--write`` updates the quality section of benchmarks/results/extraction.md.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.understanding import analyze_text  # noqa: E402

HELDOUT = ROOT / "tests" / "understanding" / "heldout_extraction.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "extraction.md"
KINDS = ["phones", "accounts", "banks", "amounts_thb", "promptpay_ids", "national_ids_masked",
         "urls", "line_ids", "transfer_times"]


def _items(kind: str, ents: dict, mode: str = "") -> list:
    if kind == "accounts":
        if mode == "full":
            return [(a["number"], a["bank"], a["role"]) for a in ents["accounts"]]
        return [a["number"] for a in ents["accounts"]]
    if kind == "amounts_thb":
        return [round(float(x), 2) for x in ents[kind]]
    return list(ents[kind])


def evaluate(path: Path = HELDOUT) -> tuple[dict[str, tuple[int, int, int]], list[str], int]:
    counts = {k: [0, 0, 0] for k in [*KINDS, "accounts+bank+role"]}  # tp, fp, fn
    misses: list[str] = []
    n = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        n += 1
        got = analyze_text(rec["text"], datetime.fromisoformat(rec["received_at"])).to_json()
        exp = rec["expected"]
        for kind in [*KINDS, "accounts+bank+role"]:
            k, mode = ("accounts", "full") if kind == "accounts+bank+role" else (kind, "")
            g, e = Counter(_items(k, got, mode)), Counter(_items(k, exp, mode))
            tp = sum((g & e).values())
            fp = sum(g.values()) - tp
            fn = sum(e.values()) - tp
            c = counts[kind]
            c[0] += tp
            c[1] += fp
            c[2] += fn
            if (fp or fn) and kind != "accounts":
                misses.append(f"{rec['id']} {kind}: expected {sorted(map(str, e.elements()))} "
                              f"got {sorted(map(str, g.elements()))}")
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}, misses, n


def table(counts: dict[str, tuple[int, int, int]]) -> str:
    rows = ["| kind | expected | found | precision | recall |", "|---|---:|---:|---:|---:|"]
    for k, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        rows.append(f"| {k} | {tp + fn} | {tp + fp} | {p:.2f} | {r:.2f} |")
    return "\n".join(rows)


def write_section(name: str, body: str) -> None:
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Extraction\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    counts, misses, n = evaluate()
    body = (f"## Quality on the held-out set ({n} messages)\n\n"
            "Exact match per item (accounts by number; `accounts+bank+role` needs all three).\n\n"
            + table(counts))
    print(body)
    if "-v" in sys.argv:
        print("\n".join(misses))
    if "--write" in sys.argv:
        write_section("quality", body)


if __name__ == "__main__":
    main()
