"""Signed status callbacks from the exchange reach the case, the victim and the console once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from aoc_contract.signing import sign_request
from bot.storage.db import session_scope
from bot.cases.timeline import CaseEvent
from bot.storage.models import Case, Conversation, Message, Priority
from sakot.app import create_app
from sakot.settings import Settings

SECRET = "test-callback-secret-0123456789"


@pytest.fixture
def app_and_case(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cb.db'}", var_dir=tmp_path,
                        exchange_callback_secret=SECRET, rasa_url="http://127.0.0.1:9")
    app = create_app(settings)
    with session_scope(app.state.context.sessions) as s:
        conv = Conversation(channel="web", channel_user_id="visitor-cb")
        s.add(conv)
        s.flush()
        case = Case(case_number="SK-CB0001", conversation_id=conv.id, priority=Priority.P0)
        s.add(case)
        s.flush()
        ids = (conv.id, case.id)
    with TestClient(app) as client:
        yield app, client, ids


def callback(event_id: str, status: str, *, amount: str | None = None, minutes_ago: int = 0,
             case_ref: str = "SK-CB0001", fr: str = "fr_1") -> dict:
    return {"event_id": event_id, "type": "freeze_request.status_changed", "case_ref": case_ref,
            "case_id": "xc_1", "freeze_request_id": fr, "bank_code": "004",
            "bank_short_name": "KBANK", "status": status, "amount_held": amount,
            "bank_case_id": "KB-2611-77" if status == "held" else None, "cluster_size": 1,
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()}


def post(client, payload, *, secret=SECRET, key_id="exchange", nonce=None, tamper=False):
    body = json.dumps(payload).encode()
    headers = sign_request(key_id=key_id, secret=secret, method="POST",
                           path="/exchange/callback", body=body, nonce=nonce)
    if tamper:
        body = body.replace(b"50000.00", b"90000.00")
    return client.post("/exchange/callback", content=body,
                       headers={**headers, "Content-Type": "application/json"})


def victim_messages(app, conversation_id):
    with app.state.context.sessions() as s:
        return s.scalars(select(Message.text).where(Message.conversation_id == conversation_id,
                                                    Message.direction == "outbound")).all()


def test_held_status_updates_case_and_tells_victim_in_thai(app_and_case):
    app, client, (conv_id, case_id) = app_and_case
    response = post(client, callback("evt_1", "held", amount="50000.00"))
    assert response.status_code == 200 and response.json()["applied"] is True
    with app.state.context.sessions() as s:
        assert s.get(Case, case_id).amount_held_thb == Decimal("50000.00")
        kinds = s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)).all()
    assert "freeze_status_changed" in kinds
    (text,) = victim_messages(app, conv_id)
    assert "ธนาคารกสิกรไทย" in text and "50,000.00" in text and "KB-2611-77" in text


def test_duplicate_callback_is_harmless(app_and_case):
    app, client, (conv_id, _) = app_and_case
    payload = callback("evt_dup", "held", amount="50000.00")
    assert post(client, payload).json()["duplicate"] is False
    assert post(client, payload).json() == {"ok": True, "duplicate": True}
    assert len(victim_messages(app, conv_id)) == 1


def test_out_of_order_callback_is_recorded_but_changes_nothing(app_and_case):
    app, client, (conv_id, case_id) = app_and_case
    post(client, callback("evt_new", "released", minutes_ago=1))
    late = post(client, callback("evt_old", "held", amount="50000.00", minutes_ago=10))
    assert late.status_code == 200 and late.json()["applied"] is False
    with app.state.context.sessions() as s:
        assert s.get(Case, case_id).amount_held_thb is None  # released wins
    assert len(victim_messages(app, conv_id)) == 1


@pytest.mark.parametrize("how", ["tampered body", "wrong secret", "wrong key id"])
def test_forged_callbacks_are_rejected(app_and_case, how):
    app, client, (conv_id, case_id) = app_and_case
    payload = callback("evt_forged", "held", amount="50000.00")
    response = post(client, payload, tamper=how == "tampered body",
                    secret="not-the-secret-xxxxxxxx" if how == "wrong secret" else SECRET,
                    key_id="someone" if how == "wrong key id" else "exchange")
    assert response.status_code == 401
    with app.state.context.sessions() as s:
        assert s.get(Case, case_id).amount_held_thb is None
    assert victim_messages(app, conv_id) == []


def test_replayed_request_is_rejected(app_and_case):
    _, client, _ = app_and_case
    nonce = "fixed-nonce-0123456789abcdef"
    assert post(client, callback("evt_a", "pending"), nonce=nonce).status_code == 200
    assert post(client, callback("evt_b", "held", amount="1.00"), nonce=nonce).status_code == 401


def test_unknown_case_is_reported_not_swallowed(app_and_case):
    _, client, _ = app_and_case
    response = post(client, callback("evt_x", "held", amount="5.00", case_ref="SK-NOPE"))
    assert response.status_code == 404


def test_english_speaker_is_told_in_english(app_and_case):
    app, client, (conv_id, _) = app_and_case
    with session_scope(app.state.context.sessions) as s:
        s.get(Conversation, conv_id).language = "en"
    post(client, callback("evt_en", "held", amount="1200.00"))
    (text,) = victim_messages(app, conv_id)
    assert "has held THB 1,200.00" in text
