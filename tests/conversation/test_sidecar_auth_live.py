"""Security review S4 on the real dialogue stack (the shared session fixture, no extra Rasa
start): Rasa's HTTP API refuses anonymous callers, the NLU service and the action server refuse
calls without the sidecar token, and a real turn still works because Rasa sends the token to
both (an NLU that refused Rasa would leave the message with no intent)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.storage.models import ConsentRecord

pytestmark = pytest.mark.rasa


def test_rasa_api_needs_the_token(chat):
    chat.send("สวัสดีค่ะ")
    rasa = chat.stack.rasa_url
    tracker = f"{rasa}/conversations/{chat.id}/tracker"
    assert httpx.get(tracker, timeout=30).status_code == 401
    assert httpx.get(tracker, params={"token": "wrong"}, timeout=30).status_code == 401
    assert httpx.post(f"{tracker}/events", json=[{"event": "slot", "name": "x", "value": 1}],
                      timeout=30).status_code == 401
    assert httpx.put(f"{rasa}/model", json={"model_file": "/tmp/evil.tar.gz"},
                     timeout=30).status_code == 401
    assert httpx.get(f"{rasa}/status", timeout=30).status_code == 401
    assert httpx.get(tracker, params={"token": chat.stack.token}, timeout=30).status_code == 200


def test_nlu_and_actions_need_the_token_and_rasa_sends_it(chat, db):
    stack = chat.stack
    assert httpx.post(f"{stack.action_url}/webhook", timeout=30, json={
        "next_action": "action_session_start", "sender_id": chat.id,
        "tracker": {"sender_id": chat.id, "slots": {}, "latest_message": {}, "events": []},
        "domain": {}, "version": "3.6.21"}).status_code == 401
    if stack.nlu_used == "real":  # the keyword stub NLU has no auth of its own
        assert httpx.post(f"{stack.nlu_url}/model/parse", json={"text": "สวัสดีค่ะ"},
                          timeout=30).status_code == 401

    turn = chat.send("สวัสดีค่ะ")
    assert turn.texts
    assert chat.tracker()["latest_message"]["intent"]["name"] == "greet"  # NLU answered Rasa
    db.expire_all()  # action_greet ran in the action server: it recorded the privacy notice
    assert db.scalar(select(ConsentRecord.kind).where(
        ConsentRecord.conversation_id == chat.id)) == "privacy_notice_shown"
