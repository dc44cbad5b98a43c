"""A small signed HTTP client for the exchange (used by the CLI and the tests).

`SigningAuth` is an `httpx.Auth`: it signs whatever request httpx is about to send, body and
path+query exactly as they go on the wire, so it works with any httpx client (sync or async).
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Generator
from typing import Any

import httpx

from exchange.signing import sign_request


class SigningAuth(httpx.Auth):
    requires_request_body = True

    def __init__(self, key_id: str, secret: str) -> None:
        self.key_id = key_id
        self.secret = secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = sign_request(key_id=self.key_id, secret=self.secret, method=request.method,
                               path=request.url.raw_path.decode("ascii"),
                               body=request.content or b"")
        request.headers.update(headers)
        yield request


class ExchangeClient:
    def __init__(self, base_url: str = "http://127.0.0.1:8100", *, key_id: str, secret: str,
                 http: httpx.Client | None = None, timeout: float = 10.0) -> None:
        self.auth = SigningAuth(key_id, secret)
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)

    def request(self, method: str, path: str, *, json: Any = None,
                params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None) -> httpx.Response:
        content = None
        headers = dict(headers or {})
        if json is not None:
            content = jsonlib.dumps(json, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json")
        # Build, sign, send: works with httpx clients and look-alikes (Starlette's TestClient).
        request = self.http.build_request(method, path, content=content, params=params,
                                          headers=headers)
        request.headers.update(sign_request(
            key_id=self.auth.key_id, secret=self.auth.secret, method=request.method,
            path=request.url.raw_path.decode("ascii"), body=request.content or b""))
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
