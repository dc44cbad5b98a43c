"""The conversation engine: every channel hands it an `InboundMessage`, and gets `Reply`s back.

    handle_inbound(msg)  -> store the conversation, the message and its files first (nothing
                            is lost whatever fails next) -> if the bot owns the chat, ask the
                            dialogue engine and store its replies -> publish live events.
    send_staff_message() -> a staff member writes to the victim (stored, pushed, published).
    deliver_push()       -> the system writes to the victim later (exchange status updates).

It knows nothing about FastAPI or any particular channel: outbound delivery goes through the
`OutboundRegistry` (each channel registers an `OutboundChannel` under its name), the dialogue
through `DialogueEngine`, live events through `EventPublisher`. Database work is synchronous
SQLAlchemy run in a worker thread; messages from one user are handled strictly in order.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.events import EventPublisher, EventType, LiveEvent
from bot.conversation.evidence import (
    EvidenceStore,
    attach_slip_to_case,
    open_case_of,
    read_slip,
)
from bot.conversation.payloads import dialogue_text
from bot.conversation.rasa_client import DialogueEngine, DialogueUnavailable
from bot.conversation.redact import redact_credentials
from bot.conversation.types import CaseCard, InboundMessage, QuickReply, Reply
from bot.handoff import HandoffAction, InvalidHandoff, bot_may_reply, next_state
from bot.storage.db import session_scope
from bot.storage.models import (
    CaseEvent,
    Conversation,
    Direction,
    Evidence,
    HandoffState,
    Message,
    SenderKind,
    new_id,
    utcnow,
)

log = logging.getLogger(__name__)

BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

def fallback_text(victim_bank: str | None = None) -> str:
    """What the victim reads when the dialogue engine is down: their message is kept, a person
    will answer, and the numbers to call now (from bot.hotlines, the one place numbers live)."""
    from bot import hotlines

    contact = hotlines.bank_contact(victim_bank)
    if contact.number:
        bank = f"ธนาคารของคุณ ({contact.bank_name_th} โทร {contact.number})"
    else:
        bank = "ธนาคารของคุณ (เบอร์คอลเซ็นเตอร์หลังบัตรหรือในแอปธนาคาร)"
    return (
        "ขออภัยค่ะ ระบบตอบกลับขัดข้องชั่วคราว ข้อความของคุณถูกบันทึกไว้แล้ว "
        "และเจ้าหน้าที่จะติดต่อกลับโดยเร็วที่สุด\n"
        f"ถ้าเพิ่งโอนเงินให้มิจฉาชีพ โปรดโทรหา{bank} เพื่อขอระงับบัญชีปลายทางทันที "
        f"หรือโทรสายด่วน {hotlines.AOC.number} (ศูนย์ AOC ตลอด 24 ชั่วโมง)"
    )


FALLBACK_TEXT = fallback_text()


class DialogueIntents:
    """The synthetic messages the engine sends the dialogue for non-text input.

    Rasa's REST channel treats "/name" as that intent; details travel in the metadata.
    """

    GREET = "/greet"  # the user added the bot (LINE follow) or opened the widget for the first time
    SLIP = "/slip_received"  # metadata.slip_qr: {sending_bank_code, transaction_ref, ...}
    IMAGE = "/image_received"  # an image without a slip QR; metadata.attachments
    FILE = "/file_received"
    STICKER = "/sticker_received"  # metadata.attachments[0].meta.keywords, when LINE gives them
    LOCATION = "/location_received"  # metadata.attachments[0].meta: {latitude, longitude, ...}


_SYNTHETIC_INTENTS = frozenset(v for k, v in vars(DialogueIntents).items() if k.isupper())

_INTENT_BY_KIND = {
    "image": DialogueIntents.IMAGE, "file": DialogueIntents.FILE,
    "sticker": DialogueIntents.STICKER, "location": DialogueIntents.LOCATION,
}


PUSH_TOPIC = "channel.push"  # outbox topic for pushes that failed (see channels/outbox.py)


def push_key(message_ids: Sequence[str]) -> str:
    import hashlib

    return "channel.push:" + hashlib.sha256("-".join(message_ids).encode()).hexdigest()[:48]


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


class ConversationNotFound(LookupError):
    pass


@dataclass
class _Stored:
    """What the storing step tells the rest of handle_inbound."""

    conversation_id: str
    session_id: str
    language: str
    state: HandoffState
    duplicate: bool = False
    stale_postback: bool = False
    message: dict | None = None
    evidence: list[dict] = field(default_factory=list)
    slip: dict | None = None
    case_events: list[dict] = field(default_factory=list)
    handoff: dict | None = None


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


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def bangkok_clock_time(moment: datetime) -> str:
    """e.g. '30 พ.ย. 2569 เวลา 14:05 น.' (Buddhist-era year, Bangkok time)."""
    months = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
              "ต.ค.", "พ.ย.", "ธ.ค.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(BANGKOK)
    return f"{local.day} {months[local.month - 1]} {local.year + 543} เวลา {local:%H:%M} น."


def replies_from_rasa(items: Sequence[dict]) -> tuple[list[Reply], str | None, list[dict]]:
    """Rasa REST items -> (replies, requested handoff state or None, case updates).

    See bot/conversation/types.py for the item shapes. `custom.case_updated` (a dict) is passed
    on as a live event for the console.
    """
    replies: list[Reply] = []
    handoff: str | None = None
    case_updates: list[dict] = []
    for item in items:
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
        if custom.get("handoff"):
            handoff = str(custom["handoff"])
        if isinstance(custom.get("case_updated"), dict):
            case_updates.append(custom["case_updated"])
        card = _card_from_custom(custom.get("card")) if custom.get("card") else None
        quick = tuple(
            QuickReply(label=str(b.get("title", ""))[:20] or str(b.get("payload", ""))[:20],
                       payload=str(b.get("payload") or b.get("title") or ""))
            for b in item.get("buttons") or ()
            if isinstance(b, dict) and (b.get("payload") or b.get("title"))
        )
        text = item.get("text")
        if not text and item.get("image"):
            text = str(item["image"])
        if not text and custom.get("text"):
            text = str(custom["text"])
        if text or quick or card:
            replies.append(Reply(text=text, quick_replies=quick, card=card))
    return replies, handoff, case_updates


def _card_from_custom(raw: dict) -> CaseCard | None:
    if not isinstance(raw, dict) or not raw.get("case_number"):
        return None
    deadline_text = raw.get("deadline_text")
    if not deadline_text and raw.get("deadline_at"):
        try:
            deadline_text = bangkok_clock_time(datetime.fromisoformat(raw["deadline_at"]))
        except (TypeError, ValueError):
            deadline_text = None
    amount = raw.get("amount_thb")
    try:
        amount = float(amount) if amount is not None else None
    except (TypeError, ValueError):
        amount = None
    return CaseCard(
        case_number=str(raw["case_number"]),
        scam_type_label=str(raw.get("scam_type_label") or raw.get("scam_type") or "-"),
        priority=str(raw.get("priority") or "-"),
        amount_thb=amount,
        destination=raw.get("destination"),
        deadline_text=deadline_text,
        status_text=raw.get("status_text"),
    )


def reply_payload(reply: Reply, *, session_id: str | None = None) -> dict:
    payload: dict = {}
    if reply.quick_replies:
        payload["quick_replies"] = [dataclasses.asdict(q) for q in reply.quick_replies]
        if session_id:  # buttons answer this session; after a restart they do nothing
            payload["session_id"] = session_id
    if reply.card:
        payload["card"] = dataclasses.asdict(reply.card)
    return payload


def reply_from_view(view: dict, *, session_id: str | None = None) -> Reply:
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


class ConversationEngine:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        dialogue: DialogueEngine,
        events: EventPublisher,
        outbound: OutboundRegistry | None = None,
        evidence_dir: Path,
        slip_reader: Callable[[bytes], object] = read_slip,
    ) -> None:
        self.sessions = sessions
        self.dialogue = dialogue
        self.events = events
        self.outbound = outbound or OutboundRegistry()
        self.evidence = EvidenceStore(evidence_dir)
        self.slip_reader = slip_reader
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    # ---------------------------------------------------------------- victim -> bot

    async def handle_inbound(self, msg: InboundMessage) -> list[Reply]:
        """Store the message, let the dialogue answer if the bot owns the chat, return replies.

        Idempotent on `msg.channel_message_id`: a repeat returns [] and changes nothing.
        """
        lock = self._locks.get((msg.channel, msg.channel_user_id))
        if lock is None:
            lock = asyncio.Lock()
            self._locks[(msg.channel, msg.channel_user_id)] = lock
        async with lock:
            return await self._handle_inbound(msg)

    async def _handle_inbound(self, msg: InboundMessage) -> list[Reply]:
        # Regex work on a stranger's text stays off the event loop (issue 14, S1).
        text, redacted = await asyncio.to_thread(redact_credentials, msg.text)
        if redacted:  # an OTP/PIN/password is never stored, logged or sent on
            log.warning("removed %d credential(s) from an inbound message", redacted)
            msg = dataclasses.replace(msg, text=text)
        files = await asyncio.to_thread(self._save_files, msg)
        stored = await asyncio.to_thread(self._store_inbound, msg, files)
        if stored.duplicate:
            log.info("duplicate inbound message on %s ignored", msg.channel)
            return []
        await self._publish(EventType.MESSAGE_STORED, stored.conversation_id,
                            {**stored.message, "bot_silent": not bot_may_reply(stored.state)})
        for case_event in stored.case_events:
            await self._publish(EventType.CASE_UPDATED, stored.conversation_id, case_event)
        if stored.handoff:
            await self._publish(EventType.HANDOFF_CHANGED, stored.conversation_id, stored.handoff)
        if stored.stale_postback:
            log.info("button from an old session pressed: ignored")
            return []
        if not bot_may_reply(stored.state):
            return []  # staff own the chat (or it waits for them): the bot stays silent

        text, metadata = self._dialogue_input(msg, stored)
        try:
            items = await self.dialogue.respond(
                sender=stored.conversation_id, message=text, metadata=metadata
            )
        except DialogueUnavailable as exc:
            log.error("dialogue engine unavailable: %s", exc)
            await self._publish(EventType.DIALOGUE_UNAVAILABLE, stored.conversation_id,
                                {"error": str(exc)})
            await self._change_handoff(stored.conversation_id, HandoffAction.REQUEST_HUMAN,
                                       actor="system", reason="dialogue_unavailable")
            bank = await asyncio.to_thread(self._victim_bank, stored.conversation_id)
            replies = [Reply(text=fallback_text(bank), sender_kind="system")]
            return await self._store_replies(stored.conversation_id, stored.session_id, replies)

        replies, handoff, case_updates = replies_from_rasa(items)
        stored_replies = await self._store_replies(
            stored.conversation_id, stored.session_id, replies
        )
        for update in case_updates:
            await self._publish(EventType.CASE_UPDATED, stored.conversation_id, update)
        for reply in replies:
            if reply.card:
                await self._publish(EventType.CASE_UPDATED, stored.conversation_id,
                                    {"change": "card_shown", **dataclasses.asdict(reply.card)})
        if handoff == HandoffState.WAITING_FOR_STAFF:
            await self._change_handoff(stored.conversation_id, HandoffAction.REQUEST_HUMAN,
                                       actor="bot", reason="dialogue")
        return stored_replies

    def _save_files(self, msg: InboundMessage) -> list[dict]:
        saved = []
        for index, attachment in enumerate(msg.attachments):
            if attachment.data is None:
                continue
            try:
                stored = self.evidence.save(attachment.data, attachment.content_type)
            except ValueError as exc:
                log.warning("attachment %d not stored: %s", index, exc)
                continue
            slip = None
            if stored.content_type.startswith("image/"):
                try:
                    slip = self.slip_reader(attachment.data)
                except Exception:  # a broken image must not lose the message
                    log.exception("QR scan failed on an attachment")
            saved.append({"index": index, "file": stored,
                          "slip": slip.as_dict() if slip is not None else None})
        return saved

    def _store_inbound(self, msg: InboundMessage, files: list[dict]) -> _Stored:
        for attempt in range(2):  # a concurrent first message may create the conversation
            try:
                with session_scope(self.sessions) as session:
                    return self._store_inbound_tx(session, msg, files)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _store_inbound_tx(self, session: Session, msg: InboundMessage,
                          files: list[dict]) -> _Stored:
        conversation = session.scalar(
            select(Conversation).where(Conversation.channel == msg.channel,
                                       Conversation.channel_user_id == msg.channel_user_id)
        )
        if conversation is None:
            conversation = Conversation(channel=msg.channel, channel_user_id=msg.channel_user_id,
                                        language=msg.language_hint or "th")
            session.add(conversation)
            session.flush()
        result = _Stored(conversation.id, conversation.session_id, conversation.language,
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
            before = result.state
            conversation.handoff_state = next_state(before, HandoffAction.REOPEN)
            conversation.assigned_staff_id = None
            conversation.session_id = new_id()
            result.state = HandoffState(conversation.handoff_state)
            result.session_id = conversation.session_id
            result.handoff = {"from": str(before), "to": str(result.state),
                              "action": HandoffAction.REOPEN, "actor": "user", "staff_id": None}
            self._timeline(session, conversation.id, "handoff_changed", "user", result.handoff)
        conversation.updated_at = utcnow()

        attachments_meta = []
        for index, attachment in enumerate(msg.attachments):
            attachments_meta.append({"kind": attachment.kind,
                                     "content_type": attachment.content_type,
                                     "url": attachment.url, "meta": attachment.meta})
        message = Message(
            conversation_id=conversation.id, direction=Direction.INBOUND,
            sender_kind=SenderKind.USER, text=msg.text, attachments=attachments_meta,
            payload=({"postback": msg.postback, "session_id": msg.session_id}
                     if msg.postback is not None else {}),
            channel_message_id=msg.channel_message_id, created_at=msg.received_at,
        )
        session.add(message)
        session.flush()

        case = open_case_of(session, conversation.id) if files else None
        for saved in files:
            file = saved["file"]
            evidence = Evidence(
                case_id=case.id if case else None, conversation_id=conversation.id,
                message_id=message.id, content_type=file.content_type, sha256=file.sha256,
                size_bytes=file.size_bytes, storage_path=str(file.path), slip_qr=saved["slip"],
            )
            session.add(evidence)
            session.flush()
            attachments_meta[saved["index"]].update(
                {"evidence_id": evidence.id, "sha256": file.sha256,
                 "size_bytes": file.size_bytes, "slip_qr": saved["slip"]}
            )
            view = {"evidence_id": evidence.id, "sha256": file.sha256, "slip_qr": saved["slip"],
                    "case_id": case.id if case else None}
            result.evidence.append(view)
            if case:
                self._timeline(session, case.id, "evidence_added", "user",
                               {"evidence_id": evidence.id, "sha256": file.sha256}, by_case=True)
            if saved["slip"]:
                result.slip = view
                if case:
                    from bot.slip_qr import parse_slip_qr

                    slip = parse_slip_qr(saved["slip"]["raw"])
                    identifier = attach_slip_to_case(session, case=case, evidence=evidence,
                                                     slip=slip)
                    result.case_events.append({
                        "case_id": case.id, "case_number": case.case_number,
                        "change": "slip_qr_attached", "identifier_id": identifier.id,
                        "evidence_id": evidence.id,
                        "sending_bank_code": slip.sending_bank_code,
                    })
            elif case:
                result.case_events.append({"case_id": case.id, "case_number": case.case_number,
                                           "change": "evidence_added",
                                           "evidence_id": evidence.id})
        message.attachments = [dict(a) for a in attachments_meta]  # new list: JSON is dirty
        session.flush()
        result.message = message_view(message)
        return result

    def _dialogue_input(self, msg: InboundMessage, stored: _Stored) -> tuple[str, dict]:
        metadata = {
            "channel": msg.channel,
            "message_id": stored.message["id"] if stored.message else None,
            "received_at": msg.received_at.isoformat(),
            "language": msg.language_hint or stored.language,
        }
        if stored.message and stored.message["attachments"]:
            metadata["attachments"] = stored.message["attachments"]
        if stored.slip:
            metadata["slip_qr"] = {**stored.slip["slip_qr"],
                                   "evidence_id": stored.slip["evidence_id"],
                                   "attached_to_case_id": stored.slip["case_id"]}
        if msg.postback is not None:
            return msg.postback, metadata
        if msg.text:  # typed (or a channel's synthetic intent): never a victim-made payload
            return dialogue_text(msg.text, synthetic=_SYNTHETIC_INTENTS), metadata
        if stored.slip:
            return DialogueIntents.SLIP, metadata
        for attachment in msg.attachments:
            if attachment.kind in _INTENT_BY_KIND:
                return _INTENT_BY_KIND[attachment.kind], metadata
        return DialogueIntents.GREET, metadata

    # ---------------------------------------------------------------- bot/staff -> victim

    async def _store_replies(self, conversation_id: str, session_id: str,
                             replies: Sequence[Reply], *, staff_id: str | None = None
                             ) -> list[Reply]:
        def store() -> list[dict]:
            views = []
            with session_scope(self.sessions) as session:
                for reply in replies:
                    message = Message(
                        conversation_id=conversation_id, direction=Direction.OUTBOUND,
                        sender_kind=SenderKind(reply.sender_kind), sender_staff_id=staff_id,
                        text=reply.text if (reply.text or not reply.card)
                        else reply.fallback_text(),
                        payload=reply_payload(reply, session_id=session_id),
                    )
                    session.add(message)
                    session.flush()
                    views.append(message_view(message))
            return views

        views = await asyncio.to_thread(store)
        for view in views:
            await self._publish(EventType.MESSAGE_STORED, conversation_id, view)
        return [dataclasses.replace(reply, message_id=view["id"], session_id=session_id)
                for reply, view in zip(replies, views, strict=True)]

    async def mark_delivered(self, message_ids: Sequence[str]) -> None:
        """Channels call this once the platform accepted the messages."""
        ids = [m for m in message_ids if m]
        if not ids:
            return

        def mark() -> None:
            with session_scope(self.sessions) as session:
                for message in session.scalars(select(Message).where(Message.id.in_(ids))):
                    message.delivered_at = message.delivered_at or utcnow()

        await asyncio.to_thread(mark)

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
        conversation = await asyncio.to_thread(self._conversation, conversation_id)
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
        return await asyncio.to_thread(self._message_view, replies[0].message_id)

    async def deliver_push(self, conversation_id: str, replies: Sequence[Reply]) -> list[Reply]:
        """Send system messages to the victim outside a reply (e.g. exchange status updates).

        Stored first, then pushed through the conversation's channel, then published.
        """
        conversation = await asyncio.to_thread(self._conversation, conversation_id)
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
            await asyncio.to_thread(self._queue_push, conversation.id, ids)
            await self.report_delivery_failure(conversation.id, ids,
                                               f"{type(exc).__name__}: {exc}")
            return
        await self.mark_delivered(ids)

    def _queue_push(self, conversation_id: str, message_ids: list[str]) -> None:
        from bot.outbox.store import enqueue

        with session_scope(self.sessions) as session:
            enqueue(session, topic=PUSH_TOPIC, idempotency_key=push_key(message_ids),
                    payload={"conversation_id": conversation_id, "message_ids": message_ids})

    # ---------------------------------------------------------------- handoff and queries

    async def _change_handoff(self, conversation_id: str, action: str, *, actor: str,
                              staff_id: str | None = None, reason: str | None = None
                              ) -> dict | None:
        def change() -> dict | None:
            with session_scope(self.sessions) as session:
                conversation = session.get(Conversation, conversation_id)
                before = HandoffState(conversation.handoff_state)
                try:
                    after = next_state(before, action)
                except InvalidHandoff:
                    log.warning("handoff %s refused in state %s", action, before)
                    return None
                conversation.handoff_state = after
                if after is HandoffState.STAFF:
                    conversation.assigned_staff_id = staff_id
                elif after in (HandoffState.BOT, HandoffState.WAITING_FOR_STAFF,
                               HandoffState.CLOSED):
                    conversation.assigned_staff_id = None
                change = {"from": str(before), "to": str(after), "action": action,
                          "actor": actor, "staff_id": conversation.assigned_staff_id,
                          "reason": reason}
                if before != after or action == HandoffAction.CLAIM:
                    # (the dialogue's actions may have moved the chat already and recorded it:
                    # then there is nothing new for the timeline, only for the live feeds)
                    self._timeline(session, conversation_id, "handoff_changed", actor, change)
                return change

        change = await asyncio.to_thread(change)
        if change is not None:
            await self._publish(EventType.HANDOFF_CHANGED, conversation_id, change)
        return change

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

    def _timeline(self, session: Session, target_id: str, kind: str, actor: str, data: dict,
                  *, by_case: bool = False) -> None:
        """Record on the case timeline: `target_id` is a case id, or a conversation id whose
        open case (if any) gets the event."""
        if by_case:
            session.add(CaseEvent(case_id=target_id, kind=kind, actor=actor, data=data))
            return
        case = open_case_of(session, target_id)
        if case is not None:
            session.add(CaseEvent(case_id=case.id, kind=kind, actor=actor, data=data))

    def _victim_bank(self, conversation_id: str) -> str | None:
        with self.sessions() as session:
            case = open_case_of(session, conversation_id)
            return case.victim_bank if case else None

    def _conversation(self, conversation_id: str) -> Conversation:
        with self.sessions() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            session.expunge(conversation)
            return conversation

    def _message_view(self, message_id: str) -> dict:
        with self.sessions() as session:
            return message_view(session.get(Message, message_id))

    def conversation_for(self, channel: str, channel_user_id: str) -> dict | None:
        """The conversation of a channel user, if any: {id, session_id, handoff_state, ...}."""
        with self.sessions() as session:
            conversation = session.scalar(
                select(Conversation).where(Conversation.channel == channel,
                                           Conversation.channel_user_id == channel_user_id)
            )
            return _conversation_view(conversation) if conversation else None

    def ensure_conversation(self, channel: str, channel_user_id: str,
                            language: str = "th") -> dict:
        """Find or create a channel user's conversation (the widget opens one on connect)."""
        for attempt in range(2):
            try:
                with session_scope(self.sessions) as session:
                    conversation = session.scalar(
                        select(Conversation).where(Conversation.channel == channel,
                                                   Conversation.channel_user_id == channel_user_id)
                    )
                    if conversation is None:
                        conversation = Conversation(channel=channel,
                                                    channel_user_id=channel_user_id,
                                                    language=language)
                        session.add(conversation)
                        session.flush()
                    return _conversation_view(conversation)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def history(self, conversation_id: str, *, limit: int = 200) -> list[dict]:
        """The newest `limit` messages, oldest first (widget replay, console transcript)."""
        with self.sessions() as session:
            rows = session.scalars(
                select(Message).where(Message.conversation_id == conversation_id)
                .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)
            ).all()
            return [message_view(m) for m in reversed(rows)]

    async def _publish(self, type_: str, conversation_id: str, data: dict) -> None:
        try:
            await self.events.publish(LiveEvent(type_, conversation_id,
                                                json.loads(json.dumps(data, default=str))))
        except Exception as exc:  # live feeds are best effort; the data is stored
            log.error("publishing %s failed: %s", type_, type(exc).__name__)


def _conversation_view(conversation: Conversation) -> dict:
    return {
        "id": conversation.id, "channel": conversation.channel,
        "channel_user_id": conversation.channel_user_id,
        "session_id": conversation.session_id,
        "handoff_state": str(conversation.handoff_state),
        "assigned_staff_id": conversation.assigned_staff_id,
        "language": conversation.language,
    }
