"""Bring a service's database to its newest schema with Alembic, one migrator at a time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from servicekit.migration_lock import migration_lock


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    # '%' is ConfigParser's interpolation character; escape it in passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, database_url: str, *, lock_name: str,
            revision: str = "head") -> None:
    """Under a lock: concurrent processes starting on an empty database migrate it once."""
    with migration_lock(database_url, name=lock_name):
        command.upgrade(alembic_config(migrations_dir, database_url), revision)
