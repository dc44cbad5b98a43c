"""Turn latency through the dialogue stack: the time from POSTing a victim's message to Rasa's
REST channel until all replies are back (Rasa -> NLU service -> Rasa policies -> our action
server -> database -> Rasa), as the conversation engine sees it.

Replays the recorded conversations (tests/conversation/fixtures) sequentially, then the same
set with several conversations at once, and writes benchmarks/results/conversation.md.

    .venv/bin/python benchmarks/turn_latency.py [--rounds 3] [--concurrency 4] [--nlu real,stub]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.percentiles import percentile  # noqa: E402
from tests.conversation.harness import Stack  # noqa: E402

FIXTURES = ROOT / "tests" / "conversation" / "fixtures"
RESULTS = ROOT / "benchmarks" / "results" / "conversation.md"


def conversations() -> list[list[str]]:
    out = []
    for path in sorted(FIXTURES.glob("*.yml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            out.append([t["user"] for t in conv["turns"]])
    return out


def run_one(stack: Stack, turns: list[str]) -> list[tuple[str, float]]:
    chat = stack.chat()
    timings = []
    for text in turns:
        turn = chat.send(text)
        if turn.replies:  # turns the engine would not forward (staff own the chat) don't count
            timings.append((text, turn.seconds * 1000))
    return timings


def summary(ms: list[float]) -> str:
    return (f"{len(ms)} | {percentile(ms, 0.5):.0f} | {percentile(ms, 0.95):.0f} | "
            f"{percentile(ms, 0.99):.0f} | {max(ms):.0f} | {statistics.mean(ms):.0f}")


def measure(convs: list[list[str]], nlu: str, rounds: int, concurrency: int) -> dict:
    os.environ["SAKOT_TEST_NLU"] = nlu
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp)).start()
        try:
            run_one(stack, convs[0])  # warm-up (first requests load code paths)
            sequential: list[float] = []
            first_turns: list[float] = []
            started = time.perf_counter()
            for _ in range(rounds):
                for conv in convs:
                    timings = run_one(stack, conv)
                    sequential += [ms for _, ms in timings]
                    if timings:
                        first_turns.append(timings[0][1])
            seq_wall = time.perf_counter() - started
            concurrent: list[float] = []
            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                for timings in pool.map(lambda c: run_one(stack, c), convs * rounds):
                    concurrent += [ms for _, ms in timings]
            con_wall = time.perf_counter() - started
            return {"nlu": stack.nlu_used, "sequential": sequential, "first": first_turns,
                    "concurrent": concurrent, "seq_tps": len(sequential) / seq_wall,
                    "con_tps": len(concurrent) / con_wall}
        finally:
            stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--nlu", default="real,stub",
                        help="comma-separated: real (trained classifier), stub (keyword stub)")
    args = parser.parse_args()

    convs = conversations()
    load = os.getloadavg()
    results = [measure(convs, nlu, args.rounds, args.concurrency)
               for nlu in args.nlu.split(",")]
    lines = [
        "# Conversation turn latency (through Rasa)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `benchmarks/turn_latency.py "
        f"--rounds {args.rounds} --concurrency {args.concurrency} --nlu {args.nlu}` on this "
        f"machine ({os.cpu_count()} CPUs, Python {platform.python_version()}, Rasa 3.6.21, "
        f"rasa-sdk 3.21.1, SQLite tracker store and app database). Load average before the "
        f"run {load[0]:.1f}, after {os.getloadavg()[0]:.1f}: other work shares these CPUs.",
        "",
        "A turn = POST to Rasa's REST channel until every reply is back: Rasa -> NLU service "
        "-> policies -> action server (case service, SQLite) -> Rasa. The recorded "
        f"conversations ({len(convs)}, tests/conversation/fixtures) are replayed; turns the "
        "engine would not forward (staff own the chat) are not counted.",
        "",
        "| NLU | run | turns | p50 ms | p95 ms | p99 ms | max ms | mean ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        nlu = {"real": "trained classifier", "stub": "keyword stub"}.get(r["nlu"], r["nlu"])
        lines += [
            f"| {nlu} | sequential, one conversation at a time | {summary(r['sequential'])} |",
            f"| {nlu} | first turn of each conversation | {summary(r['first'])} |",
            f"| {nlu} | {args.concurrency} conversations at once | "
            f"{summary(r['concurrent'])} |",
        ]
    lines += [""] + [
        f"Throughput ({r['nlu']}): {r['seq_tps']:.1f} turns/s sequential, "
        f"{r['con_tps']:.1f} turns/s with {args.concurrency} at once." for r in results
    ] + [
        "",
        "Notes: the difference between the two NLU rows is the classifier's share. Turns "
        "that escalate or conclude run several actions (intake form, validation, conclusion) "
        "and make up the tail. Emitting only changed slots from the actions cut turn time "
        "2-3x (Rasa re-featurizes the whole tracker for each prediction).",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
