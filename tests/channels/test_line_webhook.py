"""The LINE channel end to end over real HTTP: the app (uvicorn) talks to the LINE simulator
and to a fake Rasa; webhooks are real LINE JSON shapes, signed like LINE signs them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest
from channel_fakes import CASE_NUMBER, ThreadedServer, free_port
from conftest import slip_png
from sqlalchemy import func, select

from bot.storage.models import (
    Case,
    Conversation,
    Evidence,
    Identifier,
    Message,
    ProcessedEvent,
    StaffUser,
)
from channels.line import simulator as sim
from sakot.app import create_app
from sakot.settings import Settings

SECRET = "dev-only-line-secret-for-tests"
TOKEN = "dev-only-line-token-for-tests"


def wait_until(check, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(interval)


@dataclass
class LineStack:
    app: object
    server: ThreadedServer
    sim: sim.SimulatorServer
    rasa: ThreadedServer
    user: str

    @property
    def sessions(self):
        return self.app.state.context.sessions

    def post(self, events: list[dict], *, secret: str = SECRET) -> httpx.Response:
        body = sim.webhook_body(events)
        return httpx.post(f"{self.server.url}/line/webhook", content=body, headers={
            "content-type": "application/json", "x-line-signature": sim.sign(body, secret)})

    def token(self) -> str:
        return httpx.post(f"{self.sim.url}/_sim/tokens", json={"user_id": self.user}).json()[
            "reply_token"]

    def calls(self, kind: str | None = None) -> list[dict]:
        calls = httpx.get(f"{self.sim.url}/_sim/calls").json()["calls"]
        return [c for c in calls if kind is None or c["kind"] == kind]

    def count(self, model) -> int:
        with self.sessions() as s:
            return s.scalar(select(func.count()).select_from(model))

    def texts_sent(self) -> list[str]:
        return [m.get("text") or m.get("altText") for c in self.calls()
                if c["kind"] in ("reply", "push") for m in c["messages"]]


@pytest.fixture
def line_stack(tmp_path, fake_rasa):
    simulator = sim.SimulatorServer(port=free_port(), access_token=TOKEN).start()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}", var_dir=tmp_path, redis_url=None,
        rasa_url=fake_rasa.url, line_channel_secret=SECRET, line_channel_access_token=TOKEN,
        line_api_base=simulator.url, line_data_api_base=simulator.url,
    )
    app = create_app(settings)
    server = ThreadedServer(app).start()
    yield LineStack(app, server, simulator, fake_rasa, sim.new_user_id())
    server.stop()
    simulator.stop()


def test_signed_text_is_acknowledged_then_answered_by_reply(line_stack):
    s = line_stack
    started = time.perf_counter()
    response = s.post([sim.text_event(s.user, "โดนหลอกโอนเงินค่าสินค้าค่ะ", s.token())])
    assert response.status_code == 200 and response.json() == {}
    assert time.perf_counter() - started < 1.0

    [reply] = wait_until(lambda: s.calls("reply"))
    assert reply["to"] == s.user
    kinds = [m["type"] for m in reply["messages"]]
    assert kinds == ["text", "text", "flex"]
    assert "1441" in reply["messages"][0]["text"]
    quick = reply["messages"][1]["quickReply"]["items"]
    assert [i["action"]["label"] for i in quick] == ["ใช่ โอนไปแล้ว", "ยังไม่ได้โอน"]
    with s.sessions() as db:
        conversation = db.scalar(select(Conversation))
    assert quick[0]["action"]["data"] == f"s={conversation.session_id}&p=%2Faffirm"
    flex = reply["messages"][2]
    assert CASE_NUMBER in flex["altText"] and "แจ้งความภายใน" in flex["altText"]
    assert "30 พ.ย. 2569 เวลา 14:05 น." in str(flex["contents"])
    assert s.calls("loading")[0]["to"] == s.user
    assert s.calls("push") == []
    wait_until(lambda: s.count(Message) == 4)
    with s.sessions() as db:
        assert all(m.delivered_at for m in db.scalars(
            select(Message).where(Message.direction == "outbound")))
    assert s.rasa.app.state.calls[0]["metadata"]["channel"] == "line"


def test_forged_signature_is_refused_and_nothing_is_stored(line_stack):
    s = line_stack
    response = s.post([sim.text_event(s.user, "สวัสดี", s.token())], secret="not-the-secret")
    bad_header = httpx.post(f"{s.server.url}/line/webhook", content=b'{"events":[]}',
                            headers={"x-line-signature": "AAAA"})
    missing_header = httpx.post(f"{s.server.url}/line/webhook", content=b'{"events":[]}')
    assert (response.status_code, bad_header.status_code, missing_header.status_code) == (
        400, 400, 400)
    time.sleep(0.5)
    assert s.count(Conversation) == s.count(Message) == s.count(ProcessedEvent) == 0
    assert s.calls() == [] and s.rasa.app.state.calls == []


def test_redelivered_event_is_processed_once(line_stack):
    s = line_stack
    event = sim.text_event(s.user, "สวัสดีค่ะ", s.token())
    assert s.post([event]).status_code == 200
    wait_until(lambda: s.calls("reply"))
    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}
    assert s.post([redelivered]).status_code == 200
    assert s.post([redelivered]).status_code == 200
    time.sleep(0.7)
    assert len(s.rasa.app.state.calls) == 1
    assert s.count(Message) == 2 and s.count(ProcessedEvent) == 1
    assert len(s.calls("reply")) == 1 and s.calls("push") == []


def test_expired_reply_token_falls_back_to_push(line_stack):
    s = line_stack
    token = s.token()
    httpx.post(f"{s.sim.url}/_sim/tokens/{token}/expire")
    s.post([sim.text_event(s.user, "สวัสดีค่ะ", token)])
    [push] = wait_until(lambda: s.calls("push"))
    assert [c["kind"] for c in s.calls() if c["kind"] != "loading"] == ["reply_rejected", "push"]
    assert push["to"] == s.user and push["messages"][0]["text"] == "รับทราบค่ะ: สวัสดีค่ะ"


def test_used_reply_token_falls_back_to_push(line_stack):
    s = line_stack
    token = s.token()
    s.post([sim.text_event(s.user, "ข้อความแรก", token)])
    wait_until(lambda: s.calls("reply"))
    s.post([sim.text_event(s.user, "ข้อความสอง", token)])  # same token: LINE says invalid
    [push] = wait_until(lambda: s.calls("push"))
    assert push["messages"][0]["text"] == "รับทราบค่ะ: ข้อความสอง"


def test_reply_token_expires_after_its_lifetime(tmp_path, fake_rasa):
    with sim.SimulatorServer(port=free_port(), access_token=TOKEN, reply_token_ttl=0.2) as s:
        token = httpx.post(f"{s.url}/_sim/tokens", json={"user_id": "U1"}).json()["reply_token"]
        time.sleep(0.4)
        answer = httpx.post(f"{s.url}/v2/bot/message/reply",
                            headers={"authorization": f"Bearer {TOKEN}"},
                            json={"replyToken": token, "messages": [{"type": "text", "text": "x"}]})
        assert answer.status_code == 400 and answer.json() == {"message": "Invalid reply token"}
        wrong = httpx.post(f"{s.url}/v2/bot/message/push", headers={"authorization": "Bearer x"},
                           json={"to": "U1", "messages": [{"type": "text", "text": "x"}]})
        assert wrong.status_code == 401


def test_slip_image_is_fetched_decoded_and_attached_to_the_case(line_stack):
    s = line_stack
    s.post([sim.text_event(s.user, "โดนหลอกโอนเงินค่ะ", s.token())])
    wait_until(lambda: s.calls("reply"))
    with s.sessions.begin() as db:
        conversation = db.scalar(select(Conversation))
        case = Case(case_number=CASE_NUMBER, conversation_id=conversation.id,
                    amount_lost_thb=Decimal("15000"))
        db.add(case)
        db.flush()
        case_id = case.id
    image = slip_png("014", "202202192TigfEjHASicIVY98")
    message_id = httpx.post(f"{s.sim.url}/_sim/content", content=image,
                            headers={"content-type": "image/png"}).json()["message_id"]

    s.post([sim.image_event(s.user, message_id, s.token())])

    wait_until(lambda: len(s.calls("reply")) == 2)
    assert s.calls("content")[0]["message_id"] == message_id
    assert s.calls("reply")[1]["messages"][0]["text"] == \
        "ได้รับสลิปแล้วค่ะ เลขอ้างอิง 202202192TigfEjHASicIVY98"
    with s.sessions() as db:
        evidence = db.scalar(select(Evidence))
        identifier = db.scalar(select(Identifier))
    assert evidence.case_id == case_id and evidence.content_type == "image/png"
    assert evidence.slip_qr["sending_bank_code"] == "014"
    assert (identifier.kind, identifier.source, identifier.bank_code) == (
        "transaction_ref", "slip_qr", "SCB")
    assert identifier.normalized_value == "202202192TigfEjHASicIVY98"


def test_follow_greets_with_the_privacy_notice(line_stack):
    s = line_stack
    s.post([sim.follow_event(s.user, s.token())])
    [reply] = wait_until(lambda: s.calls("reply"))
    assert "/privacy" in reply["messages"][0]["text"]
    assert s.rasa.app.state.calls[0]["message"] == "/greet"


def test_postback_with_the_current_session_reaches_the_dialogue_and_a_stale_one_does_not(
        line_stack):
    s = line_stack
    s.post([sim.text_event(s.user, "โดนหลอกโอนเงินค่ะ", s.token())])
    [reply] = wait_until(lambda: s.calls("reply"))
    data = reply["messages"][1]["quickReply"]["items"][0]["action"]["data"]

    s.post([sim.postback_event(s.user, "s=an-old-session&p=%2Faffirm", s.token())])
    s.post([sim.postback_event(s.user, data, s.token())])

    wait_until(lambda: len(s.calls("reply")) == 2)
    time.sleep(0.3)
    assert [c["message"] for c in s.rasa.app.state.calls] == ["โดนหลอกโอนเงินค่ะ", "/affirm"]


def test_sticker_location_unfollow_and_unknown_events(line_stack):
    s = line_stack
    unknown = {"type": "somethingNew", "timestamp": int(time.time() * 1000), "mode": "active",
               "source": {"type": "user", "userId": s.user}, "webhookEventId": sim.new_event_id(),
               "deliveryContext": {"isRedelivery": False}}
    response = s.post([sim.sticker_event(s.user, s.token()), sim.location_event(s.user, s.token()),
                       unknown, sim.unfollow_event(s.user)])
    assert response.status_code == 200
    wait_until(lambda: len(s.calls("reply")) == 2)
    time.sleep(0.3)
    assert [c["message"] for c in s.rasa.app.state.calls] == [
        "/sticker_received", "/location_received"]


def test_staff_message_reaches_the_user_by_push(line_stack):
    s = line_stack
    s.post([sim.text_event(s.user, "ขอคุยกับเจ้าหน้าที่", s.token())])
    wait_until(lambda: s.calls("reply"))
    with s.sessions.begin() as db:
        conversation_id = db.scalar(select(Conversation.id))
        staff = StaffUser(username="ploy", display_name="Ploy", password_hash="x")
        db.add(staff)
        db.flush()
        staff_id = staff.id
    engine = s.app.state.conversation_runtime.engine
    view = s.server.call(
        engine.send_staff_message(conversation_id, staff_id, "สวัสดีค่ะ เจ้าหน้าที่พลอยค่ะ"))
    [push] = s.calls("push")
    assert push["to"] == s.user and push["messages"][0]["text"] == "สวัสดีค่ะ เจ้าหน้าที่พลอยค่ะ"
    assert view["delivered_at"] is not None


def test_line_off_without_credentials(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", var_dir=tmp_path,
                        line_channel_secret=None, line_channel_access_token=None)
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings)) as client:
        response = client.post("/line/webhook", content=b"{}")
    assert response.status_code == 503
    assert "SAKOT_LINE_CHANNEL_SECRET" in response.json()["detail"]
