"""Every role x endpoint pair (a parametrised matrix), each call audited once.

One exchange serves the whole matrix (module scope) to keep 88 cases fast; every case files
its own fresh case first, so no case depends on another. Access control does not depend on
the backend, so this runs on SQLite; the storage tests cover PostgreSQL.
"""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from conftest import empty_tables
from exchange.app import create_app
from exchange.client import AgencyClient
from exchange.models import AuditEntry
from exchange.seed import DEV_SECRETS
from exchange.settings import ExchangeSettings
from exchange_helpers import make_packet, submit


@pytest.fixture(scope="module")
def app(exchange_sqlite_url):
    empty_tables(exchange_sqlite_url)
    application = create_app(ExchangeSettings(
        env="development", database_url=exchange_sqlite_url, migrate_on_startup=False,
        run_outbox_worker=False, callback_url=None), start_worker=False)
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def clients(app):
    http = TestClient(app)
    return {key: AgencyClient(key_id=key, secret=DEV_SECRETS[key], http=http)
            for key in DEV_SECRETS}


KEYS = ["sakot-dev", "kbank-dev", "scb-dev", "ccib-dev", "dsi-dev", "amlo-dev", "nbtc-dev",
        "aoc-dev"]

# endpoint -> expected status per key (same order as KEYS).
#                       sakot kbank scb  ccib dsi  amlo nbtc aoc
MATRIX = {
    "whoami":          [200, 200, 200, 200, 200, 200, 200, 200],
    "case.create":     [201, 403, 403, 403, 403, 403, 403, 201],
    "case.list":       [200, 403, 403, 200, 200, 403, 403, 200],
    "case.read":       [200, 403, 403, 200, 200, 403, 403, 200],
    "bank.queue":      [403, 200, 404, 200, 403, 200, 403, 200],
    "freeze.read":     [200, 200, 404, 200, 200, 200, 403, 200],
    "freeze.ack":      [403, 200, 404, 403, 403, 403, 403, 200],
    "freeze.all":      [403, 403, 403, 200, 403, 200, 403, 200],
    "freeze.route":    [403, 403, 403, 403, 403, 403, 403, 200],
    "clusters":        [403, 403, 403, 200, 200, 200, 403, 200],
    "phones":          [403, 403, 403, 200, 200, 403, 200, 200],
    "webhook":         [403, 200, 404, 403, 403, 403, 403, 200],
    "audit":           [403, 403, 403, 403, 403, 403, 403, 200],
}


def call(client, endpoint, ids):
    if endpoint == "whoami":
        return client.get("/v1/whoami")
    if endpoint == "case.create":
        return client.submit_case(make_packet(), uuid.uuid4().hex)
    if endpoint == "case.list":
        return client.get("/v1/cases")
    if endpoint == "case.read":
        return client.get(f"/v1/cases/{ids['case']}")
    if endpoint == "bank.queue":
        return client.bank_queue("KBANK")
    if endpoint == "freeze.read":
        return client.get(f"/v1/freeze-requests/{ids['fr']}")
    if endpoint == "freeze.ack":
        return client.ack(ids["fr"], status="held", amount_held="10")
    if endpoint == "freeze.all":
        return client.get("/v1/freeze-requests", params={"status": "pending"})
    if endpoint == "freeze.route":
        return client.post(f"/v1/freeze-requests/{ids['unrouted']}/route",
                           json={"bank_code": "004"})
    if endpoint == "clusters":
        return client.get("/v1/clusters", params={"min_size": 1})
    if endpoint == "phones":
        return client.get("/v1/phone-numbers")
    if endpoint == "webhook":
        return client.put("/v1/banks/KBANK/webhook", json={"url": "http://127.0.0.1:9/h"})
    if endpoint == "audit":
        return client.get("/v1/audit")
    raise AssertionError(endpoint)


def _audit_count(app):
    with app.state.session_factory() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def _last_audit(app):
    with app.state.session_factory() as s:
        return s.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))


@pytest.mark.parametrize("key_index,key_id", list(enumerate(KEYS)), ids=KEYS)
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_access_matrix(endpoint, key_index, key_id, clients, app):
    body = submit(clients["sakot-dev"])  # a SAKOT case with a KBANK destination
    pp = {**make_packet()["transfers"][0], "promptpay_type": "mobile",
          "promptpay_id": f"08{uuid.uuid4().int % 10**8:08d}"}
    for field in ("to_bank_code", "to_account_no"):
        pp.pop(field)
    unrouted = submit(clients["sakot-dev"], make_packet(transfers=[pp]))
    ids = {"case": body["case_id"], "fr": body["freeze_requests"][0]["id"],
           "unrouted": unrouted["freeze_requests"][0]["id"]}
    before = _audit_count(app)
    response = call(clients[key_id], endpoint, ids)
    expected = MATRIX[endpoint][key_index]
    assert response.status_code == expected, response.text
    # Each call, allowed or not, leaves exactly one audit entry naming the caller.
    assert _audit_count(app) == before + 1
    entry = _last_audit(app)
    assert entry.key_id == key_id and entry.agency_code is not None
    assert entry.outcome == ("ok" if expected < 400 else "denied")
