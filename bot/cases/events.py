"""The case timeline's event kinds and what each one carries.

One `CaseEventKind` per kind of change (the values are the strings stored in
``case_events.kind``, so rows written before this enum stay valid), and one frozen dataclass
per kind with the fields of its ``data``. ``bot.cases.timeline.record`` writes them; nothing
else builds a timeline row.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar


class CaseEventKind(StrEnum):
    # the case and what the victim told us
    CASE_OPENED = "case_opened"
    STORY_ADDED = "story_added"
    SCAM_TYPE_SET = "scam_type_set"
    SCAM_TYPE_CONFIRMED = "scam_type_confirmed"
    SCAM_TYPE_CORRECTED = "scam_type_corrected"
    MONEY_LOST_SET = "money_lost_set"
    IDENTIFIER_ADDED = "identifier_added"
    IDENTIFIER_CORRECTED = "identifier_corrected"
    AMOUNT_SET = "amount_set"
    TRANSFER_TIME_SET = "transfer_time_set"
    VICTIM_BANK_SET = "victim_bank_set"
    EVIDENCE_ADDED = "evidence_added"
    EVIDENCE_RECEIVED = "evidence_received"
    SLIP_QR_ATTACHED = "slip_qr_attached"
    RECOVERY_OFFER_REPORTED = "recovery_offer_reported"
    DATA_DELETED = "data_deleted"
    # triage and escalation
    TRIAGED = "triaged"
    DEADLINE_SET = "deadline_set"
    ESCALATED = "escalated"
    PACKET_QUEUED = "packet_queued"
    PACKET_DEFERRED = "packet_deferred"
    FREEZE_PACKET_DELIVERED = "freeze_packet_delivered"
    OUTBOX_DELIVERY_FAILED = "outbox_delivery_failed"
    FREEZE_STATUS_CHANGED = "freeze_status_changed"
    # people
    HUMAN_REQUESTED = "human_requested"
    HANDOFF_CHANGED = "handoff_changed"
    STAFF_NOTE = "staff_note"


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class CaseEventPayload:
    """Base of every payload: ``kind`` names the row, ``data()`` is what is stored."""

    kind: ClassVar[CaseEventKind]

    def data(self) -> dict:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


# --- the case and what the victim told us ------------------------------------------------------

@dataclass(frozen=True)
class CaseOpened(CaseEventPayload):
    kind = CaseEventKind.CASE_OPENED
    case_number: str
    reason: str


@dataclass(frozen=True)
class StoryAdded(CaseEventPayload):
    kind = CaseEventKind.STORY_ADDED
    message_id: str | None
    chars: int


@dataclass(frozen=True)
class ScamTypeSet(CaseEventPayload):
    kind = CaseEventKind.SCAM_TYPE_SET
    before: str | None
    after: str
    confidence: float | None
    source: str  # "classifier" or "victim"


@dataclass(frozen=True)
class ScamTypeConfirmed(ScamTypeSet):
    kind = CaseEventKind.SCAM_TYPE_CONFIRMED


@dataclass(frozen=True)
class ScamTypeCorrected(ScamTypeSet):
    kind = CaseEventKind.SCAM_TYPE_CORRECTED


@dataclass(frozen=True)
class MoneyLostSet(CaseEventPayload):
    kind = CaseEventKind.MONEY_LOST_SET
    before: bool | None
    after: bool | None


@dataclass(frozen=True)
class IdentifierAdded(CaseEventPayload):
    kind = CaseEventKind.IDENTIFIER_ADDED
    identifier_id: str
    identifier_kind: str
    role: str
    message_id: str | None

    def data(self) -> dict:  # stored as "kind" (the identifier's), as before this class
        return {"identifier_id": self.identifier_id, "kind": self.identifier_kind,
                "role": self.role, "message_id": self.message_id}


@dataclass(frozen=True)
class IdentifierCorrected(CaseEventPayload):
    kind = CaseEventKind.IDENTIFIER_CORRECTED
    identifier_id: str
    new_identifier_id: str
    identifier_kind: str
    bank: str | None
    role: str

    def data(self) -> dict:
        return {"identifier_id": self.identifier_id, "new_identifier_id": self.new_identifier_id,
                "kind": self.identifier_kind, "bank": self.bank, "role": self.role}


@dataclass(frozen=True)
class AmountSet(CaseEventPayload):
    kind = CaseEventKind.AMOUNT_SET
    before: Decimal | None
    after: Decimal | None  # None: the victim said nothing was paid after all
    message_id: str | None


@dataclass(frozen=True)
class TransferTimeSet(CaseEventPayload):
    kind = CaseEventKind.TRANSFER_TIME_SET
    before: datetime | None
    after: datetime
    message_id: str | None


@dataclass(frozen=True)
class VictimBankSet(CaseEventPayload):
    kind = CaseEventKind.VICTIM_BANK_SET
    before: str | None
    after: str
    message_id: str | None
    source: str = "text"  # or "slip_qr"


@dataclass(frozen=True)
class EvidenceAdded(CaseEventPayload):
    kind = CaseEventKind.EVIDENCE_ADDED
    evidence_id: str
    sha256: str


@dataclass(frozen=True)
class SlipQrAttached(CaseEventPayload):
    kind = CaseEventKind.SLIP_QR_ATTACHED
    evidence_id: str | None  # None: the slip reached the dialogue without a file
    identifier_id: str
    sending_bank_code: str | None
    crc_valid: bool | None  # None: not known (only the reference and bank were given)


@dataclass(frozen=True)
class MessageNoted(CaseEventPayload):
    """Something a message showed that changes no field (the dialogue notes it)."""

    message_id: str | None


@dataclass(frozen=True)
class EvidenceReceived(MessageNoted):
    kind = CaseEventKind.EVIDENCE_RECEIVED


@dataclass(frozen=True)
class RecoveryOfferReported(MessageNoted):
    kind = CaseEventKind.RECOVERY_OFFER_REPORTED


NOTES: dict[CaseEventKind, type[MessageNoted]] = {
    cls.kind: cls for cls in (EvidenceReceived, RecoveryOfferReported)}


@dataclass(frozen=True)
class DataDeleted(CaseEventPayload):
    kind = CaseEventKind.DATA_DELETED
    kept_sent_packet: bool


# --- triage and escalation ------------------------------------------------------------------

@dataclass(frozen=True)
class Triaged(CaseEventPayload):
    kind = CaseEventKind.TRIAGED
    before: str
    after: str
    reasons: list[str]
    top_urgency: bool


@dataclass(frozen=True)
class DeadlineSet(CaseEventPayload):
    kind = CaseEventKind.DEADLINE_SET
    before: datetime | None
    after: datetime


@dataclass(frozen=True)
class Escalated(CaseEventPayload):
    kind = CaseEventKind.ESCALATED
    reason: str
    priority: str


@dataclass(frozen=True)
class PacketQueued(CaseEventPayload):
    kind = CaseEventKind.PACKET_QUEUED
    idempotency_key: str
    topic: str
    transfers: int


@dataclass(frozen=True)
class PacketDeferred(CaseEventPayload):
    kind = CaseEventKind.PACKET_DEFERRED
    reason: str  # destination_incomplete, no_destination_identifier


@dataclass(frozen=True)
class FreezePacketDelivered(CaseEventPayload):
    kind = CaseEventKind.FREEZE_PACKET_DELIVERED
    idempotency_key: str
    attempts: int
    exchange: dict  # the exchange's answer (scalars only)


@dataclass(frozen=True)
class OutboxDeliveryFailed(CaseEventPayload):
    kind = CaseEventKind.OUTBOX_DELIVERY_FAILED
    idempotency_key: str
    topic: str
    error: str


@dataclass(frozen=True)
class FreezeStatusChanged(CaseEventPayload):
    """A bank's answer to a freeze request, as the exchange called it back."""

    kind = CaseEventKind.FREEZE_STATUS_CHANGED
    event_id: str
    freeze_request_id: str
    bank: str | None
    bank_code: str | None
    status: str
    amount_held: str | None
    bank_case_id: str | None
    cluster_size: int | None
    occurred_at: str | None
    applied: bool  # False: a duplicate or older status, kept for the record only


# --- people -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HumanRequested(CaseEventPayload):
    kind = CaseEventKind.HUMAN_REQUESTED
    reason: str
    priority: str


@dataclass(frozen=True)
class HandoffChanged(CaseEventPayload):
    """Who owns the chat changed (``bot.handoff.apply_handoff``); stored as from/to."""

    kind = CaseEventKind.HANDOFF_CHANGED
    source: str
    target: str
    action: str
    actor: str
    staff_id: str | None
    reason: str | None = None

    def data(self) -> dict:
        return {"from": self.source, "to": self.target, "action": self.action,
                "actor": self.actor, "staff_id": self.staff_id, "reason": self.reason}


@dataclass(frozen=True)
class StaffNote(CaseEventPayload):
    """A private note: on the timeline, never sent to the victim."""

    kind = CaseEventKind.STAFF_NOTE
    text: str
    private: bool = True
