"""LINE's input side: `POST /line/webhook`.

The signature (`X-Line-Signature`, HMAC-SHA256 of the raw body with the channel secret) is
checked by the SDK's `WebhookParser` before anything else; a bad one gets 400 and nothing is
processed. A good one gets 200 at once; the events are handled afterwards in the background,
in order, each at most once (`webhookEventId` in the ProcessedEvent table, so LINE's
redeliveries - `deliveryContext.isRedelivery` - are skipped).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from sqlalchemy.exc import IntegrityError

from bot.conversation.engine import DialogueIntents
from bot.conversation.types import Attachment, InboundMessage
from bot.storage.db import session_scope
from bot.storage.models import ProcessedEvent
from channels.line.api import LineApiError
from channels.line.output import LineOutput, parse_postback_data

log = logging.getLogger(__name__)

DISABLED_MESSAGE = (
    "The LINE channel is off: set SAKOT_LINE_CHANNEL_SECRET and "
    "SAKOT_LINE_CHANNEL_ACCESS_TOKEN (see .env.example and channels/line/README.md)."
)


class LineChannel:
    """Turns LINE webhook events into InboundMessages and answers them."""

    def __init__(self, *, runtime, sessions, channel_secret: str, output: LineOutput) -> None:
        self.runtime = runtime
        self.sessions = sessions
        self.parser = WebhookParser(channel_secret)
        self.output = output

    def verify(self, body: str, signature: str) -> bool:
        return self.parser.signature_validator.validate(body, signature)

    async def process_body(self, body: str, signature: str) -> None:
        """Parse (after the 200 went out: the SDK's models are not free) and process."""
        payload = self.parser.parse(body, signature, as_payload=True)
        await self.process(payload.events)

    async def process(self, events: list) -> None:
        for event in events:
            try:
                await self.process_event(event)
            except Exception:  # one bad event must not stop the others
                log.exception("LINE event %s failed", getattr(event, "type", "?"))

    async def process_event(self, event) -> None:
        event_id = getattr(event, "webhook_event_id", None)
        if event_id and not await asyncio.to_thread(self._claim, event_id):
            redelivery = getattr(getattr(event, "delivery_context", None), "is_redelivery", None)
            log.info("LINE event already processed (redelivery=%s)", redelivery)
            return
        source = getattr(event, "source", None)
        if not isinstance(source, UserSource) or not source.user_id:
            log.info("LINE %s event from a non-user source ignored", event.type)
            return
        user_id = source.user_id
        received_at = datetime.fromtimestamp(event.timestamp / 1000, UTC)
        if isinstance(event, UnfollowEvent):
            log.info("a LINE user unfollowed (blocked) the bot")
            return
        if isinstance(event, FollowEvent):
            inbound = InboundMessage(channel="line", channel_user_id=user_id,
                                     text=DialogueIntents.GREET, received_at=received_at,
                                     channel_message_id=f"follow:{event_id}" if event_id else None)
        elif isinstance(event, PostbackEvent):
            await self.output.api.show_loading(user_id)
            session_id, payload = parse_postback_data(event.postback.data)
            inbound = InboundMessage(channel="line", channel_user_id=user_id, text=None,
                                     received_at=received_at, postback=payload,
                                     session_id=session_id,
                                     channel_message_id=f"postback:{event_id}" if event_id
                                     else None)
        elif isinstance(event, MessageEvent):
            await self.output.api.show_loading(user_id)
            inbound = await self._message(event, user_id, received_at)
            if inbound is None:
                return
        else:
            log.info("LINE event type %r ignored", getattr(event, "type", None))
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

    async def _message(self, event: MessageEvent, user_id: str,
                       received_at: datetime) -> InboundMessage | None:
        content = event.message
        base = {"channel": "line", "channel_user_id": user_id, "received_at": received_at,
                "channel_message_id": content.id}
        if isinstance(content, TextMessageContent):
            return InboundMessage(text=content.text, **base)
        if isinstance(content, ImageMessageContent | FileMessageContent):
            kind = "image" if isinstance(content, ImageMessageContent) else "file"
            meta = {"line_message_id": content.id}
            if kind == "file":
                meta.update(file_name=content.file_name, file_size=content.file_size)
            data, content_type, url = None, None, None
            provider = getattr(content, "content_provider", None)
            if provider is not None and provider.type == "external":
                url = provider.original_content_url  # not LINE's: not fetched
            else:
                try:
                    data, content_type = await self.output.api.get_content(content.id)
                except (LineApiError, OSError) as exc:
                    log.error("could not fetch LINE %s content: %s", kind, exc)
                    meta["fetch_error"] = str(exc)[:200]
            attachment = Attachment(kind=kind, content_type=content_type, data=data, url=url,
                                    meta=meta)
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

    def _claim(self, event_id: str) -> bool:
        """Record the event as processed; False if it was already (a redelivery)."""
        try:
            with session_scope(self.sessions) as session:
                session.add(ProcessedEvent(source="line", event_id=event_id))
            return True
        except IntegrityError:
            return False


def make_router(get_channel) -> APIRouter:
    """`get_channel()` returns the LineChannel, or None while LINE is not configured."""
    router = APIRouter(tags=["line"])

    @router.post("/line/webhook")
    async def line_webhook(request: Request) -> JSONResponse:
        channel = get_channel()
        if channel is None:
            return JSONResponse({"detail": DISABLED_MESSAGE}, status_code=503)
        raw = await request.body()
        signature = request.headers.get("x-line-signature", "")
        try:
            body = raw.decode("utf-8")
            valid = channel.verify(body, signature)
        except (UnicodeDecodeError, ValueError, TypeError):
            valid = False
        if not valid:
            log.warning("LINE webhook with a bad signature refused")
            return JSONResponse({"detail": "invalid signature"}, status_code=400)
        try:
            events = json.loads(body)["events"]
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"detail": "malformed webhook body"}, status_code=400)
        if events:
            channel.runtime.spawn(channel.process_body(body, signature), name="line-events")
        return JSONResponse({})

    return router
