"""Numbers written with Thai number words, digits and multipliers ("1.5 แสน", "หมื่นห้า", "5k").

``parse_number_tokens`` evaluates a token list and splits it where one number ends and the next
begins ("5 พัน 1 หมื่น" is two numbers). Colloquial forms are understood: a lone digit after
พัน/หมื่น/แสน/ล้าน means the next lower unit ("หมื่นห้า" = 15,000, "สองพันห้า" = 2,500,
"ล้านครึ่ง" = 1,500,000).
"""

from __future__ import annotations

import re

DIGIT_WORDS: dict[str, int] = {
    "ศูนย์": 0, "หนึ่ง": 1, "นึง": 1, "เอ็ด": 1, "สอง": 2, "ยี่": 2, "สาม": 3, "สี่": 4,
    "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9,
}
MULTIPLIERS: dict[str, int] = {
    "สิบ": 10, "ร้อย": 100, "พัน": 1_000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000,
    "k": 1_000, "K": 1_000,
}
HALF = "ครึ่ง"

# A Thai word followed by a dependent vowel or tone mark is part of a longer word ("สามี").
_NOT_WORD_END = "(?![\u0e30-\u0e3a\u0e45\u0e47-\u0e4e])"
_THAI_WORDS = sorted([*DIGIT_WORDS, *(m for m in MULTIPLIERS if m not in "kK"), HALF],
                     key=len, reverse=True)
THAI_NUMBER_WORD = "(?:" + "|".join(_THAI_WORDS) + ")" + _NOT_WORD_END
DIGIT_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_TOKEN = re.compile(
    rf"{DIGIT_NUMBER}|{THAI_NUMBER_WORD}|(?<=\d)[kK](?![A-Za-z])|(?<=\d )[kK](?![A-Za-z])")

Token = float | str


def tokenize(s: str) -> list[tuple[Token, int, int]]:
    """Number tokens in ``s`` with their spans (no gaps are checked here)."""
    out: list[tuple[Token, int, int]] = []
    for m in _TOKEN.finditer(s):
        g = m.group()
        if g[0].isdigit():
            out.append((float(g.replace(",", "")), m.start(), m.end()))
        elif g in DIGIT_WORDS:
            out.append((float(DIGIT_WORDS[g]), m.start(), m.end()))
        else:
            out.append((g, m.start(), m.end()))
    return out


def split_numbers(tokens: list[Token]) -> list[tuple[int, int]]:
    """Split a run of tokens into [i, j) ranges that each form one number."""
    ranges: list[tuple[int, int]] = []
    seg_start = 0
    last_mult: int | None = None  # smallest multiplier seen in the current million-section
    prev_number = False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if isinstance(t, float):
            if prev_number:
                # two numbers in a row: the colloquial "หมื่น 5" tail ends here
                ranges.append((seg_start, i))
                seg_start, last_mult = i, None
            prev_number = True
        elif t == HALF:
            prev_number = False
        else:
            m = MULTIPLIERS[t]
            if m != 1_000_000 and last_mult is not None and m >= last_mult:
                cut = i - 1 if prev_number else i
                if cut > seg_start:
                    ranges.append((seg_start, cut))
                    seg_start = cut
                last_mult = None
            last_mult = None if m == 1_000_000 else m
            prev_number = False
        i += 1
    if seg_start < len(tokens):
        ranges.append((seg_start, len(tokens)))
    return ranges


def evaluate(tokens: list[Token], *, colloquial_tail: bool = True) -> float | None:
    """Value of one number's tokens, or None if they don't form a number."""
    total = 0.0
    section = 0.0
    cur: float | None = None
    last_mult = 0
    after_mult = False
    for t in tokens:
        if isinstance(t, float):
            if cur is not None:
                return None
            cur = t
            continue
        if t == HALF:
            if cur is not None or not last_mult:
                return None
            if last_mult == 1_000_000:
                total += 500_000
            else:
                section += last_mult / 2
            after_mult = False
            continue
        m = MULTIPLIERS[t]
        if m == 1_000_000:
            total += (section + (cur if cur is not None else (0 if section else 1))) * m
            section = 0.0
        else:
            section += (cur if cur is not None else 1) * m
        cur = None
        last_mult = m
        after_mult = True
    if cur is not None:
        if (colloquial_tail and after_mult and last_mult >= 1_000 and cur < 10
                and cur == int(cur)):
            if cur == 1:  # "หมื่นนึง" is one ten-thousand, not 11,000
                pass
            elif last_mult == 1_000_000:
                total += cur * 100_000
            else:
                section += cur * last_mult / 10
        else:
            section += cur
    return total + section
