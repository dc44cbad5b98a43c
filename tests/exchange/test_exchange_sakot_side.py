"""The contract with Sakot's own code: its outbox client's packets are accepted.

Uses bot/outbox/exchange_client.py and bot/cases/packet.py's field shapes unchanged, talking
to this exchange in-process (httpx ASGI transport), as the worker does over the network.
"""

from __future__ import annotations

import httpx
import pytest

from exchange.seed import DEV_SECRETS

bot_client = pytest.importorskip("bot.outbox.exchange_client")
store = pytest.importorskip("bot.outbox.store")


@pytest.fixture
def db_url(sqlite_db_url):
    return sqlite_db_url


def _message(payload: dict, key: str):
    return store.ClaimedMessage(id=1, topic="exchange.case_packet", idempotency_key=key,
                                payload=payload, attempts=0)


PACKET = {
    "source_case_ref": "SK-7KQ4M9", "scam_type": "call_center", "priority": "P0",
    "reported_at": "2026-11-28T14:05:00+07:00", "victim_contact_ref": "sakot-case-SK-7KQ4M9",
    "summary": "เขาอ้างเป็นตำรวจ ให้โอนเข้าบัญชีปลอดภัย", "suspect_phones": ["+66812345678"],
    "transfers": [
        {"from_bank_code": "014", "from_account_no": "1234567890", "to_bank_code": "004",
         "to_account_no": "0987654321", "transfer_date": "2026-11-28", "transfer_time": "13:41",
         "transfer_amount": "25000.00", "transfer_ref": "2026112813410012",
         "transfer_channel": "EBank/Mobile"},
        {"from_bank_code": "014", "from_account_no": "1234567890", "promptpay_type": "mobile",
         "promptpay_id": "0899999999", "transfer_date": "2026-11-28", "transfer_time": "13:41",
         "transfer_channel": "EBank/Mobile"},
    ],
}


async def test_sakot_outbox_client_delivers_and_redelivers_harmlessly(app, kbank):
    delivered: list[dict] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://exchange") as http:
        client = bot_client.ExchangeClient(
            base_url="http://exchange", key_id="sakot-dev", secret=DEV_SECRETS["sakot-dev"],
            client=http, on_delivered=lambda _m, body: delivered.append(body))
        await client.deliver_case_packet(_message(PACKET, "case-1:v1"))
        await client.deliver_case_packet(_message(PACKET, "case-1:v1"))  # crash + resend
        amended = {**PACKET, "transfers": [{**PACKET["transfers"][1], "to_bank_code": "006"},
                                           PACKET["transfers"][0]]}
        await client.deliver_case_packet(_message(amended, "case-1:v2"))
    assert delivered[0] == delivered[1]
    assert delivered[2]["revision"] == 2 and delivered[2]["case_id"] == delivered[0]["case_id"]
    statuses = {f["destination"].get("account_no") or f["destination"]["promptpay_id"]:
                f["status"] for f in delivered[2]["freeze_requests"]}
    assert statuses == {"0987654321": "pending", "0899999999": "pending"}
    assert len(kbank.bank_queue("KBANK").json()["items"]) == 1
