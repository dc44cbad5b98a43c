"""Engines and sessions for Sakot's database: the generic plumbing in ``servicekit.db``.

SQLite by default, PostgreSQL in production; the same models for both.
"""

from servicekit.db import make_engine, make_session_factory, session_scope

__all__ = ["make_engine", "make_session_factory", "session_scope"]
