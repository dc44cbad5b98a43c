"""Where conversations and their messages are kept, and the session rules of an inbound message.

Synchronous SQLAlchemy: the engine calls `ConversationStore` from a worker thread.

Session rules, when a victim's message is stored (`add_inbound_message`):
- a message whose `channel_message_id` is already stored is a duplicate: nothing changes;
- a button from an earlier session (its `session_id` is not the conversation's) is kept but
  answered by nobody;
- a message to a closed chat reopens it for the bot, with a new session id (old buttons die).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.cases.current import current_case
from bot.conversation import outbound
from bot.conversation.evidence import RecordedEvidence
from bot.conversation.types import InboundMessage, Reply
from bot.conversation.views import conversation_view, message_view, reply_payload
from bot.handoff import HandoffAction, apply_handoff
from bot.storage.db import session_scope
from bot.storage.models import (
    Conversation,
    Direction,
    HandoffState,
    Message,
    SenderKind,
    new_id,
    utcnow,
)

T = TypeVar("T")


class ConversationNotFound(LookupError):
    pass


@dataclass
class StoredInbound:
    """What storing a victim's message tells the rest of the engine."""

    conversation_id: str
    session_id: str
    language: str
    state: HandoffState
    duplicate: bool = False
    stale_postback: bool = False
    row: Message | None = None  # the stored message (None for a duplicate)
    message: dict | None = None  # its `message_view`, once its files are recorded
    handoff: dict | None = None  # the reopening of a closed chat, if this message did it
    evidence: RecordedEvidence = field(default_factory=RecordedEvidence)


def find_conversation(session: Session, channel: str, channel_user_id: str
                      ) -> Conversation | None:
    return session.scalar(
        select(Conversation).where(Conversation.channel == channel,
                                   Conversation.channel_user_id == channel_user_id)
    )


def find_or_create_conversation(session: Session, channel: str, channel_user_id: str,
                                language: str) -> Conversation:
    conversation = find_conversation(session, channel, channel_user_id)
    if conversation is None:
        conversation = Conversation(channel=channel, channel_user_id=channel_user_id,
                                    language=language)
        session.add(conversation)
        session.flush()
    return conversation


def add_inbound_message(session: Session, msg: InboundMessage) -> StoredInbound:
    """Store a victim's message on their conversation, applying the session rules above.
    Attachments are kept as metadata; `evidence.record_inbound_files` records their files."""
    conversation = find_or_create_conversation(session, msg.channel, msg.channel_user_id,
                                               msg.language_hint or "th")
    result = StoredInbound(conversation.id, conversation.session_id, conversation.language,
                           HandoffState(conversation.handoff_state))
    if msg.channel_message_id and session.scalar(
        select(Message.id).where(Message.conversation_id == conversation.id,
                                 Message.channel_message_id == msg.channel_message_id)
    ):
        result.duplicate = True
        return result

    result.stale_postback = bool(
        msg.postback is not None and msg.session_id
        and msg.session_id != conversation.session_id
    )
    if result.state is HandoffState.CLOSED and not result.stale_postback:
        # The victim writes again after the chat was closed: a new session for the bot.
        change = apply_handoff(session, conversation=conversation, action=HandoffAction.REOPEN,
                               actor="user")  # recorded on the timeline and audited
        conversation.session_id = new_id()
        result.state = change.after
        result.session_id = conversation.session_id
        result.handoff = change.as_event()
    conversation.updated_at = utcnow()

    message = Message(
        conversation_id=conversation.id, direction=Direction.INBOUND,
        sender_kind=SenderKind.USER, text=msg.text,
        attachments=[{"kind": a.kind, "content_type": a.content_type, "url": a.url,
                      "meta": a.meta} for a in msg.attachments],
        payload=({"postback": msg.postback, "session_id": msg.session_id}
                 if msg.postback is not None else {}),
        channel_message_id=msg.channel_message_id, created_at=msg.received_at,
    )
    session.add(message)
    session.flush()
    result.row = message
    return result


class ConversationStore:
    """Conversations and messages in the database, one short transaction per call."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def write(self, work: Callable[[Session], T]) -> T:
        """`work` in one transaction, run a second time if it hit a unique constraint: a
        concurrent first message of the same user may have created the conversation."""
        for attempt in range(2):
            try:
                with session_scope(self.sessions) as session:
                    return work(session)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def conversation(self, conversation_id: str) -> Conversation:
        """The conversation row, detached (read its columns, do not change it)."""
        with self.sessions() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            session.expunge(conversation)
            return conversation

    def conversation_for(self, channel: str, channel_user_id: str) -> dict | None:
        with self.sessions() as session:
            conversation = find_conversation(session, channel, channel_user_id)
            return conversation_view(conversation) if conversation else None

    def ensure_conversation(self, channel: str, channel_user_id: str,
                            language: str = "th") -> dict:
        return self.write(lambda session: conversation_view(
            find_or_create_conversation(session, channel, channel_user_id, language)))

    def victim_bank(self, conversation_id: str) -> str | None:
        """The bank the victim told us, on the conversation's open case (for the fallback)."""
        with self.sessions() as session:
            case = current_case(session, conversation_id=conversation_id, open_only=True)
            return case.victim_bank if case else None

    def add_replies(self, conversation_id: str, session_id: str, replies: Sequence[Reply],
                    *, staff_id: str | None = None) -> list[dict]:
        """Store outbound replies (bot, staff or system); returns their message views."""
        with session_scope(self.sessions) as session:
            views = []
            for reply in replies:
                message = Message(
                    conversation_id=conversation_id, direction=Direction.OUTBOUND,
                    sender_kind=SenderKind(reply.sender_kind), sender_staff_id=staff_id,
                    text=reply.text if (reply.text or not reply.card) else reply.fallback_text(),
                    payload=reply_payload(reply, session_id=session_id),
                )
                session.add(message)
                session.flush()
                views.append(message_view(message))
            return views

    def mark_delivered(self, message_ids: Sequence[str]) -> None:
        if not message_ids:
            return
        with session_scope(self.sessions) as session:
            for message in session.scalars(select(Message).where(Message.id.in_(message_ids))):
                message.delivered_at = message.delivered_at or utcnow()

    def queue_push(self, conversation_id: str, message_ids: list[str]) -> None:
        with session_scope(self.sessions) as session:
            outbound.queue_push(session, conversation_id, message_ids)

    def message_view(self, message_id: str) -> dict:
        with self.sessions() as session:
            return message_view(session.get(Message, message_id))

    def history(self, conversation_id: str, *, limit: int = 200) -> list[dict]:
        """The newest `limit` messages, oldest first (widget replay, console transcript)."""
        with self.sessions() as session:
            rows = session.scalars(
                select(Message).where(Message.conversation_id == conversation_id)
                .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)
            ).all()
            return [message_view(m) for m in reversed(rows)]
