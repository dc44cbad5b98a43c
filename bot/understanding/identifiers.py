"""Digit identifiers: phones, bank accounts (full and masked), PromptPay ids, national ids,
transaction references — told apart by length, layout, validity and nearby words.

Phone validity comes from ``phonenumbers``; the rules here only decide which reading of a digit
run the victim meant (a 10-digit 08x number is a phone unless it is laid out like an account or
sits next to an account word or bank name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bot.banks import BankCode
from bot.masking import mask_national_id
from bot.understanding.entities import (
    Account,
    Entity,
    NationalId,
    Phone,
    PromptPayId,
    PromptPayIdType,
    TransactionRef,
)
from bot.understanding.normalize import Normalized
from bot.understanding.spans import Claims

_RUN = re.compile(
    r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][-./,:])(\(?\+ ?|\()?\d(?:\d|(?: ?[-.] ?| |_|\) ?)(?=\d))*")
_SEP_SPLIT = re.compile(r"[ .\-_]+")
_MASK_CHARS = "xX*•#"
_MASKED = re.compile(
    r"(?<![A-Za-z0-9])[xX*•#\d](?:[xX*•#\d]|[- ](?=[xX*•#\d])){5,22}(?![A-Za-z0-9])")

_CTX = re.compile(
    r"(?i)(?P<phone>เบอร์|โทร|มือถือ|ติดต่อ|(?<![a-z])tel(?![a-z])|phone|mobile|(?<![a-z])call|"
    r"(?<![a-z])sms|คอล|whatsapp|วอทส์แอป|ไลน์|line)|"
    r"(?P<account>เลขที่บัญชี|เลขบัญชี|บัญชี|บช\.?|บ/ช|a/c|(?<![a-z])acc(?:oun)?t?(?![a-z])|"
    r"ธนาคาร|แบงก์|แบงค์|(?<![a-z])bank(?![a-z])|ปลายทาง)|"
    r"(?P<promptpay>พร้อมเพ|promptpay|prompt\s?pay)|"
    r"(?P<wallet>ทรูมันนี|ทรูวอลเล|truemoney|true\s?money|วอลเล็ท|วอลเล็ต|wallet)|"
    r"(?P<nid>บัตรประชาชน|บัตรปชช|ปชช|บัตร\s?ประชาชน|เลขประจำตัว|id\s?card|citizen|"
    r"เลขประชาชน|national\s?id|เลขผู้เสียภาษี|tax\s?id|เลขบัตร(?!เครดิต|เดบิต|\s?atm))|"
    r"(?P<decoy>พัสดุ|tracking|(?<![a-z])track|แทร็ก|แทรค|ออเดอร์|(?<![a-z])order|คำสั่งซื้อ|"
    r"ใบสั่งซื้อ|invoice|ใบแจ้งหนี้|serial|imei|รหัสสินค้า|ใบเสร็จ|บัตรเครดิต|บัตรเดบิต|"
    r"credit\s?card|debit\s?card|ไปรษณีย์|เลขที่สัญญา|สัญญาเลข|มิเตอร์|ผู้ใช้ไฟ|"
    r"รหัสลูกค้า|เลขสมาชิก|member|รหัสผ่าน|otp|pin|พิน)|"
    r"(?P<ref>เลขที่รายการ|เลขอ้างอิง|อ้างอิง|(?<![a-z])ref(?![a-z])|transaction)|"
    r"(?P<transfer>โอนเข้า|โอนไป|โอนให้|โอนมาที่|โอนที่|transfer(?:red)?\s?to|sent\s?to)"
)
_NUMBER_WORDS = r"(?:ของ\S{0,8}\s{0,8})?(?:เบอร์(?:โทร(?:ศัพท์)?)?|หมายเลข|เลข)\s{0,8}(?:นี้)?\s{0,8}:?\s{0,8}$"
# "พร้อมเพย์เบอร์ 08...", "ทรูมันนี่ เบอร์ 09...": the phone number is the payment id
_PP_PHONE = re.compile(r"(?i)(?:พร้อมเพ(?:ย์)?|promptpay|prompt\s?pay)\s*" + _NUMBER_WORDS)
_WALLET_PHONE = re.compile(
    r"(?i)(?:ทรูมันนี่?|truemoney|true\s?money|ทรูวอลเล็[ทต])\s{0,8}(?:wallet|วอลเล็[ทต])?\s{0,8}"
    + _NUMBER_WORDS)
# "โอนไปเบอร์ 08..." : money sent to a phone number goes over PromptPay
_TO_PHONE = re.compile(r"โอน\S{0,8}\s?(?:ที่|ให้|เข้า)?\s?เบอร์(?:โทร)?\s{0,8}(?:นี้)?\s{0,8}:?\s{0,8}$")


@dataclass(slots=True)
class Found:
    """An identifier in normalised coordinates (``ns``/``ne``) with its entity."""

    ns: int
    ne: int
    entity: Entity


PhoneInfo = tuple[str, str, "str | None", bool, int]


@lru_cache(maxsize=4096)
def parse_phone(number: str, region: str | None = "TH") -> PhoneInfo | None:
    """(E.164, national, region, valid, number type) or None if not even possible.

    ``national`` is the number as dialled in Thailand: national digits for a Thai number, the
    E.164 form for a foreign one (the national form of +855 97 123 4567, "0971234567", would
    read as a Thai mobile)."""
    try:
        p = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(p):
        return None
    valid = phonenumbers.is_valid_number(p)
    e164 = phonenumbers.format_number(p, PhoneNumberFormat.E164)
    where = phonenumbers.region_code_for_number(p)
    if where == "TH":
        national = re.sub(r"\D", "", phonenumbers.format_number(p, PhoneNumberFormat.NATIONAL))
    else:
        national = e164
    return (e164, national, where, valid, phonenumbers.number_type(p))


def is_thai_mobile(digits: str) -> bool:
    if len(digits) != 10 or digits[0] != "0" or digits[1] not in "689":
        return False
    r = parse_phone(digits)
    return bool(r and r[3] and r[4] in (PhoneNumberType.MOBILE,
                                        PhoneNumberType.FIXED_LINE_OR_MOBILE))


def thai_id_ok(digits: str) -> bool:
    """The 13-digit Thai citizen-id checksum (domain.md §4.3)."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    s = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - s % 11) % 10 == int(digits[12])


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = int(d)
        if i % 2:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def context(before: str, bank_ends: list[tuple[int, str]], window_start: int) -> str | None:
    """Nearest cue; a PromptPay or wallet cue anywhere in the window beats an id-card cue
    ("พร้อมเพย์เลขบัตร 1-2345-...")."""
    nearest, every = _context(before, bank_ends, window_start)
    if nearest == "nid" and "promptpay" in every:
        return "promptpay"
    if nearest == "phone":
        if _TO_PHONE.search(before) or _PP_PHONE.search(before):
            return "promptpay"
        if _WALLET_PHONE.search(before):
            return "wallet"
    return nearest


def _context(before: str, bank_ends: list[tuple[int, str]],
             window_start: int) -> tuple[str | None, set[str]]:
    """The nearest cue category in ``before``; a bank name counts as an account cue, a wallet
    as a wallet cue and PromptPay as a PromptPay cue."""
    best: tuple[int, str] | None = None
    every: set[str] = set()
    for m in _CTX.finditer(before):
        best = (m.end(), m.lastgroup or "")
        every.add(best[1])
    for be, cat in bank_ends:
        pos = be - window_start
        if 0 < pos <= len(before):
            every.add(cat)
            if best is None or pos >= best[0]:
                best = (pos, cat)
    return (best[1] if best else None), every


_BANK_LAYOUT = re.compile(r"^(?:\d{3}-\d-\d{5}-\d{1,3}|\d{3}-\d{6}-\d|\d-\d{4}-\d{4}-\d|"
                          r"\d{3}-\d{3}-\d{3}-\d|\d{4}-\d{3}-\d{6}-\d)$")


def _bank_like(layout: str) -> bool:
    return bool(_BANK_LAYOUT.match(re.sub(r" ?[-. ] ?", "-", layout)))


def _mk(n: Normalized, cls: type, ns: int, ne: int, conf: float, **kw: object) -> Found:
    s, e = n.span(ns, ne)
    return Found(ns, ne, cls(raw=n.original[s:e], start=s, end=e, confidence=conf, **kw))


def _classify(n: Normalized, ns: int, ne: int, plus: bool, ctx: str | None) -> Found | None:
    """The one reading of the digits in [ns, ne) given the nearest cue ``ctx``, or None."""
    t = n.text
    layout = t[ns:ne].lstrip("(+ ").replace(")", "")
    d = re.sub(r"\D", "", layout)
    k = len(d)
    if ctx == "decoy":
        return None
    if ctx == "ref" and not plus:
        return _mk(n, TransactionRef, ns, ne, 0.7, value=d)
    # international forms
    if plus or d.startswith("00") and k >= 11 and ctx != "account":
        num = "+" + (d[2:] if d.startswith("00") and not plus else d)
        if num.startswith("+660"):
            num = "+66" + num[4:]
        r = parse_phone(num, None)
        if r is None:
            if plus and 9 <= len(num) - 1 <= 15:
                # an odd "+" number ("+697 ...", domain.md §4.2): no such country, but it is
                # what the scammer's calls showed, so keep it as an invalid phone
                return _mk(n, Phone, ns, ne, 0.5, value=num, national=num, region=None,
                           valid=False)
            return None
        if ctx in ("promptpay", "transfer") and r[2] == "TH" and r[3]:
            return _mk(n, PromptPayId, ns, ne, 0.9, value=r[1], id_type=PromptPayIdType.PHONE)
        return _mk(n, Phone, ns, ne, 0.95 if r[3] else 0.5, value=r[0], national=r[1],
                   region=r[2], valid=r[3])
    if k == 11 and d.startswith("66") and d[2] in "2345689":
        r = parse_phone("+" + d, None)
        if r and r[3] and ctx != "account":
            return _mk(n, Phone, ns, ne, 0.85, value=r[0], national=r[1], region=r[2], valid=True)
    if ctx == "phone" and 11 <= k <= 13 and d[0] != "0" and not d.startswith("66") and not (
            k == 13 and thai_id_ok(d)):
        r = parse_phone("+" + d, None)  # "เบอร์ 855 97 123 4567": a country code, no "+"
        if r and r[3] and r[2] != "TH":
            return _mk(n, Phone, ns, ne, 0.8, value=r[0], national=r[1], region=r[2],
                       valid=True)
    if ctx == "transfer" and not _bank_like(layout) and (
            k == 10 and is_thai_mobile(d) or k == 13 and thai_id_ok(d)):
        ctx = "promptpay"  # "โอนให้ 0812345678": sent to a phone number, so over PromptPay
    if k == 13:
        if d.startswith("0066") and is_thai_mobile("0" + d[4:]):
            national = "0" + d[4:]
            if ctx == "promptpay":
                return _mk(n, PromptPayId, ns, ne, 0.9, value=national,
                           id_type=PromptPayIdType.PHONE)
            r = parse_phone(national)
            assert r is not None
            return _mk(n, Phone, ns, ne, 0.85, value=r[0], national=r[1], region=r[2], valid=True)
        citizen = thai_id_ok(d) and d[0] != "0"
        if ctx == "promptpay":
            return _mk(n, PromptPayId, ns, ne, 0.9, value=d,
                       id_type=PromptPayIdType.NATIONAL_ID if citizen else PromptPayIdType.TAX_ID)
        if citizen:
            return _mk(n, NationalId, ns, ne, 0.95 if ctx == "nid" else 0.85, value=d,
                       masked=mask_national_id(d))
        return None
    if k == 15:
        if ctx in ("promptpay", "wallet") or d.startswith("14000"):
            return _mk(n, PromptPayId, ns, ne, 0.85, value=d, id_type=PromptPayIdType.EWALLET,
                       bank=BankCode.TRUEMONEY if d.startswith("14000") or ctx == "wallet"
                       else BankCode.PROMPTPAY)
        return None
    if k == 10:
        mobile = is_thai_mobile(d)
        if ctx == "promptpay":
            if mobile:
                return _mk(n, PromptPayId, ns, ne, 0.9, value=d, id_type=PromptPayIdType.PHONE)
            return _mk(n, Account, ns, ne, 0.6, value=d)
        if ctx == "wallet" and mobile:
            return _mk(n, Account, ns, ne, 0.85, value=d, bank=BankCode.TRUEMONEY)
        if mobile:
            if _bank_like(layout) or ctx == "account":
                return _mk(n, Account, ns, ne, 0.75, value=d)
            r = parse_phone(d)
            assert r is not None
            return _mk(n, Phone, ns, ne, 0.9 if ctx == "phone" else 0.8, value=r[0],
                       national=r[1], region=r[2], valid=True)
        if d.startswith(("1800", "1900")) and ctx == "phone":
            r = parse_phone(d)
            if r and r[3]:
                return _mk(n, Phone, ns, ne, 0.8, value=r[0], national=r[1], region=r[2],
                           valid=True)
        if ctx == "phone":
            return None  # "โทร 1234567890" is no Thai number and no account either
        conf = 0.9 if (ctx in ("account", "transfer") or _bank_like(layout)) else 0.7
        return _mk(n, Account, ns, ne, conf, value=d)
    if k == 9:
        if d[0] == "0" and d[1] in "23457":
            r = parse_phone(d)
            if r and r[3] and ctx != "account":
                return _mk(n, Phone, ns, ne, 0.85, value=r[0], national=r[1], region=r[2],
                           valid=True)
        return None
    if k == 12:
        if ctx == "phone":
            return None
        return _mk(n, Account, ns, ne, 0.85 if ctx == "account" or _bank_like(layout) else 0.65,
                   value=d)
    if k == 14 and ctx == "account":
        return _mk(n, Account, ns, ne, 0.6, value=d)
    return None


def _masked(n: Normalized, claims: Claims) -> list[Found]:
    out: list[Found] = []
    for m in _MASKED.finditer(n.text):
        g = m.group()
        syms = [c for c in g if c not in "- "]
        masks = sum(c in _MASK_CHARS for c in syms)
        digits = len(syms) - masks
        if masks < 2 or digits < 3 or len(syms) not in (10, 12, 14):
            continue
        value = "".join("x" if c in _MASK_CHARS else c for c in syms)
        layout = tuple(len(x) for x in re.split(r"[- ]", g) if x)
        if value[0] == "0" and layout in ((3, 3, 4), (2, 4, 4), (3, 7)):
            continue  # "081-xxx-5678": a masked phone number
        nearest, _ = _context(n.text[max(0, m.start() - 30):m.start()], [], 0)
        if nearest in ("phone", "decoy", "nid"):
            continue
        out.append(_mk(n, Account, m.start(), m.end(), 0.8, value=value, partial=True))
        claims.add(m.start(), m.end())
    return out


def find_identifiers(n: Normalized, claims: Claims,
                     bank_spans: list[tuple[int, int, str]]) -> list[Found]:
    """``bank_spans``: normalised (start, end, cue) of bank mentions, cue one of
    "account", "wallet", "promptpay"."""
    t = n.text
    found = _masked(n, claims)
    bank_ends = [(e, cat) for _, e, cat in bank_spans]
    prev_end = 0
    for m in _RUN.finditer(t):
        if claims.overlaps(m.start(), m.end()):
            continue
        plus = "+" in (m.group(1) or "")
        body_start = m.end(1) if plus else m.start()
        groups = [(g.start() + body_start, g.end() + body_start)
                  for g in re.finditer(r"\d+", t[body_start:m.end()])]
        if m.end() < len(t) and (t[m.end()].isascii() and t[m.end()].isalpha()):
            # "0123456789TH" is some code, not ours; but in "9810123456 5k" only "5k" is
            if len(groups) > 1 and " " in t[groups[-2][1]:groups[-1][0]]:
                groups.pop()
            else:
                continue
        total = sum(e - s for s, e in groups)
        if total < 9:
            prev_end = m.end()
            continue
        digits_all = re.sub(r"\D", "", m.group())
        if total == 16 and luhn_ok(digits_all):
            prev_end = m.end()
            continue  # a payment card number
        segs = _segment(n, groups, m.start(), plus, bank_ends, prev_end)
        for f in segs:
            found.append(f)
            claims.add(f.ns, f.ne)
        prev_end = m.end()
    found.sort(key=lambda f: f.ns)
    return found


def _segment(n: Normalized, groups: list[tuple[int, int]], run_start: int, plus: bool,
             bank_ends: list[tuple[int, str]], prev_end: int) -> list[Found]:
    """Best reading of a run of digit groups: the whole, or consecutive parts of it."""
    t = n.text
    g = len(groups)

    def classify(i: int, j: int) -> Found | None:
        ns = run_start if (i == 0 and plus) else groups[i][0]
        ne = groups[j - 1][1]
        ws = max(prev_end, ns - 40) if i == 0 else max(groups[i - 1][1], ns - 40)
        before = t[ws:ns]
        ctx = context(before, bank_ends, ws)
        return _classify(n, ns, ne, plus and i == 0, ctx)

    # best[i]: (digits covered, readings) for groups[i:], filled from the end (no recursion:
    # a long run of spaced numbers must not hit the recursion limit)
    best: list[tuple[int, list[Found]]] = [(0, [])] * (g + 1)
    max_groups = 16 if g <= 64 else 4  # a huge run ("1 1 1 1 ...") is noise: bound the work
    for i in range(g - 1, -1, -1):
        res = best[i + 1]  # skip this group (e.g. an amount typed right before a phone)
        size = 0
        for j in range(i + 1, min(g, i + max_groups) + 1):
            size += groups[j - 1][1] - groups[j - 1][0]
            if size > 16:
                break
            if size < 9:
                continue
            if j < g and not _space_between(t, groups[j - 1][1], groups[j][0]):
                continue  # a split inside dash/dot layout is not a split between numbers
            if i > 0 and not _space_between(t, groups[i - 1][1], groups[i][0]):
                continue
            f = classify(i, j)
            if f is None:
                continue
            score = size + best[j][0]
            if score > res[0]:
                res = (score, [f, *best[j][1]])
        best[i] = res
    return best[0][1]


def _space_between(t: str, a: int, b: int) -> bool:
    return " " in t[a:b] and "-" not in t[a:b] and "." not in t[a:b]
