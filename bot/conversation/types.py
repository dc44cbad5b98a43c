"""The message types shared by every channel and the conversation engine.

Channels turn platform events into `InboundMessage` and render `Reply` objects (text, quick
replies, a case card) in their own way, with a text fallback. The core never branches on the
channel.

How replies come out of the dialogue engine (Rasa REST channel response items):
- `{"text": ...}` -> Reply(text=...)
- `{"text": ..., "buttons": [{"title": ..., "payload": ...}]}` -> quick replies
- `{"custom": {"card": {...}}}` (actions' `json_message`) -> Reply(card=CaseCard fields)
- `{"custom": {"handoff": "waiting_for_staff"}}` -> the chat was put in the staff queue
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.texts_catalog import card_as_text


@dataclass(frozen=True)
class Attachment:
    kind: str  # image, file, sticker, location
    content_type: str | None = None
    data: bytes | None = field(default=None, repr=False)  # fetched content, when any
    url: str | None = None
    meta: dict = field(default_factory=dict)  # sticker ids, coordinates, file name, ...


@dataclass(frozen=True)
class InboundMessage:
    channel: str  # "line", "web"
    channel_user_id: str
    text: str | None
    received_at: datetime
    channel_message_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    postback: str | None = None  # quick-reply / button payload
    session_id: str | None = None  # from postback data; stale sessions are ignored
    language_hint: str | None = None


@dataclass(frozen=True)
class QuickReply:
    label: str  # what the button shows (LINE: at most 20 characters)
    payload: str  # what is sent back when pressed (text or "/intent{...}")


@dataclass(frozen=True)
class CaseCard:
    case_number: str
    scam_type_label: str
    priority: str
    amount_thb: float | None
    destination: str | None  # e.g. "KBANK 123-4-56789-0" (masked for display where needed)
    deadline_text: str | None  # the 72-hour deadline as Bangkok clock time
    status_text: str | None = None


@dataclass(frozen=True)
class Reply:
    text: str | None = None
    quick_replies: tuple[QuickReply, ...] = ()
    card: CaseCard | None = None
    sender_kind: str = "bot"  # bot, staff, system
    # Set by the engine once the reply is stored: channels use the message id for delivery
    # receipts and idempotent pushes, and the session id in button payloads (stale buttons).
    message_id: str | None = None
    session_id: str | None = None

    def fallback_text(self) -> str:
        """The reply as plain text, for channels or clients that can't render the rest."""
        parts = [self.text] if self.text else []
        if self.card:
            parts.append(card_as_text(self.card))
        if self.quick_replies:
            parts.append(" / ".join(q.label for q in self.quick_replies))
        return "\n\n".join(parts)
