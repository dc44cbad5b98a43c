"""Engine, sessions and migrations for the exchange's own database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from servicekit.db import make_engine, make_session_factory, session_scope  # noqa: F401
from servicekit.migration_lock import migration_lock

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    """Under a lock: concurrent replicas starting on an empty database migrate it once."""
    with migration_lock(database_url, name="exchange"):
        command.upgrade(alembic_config(database_url), revision)
