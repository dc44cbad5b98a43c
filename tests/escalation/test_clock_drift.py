"""A freeze packet refused for a stale timestamp is re-signed and retried, never dropped.

Sakot's worker and the exchange run on different hosts; if their clocks drift more than the
exchange's window (300 s) apart, the exchange answers 401 `timestamp_outside_window`. That says
nothing about the packet, so the packet must not be marked dead (which would silently lose a
victim's freeze request). These tests run the real outbox worker and client against the real
exchange app (in-process over httpx's ASGI transport) with Sakot's clock set wrong.
"""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import select

from bot.cases import packet
from bot.outbox import store
from bot.outbox.exchange_client import ExchangeClient
from bot.outbox.worker import OutboxWorker
from bot.storage.db import make_engine, make_session_factory, session_scope
from bot.storage.migrate import upgrade
from bot.storage.models import OutboxMessage, OutboxStatus
from exchange.app import create_app as create_exchange
from exchange.seed import DEV_SECRETS
from exchange.settings import ExchangeSettings

PACKET = {
    "source_case_ref": "SK-DRIFT1", "scam_type": "call_center", "priority": "P0",
    "reported_at": "2026-11-28T14:05:00+07:00", "victim_contact_ref": "sakot-case-SK-DRIFT1",
    "suspect_phones": ["+66812345678"],
    "transfers": [
        {"from_bank_code": "014", "from_account_no": "1234567890", "to_bank_code": "004",
         "to_account_no": "0987654321", "transfer_date": "2026-11-28", "transfer_time": "13:41",
         "transfer_amount": "25000.00", "transfer_ref": "2026112813410012",
         "transfer_channel": "EBank/Mobile"},
    ],
}


@pytest.fixture
def sakot_sessions(tmp_path):
    url = f"sqlite:///{tmp_path / 'sakot.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def exchange_app(tmp_path):
    settings = ExchangeSettings(env="development",
                                database_url=f"sqlite:///{tmp_path / 'exchange.db'}",
                                run_outbox_worker=False)
    app = create_exchange(settings, start_worker=False)
    yield app
    app.state.worker.client.close()
    app.state.engine.dispose()


def queue_packet(sessions) -> int:
    with session_scope(sessions) as session:
        store.enqueue(session, topic=packet.TOPIC, idempotency_key="case-drift:v1",
                      payload=PACKET)
    with sessions() as session:
        return session.scalar(select(OutboxMessage.id))


def row(sessions, message_id: int) -> OutboxMessage:
    with sessions() as session:
        return session.get(OutboxMessage, message_id)


@pytest.mark.parametrize("drift_seconds", [-400, 900, -86_400])
async def test_packet_signed_on_a_drifted_clock_is_resigned_and_delivered(
        sakot_sessions, exchange_app, drift_seconds):
    message_id = queue_packet(sakot_sessions)
    delivered: list[dict] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=exchange_app),
                                 base_url="http://exchange") as http:
        client = ExchangeClient(base_url="http://exchange", key_id="sakot-dev",
                                secret=DEV_SECRETS["sakot-dev"], client=http,
                                clock=lambda: time.time() + drift_seconds,
                                on_delivered=lambda _m, body: delivered.append(body))
        worker = OutboxWorker(sakot_sessions, {packet.TOPIC: client.deliver_case_packet})
        assert await worker.run_once() == 1
    settled = row(sakot_sessions, message_id)
    assert settled.status == OutboxStatus.DELIVERED, settled.last_error
    assert worker.stats.dead == 0
    assert delivered and delivered[0]["freeze_requests"]
    assert abs(client.clock_offset + drift_seconds) < 5  # learnt the exchange's clock


async def test_stale_timestamp_without_a_usable_server_clock_is_retried_not_dead(sakot_sessions):
    """An exchange that keeps refusing the timestamp: transient, retried with backoff."""
    message_id = queue_packet(sakot_sessions)
    calls: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["X-Sakot-Nonce"])
        return httpx.Response(401, json={"error": "timestamp_outside_window",
                                         "message": "timestamp is more than 300 s away"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        client = ExchangeClient(base_url="http://exchange", key_id="sakot-dev",
                                secret=DEV_SECRETS["sakot-dev"], client=http)
        worker = OutboxWorker(sakot_sessions, {packet.TOPIC: client.deliver_case_packet})
        await worker.run_once()
    settled = row(sakot_sessions, message_id)
    assert settled.status == OutboxStatus.PENDING
    assert "timestamp" in (settled.last_error or "")
    assert worker.stats.dead == 0 and worker.stats.retried == 1
    assert len(calls) == 2 and calls[0] != calls[1]  # re-signed with a new nonce


async def test_a_packet_the_exchange_rejects_on_content_is_still_dead(sakot_sessions,
                                                                       exchange_app):
    """Only the clock is forgiven: a wrong key is a permanent refusal, as before."""
    message_id = queue_packet(sakot_sessions)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=exchange_app),
                                 base_url="http://exchange") as http:
        client = ExchangeClient(base_url="http://exchange", key_id="sakot-dev",
                                secret="not-the-secret-" + "x" * 32, client=http)
        worker = OutboxWorker(sakot_sessions, {packet.TOPIC: client.deliver_case_packet})
        await worker.run_once()
    assert row(sakot_sessions, message_id).status == OutboxStatus.DEAD
