"""Delivers case packets to the AOC exchange over signed HTTP (see exchange/README.md).

The exchange (ours in `exchange/`, or a real backend configured by SAKOT_EXCHANGE_URL)
deduplicates on the Idempotency-Key header, so a packet re-sent after a crash is stored once.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from bot.outbox.store import ClaimedMessage
from bot.outbox.worker import PermanentDeliveryError
from exchange.signing import sign_request

CASES_PATH = "/v1/cases"
# The receiver judged the content itself: retrying the same bytes cannot succeed.
PERMANENT_STATUSES = {400, 401, 403, 404, 409, 413, 422}


class ExchangeUnavailable(Exception):
    pass


class ExchangeClient:
    def __init__(self, *, base_url: str, key_id: str, secret: str,
                 client: httpx.AsyncClient | None = None,
                 on_delivered: Callable[[ClaimedMessage, dict], None] | None = None,
                 timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.key_id = key_id
        self.secret = secret
        self.client = client or httpx.AsyncClient(timeout=timeout)
        self.on_delivered = on_delivered

    async def deliver_case_packet(self, message: ClaimedMessage) -> None:
        body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = sign_request(key_id=self.key_id, secret=self.secret, method="POST",
                               path=CASES_PATH, body=body)
        headers["Idempotency-Key"] = message.idempotency_key
        headers["Content-Type"] = "application/json"
        try:
            response = await self.client.post(self.base_url + CASES_PATH, content=body,
                                              headers=headers)
        except httpx.TransportError as exc:
            raise ExchangeUnavailable(f"exchange unreachable: {type(exc).__name__}") from exc
        if response.status_code in PERMANENT_STATUSES:
            raise PermanentDeliveryError(
                f"exchange refused the packet: HTTP {response.status_code} {response.text[:500]}")
        if response.status_code >= 300:
            raise ExchangeUnavailable(f"exchange answered HTTP {response.status_code}")
        if self.on_delivered:
            self.on_delivered(message, response.json())

    async def aclose(self) -> None:
        await self.client.aclose()
