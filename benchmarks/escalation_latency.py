"""Escalation latency: from the fact that makes a case urgent arriving to the freeze packet
stored at the AOC exchange. Target: p95 <= 2 s on one machine.

Real processes on free ports with temporary SQLite databases: the exchange
(`python -m exchange serve`) and one outbox worker (`sakot worker`, product defaults: polls every
SAKOT_OUTBOX_POLL_SECONDS = 0.5 s when idle). Two measurements:

- chat: when the dialogue stack can run (.venv-rasa + models/rasa; the trained classifier if
  built, else the keyword NLU stub — see tests/conversation/harness.py), the clock starts when
  the victim's message that completes the facts is POSTed to Rasa's REST channel (as the
  conversation engine forwards it). Two conversations alternate: everything in one message,
  and a PromptPay report whose victim bank arrives in a second message.
- service: the clock starts at the case-service call that escalates (packet written to the
  outbox in the escalation's transaction), i.e. without Rasa.

The clock stops at the exchange's `created_at` for the case (read from the exchange database;
it is set when the exchange starts storing, a few ms before its commit). Escalations run one
at a time; the next starts after the previous packet is stored and a random 0-1 s pause.

    .venv/bin/python benchmarks/escalation_latency.py [--n 40] [--mode both|chat|service]
                                                      [--poll 0.5] [--out results/escalation.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from benchmarks.percentiles import percentile  # noqa: E402
from bot.storage.db import make_engine, make_session_factory  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Case, OutboxMessage  # noqa: E402
from exchange.models import Case as ExchangeCase  # noqa: E402
from tests.escalation.test_fault_tolerance import (  # noqa: E402
    Processes,
    clean_env,
    escalate_case,
    free_port,
)

RESULTS = ROOT / "benchmarks" / "results" / "escalation.md"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"


@dataclass
class Sample:
    scenario: str
    total_ms: float  # fact arrives -> packet stored at the exchange
    queued_ms: float  # fact arrives -> packet row written to the outbox


def aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # SQLite keeps no zone


class Exchange:
    """Reads the exchange's own database: when did it store the case with this reference."""

    def __init__(self, url: str) -> None:
        self.sessions = make_session_factory(make_engine(url))

    def stored_at(self, case_ref: str, timeout: float = 30.0) -> datetime:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.sessions() as s:
                created = s.scalar(select(ExchangeCase.created_at).where(
                    ExchangeCase.source_case_ref == case_ref))
            if created is not None:
                return aware(created)
            time.sleep(0.01)
        raise TimeoutError(f"{case_ref} not at the exchange after {timeout}s")


def queued_at(sessions, case_id: str) -> datetime:
    with sessions() as s:
        return aware(s.scalar(select(OutboxMessage.created_at).where(
            OutboxMessage.idempotency_key.like(f"{case_id}:%")).order_by(OutboxMessage.id)))


def measure(run: Callable[[int], tuple[str, datetime, str, str]], sessions, exchange: Exchange,
            n: int) -> list[Sample]:
    exchange.stored_at(run(10_000)[3], timeout=60)  # warm-up (worker starting), not counted
    samples = []
    pause = random.Random(8)
    for i in range(n):
        # arrive at a random moment of the worker's poll cycle, as victims do
        time.sleep(pause.uniform(0, 1.0))
        scenario, started, case_id, case_number = run(i)
        stored = exchange.stored_at(case_number)
        samples.append(Sample(scenario, (stored - started).total_seconds() * 1000,
                              (queued_at(sessions, case_id) - started).total_seconds() * 1000))
    return samples


# --- service mode: the case-service escalation call --------------------------------------------

def service_runner(sessions) -> Callable[[int], tuple[str, datetime, str, str]]:
    def run(i: int) -> tuple[str, datetime, str, str]:
        started = datetime.now(UTC)
        case_id, case_number = escalate_case(sessions, i % 900)
        return "service.escalate", started, case_id, case_number
    return run


# --- chat mode: the victim's message through Rasa -----------------------------------------------

ONE_MESSAGE = ("สั่งของในเฟซแล้วโอนไป 2,500 บาท เมื่อ 20 นาทีที่แล้ว เข้าบัญชีกสิกร "
               "{a}-4-56789-{b} จากบัญชีไทยพาณิชย์ของฉัน ร้านบล็อกเลย")
PROMPTPAY = "งานกดไลก์ ให้เติมเงินก่อน โอนพร้อมเพย์ 08{p} ไป 3,000 บาท เมื่อ 1 ชั่วโมงที่แล้ว"
BANK_LATER = "กสิกรไทย"


def chat_runner(stack, sessions) -> Callable[[int], tuple[str, datetime, str, str]]:
    def run(i: int) -> tuple[str, datetime, str, str]:
        chat = stack.chat()
        if i % 2 == 0:
            scenario, text = "chat: all facts in one message", ONE_MESSAGE.format(
                a=100 + i % 900, b=i % 10)
        else:
            scenario, text = "chat: victim bank in a 2nd message", BANK_LATER
            first = chat.send(PROMPTPAY.format(p=f"{uuid.uuid4().int % 10**8:08d}"))
            assert first.replies, "no reply to the first message"
            with sessions() as s:
                assert s.scalar(select(Case.status).where(Case.conversation_id == chat.id)) \
                    != "escalated", "escalated before the last fact arrived"
        started = datetime.now(UTC)
        turn = chat.send(text)
        with sessions() as s:
            case = s.scalar(select(Case).where(Case.conversation_id == chat.id))
        assert case is not None and case.status == "escalated", \
            f"{scenario}: the case was not escalated ({turn.texts})"
        return scenario, started, case.id, case.case_number
    return run


def chat_available() -> str | None:
    if not RASA.exists():
        return "no .venv-rasa/bin/rasa"
    if not (ROOT / "models" / "rasa").exists():
        return "no models/rasa"
    return None


# --- report --------------------------------------------------------------------------------------

def row(label: str, samples: list[Sample]) -> str:
    ms = [s.total_ms for s in samples]
    queued = [s.queued_ms for s in samples]
    return (f"| {label} | {len(ms)} | {percentile(ms, 0.5):.0f} | {percentile(ms, 0.95):.0f} | "
            f"{max(ms):.0f} | {statistics.mean(ms):.0f} | {percentile(queued, 0.5):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40, help="escalations per mode (>= 30)")
    parser.add_argument("--mode", choices=("both", "chat", "service"), default="both")
    parser.add_argument("--poll", type=float, default=0.5,
                        help="SAKOT_OUTBOX_POLL_SECONDS of the worker (product default 0.5)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    results: dict[str, list[Sample]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        processes = Processes(work)
        stack = None
        try:
            exchange_port = free_port()
            exchange_db = f"sqlite:///{work / 'exchange.db'}"
            processes.exchange(port=exchange_port, database_url=exchange_db)
            exchange = Exchange(exchange_db)

            unavailable = chat_available() if args.mode != "service" else "not requested"
            if args.mode != "service" and unavailable is None:
                from tests.conversation.harness import Stack

                stack = Stack(work / "dialogue").start()
                database_url = stack.database_url
                notes.append(f"chat NLU: **{stack.nlu_used}**")
            else:
                database_url = f"sqlite:///{work / 'sakot.db'}"
                upgrade(database_url)
                if args.mode != "service":
                    notes.append(f"chat mode skipped: {unavailable}")
            sessions = make_session_factory(make_engine(database_url))
            processes.spawn("worker", ["worker"], clean_env(
                SAKOT_DATABASE_URL=database_url,
                SAKOT_EXCHANGE_URL=f"http://127.0.0.1:{exchange_port}",
                SAKOT_OUTBOX_POLL_SECONDS=str(args.poll)))

            if stack is not None:
                results["chat"] = measure(chat_runner(stack, sessions), sessions, exchange,
                                          args.n)
            if args.mode in ("both", "service"):
                results["service"] = measure(service_runner(sessions), sessions, exchange,
                                             args.n)
        finally:
            if stack is not None:
                stack.stop()
            processes.stop_all()

    lines = [
        "# Escalation latency: urgent fact in -> freeze packet stored at the exchange",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `benchmarks/escalation_latency.py "
        f"--n {args.n} --mode {args.mode} --poll {args.poll}` on this machine "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}; SQLite for Sakot and for "
        f"the exchange; {'; '.join(notes) or 'service mode only'}). Target: p95 <= 2000 ms.",
        "",
        "Real processes on free ports: `python -m exchange serve` and one `sakot worker` "
        f"(SAKOT_OUTBOX_POLL_SECONDS={args.poll}); with the chat mode also Rasa 3.6, the action "
        "server and the NLU service (tests/conversation/harness.py). Escalations run one at a "
        "time, each after a random 0-1 s pause (so it lands anywhere in the worker's poll cycle). "
        "The clock stops at the exchange's `created_at` of the case.",
        "",
        "- **chat**: starts when the victim message that completes the facts is POSTed to "
        "Rasa's REST channel (alternating: all facts in one message; a PromptPay report whose "
        "bank arrives in a second message — timed from that second message).",
        "- **service**: starts at the case-service escalation call (`bot.cases.service."
        "escalate`, packet written to the outbox in the same transaction), without Rasa.",
        "",
        "| measured from | escalations | p50 ms | p95 ms | max ms | mean ms | "
        "p50 to outbox row ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, samples in results.items():
        lines.append(row(mode, samples))
        scenarios = sorted({s.scenario for s in samples})
        if len(scenarios) > 1:
            for scenario in scenarios:
                lines.append(row(f"&nbsp;&nbsp;{scenario}",
                                 [s for s in samples if s.scenario == scenario]))
    lines += [
        "",
        "\"to outbox row\" = until the packet row is written (inside the turn's or the call's "
        "transaction). The rest is the worker noticing the committed row (up to one poll "
        "interval while idle), the signed POST /v1/cases and the exchange storing the case "
        "and its freeze requests.",
        "",
    ]
    if stack is not None and stack.nlu_used != "real":
        lines += ["The chat rows used the keyword NLU stub (models/classifier was not built); "
                  "with the trained classifier add its inference time per turn "
                  "(see the classifier benchmarks).", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
