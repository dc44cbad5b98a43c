"""Amounts in baht: "5,000 บาท", "5 พัน", "1.5 แสน", "ห้าหมื่นสองพัน", "หมื่นห้า", "5k", "฿300".

A number counts as money when it carries a currency mark, a multiplier, or follows a money word
(โอน, ยอด, ค่า, จ่าย, ...); never when a unit follows it (ครั้ง, นาที, %, ...) and never inside
a span already taken by a phone, account, date or time. Each amount then gets its role (paid,
requested, promised, balance) from ``amount_roles``.
"""

from __future__ import annotations

import re

from bot.understanding.amount_roles import assign_roles
from bot.understanding.entities import Amount
from bot.understanding.normalize import Normalized
from bot.understanding.spans import Claims
from bot.understanding.thainum import (
    DIGIT_NUMBER,
    HALF,
    THAI_NUMBER_WORD,
    Token,
    evaluate,
    split_numbers,
    tokenize,
)

_TOK = rf"(?:{DIGIT_NUMBER}|{THAI_NUMBER_WORD}|(?<=\d)\s?[kK](?![A-Za-z]))"
# not after another currency's sign: "$621,000" is no baht amount
_PHRASE = re.compile(rf"(?<![A-Za-z0-9.,$€£¥])(?:฿\s?|thb\s?|THB\s?)?{_TOK}(?:\s?{_TOK})*")
# "bath": how many who write English as a second language spell baht
_CURRENCY_AFTER = re.compile(r"^\s?(?:กว่า\s?)?(?:บาท|บ\.|฿|thb|baht|bht|bath(?![a-z])|\.-|-\s?บาท|,-)",
                             re.I)
_MONEY_BEFORE = re.compile(
    r"(?i)(?:โอน|ยอด|จำนวน|เงิน|ค่า|จ่าย|มัดจำ|เสีย|ราคา|ฝาก|เติม|ถอน|ลงทุน|ละ|รวม|หัก|เหลือ|"
    r"กู้|ยืม|โดนไป|ไป|ได้|คืน|คืนมา|ปันผล|amount|paid|pay|transfer(?:red)?|sent|lost|money|฿|thb"
    # "รอบแรก 800 รอบสอง 2,400", "งวดที่สอง 1,500": one transfer of a series
    r"|(?:รอบ|ครั้ง|งวด)(?:ที่\s?)?(?:แรก|หนึ่ง|สอง|สาม|สี่|ห้า|สุดท้าย|ล่าสุด|[1-9])"
    r"|(?:first|second|third|last) (?:one|time|transfer|payment))\s*$"
)
# "ค่าธรรมเนียม 500", "ค่าส่งอีก 300": a fee word a little further back
# (also "โอนเงน 2000" typed with a typo)
_FEE_BEFORE = re.compile(r"(?:ค่า|โอน|จ่าย)[\u0e01-\u0e4e]{0,24}\s?$")
# "800, 2,400 and 7,200 baht": a bare number listed with amounts is one too
_LIST_SEP = re.compile(r"\s?(?:,|และ|กับ|(?<![a-z])and(?![a-z])|\+)\s?", re.I)
# "50 คน" is people, "12,900 คนขายบอก..." is a sum followed by "the seller"
_PEOPLE = r"คน(?!ขาย|ร้าย|ที่|นั้น|นี้|หลอก|โกง|ส่ง|รับ|โทร|ใน|เดิม|อ้าง)"
_UNIT_AFTER = re.compile(
    r"^\s?(?:นาที|ชั่วโมง|ชม|วัน|เดือน|ปี|อาทิตย์|สัปดาห์|" + _PEOPLE + r"|ครั้ง(?!ที่|แรก|สอง|สุดท้าย)"
    r"|รอบ(?!ที่|แรก|สอง|สุดท้าย)|โมง|ทุ่ม|น\.|นาฬิกา|%|"
    r"เปอร์|ชิ้น|อัน|ตัว|ใบ|คู่|หลัก|ข้อ|สาย|ราย|งวด(?!ที่|แรก|สอง|สุดท้าย)|ขวบ|กิโล|kg|km|เมตร|ลิตร|เท่า|ดาว|บัญชี|"
    r"เบอร์|เล่ม|แห่ง|ไลก์|ข้อความ|ชุด|แต้ม|point|coin|usdt|btc|eth|ดอลลาร์|usd|\$|เหรียญ|ละ|"
    r"บิตคอยน์|"
    r"วิ|นาที|hours?|mins?|days?|times|pcs|items?|ออเดอร์|กล่อง|แพ็ค|ห่อ|หลัง|คัน|ที่|"
    r"ค่ะ?\s?ที่|ภารกิจ|งาน|ดอก|รายการ|แอป|เว็บ|เครื่อง|ขั้น|ระดับ|level|lv)", re.I)
# after "1,000" only units that are surely not baht
_UNIT_STRICT = re.compile(r"^\s?(?:%|เปอร์|usdt|btc|eth|coin|point|แต้ม|ดอลลาร์|usd|\$|เหรียญ|"
                          + _PEOPLE + r"|"
                          r"ไลก์|ข้อความ|วิว|ชิ้น|เยน|หยวน|ริงกิต|คดี|ราย(?!ได้|การ)|บิตคอยน์)",
                          re.I)
_YEAR_BEFORE = re.compile(r"(?:ปี|พ\.?ศ\.?|ค\.?ศ\.?|year|อายุ|เลขที่|ที่|เลข|หมายเลข|รหัส|no\.?|#)\s*$",
                          re.I)


def find_amounts(n: Normalized, claims: Claims) -> list[Amount]:
    t = n.text
    out: list[tuple[int, int, Amount]] = []
    bare: list[tuple[int, int, float]] = []  # plain numbers with no money cue of their own
    for m in _PHRASE.finditer(t):
        all_toks = tokenize(m.group())
        if claims.overlaps(m.start(), m.end()):
            # keep the tokens outside claimed spans, split where a claimed one was dropped
            pieces: list[list[tuple[Token, int, int]]] = [[]]
            for tk in all_toks:
                if claims.overlaps(m.start() + tk[1], m.start() + tk[2]):
                    pieces.append([])
                else:
                    pieces[-1].append(tk)
            groups = [p for p in pieces if p]
        else:
            groups = [all_toks]
        for toks in groups:
            out.extend(_amounts_in(n, claims, m, toks, bare))
    if bare and out:
        out = _listed(n, claims, out, bare)
    return assign_roles(t, out)


def _listed(n: Normalized, claims: Claims, out: list[tuple[int, int, Amount]],
            bare: list[tuple[int, int, float]]) -> list[tuple[int, int, Amount]]:
    """Bare numbers listed right before an amount ("800, 2,400 and 7,200 baht") are amounts."""
    starts = {ns for ns, _, _ in out}
    for ns, ne, val in reversed(bare):  # right to left: each one may lead to the next
        sep = _LIST_SEP.match(n.text, ne)
        if sep is None or sep.end() not in starts or val < 20:
            continue
        os_, oe = n.span(ns, ne)
        out.append((ns, ne, Amount(raw=n.original[os_:oe], start=os_, end=oe,
                                   confidence=0.7, value=val)))
        starts.add(ns)
        claims.add(ns, ne)
    return sorted(out, key=lambda x: x[0])


def _amounts_in(n: Normalized, claims: Claims, m: re.Match[str],
                toks: list[tuple[Token, int, int]],
                bare: list[tuple[int, int, float]]) -> list[tuple[int, int, Amount]]:
    """Amounts among the number tokens of one phrase, with their normalised spans."""
    t = n.text
    base = m.start()
    prefixed_phrase = m.group()[:1] in "฿tT"  # "฿300", "THB 300"
    values = [tk for tk, _, _ in toks]
    out: list[tuple[int, int, Amount]] = []
    for i, j in split_numbers(values):
        seg = toks[i:j]
        seg_values = values[i:j]
        # "฿300"; not "฿0812345678พัน", where an identifier sits between the sign and "พัน"
        prefixed = (prefixed_phrase and i == 0 and seg[0][1] == toks[0][1]
                    and not claims.overlaps(base, base + seg[0][1]))
        ns = base if prefixed else base + seg[0][1]
        ne = base + seg[-1][2]
        after = t[ne:ne + 12]
        before = t[max(0, ns - 14):ns]
        cur = bool(_CURRENCY_AFTER.match(after))
        val = evaluate(seg_values, colloquial_tail=not cur)
        if val is None or val <= 0:
            continue
        has_mult = any(isinstance(v, str) for v in seg_values)
        has_word = any(not t[base + a].isdigit() for _, a, _ in seg)
        if not has_mult and not has_word:  # plain digits
            raw = t[base + seg[0][1]:ne]
            grouped = "," in raw and val >= 1000  # "1,000": money unless a unit says not
            if not cur and (_UNIT_STRICT if grouped else _UNIT_AFTER).match(after):
                continue
            if raw.startswith("0") and not raw.startswith("0."):
                continue  # a code or part of a number, not money
            if _YEAR_BEFORE.search(before) and not cur:
                continue
            if not (cur or prefixed or grouped or (val >= 10 and (
                    _MONEY_BEFORE.search(before) or _FEE_BEFORE.search(t, max(0, ns - 30), ns)))):
                bare.append((ns, ne, float(val)))
                continue
        else:
            # "สองพันคน" is people, but in "สองพัน คนขายบล็อก" the next word is a new phrase
            if not cur and not after.startswith(" ") and _UNIT_AFTER.match(after):
                continue
            if not has_mult:
                continue  # "ห้า" alone is no amount
            if has_word and val < 100 and not cur:
                continue
            mult_only = all(isinstance(v, str) and v != HALF for v in seg_values)
            if mult_only and not (cur or _MONEY_BEFORE.search(before)):
                continue  # "แสนดี"
        os_, oe = n.span(ns, ne)
        out.append((ns, ne, Amount(raw=n.original[os_:oe], start=os_, end=oe,
                                   confidence=0.95 if cur else 0.8, value=float(val))))
        claims.add(ns, ne)
    return out
