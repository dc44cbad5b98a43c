from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.understanding import Extraction, analyze_text

REF = datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Asia/Bangkok"))  # a Saturday afternoon


def run(text: str, received_at: datetime = REF) -> Extraction:
    return analyze_text(text, received_at)


def js(text: str, received_at: datetime = REF) -> dict:
    return analyze_text(text, received_at).to_json()


@pytest.fixture
def ref() -> datetime:
    return REF
