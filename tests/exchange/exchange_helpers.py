"""Helpers for the exchange tests: packet builders and a real HTTP callback receiver."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from exchange.client import AgencyClient


def make_transfer(to_account: str | None = "0987654321", bank: str = "004",
                  amount: Any = "5000.00", **extra: Any) -> dict[str, Any]:
    t = {"from_bank_code": "014", "from_account_no": "1234567890", "to_bank_code": bank,
         "transfer_date": "2026-11-28", "transfer_time": "07:40", "transfer_amount": amount,
         "transfer_ref": f"REF{uuid.uuid4().hex[:8]}"}
    if to_account:
        t["to_account_no"] = to_account
    t.update(extra)
    return t


def make_packet(ref: str | None = None, transfers: list[dict] | None = None,
                **extra: Any) -> dict[str, Any]:
    packet = {
        "source_case_ref": ref or f"SKT-{uuid.uuid4().hex[:8]}",
        "scam_type": "online_shopping", "priority": "P1",
        "reported_at": "2026-11-28T08:00:00+07:00",
        "victim_contact_ref": "sakot:contact/7f3a9c",
        "suspect_phones": ["+66812345678"],
        "summary": "ร้านค้าในเฟซบุ๊กปิดเพจหนีหลังโอนเงิน",
        "transfers": transfers or [make_transfer()],
    }
    packet.update(extra)
    return packet


def submit(client: AgencyClient, packet: dict | None = None,
           key: str | None = None) -> dict[str, Any]:
    response = client.submit_case(packet or make_packet(), key or uuid.uuid4().hex)
    assert response.status_code == 201, response.text
    return response.json()


# ------------------------------------------------------------------ a real HTTP receiver


class Receiver:
    """A tiny Sakot-like callback endpoint on a real port: verifies signatures, dedupes."""

    def __init__(self, port: int, secret: str, key_id: str = "exchange",
                 path: str = "/exchange/callback") -> None:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        from aoc_contract import signing

        self.port, self.secret, self.key_id = port, secret, key_id
        self.posts: list[dict] = []  # every POST that arrived
        self.events: dict[str, dict] = {}  # accepted, deduplicated by event_id
        self.rejected: list[str] = []
        self.fail_next = 0
        self.seen_nonces: set[str] = set()

        async def callback(request: Request) -> JSONResponse:
            import json

            body = await request.body()
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            try:
                signed = signing.verify_request(request.headers, secret=self.secret,
                                                method="POST", path=target, body=body,
                                                expected_key_id=self.key_id)
            except signing.SignatureError as exc:
                self.rejected.append(exc.reason)
                return JSONResponse({"error": exc.reason}, status_code=401)
            if signed.nonce in self.seen_nonces:
                self.rejected.append("replay")
                return JSONResponse({"error": "replay"}, status_code=401)
            self.seen_nonces.add(signed.nonce)
            payload = json.loads(body)
            self.posts.append(payload)
            if self.fail_next:
                self.fail_next -= 1
                return JSONResponse({"error": "temporarily down"}, status_code=503)
            self.events.setdefault(payload["event_id"], payload)
            return JSONResponse({"ok": True})

        self.app = Starlette(routes=[Route(path, callback, methods=["POST"])])
        self.server = None
        self.thread = None

    def start(self) -> Receiver:
        import uvicorn

        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("receiver did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.server = None
