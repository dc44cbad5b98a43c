"""Sakot's one rule for time zones: times are aware; a naive time is UTC.

Naive times come from SQLite, which keeps no zone (PostgreSQL hands back aware ones), and from
callers that build them by hand. Rules (triage, deadlines) compare aware times; only display
turns them into Bangkok clock time (``BANGKOK``, ``bot.texts_catalog``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def aware_utc(when: datetime) -> datetime: ...
@overload
def aware_utc(when: None) -> None: ...
def aware_utc(when: datetime | None) -> datetime | None:
    """``when`` with a zone: a naive time is taken as UTC, an aware one is returned as it is."""
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=UTC)
