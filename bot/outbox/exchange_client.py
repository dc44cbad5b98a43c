"""Delivers case packets to the AOC exchange over signed HTTP (the contract: ``aoc_contract``).

The exchange (ours in `exchange/`, or a real backend configured by SAKOT_EXCHANGE_URL)
deduplicates on the Idempotency-Key header, so a packet re-sent after a crash is stored once.

Clock drift: the exchange refuses a signature whose timestamp is more than its window (300 s)
away from its own clock (`timestamp_outside_window`). That is a fault of the two clocks, not of
the packet, so it is never a reason to drop a freeze request: the client learns the exchange's
time from the refusal (`server_time` in the body, else the HTTP `Date` header), re-signs with a
new timestamp and nonce on the exchange's clock and sends again at once; if the exchange still
refuses, the error is transient and the outbox retries with backoff.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import httpx

from aoc_contract.http_auth import SigningAuth
from bot.outbox.store import ClaimedMessage
from bot.outbox.worker import PermanentDeliveryError

log = logging.getLogger(__name__)

CASES_PATH = "/v1/cases"
STALE_TIMESTAMP = "timestamp_outside_window"
# The receiver judged the content itself: retrying the same bytes cannot succeed.
PERMANENT_STATUSES = {400, 401, 403, 404, 409, 413, 422}


class ExchangeUnavailable(Exception):
    pass


class ExchangeClockSkew(ExchangeUnavailable):
    """The exchange refused our timestamp even after re-signing on its clock: retry later."""


def error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def exchange_time(response: httpx.Response) -> float | None:
    """The exchange's clock when it answered: `server_time` in the body, else `Date`."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("server_time"), int | float):
        return float(body["server_time"])
    date = response.headers.get("date")
    if date:
        try:
            return parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return None
    return None


class ExchangeClient:
    def __init__(self, *, base_url: str, key_id: str, secret: str,
                 client: httpx.AsyncClient | None = None,
                 on_delivered: Callable[[ClaimedMessage, dict], None] | None = None,
                 timeout: float = 10.0, clock: Callable[[], float] = time.time) -> None:
        self.base_url = base_url.rstrip("/")
        # Signed on the exchange's clock as far as we know it (a new timestamp and nonce each try).
        self.auth = SigningAuth(key_id, secret, clock=lambda: self.clock() + self.clock_offset)
        self.client = client or httpx.AsyncClient(timeout=timeout)
        self.on_delivered = on_delivered
        self.clock = clock
        # The exchange's clock minus ours, learnt from a stale-timestamp refusal.
        self.clock_offset = 0.0

    async def deliver_case_packet(self, message: ClaimedMessage) -> None:
        body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
        response = await self._post_signed(body, message.idempotency_key)
        if response.status_code == 401 and error_code(response) == STALE_TIMESTAMP:
            server_now = exchange_time(response)
            if server_now is not None:
                self.clock_offset = server_now - self.clock()
            log.warning("outbox %s: the exchange refused our timestamp (clock offset %+.0f s); "
                        "re-signing on the exchange's clock", message.id, self.clock_offset)
            response = await self._post_signed(body, message.idempotency_key)
            if response.status_code == 401 and error_code(response) == STALE_TIMESTAMP:
                raise ExchangeClockSkew(
                    "the exchange still refuses our timestamp; the two clocks disagree by "
                    f"about {self.clock_offset:+.0f} s")
        if response.status_code in PERMANENT_STATUSES:
            raise PermanentDeliveryError(
                f"exchange refused the packet: HTTP {response.status_code} {response.text[:500]}")
        if response.status_code >= 300:
            raise ExchangeUnavailable(f"exchange answered HTTP {response.status_code}")
        if self.on_delivered:
            self.on_delivered(message, response.json())

    async def _post_signed(self, body: bytes, idempotency_key: str) -> httpx.Response:
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": "application/json"}
        try:
            return await self.client.post(self.base_url + CASES_PATH, content=body,
                                          headers=headers, auth=self.auth)
        except httpx.TransportError as exc:
            raise ExchangeUnavailable(f"exchange unreachable: {type(exc).__name__}") from exc

    async def aclose(self) -> None:
        await self.client.aclose()
