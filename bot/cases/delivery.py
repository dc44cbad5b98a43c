"""What became of a case's freeze packet in the outbox, on the case's timeline.

The worker process calls these when the exchange accepted a packet or the outbox gave up on
it. A worker can die after recording and before settling the outbox row, so the same
delivery may be reported twice: it is recorded once per idempotency key.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.events import FreezePacketDelivered, OutboxDeliveryFailed
from bot.cases.timeline import events_of, record
from bot.outbox.store import ClaimedMessage
from bot.storage.models import Case

log = logging.getLogger(__name__)
SYSTEM = "system"


def packet_delivered(session: Session, *, message: ClaimedMessage, response: dict) -> None:
    exchange = {k: v for k, v in response.items() if isinstance(v, str | int | float)}
    _record_once(session, message, FreezePacketDelivered(
        idempotency_key=message.idempotency_key, attempts=message.attempts, exchange=exchange))


def delivery_failed(session: Session, *, message: ClaimedMessage, error: str) -> None:
    _record_once(session, message, OutboxDeliveryFailed(
        idempotency_key=message.idempotency_key, topic=message.topic, error=error[:500]))


def _record_once(session: Session, message: ClaimedMessage,
                 event: FreezePacketDelivered | OutboxDeliveryFailed) -> None:
    case = _case_for(session, message)
    if case is None:
        log.warning("outbox %s: no case found for %s event", message.id, event.kind)
        return
    if any((e.data or {}).get("idempotency_key") == message.idempotency_key
           for e in events_of(session, case_id=case.id, kinds=event.kind)):
        return  # a worker died after recording it, before settling the row
    record(session, case=case, actor=SYSTEM, event=event)


def _case_for(session: Session, message: ClaimedMessage) -> Case | None:
    """Packets carry Sakot's case number; the idempotency key starts with the case id."""
    number = message.payload.get("source_case_ref")
    if number:
        case = session.scalar(select(Case).where(Case.case_number == number))
        if case:
            return case
    return session.get(Case, message.idempotency_key.split(":", 1)[0])
