"""The worker process: delivers the outbox (exchange packets, channel pushes) with retries.

Its composition root is `build_worker`: the exchange client and the output sides of the
channels the app has too (`channels/installed.py`), so every channel's failed pushes are retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session, sessionmaker

from bot.cases import delivery
from bot.conversation.outbound import PUSH_TOPIC
from bot.outbox.exchange_client import ExchangeClient
from bot.outbox.store import ClaimedMessage
from bot.outbox.worker import Handler, OutboxWorker
from bot.storage.db import make_engine, make_session_factory, session_scope
from channels.base import Channel, channel_outputs, outbound_registry
from channels.installed import CHANNELS
from channels.outbox import make_push_handler
from sakot.settings import Settings

log = logging.getLogger(__name__)


def record_outcome(sessions: sessionmaker[Session], message: ClaimedMessage,
                   outcome: Callable[..., None], **details: object) -> None:
    """A packet's delivery or failure, on its case's timeline (`bot.cases.delivery`)."""
    with session_scope(sessions) as session:
        outcome(session, message=message, **details)


def build_worker(settings: Settings, sessions: sessionmaker[Session], *,
                 channels: Sequence[Channel] = CHANNELS) -> OutboxWorker:
    exchange = ExchangeClient(
        base_url=settings.exchange_url,
        key_id=settings.exchange_key_id,
        secret=settings.exchange_api_secret.get_secret_value(),
        on_delivered=lambda m, response: record_outcome(
            sessions, m, delivery.packet_delivered, response=response),
    )
    # Channel pushes that failed inline (LINE down, token problems) are retried from here.
    pushes = make_push_handler(sessions, outbound_registry(channel_outputs(channels, settings)))
    handlers: dict[str, Handler] = {"exchange.case_packet": exchange.deliver_case_packet,
                                    PUSH_TOPIC: pushes}
    return OutboxWorker(
        sessions, handlers,
        lease_seconds=settings.outbox_lease_seconds,
        max_backoff_seconds=settings.outbox_max_backoff_seconds,
        on_dead=lambda m, error: record_outcome(
            sessions, m, delivery.delivery_failed, error=error),
    )


def run(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    worker = build_worker(settings, make_session_factory(engine))
    try:
        asyncio.run(worker.run_forever(poll_seconds=settings.outbox_poll_seconds))
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
