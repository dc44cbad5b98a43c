"""Fixtures shared by every test tier: throwaway databases on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
import warnings

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SAKOT_ENV", "development")
# Tests are hermetic: the machine's generated var/secrets.env (scripts/local_secrets.sh) is not
# read; tests that need strong secrets set them (tests/security/test_secrets_*.py).
os.environ.setdefault("SAKOT_SECRETS_FILE", "")
# Most app tests answer with a fake Rasa and no NLU service; the NLU readiness gate has its own
# tests (tests/security/test_readiness.py).
os.environ.setdefault("SAKOT_NLU_READY_CHECK", "false")

POSTGRES_ADMIN_URL = os.environ.get(
    "SAKOT_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_server_url():
    """A throwaway PostgreSQL database for this test run, dropped afterwards."""
    if not _postgres_answers():
        message = (
            "\n\n!!! PostgreSQL on 127.0.0.1:5432 does not answer: PostgreSQL tests SKIPPED. !!!\n"
            "!!! Start it: pg_ctlcluster --skip-systemctl-redirect <version> main start   !!!\n"
        )
        warnings.warn(message, stacklevel=1)
        print(message)
        pytest.skip("PostgreSQL server not reachable on 127.0.0.1:5432")
    import psycopg

    name = f"sakot_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'sakot.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each storage test runs on both SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sakot.db'}"
    base = request.getfixturevalue("postgres_server_url")
    # A fresh schema per test: drop everything the previous test created.
    from sqlalchemy import create_engine, text

    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return base


@pytest.fixture
def migrated_sessions(database_url):
    """A session factory on a database migrated to head with Alembic."""
    from bot.storage.db import make_engine, make_session_factory
    from bot.storage.migrate import upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


CHROMIUM = "/usr/bin/chromium"
# As root and on a closed network: no sandbox, and no background connections to refuse.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    import shutil

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium fonts-thai-tlwg "
                    "(scripts/setup.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def dialogue_stack(tmp_path_factory):
    """NLU service + action server + Rasa, started once per test session (tests/conversation,
    tests/scenarios and tests/channels share it)."""
    from tests.conversation.harness import Stack

    stack = Stack(tmp_path_factory.mktemp("dialogue")).start()
    yield stack
    stack.stop()
