"""Issue 14 on the console: the live feed is masked and same-origin (S6), login gives no
oracle and strangers cannot lock a colleague out (S7), evidence is a safe download (S8),
agents keep out of each other's chats (S10), logout revokes, pages carry security headers and
the login page reflects nothing (S16)."""

from __future__ import annotations

import re

import pytest
from tests.console.conftest import PASSWORD, csrf_of, login
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from bot.conversation.events import EventType, LiveEvent
from bot.staff import create_staff
from bot.storage.db import session_scope
from bot.storage.models import Conversation, Evidence, HandoffState, Identifier

RAW_ACCOUNT, RAW_NATIONAL_ID = "123-4-56789-0", "1101700203451"


# ---------------------------------------------------------------- S6: the live feed

def _publish(app, client, conversation_id: str, text: str) -> None:
    event = LiveEvent(EventType.MESSAGE_STORED, conversation_id, {
        "id": "m-live", "conversation_id": conversation_id, "direction": "inbound",
        "sender_kind": "user", "text": text, "attachments": [], "payload": {}})
    client.portal.call(app.state.conversation_runtime.events.publish, event)


@pytest.mark.parametrize("query", ["", "?conversation={conv}"])
def test_live_feed_carries_masked_text_only(console_app, query):
    app, client, seeded = console_app
    login(client, "agent")
    url = "/console/ws" + query.format(conv=seeded.conversation_id)
    with client.websocket_connect(url) as ws:
        _publish(app, client, seeded.conversation_id,
                 f"โอนเข้า กสิกร {RAW_ACCOUNT} บัตร {RAW_NATIONAL_ID}")
        frame = ws.receive_json()
    assert frame["type"] == "message_stored"
    text = frame["data"]["text"]
    assert RAW_ACCOUNT not in text and "1234567890" not in text
    assert RAW_NATIONAL_ID not in text
    assert "7890" in text  # masked the transcript's way, not dropped
    assert frame["data"]["direction"] == "inbound"  # what the queue page reacts to


def test_live_feed_refuses_another_origin(console_app):
    _, client, _ = console_app
    login(client, "agent")
    for origin in ("http://evil.example", "http://testserver:9999", "http://sub.testserver"):
        with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(
                "/console/ws", headers={"origin": origin}) as ws:
            ws.receive_text()
        assert closed.value.code == 4403, origin
    with client.websocket_connect("/console/ws", headers={"origin": "http://testserver"}):
        pass  # our own pages still connect


# ---------------------------------------------------------------- S7: login

def _login_error(response) -> str:
    found = re.search(r'<p class="error"[^>]*>([^<]*)</p>', response.text)
    return found.group(1) if found else ""


def test_unknown_user_wrong_password_and_locked_account_answer_the_same(console_app):
    app, client, _ = console_app
    unknown = login(client, "nobody-here", "wrong password!")
    wrong = login(client, "agent", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    assert _login_error(unknown) == _login_error(wrong) != ""
    for _ in range(5):
        login(client, "agent", "wrong password!")
    locked = login(client, "agent")
    assert locked.status_code == 401 and _login_error(locked) == _login_error(unknown)


def test_a_stranger_cannot_lock_a_colleague_out(console_app):
    app, attacker, _ = console_app
    for _ in range(8):
        assert login(attacker, "agent", "guessing-1234").status_code == 401
    with TestClient(app, client=("10.1.2.3", 40000)) as desk_pc:  # the agent's own desk
        assert login(desk_pc, "agent").status_code == 303


def test_one_address_spraying_usernames_is_refused(console_app):
    app, client, _ = console_app
    for i in range(20):  # SAKOT_STAFF_LOGIN_IP_ATTEMPTS
        login(client, f"user{i}", "wrong password!")
    assert login(client, "agent").status_code == 401  # the right password, but from there


def test_login_page_reflects_no_error_text(console_app):
    _, client, _ = console_app
    page = client.get("/console/login", params={"error": "Call 02-000-0000 to verify now"})
    assert "02-000-0000" not in page.text


# ---------------------------------------------------------------- S8: evidence files

@pytest.mark.parametrize("content,declared,served", [
    (b"<html><script>alert(1)</script></html>", "text/html", "application/octet-stream"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "image/svg+xml", "application/octet-stream"),
    (b"\x89PNG\r\n\x1a\n rest", "text/html", "image/png"),
])
def test_evidence_is_a_download_with_a_type_from_its_bytes(console_app, tmp_path, content,
                                                           declared, served):
    app, client, seeded = console_app
    path = tmp_path / "evidence" / "from-line"
    path.write_bytes(content)
    with session_scope(app.state.context.sessions) as s:
        ev = Evidence(case_id=seeded.case_id, conversation_id=seeded.conversation_id,
                      content_type=declared, sha256="11", size_bytes=len(content),
                      storage_path=str(path))
        s.add(ev)
        s.flush()
        evidence_id = ev.id
    login(client, "agent")
    response = client.get(f"/console/evidence/{evidence_id}")
    assert response.status_code == 200 and response.content == content
    assert response.headers["content-type"].split(";")[0] == served
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]


def test_evidence_store_never_keeps_a_declared_type():
    from bot.conversation.evidence import stored_content_type

    assert stored_content_type(b"<svg></svg>", "image/svg+xml") == "application/octet-stream"
    assert stored_content_type(b"<html></html>", "image/png") == "application/octet-stream"
    assert stored_content_type(b"\xff\xd8\xff\xe0 jpeg", "text/html") == "image/jpeg"


# ---------------------------------------------------------------- S10: one owner at a time

@pytest.fixture
def owned_by_agent(console_app):
    """The seeded chat claimed by 'agent'; a second agent 'other' logged in elsewhere."""
    app, client, seeded = console_app
    with session_scope(app.state.context.sessions) as s:
        create_staff(s, username="other", display_name="Agent B", password=PASSWORD)
    login(client, "agent")
    assert client.post(f"/console/c/{seeded.conversation_id}/claim",
                       headers={"X-CSRF-Token": csrf_of(client)}).status_code == 200
    other = TestClient(app, client=("10.9.9.9", 1234))
    other.__enter__()
    assert login(other, "other").status_code == 303
    yield app, other, seeded
    other.__exit__(None, None, None)


@pytest.mark.parametrize("action,data", [
    ("claim", {}), ("close", {}), ("release", {}), ("hand-back", {}),
    ("messages", {"text": "ขอรับเรื่องต่อนะคะ"}),
])
def test_an_agent_cannot_act_in_another_agents_chat(owned_by_agent, action, data):
    app, other, seeded = owned_by_agent
    response = other.post(f"/console/c/{seeded.conversation_id}/{action}", data=data,
                          headers={"X-CSRF-Token": csrf_of(other)})
    assert response.status_code == 403, response.text
    with app.state.context.sessions() as s:
        conv = s.get(Conversation, seeded.conversation_id)
        assert (conv.handoff_state, conv.assigned_staff_id) == (HandoffState.STAFF,
                                                                seeded.agent_id)


def test_an_agent_cannot_correct_identifiers_of_another_agents_chat(owned_by_agent):
    app, other, seeded = owned_by_agent
    response = other.post(f"/console/identifiers/{seeded.identifier_id}/correct",
                          data={"value": "9999999999"}, headers={"X-CSRF-Token": csrf_of(other)})
    assert response.status_code == 403
    with app.state.context.sessions() as s:
        assert s.get(Identifier, seeded.identifier_id).superseded_by_id is None


def test_a_supervisor_may_take_over(owned_by_agent):
    app, other, seeded = owned_by_agent
    with TestClient(app, client=("10.7.7.7", 1)) as boss:
        login(boss, "boss")
        response = boss.post(f"/console/c/{seeded.conversation_id}/claim",
                             headers={"X-CSRF-Token": csrf_of(boss)})
    assert response.status_code == 200
    with app.state.context.sessions() as s:
        assert s.get(Conversation, seeded.conversation_id).assigned_staff_id == \
            seeded.supervisor_id


# ---------------------------------------------------------------- S16: sessions and headers

def test_logout_revokes_the_session_server_side(console_app):
    _, client, _ = console_app
    login(client, "agent")
    cookie = client.cookies.get("sakot_staff")
    assert client.post("/console/logout", headers={"X-CSRF-Token": csrf_of(client)},
                       follow_redirects=False).status_code == 303
    client.cookies.set("sakot_staff", cookie, path="/console")  # a copy kept elsewhere
    assert client.get("/console/api/queue").status_code == 401
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(
            "/console/ws") as ws:
        ws.receive_text()
    assert closed.value.code == 4401


@pytest.mark.parametrize("path", ["/", "/privacy", "/console/login", "/console/"])
def test_html_pages_carry_security_headers(console_app, path):
    _, client, _ = console_app
    login(client, "agent")
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_widget_script_stays_embeddable_and_unsniffed(console_app):
    _, client, _ = console_app
    response = client.get("/widget.js")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers  # the host page's CSP applies


def test_console_pages_have_no_inline_scripts(console_app):
    _, client, seeded = console_app
    login(client, "agent")
    for path in ("/console/", f"/console/c/{seeded.conversation_id}"):
        page = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path

