"""An agency's signed HTTP client for the exchange API (the bank demo CLI and the tests).

Sakot's own client is ``bot/outbox/exchange_client.py``; both sign with the contract's
``SigningAuth`` (an ``httpx.Auth``), handed to httpx per request.
"""

from __future__ import annotations

from typing import Any

import httpx

from aoc_contract.http_auth import SigningAuth


class AgencyClient:
    def __init__(self, base_url: str = "http://127.0.0.1:8100", *, key_id: str, secret: str,
                 http: httpx.Client | None = None, timeout: float = 10.0) -> None:
        self.auth = SigningAuth(key_id, secret)
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)

    def request(self, method: str, path: str, *, json: Any = None,
                params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None) -> httpx.Response:
        if isinstance(self.http, httpx.Client):
            return self.http.request(method, path, json=json, params=params, headers=headers,
                                     auth=self.auth)
        # Starlette's TestClient is built on httpx2, whose clients refuse an httpx.Auth.
        request = self.http.build_request(method, path, json=json, params=params,
                                          headers=headers)
        self.auth.sign(request)
        return self.http.send(request)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, **kw)

    # Convenience calls -------------------------------------------------------------------
    def submit_case(self, packet: dict[str, Any], idempotency_key: str) -> httpx.Response:
        return self.post("/v1/cases", json=packet, headers={"Idempotency-Key": idempotency_key})

    def bank_queue(self, code: str, status: str | None = "pending") -> httpx.Response:
        params = {"status": status} if status else None
        return self.get(f"/v1/banks/{code}/freeze-requests", params=params)

    def ack(self, fr_id: str, **fields: Any) -> httpx.Response:
        return self.post(f"/v1/freeze-requests/{fr_id}/ack", json=fields)

    def close(self) -> None:
        self.http.close()
