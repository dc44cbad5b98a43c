"""The outbox worker: claims due rows, hands each to the handler for its topic, settles it."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.outbox import store
from bot.outbox.store import ClaimedMessage

log = logging.getLogger(__name__)


class PermanentDeliveryError(Exception):
    """The receiver refused the content itself; retrying cannot help."""


Handler = Callable[[ClaimedMessage], Awaitable[None]]


@dataclass
class WorkerStats:
    delivered: int = 0
    retried: int = 0
    dead: int = 0


class OutboxWorker:
    def __init__(self, sessions: sessionmaker[Session], handlers: dict[str, Handler], *,
                 batch_size: int = 10, lease_seconds: float = 60.0,
                 max_backoff_seconds: float = store.BACKOFF_MAX_SECONDS,
                 on_dead: Callable[[ClaimedMessage, str], None] | None = None) -> None:
        self.sessions = sessions
        self.handlers = handlers
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.on_dead = on_dead
        self.stats = WorkerStats()
        self.name = f"{socket.gethostname()}"

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were handled."""
        claimed = await asyncio.to_thread(
            store.claim_due, self.sessions, limit=self.batch_size,
            lease_seconds=self.lease_seconds, topics=tuple(self.handlers),
        )
        await asyncio.gather(*(self._deliver(message) for message in claimed))
        return len(claimed)

    async def _deliver(self, message: ClaimedMessage) -> None:
        handler = self.handlers[message.topic]
        try:
            await handler(message)
        except PermanentDeliveryError as exc:
            log.error("outbox %s (%s) rejected permanently: %s", message.id, message.topic, exc)
            await asyncio.to_thread(store.mark_dead, self.sessions, message.id, error=str(exc))
            self.stats.dead += 1
            if self.on_dead:
                await asyncio.to_thread(self.on_dead, message, str(exc))
        except Exception as exc:  # any other failure is transient: retry with backoff
            due = await asyncio.to_thread(store.mark_retry, self.sessions, message.id,
                                          attempts=message.attempts, error=repr(exc),
                                          max_backoff_seconds=self.max_backoff_seconds)
            log.warning("outbox %s (%s) attempt %d failed (%s); next try %s", message.id,
                        message.topic, message.attempts, type(exc).__name__, due.isoformat())
            self.stats.retried += 1
        else:
            await asyncio.to_thread(store.mark_delivered, self.sessions, message.id)
            self.stats.delivered += 1

    async def run_forever(self, *, poll_seconds: float = 0.5,
                          stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        log.info("outbox worker %s started (topics: %s)", self.name, ", ".join(self.handlers))
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:  # the database may be briefly unavailable; keep going
                log.exception("outbox worker loop error")
                handled = 0
            if handled == 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
                except TimeoutError:
                    pass
