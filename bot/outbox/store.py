"""Writing, claiming and settling outbox rows. Works on SQLite and PostgreSQL.

Claiming is a lease: a worker moves `next_attempt_at` a lease-length into the future with a
conditional UPDATE, so two workers never hold the same row (on PostgreSQL the candidates are
also read with FOR UPDATE SKIP LOCKED so workers don't even wait on each other). A worker that
dies mid-delivery simply lets its lease expire and another picks the row up; the receiver's
idempotency key makes the repeat harmless.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import OutboxMessage, OutboxStatus, utcnow

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 300.0


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    topic: str
    idempotency_key: str
    payload: dict
    attempts: int


def enqueue(session: Session, *, topic: str, idempotency_key: str, payload: dict) -> bool:
    """Add a row in the caller's transaction; False when the key is already queued."""
    exists = session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.idempotency_key == idempotency_key)
    )
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(OutboxMessage(topic=topic, idempotency_key=idempotency_key,
                                      payload=payload))
    except IntegrityError:  # a concurrent writer queued the same key first
        return False
    return True


def backoff_seconds(attempts: int, *, rng: random.Random | None = None,
                    max_seconds: float = BACKOFF_MAX_SECONDS) -> float:
    """Exponential backoff with jitter (half to full ceiling), capped; attempts counts from 1."""
    ceiling = min(max_seconds, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


def claim_due(
    sessions: sessionmaker[Session], *, limit: int = 10, lease_seconds: float = 60.0,
    now: datetime | None = None, topics: tuple[str, ...] | None = None,
) -> list[ClaimedMessage]:
    now = now or utcnow()
    lease_until = now + timedelta(seconds=lease_seconds)
    claimed: list[ClaimedMessage] = []
    with sessions() as session, session.begin():
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING,
                   OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if topics:
            query = query.where(OutboxMessage.topic.in_(topics))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        for row in session.scalars(query).all():
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id,
                       OutboxMessage.status == OutboxStatus.PENDING,
                       OutboxMessage.next_attempt_at == row.next_attempt_at)
                .values(next_attempt_at=lease_until, attempts=OutboxMessage.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                claimed.append(ClaimedMessage(row.id, row.topic, row.idempotency_key,
                                              dict(row.payload), row.attempts + 1))
    return claimed


def mark_delivered(sessions: sessionmaker[Session], message_id: int) -> None:
    with sessions() as session, session.begin():
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id)
            .values(status=OutboxStatus.DELIVERED, delivered_at=utcnow(), last_error=None)
        )


def mark_retry(sessions: sessionmaker[Session], message_id: int, *, attempts: int,
               error: str, now: datetime | None = None,
               max_backoff_seconds: float = BACKOFF_MAX_SECONDS) -> datetime:
    due = (now or utcnow()) + timedelta(
        seconds=backoff_seconds(attempts, max_seconds=max_backoff_seconds))
    with sessions() as session, session.begin():
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id)
            .values(next_attempt_at=due, last_error=error[:2000])
        )
    return due


def mark_dead(sessions: sessionmaker[Session], message_id: int, *, error: str) -> None:
    """Only for errors no retry can fix (the receiver rejected the content)."""
    with sessions() as session, session.begin():
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id)
            .values(status=OutboxStatus.DEAD, last_error=error[:2000])
        )


@dataclass(frozen=True)
class DeadMessages:
    """Rows no retry will deliver: a person must look at them (the console shows a banner)."""

    count: int
    case_refs: list[str]  # the latest ones' Sakot case numbers, newest first


def dead_messages(session: Session, *, topic: str, limit: int = 5) -> DeadMessages:
    """How many rows of `topic` are dead, with the case numbers of the latest `limit`."""
    dead = (OutboxMessage.topic == topic, OutboxMessage.status == OutboxStatus.DEAD)
    count = session.scalar(select(func.count()).select_from(OutboxMessage).where(*dead)) or 0
    payloads = session.scalars(select(OutboxMessage.payload).where(*dead)
                               .order_by(OutboxMessage.id.desc()).limit(limit)).all()
    refs = [str((payload or {}).get("source_case_ref") or "?") for payload in payloads]
    return DeadMessages(count=count, case_refs=refs)
