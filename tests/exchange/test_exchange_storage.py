"""Migrations and settings. Migrations run on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from exchange.db import make_engine, migrate
from exchange.models import Base
from exchange.settings import ExchangeSettings


def test_migrations_build_exactly_the_models(db_url):
    """The Alembic history and the ORM models agree (no drift) on both backends."""
    migrate(db_url)  # idempotent on an up-to-date database
    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert diff == []
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_fresh_database_migrates_from_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert "freeze_requests" in inspect(conn).get_table_names()
    engine.dispose()


def test_placeholder_secrets_are_refused_outside_development():
    with pytest.raises(ValueError, match="SAKOT_EXCHANGE_MASTER_SECRET"):
        ExchangeSettings(env="production")
    ok = ExchangeSettings(env="production", master_secret=secrets.token_urlsafe(32),
                          callback_secret=secrets.token_urlsafe(32))
    assert not ok.is_development


def test_production_start_does_not_seed_dev_keys(tmp_path):
    from sqlalchemy import func, select

    from exchange.app import create_app
    from exchange.models import Agency

    settings = ExchangeSettings(env="production", master_secret=secrets.token_urlsafe(32),
                                callback_secret=secrets.token_urlsafe(32),
                                database_url=f"sqlite:///{tmp_path / 'prod.db'}")
    app = create_app(settings, start_worker=False)
    with app.state.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == 0
    app.state.engine.dispose()


def test_env_variables_are_read(monkeypatch):
    monkeypatch.setenv("SAKOT_ENV", "development")
    monkeypatch.setenv("SAKOT_EXCHANGE_DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("SAKOT_EXCHANGE_CALLBACK_URL", "http://127.0.0.1:8000/exchange/callback")
    s = ExchangeSettings()
    assert s.database_url == "sqlite:///x.db" and s.port == 8100
    assert s.callback_url == "http://127.0.0.1:8000/exchange/callback"
