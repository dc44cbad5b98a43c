"""Live events: what the web widget and the staff console watch, as a small publisher port.

Every event goes to two topics: the conversation's own topic (`conversation:<id>`, which the
web widget of that visitor follows) and the global staff topic (`staff`, which the console
follows). Two adapters:

- `InProcessEvents` (default): an asyncio broadcaster inside one app process.
- `RedisEvents` (when SAKOT_REDIS_URL is set): Redis pub/sub, so every app replica sees every
  event, whichever replica handled the message.

Subscribers get a bounded queue; a subscriber that cannot keep up loses the oldest events
rather than slowing everybody down (the console and widget re-read history on reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Protocol

log = logging.getLogger(__name__)

STAFF_TOPIC = "staff"


class EventType:
    """Past-tense names of everything published (the console's contract)."""

    MESSAGE_STORED = "message_stored"  # data: the stored message (see views.message_view)
    HANDOFF_CHANGED = "handoff_changed"  # data: {from, to, action, actor, staff_id}
    CASE_UPDATED = "case_updated"  # data: {case_id, case_number, change, ...}
    DIALOGUE_UNAVAILABLE = "dialogue_unavailable"  # data: {error}; the chat went to the queue
    DELIVERY_FAILED = "delivery_failed"  # data: {message_id, error}


def conversation_topic(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


@dataclass(frozen=True)
class LiveEvent:
    type: str
    conversation_id: str
    data: dict = field(default_factory=dict)
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def topics(self) -> tuple[str, str]:
        return (conversation_topic(self.conversation_id), STAFF_TOPIC)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, raw: str | bytes) -> LiveEvent:
        return cls(**json.loads(raw))


class Subscription:
    """Events on some topics, as an async iterator: `async for event in subscription`.

    `await subscription.start()` makes sure it is listening before you read history, so no
    event falls between the two (a duplicate may: consumers dedup by message id).
    `await subscription.aclose()` stops it (also done when the iterating task is cancelled).
    """

    def __init__(self) -> None:
        self._queue: asyncio.Queue[LiveEvent] | None = None
        self._started = False
        self._closed = False

    async def start(self) -> Subscription:
        if not self._started:
            self._started = True
            await self._open()
        return self

    async def _open(self) -> None:
        raise NotImplementedError

    async def _next(self) -> LiveEvent:
        raise NotImplementedError

    async def _close(self) -> None:
        return None

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> LiveEvent:
        if self._closed:
            raise StopAsyncIteration
        await self.start()
        try:
            return await self._next()
        except asyncio.CancelledError:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            if self._started:
                await self._close()


class EventPublisher(Protocol):
    async def publish(self, event: LiveEvent) -> None: ...

    def subscribe(self, topics: Iterable[str]) -> Subscription:
        """Events on these topics from the moment the subscription starts."""
        ...

    async def close(self) -> None: ...


class InProcessEvents:
    def __init__(self, queue_size: int = 256) -> None:
        self._queues: dict[str, set[asyncio.Queue[LiveEvent]]] = defaultdict(set)
        self._queue_size = queue_size

    async def publish(self, event: LiveEvent) -> None:
        delivered: set[int] = set()
        for topic in event.topics():
            for queue in list(self._queues.get(topic, ())):
                if id(queue) in delivered:  # subscribed to both topics: deliver once
                    continue
                delivered.add(id(queue))
                _put_dropping_oldest(queue, event)

    def subscribe(self, topics: Iterable[str]) -> Subscription:
        return _InProcessSubscription(self, list(topics))

    def subscriber_count(self, topic: str) -> int:
        return len(self._queues.get(topic, ()))

    async def close(self) -> None:
        self._queues.clear()


class _InProcessSubscription(Subscription):
    def __init__(self, hub: InProcessEvents, topics: list[str]) -> None:
        super().__init__()
        self.hub, self.topics = hub, topics
        self.queue: asyncio.Queue[LiveEvent] = asyncio.Queue(hub._queue_size)

    async def _open(self) -> None:
        for topic in self.topics:
            self.hub._queues[topic].add(self.queue)

    async def _next(self) -> LiveEvent:
        return await self.queue.get()

    async def _close(self) -> None:
        for topic in self.topics:
            self.hub._queues[topic].discard(self.queue)
            if not self.hub._queues[topic]:
                self.hub._queues.pop(topic, None)


def _put_dropping_oldest(queue: asyncio.Queue, event: LiveEvent) -> None:
    while True:
        try:
            queue.put_nowait(event)
            return
        except asyncio.QueueFull:
            with contextlib.suppress(asyncio.QueueEmpty):
                queue.get_nowait()
                log.warning("live-event subscriber too slow: dropped its oldest event")


class RedisEvents:
    """Redis pub/sub; channel names are prefixed so several deployments can share a Redis."""

    def __init__(self, url: str, prefix: str = "sakot:events:") -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url)
        self.prefix = prefix

    async def publish(self, event: LiveEvent) -> None:
        raw = event.to_json()
        # One copy per topic; a subscriber of both topics dedups (see _RedisSubscription).
        for topic in event.topics():
            await self._redis.publish(self.prefix + topic, raw)

    def subscribe(self, topics: Iterable[str]) -> Subscription:
        return _RedisSubscription(self, list(topics))

    async def close(self) -> None:
        await self._redis.aclose()


class _RedisSubscription(Subscription):
    def __init__(self, hub: RedisEvents, topics: list[str]) -> None:
        super().__init__()
        self.hub, self.topics = hub, topics
        self.pubsub = None
        self.seen: list[bytes] = []

    async def _open(self) -> None:
        self.pubsub = self.hub._redis.pubsub(ignore_subscribe_messages=True)
        await self.pubsub.subscribe(*(self.hub.prefix + t for t in self.topics))

    async def _next(self) -> LiveEvent:
        while True:
            message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=30.0)
            if message is None:
                continue
            raw = message["data"]
            if len(self.topics) > 1:  # the same event arrives once per subscribed topic
                if raw in self.seen:
                    continue
                self.seen.append(raw)
                del self.seen[:-64]
            return LiveEvent.from_json(raw)

    async def _close(self) -> None:
        with contextlib.suppress(Exception):
            await self.pubsub.unsubscribe()
            await self.pubsub.aclose()


def make_event_publisher(redis_url: str | None) -> EventPublisher:
    return RedisEvents(redis_url) if redis_url else InProcessEvents()
