"""The JSON shapes of stored conversations and messages (live events, history, console contract),
and the way back from a stored message to the `Reply` a channel renders."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.clock import aware_utc
from bot.conversation.types import CaseCard, QuickReply, Reply
from bot.storage.models import Conversation, Message


def message_view(message: Message) -> dict:
    """The JSON shape of a stored message, in live events and history (console contract)."""
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "direction": str(message.direction),
        "sender_kind": str(message.sender_kind),
        "sender_staff_id": message.sender_staff_id,
        "text": message.text,
        "attachments": message.attachments or [],
        "payload": message.payload or {},
        "channel_message_id": message.channel_message_id,
        "created_at": _iso(message.created_at),
        "delivered_at": _iso(message.delivered_at),
    }


# What a victim's channel (widget history and live frames) may carry of a stored message: an
# allow-list, so no staff identifier (sender_staff_id) ever reaches a victim. A staff id plus a
# leaked signing key was enough to mint a console session (security review S3).
VICTIM_MESSAGE_FIELDS = ("id", "conversation_id", "direction", "sender_kind", "text",
                         "attachments", "payload", "channel_message_id", "created_at",
                         "delivered_at")


def victim_message_view(view: dict) -> dict:
    """``message_view`` cut down to what the victim may see."""
    return {key: view[key] for key in VICTIM_MESSAGE_FIELDS if key in view}


def conversation_view(conversation: Conversation) -> dict:
    return {
        "id": conversation.id, "channel": conversation.channel,
        "channel_user_id": conversation.channel_user_id,
        "session_id": conversation.session_id,
        "handoff_state": str(conversation.handoff_state),
        "assigned_staff_id": conversation.assigned_staff_id,
        "language": conversation.language,
    }


def reply_payload(reply: Reply, *, session_id: str | None = None) -> dict:
    """What a stored outbound message keeps of a reply besides its text."""
    payload: dict = {}
    if reply.quick_replies:
        payload["quick_replies"] = [dataclasses.asdict(q) for q in reply.quick_replies]
        if session_id:  # buttons answer this session; after a restart they do nothing
            payload["session_id"] = session_id
    if reply.card:
        payload["card"] = dataclasses.asdict(reply.card)
    return payload


def reply_from_view(view: dict, *, session_id: str | None = None) -> Reply:
    """The reply a stored message was made from (``message_view`` + ``reply_payload``)."""
    payload = view.get("payload") or {}
    card = payload.get("card")
    return Reply(
        text=view.get("text"),
        quick_replies=tuple(QuickReply(**q) for q in payload.get("quick_replies", ())),
        card=CaseCard(**card) if isinstance(card, dict) else None,
        sender_kind=view.get("sender_kind", "bot"),
        message_id=view.get("id"),
        session_id=session_id or payload.get("session_id"),
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else aware_utc(value).isoformat()
