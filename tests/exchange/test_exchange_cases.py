"""Case packets: validation, nothing half-valid stored, idempotency, fan-out. Both backends."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from exchange.models import Case, Destination, FreezeRequest, IdempotencyRecord, Transfer
from exchange_helpers import make_packet, make_transfer, submit


def _count(app, model) -> int:
    with app.state.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def _nothing_stored(app) -> None:
    for model in (Case, FreezeRequest, Transfer, Destination, IdempotencyRecord):
        assert _count(app, model) == 0, model.__name__


def test_valid_packet_creates_case_and_freeze_request(sakot, app):
    body = submit(sakot)
    assert body["case_id"].startswith("case_")
    [fr] = body["freeze_requests"]
    assert fr["bank_short_name"] == "KBANK" and fr["requested_amount"] == "5000.00"
    assert fr["status"] == "pending" and fr["cluster_size"] == 1
    assert _count(app, Case) == 1 and _count(app, Transfer) == 1


@pytest.mark.parametrize("mutate,path", [
    (lambda p: p["transfers"][0].update(to_bank_code="999"), "body.transfers[0]"),
    (lambda p: p["transfers"][0].update(to_account_no="12-34"),
     "body.transfers[0].to_account_no"),
    (lambda p: p["transfers"][0].update(transfer_amount="-5"),
     "body.transfers[0].transfer_amount"),
    (lambda p: p["transfers"][0].update(transfer_amount="1.234"),
     "body.transfers[0].transfer_amount"),
    (lambda p: p["transfers"][0].pop("to_account_no"), "body.transfers[0]"),
    (lambda p: p["transfers"][0].update(promptpay_type="mobile"), "body.transfers[0]"),
    (lambda p: p["transfers"][0].update(transfer_date="2569-01-12"), "body.transfers[0]"),
    (lambda p: p.update(scam_type="lottery"), "body.scam_type"),
    (lambda p: p.update(priority="urgent"), "body.priority"),
    (lambda p: p.update(reported_at="2026-11-28T08:00:00"), "body.reported_at"),
    (lambda p: p.update(victim_contact_ref="0812345678-mom"), "body"),
    (lambda p: p.update(suspect_phones=["0812345678"]), "body.suspect_phones[0]"),
    (lambda p: p.update(transfers=[]), "body.transfers"),
    (lambda p: p.update(unexpected="x"), "body.unexpected"),
])
def test_invalid_packet_gives_422_with_field_path_and_stores_nothing(sakot, app, mutate, path):
    packet = make_packet()
    mutate(packet)
    r = sakot.submit_case(packet, uuid.uuid4().hex)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "validation_error"
    assert path in [e["path"] for e in body["errors"]], body["errors"]
    _nothing_stored(app)


def test_one_bad_transfer_among_good_ones_stores_nothing(sakot, app):
    packet = make_packet(transfers=[make_transfer(), make_transfer(bank="014"),
                                    make_transfer(to_account="123")])
    r = sakot.submit_case(packet, "k-bad")
    assert r.status_code == 422
    assert [e["path"] for e in r.json()["errors"]] == ["body.transfers[2].to_account_no"]
    _nothing_stored(app)
    # The same key with a corrected body is accepted afterwards: failures are not remembered.
    packet["transfers"][2]["to_account_no"] = "5556667778"
    assert sakot.submit_case(packet, "k-bad").status_code == 201


def test_missing_idempotency_key_is_422(sakot, app):
    r = sakot.post("/v1/cases", json=make_packet())
    assert r.status_code == 422
    assert "header.Idempotency-Key" in [e["path"] for e in r.json()["errors"]]
    _nothing_stored(app)


def test_same_key_same_body_gives_same_response(sakot, app):
    packet = make_packet()
    first = sakot.submit_case(packet, "idem-1")
    second = sakot.submit_case(packet, "idem-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert _count(app, Case) == 1 and _count(app, FreezeRequest) == 1


def test_same_key_same_json_in_other_key_order_is_the_same_body(sakot):
    packet = make_packet()
    reordered = dict(reversed(list(packet.items())))
    assert sakot.submit_case(packet, "idem-2").status_code == 201
    r = sakot.submit_case(reordered, "idem-2")
    assert r.status_code == 201 and r.headers["Idempotent-Replayed"] == "true"


def test_same_key_different_body_is_409(sakot, app):
    packet = make_packet()
    assert sakot.submit_case(packet, "idem-3").status_code == 201
    r = sakot.submit_case({**packet, "priority": "P0"}, "idem-3")
    assert r.status_code == 409 and r.json()["error"] == "conflict"
    assert _count(app, Case) == 1


def test_idempotency_keys_are_per_agency(sakot, aoc):
    assert sakot.submit_case(make_packet(), "shared-key").status_code == 201
    assert aoc.submit_case(make_packet(), "shared-key").status_code == 201


def test_a_later_packet_for_the_same_case_amends_it(sakot, app):
    first = submit(sakot, make_packet(ref="SK-7KQ4M9", transfers=[
        make_transfer("1111111111", amount="1000")]))
    packet = make_packet(ref="SK-7KQ4M9", priority="P0", transfers=[
        make_transfer("1111111111", amount="1000"), make_transfer("1111111111", amount="500"),
        make_transfer("2222222222", "014", amount="300")])
    r = sakot.submit_case(packet, "v2")
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["case_id"] == first["case_id"] and second["revision"] == 2
    frs = {f["destination"]["account_no"]: f for f in second["freeze_requests"]}
    assert frs["1111111111"]["id"] == first["freeze_requests"][0]["id"]
    assert frs["1111111111"]["requested_amount"] == "1500.00"
    assert frs["1111111111"]["cluster_size"] == 1  # the same victim is not counted twice
    assert frs["1111111111"]["priority"] == "P0"
    assert frs["2222222222"]["bank_short_name"] == "SCB"
    assert _count(app, Case) == 1 and _count(app, FreezeRequest) == 2
    assert _count(app, Transfer) == 3
    # Replaying v2 returns the amendment receipt again; the first key still returns v1.
    again = sakot.submit_case(packet, "v2")
    assert again.status_code == 200 and again.json() == second
    case = sakot.get(f"/v1/cases/{first['case_id']}").json()
    assert case["revision"] == 2 and case["priority"] == "P0"


def test_amendment_keeps_requests_for_destinations_no_longer_listed(sakot):
    first = submit(sakot, make_packet(ref="SK-AAAAAA", transfers=[make_transfer("1111111111")]))
    r = sakot.submit_case(make_packet(ref="SK-AAAAAA", transfers=[
        make_transfer("3333333333")]), "v2")
    ids = {f["id"] for f in r.json()["freeze_requests"]}
    assert first["freeze_requests"][0]["id"] in ids and len(ids) == 2


def test_unknown_amount_and_date_are_accepted(sakot):
    t1 = make_transfer("1111111111", amount=None)
    t1.pop("transfer_amount"), t1.pop("transfer_date"), t1.pop("transfer_time")
    t2 = make_transfer("2222222222")
    t2.pop("transfer_amount")
    body = submit(sakot, make_packet(transfers=[t1, t2, make_transfer("2222222222",
                                                                      amount="700")]))
    amounts = {f["destination"]["account_no"]: f["requested_amount"]
               for f in body["freeze_requests"]}
    assert amounts == {"1111111111": None, "2222222222": "700.00"}


def test_packet_shaped_like_sakots_builder_is_accepted(sakot):
    """bot/cases/packet.py: no bank for PromptPay, amount only on the first destination."""
    packet = {
        "source_case_ref": "SK-7KQ4M9", "scam_type": "call_center", "priority": "P0",
        "reported_at": "2026-11-28T14:05:00+07:00", "victim_contact_ref": "sakot-case-SK-7KQ4M9",
        "summary": "เขาอ้างเป็นตำรวจ", "suspect_phones": ["+66812345678"],
        "transfers": [
            {"from_bank_code": "014", "from_account_no": "1234567890", "to_bank_code": "004",
             "to_account_no": "0987654321", "transfer_date": "2026-11-28",
             "transfer_time": "13:41", "transfer_amount": "25000.00",
             "transfer_channel": "EBank/Mobile"},
            {"from_bank_code": "014", "from_account_no": "1234567890",
             "promptpay_type": "mobile", "promptpay_id": "0899999999",
             "transfer_date": "2026-11-28", "transfer_time": "13:41",
             "transfer_channel": "EBank/Mobile"},
        ]}
    r = sakot.submit_case(packet, "case-1:v1")
    assert r.status_code == 201, r.text
    statuses = sorted(f["status"] for f in r.json()["freeze_requests"])
    assert statuses == ["pending", "unrouted"]


def test_account_number_without_bank_is_422(sakot, app):
    t = make_transfer("1111111111")
    t.pop("to_bank_code")
    r = sakot.submit_case(make_packet(transfers=[t]), "x")
    assert r.status_code == 422 and "to_bank_code" in r.json()["errors"][0]["message"]
    _nothing_stored(app)


def test_unrouted_promptpay_request_is_routed_by_aoc(sakot, aoc, kbank):
    pp = dict(promptpay_type="national_id", promptpay_id="1234567890123")
    t = make_transfer(None, **pp)
    t.pop("to_bank_code")
    fr = submit(sakot, make_packet(transfers=[t]))["freeze_requests"][0]
    assert fr["status"] == "unrouted" and fr["bank_code"] is None
    assert kbank.bank_queue("KBANK", None).json()["items"] == []
    desk = aoc.get("/v1/freeze-requests", params={"status": "unrouted"}).json()["items"]
    assert [d["id"] for d in desk] == [fr["id"]]
    routed = aoc.post(f"/v1/freeze-requests/{fr['id']}/route", json={"bank_code": "004"})
    assert routed.status_code == 200 and routed.json()["status"] == "pending"
    assert [i["id"] for i in kbank.bank_queue("KBANK").json()["items"]] == [fr["id"]]
    again = aoc.post(f"/v1/freeze-requests/{fr['id']}/route", json={"bank_code": "014"})
    assert again.status_code == 409
    # A later report of the same proxy is routed at once, and joins the cluster.
    later = submit(sakot, make_packet(transfers=[t]))["freeze_requests"][0]
    assert later["status"] == "pending" and later["bank_short_name"] == "KBANK"
    assert later["cluster_size"] == 2


def test_a_report_naming_the_bank_routes_the_proxy_for_later_reports(sakot):
    pp = dict(promptpay_type="mobile", promptpay_id="0899999999")
    submit(sakot, make_packet(transfers=[make_transfer(None, "014", **pp)]))
    t = make_transfer(None, **pp)
    t.pop("to_bank_code")
    later = submit(sakot, make_packet(transfers=[t]))["freeze_requests"][0]
    assert later["status"] == "pending" and later["bank_short_name"] == "SCB"


def test_concurrent_retries_with_one_key_store_one_case(sakot, app):
    packet = make_packet()
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: sakot.submit_case(packet, "race"), range(4)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["case_id"] for r in responses}) == 1
    assert _count(app, Case) == 1


def test_fan_out_one_freeze_request_per_destination_account(sakot):
    transfers = [
        make_transfer("1111111111", "004", "1000.00"),
        make_transfer("1111111111", "004", "2500.50"),  # same account: same request
        make_transfer("2222222222", "014", "700"),
        make_transfer(None, "006", "300", promptpay_type="mobile", promptpay_id="0899999999"),
    ]
    body = submit(sakot, make_packet(transfers=transfers))
    frs = {(f["bank_short_name"], f["destination"]["account_no"] or
            f["destination"]["promptpay_id"]): f for f in body["freeze_requests"]}
    assert set(frs) == {("KBANK", "1111111111"), ("SCB", "2222222222"), ("KTB", "0899999999")}
    assert frs[("KBANK", "1111111111")]["requested_amount"] == "3500.50"
    assert frs[("SCB", "2222222222")]["requested_amount"] == "700.00"


def test_amounts_are_exact(sakot):
    body = submit(sakot, make_packet(transfers=[
        make_transfer(amount="0.10"), make_transfer(amount="0.20"),
        make_transfer(amount=99999999999.99)]))
    assert body["freeze_requests"][0]["requested_amount"] == "100000000000.29"


def test_reporter_reads_its_own_case_back(sakot):
    body = submit(sakot)
    case = sakot.get(f"/v1/cases/{body['case_id']}").json()
    assert case["victim_contact_ref"] == "sakot:contact/7f3a9c"
    assert case["freeze_requests"][0]["id"] == body["freeze_requests"][0]["id"]
    assert case["transfers"][0]["transfer_time"] == "07:40:00"


def test_receipt_matches_its_documented_schema(sakot):
    from aoc_contract.schemas import CaseReceipt

    body = submit(sakot, make_packet(transfers=[make_transfer("1111111111"),
                                                make_transfer("2222222222", "014")]))
    CaseReceipt.model_validate(body)


def test_slip_references_keep_their_own_format(sakot):
    body = submit(sakot, make_packet(victim_bank_case_id="SCB 2568/00123",
                                     transfers=[make_transfer(transfer_ref="BAY 0123 4567")]))
    case = sakot.get(f"/v1/cases/{body['case_id']}").json()
    assert case["transfers"][0]["transfer_ref"] == "BAY 0123 4567"
    r = sakot.submit_case(make_packet(transfers=[make_transfer(transfer_ref="a\nb")]), "ctl")
    assert r.status_code == 422
