"""Times victims give: a day of the month alone, weekdays, "ตั้งแต่…", ranges, English relative
times; always relative to the message's received_at; never in the future."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.understanding import TimePrecision
from tests.understanding.understanding_helpers import REF, js, run

BKK = ZoneInfo("Asia/Bangkok")
# REF is Saturday 2026-11-28 15:00 (Bangkok)


def iso(*a: int) -> str:
    return datetime(*a, tzinfo=BKK).isoformat()


DAY_OF_MONTH = [
    ("วันที่ 26", iso(2026, 11, 26)),
    ("โอนไปวันที่ 26 ค่ะ", iso(2026, 11, 26)),
    ("26 นี้", iso(2026, 11, 26)),
    ("เมื่อ 26", iso(2026, 11, 26)),
    ("เมื่อวันที่ 20", iso(2026, 11, 20)),
    ("วันที่ 28", iso(2026, 11, 28)),  # today
    ("วันที่ 30", iso(2026, 10, 30)),  # would be in the future: last month's
    ("วันที่ 31", iso(2026, 10, 31)),
    ("วันที่ 26 เดือนที่แล้ว", iso(2026, 10, 26)),
    ("วันที่ 5 เดือนนี้", iso(2026, 11, 5)),
    ("on the 26th", iso(2026, 11, 26)),
    ("on 26th", iso(2026, 11, 26)),
]


def test_an_ordinal_that_is_no_date() -> None:
    assert js("my 1st transfer was 500 baht")["transfer_times"] == []


@pytest.mark.parametrize("text,expected", DAY_OF_MONTH)
def test_day_of_month_alone(text: str, expected: str) -> None:
    ex = run(text)
    assert [t.value.isoformat() for t in ex.transfer_times] == [expected]
    assert ex.transfer_times[0].precision is TimePrecision.DAY


DAY_AND_CLOCK = [
    ("วันที่ 26 ตอนบ่ายสอง", iso(2026, 11, 26, 14)),  # the 26th at 14:00, NOT today
    ("วันที่ 26 บ่ายสองโมง", iso(2026, 11, 26, 14)),
    ("เมื่อวันที่ 20 เวลา 10.30 น.", iso(2026, 11, 20, 10, 30)),
    ("26 นี้ ตอนสามทุ่ม", iso(2026, 11, 26, 21)),
    ("วันที่ 28 ตอนสองทุ่ม", iso(2026, 10, 28, 20)),  # today 20:00 is still to come
    ("วันที่ 28 ตอนบ่ายโมง", iso(2026, 11, 28, 13)),
    ("on the 26th at 3pm", iso(2026, 11, 26, 15)),
    ("วันพฤหัสที่ 26 ตอนบ่ายสอง", iso(2026, 11, 26, 14)),
    ("Saturday the 21st at noon", iso(2026, 11, 21, 12)),
]


@pytest.mark.parametrize("text,expected", DAY_AND_CLOCK)
def test_day_of_month_with_clock(text: str, expected: str) -> None:
    ex = run(text)
    assert [t.value.isoformat() for t in ex.transfer_times] == [expected]
    assert ex.transfer_times[0].precision is TimePrecision.MINUTE


MONTHS_YEARS = [
    ("3 มกราคม 2569", iso(2026, 1, 3)),
    ("3 ม.ค. 2569", iso(2026, 1, 3)),
    ("3 ม.ค. 2026", iso(2026, 1, 3)),
    ("15 ก.ย.", iso(2026, 9, 15)),
    ("1 ธันวาคม", iso(2025, 12, 1)),  # December 2026 has not come yet
    ("January 5, 2026", iso(2026, 1, 5)),
    ("5th January 2026", iso(2026, 1, 5)),
    ("Jan 5th", iso(2026, 1, 5)),
    ("on 3 Oct", iso(2026, 10, 3)),
    ("12 พ.ย. พ.ศ. 2569", iso(2026, 11, 12)),
    ("12 พ.ย. ค.ศ. 2026", iso(2026, 11, 12)),
]


@pytest.mark.parametrize("text,expected", MONTHS_YEARS)
def test_month_names_and_years(text: str, expected: str) -> None:
    assert js(text)["transfer_times"] == [expected]


WEEKDAYS = [
    ("วันจันทร์", iso(2026, 11, 23)),
    ("วันจันทร์ที่แล้ว", iso(2026, 11, 23)),
    ("จันทร์ที่ผ่านมา", iso(2026, 11, 23)),
    ("จันทร์ที่แล้ว", iso(2026, 11, 23)),
    ("พุธที่แล้ว", iso(2026, 11, 25)),
    ("เมื่อศุกร์ที่แล้ว", iso(2026, 11, 27)),
    ("วันเสาร์", iso(2026, 11, 28)),  # today is Saturday
    ("last Monday", iso(2026, 11, 23)),
    ("on Monday", iso(2026, 11, 23)),
    ("last Saturday", iso(2026, 11, 21)),
    ("อาทิตย์ที่ผ่านมา", iso(2026, 11, 21)),  # without วัน: last week, not Sunday
    ("วันอาทิตย์ที่ผ่านมา", iso(2026, 11, 22)),
    # that day of the previous calendar week (REF's week starts Monday 23rd)
    ("วันพฤหัสอาทิตย์ที่แล้ว", iso(2026, 11, 19)),
    ("วันเสาร์สัปดาห์ก่อน", iso(2026, 11, 21)),
    ("Tuesday last week", iso(2026, 11, 17)),
]


@pytest.mark.parametrize("text,expected", WEEKDAYS)
def test_weekdays(text: str, expected: str) -> None:
    assert js(text)["transfer_times"] == [expected]


def test_weekday_with_clock_still_to_come_is_last_week() -> None:
    assert js("วันเสาร์ตอนสองทุ่ม")["transfer_times"] == [iso(2026, 11, 21, 20)]
    assert js("วันเสาร์ตอนสิบโมง")["transfer_times"] == [iso(2026, 11, 28, 10)]
    assert js("เมื่อวันศุกร์ตอนสองทุ่ม")["transfer_times"] == [iso(2026, 11, 27, 20)]


RELATIVE = [
    ("เมื่อวานซืน", iso(2026, 11, 26)),
    ("เมื่อวานซืนตอนบ่ายสอง", iso(2026, 11, 26, 14)),
    ("3 days ago", iso(2026, 11, 25)),
    ("two days ago", iso(2026, 11, 26)),
    ("a week ago", iso(2026, 11, 21)),
    ("yesterday evening", iso(2026, 11, 27)),
    ("yesterday at 6pm", iso(2026, 11, 27, 18)),
    ("2 hours ago", iso(2026, 11, 28, 13)),
    ("an hour ago", iso(2026, 11, 28, 14)),
    ("half an hour ago", iso(2026, 11, 28, 14, 30)),
    ("the day before yesterday", iso(2026, 11, 26)),
    ("สองอาทิตย์ก่อน", iso(2026, 11, 14)),
    ("2 สัปดาห์ที่แล้ว", iso(2026, 11, 14)),
    ("2 weeks ago", iso(2026, 11, 14)),
]


@pytest.mark.parametrize("text,expected", RELATIVE)
def test_relative(text: str, expected: str) -> None:
    assert js(text)["transfer_times"] == [expected]


def test_received_at_anchors_everything() -> None:
    ref = datetime(2026, 3, 2, 9, 0, tzinfo=BKK)  # a Monday in March
    assert js("วันที่ 30", ref)["transfer_times"] == [iso(2026, 1, 30)]  # no 30 Feb
    assert js("วันที่ 1", ref)["transfer_times"] == [iso(2026, 3, 1)]
    assert js("last Friday", ref)["transfer_times"] == [iso(2026, 2, 27)]
    assert js("วันจันทร์ที่แล้ว", ref)["transfer_times"] == [iso(2026, 2, 23)]


# --- since and ranges --------------------------------------------------------------------


def test_since_a_day() -> None:
    ex = run("ตั้งแต่วันที่ 20 เงินหายไปเรื่อย ๆ")
    t = ex.transfer_times[0]
    assert t.value.isoformat() == iso(2026, 11, 20) and t.since and t.until is None
    assert ex.latest_transfer() is t


@pytest.mark.parametrize("text,start", [
    ("ตั้งแต่เมื่อวาน", iso(2026, 11, 27)),
    ("ตั้งแต่วันจันทร์", iso(2026, 11, 23)),
    ("ตั้งแต่ 20 พ.ย.", iso(2026, 11, 20)),
    ("ตั้งแต่ตีสอง", iso(2026, 11, 28, 2)),
    ("since Monday", iso(2026, 11, 23)),
    ("since yesterday", iso(2026, 11, 27)),
])
def test_since_forms(text: str, start: str) -> None:
    t = run(text).transfer_times[0]
    assert t.value.isoformat() == start and t.since


@pytest.mark.parametrize("text,start,end", [
    ("วันที่ 3-5", iso(2026, 11, 3), iso(2026, 11, 5)),
    ("วันที่ 3 - 5 พ.ย.", iso(2026, 11, 3), iso(2026, 11, 5)),
    ("3-5 ต.ค. 69", iso(2026, 10, 3), iso(2026, 10, 5)),
    ("วันที่ 20 ถึง 25", iso(2026, 11, 20), iso(2026, 11, 25)),
    ("ตั้งแต่วันที่ 20 ถึงวันที่ 25", iso(2026, 11, 20), iso(2026, 11, 25)),
    ("ตั้งแต่เมื่อวานจนถึงวันนี้", iso(2026, 11, 27), iso(2026, 11, 28)),
])
def test_ranges(text: str, start: str, end: str) -> None:
    ex = run(text)
    assert len(ex.transfer_times) == 1
    t = ex.transfer_times[0]
    assert (t.value.isoformat(), t.until.isoformat()) == (start, end)
    assert t.latest == t.until and not t.since


def test_the_latest_transfer_decides() -> None:
    ex = run("โอนไปครั้งแรกวันที่ 20 ครั้งที่สองเมื่อวาน ครั้งสุดท้าย 2 ชั่วโมงที่แล้ว")
    assert [t.value.isoformat() for t in ex.transfer_times] == [
        iso(2026, 11, 20), iso(2026, 11, 27), iso(2026, 11, 28, 13)]
    assert ex.latest_transfer().value.isoformat() == iso(2026, 11, 28, 13)


def test_a_range_counts_by_its_end() -> None:
    ex = run("เมื่อวานซืน แล้วก็วันที่ 3-27")
    assert ex.latest_transfer().latest.isoformat() == iso(2026, 11, 27)


def test_details_in_json() -> None:
    out = js("ตั้งแต่วันที่ 20 ถึงวันที่ 25")
    assert out["transfer_time_details"] == [
        {"at": iso(2026, 11, 20), "precision": "day", "relative": True,
         "until": iso(2026, 11, 25), "since": False}]
    assert out["latest_transfer_at"] == iso(2026, 11, 25)


NOT_TIMES = [
    "เมื่อ 10 นาทีที่แล้ว",  # a time, not the 10th
    "โอน 26 ครั้ง",
    "ยอด 26 บาท",
    "ได้ 2-3 พัน",
    "ห้อง 3-5",
]


@pytest.mark.parametrize("text", NOT_TIMES)
def test_not_a_day_of_month(text: str) -> None:
    ex = run(text)
    assert [t for t in ex.transfer_times if t.precision is TimePrecision.DAY] == []


def test_no_time_is_ever_in_the_future() -> None:
    for text in ["วันที่ 29", "วันที่ 31 ตอนเที่ยง", "1 ธันวาคม", "วันอาทิตย์", "อาทิตย์นี้",
                 "29 นี้", "วันเสาร์ตอนสี่ทุ่ม", "on the 30th", "วันที่ 28-30"]:
        for t in run(text).transfer_times:
            assert t.latest <= REF, text


# --- English clock words, and the day a story is told about ---------------------------------


@pytest.mark.parametrize("text,expected", [
    ("at 11 this morning", iso(2026, 11, 28, 11)),
    ("yesterday at 7 in the evening", iso(2026, 11, 27, 19)),
    ("sent it at noon", iso(2026, 11, 28, 12)),
    ("around 10 o'clock", iso(2026, 11, 28, 10)),
])
def test_english_clock_words(text: str, expected: str) -> None:
    assert js(text)["transfer_times"] == [expected]


def test_an_account_number_before_a_time_word_is_no_clock() -> None:
    ex = run("sent to a Kasikorn account 592-6-13074-8 last night around 10pm")
    assert [t.value.isoformat() for t in ex.transfer_times] == [iso(2026, 11, 27, 22)]


def test_clock_times_later_in_a_story_about_yesterday_are_yesterday() -> None:
    ex = run("เมื่อวานตอนเช้าเขาโทรมาบอกว่าบัญชีมีปัญหา ให้โอนไปตรวจ ครั้งแรกตอนสิบโมง "
             "ครั้งที่สองตอนบ่ายโมง")
    assert [t.value.isoformat() for t in ex.transfer_times] == [
        iso(2026, 11, 27), iso(2026, 11, 27, 10), iso(2026, 11, 27, 13)]
    assert ex.latest_transfer().value.isoformat() == iso(2026, 11, 27, 13)


def test_a_story_day_further_back_does_not_carry() -> None:
    # never carried further than two days back: a transfer is not made older than 72 h
    ex = run("สามวันก่อนเขาทักมา แล้วโอนไปตอนบ่ายโมง")
    assert ex.latest_transfer().value.isoformat() == iso(2026, 11, 28, 13)
    ex = run("เมื่อวานเขาทักมา วันนี้โอนไปตอนบ่ายโมง")
    assert ex.latest_transfer().value.isoformat() == iso(2026, 11, 28, 13)


def test_noon_today_is_a_clock_time_on_today():
    (t,) = run("โอนไปตอนเที่ยงวันนี้ค่ะ").transfer_times
    assert t.value.isoformat() == iso(2026, 11, 28, 12, 0)


def test_a_range_that_ends_tonight_is_not_read_as_yesterday_night():
    (t,) = run("ตั้งแต่เมื่อวานจนถึงสามทุ่มคืนนี้ โอนไปหลายรอบ", REF.replace(hour=23)).transfer_times
    assert t.value.isoformat() == iso(2026, 11, 27)
    assert t.until.isoformat() == iso(2026, 11, 28, 21, 0)


def test_a_slip_reference_with_words_between_is_still_a_reference():
    (r,) = run("มีแค่เลขอ้างอิงบนสลิป 2026112815AbC7731 ค่ะ").transaction_refs
    assert r.value == "2026112815ABC7731"


def test_a_clock_time_with_this_morning_after_it_keeps_its_hour():
    from datetime import datetime, timedelta, timezone

    from bot.understanding import analyze_text
    at = datetime(2026, 5, 4, 13, 0, tzinfo=timezone(timedelta(hours=7)))
    for text in ("ย่าโอนไปตอน 9 โมงเช้านี้ค่ะ", "ย่าโอนไปตอน ๙ โมงเช้านี้ค่ะ"):
        [t] = analyze_text(text, at).transfer_times
        assert (t.value.day, t.value.hour) == (4, 9), text


def test_a_dotless_month_abbreviation_inside_a_word_is_no_month():
    from datetime import datetime, timedelta, timezone

    from bot.understanding import analyze_text
    at = datetime(2026, 5, 4, 13, 0, tzinfo=timezone(timedelta(hours=7)))
    assert not analyze_text("แม่อยู่สาขาพระราม 2 มีคนโทรกำกับอยู่", at).transfer_times
    [t] = analyze_text("โอนไปวันที่ 2 มีค ค่ะ", at).transfer_times
    assert (t.value.month, t.value.day) == (3, 2)
