"""Amounts in baht: "5,000 บาท", "5 พัน", "1.5 แสน", "ห้าหมื่นสองพัน", "หมื่นห้า", "5k", "฿300".

A number counts as money when it carries a currency mark, a multiplier, or follows a money word
(โอน, ยอด, ค่า, จ่าย, ...); never when a unit follows it (ครั้ง, นาที, %, ...) and never inside
a span already taken by a phone, account, date or time.
"""

from __future__ import annotations

import re

from bot.understanding.entities import Amount
from bot.understanding.normalize import Normalized
from bot.understanding.spans import Claims
from bot.understanding.thainum import (
    DIGIT_NUMBER,
    THAI_NUMBER_WORD,
    evaluate,
    split_numbers,
    tokenize,
)

_TOK = rf"(?:{DIGIT_NUMBER}|{THAI_NUMBER_WORD}|(?<=\d)\s?[kK](?![A-Za-z]))"
_PHRASE = re.compile(rf"(?<![A-Za-z0-9.,])(?:฿\s?|thb\s?|THB\s?)?{_TOK}(?:\s?{_TOK})*")
_CURRENCY_AFTER = re.compile(r"^\s?(?:กว่า\s?)?(?:บาท|บ\.|฿|thb|baht|bht|\.-|-\s?บาท|,-)", re.I)
_MONEY_BEFORE = re.compile(
    r"(?i)(?:โอน|ยอด|จำนวน|เงิน|ค่า|จ่าย|มัดจำ|เสีย|ราคา|ฝาก|เติม|ถอน|ลงทุน|ละ|รวม|หัก|เหลือ|"
    r"กู้|ยืม|โดนไป|ไป|ได้|คืน|ปันผล|amount|paid|pay|transfer(?:red)?|sent|lost|฿|thb)\s*$"
)
_UNIT_AFTER = re.compile(
    r"^\s?(?:นาที|ชั่วโมง|ชม|วัน|เดือน|ปี|อาทิตย์|สัปดาห์|คน|ครั้ง|รอบ|โมง|ทุ่ม|น\.|นาฬิกา|%|"
    r"เปอร์|ชิ้น|อัน|ตัว|ใบ|คู่|หลัก|ข้อ|สาย|ราย|งวด|ขวบ|กิโล|kg|km|เมตร|ลิตร|เท่า|ดาว|บัญชี|"
    r"เบอร์|เล่ม|แห่ง|ไลก์|ข้อความ|ชุด|แต้ม|point|coin|usdt|btc|eth|ดอลลาร์|usd|\$|เหรียญ|ละ|"
    r"วิ|นาที|hours?|mins?|days?|times|pcs|items?|ออเดอร์|กล่อง|แพ็ค|ห่อ|หลัง|คัน|ที่|"
    r"ค่ะ?\s?ที่|ภารกิจ|งาน|ดอก|รายการ|แอป|เว็บ|เครื่อง|ขั้น|ระดับ|level|lv)", re.I)
# after "1,000" only units that are surely not baht
_UNIT_STRICT = re.compile(r"^\s?(?:%|เปอร์|usdt|btc|eth|coin|point|แต้ม|ดอลลาร์|usd|\$|เหรียญ|คน|"
                          r"ไลก์|ข้อความ|วิว|ชิ้น|เยน|หยวน|ริงกิต)", re.I)
_YEAR_BEFORE = re.compile(r"(?:ปี|พ\.?ศ\.?|ค\.?ศ\.?|year|อายุ|เลขที่|ที่|เลข|หมายเลข|รหัส|no\.?|#)\s*$",
                          re.I)


def find_amounts(n: Normalized, claims: Claims) -> list[Amount]:
    t = n.text
    out: list[Amount] = []
    for m in _PHRASE.finditer(t):
        all_toks = tokenize(m.group())
        if claims.overlaps(m.start(), m.end()):
            # keep the tokens outside claimed spans, split where a claimed one was dropped
            pieces: list[list] = [[]]
            for tk in all_toks:
                if claims.overlaps(m.start() + tk[1], m.start() + tk[2]):
                    pieces.append([])
                else:
                    pieces[-1].append(tk)
            groups = [p for p in pieces if p]
        else:
            groups = [all_toks]
        for toks in groups:
            out.extend(_amounts_in(n, claims, m, toks))
    return out


def _amounts_in(n: Normalized, claims: Claims, m: re.Match[str], toks: list) -> list[Amount]:
    t = n.text
    out: list[Amount] = []
    if True:
        values = [tk for tk, _, _ in toks]
        for i, j in split_numbers(values):
            seg_toks = toks[i:j]
            ns = m.start() + seg_toks[0][1]
            if i == 0 and m.group()[:1] in "฿tT":
                ns = m.start()
            ne = m.start() + seg_toks[-1][2]
            after = t[ne:ne + 12]
            cur = bool(_CURRENCY_AFTER.match(after))
            last_seg = j == len(toks)
            if j < len(toks):
                after = t[ne:ne + 12]
            val = evaluate(values[i:j], colloquial_tail=not cur)
            if val is None or val <= 0:
                continue
            has_mult = any(isinstance(v, str) for v in values[i:j])
            has_word = any(not t[m.start() + a].isdigit() for _, a, b in seg_toks
                           if not isinstance(_, str) or True) and any(
                not t[m.start() + a:m.start() + b][0].isdigit() for _, a, b in seg_toks)
            digits_only = not has_mult and not has_word
            before = t[max(0, ns - 14):ns]
            prefixed = t[m.start():ns + 1][:1] in "฿tT" and i == 0
            grouped = digits_only and "," in t[ns:ne] and val >= 1000
            if not cur and (_UNIT_STRICT if grouped else _UNIT_AFTER).match(after):
                continue
            if digits_only:
                raw = t[ns:ne]
                if raw.startswith("0") and not raw.startswith("0."):
                    continue
                if _YEAR_BEFORE.search(before) and not cur:
                    continue
                if not (cur or prefixed or (_MONEY_BEFORE.search(before) and val >= 10)
                        or ("," in raw and val >= 1000)):
                    if not (last_seg and i > 0):
                        continue
                    continue
            else:
                if not has_mult:
                    continue  # "ห้า" alone is no amount
                if has_word and val < 100 and not cur:
                    continue
                mult_only = all(isinstance(v, str) and v != "ครึ่ง" for v in values[i:j])
                if mult_only and not (cur or _MONEY_BEFORE.search(before)):
                    continue  # "แสนดี"
            os_, oe = n.span(ns, ne)
            out.append(Amount(raw=n.original[os_:oe], start=os_, end=oe,
                              confidence=0.95 if cur else 0.8, value=float(val)))
            claims.add(ns, ne)
    return out
