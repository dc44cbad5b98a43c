"""Ready means ready (issue 12 item 9): the NLU service answers 503 while its model loads, a
victim who writes meanwhile gets the same safe fallback as when Rasa is down (1441 + their
bank's number, chat queued for staff), /healthz and `sakot up` wait for Rasa, the NLU service
and the action server."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot import hotlines
from bot.conversation.engine import ConversationEngine
from bot.conversation.events import InProcessEvents
from bot.conversation.outbound import OutboundRegistry
from bot.conversation.rasa_client import RasaRestDialogue
from bot.conversation.types import InboundMessage
from bot.storage.models import Case, Conversation, HandoffState
from bot.texts_catalog import dialogue_unavailable_text
from sakot.nlu_server import create_nlu_app
from sakot.settings import Settings
from tests.security.test_sidecar_auth import OneIntent, free_port


class Servers:
    """ASGI apps on real sockets in one background thread each."""

    def __init__(self) -> None:
        self.servers = []

    def start(self, app) -> str:
        import asyncio
        import time

        import uvicorn

        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", log_config=None))
        thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        self.servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        for server, thread in self.servers:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture
def servers():
    running = Servers()
    yield running
    running.stop()


@pytest.fixture
def loading_nlu(servers):
    """The real NLU app, its model "loading" until `release` is set."""
    release = threading.Event()

    def load():
        release.wait(60)
        return OneIntent()

    url = servers.start(create_nlu_app(None, token="t" * 43, load=load))
    yield url, release
    release.set()


def fake_rasa(calls: list) -> FastAPI:
    app = FastAPI()

    @app.post("/webhooks/rest/webhook")
    async def webhook(request: Request):
        calls.append(await request.json())
        return [{"text": "ขอโทษค่ะ สกัดไม่แน่ใจว่าเข้าใจถูก"}]  # what Rasa says with no NLU

    @app.get("/status")
    async def status(token: str = ""):
        if token != "t" * 43:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        return {"model_file": "dialogue.tar.gz"}

    return app


def wait_until(check, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_nlu_answers_503_while_loading_then_parses(loading_nlu):
    url, release = loading_nlu
    assert httpx.get(f"{url}/status").status_code == 503
    assert httpx.get(f"{url}/status").json()["status"] == "loading"
    parse = httpx.post(f"{url}/model/parse", json={"text": "โดนโกง", "token": "t" * 43})
    assert parse.status_code == 503
    release.set()
    wait_until(lambda: httpx.get(f"{url}/status").status_code == 200)
    parse = httpx.post(f"{url}/model/parse", json={"text": "โดนโกง", "token": "t" * 43})
    assert parse.status_code == 200 and parse.json()["intent"]["name"] == "greet"


def test_a_failed_model_load_stays_not_ready(servers):
    def broken():
        raise FileNotFoundError("models/classifier")

    url = servers.start(create_nlu_app(None, load=broken))
    wait_until(lambda: httpx.get(f"{url}/status").json()["status"] == "failed")
    assert httpx.get(f"{url}/status").status_code == 503


async def test_a_victim_writing_while_the_nlu_loads_gets_the_safe_fallback(
        loading_nlu, servers, migrated_sessions, tmp_path):
    nlu_url, release = loading_nlu
    calls: list = []
    rasa_url = servers.start(fake_rasa(calls))
    dialogue = RasaRestDialogue(rasa_url, nlu_ready_url=f"{nlu_url}/status")
    engine = ConversationEngine(sessions=migrated_sessions, dialogue=dialogue,
                                events=InProcessEvents(), outbound=OutboundRegistry(),
                                evidence_dir=tmp_path / "evidence")
    first = InboundMessage(channel="line", channel_user_id="U-loading", text="สวัสดีค่ะ",
                           received_at=datetime.now(UTC), channel_message_id="m0")
    await engine.handle_inbound(first)
    with migrated_sessions.begin() as s:  # the victim told us their bank earlier (SCB)
        conversation = s.scalar(select(Conversation))
        conversation.handoff_state = HandoffState.BOT
        s.add(Case(case_number="SKT-TEST-1", conversation_id=conversation.id,
                   victim_bank="SCB", amount_lost_thb=Decimal("50000")))

    urgent = InboundMessage(channel="line", channel_user_id="U-loading",
                            text="เพิ่งโอนเงินให้มิจฉาชีพไปห้าหมื่นค่ะ ทำยังไงดี",
                            received_at=datetime.now(UTC), channel_message_id="m1")
    replies = await engine.handle_inbound(urgent)

    assert [r.text for r in replies] == [dialogue_unavailable_text("th", "SCB")]
    assert hotlines.AOC.number in replies[0].text
    assert hotlines.bank_contact("SCB").number in replies[0].text
    assert "ไม่แน่ใจว่าเข้าใจ" not in replies[0].text
    assert calls == []  # never sent to Rasa, which would have said "I don't understand"
    with migrated_sessions() as s:
        assert s.scalar(select(Conversation.handoff_state)) == HandoffState.WAITING_FOR_STAFF

    # once the model is loaded, messages go to the dialogue again
    release.set()
    wait_until(lambda: httpx.get(f"{nlu_url}/status").status_code == 200)
    with migrated_sessions.begin() as s:
        s.scalar(select(Conversation)).handoff_state = HandoffState.BOT
    later = InboundMessage(channel="line", channel_user_id="U-loading", text="ค่ะ",
                           received_at=datetime.now(UTC), channel_message_id="m2")
    await engine.handle_inbound(later)
    assert [c["message"] for c in calls] == ["ค่ะ"]  # refused while loading, sent once ready
    await dialogue.aclose()


def test_the_app_asks_the_nlu_service_unless_turned_off(tmp_path):
    from sakot.app import create_app

    base = {"database_url": f"sqlite:///{tmp_path / 'a.db'}", "var_dir": tmp_path,
            "nlu_port": 5999}
    on = create_app(Settings(**base, nlu_ready_check=True))
    off = create_app(Settings(**base, nlu_ready_check=False))
    assert on.state.conversation_runtime.engine.dialogue.nlu_ready_url == (
        "http://127.0.0.1:5999/status")
    assert off.state.conversation_runtime.engine.dialogue.nlu_ready_url is None
    assert Settings.model_fields["nlu_ready_check"].default is True  # on in the product


def test_healthz_is_ready_only_when_every_sidecar_answers(loading_nlu, servers, tmp_path):
    from sakot.app import create_app

    nlu_url, release = loading_nlu
    rasa_url = servers.start(fake_rasa([]))
    actions = FastAPI()
    actions.get("/health")(lambda: {"status": "ok"})
    actions_url = servers.start(actions)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'h.db'}", var_dir=tmp_path,
                        rasa_url=rasa_url, sidecar_token="t" * 43,
                        nlu_port=int(nlu_url.rsplit(":", 1)[1]),
                        action_port=int(actions_url.rsplit(":", 1)[1]))
    with TestClient(create_app(settings)) as client:
        loading = client.get("/healthz")
        assert loading.status_code == 503
        assert loading.json() == {"status": "degraded", "database": "ok", "rasa": "ok",
                                  "nlu": "loading", "actions": "ok"}
        assert client.get("/livez").status_code == 200  # alive, just not ready
        release.set()
        wait_until(lambda: client.get("/healthz").status_code == 200)
        assert client.get("/healthz").json()["nlu"] == "ok"

    wrong_token = settings.model_copy(update={"sidecar_token": Settings(
        sidecar_token="x" * 43).sidecar_token})
    with TestClient(create_app(wrong_token)) as client:
        assert client.get("/healthz").json()["rasa"] == "HTTP 401"


def test_sakot_up_says_ready_only_after_healthz_does(servers):
    from sakot.cli.run import announce_ready

    answers = iter([503, 503, 503, 200])
    app = FastAPI()

    @app.get("/healthz")
    def healthz():
        code = next(answers, 200)
        return JSONResponse({"status": "ok" if code == 200 else "degraded",
                             "nlu": "ok" if code == 200 else "loading"}, status_code=code)

    url = servers.start(app)
    port = int(url.rsplit(":", 1)[1])
    lines: list[str] = []
    settings = Settings(port=port, host="127.0.0.1")
    assert announce_ready(settings, threading.Event(), poll_seconds=0.01, report_every=2,
                          echo=lines.append)
    assert lines[-1].startswith("[sakot] ready")
    assert any("not ready yet: nlu loading" in line for line in lines[:-1])
    assert sum(line.startswith("[sakot] ready") for line in lines) == 1
