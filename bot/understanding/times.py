"""Transfer times: clock words, dates (Buddhist-era years too) and relative expressions,
resolved against the message time in Asia/Bangkok.

A clock time with no day is taken as today, or yesterday when today's would be more than 30
minutes after the message. A date with no clock time gets 00:00 and precision "day".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.understanding.entities import TimePrecision, TransferTime
from bot.understanding.normalize import Normalized
from bot.understanding.spans import Claims

BANGKOK = ZoneInfo("Asia/Bangkok")

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
_MONTH_TH_RE = "|".join(re.escape(m).replace(r"\.", r"\.?") for m in
                        sorted(_MONTHS_TH, key=len, reverse=True))
_MONTH_EN_RE = (r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_YEAR = r"(?:(?:พ\.?ศ\.?|ค\.?ศ\.?)\s*)?(\d{4}|\d{2})(?!\d)"

_DATE_TH = re.compile(rf"(?<!\d)(\d{{1,2}})\s*({_MONTH_TH_RE})(?:\s*{_YEAR})?")
_DATE_NUM = re.compile(r"(?<![\d/.:-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_EN = re.compile(rf"(?i)(?<!\d)(\d{{1,2}})\s*{_MONTH_EN_RE}(?:\s*,?\s*(\d{{4}}))?"
                      rf"|(?<![A-Za-z]){_MONTH_EN_RE}\s*(\d{{1,2}})(?!\d)(?:\s*,?\s*(\d{{4}}))?")

_REL_DAY = re.compile(
    r"(?i)เมื่อวานซืน|วานซืน|เมื่อวานนี้|เมื่อวาน|วานนี้|yesterday|เมื่อคืนนี้|เมื่อคืน|last night|"
    r"วันนี้|today|เมื่อเช้านี้|เมื่อเช้า|เช้านี้|this morning|เมื่อตอนเช้า|"
    rf"(?:เมื่อ\s*)?(?P<days>\d{{1,2}}|{_TH_SMALL})\s*วัน\s*(?:ที่แล้ว|ก่อน)|"
    r"(?:เมื่อ\s*)?(?:อาทิตย์|สัปดาห์)\s*(?:ที่แล้ว|ก่อน)|last week"
)
_WEEKDAYS = {"จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัสบดี": 3, "พฤหัส": 3, "ศุกร์": 4, "เสาร์": 5,
             "อาทิตย์": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
             "friday": 4, "saturday": 5, "sunday": 6}
_WEEKDAY = re.compile(
    r"(?i)(?:เมื่อ\s*)?วัน\s?(?P<th>จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)"
    r"(?P<last>\s?(?:ที่แล้ว|ก่อน|ที่ผ่านมา))?|"
    r"(?P<en_last>last\s)?(?<![a-z])(?P<en>monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)(?![a-z])"
)
_REL_DAY_OFFSET = {"เมื่อวานซืน": -2, "วานซืน": -2, "เมื่อวานนี้": -1, "เมื่อวาน": -1,
                   "วานนี้": -1, "yesterday": -1, "เมื่อคืนนี้": -1, "เมื่อคืน": -1,
                   "last night": -1}
_AGO = re.compile(
    r"(?i)(?:เมื่อ\s*)?(?:(?P<n>\d{1,3}|" + _TH_SMALL + r"|ครึ่ง)\s*)?"
    r"(?P<unit>นาที|ชั่วโมง|ชม\.?)\s*(?:กว่า\s*)?(?:ที่แล้ว|ก่อน)|"
    r"(?P<en>\d{1,3})\s*(?P<enunit>min(?:ute)?s?|hours?|hrs?)\s*ago"
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
        rf"บ่าย\s*(?P<bh>{_N})?\s*(?:โมง)?{_HALF}{_MIN_TAIL}",
        rf"(?P<th>{_N})\s*ทุ่ม{_HALF}{_MIN_TAIL}",
        rf"ทุ่ม\s*(?:นึง|หนึ่ง)?{_HALF}",
        rf"ตี\s*(?P<ti>{_N}){_HALF}{_MIN_TAIL}",
        rf"(?P<mh>{_N})\s*โมง\s*(?P<mp>เช้า|เย็น|ค่ำ)?{_HALF}{_MIN_TAIL}",
        r"(?P<noon>เที่ยงคืน|เที่ยงวัน|เที่ยง)(?P<nhalf>\s*ครึ่ง)?",
    ])]
# cheap substring checks: a clock pattern is only run when one of its words is in the text
_CLOCK_GUARDS: list[tuple[str, ...]] = [
    ("am", "pm", "a.m", "p.m"), (":",), ("น.", "นาฬิกา"), ("น.", "นาฬิกา"), ("บ่าย",), ("ทุ่ม",),
    ("ทุ่ม",), ("ตี",), ("โมง",), ("เที่ยง",),
]
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[a-z]")
_CLOCK_DOT_CUE = re.compile(r"(?:เวลา|ตอน|ประมาณ|ราว|ช่วง|เมื่อ|at)\s*(\d{1,2})\.(\d{2})(?!\d)")
_DATE_DM = re.compile(r"(?:วันที่|date)\s*(\d{1,2})/(\d{1,2})(?![\d/])")


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
    for m in scan(_DATE_TH, digit):
        mo = _MONTHS_TH.get(m.group(2).replace(" ", ""))
        if mo is None:
            mo = _MONTHS_TH.get(m.group(2).replace(".", ""))
        if mo is None:
            for k, v in _MONTHS_TH.items():
                if k.replace(".", "") == m.group(2).replace(".", ""):
                    mo = v
                    break
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
            k = int(m.group("en"))
            unit = "h" if m.group("enunit").lower().startswith("h") else "m"
        else:
            raw_n = m.group("n")
            unit = "m" if m.group("unit") == "นาที" else "h"
            if raw_n == "ครึ่ง":
                k, unit = 30, "m"
            else:
                k = 1 if raw_n is None else (small_number(raw_n) or 0)
        delta = timedelta(hours=k) if unit == "h" else timedelta(minutes=k)
        add_piece(_Piece(m.start(), m.end(), "moment", moment=ref - delta))
    for m in scan(_WEEKDAY, "วัน" in t or "day" in low):
        if not free(m.start(), m.end()):
            continue
        wd = _WEEKDAYS[(m.group("th") or m.group("en")).lower()]
        back = (ref.weekday() - wd) % 7
        if back == 0 and (m.group("last") or m.group("en_last")):
            back = 7
        add_piece(_Piece(m.start(), m.end(), "reld", date=today - timedelta(days=back)))
    for m in scan(_REL_DAY, any(w in low for w in (
            "วัน", "วาน", "คืน", "เช้า", "อาทิตย์", "สัปดาห์", "yesterday", "today", "night",
            "week", "morning"))):
        if not free(m.start(), m.end()):
            continue
        g = m.group().lower()
        if m.group("days"):
            k = small_number(m.group("days"))
            if k is None:
                continue
            off = -k
        elif "อาทิตย์" in g or "สัปดาห์" in g or "week" in g:
            off = -7
        else:
            off = _REL_DAY_OFFSET.get(g, 0)
        add_piece(_Piece(m.start(), m.end(), "reld", date=today + timedelta(days=off),
                             evening=("คืน" in g or "night" in g)))
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

    pieces.sort(key=lambda p: p.start)
    out: list[TransferTime] = []
    used: set[int] = set()
    for i, p in enumerate(pieces):
        if i in used:
            continue
        used.add(i)
        if p.kind == "moment":
            out.append(_entity(n, p.start, p.end, p.moment, TimePrecision.MINUTE, True))
            continue
        # pair a day with a clock time (either order) when close together
        partner = None
        for j in (i + 1,):
            if j < len(pieces) and j not in used:
                q = pieces[j]
                if ({p.kind, q.kind} in ({"clock", "date"}, {"clock", "reld"})
                        and q.start - p.end <= 16 and not claims.between(p.end, q.start)):
                    partner = j
        if partner is not None:
            used.add(partner)
            q = pieces[partner]
            clock, day = (p, q) if p.kind == "clock" else (q, p)
            base = day.date
            assert base is not None
            if day.evening and clock.hour < 6:
                base = base + timedelta(days=1)
            dt = base.replace(hour=clock.hour, minute=clock.minute)
            out.append(_entity(n, min(p.start, q.start), max(p.end, q.end), dt,
                               TimePrecision.MINUTE, day.kind == "reld"))
        elif p.kind == "clock":
            dt = today.replace(hour=p.hour, minute=p.minute)
            if dt > ref + timedelta(minutes=30):
                dt -= timedelta(days=1)
            out.append(_entity(n, p.start, p.end, dt, TimePrecision.MINUTE, True))
        else:
            assert p.date is not None
            out.append(_entity(n, p.start, p.end, p.date, TimePrecision.DAY, p.kind == "reld"))
    for p in pieces:
        claims.add(p.start, p.end)
    return out


def _entity(n: Normalized, s: int, e: int, dt: datetime | None, prec: TimePrecision,
            relative: bool) -> TransferTime:
    os_, oe = n.span(s, e)
    return TransferTime(raw=n.original[os_:oe], start=os_, end=oe,
                        confidence=0.8 if relative else 0.9, value=dt, precision=prec,
                        relative=relative)
