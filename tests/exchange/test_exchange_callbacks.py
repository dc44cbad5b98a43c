"""Signed status callbacks to Sakot and webhooks to banks, through the outbox. Both backends.

The receiver is a real HTTP server on a free port that verifies signatures with
aoc_contract.signing (as Sakot does) and deduplicates on event_id.
"""

from __future__ import annotations

import time

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from aoc_contract.schemas import FreezeStatus, FreezeStatusChanged
from exchange.models import Delivery, utcnow
from exchange_helpers import make_packet, make_transfer, submit


def _deliveries(app, kind=None):
    with app.state.session_factory() as s:
        q = select(Delivery).order_by(Delivery.id)
        if kind:
            q = q.where(Delivery.kind == kind)
        return list(s.scalars(q))


def _make_due(app):
    with app.state.session_factory() as s:
        s.execute(update(Delivery).values(next_attempt_at=utcnow()))
        s.commit()


def _held(sakot, kbank):
    fr = submit(sakot)["freeze_requests"][0]["id"]
    assert kbank.ack(fr, status="held", amount_held="5000", bank_case_id="KB-9").status_code == 200
    return fr


def test_callback_is_signed_and_carries_the_status(sakot, kbank, app, receiver_factory):
    receiver = receiver_factory().start()
    fr = _held(sakot, kbank)
    assert app.state.worker.run_once() == 1
    [event] = receiver.events.values()
    assert receiver.rejected == []
    assert event["freeze_request_id"] == fr and event["status"] == "held"
    assert event["amount_held"] == "5000.00" and event["bank_case_id"] == "KB-9"
    assert event["bank_code"] == "004" and event["bank_short_name"] == "KBANK"
    assert set(event) >= {"event_id", "case_ref", "case_id", "occurred_at", "cluster_size"}
    [d] = _deliveries(app)
    assert d.status == "delivered" and d.attempts == 1


def test_callback_is_the_contracts_and_names_the_bank_by_its_wire_codes(
        sakot, aoc, app, receiver_factory):
    """CIMB's short code on the wire is the contract's (once the exchange sent "CIMBT")."""
    receiver = receiver_factory().start()
    packet = make_packet(transfers=[make_transfer(bank="022")])
    fr = submit(sakot, packet)["freeze_requests"][0]
    assert fr["bank_short_name"] == "CIMB"
    assert aoc.ack(fr["id"], status="held", amount_held="5000").status_code == 200
    assert app.state.worker.run_once() == 1
    [event] = receiver.events.values()
    change = FreezeStatusChanged.model_validate(event)
    assert (change.bank_code, change.bank_short_name) == ("022", "CIMB")
    assert change.status is FreezeStatus.HELD and change.case_ref == packet["source_case_ref"]


def test_receiver_with_the_wrong_secret_rejects_it(sakot, kbank, app, receiver_factory):
    receiver = receiver_factory(secret="not-the-callback-secret").start()
    _held(sakot, kbank)
    assert app.state.worker.run_once() == 0
    assert receiver.events == {} and set(receiver.rejected) == {"signature_mismatch"}
    assert _deliveries(app)[0].status == "pending"


def test_target_down_then_up_is_delivered_exactly_once(sakot, kbank, app, receiver_factory):
    _held(sakot, kbank)
    # Sakot is down: the pass fails (tenacity retried inside it) and the row stays pending.
    assert app.state.worker.run_once() == 0
    [d] = _deliveries(app)
    assert d.status == "pending" and d.attempts == 2 and "ConnectError" in d.last_error
    assert d.next_attempt_at > d.created_at
    # Not due yet: another pass does not hammer the target.
    assert app.state.worker.run_once() == 0 and _deliveries(app)[0].attempts == 2

    receiver = receiver_factory().start()
    _make_due(app)
    assert app.state.worker.run_once() == 1
    assert app.state.worker.run_once() == 0  # nothing left
    _make_due(app)
    assert app.state.worker.run_once() == 0  # delivered rows are never sent again
    assert len(receiver.posts) == 1 and len(receiver.events) == 1
    assert _deliveries(app)[0].status == "delivered"


def test_transient_error_is_retried_within_the_pass(sakot, kbank, app, receiver_factory):
    receiver = receiver_factory().start()
    receiver.fail_next = 1
    _held(sakot, kbank)
    assert app.state.worker.run_once() == 1
    # Two POSTs reached Sakot, same event id, each with its own nonce; one event accepted.
    assert len(receiver.posts) == 2 and len(receiver.events) == 1
    assert receiver.posts[0]["event_id"] == receiver.posts[1]["event_id"]
    assert receiver.rejected == []


def test_each_status_change_is_its_own_event(sakot, kbank, app, receiver_factory):
    receiver = receiver_factory().start()
    fr = _held(sakot, kbank)
    kbank.ack(fr, status="held", amount_held="5000", bank_case_id="KB-9")  # duplicate
    kbank.ack(fr, status="released")
    app.state.worker.run_once()
    assert [e["status"] for e in receiver.events.values()] == ["held", "released"]


def test_gives_up_after_max_attempts(sakot, kbank, app):
    app.state.settings.delivery_max_attempts = 3
    _held(sakot, kbank)
    app.state.worker.run_once()
    _make_due(app)
    app.state.worker.run_once()
    assert _deliveries(app)[0].status == "dead"


def test_no_callback_url_means_no_callbacks(sakot, kbank, app):
    app.state.settings.callback_url = None
    _held(sakot, kbank)
    assert _deliveries(app) == []


def test_background_worker_delivers_once_sakot_comes_back(settings, receiver_factory):
    """End to end with the worker running inside the exchange process (lifespan)."""
    from exchange.app import create_app
    from exchange.client import AgencyClient
    from exchange.seed import DEV_SECRETS

    settings.run_outbox_worker = True
    app = create_app(settings)
    with TestClient(app) as http:
        sakot = AgencyClient(key_id="sakot-dev", secret=DEV_SECRETS["sakot-dev"], http=http)
        kbank = AgencyClient(key_id="kbank-dev", secret=DEV_SECRETS["kbank-dev"], http=http)
        _held(sakot, kbank)
        deadline = time.time() + 10
        while _deliveries(app)[0].attempts < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert _deliveries(app)[0].status == "pending"
        receiver = receiver_factory().start()
        _make_due(app)
        deadline = time.time() + 10
        while not receiver.events and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        assert len(receiver.events) == 1 and len(receiver.posts) == 1
    assert _deliveries(app)[0].status == "delivered"


def test_bank_webhook_is_signed_with_the_registered_secret(sakot, kbank, app, receiver_factory,
                                                           callback_port):
    from exchange_helpers import Receiver

    r = kbank.put("/v1/banks/KBANK/webhook",
                  json={"url": f"http://127.0.0.1:{callback_port}/bank-hook"})
    assert r.status_code == 200
    hook = r.json()
    bank_receiver = Receiver(callback_port, hook["secret"], key_id=hook["key_id"],
                             path="/bank-hook").start()
    try:
        fr = submit(sakot, make_packet(transfers=[make_transfer("8888888888")]))
        assert app.state.worker.run_once() == 1
        [event] = bank_receiver.events.values()
        assert event["type"] == "freeze_request.created"
        assert event["freeze_request"]["id"] == fr["freeze_requests"][0]["id"]
        # Minimised: the bank's webhook never carries the victim contact or narrative.
        assert "victim_contact_ref" not in str(event) and "summary" not in event["freeze_request"]
        assert "source_case_ref" not in event["freeze_request"]
    finally:
        bank_receiver.stop()


def test_re_registering_a_webhook_rotates_its_secret(kbank):
    first = kbank.put("/v1/banks/KBANK/webhook", json={"url": "http://127.0.0.1:9/a"}).json()
    second = kbank.put("/v1/banks/KBANK/webhook", json={"url": "http://127.0.0.1:9/b"}).json()
    assert first["secret"] != second["secret"] and first["key_id"] != second["key_id"]


def test_webhook_needs_a_valid_url(kbank):
    r = kbank.put("/v1/banks/KBANK/webhook", json={"url": "not a url"})
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == "body.url"


def test_httpx_is_what_the_worker_uses():
    # The worker's client must be a real HTTP client (no test transport sneaking in).
    from exchange.outbox import OutboxWorker

    assert OutboxWorker.__init__.__annotations__  # signature documents the client type
    assert httpx.Client
