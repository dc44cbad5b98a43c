"""The first urgent line names the victim's own bank (by its app too) and, for a main call
centre, says to ask for the fraud / account-freeze menu, never menu digits (issue 12 item 8)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from bot.intake import replay

BKK = timezone(timedelta(hours=7))
AT = datetime(2026, 3, 10, 14, 0, tzinfo=BKK)
STORY = "โอนไป 3,000 เข้ากสิกร 123-4-56789-0 เมื่อ 10 นาทีที่แล้ว จากแอป {app}"


def first_reply(text: str) -> str:
    (turn,) = replay([(text, AT)])
    assert turn.priority == "P0"
    return turn.replies[0]


def test_a_main_call_centre_comes_with_the_fraud_menu_and_no_menu_digits():
    line = first_reply(STORY.format(app="Krungthai NEXT"))
    assert "ธนาคารกรุงไทย" in line and "ขอเมนูอายัดบัญชี" in line and "1441" in line
    assert not re.search(r"(กด|เมนู)\s*\d", line)


def test_a_dedicated_fraud_line_is_given_as_it_is():
    line = first_reply(STORY.format(app="SCB EASY"))
    assert "02-777-7575" in line and "ขอเมนูอายัดบัญชี" not in line


def test_english_gets_the_menu_hint_in_english():
    (turn,) = replay([("I sent 3,000 baht to KBank 123-4-56789-0 ten minutes ago "
                       "from my Krungthai app", AT)])
    assert "fraud / account-freeze menu" in turn.replies[0]
