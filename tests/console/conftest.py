"""A real app (in-process) on a throwaway SQLite database, with staff and a seeded case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from bot.staff import create_staff
from bot.storage.db import session_scope
from bot.cases.timeline import CaseEvent
from bot.storage.models import (
    Case,
    Conversation,
    Direction,
    Evidence,
    HandoffState,
    Identifier,
    IdentifierRole,
    Message,
    Priority,
    SenderKind,
    StaffRole,
    utcnow,
)
from sakot.app import create_app
from sakot.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_password_hashing():
    """Production-strength argon2 costs ~0.5 s a hash here; these tests hash dozens."""
    from argon2 import profiles

    from bot import staff

    original = staff._hasher
    staff.use_password_parameters(profiles.CHEAPEST)
    yield
    staff._hasher = original


@dataclass
class Seeded:
    conversation_id: str
    case_id: str
    identifier_id: str
    national_id_identifier: str
    evidence_id: str
    agent_id: str
    supervisor_id: str


@pytest.fixture
def console_app(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'console.db'}", var_dir=tmp_path,
                        rasa_url="http://127.0.0.1:9")  # nothing listens: Rasa is not needed
    app = create_app(settings)
    sessions = app.state.context.sessions
    now = utcnow()
    evidence_file = tmp_path / "evidence" / "slip.png"
    evidence_file.parent.mkdir()
    evidence_file.write_bytes(b"\x89PNG fake")
    with session_scope(sessions) as s:
        agent = create_staff(s, username="agent", display_name="Agent A", password=PASSWORD)
        sup = create_staff(s, username="boss", display_name="Supervisor", password=PASSWORD,
                           role=StaffRole.SUPERVISOR)
        conv = Conversation(channel="web", channel_user_id="visitor-1",
                            handoff_state=HandoffState.WAITING_FOR_STAFF)
        s.add(conv)
        s.flush()
        msg = Message(conversation_id=conv.id, direction=Direction.INBOUND,
                      sender_kind=SenderKind.USER, created_at=now - timedelta(minutes=20),
                      text="โอนเข้า กสิกร 123-4-56789-0 ห้าหมื่น บัตร 1101700203451")
        case = Case(case_number="SK-SEED01", conversation_id=conv.id, scam_type="call_center",
                    priority=Priority.P0, amount_lost_thb=Decimal("50000"), victim_bank="SCB",
                    escalated_at=now - timedelta(minutes=15),
                    hold_deadline_at=now + timedelta(hours=70))
        s.add_all([msg, case])
        s.flush()
        s.add(CaseEvent(case_id=case.id, kind="handoff_changed", actor="bot",
                        data={"from": "bot", "to": "waiting_for_staff"},
                        created_at=now - timedelta(minutes=15)))
        account = Identifier(case_id=case.id, message_id=msg.id, kind="account",
                             raw_text="123-4-56789-0", normalized_value="1234567890",
                             bank_code="KBANK", role=IdentifierRole.DESTINATION, confidence=0.9)
        nid = Identifier(case_id=case.id, message_id=msg.id, kind="national_id",
                         raw_text="1101700203451", normalized_value="1101700203451")
        ev = Evidence(case_id=case.id, conversation_id=conv.id, content_type="image/png",
                      sha256="00", size_bytes=9, storage_path=str(evidence_file))
        s.add_all([account, nid, ev])
        s.flush()
        seeded = Seeded(conv.id, case.id, account.id, nid.id, ev.id, agent.id, sup.id)
    with TestClient(app) as client:
        yield app, client, seeded


def login(client: TestClient, username: str, password: str = PASSWORD):
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/console/login", data={"username": username, "password": password,
                                                "csrf_token": token}, follow_redirects=False)


def csrf_of(client: TestClient) -> str:
    page = client.get("/console/")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
