"""A dead freeze packet is shown to staff on the console's queue page (issue 14 item 8)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from bot.cases import packet
from bot.outbox import store
from bot.staff import create_staff, use_password_parameters
from bot.storage.db import session_scope
from bot.storage.models import OutboxMessage, OutboxStatus
from sakot.app import create_app
from sakot.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture
def console(tmp_path):
    from argon2 import profiles

    from bot import staff

    original = staff._hasher
    use_password_parameters(profiles.CHEAPEST)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'console.db'}", var_dir=tmp_path,
                        rasa_url="http://127.0.0.1:9")
    app = create_app(settings)
    sessions = app.state.context.sessions
    with session_scope(sessions) as session:
        create_staff(session, username="agent", display_name="Agent A", password=PASSWORD)
    with TestClient(app) as client:
        page = client.get("/console/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        client.post("/console/login", data={"username": "agent", "password": PASSWORD,
                                             "csrf_token": token})
        yield client, sessions
    staff._hasher = original


def add_packet(sessions, case_ref: str, status: OutboxStatus) -> None:
    with session_scope(sessions) as session:
        store.enqueue(session, topic=packet.TOPIC, idempotency_key=f"{case_ref}:v1",
                      payload={"source_case_ref": case_ref})
        session.flush()
        row = session.query(OutboxMessage).filter_by(idempotency_key=f"{case_ref}:v1").one()
        row.status = status


def test_queue_page_warns_staff_about_dead_freeze_packets(console):
    client, sessions = console
    assert 'id="dead-packets"' not in client.get("/console/").text
    add_packet(sessions, "SK-LIVE01", OutboxStatus.PENDING)
    add_packet(sessions, "SK-DELIVERED", OutboxStatus.DELIVERED)
    assert 'id="dead-packets"' not in client.get("/console/").text
    add_packet(sessions, "SK-DEAD01", OutboxStatus.DEAD)
    add_packet(sessions, "SK-DEAD02", OutboxStatus.DEAD)
    page = client.get("/console/").text
    banner = re.search(r'<p class="alert" role="alert" id="dead-packets">(.*?)</p>', page, re.S)
    assert banner, "no dead-packet banner on the queue page"
    assert "2" in banner.group(1)
    assert "SK-DEAD02, SK-DEAD01" in banner.group(1)
    assert "SK-LIVE01" not in banner.group(1) and "SK-DELIVERED" not in banner.group(1)


def test_dead_messages_counts_only_dead_rows_of_the_topic(console):
    _client, sessions = console
    add_packet(sessions, "SK-DEAD01", OutboxStatus.DEAD)
    add_packet(sessions, "SK-OK", OutboxStatus.DELIVERED)
    with session_scope(sessions) as session:
        store.enqueue(session, topic="channel.push", idempotency_key="push-1",
                      payload={"text": "x"})
        session.flush()
        session.query(OutboxMessage).filter_by(idempotency_key="push-1").one().status = (
            OutboxStatus.DEAD)
    with sessions() as session:
        dead = store.dead_messages(session, topic=packet.TOPIC)
    assert dead.count == 1 and dead.case_refs == ["SK-DEAD01"]
