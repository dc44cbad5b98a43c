"""Processes starting together on an empty database migrate it once and all come up.

`sakot up` starts the app, the worker and the exchange at once, and each migrates its database
at start-up; replicas in production do the same against one PostgreSQL. This test does not run
`sakot up` itself (too heavy for ten rounds on two cores): it starts real processes that call
the same entry points (`bot.storage.migrate.upgrade`, `exchange.db.migrate`) at the same moment
on fresh databases, ten rounds per backend, and checks that every one of them succeeds and the
schema ends at head.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from bot.storage import migrate as sakot_migrate
from servicekit.migration_lock import advisory_key, sqlite_lock_path
from exchange import db as exchange_db

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4  # app, worker, action server, exchange: what `sakot up` starts
ROUNDS = 10
ANSWER_TIMEOUT_SECONDS = 300  # a hang is a failure, not a speed assertion

HEADS = {
    target: ScriptDirectory.from_config(config("sqlite://")).get_current_head()
    for target, config in (("sakot", sakot_migrate.alembic_config),
                           ("exchange", exchange_db.alembic_config))
}


class Children:
    """PROCESSES long-lived migrator processes driven over stdin/stdout."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.procs = [
            subprocess.Popen([sys.executable, "-m", "tests.storage.migrate_child"], cwd=ROOT,
                             env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             bufsize=1)
            for _ in range(PROCESSES)
        ]
        for proc in self.procs:
            assert self._answer(proc) == "ready"

    def _answer(self, proc: subprocess.Popen) -> str:
        deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                line = proc.stdout.readline()
                if not line:
                    return f"exited with {proc.wait()}"
                line = line.strip()
                if line == "ready" or line == "ok" or line.startswith("error "):
                    return line
        return "no answer"

    def migrate_all_at_once(self, target: str, url: str) -> list[str]:
        command = f"{target} {url}\n"
        for proc in self.procs:  # every child gets its line before any answer is read
            proc.stdin.write(command)
            proc.stdin.flush()
        return [self._answer(proc) for proc in self.procs]

    def close(self) -> None:
        for proc in self.procs:
            proc.stdin.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def children() -> Iterator[Children]:
    group = Children()
    yield group
    group.close()


def assert_at_head(url: str, target: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert versions == [HEADS[target]]
    expected = "audit_log" if target == "sakot" else "api_keys"
    assert expected in tables


def run_rounds(children: Children, fresh_url) -> None:
    failures = []
    for round_no in range(ROUNDS):
        for target in ("sakot", "exchange"):
            url = fresh_url(target)
            answers = children.migrate_all_at_once(target, url)
            if any(answer != "ok" for answer in answers):
                failures.append((round_no, target, answers))
                continue
            assert_at_head(url, target)
    assert not failures, failures


def test_concurrent_starts_on_fresh_sqlite_files_all_succeed(children, tmp_path):
    def fresh_url(target: str) -> str:
        return f"sqlite:///{tmp_path / uuid.uuid4().hex / f'{target}.db'}"

    run_rounds(children, fresh_url)


@pytest.mark.postgres
def test_concurrent_starts_on_fresh_postgres_databases_all_succeed(children,
                                                                   postgres_server_url):
    import psycopg

    from tests.conftest import POSTGRES_ADMIN_URL

    created: list[str] = []

    def fresh_url(target: str) -> str:
        name = f"sakot_migrate_race_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

    try:
        run_rounds(children, fresh_url)
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            for name in created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_second_migrator_waits_for_the_first_and_then_finds_nothing_to_do(tmp_path):
    """The lock is the one file beside the database; while it is held, a migrator waits."""
    from filelock import FileLock

    from servicekit.migration_lock import MigrationLockTimeout, migration_lock

    url = f"sqlite:///{tmp_path / 'sakot.db'}"
    path = sqlite_lock_path(url, "sakot")
    assert path == tmp_path / "sakot.db.sakot.lock"
    with FileLock(str(path)):  # another process is migrating
        with pytest.raises(MigrationLockTimeout):
            with migration_lock(url, name="sakot", timeout=0.2):
                pytest.fail("entered the lock while another process held it")
    sakot_migrate.upgrade(url)
    sakot_migrate.upgrade(url)  # already at head: nothing to do, no error
    assert_at_head(url, "sakot")


def test_lock_names_give_distinct_postgres_keys():
    assert advisory_key("sakot") != advisory_key("exchange")
    assert -(2**63) <= advisory_key("sakot") < 2**63
