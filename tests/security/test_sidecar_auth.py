"""Authenticated sidecars (security review S4): the NLU service and the action server serve only
calls carrying the shared sidecar token, send no CORS headers and bind 127.0.0.1; Rasa's HTTP API
runs behind the same token, which never appears on a command line. (Rasa itself refusing
anonymous API calls, and a real turn passing the token along: tests/conversation/
test_sidecar_auth_live.py, on the shared dialogue stack.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.classifier import Prediction
from sakot.rasa_env import rasa_env
from sakot.processes import RASA_VENV, product_processes
from sakot.settings import PROJECT_ROOT, Settings

TOKEN = "sidecar-token-for-tests-0123456789abcdefghijkl"


class OneIntent:
    def classify(self, texts):
        return [Prediction(intent="greet", intent_confidence=0.9,
                           intent_ranking=(("greet", 0.9),), scam_type=None,
                           scam_type_confidence=0.0, uncertain=False, scam_type_ranking=(),
                           intent_uncertain=False, scam_type_uncertain=False) for _ in texts]


@pytest.fixture
def served_nlu(monkeypatch):
    """The app `sakot models serve-nlu` would serve, as configured from the settings."""
    import uvicorn

    import bot.classifier
    from sakot import settings as settings_module
    from sakot.nlu_server import serve_nlu

    captured = {}
    monkeypatch.setenv("SAKOT_SIDECAR_TOKEN", TOKEN)
    monkeypatch.setattr(bot.classifier, "load_classifier", lambda *a, **k: OneIntent())
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: captured.update(app=app, **kw))
    settings_module.get_settings.cache_clear()
    try:
        serve_nlu()
    finally:
        settings_module.get_settings.cache_clear()
    with TestClient(captured["app"]) as client:
        deadline = time.monotonic() + 30
        while client.get("/status").status_code != 200:
            assert time.monotonic() < deadline, "classifier never loaded"
            time.sleep(0.05)
        yield client, captured


def test_nlu_service_refuses_calls_without_the_token(served_nlu):
    client, captured = served_nlu
    assert captured["host"] == "127.0.0.1"
    body = {"text": "สวัสดีค่ะ", "message_id": "m1"}
    assert client.post("/model/parse", json=body).status_code == 401
    assert client.post("/model/parse", json={**body, "token": "wrong"}).status_code == 401
    assert client.post("/model/parse", json=body,
                       headers={"X-Sakot-Token": "wrong"}).status_code == 401
    # Rasa's HTTP interpreter puts endpoints.yml's nlu token in the body
    ok = client.post("/model/parse", json={**body, "token": TOKEN})
    assert ok.status_code == 200 and ok.json()["intent"]["name"] == "greet"
    assert client.post("/model/parse", json=body,
                       headers={"X-Sakot-Token": TOKEN}).status_code == 200
    cors = client.options("/model/parse", headers={"Origin": "https://evil.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in cors.headers


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def action_server(tmp_path):
    port = free_port()
    log = open(tmp_path / "actions.log", "w")  # noqa: SIM115
    env = {**os.environ, "SAKOT_SIDECAR_TOKEN": TOKEN, "SAKOT_LOG_LEVEL": "WARNING",
           "SAKOT_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
           "SANIC_HOST": "0.0.0.0"}  # a pre-set SANIC_HOST must not widen the binding
    proc = subprocess.Popen([sys.executable, "-m", "sakot", "actions", "--port", str(port)],
                            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "actions.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "action server did not start"
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield url, port
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        log.close()


def test_action_server_refuses_calls_without_the_token(action_server):
    url, port = action_server
    call = {"next_action": "action_delete_data", "sender_id": "someone-elses-chat",
            "tracker": {"sender_id": "someone-elses-chat", "slots": {"delete_confirmed": "yes"},
                        "latest_message": {}, "events": []},
            "domain": {}, "version": "3.6.21"}
    assert httpx.post(f"{url}/webhook", json=call, timeout=10).status_code == 401
    assert httpx.post(f"{url}/webhook", json=call, timeout=10,
                      headers={"X-Sakot-Token": "wrong"}).status_code == 401
    assert httpx.get(f"{url}/actions", timeout=10).status_code == 401
    listed = httpx.get(f"{url}/actions", headers={"X-Sakot-Token": TOKEN}, timeout=10)
    assert listed.status_code == 200 and listed.json()  # the token opens the door
    unknown = httpx.post(f"{url}/webhook", timeout=10, headers={"X-Sakot-Token": TOKEN},
                         json={**call, "next_action": "no_such_action"})
    assert unknown.status_code == 404  # past the check: the executor answered

    for response in (httpx.get(f"{url}/health", headers={"Origin": "https://evil.example"}),
                     httpx.options(f"{url}/webhook", headers={
                         "Origin": "https://evil.example",
                         "Access-Control-Request-Method": "POST"})):
        assert "access-control-allow-origin" not in response.headers

    listening = subprocess.run(["ss", "-Htln", f"sport = :{port}"], capture_output=True,
                               text=True, check=True).stdout
    assert f"127.0.0.1:{port}" in listening and f"0.0.0.0:{port}" not in listening


def test_rasa_runs_with_its_api_behind_the_token_never_on_the_command_line(monkeypatch):
    monkeypatch.setenv("SAKOT_SIDECAR_TOKEN", TOKEN)
    settings = Settings()
    rasa = next(p for p in product_processes(settings) if p.name == "rasa")
    assert "--enable-api" in rasa.argv
    assert rasa.argv[rasa.argv.index("--interface") + 1] == "127.0.0.1"
    assert TOKEN not in " ".join(rasa.argv)  # ps shows argv to every user of the host
    assert rasa.env["SAKOT_SIDECAR_TOKEN"] == TOKEN  # Rasa reads it from its environment
    launcher = rasa.argv[rasa.argv.index("-c") + 1]
    assert "'--auth-token', os.environ['SAKOT_SIDECAR_TOKEN']" in launcher
    with pytest.raises(ValueError, match="SAKOT_SIDECAR_TOKEN"):
        product_processes(Settings(sidecar_token=""))


def test_rasa_reads_the_token_for_both_endpoints_from_endpoints_yml(tmp_path):
    """Rasa's own parser: the action endpoint gets the header, the NLU endpoint the token."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", var_dir=tmp_path,
                        sidecar_token=TOKEN)
    env = {**os.environ, **rasa_env(settings)}
    script = (
        "import json; from rasa.core.utils import AvailableEndpoints; "
        "e = AvailableEndpoints.read_endpoints('dialogue/endpoints.yml'); "
        "print(json.dumps({'headers': e.action.headers, 'nlu_token': e.nlu.token, "
        "'action_url': e.action.url}))")
    out = subprocess.run([str(RASA_VENV / "bin" / "python"), "-W", "ignore", "-c", script],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180,
                         check=True).stdout
    endpoints = json.loads(out.strip().splitlines()[-1])
    assert endpoints["headers"] == {"X-Sakot-Token": TOKEN}
    assert endpoints["nlu_token"] == TOKEN
    assert endpoints["action_url"].startswith("http://127.0.0.1:")
