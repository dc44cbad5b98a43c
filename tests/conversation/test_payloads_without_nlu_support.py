"""Buttons and the engine's synthetic messages ("/affirm", "/request_human", "/greet") still
work when the NLU service does not parse Rasa's "/intent" payloads (it answers nlu_fallback):
the intake form and the fallback action read the payload themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.models import Case, Conversation

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
def plain_nlu_stack(tmp_path_factory):
    from tests.conversation.harness import Stack

    stack = Stack(tmp_path_factory.mktemp("no-payloads"), nlu_mode="stub-no-payloads").start()
    yield stack
    stack.stop()


def test_intake_buttons_and_request_human(plain_nlu_stack):
    chat = plain_nlu_stack.chat()
    chat.send("โดนหลอกค่ะ")
    t = chat.send("/deny")  # money lost? no
    assert any(b["payload"].startswith("/inform") for r in t.replies for b in r.get("buttons", []))
    t = chat.send('/inform{"scam_type":"romance"}')
    assert "หลอกให้รัก" in t.joined
    t = chat.send("/request_human")
    assert t.custom("handoff") == ["waiting_for_staff"]
    with plain_nlu_stack.sessions()() as db:
        case = db.scalars(select(Case).where(Case.conversation_id == chat.id)).one()
        assert case.scam_type == "romance" and case.money_lost is False
        assert db.get(Conversation, chat.id).handoff_state == "waiting_for_staff"


def test_engine_greet_payload(plain_nlu_stack):
    t = plain_nlu_stack.chat().send("/greet")
    assert "เล่าเรื่อง" in t.joined and "ไม่ใช่ AOC" in t.joined
