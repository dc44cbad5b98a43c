"""How urgent a case is: a pure function of the facts (shared/domain.md §2.5).

- P0 (escalate now): money left the victim < 72 h ago AND we have a destination identifier
  (account + bank, PromptPay id, e-wallet id or a transaction ref); or money is STILL leaving
  (remote-control app, unauthorised debits); or the scammer is on the line right now.
  Top urgency inside P0: the last transfer was < 2 h ago, money is still leaving, or the
  victim is on the phone with the scammer.
- P1: money lost longer ago (the Decree's 72-hour hold window has probably lapsed) or lost
  recently without a destination yet.
- P2: no money lost (attempt, suspicious SMS or link, advice only).

Choices where the rule is silent (documented in the report):
- money lost, time "ไม่ทราบ" + destination known -> P0 (we cannot rule out "just now"; staff
  sort it out; a false P0 costs a staff minute, a false P1 can cost the victim's money);
- ``call_bank_now`` is true whenever money may still be held (lost < 72 h ago or at an
  unknown time, or still leaving): the victim's own call to their bank is what triggers the
  legal hold, so they are told to call even before we have every detail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.clock import aware_utc
from bot.storage.models import Priority
# The keyword safety net reads the victim's words; it lives with the other readers of text.
from bot.understanding.situation_cues import Signals, urgency_signals  # noqa: F401 (re-exported)

HOLD_WINDOW = timedelta(hours=72)
TOP_URGENCY_WINDOW = timedelta(hours=2)


@dataclass(frozen=True)
class TriageInput:
    money_lost: bool | None  # None: we don't know yet
    last_transfer_at: datetime | None = None  # aware; None: unknown
    has_destination: bool = False
    money_still_leaving: bool = False
    scammer_on_line: bool = False
    now: datetime | None = None


@dataclass(frozen=True)
class Triage:
    priority: Priority
    top_urgency: bool  # the first minutes count: < 2 h, money still leaving, or on the line
    call_bank_now: bool  # tell the victim to call their bank (and 1441) before anything else
    hold_window_open: bool | None  # None: transfer time unknown
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def escalate(self) -> bool:
        return self.priority is Priority.P0


def triage(facts: TriageInput) -> Triage:
    now = aware_utc(facts.now) or datetime.now(UTC)
    reasons: list[str] = []
    age: timedelta | None = None
    if facts.last_transfer_at is not None:
        age = max(timedelta(0), now - aware_utc(facts.last_transfer_at))  # a time in the future counts as "just now"

    if facts.scammer_on_line:
        reasons.append("scammer_on_line")
    if facts.money_still_leaving:
        reasons.append("money_still_leaving")
    if facts.scammer_on_line or facts.money_still_leaving:
        return Triage(Priority.P0, True, True, True if age is None else age < HOLD_WINDOW,
                      tuple(reasons))

    if not facts.money_lost:
        reasons.append("no_money_lost" if facts.money_lost is False else "loss_not_known_yet")
        return Triage(Priority.P2, False, False, None, tuple(reasons))

    hold_open = None if age is None else age < HOLD_WINDOW
    call_bank = hold_open is not False
    if age is None:
        reasons.append("transfer_time_unknown")
    elif hold_open:
        reasons.append("lost_under_72h")
    else:
        reasons.append("lost_over_72h")
    if facts.has_destination:
        reasons.append("destination_known")
    else:
        reasons.append("no_destination_yet")

    if hold_open is not False and facts.has_destination:
        top = age is not None and age < TOP_URGENCY_WINDOW
        if top:
            reasons.append("lost_under_2h")
        return Triage(Priority.P0, top, True, hold_open, tuple(reasons))
    return Triage(Priority.P1, False, call_bank, hold_open, tuple(reasons))


def police_deadline(last_transfer_at: datetime | None, reported_at: datetime) -> datetime:
    """The latest time to file the police complaint, as an aware UTC datetime.

    The Decree gives 72 hours from the bank's hold, which starts when the victim calls their
    bank. We don't know when that call happens, so we count conservatively from the earlier of
    the transfer and the report: the true deadline is never earlier than this one.
    """
    start = aware_utc(reported_at)
    if last_transfer_at is not None:
        start = min(start, aware_utc(last_transfer_at))
    return (start + HOLD_WINDOW).astimezone(UTC)


__all__ = ["HOLD_WINDOW", "TOP_URGENCY_WINDOW", "Signals", "Triage", "TriageInput",
           "police_deadline", "triage", "urgency_signals"]
