"""Acknowledgements (duplicates, late arrivals) and clustering. Both backends."""

from __future__ import annotations

from sqlalchemy import select

from exchange.models import Delivery
from exchange_helpers import make_packet, make_transfer, submit


def _fr_id(body):
    return body["freeze_requests"][0]["id"]


def _callbacks(app):
    with app.state.session_factory() as s:
        return [d.payload for d in s.scalars(
            select(Delivery).where(Delivery.kind == "callback").order_by(Delivery.id))]


def test_held_ack_updates_status_and_queues_one_callback(sakot, kbank, app):
    fr = _fr_id(submit(sakot))
    r = kbank.ack(fr, status="held", amount_held="4500.00", bank_case_id="KB-2026-1")
    assert r.status_code == 200
    assert r.json()["outcome"] == "applied"
    view = r.json()["freeze_request"]
    assert (view["status"], view["amount_held"], view["bank_case_id"]) == \
        ("held", "4500.00", "KB-2026-1")
    [cb] = _callbacks(app)
    assert cb["type"] == "freeze_request.status_changed"
    assert cb["freeze_request_id"] == fr and cb["status"] == "held"
    assert cb["amount_held"] == "4500.00" and cb["bank_case_id"] == "KB-2026-1"
    assert cb["case_ref"].startswith("SKT-") and cb["bank_code"] == "004"
    assert cb["event_id"].startswith("evt_") and cb["occurred_at"]


def test_duplicate_ack_is_harmless(sakot, kbank, app):
    fr = _fr_id(submit(sakot))
    ack = dict(status="held", amount_held="5000", bank_case_id="KB-1",
               occurred_at="2026-11-28T01:00:00Z")
    first = kbank.ack(fr, **ack).json()
    second = kbank.ack(fr, **ack).json()
    assert first["outcome"] == "applied" and second["outcome"] == "duplicate"
    assert second["freeze_request"]["status"] == "held"
    assert len(_callbacks(app)) == 1


def test_out_of_order_acks_keep_the_latest_status(sakot, kbank, app):
    fr = _fr_id(submit(sakot))
    late_release = kbank.ack(fr, status="released", occurred_at="2026-11-28T05:00:00Z").json()
    early_hold = kbank.ack(fr, status="held", amount_held="5000",
                           occurred_at="2026-11-28T01:00:00Z").json()
    assert late_release["outcome"] == "applied"
    assert early_hold["outcome"] == "superseded"
    assert early_hold["freeze_request"]["status"] == "released"
    case = sakot.get(f"/v1/freeze-requests/{fr}").json()
    assert [a["outcome"] for a in case["acks"]] == ["applied", "superseded"]
    assert [c["status"] for c in _callbacks(app)] == ["released"]


def test_status_moves_forward_with_newer_acks(sakot, kbank):
    fr = _fr_id(submit(sakot))
    kbank.ack(fr, status="held", amount_held="5000", occurred_at="2026-11-28T01:00:00Z")
    r = kbank.ack(fr, status="released", occurred_at="2026-11-28T02:00:00Z").json()
    assert r["outcome"] == "applied" and r["freeze_request"]["status"] == "released"


def test_held_without_amount_is_422(sakot, kbank):
    fr = _fr_id(submit(sakot))
    r = kbank.ack(fr, status="held")
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == "body"


def test_not_found_and_insufficient_funds(sakot, kbank):
    body = submit(sakot, make_packet(transfers=[make_transfer("1111111111"),
                                                make_transfer("2222222222")]))
    a, b = (f["id"] for f in body["freeze_requests"])
    assert kbank.ack(a, status="not_found").json()["freeze_request"]["status"] == "not_found"
    r = kbank.ack(b, status="insufficient_funds", amount_held="120.55").json()
    assert r["freeze_request"]["amount_held"] == "120.55"


def test_another_bank_cannot_ack(sakot, client_for):
    fr = _fr_id(submit(sakot))  # KBANK account
    r = client_for("scb-dev").ack(fr, status="not_found")
    assert r.status_code == 404


def test_aoc_can_ack_for_a_bank(sakot, aoc):
    fr = _fr_id(submit(sakot))
    r = aoc.ack(fr, status="held", amount_held="1", note="bank confirmed by phone")
    assert r.status_code == 200
    assert r.json()["freeze_request"]["acks"][0]["agency_code"] == "AOC"


def test_cluster_of_victims_raises_priority_for_every_party(sakot, kbank, client_for):
    mule = "4444444444"
    bodies = [submit(sakot, make_packet(priority="P2", transfers=[make_transfer(mule)]))
              for _ in range(3)]
    assert [b["freeze_requests"][0]["cluster_size"] for b in bodies] == [1, 2, 3]
    assert [b["freeze_requests"][0]["effective_priority"] for b in bodies] == ["P2", "P1", "P0"]
    # The bank sees the cluster size on every request, and all of them are now P0.
    queue = kbank.bank_queue("KBANK").json()["items"]
    assert {(q["cluster_size"], q["effective_priority"], q["priority"]) for q in queue} == \
        {(3, "P0", "P2")}
    # Reporter sees it on its case, investigators on the clusters list.
    case = sakot.get(f"/v1/cases/{bodies[0]['case_id']}").json()
    assert case["freeze_requests"][0]["cluster_size"] == 3
    clusters = client_for("ccib-dev").get("/v1/clusters").json()["items"]
    [cluster] = clusters
    assert cluster["destination"]["account_no"] == mule and cluster["cluster_size"] == 3
    assert len(cluster["freeze_requests"]) == 3


def test_cluster_of_two_raises_one_level(sakot):
    mule = "5555555555"
    submit(sakot, make_packet(priority="P1", transfers=[make_transfer(mule)]))
    second = submit(sakot, make_packet(priority="P2", transfers=[make_transfer(mule)]))
    assert second["freeze_requests"][0]["effective_priority"] == "P1"


def test_same_account_at_other_bank_is_another_cluster(sakot):
    submit(sakot, make_packet(transfers=[make_transfer("6666666666", "004")]))
    other = submit(sakot, make_packet(transfers=[make_transfer("6666666666", "014")]))
    assert other["freeze_requests"][0]["cluster_size"] == 1


def test_promptpay_cluster(sakot):
    pp = dict(promptpay_type="national_id", promptpay_id="1234567890123")
    submit(sakot, make_packet(transfers=[make_transfer(None, **pp)]))
    second = submit(sakot, make_packet(transfers=[make_transfer(None, **pp)]))
    assert second["freeze_requests"][0]["cluster_size"] == 2


def test_queue_is_ordered_by_effective_priority(sakot, kbank):
    submit(sakot, make_packet(priority="P2", transfers=[make_transfer("7000000001")]))
    submit(sakot, make_packet(priority="P0", transfers=[make_transfer("7000000002")]))
    submit(sakot, make_packet(priority="P1", transfers=[make_transfer("7000000003")]))
    queue = kbank.bank_queue("KBANK").json()["items"]
    assert [q["effective_priority"] for q in queue] == ["P0", "P1", "P2"]


def test_queue_filters_by_status(sakot, kbank):
    a = _fr_id(submit(sakot, make_packet(transfers=[make_transfer("7100000001")])))
    submit(sakot, make_packet(transfers=[make_transfer("7100000002")]))
    kbank.ack(a, status="not_found")
    assert len(kbank.bank_queue("KBANK", "pending").json()["items"]) == 1
    assert len(kbank.bank_queue("KBANK", "not_found").json()["items"]) == 1
    assert len(kbank.bank_queue("KBANK", None).json()["items"]) == 2
    assert len(kbank.bank_queue("004", "pending").json()["items"]) == 1  # numeric code too


def test_concurrent_identical_acks_apply_once(sakot, kbank, app):
    from concurrent.futures import ThreadPoolExecutor

    fr = _fr_id(submit(sakot))
    ack = dict(status="held", amount_held="5000", bank_case_id="KB-1",
               occurred_at="2026-11-28T01:00:00Z")
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: kbank.ack(fr, **ack), range(4)))
    assert {r.status_code for r in results} == {200}
    assert sorted(r.json()["outcome"] for r in results) == \
        ["applied", "duplicate", "duplicate", "duplicate"]
    assert len(_callbacks(app)) == 1
