"""Replay a conversation through the pure core: what the victim would read, turn by turn."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.cases.facts import MessageFacts, facts_from_text
from bot.cases.view import CaseView, Destination
from bot.intake.core import Decision, decide
from bot.intake.replies import render_text
from bot.intake.state import CaseState
from bot.triage import police_deadline

FactsOf = Callable[[str, datetime, CaseState], MessageFacts]
REPLAY_CASE_NUMBER = "SK-REPLAY"


@dataclass(frozen=True)
class TurnResult:
    priority: str | None  # "P0" / "P1" / "P2", None: no case
    replies: list[str]  # what the victim reads, bubble by bubble
    state: CaseState
    decision: Decision


def default_facts(text: str, received_at: datetime, state: CaseState) -> MessageFacts:
    """The pure extraction + keyword rules, read with the question just asked."""
    return facts_from_text(text, received_at, asked=state.asked)


def view_of(state: CaseState, now: datetime) -> CaseView:
    """The case as the case service would store it (for the case-bound replies)."""
    created = state.opened_at or now
    deadline = (police_deadline(state.last_transfer_at, created) if state.money_lost else None)
    return CaseView(
        id="replay", case_number=REPLAY_CASE_NUMBER, scam_type=state.scam_type,
        priority=state.priority or "P2", status="escalated" if state.escalated else "open",
        money_lost=state.money_lost, amount_thb=state.loss_total, victim_bank=state.victim_bank,
        last_transfer_at=state.last_transfer_at, hold_deadline_at=deadline, created_at=created,
        destinations=tuple(Destination(d.kind, d.value, d.bank) for d in state.destinations))


def replay(turns: Iterable[tuple[str, datetime]], *, facts_of: FactsOf | None = None,
           state: CaseState | None = None) -> list[TurnResult]:
    facts_of = facts_of or default_facts
    state = state or CaseState()
    results: list[TurnResult] = []
    for text, received_at in turns:
        decision = decide(state, facts_of(text, received_at, state), received_at)
        state = decision.state
        texts = render_text(decision.replies, state.lang, view_of(state, received_at),
                            received_at)
        results.append(TurnResult(state.priority if state.case_open else None, texts, state,
                                  decision))
    return results
