"""No staff identifier reaches a victim (security review S3: a staff id plus the signing key was
a console session). Checked on the widget socket (history and live frames) and on the view
function every victim-facing channel uses."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.conversation.views import VICTIM_MESSAGE_FIELDS, message_view, victim_message_view
from bot.handoff import HandoffAction
from bot.storage.models import Conversation, Message, StaffUser
from sakot.app import create_app
from sakot.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "channels"))
from channel_fakes import ThreadedServer, fake_rasa_app  # noqa: E402
from test_web_widget import Widget, outbound_texts  # noqa: E402

STAFF_KEYS = ("sender_staff_id", "staff_id", "assigned_staff_id")


def staff_keys_in(value) -> list[str]:
    """Every staff-identifying key anywhere in a JSON value."""
    if isinstance(value, dict):
        found = [k for k in value if k in STAFF_KEYS]
        return found + [k for v in value.values() for k in staff_keys_in(v)]
    if isinstance(value, list):
        return [k for v in value for k in staff_keys_in(v)]
    return []


@pytest.fixture
def stack(tmp_path):
    rasa = ThreadedServer(fake_rasa_app(), lifespan="off").start()
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}",
                              var_dir=tmp_path, rasa_url=rasa.url, redis_url=None,
                              line_channel_secret=None, line_channel_access_token=None))
    server = ThreadedServer(app).start()
    server.app = app
    yield server
    server.stop()
    rasa.stop()


def test_widget_frames_and_history_carry_no_staff_id(stack):
    visitor = "visitor-" + uuid.uuid4().hex[:12]
    widget = Widget(stack.url, visitor)
    widget.messages_until(lambda ms: len(outbound_texts(ms)) >= 1)
    sessions = stack.app.state.context.sessions
    with sessions.begin() as s:
        staff = StaffUser(username="mai", display_name="Mai", password_hash="x")
        s.add(staff)
        s.flush()
        staff_id = staff.id
        conversation_id = s.scalar(select(Conversation.id))
    engine = stack.app.state.conversation_runtime.engine
    stack.call(engine.change_handoff(conversation_id, HandoffAction.CLAIM,
                                     actor=f"staff:{staff_id}", staff_id=staff_id))
    stack.call(engine.send_staff_message(conversation_id, staff_id, "เจ้าหน้าที่รับเรื่องค่ะ"))
    widget.messages_until(lambda ms: any(m["sender_kind"] == "staff" for m in ms))
    with sessions() as s:  # the staff id is stored (the console needs it) ...
        assert s.scalar(select(Message.sender_staff_id).where(
            Message.sender_staff_id.is_not(None))) == staff_id
    # ... but no frame the victim received names it, live or in the history after a reconnect
    assert staff_keys_in(widget.frames) == []
    assert staff_id not in repr(widget.frames)
    widget.close()
    again = Widget(stack.url, visitor)
    assert any(m["sender_kind"] == "staff" for m in again.hello["history"])
    assert staff_keys_in(again.hello) == [] and staff_id not in repr(again.hello)
    again.close()


def test_the_victim_view_is_an_allow_list():
    message = Message(id="m1", conversation_id="c1", direction="outbound", sender_kind="staff",
                      sender_staff_id="staff-123", text="สวัสดีค่ะ", attachments=[], payload={})
    full = message_view(message)
    assert full["sender_staff_id"] == "staff-123"  # the console's view keeps it
    victim = victim_message_view({**full, "some_future_internal_field": "x"})
    assert "sender_staff_id" not in victim and "some_future_internal_field" not in victim
    assert set(victim) == set(VICTIM_MESSAGE_FIELDS)
