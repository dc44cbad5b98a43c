"""Turn latency through the dialogue stack: the time from POSTing a victim's message to Rasa's
REST channel until all replies are back (Rasa -> NLU service -> Rasa policies -> our action
server -> database -> Rasa), as the conversation engine sees it.

Replays the recorded conversations (tests/conversation/fixtures) sequentially, then the same
set with several conversations at once, and writes benchmarks/results/conversation.md.

    .venv/bin/python benchmarks/turn_latency.py [--rounds 3] [--concurrency 4] [--nlu auto]
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


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summary(ms: list[float]) -> str:
    return (f"{len(ms)} | {pct(ms, 0.5):.0f} | {pct(ms, 0.95):.0f} | {pct(ms, 0.99):.0f} | "
            f"{max(ms):.0f} | {statistics.mean(ms):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--nlu", default=os.environ.get("SAKOT_TEST_NLU", "auto"))
    args = parser.parse_args()
    os.environ["SAKOT_TEST_NLU"] = args.nlu

    convs = conversations()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp)).start()
        try:
            run_one(stack, convs[0])  # warm-up (first requests load code paths)
            sequential: list[float] = []
            first_turns: list[float] = []
            started = time.perf_counter()
            for _ in range(args.rounds):
                for conv in convs:
                    timings = run_one(stack, conv)
                    sequential += [ms for _, ms in timings]
                    if timings:
                        first_turns.append(timings[0][1])
            seq_wall = time.perf_counter() - started
            concurrent: list[float] = []
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                for timings in pool.map(lambda c: run_one(stack, c), convs * args.rounds):
                    concurrent += [ms for _, ms in timings]
            con_wall = time.perf_counter() - started
            nlu = stack.nlu_used
        finally:
            stack.stop()

    lines = [
        "# Conversation turn latency (through Rasa)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `benchmarks/turn_latency.py "
        f"--rounds {args.rounds} --concurrency {args.concurrency}` on this machine "
        f"({os.cpu_count()} CPUs, {platform.python_version()} / Rasa 3.6.21 / rasa-sdk 3.21.1, "
        f"SQLite tracker and app database, NLU: **{nlu}**; load average before the run "
        f"{load[0]:.1f}, after {os.getloadavg()[0]:.1f} — other processes share these CPUs).",
        "",
        "A turn = POST to Rasa's REST channel until every reply is back: Rasa -> NLU service "
        "-> policies -> action server (case service, SQLite) -> Rasa. The recorded "
        f"conversations ({len(convs)}, tests/conversation/fixtures) are replayed; turns the "
        "engine would not forward (staff own the chat) are not counted.",
        "",
        "| run | turns | p50 ms | p95 ms | p99 ms | max ms | mean ms |",
        "|---|---|---|---|---|---|---|",
        f"| sequential, one conversation at a time | {summary(sequential)} |",
        f"| first turn of each conversation (case opened, triage, notice) | "
        f"{summary(first_turns)} |",
        f"| {args.concurrency} conversations at once | {summary(concurrent)} |",
        "",
        f"Throughput: {len(sequential) / seq_wall:.1f} turns/s sequential, "
        f"{len(concurrent) / con_wall:.1f} turns/s with {args.concurrency} at once.",
        "",
        "Notes: the NLU stub is a keyword matcher (sub-millisecond); with the trained "
        "classifier add its own latency (see the classifier benchmarks). Turns that escalate "
        "or conclude run several actions (intake form, validation, conclusion) in one turn and "
        "make up the tail.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
