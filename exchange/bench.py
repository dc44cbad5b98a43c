"""Measure the exchange over real HTTP: `python -m exchange.bench [DATABASE_URL] [N]`.

Starts the exchange (uvicorn, one process, outbox worker on, 0.2 s poll) and a callback
receiver on free local ports, then reports latency percentiles for signed requests, the
throughput of 8 concurrent reporters (distinct accounts, then all naming one account), and the time from a bank's ack to Sakot receiving the
signed callback. Uses a fresh SQLite file unless a database URL is given (it must be empty). The clients run
in the same Python process as the server, so absolute numbers understate a real deployment.
"""

from __future__ import annotations

import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aoc_contract import signing
from exchange.app import create_app
from exchange.client import AgencyClient
from exchange.seed import DEV_SECRETS
from exchange.settings import ExchangeSettings


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server


def _packet(account: str) -> dict:
    return {
        "source_case_ref": f"BENCH-{uuid.uuid4().hex[:12]}", "scam_type": "online_shopping",
        "priority": "P0", "reported_at": "2026-11-28T08:00:00+07:00",
        "victim_contact_ref": "sakot:contact/bench", "suspect_phones": ["+66812345678"],
        "transfers": [{"from_bank_code": "014", "from_account_no": "1234567890",
                       "to_bank_code": "004", "to_account_no": account,
                       "transfer_date": "2026-11-28", "transfer_amount": "5000.00"}]}


def _pct(values: list[float]) -> str:
    values = sorted(values)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))] * 1000  # noqa: E731
    return f"p50 {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, mean {statistics.mean(values)*1000:.1f} ms"


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else \
        f"sqlite:///{tempfile.mkdtemp()}/exchange-bench.db"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    received: dict[str, float] = {}
    cb_secret = "dev-only-exchange-callback-secret"

    async def callback(request: Request) -> JSONResponse:
        body = await request.body()
        signing.verify_request(request.headers, secret=cb_secret, method="POST",
                               path=request.url.path, body=body)
        import json

        received.setdefault(json.loads(body)["freeze_request_id"], time.perf_counter())
        return JSONResponse({"ok": True})

    cb_port, ex_port = _port(), _port()
    _serve(Starlette(routes=[Route("/exchange/callback", callback, methods=["POST"])]), cb_port)
    settings = ExchangeSettings(env="development", database_url=url, outbox_poll_seconds=0.2,
                                callback_url=f"http://127.0.0.1:{cb_port}/exchange/callback")
    server = _serve(create_app(settings), ex_port)
    base = f"http://127.0.0.1:{ex_port}"
    sakot = AgencyClient(base, key_id="sakot-dev", secret=DEV_SECRETS["sakot-dev"])
    kbank = AgencyClient(base, key_id="kbank-dev", secret=DEV_SECRETS["kbank-dev"])

    who, submit, ack, queue, cb_latency, frs = [], [], [], [], [], []
    for _ in range(20):
        t = time.perf_counter()
        sakot.get("/v1/whoami")
        who.append(time.perf_counter() - t)
    for i in range(n):
        t = time.perf_counter()
        r = sakot.submit_case(_packet(f"{1000000000 + i % 50}"), uuid.uuid4().hex)
        submit.append(time.perf_counter() - t)
        assert r.status_code == 201, r.text
        frs.append(r.json()["freeze_requests"][0]["id"])
    for _ in range(20):
        t = time.perf_counter()
        r = kbank.bank_queue("KBANK", "pending")
        queue.append(time.perf_counter() - t)
    queue_len = len(r.json()["items"])
    for fr in frs[:n // 2]:
        t = time.perf_counter()
        assert kbank.ack(fr, status="held", amount_held="5000").status_code == 200
        ack.append(time.perf_counter() - t)
        sent = time.perf_counter()
        deadline = sent + 10
        while fr not in received and time.perf_counter() < deadline:
            time.sleep(0.002)
        cb_latency.append(received.get(fr, deadline) - sent)

    def run_concurrent(account_of) -> tuple[float, list[float]]:
        def one(i: int) -> float:
            client = AgencyClient(base, key_id="sakot-dev", secret=DEV_SECRETS["sakot-dev"])
            t = time.perf_counter()
            r = client.submit_case(_packet(account_of(i)), uuid.uuid4().hex)
            assert r.status_code == 201, r.text
            client.close()
            return time.perf_counter() - t

        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            latencies = list(pool.map(one, range(n)))
        return time.perf_counter() - t0, latencies

    wall, concurrent = run_concurrent(lambda i: f"{2000000000 + i}")
    hot_wall, hot = run_concurrent(lambda i: "3000000000")

    print(f"database: {url.split('://')[0]}   requests: {n}")
    print(f"GET /v1/whoami (auth only)           {_pct(who)}")
    print(f"POST /v1/cases (1 transfer)           {_pct(submit)}")
    print(f"GET bank queue ({queue_len} pending items) {_pct(queue)}")
    print(f"POST ack (held)                       {_pct(ack)}")
    print(f"ack -> signed callback received       {_pct(cb_latency)} (worker poll 0.2 s)")
    print(f"8 concurrent reporters, distinct accounts: {n / wall:.0f} cases/s, "
          f"latency {_pct(concurrent)}")
    print(f"8 concurrent reporters, one hot mule account: {n / hot_wall:.0f} cases/s, "
          f"latency {_pct(hot)}")
    server.should_exit = True


if __name__ == "__main__":
    main()
