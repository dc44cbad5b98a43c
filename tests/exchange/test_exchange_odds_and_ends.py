"""S17: bank webhook URLs cannot aim the exchange at internal addresses; ack times are bounded."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from exchange.app import create_app
from exchange.client import AgencyClient
from exchange.keys import create_key, get_or_create_agency
from exchange.models import Delivery
from exchange.outbox import OutboxWorker
from exchange.schemas import Role
from exchange.settings import ExchangeSettings
from exchange.webhook_urls import WebhookUrlRefused, check_webhook_url
from exchange_helpers import submit


@pytest.fixture
def db_url(sqlite_db_url):
    return sqlite_db_url


# ------------------------------------------------------------------ the URL rule itself

def resolver(*addresses: str):
    return lambda _host, _port: list(addresses)


@pytest.mark.parametrize("url, addresses", [
    ("http://bank.example/hook", ["1.1.1.1"]),  # plain http
    ("ftp://bank.example/hook", ["1.1.1.1"]),
    ("https://user:pw@bank.example/hook", ["1.1.1.1"]),
    ("https://bank.example/hook", ["127.0.0.1"]),
    ("https://bank.example/hook", ["10.1.2.3"]),
    ("https://bank.example/hook", ["192.168.0.10"]),
    ("https://bank.example/hook", ["172.16.5.5"]),
    ("https://bank.example/hook", ["169.254.169.254"]),  # cloud metadata
    ("https://bank.example/hook", ["100.64.0.1"]),  # carrier-grade NAT
    ("https://bank.example/hook", ["0.0.0.0"]),
    ("https://bank.example/hook", ["::1"]),
    ("https://bank.example/hook", ["fe80::1%eth0"]),
    ("https://bank.example/hook", ["fd00::5"]),
    ("https://bank.example/hook", ["::ffff:127.0.0.1"]),
    ("https://bank.example/hook", ["224.0.0.1"]),
    ("https://bank.example/hook", ["1.1.1.1", "10.0.0.1"]),  # one bad answer is enough
    ("https://bank.example/hook", []),
])
def test_production_refuses_internal_or_plain_urls(url, addresses):
    with pytest.raises(WebhookUrlRefused):
        check_webhook_url(url, development=False, resolve=resolver(*addresses))


def test_production_accepts_a_public_https_endpoint():
    check_webhook_url("https://hooks.bank.example:8443/sakot", development=False,
                      resolve=resolver("1.1.1.1", "2606:4700:4700::1111"))


def test_unresolvable_host_is_refused():
    def fail(_host, _port):
        raise OSError("no such host")

    with pytest.raises(WebhookUrlRefused, match="resolve"):
        check_webhook_url("https://nowhere.example/", development=False, resolve=fail)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hook", "http://localhost/hook",
                                 "http://[::1]:9000/hook", "https://10.0.0.5/hook"])
def test_development_allows_local_receivers(url):
    check_webhook_url(url, development=True, resolve=resolver("10.0.0.5"))


def test_development_still_refuses_plain_http_to_another_host():
    with pytest.raises(WebhookUrlRefused, match="https"):
        check_webhook_url("http://bank.example/hook", development=True,
                          resolve=resolver("1.1.1.1"))


# ------------------------------------------------------------------ through the API

@pytest.fixture
def production(db_url, app):  # `app` ran once in development: agencies exist
    settings = ExchangeSettings(env="production", database_url=db_url, migrate_on_startup=False,
                                run_outbox_worker=False, master_secret=secrets.token_hex(32),
                                callback_secret=secrets.token_hex(32),
                                delivery_pass_wait_seconds=0, delivery_attempts_per_pass=1,
                                delivery_timeout_seconds=2)
    application = create_app(settings, start_worker=False)
    with application.state.session_factory() as session:
        agency = get_or_create_agency(session, code="KBANK", role=Role.BANK)
        issued = create_key(session, agency=agency, lifetime_days=90, label="kbank prod",
                            master_secret=settings.master_secret.get_secret_value())
        session.commit()
    client = AgencyClient(key_id=issued.key_id, secret=issued.secret,
                            http=TestClient(application))
    yield application, client
    application.state.worker.client.close()
    application.state.engine.dispose()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/exchange/callback",
                                 "https://127.0.0.1/", "https://169.254.169.254/latest/",
                                 "https://[::1]/", "https://10.0.0.8/hook"])
def test_production_api_refuses_internal_webhook_urls(production, url):
    _app, kbank = production
    response = kbank.put("/v1/banks/KBANK/webhook", json={"url": url})
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "unprocessable"


def test_production_api_accepts_a_public_https_url(production):
    _app, kbank = production
    response = kbank.put("/v1/banks/KBANK/webhook", json={"url": "https://1.1.1.1/hook"})
    assert response.status_code == 200, response.text


def test_worker_rechecks_the_url_before_posting(production, receiver_factory, callback_port):
    """A URL stored earlier (or one whose DNS changed) is refused at delivery, not POSTed."""
    app, _kbank = production
    receiver = receiver_factory().start()
    with app.state.session_factory() as session:
        session.add(Delivery(event_id="evt_ssrf", kind="webhook", agency_code="KBANK",
                             target_url=f"http://127.0.0.1:{callback_port}/exchange/callback",
                             payload={"event_id": "evt_ssrf"}))
        session.commit()
    OutboxWorker(app.state.session_factory, app.state.settings).run_once()
    with app.state.session_factory() as session:
        delivery = session.scalar(select(Delivery).where(Delivery.event_id == "evt_ssrf"))
    assert delivery.status == "pending"
    assert "webhook URL refused" in (delivery.last_error or ""), delivery.last_error
    assert receiver.posts == [] and receiver.rejected == []  # nothing reached it


# ------------------------------------------------------------------ ack occurred_at

def test_ack_from_the_future_is_refused_and_cannot_supersede_later_acks(sakot, kbank, aoc):
    fr = submit(sakot)["freeze_requests"][0]["id"]
    future = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    refused = kbank.ack(fr, status="released", occurred_at=future)
    assert refused.status_code == 422, refused.text
    assert "future" in refused.json()["message"]
    held = aoc.ack(fr, status="held", amount_held="5000.00")
    assert held.status_code == 200 and held.json()["outcome"] == "applied"


def test_ack_within_the_clock_skew_is_accepted(sakot, kbank):
    fr = submit(sakot)["freeze_requests"][0]["id"]
    slightly_ahead = (datetime.now(UTC) + timedelta(seconds=60)).isoformat()
    response = kbank.ack(fr, status="held", amount_held="100.00", occurred_at=slightly_ahead)
    assert response.status_code == 200 and response.json()["outcome"] == "applied"
