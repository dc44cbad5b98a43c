"""Freeze packets survive an exchange outage and workers killed mid-delivery (issue 8).

Real processes over real HTTP on free ports: the exchange (`python -m exchange serve`, its own
temporary SQLite database) and `sakot worker` processes on a temporary Sakot database (SQLite,
and PostgreSQL when the server answers). Between the workers and the exchange sits a small
HTTP relay that can hold the exchange's answers back, so a worker can be killed with SIGKILL
*after* the exchange stored a packet and *before* the worker heard about it — the case where
only the Idempotency-Key stops a second exchange case.

Proves: every escalated case reaches the exchange exactly once (one exchange case per Sakot
case, revision 1, i.e. never applied twice), every outbox row ends delivered, and each case
gets exactly one `freeze_packet_delivered` timeline event.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.cases import service
from bot.cases.facts import facts_from_text
from bot.outbox import store
from bot.outbox.exchange_client import ExchangeClient as PacketClient
from bot.storage.db import make_engine, make_session_factory, session_scope
from bot.storage.migrate import upgrade
from bot.cases.timeline import CaseEvent
from bot.storage.models import OutboxMessage, OutboxStatus, Priority
from exchange.client import AgencyClient
from exchange.seed import DEV_SECRETS

pytestmark = pytest.mark.slow

CASES = 12
LEASE_SECONDS = 3  # how long a dead worker's rows stay claimed before another worker retries


# --- processes ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The parent's environment without any SAKOT_ setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKOT_")}
    env.update(SAKOT_ENV="development", PYTHONUNBUFFERED="1", **extra)
    return env


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill9(self) -> None:
        os.killpg(self.popen.pid, signal.SIGKILL)  # the process and anything it started
        self.popen.wait(10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


@dataclass
class Processes:
    workdir: Path
    started: list[Proc] = field(default_factory=list)

    def spawn(self, name: str, args: list[str], env: dict[str, str],
              module: str = "sakot") -> Proc:
        log = self.workdir / f"{name}.log"
        handle = open(log, "w")  # noqa: SIM115 - the child keeps it
        popen = subprocess.Popen([sys.executable, "-m", module, *args], cwd=self.workdir,
                                 env=env, stdout=handle, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        handle.close()
        proc = Proc(name, popen, log)
        self.started.append(proc)
        return proc

    def exchange(self, *, port: int, database_url: str) -> Proc:
        proc = self.spawn("exchange", ["serve", "--port", str(port)],
                          clean_env(SAKOT_EXCHANGE_DATABASE_URL=database_url,
                                    SAKOT_EXCHANGE_RUN_OUTBOX_WORKER="false"),
                          module="exchange")
        wait_until(lambda: _healthy(f"http://127.0.0.1:{port}/health"), 60,
                   lambda: f"exchange did not start:\n{proc.tail()}", proc=proc)
        return proc

    def worker(self, name: str, *, database_url: str, exchange_url: str) -> Proc:
        return self.spawn(name, ["worker"], clean_env(
            SAKOT_DATABASE_URL=database_url, SAKOT_EXCHANGE_URL=exchange_url,
            SAKOT_OUTBOX_POLL_SECONDS="0.05", SAKOT_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
            SAKOT_OUTBOX_MAX_BACKOFF_SECONDS="0.5"))

    def stop_all(self) -> None:
        for proc in reversed(self.started):
            proc.stop()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until(condition: Callable[[], object], timeout: float, message: Callable[[], str],
               *, proc: Proc | None = None, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc is not None and not proc.alive():
            raise AssertionError(f"{proc.name} exited: {proc.tail()}")
        time.sleep(every)
    raise AssertionError(message())


# --- a relay between the workers and the exchange that can hold answers back ------------------

@dataclass
class Forwarded:
    idempotency_key: str | None
    status: int  # what the exchange answered; 502 when it was not reachable
    replayed: bool


class Relay:
    """Forwards every request to the exchange at once. After `hold()`, a successful answer is
    kept from the caller until `release()` (failures pass). Records what the exchange said."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.forwarded: list[Forwarded] = []
        self.held = 0
        self.forwarding = 0  # requests read from a worker, not yet answered by the exchange
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                relay._handle(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        with self._lock:
            self.forwarding += 1
        headers = {k: v for k, v in h.headers.items() if k.lower() not in ("host",
                                                                           "content-length")}
        try:
            answer = httpx.request(h.command, self.upstream + h.path, content=body,
                                   headers=headers, timeout=10)
            status, content = answer.status_code, answer.content
            replayed = answer.headers.get("Idempotent-Replayed") == "true"
            content_type = answer.headers.get("Content-Type", "application/json")
        except httpx.TransportError:
            status, content, replayed = 502, b'{"error":"exchange_down"}', False
            content_type = "application/json"
        with self._lock:
            self.forwarded.append(Forwarded(h.headers.get("Idempotency-Key"), status, replayed))
            self.forwarding -= 1
            held = status < 300 and not self._open.is_set()  # only answers of a stored packet
            self.held += held
        if held:
            self._open.wait(120)
        try:
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(content)))
            if replayed:
                h.send_header("Idempotent-Replayed", "true")
            h.end_headers()
            h.wfile.write(content)
        except OSError:  # the worker that asked was killed while we held its answer
            h.close_connection = True

    def stored(self) -> list[Forwarded]:
        with self._lock:
            return [f for f in self.forwarded if f.status in (200, 201)]

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


# --- Sakot side ----------------------------------------------------------------------------------

def report(i: int) -> str:
    return (f"โดนหลอกซื้อของ โอนเงินไป 5,{100 + i:03d} บาท เมื่อ 10 นาทีที่แล้ว "
            f"เข้าบัญชีกสิกร {100 + i}-4-56789-{i % 10} โอนจากไทยพาณิชย์ เบอร์คนขาย 089-876-5432")


def escalate_case(sessions, i: int) -> tuple[str, str]:
    """One urgent case through the case service: facts recorded, P0, escalated — the packet
    lands in the outbox in the same transaction. Returns (case id, case number)."""
    now = datetime.now(UTC)
    with session_scope(sessions) as s:
        conversation = service.get_or_create_conversation(
            s, conversation_id=uuid.uuid4().hex, channel="web")
        case = service.open_case(s, conversation=conversation)
        service.add_story(s, case=case, text=report(i), message_id=None)
        service.set_scam_type(s, case=case, scam_type="online_shopping", confidence=0.9,
                              source="classifier")
        service.record_facts(s, case=case, facts=facts_from_text(report(i), now),
                             message_id=None)
        service.set_money_lost(s, case=case, lost=True)
        service.raise_priority(s, case=case, priority=Priority.P0, reason="money_just_left")
        result = service.escalate(s, conversation=conversation, case=case, reported_at=now,
                                  reason="p0_triage")
        assert result.packet_queued, "the case service did not queue a packet"
        return case.id, case.case_number


def outbox_rows(sessions) -> list[OutboxMessage]:
    with sessions() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def exchange_cases(exchange_url: str) -> list[dict]:
    """Everything the exchange stored, as an AOC operator sees it."""
    aoc = AgencyClient(exchange_url, key_id="aoc-dev", secret=DEV_SECRETS["aoc-dev"])
    try:
        response = aoc.get("/v1/cases", params={"limit": 500})
        assert response.status_code == 200, response.text
        return response.json()["items"]
    finally:
        aoc.close()


@pytest.fixture
def sakot_sessions(database_url) -> Iterator[tuple[str, object]]:
    """Sakot's database (SQLite file, or a fresh PostgreSQL schema), migrated to head."""
    upgrade(database_url)
    engine = make_engine(database_url)
    yield database_url, make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def processes(tmp_path) -> Iterator[Processes]:
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


# --- the tests ---------------------------------------------------------------------------------

def test_every_packet_arrives_once_despite_outage_and_killed_workers(
        sakot_sessions, processes, tmp_path):
    database_url, sessions = sakot_sessions
    exchange_port = free_port()
    exchange_url = f"http://127.0.0.1:{exchange_port}"
    relay = Relay(exchange_url)
    try:
        # 1. The exchange is down. Twelve urgent cases are escalated: twelve packets queued.
        cases = dict(escalate_case(sessions, i) for i in range(CASES))
        assert len(outbox_rows(sessions)) == CASES

        # 2. Two workers try, fail (502 from the relay), back off and retry.
        a = processes.worker("worker-a", database_url=database_url, exchange_url=relay.url)
        b = processes.worker("worker-b", database_url=database_url, exchange_url=relay.url)
        wait_until(lambda: all(r.attempts >= 2 for r in outbox_rows(sessions)), 60,
                   lambda: f"rows were not retried:\n{a.tail()}\n{b.tail()}", proc=b)
        assert all(r.status == OutboxStatus.PENDING and r.last_error
                   for r in outbox_rows(sessions))
        assert relay.forwarded and all(f.status == 502 for f in relay.forwarded)

        # 3. Sakot restarts mid-way: worker A is killed, nothing is lost.
        a.kill9()

        # 4. The exchange comes up, but its answers are held: worker B's deliveries are stored
        #    at the exchange and B is killed before it hears back (no row is settled).
        relay.hold()
        exchange = processes.exchange(port=exchange_port,
                                      database_url=f"sqlite:///{tmp_path / 'exchange.db'}")
        wait_until(lambda: relay.held >= 1, 30, lambda: f"no delivery reached the exchange:\n"
                   f"{b.tail()}", proc=b)
        time.sleep(0.3)  # let the rest of B's batch arrive too
        b.kill9()
        wait_until(lambda: relay.forwarding == 0, 10, lambda: "relay still forwarding")
        in_flight = {f.idempotency_key for f in relay.stored()}
        assert in_flight, "the exchange stored nothing before worker B died"
        assert not any(r.status == OutboxStatus.DELIVERED for r in outbox_rows(sessions))
        assert len(exchange_cases(exchange_url)) == len(in_flight)

        # 5. A new worker starts; answers flow again. Rows B held are retried after its lease.
        relay.release()
        c = processes.worker("worker-c", database_url=database_url, exchange_url=relay.url)
        wait_until(lambda: all(r.status == OutboxStatus.DELIVERED
                               for r in outbox_rows(sessions)),
                   60, lambda: f"not all delivered:\n{c.tail()}", proc=c)
        assert exchange.alive()
    finally:
        relay.close()

    # Every packet is stored exactly once: one exchange case per Sakot case, never amended.
    stored = exchange_cases(exchange_url)
    refs = sorted(c["source_case_ref"] for c in stored)
    assert refs == sorted(cases.values())
    assert all(c["revision"] == 1 and len(c["freeze_requests"]) == 1 for c in stored)

    # The packets B had in flight really were sent again, and the exchange replayed its answer.
    resent = [f for f in relay.stored() if f.idempotency_key in in_flight and f.replayed]
    assert {f.idempotency_key for f in resent} == in_flight

    rows = outbox_rows(sessions)
    assert len(rows) == CASES and all(r.delivered_at and r.status == OutboxStatus.DELIVERED
                                      for r in rows)
    with sessions() as s:
        for case_id in cases:
            delivered = list(s.scalars(select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == "freeze_packet_delivered")))
            assert len(delivered) == 1, f"case {case_id}: {len(delivered)} delivered events"
            assert delivered[0].data["idempotency_key"] == f"{case_id}:v1"
            assert delivered[0].data["exchange"]["case_id"].startswith("case")


def test_the_same_packet_sent_twice_makes_one_exchange_case(processes, tmp_path):
    """The worker's own client, twice with one Idempotency-Key (in a row and at once)."""
    database_url = f"sqlite:///{tmp_path / 'sakot.db'}"
    upgrade(database_url)
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    port = free_port()
    processes.exchange(port=port, database_url=f"sqlite:///{tmp_path / 'exchange.db'}")
    case_id, case_number = escalate_case(sessions, 0)
    (message,) = store.claim_due(sessions)
    assert message.idempotency_key == f"{case_id}:v1"

    receipts: list[dict] = []

    async def send_twice_then_race() -> None:
        client = PacketClient(base_url=f"http://127.0.0.1:{port}", key_id="sakot-dev",
                              secret=DEV_SECRETS["sakot-dev"],
                              on_delivered=lambda _m, receipt: receipts.append(receipt))
        try:
            await client.deliver_case_packet(message)
            await client.deliver_case_packet(message)
            await asyncio.gather(*(client.deliver_case_packet(message) for _ in range(4)))
        finally:
            await client.aclose()

    asyncio.run(send_twice_then_race())
    engine.dispose()
    assert len(receipts) == 6 and len({r["case_id"] for r in receipts}) == 1
    stored = exchange_cases(f"http://127.0.0.1:{port}")
    assert [(c["source_case_ref"], c["revision"]) for c in stored] == [(case_number, 1)]
