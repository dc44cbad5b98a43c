"""``SigningAuth``: the contract's signature as an ``httpx.Auth``, for every sender.

httpx calls ``auth_flow`` with the request exactly as it will go on the wire, so the body and
the path with its query string are signed as sent, with any httpx client (sync or async) and
with Starlette's TestClient. Pass it per client (``httpx.Client(auth=...)``) or per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator

import httpx

from aoc_contract.signing import sign_request


class SigningAuth(httpx.Auth):
    requires_request_body = True

    def __init__(self, key_id: str, secret: str, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.key_id = key_id
        self.secret = secret
        # Whose time the signature's timestamp is on: a sender whose clock drifted from the
        # receiver's passes a clock corrected by the offset it learnt.
        self.clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

    def sign(self, request: httpx.Request) -> None:
        """Add the four signature headers to a built request (for clients that are not
        ``httpx.Client``s and so refuse an ``httpx.Auth``, such as Starlette's TestClient)."""
        request.headers.update(sign_request(
            key_id=self.key_id, secret=self.secret, method=request.method,
            path=request.url.raw_path.decode("ascii"), body=request.content,
            timestamp=int(self.clock())))
