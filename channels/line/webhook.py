"""LINE's input side: `POST /line/webhook`.

In order, before anything is stored:
1. The body is read with a cap (`SAKOT_MAX_BODY_BYTES`, 1 MiB; LINE's bodies are a few KB): a
   larger one is refused with 413 before any signature work (security finding S11). The app's
   BodyLimitMiddleware applies the same limit to every path; the route keeps its own so the
   webhook is safe wherever it is mounted.
2. The signature (`X-Line-Signature`, HMAC-SHA256 of the raw body with the channel secret) is
   checked with the SDK's `SignatureValidator`; a bad or missing one gets 400 and nothing is
   processed.
3. The JSON is parsed; a body that is not `{"events": [...]}` gets 400 (LINE does not resend
   it, and there is nothing in it that could be kept).
Then 200 at once; the events are handled afterwards in the background, in order, each modelled
on its own (`events.py`: one event the SDK cannot model is logged and skipped, the others go
on) and each at most once (`webhookEventId` in the ProcessedEvent table, so LINE's
redeliveries - `deliveryContext.isRedelivery` - are skipped).

Only one-to-one chats reach a case: events from groups and rooms are ignored (logged by type),
so nothing said in a group is ever mixed into a victim's conversation.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from linebot.v3.webhook import SignatureValidator
from linebot.v3.webhooks import (
    AudioMessageContent,
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEditedEvent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendEvent,
    UserSource,
    VideoMessageContent,
)
from sqlalchemy.exc import IntegrityError

from bot.conversation.evidence import MAX_EVIDENCE_BYTES
from bot.conversation.rasa_items import DialogueIntents
from bot.conversation.types import Attachment, InboundMessage
from bot.storage.db import session_scope
from bot.storage.models import ProcessedEvent
from channels.line.api import LineApiError
from channels.line.events import Modelled, Skipped, log_skipped, model_event
from channels.line.output import LineOutput, parse_postback_data
from channels.line.unsend import mark_unsent

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024

DISABLED_MESSAGE = (
    "The LINE channel is off: set SAKOT_LINE_CHANNEL_SECRET and "
    "SAKOT_LINE_CHANNEL_ACCESS_TOKEN (see .env.example and channels/line/README.md)."
)


class LineChannel:
    """Turns LINE webhook events into InboundMessages and answers them."""

    def __init__(self, *, runtime, sessions, channel_secret: str, output: LineOutput) -> None:
        self.runtime = runtime
        self.sessions = sessions
        self.signature_validator = SignatureValidator(channel_secret)
        self.output = output

    def verify(self, raw: bytes, signature: str) -> bool:
        """LINE's signature over the exact bytes received (the SDK's constant-time check)."""
        if not signature:
            return False
        try:
            return self.signature_validator.validate(raw.decode("utf-8"), signature)
        except (UnicodeError, ValueError, TypeError):
            return False

    async def process_events(self, raw_events: list) -> None:
        """Model each event on its own (after the 200 went out: the SDK's models are not free),
        then handle them in order; one that cannot be modelled or handled is logged and the
        others still run."""
        results = await asyncio.to_thread(lambda: [model_event(e) for e in raw_events])
        for result in results:
            if isinstance(result, Skipped):
                log_skipped(result)
                continue
            try:
                await self.process_event(result)
            except Exception:  # one bad event must not stop the others
                log.exception("LINE %s event %s failed", result.event.type, result.event_id)

    async def process_event(self, modelled: Modelled) -> None:
        event, event_id = modelled.event, modelled.event_id
        source = getattr(event, "source", None)
        if not isinstance(source, UserSource) or not source.user_id:
            log.info("LINE %s event from a %s chat ignored (Sakot answers in 1:1 chats only)",
                     event.type, getattr(source, "type", "unknown"))
            return
        if _mode(event) == "standby":
            # Another module (LINE's chat, a second bot) owns this chat right now; answering
            # would put two voices in front of the victim. LINE sends no reply token.
            log.info("LINE %s event %s in standby mode ignored", event.type, event_id)
            return
        if not await asyncio.to_thread(self._claim, event_id):
            log.info("LINE event %s already processed (redelivery=%s)", event_id,
                     modelled.redelivery)
            return
        user_id = source.user_id
        received_at = datetime.fromtimestamp(event.timestamp / 1000, UTC)
        if isinstance(event, UnfollowEvent):
            log.info("a LINE user unfollowed (blocked) the bot")
            return
        if isinstance(event, UnsendEvent):
            found = await asyncio.to_thread(
                mark_unsent, self.sessions, user_id=user_id,
                line_message_id=event.unsend.message_id, unsent_at=received_at)
            log.info("LINE unsend event %s: message %s", event_id,
                     "blanked" if found else "not stored here")
            return
        if isinstance(event, FollowEvent):
            inbound = InboundMessage(channel="line", channel_user_id=user_id,
                                     text=DialogueIntents.GREET, received_at=received_at,
                                     channel_message_id=f"follow:{event_id}")
        elif isinstance(event, PostbackEvent):
            await self.output.api.show_loading(user_id)
            session_id, payload = parse_postback_data(event.postback.data)
            inbound = InboundMessage(channel="line", channel_user_id=user_id, text=None,
                                     received_at=received_at, postback=payload,
                                     session_id=session_id,
                                     channel_message_id=f"postback:{event_id}")
        elif isinstance(event, MessageEvent | MessageEditedEvent):
            await self.output.api.show_loading(user_id)
            inbound = await self._message(event, user_id, received_at, event_id)
            if inbound is None:
                return
        else:
            log.info("LINE event type %r ignored", event.type)
            return
        replies = await self.runtime.engine.handle_inbound(inbound)
        if not replies:
            return
        ids = [r.message_id for r in replies]
        try:
            await self.output.send_replies(reply_token=getattr(event, "reply_token", None),
                                           user_id=user_id, replies=replies)
        except LineApiError as exc:
            log.error("LINE delivery failed: %s", exc)
            conversation = await asyncio.to_thread(
                self.runtime.engine.conversation_for, "line", user_id)
            if conversation:
                await self.runtime.engine.report_delivery_failure(conversation["id"], ids, str(exc))
            return
        await self.runtime.engine.mark_delivered(ids)

    async def _message(self, event: MessageEvent | MessageEditedEvent, user_id: str,
                       received_at: datetime, event_id: str) -> InboundMessage | None:
        content = event.message
        message_id = content.id
        if isinstance(event, MessageEditedEvent):
            # The user corrected a message they sent (an account number, say): the new text is
            # a new inbound message, so the correction reaches the case; the original stays.
            message_id = f"edited:{event_id}"
        base = {"channel": "line", "channel_user_id": user_id, "received_at": received_at,
                "channel_message_id": message_id}
        if isinstance(content, TextMessageContent):
            return InboundMessage(text=content.text, **base)
        if isinstance(content, ImageMessageContent | FileMessageContent | VideoMessageContent
                      | AudioMessageContent):
            attachment = await self._media(content)
            return InboundMessage(text=None, attachments=(attachment,), **base)
        if isinstance(content, StickerMessageContent):
            meta = {"package_id": content.package_id, "sticker_id": content.sticker_id,
                    "keywords": list(content.keywords or [])}
            return InboundMessage(text=None, attachments=(Attachment("sticker", meta=meta),),
                                  **base)
        if isinstance(content, LocationMessageContent):
            meta = {"title": content.title, "address": content.address,
                    "latitude": content.latitude, "longitude": content.longitude}
            return InboundMessage(text=None, attachments=(Attachment("location", meta=meta),),
                                  **base)
        log.info("LINE %s message ignored", content.type)
        return None

    async def _media(self, content) -> Attachment:
        """An image, file, video or audio message as an attachment, with LINE's content.

        Video and audio travel as files (a recorded call or a screen recording is evidence
        like any document); `meta.line_type` says which. External content (`contentProvider`
        external) is not LINE's and is not fetched.
        """
        kind = "image" if isinstance(content, ImageMessageContent) else "file"
        meta = {"line_message_id": content.id, "line_type": content.type}
        if isinstance(content, FileMessageContent):
            meta.update(file_name=content.file_name, file_size=content.file_size)
        if getattr(content, "duration", None) is not None:
            meta["duration_ms"] = content.duration
        data, content_type, url = None, None, None
        provider = getattr(content, "content_provider", None)
        if provider is not None and provider.type == "external":
            url = provider.original_content_url
        else:
            try:
                data, content_type = await self.output.api.get_content(
                    content.id, max_bytes=MAX_EVIDENCE_BYTES)
            except (LineApiError, OSError) as exc:
                log.error("could not fetch LINE %s content: %s", content.type, exc)
                meta["fetch_error"] = str(exc)[:200]
        return Attachment(kind=kind, content_type=content_type, data=data, url=url, meta=meta)

    def _claim(self, event_id: str) -> bool:
        """Record the event as processed; False if it was already (a redelivery)."""
        try:
            with session_scope(self.sessions) as session:
                session.add(ProcessedEvent(source="line", event_id=event_id))
            return True
        except IntegrityError:
            return False


def _mode(event) -> str:
    mode = getattr(event, "mode", None)
    return str(getattr(mode, "value", mode))


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it is known to be over `limit` bytes.

    A declared Content-Length over the limit is refused without reading anything; otherwise
    the stream is read chunk by chunk and abandoned at the first byte over the limit.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def parse_events(raw: bytes) -> list | None:
    """The `events` list of a webhook body, or None when the body is not one."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return None
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        return None
    return document["events"]


def make_router(get_channel, *, max_body_bytes: int = MAX_BODY_BYTES) -> APIRouter:
    """`get_channel()` returns the LineChannel, or None while LINE is not configured."""
    router = APIRouter(tags=["line"])

    @router.post("/line/webhook")
    async def line_webhook(request: Request) -> JSONResponse:
        channel = get_channel()
        if channel is None:
            return JSONResponse({"detail": DISABLED_MESSAGE}, status_code=503)
        try:
            raw = await read_body(request, max_body_bytes)
        except BodyTooLarge:
            log.warning("LINE webhook body over %d bytes refused", max_body_bytes)
            return JSONResponse({"detail": f"body over {max_body_bytes} bytes"},
                                status_code=413)
        if not channel.verify(raw, request.headers.get("x-line-signature", "")):
            log.warning("LINE webhook with a bad or missing signature refused")
            return JSONResponse({"detail": "invalid signature"}, status_code=400)
        events = parse_events(raw)
        if events is None:
            log.error("signed LINE webhook body is not JSON of the form {\"events\": [...]}")
            return JSONResponse({"detail": "malformed webhook body: expected JSON "
                                           "{\"events\": [...]}"}, status_code=400)
        if events:
            channel.runtime.spawn(channel.process_events(events), name="line-events")
        return JSONResponse({})

    return router
