"""The core records: conversations, messages, cases and their timeline, identifiers, evidence,
consent, staff, audit and the outbox.

Cases change only through `bot.cases` service functions, which add a timeline event for every
change (`bot.cases.timeline`, where the `case_events` table is declared); outbound calls (exchange, LINE pushes) are written to `OutboxMessage` in the same
transaction as the change that caused them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from bot.cases.timeline import CaseEvent

from aoc_contract.schemas import Priority  # noqa: F401  (one scale: the one packets carry)
from bot.clock import utcnow


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


class HandoffState(StrEnum):
    """Who owns a chat. Transitions live in one table in `bot.handoff`."""

    BOT = "bot"
    WAITING_FOR_STAFF = "waiting_for_staff"
    STAFF = "staff"
    CLOSED = "closed"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class SenderKind(StrEnum):
    USER = "user"
    BOT = "bot"
    STAFF = "staff"
    SYSTEM = "system"


class CaseStatus(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    CLOSED = "closed"


class IdentifierRole(StrEnum):
    DESTINATION = "destination"
    SOURCE = "source"
    UNKNOWN = "unknown"


class StaffRole(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="th")
    handoff_state: Mapped[HandoffState] = mapped_column(String(24), default=HandoffState.BOT)
    assigned_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    # Rotates when a conversation restarts, so buttons from an old session do nothing.
    session_id: Mapped[str] = mapped_column(String(32), default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    anonymised_at: Mapped[datetime | None]

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.created_at"
    )
    cases: Mapped[list[Case]] = relationship(back_populates="conversation")


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "channel_message_id"),
        Index("ix_messages_conversation_created", "conversation_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    direction: Mapped[Direction] = mapped_column(String(8))
    sender_kind: Mapped[SenderKind] = mapped_column(String(8))
    sender_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    text: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list] = mapped_column(default=list)
    payload: Mapped[dict] = mapped_column(default=dict)  # quick replies, cards, postback data
    channel_message_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(16), unique=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    scam_type: Mapped[str | None] = mapped_column(String(32))
    scam_type_confidence: Mapped[float | None] = mapped_column(Float)
    priority: Mapped[Priority] = mapped_column(String(4), default=Priority.P2)
    status: Mapped[CaseStatus] = mapped_column(String(16), default=CaseStatus.OPEN)
    money_lost: Mapped[bool | None]
    amount_lost_thb: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    victim_bank: Mapped[str | None] = mapped_column(String(16))
    last_transfer_at: Mapped[datetime | None]
    hold_deadline_at: Mapped[datetime | None]
    amount_held_thb: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="cases")
    # the timeline (bot.cases.timeline.CaseEvent, its table is registered below)
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.created_at"
    )
    identifiers: Mapped[list[Identifier]] = relationship(back_populates="case")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="case")


class Identifier(Base):
    """Something the victim told us that identifies money or a scammer."""

    __tablename__ = "identifiers"
    __table_args__ = (Index("ix_identifiers_kind_value", "kind", "normalized_value"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    message_id: Mapped[str | None] = mapped_column(ForeignKey("messages.id"))
    # account, phone, promptpay_id, national_id, url, line_id, amount, transfer_time,
    # transaction_ref, bank
    kind: Mapped[str] = mapped_column(String(24))
    raw_text: Mapped[str] = mapped_column(Text)
    normalized_value: Mapped[str] = mapped_column(String(256))
    bank_code: Mapped[str | None] = mapped_column(String(16))
    role: Mapped[IdentifierRole] = mapped_column(String(12), default=IdentifierRole.UNKNOWN)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(16), default="text")  # text, slip_qr, staff
    superseded_by_id: Mapped[str | None] = mapped_column(ForeignKey("identifiers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="identifiers")


class Evidence(Base):
    __tablename__ = "evidence"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    message_id: Mapped[str | None] = mapped_column(ForeignKey("messages.id"))
    content_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    storage_path: Mapped[str] = mapped_column(String(512))
    slip_qr: Mapped[dict | None] = mapped_column(JSON)  # decoded slip QR payload, if any
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case | None] = relationship(back_populates="evidence")


class ConsentRecord(Base):
    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # privacy_notice_shown, data_deletion, ...
    notice_version: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[StaffRole] = mapped_column(String(16), default=StaffRole.AGENT)
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Who saw or changed what. Every staff reveal of unmasked data lands here."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OutboxMessage(Base):
    """An outbound call, written in the same transaction as the change that needs it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(48))  # exchange.case_packet, channel.push, ...
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    payload: Mapped[dict] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class ProcessedEvent(Base):
    """Webhook events already handled (LINE redelivers; exchange callbacks may repeat)."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("source", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


# The timeline table is declared beside its only writer; importing it here puts it in
# Base.metadata for Alembic and create_all.
from bot.cases import timeline as _timeline  # noqa: E402,F401
