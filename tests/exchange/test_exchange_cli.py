"""`python -m exchange …` commands, the bank demo against a real exchange on a free port."""

from __future__ import annotations

import threading
import time

import pytest
from typer.testing import CliRunner

from exchange.settings import get_settings
from exchange_helpers import submit

runner = CliRunner()


@pytest.fixture
def db_url(sqlite_db_url):
    return sqlite_db_url


@pytest.fixture
def cli_env(monkeypatch, db_url):
    monkeypatch.setenv("SAKOT_ENV", "development")
    monkeypatch.setenv("SAKOT_EXCHANGE_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run_cli(*args: str, input: str | None = None):
    from exchange.cli import app

    return runner.invoke(app, list(args), input=input)


def test_migrate(cli_env):
    result = run_cli("migrate")
    assert result.exit_code == 0 and "up to date" in result.output


def test_create_list_and_revoke_key(cli_env, app):
    created = run_cli("create-key", "--agency", "UOBT", "--role", "bank", "--days", "30")
    assert created.exit_code == 0, created.output
    key_id = next(line.split()[-1] for line in created.output.splitlines()
                  if line.startswith("key id:"))
    assert "secret:" in created.output
    listed = run_cli("list-keys", "--agency", "UOBT")
    assert key_id in listed.output and "active" in listed.output
    assert "secret" not in listed.output.replace("derived", "")
    revoked = run_cli("revoke-key", key_id)
    assert revoked.exit_code == 0
    assert "revoked" in run_cli("list-keys", "--agency", "UOBT").output


def test_create_key_refuses_role_mismatch_and_unknown_banks(cli_env, app):
    assert run_cli("create-key", "--agency", "KBANK", "--role", "police").exit_code == 2
    assert run_cli("create-key", "--agency", "NOBANK", "--role", "bank").exit_code == 2
    assert run_cli("create-key", "--agency", "X", "--role", "king").exit_code != 0


@pytest.fixture
def live_exchange(app):
    import uvicorn

    from conftest import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_bank_demo_lists_and_acks_with_flags(cli_env, live_exchange, sakot_client):
    fr = submit(sakot_client)["freeze_requests"][0]["id"]
    listed = run_cli("bank", "--code", "KBANK", "--url", live_exchange, "--no-interactive")
    assert listed.exit_code == 0, listed.output
    assert fr in listed.output and "5000.00" in listed.output
    acked = run_cli("bank", "--code", "KBANK", "--url", live_exchange, "--ack", fr,
                  "--status", "held", "--amount", "5,000", "--bank-case-id", "KB-CLI")
    assert acked.exit_code == 0, acked.output
    assert "applied -> held held 5000.00" in acked.output
    view = sakot_client.get(f"/v1/freeze-requests/{fr}").json()
    assert view["bank_case_id"] == "KB-CLI"


def test_bank_demo_interactive(cli_env, live_exchange, sakot_client):
    fr = submit(sakot_client)["freeze_requests"][0]["id"]
    result = run_cli("bank", "--code", "KBANK", "--url", live_exchange,
                   input="1\nnot_found\n\n\n")
    assert result.exit_code == 0, result.output
    assert f"{fr}: applied -> not_found" in result.output


def test_bank_demo_rejects_a_bad_status(cli_env, live_exchange):
    result = run_cli("bank", "--code", "KBANK", "--url", live_exchange, "--ack", "frq_x",
                   "--status", "frozen")
    assert result.exit_code != 0


@pytest.fixture
def sakot_client(sakot):
    return sakot


def test_outbox_shows_and_requeues_dead_deliveries(cli_env, app, sakot_client, kbank):
    from sqlalchemy import update

    from exchange.models import Delivery

    fr = submit(sakot_client)["freeze_requests"][0]["id"]
    kbank.ack(fr, status="not_found")
    with app.state.session_factory() as s:
        s.execute(update(Delivery).values(status="dead", attempts=50, last_error="HTTP 500"))
        s.commit()
    shown = run_cli("outbox")
    assert shown.exit_code == 0 and "callback  dead       1" in shown.output
    requeued = run_cli("outbox", "--retry-dead")
    assert "re-queued 1" in requeued.output and "callback  pending    1" in requeued.output


def test_placeholder_secrets_outside_development_give_a_clear_error(monkeypatch, db_url):
    monkeypatch.setenv("SAKOT_ENV", "production")
    monkeypatch.setenv("SAKOT_EXCHANGE_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        result = run_cli("migrate")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "SAKOT_EXCHANGE_MASTER_SECRET" in result.output
