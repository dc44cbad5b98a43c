"""Scopes (own bank, own cases), data minimisation per role, and the audit trail.

The role x endpoint matrix is in test_exchange_access_matrix.py.
"""

from __future__ import annotations

import pytest

from exchange_helpers import make_packet, submit


@pytest.fixture
def db_url(sqlite_db_url):
    """Access control does not depend on the backend; storage tests cover PostgreSQL."""
    return sqlite_db_url


def test_reporter_sees_only_its_own_cases(sakot, aoc):
    mine = submit(sakot)
    theirs = submit(aoc)  # AOC may also file cases
    assert sakot.get(f"/v1/cases/{theirs['case_id']}").status_code == 404
    assert sakot.get(f"/v1/freeze-requests/{theirs['freeze_requests'][0]['id']}"
                     ).status_code == 404
    listed = [c["id"] for c in sakot.get("/v1/cases").json()["items"]]
    assert listed == [mine["case_id"]]
    assert len(aoc.get("/v1/cases").json()["items"]) == 2


def test_bank_sees_only_requests_on_its_own_accounts(sakot, kbank, client_for):
    submit(sakot, make_packet(transfers=[
        {**make_packet()["transfers"][0], "to_bank_code": "014", "to_account_no": "3333333333"}]))
    submit(sakot)  # KBANK
    kb = kbank.bank_queue("KBANK", None).json()["items"]
    scb = client_for("scb-dev").bank_queue("SCB", None).json()["items"]
    assert {i["bank_short_name"] for i in kb} == {"KBANK"} and len(kb) == 1
    assert {i["bank_short_name"] for i in scb} == {"SCB"} and len(scb) == 1
    assert kbank.bank_queue("SCB").status_code == 404
    assert kbank.bank_queue("014").status_code == 404


# ------------------------------------------------------------------------ minimisation

CASE_PRIVATE = {"victim_contact_ref", "summary", "suspect_phones"}


def test_bank_view_is_minimised(sakot, kbank):
    fr = submit(sakot)["freeze_requests"][0]["id"]
    view = kbank.get(f"/v1/freeze-requests/{fr}").json()
    assert "transfers" in view and view["transfers"][0]["from_account_no"]
    assert not {"source_case_ref", "acks"} & set(view)
    assert not CASE_PRIVATE & set(view)
    assert "sakot:contact" not in str(view) and "+668" not in str(view)


def test_amlo_sees_money_trail_and_outcomes_but_not_the_victim(sakot, kbank, client_for):
    fr = submit(sakot)["freeze_requests"][0]["id"]
    kbank.ack(fr, status="held", amount_held="10")
    view = client_for("amlo-dev").get(f"/v1/freeze-requests/{fr}").json()
    assert view["acks"][0]["status"] == "held" and view["transfers"]
    assert "source_case_ref" not in view and "sakot:contact" not in str(view)


def test_dsi_reads_cases_without_the_victim_contact(sakot, client_for):
    case_id = submit(sakot)["case_id"]
    view = client_for("dsi-dev").get(f"/v1/cases/{case_id}").json()
    assert "victim_contact_ref" not in view
    assert view["summary"] and view["suspect_phones"] == ["+66812345678"]


def test_police_reads_the_whole_case(sakot, client_for):
    case_id = submit(sakot)["case_id"]
    view = client_for("ccib-dev").get(f"/v1/cases/{case_id}").json()
    assert view["victim_contact_ref"] == "sakot:contact/7f3a9c"
    assert view["freeze_requests"][0]["source_case_ref"] == view["source_case_ref"]


def test_nbtc_sees_only_phone_numbers(sakot, client_for):
    submit(sakot)
    submit(sakot, make_packet(suspect_phones=["+66812345678", "+66900000001"]))
    items = client_for("nbtc-dev").get("/v1/phone-numbers").json()["items"]
    assert items[0] == {**items[0], "phone_number": "+66812345678", "report_count": 2}
    for item in items:
        assert set(item) == {"phone_number", "report_count", "first_reported_at",
                             "last_reported_at"}


def test_audit_log_records_who_what_when(sakot, kbank, aoc):
    fr = submit(sakot)["freeze_requests"][0]["id"]
    kbank.get(f"/v1/freeze-requests/{fr}")
    kbank.ack(fr, status="not_found")
    entries = aoc.get("/v1/audit", params={"limit": 50}).json()["items"]
    trail = [(e["agency_code"], e["action"], e["object_id"]) for e in reversed(entries)]
    assert ("KBANK", "freeze_request.read", fr) in trail
    assert ("KBANK", "freeze_request.ack", fr) in trail
    assert any(a == "SAKOT" and act == "case.create" for a, act, _ in trail)
    assert all(e["at"] for e in entries)
    kbank_only = aoc.get("/v1/audit", params={"agency": "KBANK"}).json()["items"]
    assert {e["agency_code"] for e in kbank_only} == {"KBANK"}


def test_list_reads_record_the_ids_returned(sakot, kbank, aoc):
    fr = submit(sakot)["freeze_requests"][0]["id"]
    kbank.bank_queue("KBANK")
    [entry] = [e for e in aoc.get("/v1/audit").json()["items"]
               if e["action"] == "freeze_request.list"]
    assert entry["detail"]["ids"] == [fr]


def test_validation_failures_are_audited(sakot, aoc):
    sakot.submit_case({"nonsense": True}, "x")
    [entry] = [e for e in aoc.get("/v1/audit").json()["items"] if e["outcome"] == "rejected"]
    assert entry["agency_code"] == "SAKOT" and entry["action"] == "POST /v1/cases"
