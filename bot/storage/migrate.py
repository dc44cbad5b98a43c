"""Bring a database to the newest schema with Alembic (used by `sakot migrate` and at start-up).

Every process that starts calls `upgrade`; a lock makes exactly one of them migrate while the
others wait and then find the schema at head (see `servicekit.migration_lock`).
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from servicekit import migrations

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Only our own tables: Rasa's SQL tracker store may keep its `events` table in the same
    PostgreSQL database, and autogenerate must never propose dropping it."""
    from bot.storage.models import Base

    if type_ == "table" and reflected and compare_to is None:
        return name in Base.metadata.tables
    return True


def alembic_config(database_url: str) -> Config:
    return migrations.alembic_config(MIGRATIONS_DIR, database_url)


def upgrade(database_url: str, revision: str = "head") -> None:
    migrations.upgrade(MIGRATIONS_DIR, database_url, lock_name="sakot", revision=revision)
