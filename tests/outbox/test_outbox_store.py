"""Outbox rows are claimed by one worker at a time, retried with backoff, never lost."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from sqlalchemy import select

from bot.outbox import store
from bot.outbox.worker import OutboxWorker, PermanentDeliveryError
from bot.storage.db import session_scope
from bot.storage.models import OutboxMessage, OutboxStatus, utcnow


def _queue(sessions, n, topic="exchange.case_packet"):
    with session_scope(sessions) as s:
        for i in range(n):
            assert store.enqueue(s, topic=topic, idempotency_key=f"k{i}", payload={"i": i})


def test_enqueue_is_idempotent(migrated_sessions):
    _queue(migrated_sessions, 1)
    with session_scope(migrated_sessions) as s:
        assert not store.enqueue(s, topic="t", idempotency_key="k0", payload={})
        assert s.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == "k0"))


def test_claim_is_a_lease(migrated_sessions):
    _queue(migrated_sessions, 3)
    first = store.claim_due(migrated_sessions, limit=10, lease_seconds=60)
    assert sorted(m.payload["i"] for m in first) == [0, 1, 2]
    assert all(m.attempts == 1 for m in first)
    assert store.claim_due(migrated_sessions) == []  # leased, not due
    later = utcnow() + timedelta(seconds=61)
    again = store.claim_due(migrated_sessions, now=later)  # lease expired: a crashed worker
    assert len(again) == 3 and all(m.attempts == 2 for m in again)


def test_concurrent_claimers_never_share_a_row(migrated_sessions):
    _queue(migrated_sessions, 60)
    got: list[list[int]] = []
    barrier = threading.Barrier(4)

    def claimer():
        barrier.wait()
        mine = []
        while batch := store.claim_due(migrated_sessions, limit=5):
            mine.extend(m.id for m in batch)
        got.append(mine)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [i for mine in got for i in mine]
    assert len(ids) == 60 and len(set(ids)) == 60


def test_worker_retries_then_delivers_exactly_once(migrated_sessions):
    _queue(migrated_sessions, 1)
    calls = []

    async def flaky(message):
        calls.append(message.attempts)
        if len(calls) < 3:
            raise ConnectionError("exchange down")

    worker = OutboxWorker(migrated_sessions, {"exchange.case_packet": flaky})

    async def drive():
        for _ in range(3):
            await worker.run_once()
            with session_scope(migrated_sessions) as s:  # make the retry due now
                for row in s.scalars(select(OutboxMessage)):
                    row.next_attempt_at = utcnow() - timedelta(seconds=1)

    asyncio.run(drive())
    assert calls == [1, 2, 3]
    with session_scope(migrated_sessions) as s:
        row = s.scalars(select(OutboxMessage)).one()
        assert row.status == OutboxStatus.DELIVERED and row.delivered_at is not None
    assert asyncio.run(worker.run_once()) == 0
    assert worker.stats.delivered == 1 and worker.stats.retried == 2


def test_permanent_rejection_is_kept_and_reported(migrated_sessions):
    _queue(migrated_sessions, 1)
    reported = []

    async def refuse(message):
        raise PermanentDeliveryError("HTTP 422 to_bank_code missing")

    worker = OutboxWorker(migrated_sessions, {"exchange.case_packet": refuse},
                          on_dead=lambda m, err: reported.append((m.idempotency_key, err)))
    asyncio.run(worker.run_once())
    with session_scope(migrated_sessions) as s:
        row = s.scalars(select(OutboxMessage)).one()
        assert row.status == OutboxStatus.DEAD and "422" in row.last_error
        assert row.payload == {"i": 0}  # the packet is kept for staff to fix and resend
    assert reported == [("k0", "HTTP 422 to_bank_code missing")]


def test_backoff_grows_and_is_capped():
    import random

    rng = random.Random(1)
    delays = [store.backoff_seconds(n, rng=rng) for n in range(1, 15)]
    assert delays[0] <= 1.0 and delays[5] >= 16
    assert max(delays) <= store.BACKOFF_MAX_SECONDS
