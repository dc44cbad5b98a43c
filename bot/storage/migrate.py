"""Bring a database to the newest schema with Alembic (used by `sakot migrate` and at start-up).

Every process that starts calls `upgrade`; a lock makes exactly one of them migrate while the
others wait and then find the schema at head (see `servicekit.migration_lock`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from servicekit.migration_lock import migration_lock

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Only our own tables: Rasa's SQL tracker store may keep its `events` table in the same
    PostgreSQL database, and autogenerate must never propose dropping it."""
    from bot.storage.models import Base

    if type_ == "table" and reflected and compare_to is None:
        return name in Base.metadata.tables
    return True


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' is ConfigParser's interpolation character; escape it in passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    with migration_lock(database_url, name="sakot"):
        command.upgrade(alembic_config(database_url), revision)
