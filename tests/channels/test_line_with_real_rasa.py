"""LINE end to end with the real dialogue stack (Rasa 3.6 + our action server + NLU, from
tests/conversation/harness.py): a victim reports a fresh transfer on LINE, gets their bank's
number, the case number and the Flex case card by reply token, the chat goes to the staff
queue, and a slip sent afterwards lands on the case while the bot stays silent."""

from __future__ import annotations

import time

import httpx
import pytest
from channel_fakes import ThreadedServer, free_port
from conftest import slip_png
from sqlalchemy import select

from bot.storage.models import Case, Conversation, Evidence, Identifier
from channels.line import simulator as sim
from sakot.app import create_app
from sakot.settings import Settings

pytestmark = [pytest.mark.rasa, pytest.mark.slow]

SECRET, TOKEN = "dev-only-line-secret-rasa", "dev-only-line-token-rasa"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tests.conversation.harness import Stack

    stack = Stack(tmp_path_factory.mktemp("line-rasa")).start()
    yield stack
    stack.stop()


def wait_until(check, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return value


def test_p0_report_on_line_with_the_real_dialogue(stack, tmp_path):
    simulator = sim.SimulatorServer(port=free_port(), access_token=TOKEN).start()
    settings = Settings(database_url=stack.database_url, var_dir=tmp_path, redis_url=None,
                        rasa_url=stack.rasa_url, line_channel_secret=SECRET,
                        line_channel_access_token=TOKEN, line_api_base=simulator.url,
                        line_data_api_base=simulator.url)
    app = create_app(settings)
    server = ThreadedServer(app).start()
    user = sim.new_user_id()

    def post(event):
        body = sim.webhook_body([event])
        return httpx.post(f"{server.url}/line/webhook", content=body,
                          headers={"x-line-signature": sim.sign(body, SECRET),
                                   "content-type": "application/json"})

    def token():
        return httpx.post(f"{simulator.url}/_sim/tokens", json={"user_id": user}).json()[
            "reply_token"]

    try:
        report = ("สั่งของในเฟซแล้วโอนไป 2,500 บาท เมื่อ 20 นาทีที่แล้ว เข้าบัญชีกสิกร "
                  "123-4-56789-0 จากบัญชีไทยพาณิชย์ของฉัน ร้านบล็อกเลย")
        assert post(sim.text_event(user, report, token())).status_code == 200
        replies = wait_until(lambda: [c for c in simulator.state.calls
                                      if c["kind"] in ("reply", "push")])
        messages = [m for c in replies for m in c["messages"]]
        texts = "\n".join(m.get("text") or m.get("altText") for m in messages)
        assert "02-777-7575" in texts and "1441" in texts  # the victim's own bank first
        assert replies[0]["kind"] == "reply"
        sessions = app.state.context.sessions
        with sessions() as db:
            conversation = db.scalar(select(Conversation).where(
                Conversation.channel_user_id == user))
            case = db.scalar(select(Case).where(Case.conversation_id == conversation.id))
        assert case.case_number in texts
        flex = [m for m in messages if m["type"] == "flex"]
        assert flex and case.case_number in flex[0]["altText"]
        assert conversation.handoff_state == "waiting_for_staff"

        image = slip_png("014", "202611281234ABCD5678")
        message_id = httpx.post(f"{simulator.url}/_sim/content", content=image,
                                headers={"content-type": "image/png"}).json()["message_id"]
        calls_before = len(simulator.state.calls)
        post(sim.image_event(user, message_id, token()))
        identifier = wait_until(lambda: _slip_identifier(sessions, case.id))
        assert identifier.bank_code == "SCB"
        with sessions() as db:
            assert db.scalar(select(Evidence.case_id)) == case.id
        time.sleep(1.0)
        new = [c for c in simulator.state.calls[calls_before:] if c["kind"] in ("reply", "push")]
        assert new == []  # staff queue: the bot stays silent
    finally:
        server.stop()
        simulator.stop()


def _slip_identifier(sessions, case_id):
    with sessions() as db:
        return db.scalar(select(Identifier).where(Identifier.case_id == case_id,
                                                  Identifier.source == "slip_qr"))
