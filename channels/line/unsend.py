"""A LINE user unsent a message: keep the fact, drop the content.

LINE's guidance for the unsend event: respect the user's intent and handle the message so that
its content is not viewed or used in the future. Choice: the stored message row stays (the chat
history shows that something was said and then unsent, and ids, times and delivery state
stay consistent for staff), but its text and the details of its attachments (file names,
coordinates, sticker keywords, URLs) are removed and `payload.unsent_at` records when. A
message we never stored (another channel, or skipped) is simply not found.

Not touched here (see the report to the lead): evidence files already attached to a case, and
identifiers the dialogue already extracted from the text; the conversation engine owns those.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.storage.db import session_scope
from bot.storage.models import Conversation, Direction, Message

UNSENT_ATTACHMENT_KEYS = ("kind",)  # what stays of an attachment once unsent


def mark_unsent(sessions, *, user_id: str, line_message_id: str, unsent_at: datetime) -> bool:
    """Blank the stored inbound LINE message; True if there was one to blank."""
    with session_scope(sessions) as session:
        message = session.scalar(
            select(Message).join(Conversation, Message.conversation_id == Conversation.id)
            .where(Conversation.channel == "line", Conversation.channel_user_id == user_id,
                   Message.direction == Direction.INBOUND,
                   Message.channel_message_id == line_message_id)
        )
        if message is None:
            return False
        message.text = None
        message.attachments = [
            {**{k: a[k] for k in UNSENT_ATTACHMENT_KEYS if k in a}, "unsent": True}
            for a in (message.attachments or []) if isinstance(a, dict)
        ]
        message.payload = {**(message.payload or {}), "unsent_at": unsent_at.isoformat()}
        return True
