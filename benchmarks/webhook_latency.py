"""LINE webhook latency against the running app, over real HTTP.

Three processes besides this one: the app (`sakot serve`), the LINE simulator
(`sakot line-sim --serve`) and a canned Rasa (this file with --fake-rasa), so the client's
threads don't share a GIL with what is measured. For each signed text webhook we record

- ack: from sending the request to receiving LINE's required 200 (what LINE times out on);
- answered: from sending to the simulator having recorded the bot's reply (end to end, with
  the dialogue answering in ~0 ms: this is the channel + engine + storage overhead).

    .venv/bin/python benchmarks/webhook_latency.py            # 300 sequential + 300 concurrent
    .venv/bin/python benchmarks/webhook_latency.py --requests 1000 --concurrency 32
    .venv/bin/python benchmarks/webhook_latency.py --app-url http://127.0.0.1:8000 ...
        (an app you started yourself, pointed at a simulator on --sim-port)

Writes benchmarks/results/channels.md (use --no-write to only print).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.percentiles import percentile  # noqa: E402
from channels.line import simulator as sim  # noqa: E402

SECRET, TOKEN = sim.DEV_CHANNEL_SECRET, sim.DEV_ACCESS_TOKEN
RESULTS = ROOT / "benchmarks" / "results" / "channels.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fake_rasa(port: int) -> None:
    import uvicorn
    from fastapi import FastAPI, Request

    app = FastAPI()

    @app.post("/webhooks/rest/webhook")
    async def webhook(request: Request):
        body = await request.json()
        return [{"recipient_id": body["sender"], "text": "รับทราบค่ะ โทรหาธนาคารหรือ 1441",
                 "buttons": [{"title": "ใช่", "payload": "/affirm"},
                             {"title": "ไม่ใช่", "payload": "/deny"}]}]

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def wait_ready(url: str, proc: subprocess.Popen | None, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout}s")


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process (Linux /proc), to report CPU per message: unlike
    latency, it hardly depends on what else the machine is doing."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


async def run_one_at_a_time(app_url: str, sim_url: str, n: int
                            ) -> tuple[list[float], list[float], int]:
    """One victim at a time: the next webhook goes only after the previous one was answered."""
    acks, answered, failures = [], [], 0
    for _ in range(n):
        a, b, f = await run_batch(app_url, sim_url, 1, 1)
        acks += a
        answered += b
        failures += f
    return acks, answered, failures


async def run_batch(app_url: str, sim_url: str, n: int, concurrency: int
                    ) -> tuple[list[float], list[float], int]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30.0, limits=limits) as client:
        mark = (await client.get(f"{sim_url}/_sim/calls")).json()["last_seq"]
        users = [sim.new_user_id() for _ in range(n)]
        tokens = [(await client.post(f"{sim_url}/_sim/tokens", json={"user_id": u})).json()[
            "reply_token"] for u in users]
        sent_at: dict[str, float] = {}
        acks: list[float] = []
        failures = 0
        gate = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            nonlocal failures
            body = sim.webhook_body([sim.text_event(users[i], "โดนหลอกโอนเงินค่ะ", tokens[i])])
            headers = {"content-type": "application/json",
                       "x-line-signature": sim.sign(body, SECRET)}
            async with gate:
                started = time.perf_counter()
                sent_at[users[i]] = time.time()
                response = await client.post(f"{app_url}/line/webhook", content=body,
                                             headers=headers)
                acks.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    failures += 1

        await asyncio.gather(*(one(i) for i in range(n)))
        answered: dict[str, float] = {}
        deadline = time.monotonic() + 60
        while len(answered) < n and time.monotonic() < deadline:
            calls = (await client.get(f"{sim_url}/_sim/calls", params={"after": mark})).json()
            mark = max([mark] + [c["seq"] for c in calls["calls"]])  # read each call once
            for call in calls["calls"]:
                if call["kind"] in ("reply", "push") and call["to"] in sent_at \
                        and call["to"] not in answered:
                    answered[call["to"]] = (call["at"] - sent_at[call["to"]]) * 1000
            await asyncio.sleep(0.5 if n > 1 else 0.005)
        return acks, list(answered.values()), failures + (n - len(answered))


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": percentile(values, 0.50), "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99), "max": max(values),
            "mean": statistics.fmean(values)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--app-url")
    parser.add_argument("--sim-port", type=int)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true",
                        help="use a throwaway database on the local PostgreSQL server")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--append-to", help="append the tables to this file instead")
    parser.add_argument("--fake-rasa", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fake_rasa:
        fake_rasa(args.fake_rasa)
        return 0

    args.load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    procs: list[subprocess.Popen] = []
    workdir = Path(tempfile.mkdtemp(prefix="sakot-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    pg_name = None
    if args.postgres:
        import psycopg

        pg_name = f"sakot_bench_{os.getpid()}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_name}"
    try:
        sim_port = args.sim_port or free_port()
        sim_url = f"http://127.0.0.1:{sim_port}"
        python = sys.executable
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT}
        if not args.sim_port:
            procs.append(subprocess.Popen([python, "-m", "sakot", "line-sim", "--serve",
                                           "--sim-port", str(sim_port)], **quiet,
                                          env={**os.environ, "SAKOT_LINE_CHANNEL_ACCESS_TOKEN":
                                               TOKEN}))
        wait_ready(f"{sim_url}/_sim/health", procs[-1] if procs else None)
        app_url = args.app_url
        if not app_url:
            rasa_port, app_port = free_port(), free_port()
            procs.append(subprocess.Popen([python, __file__, "--fake-rasa", str(rasa_port)],
                                          **quiet))
            env = {**os.environ, "SAKOT_ENV": "development", "SAKOT_LOG_LEVEL": "WARNING",
                   "SAKOT_NLU_READY_CHECK": "false",  # a fake Rasa, no NLU service
                   "SAKOT_DATABASE_URL": database_url, "SAKOT_VAR_DIR": str(workdir),
                   "SAKOT_PORT": str(app_port), "SAKOT_REDIS_URL": "",
                   "SAKOT_RASA_URL": f"http://127.0.0.1:{rasa_port}",
                   "SAKOT_LINE_CHANNEL_SECRET": SECRET, "SAKOT_LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                   "SAKOT_LINE_API_BASE": sim_url, "SAKOT_LINE_DATA_API_BASE": sim_url}
            procs.append(subprocess.Popen([python, "-m", "sakot", "serve"], env=env, **quiet))
            app_url = f"http://127.0.0.1:{app_port}"
            wait_ready(f"http://127.0.0.1:{rasa_port}/docs", procs[-2])
        wait_ready(f"{app_url}/healthz", procs[-1] if not args.app_url else None)

        asyncio.run(run_batch(app_url, sim_url, 20, 4))  # warm-up
        results = {}
        runs = {
            "one at a time": lambda: run_one_at_a_time(app_url, sim_url, args.requests),
            "burst, sequential sends": lambda: run_batch(app_url, sim_url, args.requests, 1),
            f"burst, {args.concurrency} in flight": lambda: run_batch(
                app_url, sim_url, args.requests, args.concurrency),
        }
        app_pid = None if args.app_url else procs[-1].pid
        for label, run in runs.items():
            cpu_before = cpu_seconds(app_pid)
            acks, answered, failures = asyncio.run(run())
            cpu_after = cpu_seconds(app_pid)
            stats = summary(acks)
            if cpu_before is not None and cpu_after is not None:
                stats["cpu_ms"] = (cpu_after - cpu_before) * 1000 / args.requests
            results[label] = (stats, summary(answered) if answered else None, failures)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if pg_name:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                                 autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')

    report = render(results, args, database_url)
    print(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report, encoding="utf-8")
    if args.append_to:
        with open(args.append_to, "a", encoding="utf-8") as out:
            measured = report.split("\n")[2]
            table = report[report.index("| load |"):]
            out.write(f"\n### {'PostgreSQL' if args.postgres else 'Another run'}\n\n"
                      f"{measured}\n\n{table}")
    return 0 if all(f == 0 for *_, f in results.values()) else 1


def render(results, args, database_url: str) -> str:
    db = "SQLite (file)" if database_url.startswith("sqlite") else "PostgreSQL"
    lines = [
        "# Channels: LINE webhook latency",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `benchmarks/webhook_latency.py` "
        f"(`--requests {args.requests} --concurrency {args.concurrency}`) on "
        f"{platform.machine()} / {os.cpu_count()} CPUs / Python {platform.python_version()}; "
        f"one `sakot serve` process (uvicorn, 1 worker), {db}, LINE simulator and a canned "
        "Rasa in their own processes, all on localhost. Load average before/after: "
        f"{args.load_before} / {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(a shared machine: compare runs only at similar load).",
        "",
        "- **ack**: request sent → HTTP 200 received. LINE needs this fast (it times out and "
        "redelivers); the app answers before any work is done.",
        "- **answered**: request sent → the simulator recorded the bot's reply (signature check, "
        "dedup, storage of the inbound and outbound messages, the loading animation call, the "
        "dialogue round trip to a canned Rasa, the reply call). The real Rasa adds its own "
        "time on top.",
        "- **app CPU/msg**: CPU time the app process spent per webhook (user + system, from "
        "/proc), the load-independent cost of one message.",
        "",
        "| load | metric | n | p50 ms | p95 ms | p99 ms | max ms | app CPU/msg | failures |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, (ack, answered, failures) in results.items():
        for name, s in (("ack", ack), ("answered", answered)):
            if s is None:
                continue
            cpu = f"{s['cpu_ms']:.1f} ms" if "cpu_ms" in s else ""
            lines.append(f"| {label} | {name} | {s['n']} | {s['p50']:.1f} | {s['p95']:.1f} | "
                         f"{s['p99']:.1f} | {s['max']:.1f} | {cpu} | "
                         f"{failures if name == 'ack' else ''} |")
    lines += ["", "Failures count non-200 acks plus webhooks never answered within 60 s.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
