"""The bank-operator page /bank/{code}: sign in with a bank key, see and acknowledge."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from exchange.keys import revoke_key
from exchange.models import AuditEntry
from exchange_helpers import submit


@pytest.fixture
def db_url(sqlite_db_url):
    return sqlite_db_url


@pytest.fixture
def browser(app):
    return TestClient(app, follow_redirects=True)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _login(browser, code="KBANK", key_id="kbank-dev", secret="dev-only-kbank-secret"):
    page = browser.get(f"/bank/{code}")
    assert page.status_code == 200 and "sign in" in page.text
    return browser.post(f"/bank/{code}/login",
                        data={"key_id": key_id, "secret": secret, "csrf": _csrf(page.text)})


def test_operator_signs_in_sees_and_acknowledges(browser, sakot, app):
    fr = submit(sakot)["freeze_requests"][0]
    page = _login(browser)
    assert page.status_code == 200
    assert fr["id"] in page.text and "0987654321" in page.text and "5000.00" in page.text
    assert "sakot:contact" not in page.text  # minimised like the API
    done = browser.post(f"/bank/KBANK/freeze-requests/{fr['id']}/ack", data={
        "status": "held", "amount_held": "5,000", "bank_case_id": "KB-WEB-1",
        "csrf": _csrf(page.text)})
    assert done.status_code == 200 and f"{fr['id']}: applied" in done.text
    held = browser.get("/bank/KBANK?status=held")
    assert fr["id"] in held.text and "KB-WEB-1" in held.text
    view = sakot.get(f"/v1/freeze-requests/{fr['id']}").json()
    assert view["status"] == "held" and view["amount_held"] == "5000.00"
    with app.state.session_factory() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).where(
            AuditEntry.agency_code == "KBANK"))]
    assert {"bank_page.login", "freeze_request.list", "freeze_request.ack"} <= set(actions)


def test_wrong_secret_is_refused_and_audited(browser, app):
    page = _login(browser, secret="guess")
    assert page.status_code == 401 and "wrong" in page.text
    with app.state.session_factory() as s:
        reasons = [e.detail.get("reason") for e in s.scalars(select(AuditEntry))]
    assert "bank_page_login_failed" in reasons


def test_another_banks_key_cannot_open_the_page(browser):
    assert _login(browser, key_id="scb-dev", secret="dev-only-scb-secret").status_code == 401


def test_non_bank_roles_cannot_open_the_page(browser):
    assert _login(browser, key_id="ccib-dev", secret="dev-only-ccib-secret").status_code == 401


def test_aoc_can_open_any_bank_page(browser, sakot):
    fr = submit(sakot)["freeze_requests"][0]
    page = _login(browser, key_id="aoc-dev", secret="dev-only-aoc-secret")
    assert page.status_code == 200 and fr["id"] in page.text


def test_form_without_csrf_token_is_refused(browser, sakot):
    fr = submit(sakot)["freeze_requests"][0]
    _login(browser)
    r = browser.post(f"/bank/KBANK/freeze-requests/{fr['id']}/ack",
                     data={"status": "held", "amount_held": "1", "csrf": "forged"})
    assert r.status_code == 403
    assert sakot.get(f"/v1/freeze-requests/{fr['id']}").json()["status"] == "pending"


def test_invalid_ack_is_explained_not_saved(browser, sakot):
    fr = submit(sakot)["freeze_requests"][0]
    page = _login(browser)
    r = browser.post(f"/bank/KBANK/freeze-requests/{fr['id']}/ack",
                     data={"status": "held", "amount_held": "", "csrf": _csrf(page.text)})
    assert "Not saved" in r.text
    assert sakot.get(f"/v1/freeze-requests/{fr['id']}").json()["status"] == "pending"


def test_revoked_key_is_signed_out(browser, app):
    _login(browser)
    with app.state.session_factory() as s:
        revoke_key(s, "kbank-dev")
        s.commit()
    assert "sign in" in browser.get("/bank/KBANK").text


def test_unknown_amounts_are_shown_as_unknown(browser, sakot):
    from exchange_helpers import make_packet, make_transfer

    t = make_transfer("1212121212")
    t.pop("transfer_amount")
    submit(sakot, make_packet(transfers=[t]))
    page = _login(browser)
    assert "Amount unknown" in page.text and "None" not in page.text
