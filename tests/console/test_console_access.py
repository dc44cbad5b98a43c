"""Every console route x role (anonymous, agent, supervisor), plus login, CSRF and lockout."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.db import session_scope
from bot.storage.models import AuditLog, Case, Conversation, Identifier, Message, StaffUser
from tests.console.conftest import PASSWORD, csrf_of, login

# (method, path template, form data, expected status for anonymous / agent / supervisor)
ROUTES = [
    ("GET", "/console/", None, (303, 200, 200)),
    ("GET", "/console/api/queue", None, (401, 200, 200)),
    ("GET", "/console/c/{conv}", None, (303, 200, 200)),
    ("GET", "/console/api/c/{conv}", None, (401, 200, 200)),
    ("GET", "/console/dashboard", None, (303, 200, 200)),
    ("GET", "/console/audit", None, (303, 403, 200)),
    ("GET", "/console/staff", None, (303, 403, 200)),
    ("GET", "/console/evidence/{evidence}", None, (303, 200, 200)),
    ("POST", "/console/c/{conv}/claim", {}, (401, 200, 200)),
    ("POST", "/console/c/{conv}/close", {}, (401, 200, 200)),
    ("POST", "/console/c/{conv}/hand-back", {}, (401, 200, 200)),
    ("POST", "/console/c/{conv}/release", {}, (401, 409, 409)),  # not owned yet: refused
    ("POST", "/console/c/{conv}/assign", {"staff_id": "{agent}"}, (401, 403, 200)),
    ("POST", "/console/c/{conv}/messages", {"text": "เจ้าหน้าที่รับเรื่องแล้วค่ะ"}, (401, 200, 200)),
    ("POST", "/console/c/{conv}/notes", {"text": "โทรหาธนาคารแล้ว"}, (401, 200, 200)),
    ("POST", "/console/identifiers/{ident}/reveal", {"reason": "โทรแจ้งธนาคาร"}, (401, 200, 200)),
    # an agent corrects only in a chat they own (this one waits for staff): S10
    ("POST", "/console/identifiers/{ident}/correct", {"value": "1234567891"}, (401, 403, 200)),
    ("POST", "/console/staff", {"username": "new1", "display_name": "N", "password": "x" * 12,
                                "role": "agent"}, (401, 403, 303)),
    ("POST", "/console/logout", {}, (401, 303, 303)),
]
ROLES = ["anonymous", "agent", "supervisor"]


def _fill(value: str, seeded) -> str:
    return value.format(conv=seeded.conversation_id, evidence=seeded.evidence_id,
                        ident=seeded.identifier_id, agent=seeded.agent_id)


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
@pytest.mark.parametrize("method,path,form,expected", ROUTES,
                         ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_route_access(console_app, role_index, role, method, path, form, expected):
    _, client, seeded = console_app
    headers = {"accept": "text/html"} if method == "GET" else {}
    if role != "anonymous":
        assert login(client, "agent" if role == "agent" else "boss").status_code == 303
        headers["X-CSRF-Token"] = csrf_of(client)
    url = _fill(path, seeded)
    data = {k: _fill(v, seeded) for k, v in (form or {}).items()} if form is not None else None
    response = client.request(method, url, data=data, headers=headers, follow_redirects=False)
    assert response.status_code == expected[role_index], response.text[:300]


def test_post_without_csrf_is_refused(console_app):
    app, client, seeded = console_app
    login(client, "agent")
    response = client.post(f"/console/c/{seeded.conversation_id}/claim")
    assert response.status_code == 403
    with app.state.context.sessions() as s:
        assert s.get(Conversation, seeded.conversation_id).handoff_state == "waiting_for_staff"


def test_login_with_forged_csrf_is_refused(console_app):
    _, client, _ = console_app
    client.get("/console/login")
    response = client.post("/console/login", data={"username": "agent", "password": PASSWORD,
                                                    "csrf_token": "forged"})
    assert response.status_code == 403


def test_lockout_after_repeated_failures(console_app):
    """Five wrong passwords from one address lock that address out of the account (with the
    same answer as a wrong password: no lockout oracle)."""
    app, client, _ = console_app
    for _ in range(5):
        assert login(client, "agent", "wrong password!").status_code == 401
    refused = login(client, "agent")  # even the right password, for now, from here
    assert refused.status_code == 401 and "sakot_staff" not in refused.headers.get(
        "set-cookie", "")


def test_session_cookie_flags(console_app):
    _, client, _ = console_app
    response = login(client, "agent")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_identifiers_masked_until_revealed_and_reveal_audited(console_app):
    app, client, seeded = console_app
    login(client, "agent")
    page = client.get(f"/console/c/{seeded.conversation_id}").text
    assert "1234567890" not in page and "xxxxxx7890" in page
    assert "1101700203451" not in page and "1-1017-xxxxx-45-1" in page
    token = csrf_of(client)
    refused = client.post(f"/console/identifiers/{seeded.identifier_id}/reveal",
                          data={"reason": ""}, headers={"X-CSRF-Token": token})
    assert refused.status_code == 422
    shown = client.post(f"/console/identifiers/{seeded.identifier_id}/reveal",
                        data={"reason": "โทรแจ้ง KBANK"}, headers={"X-CSRF-Token": token})
    assert shown.json() == {"value": "1234567890"}
    with app.state.context.sessions() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "reveal_identifier")).one()
        assert entry.reason == "โทรแจ้ง KBANK" and entry.actor == f"staff:{seeded.agent_id}"


def test_staff_message_is_stored_and_claims_the_chat(console_app):
    app, client, seeded = console_app
    login(client, "agent")
    response = client.post(f"/console/c/{seeded.conversation_id}/messages",
                           data={"text": "สวัสดีค่ะ เจ้าหน้าที่รับเรื่องแล้ว"},
                           headers={"X-CSRF-Token": csrf_of(client)})
    assert response.status_code == 200
    with app.state.context.sessions() as s:
        conv = s.get(Conversation, seeded.conversation_id)
        assert conv.handoff_state == "staff" and conv.assigned_staff_id == seeded.agent_id
        texts = s.scalars(select(Message.text).where(Message.sender_kind == "staff")).all()
    assert texts == ["สวัสดีค่ะ เจ้าหน้าที่รับเรื่องแล้ว"]


def test_agent_cannot_take_over_another_agents_chat(console_app):
    app, client, seeded = console_app
    login(client, "boss")
    client.post(f"/console/c/{seeded.conversation_id}/assign",
                data={"staff_id": seeded.supervisor_id}, headers={"X-CSRF-Token": csrf_of(client)})
    client.cookies.clear()
    login(client, "agent")
    token = csrf_of(client)
    for action in ("hand-back", "release"):
        response = client.post(f"/console/c/{seeded.conversation_id}/{action}",
                               headers={"X-CSRF-Token": token})
        assert response.status_code == 403
    response = client.post(f"/console/c/{seeded.conversation_id}/messages",
                           data={"text": "hi"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 403


def test_correction_supersedes_and_keeps_history(console_app):
    app, client, seeded = console_app
    login(client, "agent")
    token = csrf_of(client)
    assert client.post(f"/console/c/{seeded.conversation_id}/claim",
                       headers={"X-CSRF-Token": token}).status_code == 200
    response = client.post(f"/console/identifiers/{seeded.identifier_id}/correct",
                           data={"value": "123-4-56789-1", "bank_code": "KBANK"},
                           headers={"X-CSRF-Token": token})
    new_id = response.json()["id"]
    with app.state.context.sessions() as s:
        old = s.get(Identifier, seeded.identifier_id)
        new = s.get(Identifier, new_id)
        assert old.superseded_by_id == new_id
        assert (new.normalized_value, new.source) == ("1234567891", "staff")


def test_websocket_requires_login(console_app):
    from starlette.websockets import WebSocketDisconnect

    _, client, _ = console_app
    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect("/console/ws") as ws:
            ws.receive_text()
    assert closed.value.code == 4401


def test_deactivated_staff_lose_the_live_feed(console_app):
    from starlette.websockets import WebSocketDisconnect

    from bot.storage.db import session_scope

    app, client, seeded = console_app
    login(client, "agent")
    with session_scope(app.state.context.sessions) as s:
        s.get(StaffUser, seeded.agent_id).is_active = False
    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect("/console/ws") as ws:
            ws.receive_text()
    assert closed.value.code == 4401


def test_the_case_view_carries_the_complaint_draft_masked(console_app):
    app, client, seeded = console_app
    with session_scope(app.state.context.sessions) as s:
        s.get(Case, seeded.case_id).money_lost = True
    login(client, "agent")
    page = client.get(f"/console/c/{seeded.conversation_id}").text
    assert "ร่างคำร้องทุกข์ สำหรับคัดลอกไปวาง" in page and "SK-SEED01" in page
    assert "1234567890" not in page and "123-4-56789-0" not in page
    assert "xxx-x-x6789-0" in page or "xxxxxx7890" in page
