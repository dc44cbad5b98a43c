"""The web widget's routes: static files, the WebSocket, uploads. Thin: the engine does the work."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from bot.conversation.events import EventType, conversation_topic
from bot.conversation.evidence import image_pixels
from bot.conversation.rasa_items import DialogueIntents
from bot.conversation.types import Attachment, InboundMessage, Reply
from bot.conversation.views import victim_message_view
from channels.base import OutputChannel
from channels.limits import ConnectionCounter, RateLimiter, client_ip

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
VISITOR_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT = 4000
HELLO_TIMEOUT = 10.0  # seconds a new socket has to say which visitor it is
UPLOAD_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf")


class WebOutput(OutputChannel):
    """Every stored message reaches the widget through the conversation's live topic (on any
    replica), so pushing is only a matter of the engine having stored and published it."""

    name = "web"

    def render_text(self, text: str, reply: Reply) -> dict:
        return {"text": text}

    async def push(self, *, channel_user_id: str, replies: Sequence[Reply]) -> None:
        return None


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((STATIC / name).read_text(encoding="utf-8"))


def make_router(runtime, settings) -> APIRouter:
    router = APIRouter(tags=["web"])
    engine = runtime.engine

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    def demo_page() -> HTMLResponse:
        return _page("index.html")

    @router.get("/privacy", response_class=HTMLResponse)
    def privacy_page() -> HTMLResponse:
        return _page("privacy.html")

    @router.get("/widget.js", include_in_schema=False)
    def widget_js() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8",
                            headers={"Cache-Control": "no-cache",
                                     "Access-Control-Allow-Origin": "*"})

    upload_per_visitor = RateLimiter(settings.uploads_per_visitor_per_hour, 3600)
    upload_per_ip = RateLimiter(settings.uploads_per_ip_per_hour, 3600)
    messages_per_visitor = RateLimiter(settings.web_messages_per_visitor_per_minute, 60)
    messages_per_ip = RateLimiter(settings.web_messages_per_ip_per_minute, 60)
    connects_per_ip = RateLimiter(settings.web_ws_connects_per_ip_per_minute, 60)
    sockets_per_ip = ConnectionCounter(settings.web_ws_connections_per_ip)
    upload_limit_mb = settings.upload_max_bytes // (1024 * 1024)
    max_bytes = settings.web_ws_max_message_bytes

    @router.post("/web/upload")
    async def upload(request: Request, visitor: str = Form(...), file: UploadFile = File(...),
                     client_id: str | None = Form(None)) -> JSONResponse:
        # The body was already refused past the upload limit (channels.limits) before it was
        # spooled; this checks the file itself, then what it claims to be.
        if not VISITOR_RE.match(visitor) or (client_id and not CLIENT_ID_RE.match(client_id)):
            return JSONResponse({"detail": "bad visitor or client id"}, status_code=400)
        content_type = (file.content_type or "").split(";")[0].strip().lower()
        if content_type not in UPLOAD_TYPES:
            return JSONResponse({"detail": "รองรับเฉพาะรูปภาพ (JPG, PNG, WEBP, GIF) และ PDF"},
                                status_code=415)
        if not (upload_per_visitor.allow(visitor)
                and upload_per_ip.allow(client_ip(request))):
            return JSONResponse({"detail": "ส่งไฟล์ถี่เกินไป กรุณารอสักครู่แล้วส่งใหม่"},
                                status_code=429, headers={"Retry-After": "60"})
        data = await file.read(settings.upload_max_bytes + 1)
        if len(data) > settings.upload_max_bytes:
            return JSONResponse({"detail": f"ไฟล์ใหญ่เกินไป (ไม่เกิน {upload_limit_mb} MB)"},
                                status_code=413)
        if content_type.startswith("image/"):
            pixels = await asyncio.to_thread(image_pixels, data)  # the header only
            if pixels is not None and pixels > settings.image_max_pixels:
                return JSONResponse({"detail": "รูปภาพมีขนาดใหญ่เกินไป กรุณาส่งภาพหน้าจอหรือ"
                                               "ย่อรูปก่อนส่งใหม่"}, status_code=413)
        kind = "image" if content_type.startswith("image/") else "file"
        inbound = InboundMessage(
            channel="web", channel_user_id=visitor, text=None,
            received_at=datetime.now(UTC), channel_message_id=client_id,
            attachments=(Attachment(kind=kind, content_type=content_type, data=data,
                                    meta={"file_name": (file.filename or "")[:200]}),),
        )
        runtime.spawn(engine.handle_inbound(inbound), name="web-upload")
        return JSONResponse({"accepted": True}, status_code=202)

    @router.websocket("/web/ws")
    async def widget_socket(websocket: WebSocket) -> None:
        # No Origin check here on purpose: any site may embed the widget. Limits instead:
        # open sockets and new sockets per address, frame size, messages per visitor and IP.
        ip = client_ip(websocket)
        if not connects_per_ip.allow(ip) or not sockets_per_ip.acquire(ip):
            await websocket.close(code=1013)  # try again later
            return
        try:
            await _widget_session(websocket, ip)
        finally:
            sockets_per_ip.release(ip)

    async def _widget_session(websocket: WebSocket, ip: str) -> None:
        await websocket.accept()
        # The visitor id is the chat's only credential: it comes in the first frame, never in
        # the URL (which proxies and uvicorn's access log record).
        try:
            first = await asyncio.wait_for(_receive_frame(websocket, max_bytes), HELLO_TIMEOUT)
        except (TimeoutError, WebSocketDisconnect, RuntimeError, ValueError):
            with contextlib.suppress(Exception):
                await websocket.close(code=4400)
            return
        visitor = first.get("visitor") if isinstance(first, dict) else None
        if (not isinstance(visitor, str) or first.get("type") != "hello"
                or not VISITOR_RE.match(visitor)):
            await websocket.close(code=4400)
            return
        conversation = await asyncio.to_thread(engine.ensure_conversation, "web", visitor)
        subscription = runtime.events.subscribe([conversation_topic(conversation["id"])])
        await subscription.start()
        send_lock = asyncio.Lock()

        async def send(data: dict) -> None:
            async with send_lock:
                await websocket.send_json(data)

        history = [victim_message_view(m)  # no staff ids to victims (security review S3)
                   for m in await asyncio.to_thread(engine.history, conversation["id"])]
        await send({"type": "hello", "conversation_id": conversation["id"],
                    "session_id": conversation["session_id"],
                    "handoff_state": conversation["handoff_state"], "history": history})

        async def forward() -> None:
            async for event in subscription:
                if event.type == EventType.MESSAGE_STORED:
                    message = victim_message_view(event.data)  # no staff ids, no bot_silent
                    await send({"type": "message", "message": message})
                elif event.type == EventType.HANDOFF_CHANGED:
                    await send({"type": "handoff", "state": event.data.get("to")})

        forwarder = asyncio.create_task(forward())
        if not history:  # first visit: the dialogue greets (with the privacy notice)
            runtime.spawn(_handle(send, engine, InboundMessage(
                channel="web", channel_user_id=visitor, text=DialogueIntents.GREET,
                received_at=datetime.now(UTC),
                channel_message_id=f"greet-{conversation['id']}")), name="web-greet")
        try:
            while True:
                data = await _receive_frame(websocket, max_bytes)
                inbound = _inbound(visitor, data)
                if inbound is None:
                    await send({"type": "error", "message": "unsupported message"})
                    continue
                if not (messages_per_visitor.allow(visitor) and messages_per_ip.allow(ip)):
                    # not stored: the widget keeps it and sends it again after retry_after
                    await send({"type": "error", "client_id": inbound.channel_message_id,
                                "retry_after": 10,
                                "message": "ส่งข้อความถี่เกินไป ระบบจะส่งให้อีกครั้งในไม่กี่วินาที"})
                    continue
                runtime.spawn(_handle(send, engine, inbound), name="web-message")
        except (WebSocketDisconnect, RuntimeError):
            pass
        except FrameTooLarge:
            with contextlib.suppress(Exception):
                await websocket.close(code=1009)  # "message too big"
        except ValueError:  # not JSON
            with contextlib.suppress(Exception):
                await websocket.close(code=4400)
        finally:
            forwarder.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await forwarder
            await subscription.aclose()

    return router


class FrameTooLarge(ValueError):
    pass


async def _receive_frame(websocket: WebSocket, max_bytes: int):
    """One JSON text frame, refused past `max_bytes` (uvicorn's own cap, ws_max_size, is set to
    the same value by `sakot serve`; this holds for any server)."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    raw = message.get("text")
    if raw is None:
        raw = (message.get("bytes") or b"").decode("utf-8", errors="replace")
    if len(raw) > max_bytes:  # characters >= bytes/4: a cheap bound before parsing
        raise FrameTooLarge()
    if len(raw.encode("utf-8")) > max_bytes:
        raise FrameTooLarge()
    return json.loads(raw)


async def _handle(send, engine, inbound: InboundMessage) -> None:
    with contextlib.suppress(Exception):
        await send({"type": "typing", "on": True})
    try:
        await engine.handle_inbound(inbound)  # replies arrive through the live topic
    finally:
        with contextlib.suppress(Exception):
            await send({"type": "typing", "on": False})


def _inbound(visitor: str, data) -> InboundMessage | None:
    if not isinstance(data, dict):
        return None
    client_id = data.get("client_id")
    if client_id is not None and not (isinstance(client_id, str) and CLIENT_ID_RE.match(client_id)):
        return None
    base = {"channel": "web", "channel_user_id": visitor, "received_at": datetime.now(UTC),
            "channel_message_id": client_id}
    if data.get("type") == "message":
        text = str(data.get("text") or "").strip()[:MAX_TEXT]
        return InboundMessage(text=text, **base) if text else None
    if data.get("type") == "postback":
        payload = str(data.get("payload") or "")[:1000]
        if not payload:
            return None
        label = str(data.get("label") or "")[:200] or None
        return InboundMessage(text=label, postback=payload,
                              session_id=str(data.get("session_id") or "") or None, **base)
    return None
