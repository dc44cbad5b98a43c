"""Applying freeze-request status changes reported by the exchange to our cases.

The exchange calls back (signed) whenever a bank acknowledges a freeze request. Callbacks may
arrive twice or out of order: each event id is applied once, and a status older than the one
already recorded for that freeze request is kept on the timeline but changes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.cases.events import CaseEventKind, FreezeStatusChanged
from bot.cases.timeline import events_of, record
from bot.storage.models import Case, Conversation, ProcessedEvent

STATUSES = ("pending", "held", "not_found", "insufficient_funds", "released")


class UnknownCase(LookupError):
    pass


@dataclass(frozen=True)
class FreezeUpdate:
    """What changed, for telling the victim and the console."""

    case_id: str
    case_number: str
    conversation_id: str
    language: str
    bank_code: str | None
    status: str
    amount_held: Decimal | None
    bank_case_id: str | None
    cluster_size: int | None
    applied: bool  # False: duplicate or older than what we already knew (nothing to tell)


def _parse_time(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def apply_freeze_callback(session: Session, payload: dict) -> FreezeUpdate | None:
    """Record one callback. Returns None for an event id seen before."""
    event_id = str(payload.get("event_id") or "")
    status = str(payload.get("status") or "")
    if not event_id or status not in STATUSES:
        raise ValueError("callback needs an event_id and a known status")
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(source="exchange", event_id=event_id))
    except IntegrityError:
        return None
    case = session.scalar(select(Case).where(Case.case_number == str(payload.get("case_ref"))))
    if case is None:
        raise UnknownCase(str(payload.get("case_ref")))
    freeze_request_id = str(payload.get("freeze_request_id") or "")
    occurred_at = _parse_time(payload.get("occurred_at"))
    previous = [e for e in events_of(session, case_id=case.id,
                                     kinds=CaseEventKind.FREEZE_STATUS_CHANGED)
                if e.data.get("freeze_request_id") == freeze_request_id]
    newer_known = any(
        (t := _parse_time(e.data.get("occurred_at"))) and occurred_at and t > occurred_at
        for e in previous)
    same_as_latest = bool(previous) and previous[-1].data.get("status") == status and (
        previous[-1].data.get("amount_held") == payload.get("amount_held"))
    applied = not newer_known and not same_as_latest
    amount_held = _money(payload.get("amount_held"))
    record(session, case=case, actor="exchange", event=FreezeStatusChanged(
        event_id=event_id, freeze_request_id=freeze_request_id,
        bank=payload.get("bank_short_name") or payload.get("bank_code"),
        bank_code=payload.get("bank_code"), status=status,
        amount_held=payload.get("amount_held"), bank_case_id=payload.get("bank_case_id"),
        cluster_size=payload.get("cluster_size"), occurred_at=payload.get("occurred_at"),
        applied=applied))
    if applied:
        case.amount_held_thb = _total_held(session, case, freeze_request_id, status, amount_held)
    conversation = session.get(Conversation, case.conversation_id)
    return FreezeUpdate(
        case_id=case.id, case_number=case.case_number, conversation_id=case.conversation_id,
        language=conversation.language if conversation else "th",
        bank_code=payload.get("bank_short_name") or payload.get("bank_code"), status=status,
        amount_held=amount_held, bank_case_id=payload.get("bank_case_id"),
        cluster_size=payload.get("cluster_size"), applied=applied)


def _total_held(session: Session, case: Case, current_id: str, status: str,
                amount: Decimal | None) -> Decimal | None:
    """Sum of what is held now across the case's freeze requests (latest status of each)."""
    latest: dict[str, tuple[str, Decimal | None]] = {}
    for event in events_of(session, case_id=case.id, kinds=CaseEventKind.FREEZE_STATUS_CHANGED):
        if event.data.get("applied", True):
            latest[event.data.get("freeze_request_id")] = (
                event.data.get("status"), _money(event.data.get("amount_held")))
    latest[current_id] = (status, amount)
    held = [a for s, a in latest.values() if s == "held" and a is not None]
    return sum(held, Decimal(0)) if held else None
