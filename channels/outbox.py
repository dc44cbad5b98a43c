"""Retrying pushes that failed: the `channel.push` outbox topic, for `sakot worker`.

When a staff message or a status update cannot be pushed at once, the engine keeps the
message (it is stored either way) and queues a `channel.push` row. The worker hands it here:
the stored messages are pushed again through the conversation's channel - with the same LINE
retry key as the first attempt, so a push that did get through is not shown twice - and
marked delivered. The worker's composition root (`sakot/worker.py`) builds the handler over
the output sides of the same channel list the app takes (`channels/installed.py`).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.outbound import OutboundRegistry
from bot.conversation.views import message_view, reply_from_view
from bot.outbox.store import ClaimedMessage
from bot.outbox.worker import PermanentDeliveryError
from bot.storage.db import session_scope
from bot.storage.models import Conversation, Message, utcnow

log = logging.getLogger(__name__)


def make_push_handler(sessions: sessionmaker[Session], outbound: OutboundRegistry):
    async def deliver(message: ClaimedMessage) -> None:
        conversation_id = message.payload.get("conversation_id")
        ids = list(message.payload.get("message_ids") or [])

        def load():
            with sessions() as session:
                conversation = session.get(Conversation, conversation_id)
                if conversation is None:
                    return None, None, []
                rows = session.scalars(select(Message).where(Message.id.in_(ids))).all()
                order = {m: i for i, m in enumerate(ids)}
                rows = sorted(rows, key=lambda m: order[m.id])
                return (conversation.channel, conversation.channel_user_id,
                        [(message_view(m), m.delivered_at) for m in rows])

        channel_name, user_id, views = await asyncio.to_thread(load)
        if channel_name is None:
            raise PermanentDeliveryError(f"conversation {conversation_id} no longer exists")
        pending = [view for view, delivered_at in views if delivered_at is None]
        if not pending:
            return  # delivered meanwhile (e.g. a staff member resent it)
        try:
            channel = outbound.get(channel_name)
        except LookupError as exc:
            raise PermanentDeliveryError(str(exc)) from exc
        replies = [reply_from_view(view) for view, _ in views]
        await channel.push(channel_user_id=user_id, replies=replies)

        def mark():
            with session_scope(sessions) as session:
                for row in session.scalars(select(Message).where(Message.id.in_(ids))):
                    row.delivered_at = row.delivered_at or utcnow()

        await asyncio.to_thread(mark)
        log.info("queued push delivered (%d messages)", len(ids))

    return deliver
