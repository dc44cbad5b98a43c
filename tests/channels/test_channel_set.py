"""One channel list for both processes: the app and the worker wire the same output sides, so
a push that failed in the app is retried by the worker for every channel (never marked dead
because the worker did not know the channel)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.conversation.types import InboundMessage
from bot.storage.models import Message, OutboxMessage, StaffUser
from channels.base import Channel, CollectingOutput
from channels.installed import CHANNELS
from sakot.app import create_app
from sakot.settings import Settings
from sakot.worker import build_worker


def settings_for(tmp_path, **kw) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", var_dir=tmp_path,
                    redis_url=None, **kw)


def test_the_app_wires_every_installed_channel_and_its_output(tmp_path):
    line_on = settings_for(tmp_path, line_channel_secret="s" * 32,
                           line_channel_access_token="t" * 100)
    app = create_app(line_on)
    assert app.state.conversation_runtime.outbound.names() == sorted(c.name for c in CHANNELS)
    with TestClient(app) as client:
        assert client.get("/widget.js").status_code == 200
        # LINE is on: an unsigned webhook call is refused for its signature
        assert client.post("/line/webhook", content=b"{}").status_code == 400


def test_a_switched_off_channel_keeps_its_routes_but_has_no_output(tmp_path):
    app = create_app(settings_for(tmp_path, line_channel_secret=None,
                                  line_channel_access_token=None))
    assert app.state.conversation_runtime.outbound.names() == ["web"]
    with TestClient(app) as client:
        assert client.post("/line/webhook", content=b"{}").status_code == 503


async def test_the_worker_retries_a_push_through_the_same_channel_list_as_the_app(
        kit, tmp_path):
    sms = CollectingOutput()
    installed: list[str] = []
    channels = [Channel(name="line", make_output=lambda settings: sms,
                        install=lambda app, context, runtime, output: installed.append("line"))]
    create_app(settings_for(tmp_path), channels=channels)
    assert installed == ["line"]

    await kit.engine.handle_inbound(InboundMessage(
        channel="line", channel_user_id="U1", text="สวัสดี", received_at=datetime.now(UTC),
        channel_message_id="m1"))
    with kit.sessions.begin() as s:
        staff = StaffUser(username="nok", display_name="Nok", password_hash="x")
        s.add(staff)
        s.flush()
        staff_id = staff.id
        conversation_id = s.scalar(select(Message.conversation_id))

    async def unreachable(**_):
        raise ConnectionError("platform down")

    kit.output.push = unreachable
    view = await kit.engine.send_staff_message(conversation_id, staff_id, "ข้อความจากเจ้าหน้าที่")
    assert view["delivered_at"] is None

    worker = build_worker(settings_for(tmp_path), kit.sessions, channels=channels)
    assert await worker.run_once() == 1
    [(user, reply)] = sms.pushed
    assert user == "U1" and reply.text == "ข้อความจากเจ้าหน้าที่"
    with kit.sessions() as s:
        assert s.scalar(select(OutboxMessage)).status == "delivered"
