"""The exchange's tables. Separate metadata and database from Sakot's own storage.

Money is stored as integer satang (1/100 baht) so SQLite and PostgreSQL agree exactly.
Times are stored as UTC and always come back timezone-aware.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # Banks only: the 3-digit code used in transfers (CFR to_bank_code), e.g. "004".
    bank_code: Mapped[str | None] = mapped_column(String(3), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    keys: Mapped[list[ApiKey]] = relationship(back_populates="agency")


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    # "derived": secret = HMAC(master secret, key id), nothing secret stored (normal case).
    # "stored": an imported secret kept as is (development seeds, secrets issued elsewhere).
    secret_mode: Mapped[str] = mapped_column(String(8), default="derived")
    stored_secret: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency] = relationship(back_populates="keys")


class UsedNonce(Base):
    __tablename__ = "used_nonces"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("reporter_agency_id", "source_case_ref"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    reporter_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    source_case_ref: Mapped[str] = mapped_column(String(64))
    scam_type: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(2))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    victim_contact_ref: Mapped[str] = mapped_column(String(200))
    victim_bank_case_id: Mapped[str | None] = mapped_column(String(64))
    police_case_id: Mapped[str | None] = mapped_column(String(64))
    # 1 for the first packet; each later packet for the same source case ref amends it.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    summary: Mapped[str | None] = mapped_column(Text)
    suspect_phones: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    reporter: Mapped[Agency] = relationship()
    transfers: Mapped[list[Transfer]] = relationship(
        back_populates="case", order_by="Transfer.seq"
    )
    freeze_requests: Mapped[list[FreezeRequest]] = relationship(
        back_populates="case", order_by="FreezeRequest.created_at"
    )


class Destination(Base):
    """One destination account or PromptPay proxy; the cluster of every case that names it."""

    __tablename__ = "destinations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    # None for a PromptPay proxy no report has named the bank of (yet).
    bank_code: Mapped[str | None] = mapped_column(String(3), index=True)
    account_no: Mapped[str | None] = mapped_column(String(20))
    promptpay_type: Mapped[str | None] = mapped_column(String(16))
    promptpay_id: Mapped[str | None] = mapped_column(String(20))
    case_count: Mapped[int] = mapped_column(Integer, default=0)
    first_reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FreezeRequest(Base):
    __tablename__ = "freeze_requests"
    __table_args__ = (
        UniqueConstraint("case_id", "destination_id"),
        Index("ix_freeze_requests_bank_status", "bank_code", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    destination_id: Mapped[int] = mapped_column(ForeignKey("destinations.id"), index=True)
    # None while unrouted (PromptPay proxy of an unknown bank) until AOC routes it.
    bank_code: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(24), default="pending")
    # Sum of the known transfer amounts; None when the reporter knows none of them.
    requested_satang: Mapped[int | None] = mapped_column(BigInteger)
    held_satang: Mapped[int | None] = mapped_column(BigInteger)
    bank_case_id: Mapped[str | None] = mapped_column(String(64))
    # Bank-side time of the status now shown; older acks arriving later do not overwrite it.
    status_occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    priority: Mapped[str] = mapped_column(String(2))
    effective_priority: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="freeze_requests")
    destination: Mapped[Destination] = relationship()
    transfers: Mapped[list[Transfer]] = relationship(
        back_populates="freeze_request", order_by="Transfer.seq"
    )
    acks: Mapped[list[FreezeAck]] = relationship(
        back_populates="freeze_request", order_by="FreezeAck.id"
    )


class Transfer(Base):
    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    freeze_request_id: Mapped[str] = mapped_column(ForeignKey("freeze_requests.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    from_bank_code: Mapped[str | None] = mapped_column(String(3))
    from_account_no: Mapped[str | None] = mapped_column(String(20))
    to_bank_code: Mapped[str | None] = mapped_column(String(3))
    to_account_no: Mapped[str | None] = mapped_column(String(20))
    to_account_name: Mapped[str | None] = mapped_column(String(200))
    promptpay_type: Mapped[str | None] = mapped_column(String(16))
    promptpay_id: Mapped[str | None] = mapped_column(String(20))
    transfer_date: Mapped[str | None] = mapped_column(String(10))
    transfer_time: Mapped[str | None] = mapped_column(String(8))
    transfer_satang: Mapped[int | None] = mapped_column(BigInteger)
    transfer_ref: Mapped[str | None] = mapped_column(String(64))
    transfer_channel: Mapped[str | None] = mapped_column(String(32))

    case: Mapped[Case] = relationship(back_populates="transfers")
    freeze_request: Mapped[FreezeRequest] = relationship(back_populates="transfers")


class FreezeAck(Base):
    """Every acknowledgement received, applied or not (duplicates and late arrivals too)."""

    __tablename__ = "freeze_acks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    freeze_request_id: Mapped[str] = mapped_column(ForeignKey("freeze_requests.id"), index=True)
    agency_code: Mapped[str] = mapped_column(String(32))
    key_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24))
    held_satang: Mapped[int | None] = mapped_column(BigInteger)
    bank_case_id: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))  # applied | duplicate | superseded

    freeze_request: Mapped[FreezeRequest] = relationship(back_populates="acks")


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("agency_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    # Bumped on every registration, so re-registering issues a new secret.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()


class Delivery(Base):
    """Outbox: a signed POST the worker must deliver (callbacks to Sakot, bank webhooks)."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # callback | webhook
    target_url: Mapped[str] = mapped_column(String(500))
    agency_code: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|delivered|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    agency_code: Mapped[str | None] = mapped_column(String(32), index=True)
    key_id: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # ok | denied | rejected | error
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
