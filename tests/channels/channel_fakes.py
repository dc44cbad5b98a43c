"""Test doubles for the channel tests: a canned dialogue that answers like Rasa's REST channel,
served either in-process (`FakeDialogue`) or over HTTP (`FakeRasaServer`), and a helper that
runs any ASGI app on a real socket in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

from fastapi import FastAPI, Request

from bot.conversation.rasa_client import FakeDialogue

CASE_NUMBER = "SK-2611-0042"
PRIVACY_LINE = "ประกาศความเป็นส่วนตัว: http://localhost:8000/privacy"


def canned_rasa(sender: str, message: str, metadata: dict) -> list[dict]:
    """What our Rasa project answers, in the REST channel's response shape."""
    if message == "/greet":
        return [{"recipient_id": sender,
                 "text": "สวัสดีค่ะ สกัดเป็นผู้ช่วยอัตโนมัติสำหรับผู้ที่ถูกหลอกออนไลน์ "
                         "(ไม่ใช่ตำรวจหรือ 1441) เล่าเรื่องที่เกิดขึ้นได้เลยค่ะ\n" + PRIVACY_LINE}]
    if message == "/slip_received":
        slip = metadata.get("slip_qr") or {}
        return [{"recipient_id": sender,
                 "text": f"ได้รับสลิปแล้วค่ะ เลขอ้างอิง {slip.get('transaction_ref', '-')}"}]
    if message.startswith("/affirm"):
        return [{"recipient_id": sender, "text": "รับทราบค่ะ โทรหาธนาคารของคุณตอนนี้เลยนะคะ"}]
    if "เจ้าหน้าที่" in message:
        return [{"recipient_id": sender, "text": "กำลังส่งต่อให้เจ้าหน้าที่ค่ะ รอสักครู่นะคะ"},
                {"recipient_id": sender, "custom": {"handoff": "waiting_for_staff"}}]
    if "โอน" in message or "หลอก" in message:
        return [
            {"recipient_id": sender,
             "text": "เสียใจด้วยนะคะ นี่น่าจะเป็นการหลอกซื้อของออนไลน์ "
                     "รีบโทรหาธนาคารของคุณเพื่อขอระงับบัญชีปลายทาง หรือโทร 1441 ทันทีค่ะ"},
            {"recipient_id": sender, "text": "คุณโอนเงินไปแล้วใช่ไหมคะ",
             "buttons": [{"title": "ใช่ โอนไปแล้ว", "payload": "/affirm"},
                         {"title": "ยังไม่ได้โอน", "payload": "/deny"}]},
            {"recipient_id": sender, "custom": {"card": {
                "case_number": CASE_NUMBER, "scam_type_label": "หลอกลวงซื้อขายสินค้าออนไลน์",
                "priority": "P0", "amount_thb": 15000, "destination": "KBANK xxx-x-x4567-x",
                "deadline_at": "2026-11-30T07:05:00+00:00"}}},
        ]
    return [{"recipient_id": sender, "text": f"รับทราบค่ะ: {message}"}]


def hand_to_staff_like_the_action_server(sessions, items: list[dict], sender: str) -> None:
    """Our action server moves the chat to the staff queue (and records it) before Rasa
    answers with `custom.handoff`; the app only reads that change back. A fake dialogue with
    a database does the same, so the app's side is tested as it runs."""
    if sessions is None or not any((i.get("custom") or {}).get("handoff") for i in items):
        return
    from bot.cases import service
    from bot.storage.db import session_scope
    from bot.storage.models import Conversation

    with session_scope(sessions) as session:
        conversation = session.get(Conversation, sender)
        service.request_human(session, conversation=conversation, case=None,
                              reason="human_requested")


def waiting_like_the_action_server(sessions, sender: str, message: str,
                                   metadata: dict) -> list[dict] | None:
    """A chat waiting for staff: our action server records the message and says only the first
    steps that cannot wait (bot.intake.core, the same lines as bot.conversation.waiting).
    None when the chat does not wait."""
    if sessions is None:
        return None
    from datetime import datetime

    from bot.cases.current import current_case
    from bot.conversation.waiting import urgent_reply_while_waiting
    from bot.storage.models import Conversation, HandoffState

    with sessions() as session:
        conversation = session.get(Conversation, sender)
        if conversation is None or conversation.handoff_state != HandoffState.WAITING_FOR_STAFF:
            return None
        case = current_case(session, conversation_id=sender, open_only=True)
        received = metadata.get("received_at")
        text = urgent_reply_while_waiting(
            message, datetime.fromisoformat(received) if received else None,
            conversation.language, case.victim_bank if case else None)
    return [{"recipient_id": sender, "text": text}] if text else []


def fake_dialogue(sessions=None) -> FakeDialogue:
    def script(sender: str, message: str, metadata: dict) -> list[dict]:
        waiting = waiting_like_the_action_server(sessions, sender, message, metadata)
        if waiting is not None:
            return waiting
        items = canned_rasa(sender, message, metadata)
        hand_to_staff_like_the_action_server(sessions, items, sender)
        return items

    return FakeDialogue(script)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThreadedServer:
    """An ASGI app on 127.0.0.1:<free port> in a thread, with its own event loop."""

    def __init__(self, app, *, port: int | None = None, lifespan: str = "on") -> None:
        import uvicorn

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                log_config=None, lifespan=lifespan, ws="websockets-sansio")
        self.server = uvicorn.Server(config)
        self.loop = None
        self.thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.server.serve()

    def call(self, coroutine, timeout: float = 10.0):
        """Run a coroutine on the server's event loop (where the app's objects live)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def fake_rasa_app(script=canned_rasa) -> FastAPI:
    """Rasa's REST channel endpoint answering from `script`; requests are kept in `.state.calls`."""
    app = FastAPI()
    app.state.calls = []
    app.state.down = False
    app.state.sessions = None  # set to the app's database to act like our action server

    @app.post("/webhooks/rest/webhook")
    async def webhook(request: Request):
        from fastapi.responses import JSONResponse

        body = await request.json()
        app.state.calls.append(body)
        if app.state.down:
            return JSONResponse({"error": "down"}, status_code=503)
        items = script(body["sender"], body["message"], body.get("metadata") or {})
        hand_to_staff_like_the_action_server(app.state.sessions, items, body["sender"])
        return items

    return app
