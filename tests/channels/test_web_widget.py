"""The web widget's server side over a real socket: pages, the WebSocket protocol (hello with
history, live messages, resume without duplicates), uploads, the staff handoff state, and
live events across two app replicas through Redis."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest
from channel_fakes import CASE_NUMBER, ThreadedServer
from conftest import slip_png
from sqlalchemy import func, select
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from bot.handoff import HandoffAction
from bot.storage.models import Conversation, Message, StaffUser
from sakot.app import create_app
from sakot.settings import Settings


def make_settings(tmp_path, rasa_url, **kw) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", var_dir=tmp_path,
                    rasa_url=rasa_url, line_channel_secret=None, line_channel_access_token=None,
                    **{"redis_url": None, **kw})


@pytest.fixture
def web_app(tmp_path, fake_rasa):
    app = create_app(make_settings(tmp_path, fake_rasa.url))
    server = ThreadedServer(app).start()
    server.app = app
    yield server
    server.stop()


class Widget:
    """A scripted widget client: the same protocol widget.js speaks."""

    def __init__(self, base_url: str, visitor: str) -> None:
        self.ws = connect(base_url.replace("http", "ws") + "/web/ws", open_timeout=5)
        self.ws.send(json.dumps({"type": "hello", "visitor": visitor}))
        self.hello = json.loads(self.ws.recv(timeout=5))
        self.frames: list[dict] = []

    def send(self, **frame) -> str:
        frame.setdefault("client_id", uuid.uuid4().hex)
        self.ws.send(json.dumps(frame))
        return frame["client_id"]

    def messages_until(self, check, timeout: float = 8.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while not check(self.messages()):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out; got {self.frames}"
            try:
                self.frames.append(json.loads(self.ws.recv(timeout=remaining)))
            except TimeoutError:
                continue
        return self.messages()

    def messages(self) -> list[dict]:
        return [f["message"] for f in self.frames if f["type"] == "message"]

    def frames_of(self, kind: str) -> list[dict]:
        return [f for f in self.frames if f["type"] == kind]

    def close(self) -> None:
        self.ws.close()


def outbound_texts(messages) -> list[str]:
    return [m["text"] for m in messages if m["direction"] == "outbound"]


def test_pages_and_script(web_app):
    index = httpx.get(web_app.url + "/")
    privacy = httpx.get(web_app.url + "/privacy")
    script = httpx.get(web_app.url + "/widget.js")
    assert index.status_code == privacy.status_code == script.status_code == 200
    assert 'lang="th"' in index.text and "/widget.js" in index.text and "เดโม" in index.text
    assert "ประกาศความเป็นส่วนตัว" in privacy.text and "Privacy notice" in privacy.text
    assert "1441" in privacy.text and "OTP" in privacy.text
    assert script.headers["content-type"].startswith("text/javascript")
    assert "aria-live" in script.text and "/web/ws" in script.text


def test_first_visit_greets_then_a_report_gets_advice_and_a_case_card(web_app):
    widget = Widget(web_app.url, "visitor-" + uuid.uuid4().hex[:12])
    assert widget.hello["type"] == "hello" and widget.hello["history"] == []
    assert widget.hello["handoff_state"] == "bot"
    greeting = widget.messages_until(lambda ms: any("/privacy" in (m["text"] or "") for m in ms))
    assert greeting[0]["text"] == "/greet" and greeting[0]["direction"] == "inbound"

    client_id = widget.send(type="message", text="โดนหลอกโอนเงินค่าเสื้อ 15,000 บาทค่ะ")
    messages = widget.messages_until(
        lambda ms: any(m["payload"].get("card") for m in ms))
    mine = [m for m in messages if m["channel_message_id"] == client_id]
    assert len(mine) == 1 and mine[0]["text"].startswith("โดนหลอกโอนเงิน")
    card = next(m for m in messages if m["payload"].get("card"))["payload"]["card"]
    assert card["case_number"] == CASE_NUMBER and card["deadline_text"]
    buttons = next(m for m in messages if m["payload"].get("quick_replies"))
    assert buttons["payload"]["quick_replies"][0] == {"label": "ใช่ โอนไปแล้ว",
                                                      "payload": "/affirm"}
    widget.send(type="postback", payload="/affirm", label="ใช่ โอนไปแล้ว",
                session_id=widget.hello["session_id"])
    widget.messages_until(lambda ms: any((m["text"] or "").startswith("รับทราบค่ะ โทรหา")
                                         for m in ms))
    assert widget.frames_of("typing")
    widget.close()


def test_reconnect_replays_history_and_a_resent_message_is_not_duplicated(web_app):
    visitor = "visitor-" + uuid.uuid4().hex[:12]
    first = Widget(web_app.url, visitor)
    first.messages_until(lambda ms: len(outbound_texts(ms)) >= 1)  # greeting
    client_id = first.send(type="message", text="สวัสดีค่ะ")
    first.messages_until(lambda ms: "รับทราบค่ะ: สวัสดีค่ะ" in outbound_texts(ms))
    seen_ids = [m["id"] for m in first.messages()]
    first.close()

    second = Widget(web_app.url, visitor)
    history_ids = [m["id"] for m in second.hello["history"]]
    assert history_ids == seen_ids
    assert second.hello["conversation_id"] == first.hello["conversation_id"]
    second.send(type="message", text="สวัสดีค่ะ", client_id=client_id)  # resent after reconnect
    time.sleep(0.8)
    second.ws.send(json.dumps({"type": "ping"}))
    with web_app.app.state.context.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == len(seen_ids)
    assert second.messages() == []
    second.close()


def test_uploaded_slip_is_read_and_answered(web_app):
    visitor = "visitor-" + uuid.uuid4().hex[:12]
    widget = Widget(web_app.url, visitor)
    response = httpx.post(web_app.url + "/web/upload",
                          data={"visitor": visitor, "client_id": "up1"},
                          files={"file": ("slip.png", slip_png("004", "014242082547BPM04988"),
                                          "image/png")})
    assert response.status_code == 202
    messages = widget.messages_until(
        lambda ms: any("014242082547BPM04988" in (m["text"] or "") for m in ms))
    upload = next(m for m in messages if m["channel_message_id"] == "up1")
    assert upload["attachments"][0]["slip_qr"]["sending_bank_code"] == "004"
    refused = httpx.post(web_app.url + "/web/upload", data={"visitor": visitor},
                         files={"file": ("x.exe", b"MZ...", "application/octet-stream")})
    assert refused.status_code == 415
    widget.close()


def test_staff_takeover_is_visible_and_staff_messages_arrive(web_app, fake_rasa):
    visitor = "visitor-" + uuid.uuid4().hex[:12]
    widget = Widget(web_app.url, visitor)
    widget.messages_until(lambda ms: len(outbound_texts(ms)) >= 1)
    sessions = web_app.app.state.context.sessions
    with sessions.begin() as s:
        staff = StaffUser(username="mai", display_name="Mai", password_hash="x")
        s.add(staff)
        s.flush()
        staff_id = staff.id
        conversation_id = s.scalar(select(Conversation.id))
    engine = web_app.app.state.conversation_runtime.engine

    web_app.call(engine.change_handoff(conversation_id, HandoffAction.CLAIM,
                                       actor=f"staff:{staff_id}", staff_id=staff_id))
    web_app.call(engine.send_staff_message(conversation_id, staff_id, "เจ้าหน้าที่ใหม่ค่ะ"))

    messages = widget.messages_until(lambda ms: any(m["sender_kind"] == "staff" for m in ms))
    assert widget.frames_of("handoff")[0]["state"] == "staff"
    assert messages[-1]["text"] == "เจ้าหน้าที่ใหม่ค่ะ"
    calls_before = len(fake_rasa.app.state.calls)
    widget.send(type="message", text="ขอบคุณค่ะ")
    messages = widget.messages_until(lambda ms: any(m["text"] == "ขอบคุณค่ะ" for m in ms))
    time.sleep(0.5)
    assert not [m for m in widget.messages() if m["text"] == "รับทราบค่ะ: ขอบคุณค่ะ"]
    assert len(fake_rasa.app.state.calls) == calls_before  # the bot stayed silent
    widget.close()


def test_a_bad_visitor_id_is_refused(web_app):
    with pytest.raises((ConnectionClosed, InvalidStatus)):
        ws = connect(web_app.url.replace("http", "ws") + "/web/ws", open_timeout=5)
        ws.send(json.dumps({"type": "hello", "visitor": "../../x"}))
        ws.recv(timeout=5)


def test_live_events_cross_replicas_through_redis(tmp_path, fake_rasa):
    """Two app processes share the database and Redis: the widget is connected to one, the
    staff member writes through the other, and the widget still sees it at once."""
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.RedisError:
        pytest.fail("Redis on 127.0.0.1:6379 is required (scripts/ensure_services.sh starts it)")
    settings = make_settings(tmp_path, fake_rasa.url, redis_url="redis://127.0.0.1:6379/0")
    app_a, app_b = create_app(settings), create_app(settings)
    a, b = ThreadedServer(app_a).start(), ThreadedServer(app_b).start()
    try:
        visitor = "visitor-" + uuid.uuid4().hex[:12]
        widget = Widget(a.url, visitor)
        widget.messages_until(lambda ms: len(outbound_texts(ms)) >= 1)
        with app_b.state.context.sessions.begin() as s:
            staff = StaffUser(username="kai", display_name="Kai", password_hash="x")
            s.add(staff)
            s.flush()
            staff_id = staff.id
        conversation_id = widget.hello["conversation_id"]
        b.call(app_b.state.conversation_runtime.engine.send_staff_message(
            conversation_id, staff_id, "ข้อความจากอีกเครื่องค่ะ"))
        messages = widget.messages_until(
            lambda ms: any(m["text"] == "ข้อความจากอีกเครื่องค่ะ" for m in ms))
        assert messages[-1]["sender_kind"] == "staff"
        assert widget.frames_of("handoff")[0]["state"] == "staff"
        widget.close()
    finally:
        a.stop()
        b.stop()
