"""One migrator at a time: a lock held around `alembic upgrade` (Sakot's and the exchange's).

Every process of `sakot up` (app, worker, action server, exchange) brings its database to the
newest schema when it starts. Without a lock two of them can run the same migration at once
on an empty database; one then dies on "table ... already exists". Under the lock the first
process migrates and the others wait; when they get the lock the schema is already at head,
Alembic finds nothing to do and they continue.

- PostgreSQL: a session-level advisory lock (`pg_advisory_lock`) on a dedicated connection, so
  replicas on different hosts exclude each other too. The key is derived from the lock's name,
  so Sakot and the exchange never wait on each other even when they share a server.
- SQLite: an OS file lock (`filelock`) on `<database file>.<name>.lock` beside the database.
  An in-memory database belongs to one process and needs no lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

# Waiting longer than this means a migrator hung; fail loudly instead of waiting forever.
DEFAULT_TIMEOUT_SECONDS = 600.0


class MigrationLockTimeout(RuntimeError):
    """Another process held the migration lock for longer than the timeout."""


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, derived from the lock's name."""
    digest = hashlib.sha256(f"sakot-migrate:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def sqlite_lock_path(database_url: str, name: str) -> Path | None:
    """The lock file beside a SQLite database file; None for an in-memory database."""
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    path = Path(database)
    return path.with_name(f"{path.name}.{name}.lock")


@contextmanager
def migration_lock(database_url: str, *, name: str,
                   timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the migration lock called `name` for `database_url` while the block runs."""
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite":
        path = sqlite_lock_path(database_url, name)
        if path is None:
            yield
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(path), timeout=timeout):
                yield
        except TimeoutError as exc:  # filelock.Timeout subclasses TimeoutError
            raise MigrationLockTimeout(f"waited {timeout:.0f} s for {path}") from exc
        return
    if backend == "postgresql":
        with _pg_advisory_lock(database_url, advisory_key(name), timeout):
            yield
        return
    raise ValueError(f"no migration lock for database backend {backend!r}")


@contextmanager
def _pg_advisory_lock(database_url: str, key: int, timeout: float) -> Iterator[None]:
    # A connection of its own, outside any pool: the lock lives exactly as long as it does,
    # so a migrator that crashes releases the lock when its connection drops.
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("SELECT set_config('lock_timeout', :ms, false)"),
                               {"ms": f"{int(timeout * 1000)}ms"})
            try:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            except Exception as exc:
                if "lock timeout" in str(exc).lower():
                    raise MigrationLockTimeout(
                        f"waited {timeout:.0f} s for the migration lock") from exc
                raise
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    finally:
        engine.dispose()
