"""Fixtures for the exchange service: its own throwaway databases (SQLite and PostgreSQL).

Storage-sensitive tests request `db_url`, which is parametrised over both backends. The
PostgreSQL database is created once per run and dropped at the end; tables are emptied and
the development agencies re-seeded before each test. If no server answers on 127.0.0.1:5432
the PostgreSQL variants are skipped with a loud warning.
"""

from __future__ import annotations

import os
import socket
import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from exchange.app import create_app
from exchange.client import AgencyClient
from exchange.db import make_engine, migrate
from exchange.models import Base
from exchange.seed import DEV_SECRETS
from exchange.settings import ExchangeSettings
from exchange_helpers import Receiver

PG_ADMIN_URL = os.environ.get(
    "SAKOT_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def exchange_pg_url() -> Iterator[str]:
    if not _pg_answers():
        message = ("\n\n!!! PostgreSQL on 127.0.0.1:5432 does not answer: exchange PostgreSQL "
                   "tests SKIPPED !!!\n")
        warnings.warn(message, stacklevel=1)
        print(message)
        pytest.skip("PostgreSQL server not reachable on 127.0.0.1:5432")
    import psycopg

    name = f"sakot_exchange_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def exchange_sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('exchange') / 'exchange.db'}"
    migrate(url)
    return url


def empty_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f"DELETE FROM {table.name}"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """Both backends. Modules that are not about storage override this with SQLite only."""
    url = request.getfixturevalue(f"exchange_{'pg' if request.param == 'postgres' else 'sqlite'}_url")
    empty_tables(url)
    return url


@pytest.fixture
def sqlite_db_url(exchange_sqlite_url) -> str:
    empty_tables(exchange_sqlite_url)
    return exchange_sqlite_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def callback_port() -> int:
    return free_port()


@pytest.fixture
def settings(db_url, callback_port) -> ExchangeSettings:
    return ExchangeSettings(
        env="development", database_url=db_url, migrate_on_startup=False,
        run_outbox_worker=False, callback_url=f"http://127.0.0.1:{callback_port}/exchange/callback",
        delivery_pass_wait_seconds=0, delivery_backoff_initial_seconds=5,
        delivery_attempts_per_pass=2,
        delivery_timeout_seconds=2, outbox_poll_seconds=0.05)


@pytest.fixture
def app(settings):
    application = create_app(settings, start_worker=False)
    yield application
    application.state.worker.client.close()
    application.state.engine.dispose()


@pytest.fixture
def http(app) -> TestClient:
    return TestClient(app)


@pytest.fixture
def client_for(http) -> Callable[[str], AgencyClient]:
    def make(key_id: str, secret: str | None = None) -> AgencyClient:
        return AgencyClient(key_id=key_id, secret=secret or DEV_SECRETS[key_id], http=http)

    return make


@pytest.fixture
def sakot(client_for) -> AgencyClient:
    return client_for("sakot-dev")


@pytest.fixture
def kbank(client_for) -> AgencyClient:
    return client_for("kbank-dev")


@pytest.fixture
def aoc(client_for) -> AgencyClient:
    return client_for("aoc-dev")


@pytest.fixture
def receiver_factory(callback_port, settings):
    started: list[Receiver] = []

    def make(**kw: Any) -> Receiver:
        r = Receiver(kw.pop("port", callback_port),
                     kw.pop("secret", settings.callback_secret.get_secret_value()), **kw)
        started.append(r)
        return r

    yield make
    for r in started:
        r.stop()
