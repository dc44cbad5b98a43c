"""The conversation engine: every channel hands it an `InboundMessage`, and gets `Reply`s back.

    handle_inbound(msg)  -> store the conversation, the message and its files first (nothing
                            is lost whatever fails next) -> if the bot owns the chat, ask the
                            dialogue engine and store its replies -> publish live events.
    send_staff_message() -> a staff member writes to the victim (stored, pushed, published).
    deliver_push()       -> the system writes to the victim later (exchange status updates).

It only orchestrates, and knows nothing about FastAPI or any particular channel. Storage is
`store.ConversationStore` (synchronous SQLAlchemy, run in a worker thread), files and slips
`evidence`, the dialogue `rasa_client.Dialogue` with `rasa_items` mapping both ways,
delivery `outbound.OutboundRegistry` (each channel registers its output side under its name),
live events `events.EventPublisher`, copy `bot.texts_catalog`. Messages from one user are
handled strictly in order.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.events import EventPublisher, EventType, LiveEvent
from bot.conversation.evidence import (
    EvidenceStore,
    SavedFile,
    read_slip,
    record_inbound_files,
    save_attachments,
)
from bot.conversation.locks import KeyedLocks
from bot.conversation.outbound import OutboundRegistry
from bot.conversation.rasa_client import Dialogue, DialogueUnavailable
from bot.conversation.rasa_items import dialogue_input, replies_from_rasa
from bot.conversation.redact import redact_credentials
from bot.conversation.store import ConversationStore, StoredInbound, add_inbound_message
from bot.conversation.types import InboundMessage, Reply
from bot.conversation.views import message_view
from bot.conversation.waiting import urgent_reply_while_waiting
from bot.handoff import (
    HandoffAction,
    HandoffChange,
    bot_may_reply,
    change_made_elsewhere,
    try_handoff,
)
from bot.storage.models import Conversation, HandoffState
from bot.texts_catalog import dialogue_unavailable_text

log = logging.getLogger(__name__)


class ConversationEngine:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        dialogue: Dialogue,
        events: EventPublisher,
        outbound: OutboundRegistry | None = None,
        evidence_dir: Path,
        slip_reader: Callable[[bytes], object] = read_slip,
    ) -> None:
        self.sessions = sessions
        self.store = ConversationStore(sessions)
        self.dialogue = dialogue
        self.events = events
        self.outbound = outbound or OutboundRegistry()
        self.evidence = EvidenceStore(evidence_dir)
        self.slip_reader = slip_reader
        self._user_locks = KeyedLocks()

    # ---------------------------------------------------------------- victim -> bot

    async def handle_inbound(self, msg: InboundMessage) -> list[Reply]:
        """Store the message, let the dialogue answer if the bot owns the chat, return replies.

        Idempotent on `msg.channel_message_id`: a repeat returns [] and changes nothing.
        """
        async with self._user_locks.hold((msg.channel, msg.channel_user_id)):
            return await self._handle_inbound(msg)

    async def _handle_inbound(self, msg: InboundMessage) -> list[Reply]:
        # Regex work on a stranger's text stays off the event loop (issue 14, S1).
        text, redacted = await asyncio.to_thread(redact_credentials, msg.text)
        if redacted:  # an OTP/PIN/password is never stored, logged or sent on
            log.warning("removed %d credential(s) from an inbound message", redacted)
            msg = dataclasses.replace(msg, text=text)
        files = await asyncio.to_thread(save_attachments, self.evidence, msg.attachments,
                                        self.slip_reader)
        stored = await asyncio.to_thread(self._store_inbound, msg, files)
        if stored.duplicate:
            log.info("duplicate inbound message on %s ignored", msg.channel)
            return []
        await self._publish(EventType.MESSAGE_STORED, stored.conversation_id,
                            {**stored.message, "bot_silent": not bot_may_reply(stored.state)})
        for case_event in stored.evidence.case_events:
            await self._publish(EventType.CASE_UPDATED, stored.conversation_id, case_event)
        if stored.handoff:
            await self._publish(EventType.HANDOFF_CHANGED, stored.conversation_id, stored.handoff)
        if stored.stale_postback:
            log.info("button from an old session pressed: ignored")
            return []
        waiting = HandoffState(stored.state) is HandoffState.WAITING_FOR_STAFF
        if not bot_may_reply(stored.state) and not waiting:
            return []  # staff own the chat: the bot stays silent
        # A chat waiting for staff still goes to the dialogue, so that a correction or the
        # report itself updates the case staff will open (the action server says nothing
        # then, but first steps that cannot wait).

        text, metadata = dialogue_input(msg, message=stored.message, slip=stored.evidence.slip,
                                        language=stored.language)
        try:
            items = await self.dialogue.respond(sender=stored.conversation_id, message=text,
                                                metadata=metadata)
        except DialogueUnavailable as exc:
            if waiting:  # already queued for staff: only what cannot wait
                log.error("dialogue engine unavailable while waiting for staff: %s", exc)
                return await self._urgent_while_waiting(stored, msg)
            log.error("dialogue engine unavailable: %s", exc)
            await self._publish(EventType.DIALOGUE_UNAVAILABLE, stored.conversation_id,
                                {"error": str(exc)})
            await self._change_handoff(stored.conversation_id, HandoffAction.REQUEST_HUMAN,
                                       actor="system", reason="dialogue_unavailable")
            bank = await asyncio.to_thread(self.store.victim_bank, stored.conversation_id)
            replies = [Reply(text=dialogue_unavailable_text(stored.language, bank),
                             sender_kind="system")]
            return await self._store_replies(stored.conversation_id, stored.session_id, replies)

        replies, handoff, case_updates = replies_from_rasa(items, language=stored.language)
        stored_replies = await self._store_replies(stored.conversation_id, stored.session_id,
                                                   replies)
        for update in case_updates:
            await self._publish(EventType.CASE_UPDATED, stored.conversation_id, update)
        for reply in replies:
            if reply.card:
                await self._publish(EventType.CASE_UPDATED, stored.conversation_id,
                                    {"change": "card_shown", **dataclasses.asdict(reply.card)})
        if handoff:  # the action server moved the chat and recorded it: only tell the feeds
            await self._publish_handoff(await asyncio.to_thread(
                self.store.write, lambda session: change_made_elsewhere(
                    session, conversation_id=stored.conversation_id, before=stored.state,
                    action=HandoffAction.REQUEST_HUMAN, actor="bot", reason="dialogue")))
        return stored_replies

    async def _urgent_while_waiting(self, stored: StoredInbound,
                                    msg: InboundMessage) -> list[Reply]:
        bank = await asyncio.to_thread(self.store.victim_bank, stored.conversation_id)
        text = await asyncio.to_thread(urgent_reply_while_waiting, msg.text, msg.received_at,
                                       stored.language, bank)
        if text is None:
            return []
        log.warning("urgent message while waiting for staff: first steps sent")
        return await self._store_replies(stored.conversation_id, stored.session_id,
                                         [Reply(text=text, sender_kind="system")])

    def _store_inbound(self, msg: InboundMessage, files: list[SavedFile]) -> StoredInbound:
        def store(session: Session) -> StoredInbound:
            stored = add_inbound_message(session, msg)
            if stored.row is not None:
                stored.evidence = record_inbound_files(session, message=stored.row, files=files)
                stored.message = message_view(stored.row)
            return stored

        return self.store.write(store)

    # ---------------------------------------------------------------- bot/staff -> victim

    async def _store_replies(self, conversation_id: str, session_id: str,
                             replies: Sequence[Reply], *, staff_id: str | None = None
                             ) -> list[Reply]:
        views = await asyncio.to_thread(self.store.add_replies, conversation_id, session_id,
                                        replies, staff_id=staff_id)
        for view in views:
            await self._publish(EventType.MESSAGE_STORED, conversation_id, view)
        return [dataclasses.replace(reply, message_id=view["id"], session_id=session_id)
                for reply, view in zip(replies, views, strict=True)]

    async def mark_delivered(self, message_ids: Sequence[str]) -> None:
        """Channels call this once the platform accepted the messages."""
        await asyncio.to_thread(self.store.mark_delivered, [m for m in message_ids if m])

    async def report_delivery_failure(self, conversation_id: str, message_ids: Sequence[str],
                                      error: str) -> None:
        for message_id in message_ids:
            await self._publish(EventType.DELIVERY_FAILED, conversation_id,
                                {"message_id": message_id, "error": error})

    async def send_staff_message(self, conversation_id: str, staff_id: str, text: str) -> dict:
        """A staff member writes to the victim: stored, pushed through the channel, published.

        If the chat is not already owned by staff, this claims it for `staff_id` first (the bot
        must not talk over a person). Returns the stored message view (see `message_view`);
        its `delivered_at` is None if the channel could not deliver (a `delivery_failed` event
        is published too), and the message stays stored either way.
        """
        text = (text or "").strip()
        if not text:
            raise ValueError("empty staff message")
        conversation = await asyncio.to_thread(self.store.conversation, conversation_id)
        if conversation.handoff_state != HandoffState.STAFF or (
            conversation.assigned_staff_id != staff_id
        ):
            await self._change_handoff(conversation_id, HandoffAction.CLAIM,
                                       actor=f"staff:{staff_id}", staff_id=staff_id)
        replies = await self._store_replies(
            conversation_id, conversation.session_id,
            [Reply(text=text, sender_kind="staff")], staff_id=staff_id,
        )
        await self._push(conversation, replies)
        return await asyncio.to_thread(self.store.message_view, replies[0].message_id)

    async def deliver_push(self, conversation_id: str, replies: Sequence[Reply]) -> list[Reply]:
        """Send system messages to the victim outside a reply (e.g. exchange status updates).

        Stored first, then pushed through the conversation's channel, then published.
        """
        conversation = await asyncio.to_thread(self.store.conversation, conversation_id)
        replies = [r if r.sender_kind != "bot" else dataclasses.replace(r, sender_kind="system")
                   for r in replies]
        stored = await self._store_replies(conversation_id, conversation.session_id, replies)
        await self._push(conversation, stored)
        return stored

    async def _push(self, conversation: Conversation, replies: Sequence[Reply]) -> None:
        """Push now; if the channel fails, queue a `channel.push` outbox row so the worker
        retries with backoff (the same message ids give the same LINE retry key, so a push
        that did arrive is not shown twice)."""
        ids = [r.message_id for r in replies]
        try:
            channel = self.outbound.get(conversation.channel)
            await channel.push(channel_user_id=conversation.channel_user_id, replies=replies)
        except Exception as exc:  # stored already; the worker retries, staff see it live
            log.error("push to %s failed, queued for retry: %s", conversation.channel,
                      type(exc).__name__)
            await asyncio.to_thread(self.store.queue_push, conversation.id, ids)
            await self.report_delivery_failure(conversation.id, ids,
                                               f"{type(exc).__name__}: {exc}")
            return
        await self.mark_delivered(ids)

    # ---------------------------------------------------------------- handoff and queries

    async def _change_handoff(self, conversation_id: str, action: str, *, actor: str,
                              staff_id: str | None = None, reason: str | None = None
                              ) -> dict | None:
        change = await asyncio.to_thread(self.store.write, lambda session: try_handoff(
            session, conversation_id=conversation_id, action=action, actor=actor,
            assignee_id=staff_id, reason=reason))
        return await self._publish_handoff(change)

    async def _publish_handoff(self, change: HandoffChange | None) -> dict | None:
        if change is None:
            return None
        await self._publish(EventType.HANDOFF_CHANGED, change.conversation_id, change.as_event())
        return change.as_event()

    async def change_handoff(self, conversation_id: str, action: str, *, actor: str,
                             staff_id: str | None = None) -> dict | None:
        """Apply a `bot.handoff.HandoffAction`, record it on the case timeline and publish
        `handoff_changed`. Returns the change, or None if the transition is not allowed."""
        return await self._change_handoff(conversation_id, action, actor=actor,
                                          staff_id=staff_id)

    async def publish_handoff_changed(self, conversation_id: str, change: dict) -> None:
        """For code that changed ownership itself (e.g. bot.desk): tell the live feeds."""
        await self._publish(EventType.HANDOFF_CHANGED, conversation_id, change)

    async def publish_case_updated(self, conversation_id: str, data: dict) -> None:
        await self._publish(EventType.CASE_UPDATED, conversation_id, data)

    def conversation_for(self, channel: str, channel_user_id: str) -> dict | None:
        """The conversation of a channel user, if any: {id, session_id, handoff_state, ...}."""
        return self.store.conversation_for(channel, channel_user_id)

    def ensure_conversation(self, channel: str, channel_user_id: str,
                            language: str = "th") -> dict:
        """Find or create a channel user's conversation (the widget opens one on connect)."""
        return self.store.ensure_conversation(channel, channel_user_id, language)

    def history(self, conversation_id: str, *, limit: int = 200) -> list[dict]:
        """The newest `limit` messages, oldest first (widget replay, console transcript)."""
        return self.store.history(conversation_id, limit=limit)

    async def _publish(self, type_: str, conversation_id: str, data: dict) -> None:
        try:
            await self.events.publish(LiveEvent(type_, conversation_id,
                                                json.loads(json.dumps(data, default=str))))
        except Exception as exc:  # live feeds are best effort; the data is stored
            log.error("publishing %s failed: %s", type_, type(exc).__name__)

