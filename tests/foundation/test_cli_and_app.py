"""The `sakot` command and the app process, over a real socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
from typer.testing import CliRunner

from sakot.cli import app as cli
from sakot.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("up", "serve", "doctor", "migrate"):
        assert command in result.output


def test_doctor_reports_each_check(tmp_path, monkeypatch):
    from sakot import settings as settings_module

    monkeypatch.setenv("SAKOT_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.setenv("SAKOT_MODELS_DIR", str(tmp_path / "no-models"))
    settings_module.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["doctor"])
    finally:
        settings_module.get_settings.cache_clear()
    assert "database" in result.output and "ok" in result.output
    assert "!!  classifier" in result.output  # models dir is empty: reported with a fix
    assert "sakot models train" in result.output
    assert result.exit_code == 1


def test_serve_answers_healthz_over_http(tmp_path):
    port = free_port()
    # nothing listens on the sidecar ports: the app is alive but not ready
    env = {**os.environ, "SAKOT_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
           "SAKOT_PORT": str(port), "SAKOT_RASA_URL": f"http://127.0.0.1:{free_port()}",
           "SAKOT_NLU_PORT": str(free_port()), "SAKOT_ACTION_PORT": str(free_port())}
    proc = subprocess.Popen([sys.executable, "-m", "sakot", "serve"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/livez", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "app did not start in 60 s"
                time.sleep(0.3)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
        ready = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert ready.status_code == 503
        assert ready.json() == {"status": "degraded", "database": "ok", "rasa": "unreachable",
                                "nlu": "unreachable", "actions": "unreachable"}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_healthz_reports_unreachable_database(tmp_path):
    from fastapi.testclient import TestClient

    from sakot.app import create_app
    from sakot.settings import Settings

    db = tmp_path / "h.db"
    app = create_app(Settings(database_url=f"sqlite:///{db}"))
    with TestClient(app) as client:
        assert client.get("/livez").status_code == 200
        app.state.context.sessions.kw["bind"].dispose()
        db.unlink()
        (tmp_path / "h.db").mkdir()  # a directory where the file was: SQLite cannot open it
        response = client.get("/livez")
        assert client.get("/healthz").json()["database"] == "unreachable"
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
