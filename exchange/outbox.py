"""Outbox delivery: signed POSTs to Sakot (status callbacks) and to banks (webhooks).

A change and its outbox row are committed together, so nothing is lost if the target (or the
exchange) is down. The worker claims due rows with a lease (safe with several workers), POSTs
them signed (the contract's `SigningAuth`), retries within one pass with exponential backoff
(tenacity), and on failure schedules the row for a later pass with a growing delay, until
`delivery_max_attempts`. Delivery is at-least-once; receivers drop repeats by `event_id`
(the response to a successful POST can be lost), which makes the effect exactly-once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta

import httpx
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from aoc_contract.http_auth import SigningAuth
from exchange import keys as keys_mod
from exchange.models import Delivery, UsedNonce, utcnow
from exchange.services import webhook_key_id
from exchange.settings import ExchangeSettings
from exchange.webhook_urls import WebhookUrlRefused, check_webhook_url

log = logging.getLogger("exchange.outbox")

LEASE_SECONDS = 120


class DeliveryFailed(Exception):
    pass


class OutboxWorker:
    def __init__(self, session_factory: sessionmaker[Session], settings: ExchangeSettings,
                 client: httpx.Client | None = None) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.client = client or httpx.Client(timeout=settings.delivery_timeout_seconds)

    # ------------------------------------------------------------------ signing per target
    def _credentials(self, session: Session, delivery: Delivery) -> tuple[str, str]:
        if delivery.kind == "callback":
            return (self.settings.callback_key_id,
                    self.settings.callback_secret.get_secret_value())
        from exchange.models import Agency, Webhook

        hook = session.scalar(select(Webhook).join(Agency).where(
            Agency.code == delivery.agency_code))
        version = hook.version if hook else 1
        secret = keys_mod.webhook_secret(self.settings.master_secret.get_secret_value(),
                                         delivery.agency_code or "", version)
        return webhook_key_id(delivery.agency_code or "", version), secret

    # ------------------------------------------------------------------------- one pass
    def due_ids(self, session: Session, limit: int = 50) -> list[int]:
        now = utcnow()
        return list(session.scalars(
            select(Delivery.id).where(
                Delivery.status == "pending", Delivery.next_attempt_at <= now,
                or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
            .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)))

    def claim(self, session: Session, delivery_id: int) -> bool:
        now = utcnow()
        result = session.execute(
            update(Delivery).where(
                Delivery.id == delivery_id, Delivery.status == "pending",
                or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
            .values(lease_until=now + timedelta(seconds=LEASE_SECONDS)))
        session.commit()
        return result.rowcount == 1

    def run_once(self) -> int:
        """Deliver every due row once (with in-pass retries). Returns how many succeeded."""
        delivered = 0
        with self.session_factory() as session:
            ids = self.due_ids(session)
        for delivery_id in ids:
            with self.session_factory() as session:
                if not self.claim(session, delivery_id):
                    continue
                delivery = session.get(Delivery, delivery_id)
                assert delivery is not None
                delivered += self._deliver(session, delivery)
        return delivered

    def _deliver(self, session: Session, delivery: Delivery) -> int:
        auth = SigningAuth(*self._credentials(session, delivery))
        body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "X-Sakot-Event-Id": delivery.event_id}
        attempts = 0

        def post_once() -> None:
            nonlocal attempts
            attempts += 1  # each try is signed afresh (new timestamp and nonce) by `auth`
            if delivery.kind != "callback":  # a bank's URL: DNS may have changed since
                try:
                    check_webhook_url(delivery.target_url,
                                      development=self.settings.is_development)
                except WebhookUrlRefused as exc:
                    raise DeliveryFailed(f"webhook URL refused: {exc}") from exc
            try:
                response = self.client.post(delivery.target_url, content=body, headers=headers,
                                            auth=auth)
            except httpx.HTTPError as exc:
                raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
            if not 200 <= response.status_code < 300:
                raise DeliveryFailed(f"HTTP {response.status_code}")

        s = self.settings
        retrying = Retrying(
            stop=stop_after_attempt(s.delivery_attempts_per_pass),
            wait=wait_exponential(multiplier=s.delivery_pass_wait_seconds,
                                  max=s.delivery_backoff_max_seconds),
            retry=retry_if_exception_type(DeliveryFailed), reraise=True)
        try:
            retrying(post_once)
        except DeliveryFailed as exc:
            delivery.attempts += attempts
            delivery.last_error = str(exc)[:500]
            delivery.lease_until = None
            if delivery.attempts >= s.delivery_max_attempts:
                delivery.status = "dead"
                log.error("delivery %s to %s gave up after %d attempts: %s",
                          delivery.event_id, delivery.kind, delivery.attempts, exc)
            else:
                delay = min(s.delivery_backoff_max_seconds,
                            s.delivery_backoff_initial_seconds * 2 ** delivery.attempts)
                delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
                log.warning("delivery %s failed (%d attempts): %s", delivery.event_id,
                            delivery.attempts, exc)
            session.commit()
            return 0
        delivery.attempts += attempts
        delivery.status = "delivered"
        delivery.delivered_at = utcnow()
        delivery.lease_until = None
        delivery.last_error = None
        session.commit()
        return 1

    def purge_nonces(self) -> int:
        cutoff = utcnow() - timedelta(seconds=2 * self.settings.replay_window_seconds)
        with self.session_factory() as session:
            result = session.execute(delete(UsedNonce).where(UsedNonce.seen_at < cutoff))
            session.commit()
            return result.rowcount or 0

    async def run_forever(self, stop: asyncio.Event) -> None:
        passes = 0
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.run_once)
                passes += 1
                if passes % 60 == 0:
                    await asyncio.to_thread(self.purge_nonces)
            except Exception:  # keep the worker alive; the row stays pending
                log.exception("outbox pass failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.settings.outbox_poll_seconds)
            except TimeoutError:
                pass
