"""Loading and checking the scenario suite (tests/scenarios/data, format in docs/scenarios.md).

Shared by the test runner (tests/scenarios/test_scenarios.py) and the benchmark
(benchmarks/intake_scenarios.py): one definition of what "the reply to the urgent turn has the
hotline and 1441" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import yaml

from bot.hotlines import bank_contact

DATA = Path(__file__).with_name("data")
# Development material: "dev" (written with the core), "dev2" to "dev7" (earlier blind splits,
# studied since, so no longer blind). Their per-scenario failures may be read and fixed.
DEV_SPLITS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7")
# The blind split, written by other hands: only aggregate figures (benchmarks/intake_scenarios.py)
# are looked at; no per-scenario test, no known-failures entry. It may be empty or missing.
BLIND = "heldout"
SPLITS = (*DEV_SPLITS, BLIND)
BACK_OF_CARD = ("หลังบัตร", "back of your card")
HANG_UP = ("วางสาย", "hang up")
CUT_INTERNET = ("Wi-Fi", "เน็ต", "airplane", "another phone", "อีกเครื่อง")


@dataclass(frozen=True)
class Scenario:
    id: str
    lang: str
    tags: tuple[str, ...]
    turns: tuple[tuple[str, datetime], ...]
    expect: dict
    split: str


def load(split: str) -> list[Scenario]:
    """The scenarios of one split ([] when its folder is missing or empty)."""
    out: list[Scenario] = []
    for path in sorted((DATA / split).glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            turns = tuple((str(t["text"]), _when(t["at"])) for t in item["turns"])
            out.append(Scenario(str(item["id"]), item.get("lang", "th"),
                                tuple(item.get("tags") or ()), turns, item.get("expect") or {},
                                split))
    return out


def _when(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def expected_priority(s: Scenario) -> str | None:
    p = s.expect.get("priority")
    return None if p in (None, "none", False) else str(p)


@dataclass
class Outcome:
    """What one replay did, and which expectations failed (empty: all met)."""

    priority: str | None
    failures: list[str] = field(default_factory=list)
    urgent_has_numbers: bool | None = None  # None: not a P0 scenario
    hang_up_first: bool | None = None  # None: not on the line


def _has_hotline(reply: str, bank: str | None) -> bool:
    number = bank_contact(bank).number if bank else None
    if number:
        return number in reply
    return any(p in reply for p in BACK_OF_CARD)


def check(s: Scenario, results: list) -> Outcome:
    """``results``: one object per turn with ``.priority``, ``.replies`` and ``.state``
    (``bot.intake.TurnResult`` or the benchmark's legacy equivalent)."""
    last = results[-1]
    out = Outcome(last.priority)
    want = expected_priority(s)
    if last.priority != want:
        out.failures.append(f"priority {last.priority} != {want}")
    urgent = s.expect.get("urgent_turn")
    if urgent:
        # the reply to the urgent turn, or an earlier one (urgent sooner than the writer
        # expected is no failure)
        replies = results[:int(urgent)]
        r = replies[-1]
        bank = getattr(r.state, "victim_bank", None)
        told = "\n".join(line for x in replies for line in x.replies)  # all the victim read
        out.urgent_has_numbers = "1441" in told and _has_hotline(told, bank)
        if not out.urgent_has_numbers:
            out.failures.append(f"turn {urgent}: no bank hotline + 1441 in the reply")
        if s.expect.get("on_line"):
            out.hang_up_first = any(
                x.replies and any(h in x.replies[0].split("\n")[0].lower() for h in HANG_UP)
                for x in replies)
            if not out.hang_up_first:
                out.failures.append(f"turn {urgent}: first line does not say hang up")
        if s.expect.get("still_leaving") and not any(
                c in "\n".join(x.replies) for x in replies for c in CUT_INTERNET):
            out.failures.append(f"turn {urgent}: no cut-the-internet line")
    state = last.state
    if "victim_bank" in s.expect and getattr(state, "victim_bank", None) != s.expect[
            "victim_bank"]:
        out.failures.append(f"victim_bank {getattr(state, 'victim_bank', None)} != "
                            f"{s.expect['victim_bank']}")
    if "loss_total" in s.expect:
        total = getattr(state, "loss_total", None) or Decimal(0)
        if Decimal(str(total)) != Decimal(str(s.expect["loss_total"])):
            out.failures.append(f"loss_total {total} != {s.expect['loss_total']}")
    if "transfer_at" in s.expect:
        want_at = _when(s.expect["transfer_at"])
        got = getattr(state, "last_transfer_at", None)
        if got is None or abs((got - want_at).total_seconds()) >= 3600:
            out.failures.append(f"transfer_at {got} != {want_at} (to the hour)")
    return out


KNOWN_FAILURES = Path(__file__).with_name("known_failures.yml")


def known_failures() -> dict[str, list[str]]:
    """Scenario id -> the expectations it does not meet yet (a ratchet: see the test)."""
    if not KNOWN_FAILURES.exists():
        return {}
    return yaml.safe_load(KNOWN_FAILURES.read_text(encoding="utf-8")) or {}


def write_known_failures() -> int:
    """Record which development scenarios fail today (ids and failed checks only, no texts);
    never the blind split's."""
    from bot.intake import replay

    known = {}
    for split in DEV_SPLITS:
        for s in load(split):
            failures = check(s, replay(s.turns)).failures
            if failures:
                known[f"{split}:{s.id}"] = failures
    header = ("# Scenarios the intake core does not pass yet (generated by\n"
              "# `.venv/bin/python -m tests.scenarios.suite --write-known`). A ratchet: a listed\n"
              "# scenario that starts passing fails the test until it is removed from here.\n")
    KNOWN_FAILURES.write_text(header + yaml.safe_dump(known, allow_unicode=True, sort_keys=True),
                              encoding="utf-8")
    return len(known)


if __name__ == "__main__":
    import sys

    if "--write-known" in sys.argv:
        print(write_known_failures(), "known failures written to", KNOWN_FAILURES)
