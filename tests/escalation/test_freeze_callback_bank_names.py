"""A freeze callback names the bank to the victim by its Thai name, never by a wire code.

The exchange names a bank by its 3-digit number and a short code. Five banks once had short
codes at the exchange that Sakot's bank table did not know (CIMBT, UOBT, ICBCT, LHFG, SMED),
and the victim read "CIMBTระงับยอด 25,000.00 บาทไว้แล้วค่ะ ...". End to end: the real exchange app takes a
packet, an AOC operator acknowledges for the bank, the exchange's outbox sends the signed
callback into the real Sakot app, and the victim's message is read back.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from aoc_contract.banks import BANK_NUMBERS, LEGACY_SHORT_CODES
from bot.banks import BY_NUMBER, from_wire
from exchange.app import create_app as create_exchange
from exchange.client import AgencyClient
from exchange.seed import DEV_SECRETS
from exchange.settings import ExchangeSettings
from tests.escalation.test_exchange_callback import (  # noqa: F401  (app_and_case: a fixture)
    SECRET,
    app_and_case,
    callback,
    post,
    victim_messages,
)

# The five banks whose exchange short codes once differed from Sakot's codes.
NUMBERS = ["022", "024", "070", "073", "098"]


class IntoApp(httpx.BaseTransport):
    """The exchange's httpx client, delivering into an in-process app's TestClient."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.client.request(request.method, request.url.raw_path.decode(),
                                     content=request.read(), headers=dict(request.headers))
        return httpx.Response(answer.status_code, content=answer.content)


def packet(number: str) -> dict:
    return {
        "source_case_ref": "SK-CB0001", "scam_type": "call_center", "priority": "P0",
        "reported_at": "2026-11-28T14:05:00+07:00", "victim_contact_ref": "sakot-case-banks",
        "transfers": [{"to_bank_code": number, "to_account_no": "0987654321",
                       "transfer_amount": "25000.00"}],
    }


@pytest.mark.parametrize("number", NUMBERS)
def test_exchange_callback_reaches_the_victim_with_the_thai_bank_name(app_and_case, tmp_path,
                                                                     number):
    app, sakot_http, (conversation_id, _) = app_and_case
    exchange = create_exchange(ExchangeSettings(
        env="development", database_url=f"sqlite:///{tmp_path / 'exchange.db'}",
        run_outbox_worker=False, callback_url="http://sakot/exchange/callback",
        callback_secret=SECRET), start_worker=False)
    with TestClient(exchange) as exchange_http:
        reporter = AgencyClient(key_id="sakot-dev", secret=DEV_SECRETS["sakot-dev"],
                                http=exchange_http)
        aoc = AgencyClient(key_id="aoc-dev", secret=DEV_SECRETS["aoc-dev"], http=exchange_http)
        receipt = reporter.submit_case(packet(number), "case-banks:v1")
        assert receipt.status_code == 201, receipt.text
        fr_id = receipt.json()["freeze_requests"][0]["id"]
        assert aoc.ack(fr_id, status="held", amount_held="25000",
                       bank_case_id="B-77").status_code == 200
        worker = exchange.state.worker
        worker.client.close()
        worker.client = httpx.Client(transport=IntoApp(sakot_http))
        assert worker.run_once() == 1
        worker.client.close()
    exchange.state.engine.dispose()

    (text,) = victim_messages(app, conversation_id)
    bank = BY_NUMBER[number]
    assert bank.name_th in text and "25,000.00" in text
    assert str(bank.code) not in text and number not in text


@pytest.mark.parametrize("short_code", ["CIMBT", "UOBT", "ICBCT", "LHFG", "SMED"])
def test_a_legacy_short_code_alone_still_names_the_bank(app_and_case, short_code):
    """A callback from an exchange still on its old short codes (and no number)."""
    app, client, (conversation_id, _) = app_and_case
    payload = {**callback(f"evt_{short_code}", "held", amount="1200.00"),
               "bank_code": None, "bank_short_name": short_code}
    assert post(client, payload).status_code == 200
    (text,) = victim_messages(app, conversation_id)
    bank = BY_NUMBER[BANK_NUMBERS[LEGACY_SHORT_CODES[short_code]]]
    assert bank.name_th in text and short_code not in text


def test_every_bank_on_the_wire_has_a_name_in_sakot():
    for short_code, number in BANK_NUMBERS.items():
        assert from_wire(number) is from_wire(short_code) is BY_NUMBER[number]
        assert str(BY_NUMBER[number].code) == short_code
    for legacy, short_code in LEGACY_SHORT_CODES.items():
        assert from_wire(legacy) is from_wire(short_code)
