"""Authentication over HTTP: tampering, replays, expiry, rotation; failures are audited."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from aoc_contract import signing
from exchange.keys import create_key, get_or_create_agency, revoke_key
from exchange.models import ApiKey, AuditEntry, utcnow
from exchange.schemas import Role
from exchange.seed import DEV_SECRETS


@pytest.fixture
def db_url(sqlite_db_url):
    return sqlite_db_url


def _headers(path="/v1/whoami", method="GET", body=b"", key_id="kbank-dev", **kw):
    secret = kw.pop("secret", None) or DEV_SECRETS[key_id]
    return signing.sign_request(key_id=key_id, secret=secret,
                                method=method, path=path, body=body, **kw)


def _reasons(app):
    with app.state.session_factory() as s:
        return [e.detail.get("reason") for e in
                s.scalars(select(AuditEntry).where(AuditEntry.action == "auth"))]


def test_signed_request_is_accepted(http):
    r = http.get("/v1/whoami", headers=_headers())
    assert r.status_code == 200
    assert r.json()["agency_code"] == "KBANK" and r.json()["role"] == "bank"


def test_unsigned_request_is_rejected_and_audited(http, app):
    r = http.get("/v1/whoami")
    assert r.status_code == 401 and r.json()["error"] == "missing_signature_headers"
    assert "missing_signature_headers" in _reasons(app)


def test_tampered_body_is_rejected(http, app):
    body = b'{"status":"held","amount_held":"1.00"}'
    headers = _headers(path="/v1/freeze-requests/frq_x/ack", method="POST", body=body)
    r = http.post("/v1/freeze-requests/frq_x/ack", content=body.replace(b"1.00", b"9.00"),
                  headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 401 and r.json()["error"] == "signature_mismatch"
    assert "signature_mismatch" in _reasons(app)


def test_tampered_query_is_rejected(http):
    headers = _headers(path="/v1/banks/KBANK/freeze-requests?status=pending")
    r = http.get("/v1/banks/KBANK/freeze-requests?status=held", headers=headers)
    assert r.status_code == 401


def test_signature_by_another_key_is_rejected(http):
    headers = _headers(key_id="kbank-dev", secret=DEV_SECRETS["scb-dev"])
    assert http.get("/v1/whoami", headers=headers).status_code == 401


def test_replayed_request_is_rejected(http, app):
    headers = _headers()
    assert http.get("/v1/whoami", headers=headers).status_code == 200
    r = http.get("/v1/whoami", headers=headers)
    assert r.status_code == 401 and r.json()["error"] == "replayed_request"
    assert "replayed_request" in _reasons(app)


@pytest.mark.parametrize("skew", [-400, 400])
def test_stale_or_future_timestamp_is_rejected(http, skew):
    headers = _headers(timestamp=int(time.time()) + skew)
    r = http.get("/v1/whoami", headers=headers)
    assert r.status_code == 401 and r.json()["error"] == "timestamp_outside_window"


def test_unknown_key_is_rejected(http):
    r = http.get("/v1/whoami", headers=_headers(key_id="kbank-dev") | {
        signing.KEY_ID_HEADER: "nobody"})
    assert r.status_code == 401 and r.json()["error"] == "unknown_key"


def _issue(app, code="KBANK", role=Role.BANK, days=30):
    with app.state.session_factory() as s:
        agency = get_or_create_agency(s, code=code, role=role)
        issued = create_key(s, agency=agency, lifetime_days=days,
                            master_secret=app.state.settings.master_secret.get_secret_value())
        s.commit()
        return issued


def test_expired_key_is_rejected(http, app):
    issued = _issue(app)
    headers = _headers(key_id=issued.key_id, secret=issued.secret)
    assert http.get("/v1/whoami", headers=headers).status_code == 200
    with app.state.session_factory() as s:
        key = s.scalar(select(ApiKey).where(ApiKey.key_id == issued.key_id))
        key.expires_at = utcnow() - timedelta(seconds=1)
        s.commit()
    r = http.get("/v1/whoami", headers=_headers(key_id=issued.key_id, secret=issued.secret))
    assert r.status_code == 401 and r.json()["error"] == "key_expired"


def test_rotation_without_downtime(http, app):
    """Old and new keys work side by side; revoking the old one leaves the new one working."""
    old = _issue(app)
    new = _issue(app)
    assert old.key_id != new.key_id and old.secret != new.secret
    for k in (old, new):
        r = http.get("/v1/whoami", headers=_headers(key_id=k.key_id, secret=k.secret))
        assert r.status_code == 200 and r.json()["key_id"] == k.key_id
    with app.state.session_factory() as s:
        revoke_key(s, old.key_id)
        s.commit()
    r = http.get("/v1/whoami", headers=_headers(key_id=old.key_id, secret=old.secret))
    assert r.status_code == 401 and r.json()["error"] == "key_revoked"
    r = http.get("/v1/whoami", headers=_headers(key_id=new.key_id, secret=new.secret))
    assert r.status_code == 200


def test_derived_keys_store_no_secret(app):
    issued = _issue(app)
    with app.state.session_factory() as s:
        key = s.scalar(select(ApiKey).where(ApiKey.key_id == issued.key_id))
        assert key.secret_mode == "derived" and key.stored_secret is None


def test_secret_of_one_key_does_not_sign_for_another(http, app):
    a, b = _issue(app), _issue(app, code="SCB")
    headers = _headers(key_id=b.key_id, secret=a.secret)
    assert http.get("/v1/whoami", headers=headers).status_code == 401


def test_oversized_body_is_refused_before_anything_else(http):
    r = http.post("/v1/cases", content=b"x" * 1_000_001, headers={"Idempotency-Key": "k"})
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"


def test_unknown_path_uses_the_error_format(http):
    r = http.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_old_nonces_are_purged_and_recent_ones_kept(app):
    from exchange.models import UsedNonce

    with app.state.session_factory() as s:
        s.add(UsedNonce(key_id="k", nonce="old" * 6, seen_at=utcnow() - timedelta(seconds=601)))
        s.add(UsedNonce(key_id="k", nonce="new" * 6, seen_at=utcnow()))
        s.commit()
    assert app.state.worker.purge_nonces() == 1
    with app.state.session_factory() as s:
        assert [n.nonce for n in s.scalars(select(UsedNonce).where(UsedNonce.key_id == "k"))] \
            == ["new" * 6]
