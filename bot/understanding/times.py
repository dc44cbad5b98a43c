"""Transfer times: clock words, dates (Buddhist-era years too) and relative expressions,
resolved against the message time in Asia/Bangkok.

A clock time with no day is taken as today, or yesterday when today's would be more than 30
minutes after the message. A date with no clock time gets 00:00 and precision "day".

Nothing a victim reports lies in the future: a day of the month alone ("วันที่ 26", "26 นี้",
"เมื่อ 26") is this month's unless that is still to come, then last month's; a weekday
("วันจันทร์", "จันทร์ที่ผ่านมา", "last Monday") is the latest one on or before the message's day
(and last week's when its clock time is still to come); a day and month without a year is last
year's when this year's is to come. "ตั้งแต่…"/"since…" marks the start of an open period
(``TransferTime.since``); "วันที่ 3-5", "ตั้งแต่วันที่ 20 ถึงวันที่ 25" are one range (``until``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import BANGKOK
from bot.understanding.entities import TimePrecision, TransferTime
from bot.understanding.normalize import Normalized
from bot.understanding.spans import Claims

_SMALL_WORDS = {"หนึ่ง": 1, "นึง": 1, "เอ็ด": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6,
                "เจ็ด": 7, "แปด": 8, "เก้า": 9}
_UNIT = "(?:หนึ่ง|นึง|เอ็ด|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า)"
_TH_SMALL = rf"(?:(?:ยี่สิบ|สิบ){_UNIT}?|สาม?สิบ{_UNIT}?|สี่สิบ{_UNIT}?|ห้าสิบ{_UNIT}?|{_UNIT})"
_N = rf"(?:\d{{1,2}}|{_TH_SMALL})"


def small_number(s: str) -> int | None:
    s = s.strip()
    if s.isdigit():
        return int(s)
    total = 0
    if "สิบ" in s:
        head, _, tail = s.partition("สิบ")
        total = 10 * (2 if head == "ยี่" else (_SMALL_WORDS.get(head, 1) if head else 1))
        s = tail
    if s:
        if s not in _SMALL_WORDS:
            return None
        total += _SMALL_WORDS[s]
    return total


_MONTHS_TH = {
    "มกราคม": 1, "ม.ค.": 1, "มค": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "กพ": 2, "มีนาคม": 3, "มี.ค.": 3,
    "มีค": 3, "เมษายน": 4, "เม.ย.": 4, "เมย": 4, "พฤษภาคม": 5, "พ.ค.": 5, "พค": 5,
    "มิถุนายน": 6, "มิ.ย.": 6, "มิย": 6, "กรกฎาคม": 7, "ก.ค.": 7, "กค": 7, "สิงหาคม": 8,
    "ส.ค.": 8, "สค": 8, "กันยายน": 9, "ก.ย.": 9, "กย": 9, "ตุลาคม": 10, "ต.ค.": 10, "ตค": 10,
    "พฤศจิกายน": 11, "พ.ย.": 11, "พย": 11, "ธันวาคม": 12, "ธ.ค.": 12, "ธค": 12,
}
_MONTHS_EN = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
# a dotless abbreviation is a month only when no Thai letter follows ("2 มีค" yes, "2 มีคน" no)
_MONTH_TH_RE = "|".join(re.escape(m).replace(r"\.", r"\.?")
                        + ("(?:(?<=\\.)|(?![\u0e01-\u0e4e]))" if len(m.replace(".", "")) <= 3
                           else "")
                        for m in sorted(_MONTHS_TH, key=len, reverse=True))
_MONTH_EN_RE = (r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_YEAR = r"(?:(?:พ\.?ศ\.?|ค\.?ศ\.?)\s*)?(\d{4}|\d{2})(?!\d)"

_YEAR_N = r"(?:(?:พ\.?ศ\.?|ค\.?ศ\.?)\s*)?(?P<y>\d{4}|\d{2})(?!\d)"
_ORD = r"(?:st|nd|rd|th)"

_DATE_TH = re.compile(rf"(?<!\d)(\d{{1,2}})\s*({_MONTH_TH_RE})(?:\s*{_YEAR})?")
_DATE_NUM = re.compile(r"(?<![\d/.:-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_EN = re.compile(rf"(?i)(?<!\d)(\d{{1,2}}){_ORD}?\s*{_MONTH_EN_RE}(?:\s*,?\s*(\d{{4}}))?"
                      rf"|(?<![A-Za-z]){_MONTH_EN_RE}\s*(\d{{1,2}})(?!\d){_ORD}?"
                      rf"(?:\s*,?\s*(\d{{4}}))?")
# "วันที่ 3-5", "วันที่ 20 ถึง 25", "3-5 ต.ค. 69": a range needs วันที่ before it or a month
# after it
_RANGE = re.compile(
    rf"(?i)(?P<pre>(?:เมื่อ\s?)?วันที่\s?)?(?<!\d)(?P<d1>\d{{1,2}})\s?(?:-|ถึง(?:วันที่)?|to)\s?"
    rf"(?P<d2>\d{{1,2}})(?![\d/.:,-])(?:\s?(?P<mon>{_MONTH_TH_RE})(?:\s*{_YEAR_N})?)?"
)
# a day of the month alone (the month comes from the message time)
_NO_DAY_AFTER = (r"(?:นาที|ชั่วโมง|ชม|โมง|ทุ่ม|น\.|นาฬิกา|บาท|พัน|หมื่น|แสน|ล้าน|ร้อย|ครั้ง|รอบ|คน|"
                 r"ชิ้น|%|k(?![a-z]))")
_DOM = re.compile(
    r"(?i)(?:เมื่อ\s?)?วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)?\s?ที่\s?"
    r"(?P<d>\d{1,2})(?![\d/.:,])(?!\s?(?:บาท|%))"
    r"(?:\s?(?:ของ)?เดือน(?P<lm>ที่แล้ว|ก่อน|ที่ผ่านมา)|(?P<tm>\s?เดือนนี้))?|"
    rf"เมื่อ\s?(?P<db>\d{{1,2}})(?![\d/.:,])(?!\s?(?:{_NO_DAY_AFTER}|วัน|เดือน|ปี|อาทิตย์|"
    r"สัปดาห์))|"
    r"(?<![\d,.])(?P<dc>\d{1,2})\s?(?:นี้|ที่ผ่านมา)|"
    # "on the 26th", "Saturday the 21st"; not "my 1st transfer"
    rf"(?<![a-z0-9])(?:on\s(?:the\s)?|(?<=day\s)the\s)(?P<dd>\d{{1,2}}){_ORD}(?![a-z])"
)

_EN_COUNT = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
             "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20,
             "thirty": 30, "forty": 40, "half an": 30}
_EN_N = r"(?:\d{1,3}|half\san|an?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|" \
        r"twenty|thirty|forty)"
_REL_DAY = re.compile(
    r"(?i)เมื่อวานซืน|วานซืน|เมื่อวานนี้|เมื่อวาน|วานนี้|the\sday\sbefore\syesterday|"
    r"(?P<yday>yesterday\s(?:evening|night|afternoon|morning))|yesterday|"
    r"เมื่อคืนนี้|เมื่อคืน|last night|(?<!เมื่อ)คืนนี้|tonight|"
    rf"(?P<endays>{_EN_N})\s(?P<enunit>days?|weeks?)\sago|"
    r"วันนี้|today|เมื่อเช้านี้|เมื่อเช้า|เช้านี้|this morning|เมื่อตอนเช้า|"
    rf"(?:เมื่อ\s*)?(?P<days>\d{{1,2}}|{_TH_SMALL})\s*วัน\s*(?:ที่แล้ว|ก่อน)|"
    rf"(?:เมื่อ\s*)?(?P<weeks>\d{{1,2}}|{_TH_SMALL})\s*(?:อาทิตย์|สัปดาห์)\s*"
    r"(?:ที่แล้ว|ก่อน|ที่ผ่านมา)|"
    r"(?:เมื่อ\s*)?(?:อาทิตย์|สัปดาห์)\s*(?:ที่แล้ว|ก่อน|ที่ผ่านมา)|last week"
)
_WEEKDAYS = {"จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัสบดี": 3, "พฤหัส": 3, "ศุกร์": 4, "เสาร์": 5,
             "อังคาด": 1, "พฤหัด": 3,  # common misspellings
             "อาทิตย์": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
             "friday": 4, "saturday": 5, "sunday": 6}
_WEEKDAY = re.compile(
    # (a weekday followed by its date, "วันเสาร์ที่ 21", "Saturday the 21st", is that date)
    r"(?i)(?:เมื่อ\s*)?วัน\s?(?P<th>จันทร์|อังคาร|อังคาด|พุธ|พฤหัสบดี|พฤหัส|พฤหัด|ศุกร์|เสาร์|อาทิตย์)"
    r"(?!\s?ที่\s?\d)(?:(?P<prevweek>\s?(?:ของ)?\s?(?:อาทิตย์|สัปดาห์)\s?(?:ที่แล้ว|ก่อน|ที่ผ่านมา))"
    r"|(?P<last>\s?(?:ที่แล้ว|ก่อน|ที่ผ่านมา)))?|"
    # without วัน only with a "that passed" word ("จันทร์ที่ผ่านมา"); bare อาทิตย์ is "week"
    r"(?:เมื่อ\s?)?(?P<th2>จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์)"
    r"\s?(?:ที่แล้ว|ที่ผ่านมา|ก่อน|นี้)|"
    r"(?P<en_last>last\s)?(?<![a-z])(?P<en>monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)(?![a-z])(?!,?\sthe\s\d|,?\s\d{1,2}(?:st|nd|rd|th)(?![a-z]))"
    r"(?P<en_prevweek>\s(?:of\s)?(?:last|the previous) week)?"
)
_REL_DAY_OFFSET = {"เมื่อวานซืน": -2, "วานซืน": -2, "the day before yesterday": -2,
                   "เมื่อวานนี้": -1, "เมื่อวาน": -1,
                   "วานนี้": -1, "yesterday": -1, "เมื่อคืนนี้": -1, "เมื่อคืน": -1,
                   "last night": -1}
_AGO = re.compile(
    r"(?i)(?:เมื่อ\s*)?(?:(?P<n>\d{1,3}|" + _TH_SMALL + r"|ครึ่ง)\s*)?"
    r"(?P<unit>นาที|ชั่วโมง|ชม\.?)\s*(?:กว่า\s*)?(?:ที่แล้ว|ก่อน)|"
    rf"(?P<en>{_EN_N})\s*(?P<enunit>min(?:ute)?s?|hours?|hrs?)\s*ago"
)
_JUST_NOW = re.compile(r"(?i)เมื่อกี้นี้|เมื่อกี๊นี้|เมื่อกี้|เมื่อกี๊|เมื่อกี|ตะกี้|ตะกี๊|เมื่อครู่|just now")

_HALF = r"(?P<half>\s*ครึ่ง)?"
_MIN_TAIL = rf"(?:\s*(?P<min>\d{{1,2}}|{_TH_SMALL})\s*นาที(?!\s*(?:ที่แล้ว|ก่อน)))?"
_CLOCKS = [re.compile(x) for x in (
    [
        r"(?i)(?<![A-Za-z0-9])(?P<eh>\d{1,2})(?::(?P<em>\d{2}))?\s*(?P<ap>am|pm|a\.m\.|p\.m\.)",
        rf"(?P<c1h>\d{{1,2}})\s*:\s*(?P<c1m>\d{{2}})(?!\d)(?:\s*(?:น\.|นาฬิกา))?",
        rf"(?P<c2h>\d{{1,2}})\.(?P<c2m>\d{{2}})(?!\d)(?=\s*(?:น\.|นาฬิกา))(?:\s*(?:น\.|นาฬิกา))",
        rf"(?P<c2bh>\d{{1,2}})\s*(?:น\.|นาฬิกา)(?!\w)",
        rf"บ่าย\s{{0,8}}(?P<bh>{_N})?\s{{0,8}}(?:โมง)?{_HALF}{_MIN_TAIL}",
        rf"(?P<th>{_N})\s*ทุ่ม{_HALF}{_MIN_TAIL}",
        rf"ทุ่ม\s*(?:นึง|หนึ่ง)?{_HALF}",
        rf"ตี\s*(?P<ti>{_N}){_HALF}{_MIN_TAIL}",
        # (not "เช้านี้" in "10 โมงเช้านี้": that is the day, this morning)
        rf"(?P<mh>{_N})\s*โมง\s*(?P<mp>เช้า(?!นี้)|เย็น(?!นี้)|ค่ำ)?{_HALF}{_MIN_TAIL}",
        # "เที่ยงวันนี้" is noon + today: leave "วันนี้" to the day
        r"(?P<noon>เที่ยงคืน|เที่ยงวัน(?!นี้|ที่)|เที่ยง)(?P<nhalf>\s*ครึ่ง)?",
        r"(?i)(?<![a-z])(?P<nn>noon|midnight)(?![a-z])",
        # "at 11 this morning", "at 7 in the evening", "10 o'clock"
        r"(?i)(?<![a-z])(?:at|around|about)\s(?P<ah>\d{1,2})(?::(?P<am2>\d{2}))?(?=\s(?P<part>"
        r"o'?clock|(?:this|in\sthe)\s(?:morning|afternoon|evening)|tonight|last\snight))",
    ])]
# cheap substring checks: a clock pattern is only run when one of its words is in the text
_CLOCK_GUARDS: list[tuple[str, ...]] = [
    ("am", "pm", "a.m", "p.m"), (":",), ("น.", "นาฬิกา"), ("น.", "นาฬิกา"), ("บ่าย",), ("ทุ่ม",),
    ("ทุ่ม",), ("ตี",), ("โมง",), ("เที่ยง",), ("noon", "midnight"),
    ("clock", "morning", "afternoon", "evening", "night"),
]
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[a-z]")
_CLOCK_DOT_CUE = re.compile(r"(?:เวลา|ตอน|ประมาณ|ราว|ช่วง|เมื่อ|at)\s*(\d{1,2})\.(\d{2})(?!\d)")
_DATE_DM = re.compile(r"(?:วันที่|date)\s*(\d{1,2})/(\d{1,2})(?![\d/])")
_SINCE = re.compile(r"(?i)(?:ตั้งแต่|(?<![a-z])(?:since|starting))\s?(?:เมื่อ\s?)?$")
_UNTIL_BETWEEN = re.compile(r"(?i)\s?(?:จน\s?)?(?:ถึง|until|till|to|-)\s?")


@dataclass(slots=True)
class _Piece:
    start: int
    end: int
    kind: str  # "date", "reld" (relative day), "clock", "moment"
    date: datetime | None = None  # date pieces: midnight of the day
    hour: int = 0
    minute: int = 0
    moment: datetime | None = None
    evening: bool = False  # "เมื่อคืน"
    back: str | None = None  # "month"/"week": moved back that much if it would be in the future
    until: datetime | None = None  # a range's last day
    rel: bool = False  # resolved against the message time (a day of the month alone)


@dataclass(slots=True)
class _Found:
    """One resolved time in normalised coordinates, before it becomes a ``TransferTime``."""

    start: int
    end: int
    at: datetime
    precision: TimePrecision
    relative: bool
    until: datetime | None = None
    since: bool = False


def _year(y: str | None, ref: datetime) -> int | None:
    if y is None:
        return None
    v = int(y)
    if len(y) == 2:
        v = v + 2500 - 543 if v >= 60 else v + 2000
    elif v >= 2400:
        v -= 543
    return v


def _mkdate(y: int | None, mo: int, d: int, ref: datetime) -> datetime | None:
    try:
        if y is None:
            dt = datetime(ref.year, mo, d, tzinfo=BANGKOK)
            if dt.date() > ref.date():
                dt = dt.replace(year=ref.year - 1)
            return dt
        if not 1990 <= y <= 2100:
            return None
        return datetime(y, mo, d, tzinfo=BANGKOK)
    except ValueError:
        return None


def _months_back(dt: datetime, k: int) -> datetime | None:
    """The same day ``k`` months earlier, or None when that month has no such day."""
    y, mo = dt.year, dt.month - k
    while mo < 1:
        y, mo = y - 1, mo + 12
    try:
        return dt.replace(year=y, month=mo)
    except ValueError:
        return None


def _day_of_month(d: int, ref: datetime, months_back: int, strict: bool) -> datetime | None:
    """Day ``d`` of the message's month (``months_back`` earlier): the latest such day that is
    not after the message's day. ``strict``: the month was named ("เดือนนี้"), never move it."""
    if not 1 <= d <= 31:
        return None
    base = ref.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for k in range(months_back, months_back + 3):
        first = _months_back(base, k)
        assert first is not None  # day 1 exists in every month
        try:
            dt = first.replace(day=d)
        except ValueError:
            if strict:
                return None
            continue  # "วันที่ 31" in a 30-day month: the month before
        if dt.date() <= ref.date():
            return dt
        if strict:
            return None
    return None


def _clock(m: re.Match[str]) -> tuple[int, int] | None:
    g = m.groupdict()
    half = 30 if g.get("half") or g.get("nhalf") else 0
    extra = small_number(g["min"]) if g.get("min") else 0
    minute = half or (extra or 0)
    if g.get("c1h") is not None:
        h, mi = int(g["c1h"]), int(g["c1m"])
    elif g.get("c2h") is not None:
        h, mi = int(g["c2h"]), int(g["c2m"])
    elif g.get("c2bh") is not None:
        h, mi = int(g["c2bh"]), 0
    elif m.group().startswith("บ่าย"):
        if g.get("bh") is None and "โมง" not in m.group():
            return None  # "บ่าย" alone: the afternoon, no clock time
        n = small_number(g["bh"]) if g.get("bh") else 1
        if n is None:
            return None
        h, mi = (n if n >= 12 else n + 12), minute
    elif g.get("th") is not None:
        n = small_number(g["th"])
        if n is None or not 1 <= n <= 5:
            return None
        h, mi = 18 + n, minute
    elif m.group().startswith("ทุ่ม"):
        h, mi = 19, minute
    elif g.get("ti") is not None:
        n = small_number(g["ti"])
        if n is None or not 1 <= n <= 6:
            return None
        h, mi = n, minute
    elif g.get("mh") is not None:
        n = small_number(g["mh"])
        if n is None:
            return None
        part = g.get("mp")
        if part in ("เย็น", "ค่ำ"):
            h = n + 12 if n <= 7 else n
        elif part == "เช้า":
            h = n
        elif n <= 5:
            h = n + 12  # "สองโมง" without บ่าย: 14:00
        elif n == 6:
            h = 18
        else:
            h = n
        mi = minute
    elif g.get("noon"):
        h = 0 if g["noon"] == "เที่ยงคืน" else 12
        mi = 30 if g.get("nhalf") else 0
    elif g.get("nn"):
        h, mi = (0 if g["nn"].lower() == "midnight" else 12), 0
    elif g.get("ah") is not None:
        h, mi = int(g["ah"]), int(g["am2"] or 0)
        part = g["part"].lower()
        if h < 12 and ("afternoon" in part or "evening" in part or "tonight" in part
                       or ("night" in part and h >= 6)):
            h += 12
    elif g.get("eh") is not None:
        h = int(g["eh"]) % 12 + (12 if g["ap"].lower().startswith("p") else 0)
        mi = int(g["em"] or 0)
    else:
        return None
    if not (0 <= h <= 24 and 0 <= mi <= 59):
        return None
    return h % 24, mi


def find_times(n: Normalized, claims: Claims, ref: datetime) -> list[TransferTime]:
    t = n.text
    pieces: list[_Piece] = []

    taken = Claims()

    def free(s: int, e: int) -> bool:
        return not (claims.overlaps(s, e) or taken.overlaps(s, e))

    def add_piece(p: _Piece) -> None:
        pieces.append(p)
        taken.add(p.start, p.end)

    low = t.lower()
    digit = _DIGIT.search(t) is not None
    latin = _LATIN.search(low) is not None

    def scan(rx: re.Pattern[str], ok: bool) -> Iterator[re.Match[str]] | tuple[()]:
        return rx.finditer(t) if ok else ()

    today = ref.replace(hour=0, minute=0, second=0, microsecond=0)
    for m in scan(_DATE_ISO, digit and "-" in t):
        d = _mkdate(_year(m.group(1), ref), int(m.group(2)), int(m.group(3)), ref)
        if d and free(m.start(), m.end()):
            add_piece(_Piece(m.start(), m.end(), "date", date=d))
    for m in scan(_DATE_NUM, digit and ("/" in t or "-" in t or "." in t)):
        d = _mkdate(_year(m.group(4), ref), int(m.group(3)), int(m.group(1)), ref)
        if d and free(m.start(), m.end()):
            add_piece(_Piece(m.start(), m.end(), "date", date=d))
    for m in scan(_DATE_DM, digit and "/" in t):
        d = _mkdate(None, int(m.group(2)), int(m.group(1)), ref)
        if d and free(m.start(1), m.end()):
            add_piece(_Piece(m.start(1), m.end(), "date", date=d))
    for m in scan(_RANGE, digit and ("-" in t or "ถึง" in t or "to" in low)
                  and ("วันที่" in t or _MONTH_HINT.search(t) is not None)):
        p = _range_piece(m, ref)
        if p is not None and free(m.start(), m.end()):
            add_piece(p)
    for m in scan(_DATE_TH, digit):
        mo = _month_th(m.group(2))
        d = _mkdate(_year(m.group(3), ref), mo, int(m.group(1)), ref) if mo else None
        if d and free(m.start(), m.end()):
            add_piece(_Piece(m.start(), m.end(), "date", date=d))
    for m in scan(_DATE_EN, digit and latin):
        if m.group(1):
            day, mon, yr = m.group(1), m.group(2), m.group(3)
        else:
            mon, day, yr = m.group(4), m.group(5), m.group(6)
        d = _mkdate(_year(yr, ref), _MONTHS_EN[mon.lower()[:3]], int(day), ref)
        if d and free(m.start(), m.end()):
            add_piece(_Piece(m.start(), m.end(), "date", date=d))

    for m in scan(_JUST_NOW, "กี" in t or "ครู่" in t or "just" in low):
        if free(m.start(), m.end()):
            add_piece(_Piece(m.start(), m.end(), "moment", moment=ref))
    for m in scan(_AGO, "นาที" in t or "ชั่วโมง" in t or "ชม" in t or "ago" in low):
        if not free(m.start(), m.end()):
            continue
        if m.group("en"):
            en = m.group("en").lower()
            k = int(en) if en.isdigit() else _EN_COUNT[re.sub(r"\s+", " ", en)]
            unit = "h" if m.group("enunit").lower().startswith("h") else "m"
            if en.startswith("half"):
                k, unit = 30, "m"
        else:
            raw_n = m.group("n")
            unit = "m" if m.group("unit") == "นาที" else "h"
            if raw_n == "ครึ่ง":
                k, unit = 30, "m"
            else:
                k = 1 if raw_n is None else (small_number(raw_n) or 0)
        delta = timedelta(hours=k) if unit == "h" else timedelta(minutes=k)
        add_piece(_Piece(m.start(), m.end(), "moment", moment=ref - delta))
    for m in scan(_WEEKDAY, _WEEKDAY_HINT.search(low) is not None):
        if not free(m.start(), m.end()):
            continue
        wd = _WEEKDAYS[(m.group("th") or m.group("th2") or m.group("en")).lower()]
        back = (ref.weekday() - wd) % 7
        if back == 0 and (m.group("last") or m.group("en_last")):
            back = 7
        if m.group("prevweek") or m.group("en_prevweek"):
            # "วันพุธอาทิตย์ที่แล้ว", "Wednesday last week": that day of the previous
            # calendar week (Monday first), not merely the latest Wednesday
            back = ref.weekday() + 7 - wd
        add_piece(_Piece(m.start(), m.end(), "reld", date=today - timedelta(days=back),
                         back="week" if back == 0 else None))
    for m in scan(_REL_DAY, any(w in low for w in (
            "วัน", "วาน", "คืน", "เช้า", "อาทิตย์", "สัปดาห์", "yesterday", "today", "night",
            "week", "morning", "ago"))):
        if not free(m.start(), m.end()):
            continue
        g = re.sub(r"\s+", " ", m.group().lower())
        evening = "คืน" in g or "night" in g or "evening" in g
        if m.group("days") or m.group("weeks"):
            k = small_number(m.group("days") or m.group("weeks"))
            if k is None:
                continue
            off = -k * (7 if m.group("weeks") else 1)
        elif m.group("endays"):
            en = m.group("endays").lower()
            if en.startswith("half"):
                continue
            k = int(en) if en.isdigit() else _EN_COUNT[en]
            off = -k * (7 if m.group("enunit").lower().startswith("w") else 1)
        elif m.group("yday"):
            off = -1
        elif "อาทิตย์" in g or "สัปดาห์" in g or "week" in g:
            off = -7
        else:
            off = _REL_DAY_OFFSET.get(g, 0)
        add_piece(_Piece(m.start(), m.end(), "reld", date=today + timedelta(days=off),
                         evening=evening))
    for m in scan(_CLOCK_DOT_CUE, digit and "." in t):
        h, mi = int(m.group(1)), int(m.group(2))
        if h <= 23 and mi <= 59 and free(m.start(1), m.end(2)):
            add_piece(_Piece(m.start(1), m.end(2), "clock", hour=h, minute=mi))
    for rx, guard in zip(_CLOCKS, _CLOCK_GUARDS, strict=True):
        for m in scan(rx, any(w in low for w in guard)):
            if not free(m.start(), m.end()):
                continue
            hm = _clock(m)
            if hm is None:
                continue
            end = m.end()
            while end > m.start() and t[end - 1] == " ":
                end -= 1
            add_piece(_Piece(m.start(), end, "clock", hour=hm[0], minute=hm[1]))
    # a day of the month alone goes last: "เมื่อ 10 นาที", "เมื่อ 2 ทุ่ม" are taken by now
    for m in scan(_DOM, digit and _DOM_HINT.search(low) is not None):
        p = _dom_piece(m, ref)
        if p is not None and free(p.start, p.end):
            add_piece(p)

    found = _resolve(sorted(pieces, key=lambda p: p.start), claims, ref, today, t)
    _ranges_and_since(t, found)
    for p in pieces:
        claims.add(p.start, p.end)
    return [_entity(n, f) for f in found]


# cheap checks before the costlier patterns run
_WEEKDAY_HINT = re.compile("วัน|day|จันทร์|อังคาร|พุธ|พฤหัส|ศุกร์|เสาร์")
_DOM_HINT = re.compile(r"วันที่|ที่\s?\d|เมื่อ|นี้|ที่ผ่านมา|\d(?:st|nd|rd|th)")
_MONTH_HINT = re.compile(r"[ก-ฮ]\.[ก-ฮ]|คม|ยน|พันธ์|[มกสตพธ]ค|[กมพ]ย|กพ")


def _month_th(name: str) -> int | None:
    mo = _MONTHS_TH.get(name.replace(" ", ""))
    if mo is None:
        mo = _MONTHS_TH.get(name.replace(".", ""))
    if mo is None:
        for k, v in _MONTHS_TH.items():
            if k.replace(".", "") == name.replace(".", ""):
                return v
    return mo


def _dom_piece(m: re.Match[str], ref: datetime) -> _Piece | None:
    """"วันที่ 26", "26 นี้", "เมื่อ 26", "on the 26th": this month's, or last month's."""
    g = m.group("d") or m.group("db") or m.group("dc") or m.group("dd")
    lm = m.group("lm")
    date = _day_of_month(int(g), ref, 1 if lm else 0, strict=bool(lm or m.group("tm")))
    if date is None:
        return None
    return _Piece(m.start(), m.end(), "date", date=date, back="month", rel=True)


def _range_piece(m: re.Match[str], ref: datetime) -> _Piece | None:
    d1, d2 = int(m.group("d1")), int(m.group("d2"))
    if not (m.group("pre") or m.group("mon")) or not 1 <= d1 < d2 <= 31:
        return None
    if m.group("mon"):
        mo = _month_th(m.group("mon"))
        if mo is None:
            return None
        y = _year(m.group("y"), ref)
        end = _mkdate(y, mo, d2, ref)
        start = end.replace(day=d1) if end else None
        rel = False
    else:
        end = _day_of_month(d2, ref, 0, strict=False)
        start = end.replace(day=d1) if end else None
        rel = True
    if start is None or end is None:
        return None
    return _Piece(m.start(), m.end(), "date", date=start, until=end, rel=rel)


# A day and its clock time: a few characters apart, or a few more when only words about the
# time of day lie between ("14 กรกฎาคม ตอนหัวค่ำ ประมาณหนึ่งทุ่ม")
_PAIR_GAP = 16
_FILLER_GAP = 28
_TIME_FILLER = re.compile(r"(?:\s|[,.]|ตอน|ประมาณ|ราวๆ|ราว ๆ|ราว|หัวค่ำ|ค่ำ|เย็น|เช้า|สาย|บ่าย|ช่วง|เวลา|"
                          r"(?<![a-z])(?:around|about|at|in the)(?![a-z]))*", re.IGNORECASE)


def _close(text: str, end: int, start: int) -> bool:
    gap = start - end
    return gap <= _PAIR_GAP or (
        gap <= _FILLER_GAP and bool(text) and _TIME_FILLER.fullmatch(text, end, start) is not None)

_ACROSS_RANGE = re.compile(r"(?i)ถึง|จนถึง|(?<![a-z])(?:until|till)(?![a-z])")


def _resolve(pieces: list[_Piece], claims: Claims, ref: datetime,
             today: datetime, t_of_pieces: str = "") -> list[_Found]:
    """Pair each day with a clock time next to it (not across "ถึง": "เมื่อวานถึงสี่ทุ่มคืนนี้"
    is a range); resolve the rest alone."""
    out: list[_Found] = []
    used: set[int] = set()
    soon = ref + timedelta(minutes=30)
    story_day: _Piece | None = None  # the day the story is on ("เมื่อวาน ... ตอนบ่ายโมง")
    for i, p in enumerate(pieces):
        if i in used:
            continue
        used.add(i)
        if p.kind in ("date", "reld") and p.until is None and p.date is not None:
            story_day = p
        if p.kind == "moment":
            assert p.moment is not None
            out.append(_Found(p.start, p.end, p.moment, TimePrecision.MINUTE, True))
            continue
        # pair a day with a clock time (either order) when close together
        partner = None
        if i + 1 < len(pieces) and p.until is None:
            q = pieces[i + 1]
            if ({p.kind, q.kind} in ({"clock", "date"}, {"clock", "reld"}) and q.until is None
                    and _close(t_of_pieces, p.end, q.start) and not claims.between(p.end, q.start)
                    and not _ACROSS_RANGE.search(t_of_pieces, p.end, q.start)):
                partner = i + 1
        if partner is not None:
            used.add(partner)
            q = pieces[partner]
            clock, day = (p, q) if p.kind == "clock" else (q, p)
            base = day.date
            assert base is not None
            if day.evening and clock.hour < 6:
                base = base + timedelta(days=1)
            dt = base.replace(hour=clock.hour, minute=clock.minute)
            if dt > soon and day.back == "week":
                dt -= timedelta(days=7)  # "วันเสาร์ตอนสองทุ่ม" said on Saturday afternoon
            elif dt > soon and day.back == "month":
                dt = _months_back(dt, 1) or _months_back(dt, 2) or dt
            out.append(_Found(min(p.start, q.start), max(p.end, q.end), dt,
                              TimePrecision.MINUTE, day.kind == "reld" or day.rel))
        elif p.kind == "clock":
            dt = today.replace(hour=p.hour, minute=p.minute)
            if story_day is not None and story_day.date is not None and (
                    today - story_day.date).days in (1, 2):
                # a clock time later in a story told about yesterday (or the day before) is
                # on that day; never further back, so a transfer is not made older than 72 h
                base = story_day.date
                if story_day.evening and p.hour < 6:
                    base = base + timedelta(days=1)
                dt = base.replace(hour=p.hour, minute=p.minute)
            elif dt > soon:
                dt -= timedelta(days=1)
            out.append(_Found(p.start, p.end, dt, TimePrecision.MINUTE, True))
        else:
            assert p.date is not None
            out.append(_Found(p.start, p.end, p.date, TimePrecision.DAY,
                              p.kind == "reld" or p.rel, until=p.until))
    return out


def _ranges_and_since(t: str, found: list[_Found]) -> None:
    """"ตั้งแต่X ถึงY" -> one range X..Y; "ตั้งแต่X" / "since X" alone -> X starts an open
    period."""
    i = 0
    while i < len(found):
        f = found[i]
        if f.until is None and i + 1 < len(found):
            g = found[i + 1]
            if (g.until is None and g.at >= f.at
                    and _UNTIL_BETWEEN.fullmatch(t, f.end, g.start)
                    and (_SINCE.search(t, max(0, f.start - 16), f.start)
                         or t.startswith("วันที่", g.start))):
                found[i] = _Found(f.start, g.end, f.at, f.precision, f.relative or g.relative,
                                  until=g.at)
                del found[i + 1]
                f = found[i]
        if f.until is None and _SINCE.search(t, max(0, f.start - 16), f.start):
            f.since = True
        i += 1


def _entity(n: Normalized, f: _Found) -> TransferTime:
    os_, oe = n.span(f.start, f.end)
    return TransferTime(raw=n.original[os_:oe], start=os_, end=oe,
                        confidence=0.8 if f.relative else 0.9, value=f.at,
                        precision=f.precision, relative=f.relative, until=f.until,
                        since=f.since)
