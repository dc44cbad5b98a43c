"""Read models for the console: the queue, one conversation with its case, the dashboard.

Plain functions of a session returning plain data, so routes stay thin and tests can call them.
Identifier values leave here masked; only `reveal_identifier` (audited) returns a full value.
"""

from __future__ import annotations

import dataclasses
import logging
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import audit
from bot.cases.current import current_case
from bot.cases.events import CaseEventKind
from bot.cases.service import case_view
from bot.cases.timeline import CaseEvent, events_of
from bot.clock import aware_utc
from bot.complaint import complaint_draft
from bot.conversation.events import EventType, LiveEvent
from bot.masking import mask_identifier, mask_identifiers_in_text
from bot.scam_types import SCAM_TYPES, ScamType
from bot.storage.models import (
    Case,
    Conversation,
    Direction,
    Evidence,
    HandoffState,
    Identifier,
    Message,
    Priority,
    StaffUser,
    utcnow,
)

log = logging.getLogger(__name__)

PRIORITY_ORDER = {Priority.P0: 0, Priority.P1: 1, Priority.P2: 2}
QUEUE_STATES = (HandoffState.WAITING_FOR_STAFF, HandoffState.STAFF)


def scam_label(scam_type: str | None) -> str:
    try:
        return SCAM_TYPES[ScamType(scam_type)].label_th if scam_type else "-"
    except ValueError:
        return scam_type or "-"


@dataclass
class QueueRow:
    conversation_id: str
    channel: str
    state: str
    owner: str | None
    owner_id: str | None
    case_number: str | None
    scam_type: str
    priority: str
    waiting_since: datetime
    waiting_minutes: int
    deadline: datetime | None
    minutes_left: int | None
    alert: bool


def queue(session: Session, *, now: datetime | None = None, p0_alert_minutes: int = 5
          ) -> list[QueueRow]:
    """Chats waiting for or owned by staff: P0 first, then least time left on the 72-h clock."""
    now = now or utcnow()
    conversations = session.scalars(
        select(Conversation).where(Conversation.handoff_state.in_(QUEUE_STATES))
    ).all()
    staff_names = dict(session.execute(select(StaffUser.id, StaffUser.display_name)).all())
    rows = []
    for conv in conversations:
        case = current_case(session, conversation_id=conv.id)
        since = _handoff_requested_at(session, case) or aware_utc(conv.updated_at) or now
        deadline = aware_utc(case.hold_deadline_at) if case else None
        priority = Priority(case.priority) if case else Priority.P1
        waiting = int((now - since).total_seconds() // 60)
        rows.append(QueueRow(
            conversation_id=conv.id, channel=conv.channel, state=str(conv.handoff_state),
            owner=staff_names.get(conv.assigned_staff_id), owner_id=conv.assigned_staff_id,
            case_number=case.case_number if case else None,
            scam_type=scam_label(case.scam_type if case else None),
            priority=str(priority), waiting_since=since, waiting_minutes=waiting,
            deadline=deadline,
            minutes_left=int((deadline - now).total_seconds() // 60) if deadline else None,
            alert=(priority == Priority.P0 and conv.handoff_state == HandoffState.WAITING_FOR_STAFF
                   and waiting >= p0_alert_minutes),
        ))
    far = now + timedelta(days=3650)
    rows.sort(key=lambda r: (PRIORITY_ORDER[Priority(r.priority)], r.deadline or far,
                             r.waiting_since))
    return rows


def _handoff_requested_at(session: Session, case: Case | None) -> datetime | None:
    if case is None:
        return None
    requested = [e.created_at for e in events_of(session, case_id=case.id,
                                                  kinds=CaseEventKind.HANDOFF_CHANGED)
                 if e.data.get("to") == HandoffState.WAITING_FOR_STAFF]
    return aware_utc(max(requested)) if requested else aware_utc(case.escalated_at)


@dataclass
class IdentifierView:
    id: str
    kind: str
    masked_value: str
    bank_code: str | None
    role: str
    confidence: float
    source: str
    message_text: str | None
    cluster_size: int
    maskable: bool


@dataclass
class ConversationView:
    conversation: Conversation
    case: Case | None
    messages: list[dict]
    identifiers: list[IdentifierView]
    events: list[CaseEvent]
    evidence: list[Evidence]
    freeze_requests: list[dict]
    cluster: list[dict] = field(default_factory=list)
    complaint_draft: str | None = None


def message_view(message: Message) -> dict:
    return {
        "id": message.id, "direction": str(message.direction), "sender": str(message.sender_kind),
        "text": mask_identifiers_in_text(message.text),
        "attachments": message.attachments or [],
        "created_at": aware_utc(message.created_at).isoformat(),
    }


def masked_live_event(event: LiveEvent) -> LiveEvent:
    """A live event as staff sockets may see it: a stored message carries the transcript's
    masked text (the same `mask_identifiers_in_text`), never the raw one; full values only
    through the audited reveal. CPU work on a stranger's text: call it off the event loop."""
    if event.type != EventType.MESSAGE_STORED:
        return event
    data = event.data
    masked = {key: data.get(key) for key in (
        "id", "conversation_id", "direction", "sender_kind", "sender_staff_id", "created_at",
        "delivered_at", "bot_silent")}
    masked["text"] = mask_identifiers_in_text(data.get("text"))
    masked["attachments"] = [
        {k: v for k, v in a.items() if k in ("kind", "content_type", "evidence_id")}
        for a in data.get("attachments") or () if isinstance(a, dict)]
    return dataclasses.replace(event, data=masked)


def is_control_message(message: Message) -> bool:
    """A synthetic dialogue command stored as the visitor's text (e.g. "/greet" when the widget
    opens): not something the victim wrote, so the transcript leaves it out, as the widget does."""
    return (message.direction == Direction.INBOUND and not message.attachments
            and (message.text or "").startswith("/"))


def conversation_view(session: Session, conversation_id: str) -> ConversationView | None:
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        return None
    case = current_case(session, conversation_id=conv.id)
    messages = session.scalars(select(Message).where(Message.conversation_id == conv.id)
                               .order_by(Message.created_at)).all()
    identifiers: list[IdentifierView] = []
    events: list[CaseEvent] = []
    evidence: list[Evidence] = []
    cluster: list[dict] = []
    freeze: list[dict] = []
    draft = None
    if case is not None:
        texts = {m.id: m.text for m in messages}
        for ident in session.scalars(select(Identifier).where(
                Identifier.case_id == case.id, Identifier.superseded_by_id.is_(None))):
            others = session.scalars(select(Case.case_number).join(Identifier).where(
                Identifier.kind == ident.kind,
                Identifier.normalized_value == ident.normalized_value,
                Identifier.case_id != case.id).distinct()).all()
            identifiers.append(IdentifierView(
                id=ident.id, kind=ident.kind,
                masked_value=mask_identifier(ident.kind, ident.normalized_value),
                bank_code=ident.bank_code, role=str(ident.role), confidence=ident.confidence,
                source=ident.source,
                message_text=mask_identifiers_in_text(texts.get(ident.message_id)),
                cluster_size=len(others) + 1,
                maskable=ident.kind in ("account", "national_id", "promptpay_id"),
            ))
            if others and ident.kind in ("account", "promptpay_id"):
                cluster.append({"identifier": mask_identifier(ident.kind, ident.normalized_value),
                                "bank": ident.bank_code, "other_cases": list(others)})
        events = events_of(session, case_id=case.id)
        evidence = session.scalars(select(Evidence).where(Evidence.case_id == case.id)).all()
        freeze = _freeze_requests(events)
        draft = _complaint_draft(session, case)
    transcript = [message_view(m) for m in messages if not is_control_message(m)]
    return ConversationView(conv, case, transcript, identifiers,
                            list(events), list(evidence), freeze, cluster, draft)


def _freeze_requests(events: list[CaseEvent]) -> list[dict]:
    """Latest status per freeze request, from exchange callback events on the timeline."""
    latest: dict[str, dict] = {}
    for event in events:
        if event.kind == CaseEventKind.FREEZE_STATUS_CHANGED:
            key = str(event.data.get("freeze_request_id") or event.data.get("bank") or event.id)
            latest[key] = {**event.data, "at": aware_utc(event.created_at).isoformat()}
    return list(latest.values())


def _complaint_draft(session: Session, case: Case) -> str | None:
    """The police complaint draft, masked like the rest of the page (full values only through
    the audited reveal)."""
    try:
        return mask_identifiers_in_text(complaint_draft(case_view(session, case=case)))
    except Exception:  # a draft is a convenience; the case view must still open
        log.exception("complaint draft for case %s", case.id)
        return None


def reveal_identifier(session: Session, *, identifier_id: str, staff: StaffUser,
                      reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 3:
        raise ValueError("a reason is required to reveal personal data")
    ident = session.get(Identifier, identifier_id)
    if ident is None:
        raise LookupError("no such identifier")
    audit.record(session, actor=f"staff:{staff.id}", action="reveal_identifier",
                 target_type="identifier", target_id=ident.id, reason=reason,
                 data={"kind": ident.kind, "case_id": ident.case_id})
    return ident.normalized_value


@dataclass
class Dashboard:
    by_type: list[tuple[str, int]]
    by_day: list[tuple[str, int]]
    lost_thb: Decimal
    held_thb: Decimal
    median_minutes_to_escalation: float | None
    sla_breaches: int
    total_cases: int


def dashboard(session: Session, *, now: datetime | None = None, days: int = 14,
              p0_alert_minutes: int = 5) -> Dashboard:
    now = now or utcnow()
    cases = session.scalars(select(Case)).all()
    by_type = Counter(scam_label(c.scam_type) for c in cases)
    start = (now - timedelta(days=days - 1)).date()
    by_day_counter = Counter(aware_utc(c.created_at).date() for c in cases)
    by_day = [((start + timedelta(days=i)).isoformat()[5:],
               by_day_counter.get(start + timedelta(days=i), 0)) for i in range(days)]
    lost = sum((c.amount_lost_thb or Decimal(0) for c in cases), Decimal(0))
    held = sum((c.amount_held_thb or Decimal(0) for c in cases), Decimal(0))
    minutes = []
    breaches = 0
    for c in cases:
        if c.escalated_at is None:
            continue
        first = session.scalar(select(func.min(Message.created_at))
                               .where(Message.conversation_id == c.conversation_id))
        if first is not None:
            minutes.append((aware_utc(c.escalated_at) - aware_utc(first)).total_seconds() / 60)
    for c in cases:
        if c.priority != Priority.P0 or c.escalated_at is None:
            continue
        claims = [e.created_at for e in events_of(session, case_id=c.id,
                                                  kinds=CaseEventKind.HANDOFF_CHANGED)
                  if e.data.get("to") == HandoffState.STAFF]
        waited_until = aware_utc(min(claims)) if claims else now
        if (waited_until - aware_utc(c.escalated_at)) > timedelta(minutes=p0_alert_minutes):
            breaches += 1
    return Dashboard(
        by_type=by_type.most_common(), by_day=by_day, lost_thb=lost, held_thb=held,
        median_minutes_to_escalation=round(statistics.median(minutes), 1) if minutes else None,
        sla_breaches=breaches, total_cases=len(cases),
    )
