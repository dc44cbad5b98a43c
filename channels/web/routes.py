"""The web widget's routes: static files, the WebSocket, uploads. Thin: the engine does the work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, File, Form, UploadFile, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from bot.conversation.engine import DialogueIntents
from bot.conversation.events import EventType, conversation_topic
from bot.conversation.evidence import MAX_EVIDENCE_BYTES
from bot.conversation.types import Attachment, InboundMessage, Reply
from channels.base import OutputChannel

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
VISITOR_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT = 4000
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

    @router.post("/web/upload")
    async def upload(visitor: str = Form(...), file: UploadFile = File(...),
                     client_id: str | None = Form(None)) -> JSONResponse:
        if not VISITOR_RE.match(visitor) or (client_id and not CLIENT_ID_RE.match(client_id)):
            return JSONResponse({"detail": "bad visitor or client id"}, status_code=400)
        content_type = (file.content_type or "").split(";")[0].strip().lower()
        if content_type not in UPLOAD_TYPES:
            return JSONResponse({"detail": "รองรับเฉพาะรูปภาพ (JPG, PNG, WEBP, GIF) และ PDF"},
                                status_code=415)
        data = await file.read(MAX_EVIDENCE_BYTES + 1)
        if len(data) > MAX_EVIDENCE_BYTES:
            return JSONResponse({"detail": "ไฟล์ใหญ่เกินไป (ไม่เกิน 15 MB)"}, status_code=413)
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
        visitor = websocket.query_params.get("visitor", "")
        if not VISITOR_RE.match(visitor):
            await websocket.close(code=4400)
            return
        await websocket.accept()
        conversation = await asyncio.to_thread(engine.ensure_conversation, "web", visitor)
        subscription = runtime.events.subscribe([conversation_topic(conversation["id"])])
        await subscription.start()
        send_lock = asyncio.Lock()

        async def send(data: dict) -> None:
            async with send_lock:
                await websocket.send_json(data)

        history = await asyncio.to_thread(engine.history, conversation["id"])
        await send({"type": "hello", "conversation_id": conversation["id"],
                    "session_id": conversation["session_id"],
                    "handoff_state": conversation["handoff_state"], "history": history})

        async def forward() -> None:
            async for event in subscription:
                if event.type == EventType.MESSAGE_STORED:
                    message = {k: v for k, v in event.data.items() if k != "bot_silent"}
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
                data = await websocket.receive_json()
                inbound = _inbound(visitor, data)
                if inbound is None:
                    await send({"type": "error", "message": "unsupported message"})
                    continue
                runtime.spawn(_handle(send, engine, inbound), name="web-message")
        except (WebSocketDisconnect, RuntimeError):
            pass
        except ValueError:  # not JSON
            with contextlib.suppress(Exception):
                await websocket.close(code=4400)
        finally:
            forwarder.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await forwarder
            await subscription.aclose()

    return router


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
