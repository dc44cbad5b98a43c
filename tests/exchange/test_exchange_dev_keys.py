"""S9: the public development keys stop working once the exchange runs outside development.

The exchange seeds keys with public secrets (`dev-only-…`) when it first starts in development.
An operator who later starts it with SAKOT_ENV=production on the same database must not leave
those doors open: at start-up they are revoked (audited), and authentication refuses any key
with a public secret outside development even if it was added afterwards.
"""

from __future__ import annotations

import re
import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from exchange.app import create_app
from exchange.client import AgencyClient
from exchange.keys import create_key, get_or_create_agency
from exchange.models import ApiKey, AuditEntry
from exchange.schemas import Role
from exchange.seed import DEV_SECRETS
from exchange.settings import ExchangeSettings


def production_settings(db_url: str) -> ExchangeSettings:
    return ExchangeSettings(env="production", database_url=db_url, migrate_on_startup=False,
                            run_outbox_worker=False,
                            master_secret=secrets.token_hex(32),
                            callback_secret=secrets.token_hex(32))


@pytest.fixture
def production_app(app, db_url):
    """The `app` fixture started once in development (seeding the dev keys); now production."""
    application = create_app(production_settings(db_url), start_worker=False)
    yield application
    application.state.worker.client.close()
    application.state.engine.dispose()


def signed_get(http: TestClient, key_id: str, secret: str, path: str):
    return AgencyClient(key_id=key_id, secret=secret, http=http).get(path)


def test_dev_keys_work_in_development(http):
    assert signed_get(http, "aoc-dev", DEV_SECRETS["aoc-dev"], "/v1/whoami").status_code == 200


@pytest.mark.parametrize("key_id", ["aoc-dev", "sakot-dev", "kbank-dev"])
def test_dev_keys_are_refused_after_a_production_start_on_the_same_database(
        production_app, key_id):
    http = TestClient(production_app)
    for path in ("/v1/whoami", "/v1/audit?limit=3", "/v1/freeze-requests?limit=3"):
        response = signed_get(http, key_id, DEV_SECRETS[key_id], path)
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error"] in {"key_revoked", "development_key"}


def test_the_revocation_is_recorded(production_app):
    with production_app.state.session_factory() as session:
        keys = session.scalars(select(ApiKey)).all()
        assert keys and all(key.revoked_at is not None for key in keys)
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "key.revoke"))
    assert entry is not None and set(entry.detail["key_ids"]) == set(DEV_SECRETS)


def test_real_keys_keep_working_in_production(production_app):
    settings = production_app.state.settings
    with production_app.state.session_factory() as session:
        agency = get_or_create_agency(session, code="AOC", role=Role.AOC)
        issued = create_key(session, agency=agency, lifetime_days=90, label="operator",
                            master_secret=settings.master_secret.get_secret_value())
        session.commit()
    http = TestClient(production_app)
    response = signed_get(http, issued.key_id, issued.secret, "/v1/whoami")
    assert response.status_code == 200 and response.json()["role"] == "aoc"


def test_a_public_secret_added_later_is_refused_outside_development(production_app):
    """Defence in depth: not revoked at start-up (it did not exist yet), still refused."""
    settings = production_app.state.settings
    with production_app.state.session_factory() as session:
        agency = get_or_create_agency(session, code="AOC", role=Role.AOC)
        create_key(session, agency=agency, lifetime_days=None, label="imported",
                   key_id="aoc-imported", stored_secret="dev-only-aoc-secret",
                   master_secret=settings.master_secret.get_secret_value())
        session.commit()
    response = signed_get(TestClient(production_app), "aoc-imported", "dev-only-aoc-secret",
                          "/v1/whoami")
    assert response.status_code == 401 and response.json()["error"] == "development_key"


def test_bank_page_refuses_a_dev_key_in_production(production_app):
    # https: the production bank page sets its session cookie Secure.
    browser = TestClient(production_app, base_url="https://testserver", follow_redirects=True)
    page = browser.get("/bank/KBANK")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = browser.post("/bank/KBANK/login", data={
        "key_id": "kbank-dev", "secret": DEV_SECRETS["kbank-dev"], "csrf": csrf})
    assert response.status_code == 401
