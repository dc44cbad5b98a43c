"""Case service functions. Every change to a case records a timeline event
(``bot.cases.timeline.record`` with a payload of ``bot.cases.events``), and the freeze packet
is written to the outbox in the same transaction as the escalation.

All functions take the caller's ``Session`` first and keyword-only arguments; the caller owns
the transaction (``bot.storage.db.session_scope``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.cases import events as ev
from bot.cases.current import current_case
from bot.cases.evidence import attach_pending_evidence, record_dialogue_slip  # noqa: F401
from bot.cases.facts import MessageFacts
from bot.cases.numbers import new_case_number
from bot.cases.packet import TOPIC, build_case_packet, sendable_destinations
from bot.cases.timeline import BOT, count, events_of, record
from bot.cases.view import CaseView, Destination
from bot.clock import aware_utc
from bot.conversation.evidence import delete_evidence
from bot.conversation.redact import redact_credentials
from bot.handoff import HandoffAction, InvalidHandoff, apply_handoff
from bot.masking import mask_national_ids
from bot.outbox.store import enqueue
from bot.scam_types import ScamType
from bot.storage.models import (
    Case,
    CaseStatus,
    ConsentRecord,
    Conversation,
    Evidence,
    HandoffState,
    Identifier,
    IdentifierRole,
    Message,
    OutboxMessage,
    Priority,
)
from bot.triage import Triage, police_deadline

PRIVACY_NOTICE_VERSION = "2026-11"
LOOKUP_KINDS = ("account", "promptpay_id", "phone", "url", "line_id", "social_handle", "email")
_PRIORITY_RANK = {Priority.P0: 0, Priority.P1: 1, Priority.P2: 2}

def story_text(text: str | None) -> str:
    """What of a victim's message goes into the case story: whitespace collapsed, any OTP, PIN
    or password removed (the engine already did, for messages that came through a channel),
    national IDs masked for good."""
    redacted, _ = redact_credentials(" ".join((text or "").split()))
    return mask_national_ids(redacted or "")


def note_event(session: Session, *, case: Case, kind: ev.CaseEventKind | str,
               message_id: str | None, actor: str = BOT) -> None:
    """Record what a message showed that changes no field (``events.NOTES``: the dialogue's
    ``NoteEvent`` commands). Raises ValueError for a kind that is not a note."""
    note = ev.NOTES.get(ev.CaseEventKind(kind))
    if note is None:
        raise ValueError(f"{kind} is not a note event")
    record(session, case=case, actor=actor, event=note(message_id=message_id))


# --- conversations and consent -------------------------------------------------------------

def get_or_create_conversation(session: Session, *, conversation_id: str, channel: str = "rest",
                               language: str | None = None) -> Conversation:
    """The conversation Rasa's sender id points at (created for direct REST/shell use)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        conversation = Conversation(id=conversation_id, channel=channel or "rest",
                                    channel_user_id=f"{channel or 'rest'}:{conversation_id}",
                                    language=language or "th")
        session.add(conversation)
        session.flush()
    return conversation


def privacy_notice_shown(session: Session, *, conversation_id: str) -> bool:
    return session.scalar(
        select(func.count(ConsentRecord.id)).where(
            ConsentRecord.conversation_id == conversation_id,
            ConsentRecord.kind == "privacy_notice_shown")
    ) > 0


def record_consent(session: Session, *, conversation_id: str, kind: str,
                   version: str = PRIVACY_NOTICE_VERSION) -> None:
    session.add(ConsentRecord(conversation_id=conversation_id, kind=kind, notice_version=version))


# --- cases -----------------------------------------------------------------------------------

def open_case(session: Session, *, conversation: Conversation, actor: str = BOT,
              reason: str = "report", now: datetime | None = None) -> Case:
    """``now``: the time of the message that opened the case (the one clock; the police
    deadline of a loss at an unknown time counts from it). Default: the wall clock."""
    for _ in range(5):
        number = new_case_number()
        try:
            with session.begin_nested():
                case = Case(case_number=number, conversation_id=conversation.id)
                if now is not None:  # stored as UTC, like the model's default
                    case.created_at = now.astimezone(UTC)
                session.add(case)
                session.flush()
            break
        except IntegrityError:  # the number was taken: draw again
            continue
    else:  # pragma: no cover - 23^6 numbers
        raise RuntimeError("could not allocate a case number")
    record(session, case=case, actor=actor,
           event=ev.CaseOpened(case_number=case.case_number, reason=reason))
    # A slip sent before the victim told us what happened belongs to this case.
    attach_pending_evidence(session, case=case, actor=actor)
    return case


def ensure_case(session: Session, *, conversation: Conversation, reason: str = "report",
                now: datetime | None = None) -> Case:
    """The conversation's open case, or a new one (a closed case stays closed)."""
    return current_case(session, conversation_id=conversation.id, open_only=True) or open_case(
        session, conversation=conversation, reason=reason, now=now)


def add_story(session: Session, *, case: Case, text: str, message_id: str | None) -> None:
    """Append the victim's own words (redacted) to the case narrative."""
    text = story_text(text)
    if not text or text.startswith("/"):
        return
    case.summary = f"{case.summary}\n{text}" if case.summary else text
    record(session, case=case, event=ev.StoryAdded(message_id=message_id, chars=len(text)))


def set_scam_type(session: Session, *, case: Case, scam_type: str, confidence: float | None,
                  source: str, actor: str = BOT) -> bool:
    """source: "classifier" or "victim" (confirmed or corrected). Returns True if changed.

    Raises ValueError for an id that is not one of ours (bot.scam_types): the exchange would
    refuse the freeze packet that carries it."""
    scam_type = ScamType(scam_type).value
    if case.scam_type == scam_type and source == "classifier":
        return False
    before = case.scam_type
    case.scam_type = scam_type
    case.scam_type_confidence = 1.0 if source == "victim" else confidence
    payload = (ev.ScamTypeConfirmed if source == "victim" and before == scam_type
               else ev.ScamTypeCorrected if source == "victim" and before
               else ev.ScamTypeSet)
    record(session, case=case, actor=actor, event=payload(
        before=before, after=scam_type, confidence=case.scam_type_confidence, source=source))
    return True


def set_money_lost(session: Session, *, case: Case, lost: bool | None) -> None:
    if case.money_lost == lost:
        return
    record(session, case=case, event=ev.MoneyLostSet(before=case.money_lost, after=lost))
    case.money_lost = lost
    if lost is False and case.amount_lost_thb is not None:
        # "I have not paid anything yet": a sum read earlier as paid must not reach the packet
        record(session, case=case, event=ev.AmountSet(before=case.amount_lost_thb, after=None,
                                                        message_id=None))
        case.amount_lost_thb = None


def _message_exists(session: Session, message_id: str | None) -> str | None:
    if not message_id:
        return None
    return message_id if session.get(Message, message_id) is not None else None


def record_facts(session: Session, *, case: Case, facts: MessageFacts,
                 message_id: str | None, actor: str = BOT) -> list[str]:
    """Store the identifiers of one message (with the message they came from) and update the
    case fields they answer. Returns the kinds of fields that changed."""
    changed: list[str] = []
    msg_id = _message_exists(session, message_id)
    existing = {(i.kind, i.normalized_value, i.role)
                for i in session.scalars(select(Identifier).where(Identifier.case_id == case.id))}
    for found in facts.identifiers:
        key = (found.kind, found.normalized_value, found.role)
        if key in existing:
            continue
        existing.add(key)
        ident = Identifier(case_id=case.id, message_id=msg_id, kind=found.kind,
                           raw_text=found.raw_text, normalized_value=found.normalized_value,
                           bank_code=found.bank_code, role=found.role,
                           confidence=found.confidence, source="text")
        session.add(ident)
        session.flush()
        record(session, case=case, actor=actor, event=ev.IdentifierAdded(
            identifier_id=ident.id, identifier_kind=found.kind, role=found.role,
            message_id=message_id))
        if found.kind in ("account", "promptpay_id") and found.role != "source":
            changed.append("destination")
    if facts.amount is not None and case.amount_lost_thb != facts.amount:
        record(session, case=case, actor=actor, event=ev.AmountSet(
            before=case.amount_lost_thb, after=facts.amount, message_id=message_id))
        case.amount_lost_thb = facts.amount
        changed.append("amount")
    if facts.transfer_at is not None and (case.last_transfer_at is None
                                          or aware_utc(case.last_transfer_at) != facts.transfer_at):
        # times are stored in UTC everywhere: SQLite drops the zone, PostgreSQL keeps it
        record(session, case=case, actor=actor, event=ev.TransferTimeSet(
            before=case.last_transfer_at, after=facts.transfer_at, message_id=message_id))
        case.last_transfer_at = facts.transfer_at.astimezone(UTC)  # SQLite keeps no zone
        changed.append("transfer_time")
    if facts.victim_bank and case.victim_bank != facts.victim_bank:
        record(session, case=case, actor=actor, event=ev.VictimBankSet(
            before=case.victim_bank, after=facts.victim_bank, message_id=message_id))
        case.victim_bank = facts.victim_bank
        changed.append("victim_bank")
    return changed


def has_destination(session: Session, *, case: Case) -> bool:
    return session.scalar(select(func.count(Identifier.id)).where(
        Identifier.case_id == case.id, Identifier.kind.in_(("account", "promptpay_id")),
        Identifier.role != IdentifierRole.SOURCE, Identifier.superseded_by_id.is_(None))) > 0


def apply_triage(session: Session, *, case: Case, result: Triage, now: datetime,
                 correction: bool = False) -> bool:
    """Store the triage decision and the police deadline; True when the priority rose."""
    # Priority only rises here: a signal seen once ("money is still leaving", "he is on the
    # line") keeps the case P0 even when the next message doesn't repeat it. Staff lower it,
    # and so does the victim's own correction ("ขอแก้ ยังไม่ได้โอน") before the case went to
    # staff (``correction``: the intake core decided it; bot/intake/core.py).
    priority = Priority(result.priority)
    rose = _PRIORITY_RANK[priority] < _PRIORITY_RANK[Priority(case.priority)]
    lowered = (correction and case.status != CaseStatus.ESCALATED
               and _PRIORITY_RANK[priority] > _PRIORITY_RANK[Priority(case.priority)])
    first = not (rose or lowered) and count(
        session, case_id=case.id, kind=ev.CaseEventKind.TRIAGED) == 0
    if rose or lowered or first:
        session.flush()
        record(session, case=case, event=ev.Triaged(
            before=str(case.priority),
            after=(priority if rose or lowered else Priority(case.priority)).value,
            reasons=[*result.reasons, *(["victim_correction"] if lowered else [])],
            top_urgency=result.top_urgency))
        if rose or lowered:
            case.priority = priority
    if case.money_lost:
        deadline = police_deadline(aware_utc(case.last_transfer_at), aware_utc(case.created_at) or now)
        if aware_utc(case.hold_deadline_at) != deadline:
            record(session, case=case,
                   event=ev.DeadlineSet(before=case.hold_deadline_at, after=deadline))
            case.hold_deadline_at = deadline
    return rose


def raise_priority(session: Session, *, case: Case, priority: Priority, reason: str) -> None:
    if _PRIORITY_RANK[priority] < _PRIORITY_RANK[Priority(case.priority)]:
        record(session, case=case, event=ev.Triaged(
            before=str(case.priority), after=priority.value, reasons=[reason],
            top_urgency=priority is Priority.P0))
        case.priority = priority


# --- escalation and handoff ------------------------------------------------------------------

@dataclass(frozen=True)
class Escalation:
    packet_queued: bool
    idempotency_key: str | None
    handoff_state: str


def request_human(session: Session, *, conversation: Conversation, case: Case | None,
                  reason: str) -> str:
    """Put the chat in the staff queue (bot.handoff REQUEST_HUMAN) and record it. The app
    reads the change back from the database; it does not apply it again."""
    if case is not None:
        record(session, case=case,
               event=ev.HumanRequested(reason=reason, priority=str(case.priority)))
    try:
        change = apply_handoff(session, conversation=conversation, actor=BOT, reason=reason,
                               action=HandoffAction.REQUEST_HUMAN)
        return str(change.after)
    except InvalidHandoff:
        return str(conversation.handoff_state)


def packet_version(session: Session, *, case: Case) -> int:
    return count(session, case_id=case.id, kind=ev.CaseEventKind.PACKET_QUEUED) + 1


def escalate(session: Session, *, conversation: Conversation, case: Case,
             reported_at: datetime, reason: str, now: datetime | None = None) -> Escalation:
    """P0: freeze packet to the outbox, case escalated, chat to the staff queue — one
    transaction (the caller's). The conversation never waits on the exchange."""
    view = case_view(session, case=case)
    key = None
    queued = False
    if sendable_destinations(view):
        packet = build_case_packet(view, reported_at=reported_at)
        key = f"{case.id}:v{packet_version(session, case=case)}"
        queued = enqueue(session, topic=TOPIC, idempotency_key=key, payload=packet)
        if queued:
            record(session, case=case, event=ev.PacketQueued(
                idempotency_key=key, topic=TOPIC, transfers=len(packet["transfers"])))
    else:
        reason_code = ("destination_incomplete" if view.destinations
                       else "no_destination_identifier")
        record(session, case=case, event=ev.PacketDeferred(reason=reason_code))
    if case.status != CaseStatus.ESCALATED:
        record(session, case=case,
               event=ev.Escalated(reason=reason, priority=str(case.priority)))
        case.status = CaseStatus.ESCALATED
        case.escalated_at = (now or datetime.now(UTC)).astimezone(UTC)
    state = request_human(session, conversation=conversation, case=case, reason=reason)
    return Escalation(queued, key, state)


def packets_for_case(session: Session, *, case: Case) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == TOPIC, OutboxMessage.idempotency_key.like(f"{case.id}:%"))
        .order_by(OutboxMessage.id)))


# --- views and look-ups ------------------------------------------------------------------------

def case_view(session: Session, *, case: Case) -> CaseView:
    idents = list(session.scalars(select(Identifier).where(
        Identifier.case_id == case.id, Identifier.superseded_by_id.is_(None))
        .order_by(Identifier.created_at, Identifier.id)))
    dests, sources, phones, links, refs = [], [], [], [], []
    for i in idents:
        if i.kind in ("account", "promptpay_id"):
            d = Destination(i.kind, i.normalized_value, i.bank_code, i.id)
            (sources if i.role == IdentifierRole.SOURCE else dests).append(d)
        elif i.kind == "phone":
            phones.append(i.normalized_value)
        elif i.kind in ("url", "line_id", "social_handle", "email"):
            links.append(i.normalized_value)
        elif i.kind == "transaction_ref":
            refs.append(i.normalized_value)
    return CaseView(
        id=case.id, case_number=case.case_number, scam_type=case.scam_type,
        priority=str(case.priority), status=str(case.status), money_lost=case.money_lost,
        amount_thb=case.amount_lost_thb, victim_bank=case.victim_bank,
        last_transfer_at=aware_utc(case.last_transfer_at),
        hold_deadline_at=aware_utc(case.hold_deadline_at), created_at=aware_utc(case.created_at),
        story=case.summary, destinations=tuple(dests), suspect_phones=tuple(dict.fromkeys(phones)),
        links=tuple(dict.fromkeys(links)), transfer_refs=tuple(dict.fromkeys(refs)),
        source_accounts=tuple(sources),
    )


def lookup_candidates(kind: str, value: str) -> list[tuple[str, str]]:
    """The (kind, normalized value) pairs under which an identifier may have been stored: a
    mobile number may be a scammer's phone or their PromptPay id."""
    pairs = [(kind, value)]
    if kind == "phone" and value.startswith("+66"):
        pairs.append(("promptpay_id", "0" + value[3:]))
    if kind == "promptpay_id" and len(value) == 10 and value.startswith("0"):
        pairs.append(("phone", "+66" + value[1:]))
    return pairs


def times_reported(session: Session, *, kind: str, value: str,
                   exclude_case_id: str | None = None) -> int:
    """How many distinct cases (other than ``exclude_case_id``) named this identifier."""
    total = 0
    seen: set[str] = set()
    for k, v in lookup_candidates(kind, value):
        query = select(Identifier.case_id).where(
            Identifier.kind == k, Identifier.normalized_value == v,
            Identifier.role != IdentifierRole.SOURCE)
        if exclude_case_id:
            query = query.where(Identifier.case_id != exclude_case_id)
        for case_id in session.scalars(query):
            if case_id not in seen:
                seen.add(case_id)
                total += 1
    return total


# --- data deletion (PDPA) ------------------------------------------------------------------------

@dataclass(frozen=True)
class Deletion:
    messages_scrubbed: int
    identifiers_deleted: int
    evidence_deleted: int
    kept_case_numbers: tuple[str, ...]  # cases whose packet already went to law enforcement


_VALUE_EVENTS = (ev.CaseEventKind.AMOUNT_SET, ev.CaseEventKind.TRANSFER_TIME_SET,
                 ev.CaseEventKind.VICTIM_BANK_SET)
_PACKET_KINDS = ("account", "promptpay_id", "phone", "amount", "transfer_time", "bank",
                 "transaction_ref")


def delete_conversation_data(session: Session, *, conversation: Conversation,
                             actor: str = "user") -> Deletion:
    """Delete or anonymise what the victim gave us. What was already sent to law enforcement
    (the queued freeze packet and the identifiers in it) is kept, and the victim is told so."""
    now = datetime.now(UTC)
    kept: list[str] = []
    identifiers_deleted = 0
    for case in session.scalars(select(Case).where(Case.conversation_id == conversation.id)):
        sent = bool(packets_for_case(session, case=case))
        query = delete(Identifier).where(Identifier.case_id == case.id)
        if sent:
            query = query.where(Identifier.kind.not_in(_PACKET_KINDS))
            kept.append(case.case_number)
        else:
            case.amount_lost_thb = None
            case.last_transfer_at = None
            case.victim_bank = None
        identifiers_deleted += session.execute(
            query.execution_options(synchronize_session=False)).rowcount or 0
        case.summary = None
        if not sent:
            # the one exception to "events are never updated": values the victim gave us
            for given in events_of(session, case_id=case.id, kinds=_VALUE_EVENTS):
                given.data = {"redacted": "data_deletion"}
        record(session, case=case, actor=actor, event=ev.DataDeleted(kept_sent_packet=sent))
    messages = list(session.scalars(select(Message).where(
        Message.conversation_id == conversation.id)))
    for m in messages:
        m.text = None
        m.attachments = []
        m.payload = {}
    evidence = list(session.scalars(select(Evidence).where(
        Evidence.conversation_id == conversation.id)))
    for item in evidence:  # a file another conversation also holds stays (content-addressed)
        delete_evidence(session, item)
    conversation.channel_user_id = f"deleted:{conversation.id}"
    conversation.anonymised_at = now
    record_consent(session, conversation_id=conversation.id, kind="data_deletion")
    return Deletion(len(messages), identifiers_deleted, len(evidence), tuple(kept))


def handoff_state(conversation: Conversation) -> HandoffState:
    return HandoffState(conversation.handoff_state)
