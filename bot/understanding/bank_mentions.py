"""Bank and wallet mentions -> canonical codes (names, nicknames, English names, apps, codes),
each with a role: the victim's own bank (``Role.SOURCE``), the scammer's (``DESTINATION``) or
not said (``UNKNOWN``).

Whose bank it is comes from the words just before the mention on the same line ("โอนจากแอป",
"บัญชีของฉันที่", "ผมใช้", "บัตร ATM" -> the victim's; "โอนเข้า", "ปลายทาง", "ไปยัง", "→" -> the
scammer's), the nearest cue winning, else from a few words after it ("...ของฉัน", "...ของมิจ").
A bank app (K PLUS, SCB EASY, MyMo...) is the victim's unless the words around it say otherwise.
A bank someone claimed to be ("SMS อ้างว่าเป็นกสิกร", "เจ้าหน้าที่ธนาคาร...", "แอป ... ปลอม") is
nobody's: ``UNKNOWN``. The analyzer then gives a bank the role of the account it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.banks import BANKS, BY_NUMBER, BankCode, InstitutionKind
from bot.understanding.entities import BankMention, Role
from bot.understanding.normalize import Normalized
from bot.understanding.spans import Claims

_THAI_CONT = "[\u0e01-\u0e2e\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]"


def trie_regex(words: list[str]) -> str:
    """One regex for many literal words, prefixes factored out (greedy: longest wins).
    A space in a word matches an optional space."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [(" ?" if ch == " " else re.escape(ch)) + build(node[ch])
                for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return build(trie)


def _build() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str] | None,
                      dict[str, tuple[BankCode, bool, bool]]]:
    lookup: dict[str, tuple[BankCode, bool, bool]] = {}  # alias -> (code, is_app, needs_word)
    ascii_: list[str] = []
    thai: list[str] = []
    cs: list[str] = []
    for b in BANKS:
        for alias in (*b.aliases, *b.apps, *b.wallet_apps):
            key = alias.lower().replace(" ", "")
            is_app = alias in b.apps and b.kind is InstitutionKind.BANK
            if alias in b.case_sensitive_aliases:
                lookup[alias.replace(" ", "")] = (b.code, False, False)
                cs.append(rf"(?<![A-Za-z0-9]){re.escape(alias)}(?![A-Za-z0-9])")
                continue
            lookup.setdefault(key, (b.code, is_app, alias in b.needs_bank_word))
            (ascii_ if alias[0].isascii() else thai).append(alias.lower())
    rx_ascii = re.compile(rf"(?<![a-z0-9])(?:{trie_regex(ascii_)})(?![a-z0-9])")
    rx_thai = re.compile(trie_regex(thai))
    rx_cs = re.compile("|".join(cs)) if cs else None
    return rx_ascii, rx_thai, rx_cs, lookup


_RX_ASCII, _RX_THAI, _RX_CS, _LOOKUP = _build()
_THAI_CONT_RX = re.compile(_THAI_CONT)
_HAS_THAI = re.compile("[\u0e01-\u0e4e]")
_HAS_LATIN = re.compile("[a-z]")
_BANK_WORD_BEFORE = re.compile(
    r"(?i)(?:ธนาคาร|แบงก์|แบงค์|ธ\.|บัญชี|บช\.?|โอนเข้า|โอนไป|เข้า|จาก|bank|ของ|ใช้)\s*$")
_DIGIT_NEAR = re.compile(r"^\s*\d|\d\s*$")
# "ผ่าน kplus", "ทาง scb easy": the channel the victim used (but not "ปลายทาง", "ต้นทาง")
_VIA_BEFORE = re.compile(
    r"(?:ผ่าน|ใช้|ด้วย|(?<!ปลาย)(?<!ต้น)ทาง|via|using|ในแอป|แอป|app)\s{0,8}(?:แอป|แอพ|app)?\s{0,8}$",
    re.IGNORECASE)
# Whose bank: cues before a mention (the last one in the window wins) and just after it.
_ROLE_BEFORE = re.compile(
    r"(?i)(?P<fake>อ้าง|ปลอม|(?<![a-z])sms(?![a-z])|เอสเอ็มเอส|ข้อความจาก|เจ้าหน้าที่|พนักงาน|"
    r"โทรมา|(?<![a-z])(?:officer|staff|pretend\w{0,3}|fake|claim\w{0,3}|impersonat\w{0,4}|"
    r"pos(?:ing|ed|es)\sas|pose\sas|spoof\w{0,3})"
    r"(?![a-z]))|"
    r"(?P<dest>โอนเข้า|โอนไป|โอนให้|เข้าบัญชี|ปลายทาง|ไปยัง|ไปที่|ไปเข้า|ไปบัญชี|บัญชีม้า|"
    r"ของมิจ|ของคนร้าย|ของคนขาย|ของแม่ค้า|ของร้าน|ของสแกมเมอร์|ของเขา|บัญชีเขา|ผู้รับ|"
    r"บัญชีคนร้าย|บัญชีมิจ|→|->|=>|(?<![a-z])(?:to|into|recipient|payee|beneficiary|"
    r"scammer'?s?)(?![a-z]))|"
    r"(?P<src>โอนจาก|จากบัญชี|ออกจาก|จาก|ผ่าน|ใช้|ด้วย|(?<!ปลาย)(?<!ต้น)ทาง|ต้นทาง|ผู้โอน|"
    r"ของ(?:ฉัน|เรา|หนู|ผม|ดิฉัน|ตัวเอง|แม่|พ่อ|ยาย|ตา|กู)|บัญชี(?:ฉัน|เรา|หนู|ผม|ดิฉัน|ตัวเอง)|"
    r"บัตร|(?<![a-z])(?:from|my|use[sd]?|using|via|with)(?![a-z]))"
)
# "โอนเงิน 25,000 เข้ากสิกร", "โอนไป scb": a bare เข้า / ไป right before the name
_DEST_ADJACENT = re.compile(r"(?:เข้า|ไป)\s?$")
# searched in the few characters after a mention (at most _AFTER_GAP before the cue, no digit)
_AFTER_GAP = 12
_ROLE_AFTER = re.compile(
    r"(?:(?P<fake>ปลอม)|"
    r"(?P<src>ของ(?:ฉัน|เรา|หนู|ผม|ดิฉัน|ตัวเอง|แม่|พ่อ|ยาย|ตา))|"
    r"(?P<dest>ของมิจ|ของคนร้าย|ของคนขาย|ของร้าน|ของแม่ค้า|ของเขา|ของสแกมเมอร์|ปลายทาง))"
)
# the victim says outright the app is theirs ("โอนจากแอป", "ผมใช้"), whatever else was faked
_SAID_SOURCE = re.compile(r"(?i)(?:โอนจาก|จาก|ผ่าน|ใช้|ด้วย|ของ(?:ฉัน|เรา|หนู|ผม|ดิฉัน)|"
                          r"(?<![a-z])(?:from|my|use[sd]?|using|via))[^\n]{0,12}$")
_ROLE_WINDOW = 30  # characters looked back for a cue (and never past the previous mention)
_FAKE_NEAR = 12  # a "claimed to be" cue this close before the name wins over any other cue
# "bank code 073", "ธนาคาร 004": not the first digits of an account ("KBank 073-3-18840-5")
_CODE = re.compile(r"(?i)(?:รหัสธนาคาร|(?<![a-z])bank\s?code|ธนาคาร|ธ\.|(?<![a-z])bank)\s{0,8}[:#]?\s{0,8}"
                   r"\(?(0\d{2})\)?(?!\d|[-. ]\d)")


def find_bank_mentions(n: Normalized, claims: Claims) -> list[tuple[int, int, BankMention]]:
    """Mentions with their normalised (start, end)."""
    t = n.text
    low = t.lower()
    found: list[tuple[int, int, BankCode, bool]] = []
    matches = list(_RX_THAI.finditer(low)) if _HAS_THAI.search(low) else []
    if _HAS_LATIN.search(low):
        matches.extend(_RX_ASCII.finditer(low))
    for m in matches:
        if m.end() == m.start() or claims.overlaps(m.start(), m.end()):
            continue
        entry = _LOOKUP.get(m.group().replace(" ", ""))
        if entry is None:
            continue  # a prefix of an alias, not an alias
        code, is_app, needs_word = entry
        if len(m.group()) <= 3 and not m.group().isascii() and _THAI_CONT_RX.match(low, m.end()):
            continue  # "กสิ" inside a longer word
        if needs_word:
            before = t[max(0, m.start() - 12):m.start()]
            after = t[m.end():m.end() + 3]
            if not (_BANK_WORD_BEFORE.search(before) or _DIGIT_NEAR.search(before[-3:])
                    or _DIGIT_NEAR.search(after)):
                continue
        found.append((m.start(), m.end(), code, is_app))
    if _RX_CS is not None:
        for m in _RX_CS.finditer(t):
            if not claims.overlaps(m.start(), m.end()) and not any(
                    s < m.end() and m.start() < e for s, e, _, _ in found):
                found.append((m.start(), m.end(), _LOOKUP[m.group()][0], False))
    for m in _CODE.finditer(t):
        b = BY_NUMBER.get(m.group(1))
        if b and not claims.overlaps(m.start(1), m.end(1)):
            found.append((m.start(1), m.end(1), b.code, False))
            claims.add(m.start(1), m.end(1))
    found.sort()
    out: list[tuple[int, int, BankMention]] = []
    prev_end = 0
    for s, e, code, is_app in found:
        via = is_app or bool(_VIA_BEFORE.search(t[max(0, s - 12):s]))
        role, fake = _mention_role(t, s, e, prev_end, is_app)
        prev_end = e
        os_, oe = n.span(s, e)
        out.append((s, e, BankMention(raw=n.original[os_:oe], start=os_, end=oe,
                                      confidence=0.85 if is_app else 0.95, value=code,
                                      via_app=via, role=role, impersonated=fake)))
    # a bank someone posed as is nobody's in this message, even where named by its app
    # ("ไลน์ปลอมของไทยพาณิชย์ ชื่อ SCB EASY")
    posed = {b.value for _, _, b in out if b.impersonated}
    return [(s, e, replace(b, role=Role.UNKNOWN) if b.value in posed and b.via_app
             and b.role is Role.SOURCE and not _SAID_SOURCE.search(t, max(0, s - 20), s)
             else b) for s, e, b in out]


def _mention_role(t: str, s: int, e: int, prev_end: int, is_app: bool) -> tuple[Role, bool]:
    """Whose bank the mention at [s, e) is, from the words around it (see module doc), and
    whether it is a bank someone claimed to be."""
    line_start = t.rfind("\n", 0, s) + 1
    ws = max(line_start, prev_end, s - _ROLE_WINDOW)
    last = None
    fake_near = False
    for m in _ROLE_BEFORE.finditer(t, ws, s):
        last = m
        if m.lastgroup == "fake" and s - m.end() <= _FAKE_NEAR:
            fake_near = True
    limit = min(len(t), e + _AFTER_GAP + 12)
    line_end = t.find("\n", e, limit)
    after = _ROLE_AFTER.search(t, e, line_end if line_end >= 0 else limit)
    if after is not None and (after.start() - e > _AFTER_GAP
                              or any(c.isdigit() for c in t[e:after.start()])):
        after = None
    if fake_near or (last is not None and last.lastgroup == "fake") or (
            after is not None and after.lastgroup == "fake"):
        return Role.UNKNOWN, True
    if last is not None:
        return (Role.SOURCE if last.lastgroup == "src" else Role.DESTINATION), False
    if _DEST_ADJACENT.search(t, max(ws, s - 6), s):
        return Role.DESTINATION, False
    if after is not None:
        return (Role.SOURCE if after.lastgroup == "src" else Role.DESTINATION), False
    return (Role.SOURCE if is_app else Role.UNKNOWN), False
