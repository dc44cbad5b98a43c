"""Offset-keeping normalisation of a victim's message.

Every later step works on ``Normalized.text``; ``Normalized.span`` maps a span of it back to the
original message, so each entity carries start/end offsets into what the victim typed.

What changes (character classes come from pythainlp):
- Thai digits ๐–๙ and full-width digits/letters become ASCII;
- zero-width characters and soft hyphens are dropped (``pythainlp.util.remove_zw``'s set);
- every dash-like character becomes "-", every space-like character " ", and runs of spaces
  collapse to one (newlines are kept: they separate clauses);
- a Thai vowel or tone mark typed twice or more is kept once (``remove_repeat_vowels``), and a
  Thai consonant other than อ typed three or more times in a row ("มากกกก") is kept once;
- a run of eight or more spelled-out Thai digit words ("ศูนย์แปดหนึ่ง…") becomes those digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pythainlp import (
    thai_above_vowels,
    thai_below_vowels,
    thai_consonants,
    thai_digits,
    thai_follow_vowels,
    thai_tonemarks,
)

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d")
_SPACES = frozenset(" \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u202f\u205f\u3000\r\f\v")
_MARKS = frozenset(thai_tonemarks + thai_above_vowels + thai_below_vowels + thai_follow_vowels
                   + "\u0e4c\u0e47")  # thanthakhat, maitaikhu
# อ is left out: it carries vowels, so three in a row are ordinary words ("คือ" + "ออมสิน")
_CONSONANTS = frozenset(thai_consonants) - {"อ"}

_CHAR_MAP: dict[str, str] = {t: str(i) for i, t in enumerate(thai_digits)}
_CHAR_MAP.update({chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)})  # full-width ASCII
_CHAR_MAP.update({d: "-" for d in _DASHES})
_CHAR_MAP.update({"\u2024": ".", "\u3002": ".", "\uff0e": ".", "\u2018": "'", "\u2019": "'",
                  "\u201c": '"', "\u201d": '"'})

_DIGIT_WORDS = {"ศูนย์": "0", "หนึ่ง": "1", "สอง": "2", "สาม": "3", "สี่": "4", "ห้า": "5",
                "หก": "6", "เจ็ด": "7", "แปด": "8", "เก้า": "9"}
_DIGIT_WORD = "|".join(_DIGIT_WORDS)
_SPELLED_RUN = re.compile(rf"(?:(?:{_DIGIT_WORD})[ \-]?){{7,}}(?:{_DIGIT_WORD})")
_ONE_WORD = re.compile(_DIGIT_WORD)


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus, for each of its characters, the offset in the original."""

    original: str
    text: str
    offsets: tuple[int, ...]  # len(text) + 1 entries; the last is len(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) for the normalised span [start, end)."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


def _char_pass(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    offs: list[int] = []
    prev = ""
    run = 0  # how many times prev has repeated (consonants)
    for i, ch in enumerate(text):
        if ch in _ZERO_WIDTH:
            continue
        ch = _CHAR_MAP.get(ch, ch)
        if ch in _SPACES:
            ch = " "
        if ch == " ":
            if prev in (" ", "\n", ""):
                continue
        elif ch == "\n" and prev == " ":
            out[-1] = "\n"
            offs[-1] = i
            prev = "\n"
            continue
        if ch == prev:
            if ch in _MARKS:
                continue
            if ch in _CONSONANTS:
                run += 1
                if run >= 2:  # third and later copies
                    if run == 2:  # drop the second copy we already kept
                        out.pop()
                        offs.pop()
                    continue
            else:
                run = 0
        else:
            run = 0
        out.append(ch)
        offs.append(i)
        prev = ch
    return "".join(out), offs


_TABLE = str.maketrans({**_CHAR_MAP, **{c: " " for c in _SPACES}})
_MARK_CLASS = "".join(sorted(_MARKS))
_CONS_CLASS = "".join(sorted(_CONSONANTS))
_NEEDS_SLOW = re.compile(
    "[" + "".join(sorted(_ZERO_WIDTH)) + "]|  | \n|\n |^ | $"
    + f"|([{_MARK_CLASS}])\\1|([{_CONS_CLASS}])\\2\\2"
)


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for extraction, keeping offsets back to it."""
    fast = text.translate(_TABLE)
    if len(fast) == len(text) and not _NEEDS_SLOW.search(fast):
        chars, offs = fast, list(range(len(text)))  # nothing dropped: offsets are identity
    else:
        chars, offs = _char_pass(text)
    if "ศูนย์" in chars or "หนึ่ง" in chars or any(w in chars for w in ("สอง", "แปด", "เก้า")):
        chars, offs = _spelled_digits(chars, offs)
    while chars.endswith(" "):
        chars = chars[:-1]
        offs.pop()
    offs.append(len(text))
    return Normalized(text, chars, tuple(offs))


def _spelled_digits(chars: str, offs: list[int]) -> tuple[str, list[int]]:
    runs = list(_SPELLED_RUN.finditer(chars))
    if not runs:
        return chars, offs
    out: list[str] = []
    new_offs: list[int] = []
    pos = 0
    for m in runs:
        out.append(chars[pos:m.start()])
        new_offs.extend(offs[pos:m.start()])
        for w in _ONE_WORD.finditer(chars, m.start(), m.end()):
            out.append(_DIGIT_WORDS[w.group()])
            new_offs.append(offs[w.start()])
        pos = m.end()
    out.append(chars[pos:])
    new_offs.extend(offs[pos:])
    return "".join(out), new_offs
