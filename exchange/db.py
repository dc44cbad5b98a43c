"""Engine, sessions and migrations for the exchange's own database."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from servicekit import migrations
from servicekit.db import make_engine, make_session_factory, session_scope  # noqa: F401

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    return migrations.alembic_config(MIGRATIONS_DIR, database_url)


def migrate(database_url: str, revision: str = "head") -> None:
    migrations.upgrade(MIGRATIONS_DIR, database_url, lock_name="exchange", revision=revision)
