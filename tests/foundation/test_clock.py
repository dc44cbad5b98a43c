"""One rule for naive times (bot.clock): they are UTC, in the rules and on display alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import BANGKOK, aware_utc
from bot.texts_catalog import format_datetime
from bot.triage import TriageInput, police_deadline, triage

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)  # 15:00 in Bangkok


def test_a_naive_time_is_utc_and_an_aware_one_is_kept():
    assert aware_utc(datetime(2026, 11, 28, 8, 0)) == NOW
    bangkok = NOW.astimezone(BANGKOK)
    assert aware_utc(bangkok) is bangkok
    assert aware_utc(None) is None


def test_triage_reads_a_naive_transfer_time_as_utc():
    # 90 minutes before NOW in UTC; read as Bangkok time it would be 8.5 hours ago.
    naive = datetime(2026, 11, 28, 6, 30)
    result = triage(TriageInput(True, naive, True, now=NOW))
    assert result.top_urgency
    assert police_deadline(naive, NOW) == aware_utc(naive) + timedelta(hours=72)


def test_a_naive_time_is_shown_as_utc_in_bangkok_clock_time():
    assert format_datetime("en", datetime(2026, 12, 1, 8, 30)) == \
        format_datetime("en", datetime(2026, 12, 1, 8, 30, tzinfo=UTC))
