"""Delivery to the victim outside a reply: each channel's output side, found by name, and the
outbox row that makes the worker retry a push that failed (handler: channels/outbox.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from bot.conversation.types import Reply
from bot.outbox.store import enqueue

PUSH_TOPIC = "channel.push"  # outbox topic for pushes that failed (see channels/outbox.py)


class OutboundChannel(Protocol):
    """A channel's output side, as the core sees it (channels/base.py implements it)."""

    async def push(self, *, channel_user_id: str, replies: Sequence[Reply]) -> None:
        """Deliver replies outside a reply window (staff messages, status updates). Each reply
        carries its stored `message_id`, usable as an idempotency key. Raises on failure."""
        ...


class OutboundRegistry:
    """Channel name -> its output side, for delivery by `Conversation.channel`."""

    def __init__(self) -> None:
        self._channels: dict[str, OutboundChannel] = {}

    def register(self, name: str, channel: OutboundChannel) -> None:
        self._channels[name] = channel

    def get(self, name: str) -> OutboundChannel:
        try:
            return self._channels[name]
        except KeyError:
            raise LookupError(f"no outbound channel registered for {name!r}") from None

    def names(self) -> list[str]:
        return sorted(self._channels)


def push_key(message_ids: Sequence[str]) -> str:
    """The outbox idempotency key of a push: the same messages are queued once."""
    return "channel.push:" + hashlib.sha256("-".join(message_ids).encode()).hexdigest()[:48]


def queue_push(session: Session, conversation_id: str, message_ids: list[str]) -> None:
    """Queue a `channel.push` row in the caller's transaction, for the worker to retry."""
    enqueue(session, topic=PUSH_TOPIC, idempotency_key=push_key(message_ids),
            payload={"conversation_id": conversation_id, "message_ids": message_ids})
