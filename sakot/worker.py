"""The worker process: delivers the outbox (exchange packets, channel pushes) with retries."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.outbox.exchange_client import ExchangeClient
from bot.outbox.store import ClaimedMessage
from bot.outbox.worker import Handler, OutboxWorker
from bot.storage.db import make_engine, make_session_factory, session_scope
from bot.storage.models import Case, CaseEvent
from sakot.settings import Settings

log = logging.getLogger(__name__)


def _case_for(session: Session, message: ClaimedMessage) -> Case | None:
    """Packets carry Sakot's case number; the idempotency key starts with the case id."""
    number = message.payload.get("source_case_ref")
    if number:
        case = session.scalar(select(Case).where(Case.case_number == number))
        if case:
            return case
    return session.get(Case, message.idempotency_key.split(":", 1)[0])


def _already_recorded(session: Session, case: Case, kind: str, key: str) -> bool:
    events = session.scalars(select(CaseEvent.data).where(CaseEvent.case_id == case.id,
                                                          CaseEvent.kind == kind))
    return any((data or {}).get("idempotency_key") == key for data in events)


def record_case_event(sessions: sessionmaker[Session], message: ClaimedMessage, kind: str,
                      data: dict) -> None:
    with session_scope(sessions) as session:
        case = _case_for(session, message)
        if case is None:
            log.warning("outbox %s: no case found for %s event", message.id, kind)
            return
        if _already_recorded(session, case, kind, message.idempotency_key):
            return  # a worker died after recording it, before settling the row
        session.add(CaseEvent(case_id=case.id, kind=kind, actor="system", data=data))


def build_worker(settings: Settings, sessions: sessionmaker[Session]) -> OutboxWorker:
    exchange = ExchangeClient(
        base_url=settings.exchange_url,
        key_id=settings.exchange_key_id,
        secret=settings.exchange_api_secret.get_secret_value(),
        on_delivered=lambda m, response: record_case_event(
            sessions, m, "freeze_packet_delivered",
            {"idempotency_key": m.idempotency_key, "attempts": m.attempts,
             "exchange": {k: v for k, v in response.items() if isinstance(v, str | int | float)}}),
    )
    handlers: dict[str, Handler] = {"exchange.case_packet": exchange.deliver_case_packet}
    for topic, handler in _extra_handlers(settings, sessions).items():
        handlers[topic] = handler
    return OutboxWorker(
        sessions, handlers,
        lease_seconds=settings.outbox_lease_seconds,
        max_backoff_seconds=settings.outbox_max_backoff_seconds,
        on_dead=lambda m, error: record_case_event(
            sessions, m, "outbox_delivery_failed",
            {"idempotency_key": m.idempotency_key, "topic": m.topic, "error": error[:500]}),
    )


def _extra_handlers(settings: Settings, sessions) -> dict[str, Handler]:
    """Channel pushes that failed inline (LINE down, token problems) are retried from here."""
    from channels.outbox import push_handlers

    return push_handlers(settings, sessions)


def run(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    worker = build_worker(settings, make_session_factory(engine))
    try:
        asyncio.run(worker.run_forever(poll_seconds=settings.outbox_poll_seconds))
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
