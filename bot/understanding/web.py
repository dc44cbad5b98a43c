"""URLs (also defanged), e-mail addresses, LINE ids, other social handles, transaction refs.

Thai-script (internationalised) domains are URLs too ("ไทยพาณิชย์.com", "คืนเงิน.ไทย"): Thai is
written without spaces, so such a host is only taken after a scheme or where a word starts
(after a space or bracket), with a leading cue word ("เว็บ", "ลิงก์") cut off. LINE ids may
follow "แอดไลน์" / "แอดLINE" with no separator ("แอดไลน์ somchai99").
"""

from __future__ import annotations

import re

from bot.understanding.entities import Email, LineId, SocialHandle, TransactionRef, Url
from bot.understanding.normalize import Normalized
from bot.understanding.spans import Claims

_THAI = "\u0e00-\u0e7f"
# "[.]" is covered by "[\s?.\s?]": two alternatives matching the same text made the repeated
# label group below backtrack 2^n ways (issue 14, S2).
_DOT = r"(?:\.|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[\s?\.\s?\])"
_TLDS = (
    "com|net|org|info|biz|xyz|app|shop|store|top|vip|online|site|link|club|asia|live|icu|pro|"
    "win|bet|cc|co|th|ly|io|me|to|gl|gg|tk|ml|ga|cf|ws|page|cloud|tech|fun|buzz|run|one|in|sg|"
    "my|cn|hk|us|uk|ru|id|ph|vn|la|kh|mm|tv|cx|su|pw|lol|work|today|services|finance|bank|"
    "money|cash|loan|trade|market|world|space|website|ink|best|life|news|blog|dev|ai|ee"
)  # "ee": LINE's short links, lin.ee/...
_URL_SCHEME = re.compile(
    rf"(?i)\b(?:h[xt]{{2}}ps?|https?|ftp)(?:\[:\]|:)//[^\s<>\"'{_THAI}]+"
)
_URL_BARE = re.compile(
    # A match starts only where a chain of labels starts (never after a label or a dot form
    # ")", "]", "}"), and a host has at most 12 labels: linear in the text's length.
    rf"(?i)(?<![A-Za-z0-9@._%+\-)\]}}])(?:[a-z0-9](?:[a-z0-9-]{{0,62}}[a-z0-9])?{_DOT}){{1,12}}"
    rf"(?:{_TLDS})(?![A-Za-z0-9-])(?:[/?#][^\s<>\"'{_THAI}]*)?"
)
_TH_LETTER = "\u0e01-\u0e4e"
_IDN_LABEL = rf"[a-z0-9{_TH_LETTER}][a-z0-9{_TH_LETTER}-]{{0,62}}"
_URL_IDN = re.compile(
    # after a scheme, or where a word starts; at most 8 labels; labels cannot contain a dot
    # form, so each start scans a bounded stretch: linear in the text's length
    rf"(?i)(?:\b(?:h[xt]{{2}}ps?|https?)(?:\[:\]|:)//|(?<![^\s(<\[\"']))"
    rf"(?:www{_DOT})?(?:{_IDN_LABEL}{_DOT}){{1,8}}"
    rf"(?:(?:{_TLDS})(?![a-z0-9-])|ไทย(?![a-z0-9{_TH_LETTER}-]))"
    rf"(?:[/?#][^\s<>\"'{_THAI}]*)?"
)
_HAS_THAI_LETTER = re.compile(f"[{_TH_LETTER}]")
# a cue word typed against the host: "เว็บไทยพาณิชย์.com" is the host "ไทยพาณิชย์.com"
_CUE_PREFIX = re.compile(r"(?:เข้าเว็บไซต์|เข้าเว็บ|เว็บไซต์|เว็บ|ลิงก์|ลิงค์|เข้า)(?=[ก-ฮ])")
_EMAIL = re.compile(r"(?i)(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_TRAILING = ".,;:!?)]}'\"-"
_REFANG = [(re.compile(r"(?i)^hxxp"), "http"), (re.compile(r"\[:\]"), ":"),
           (re.compile(rf"(?i){_DOT}"), ".")]

_ID = r"[A-Za-z0-9][A-Za-z0-9._\-]{1,31}"
# "ไอดีไลน์ x", "ID line: x", "line id x", "แอดไลน์ @x", "ไลน์: x"
_LINE_KEYED = re.compile(
    r"(?i)(?:ไอดี\s?ไลน์|ไลน์\s?ไอดี|ไอดีไลน|ไลน\s?ไอดี|line\s?id|id\s?line|ไลน์\s?id|id\s?ไลน์)"
    rf"\s{{0,8}}(?:คือ|ชื่อ|:|=|-|>)?\s{{0,8}}(@?{_ID})"
)
_LINE_LOOSE = re.compile(
    rf"(?i)(?:แอด\s?ไลน์|add\s?line|ไลน์|ไลน|line|แอด)\s*(?:(?:คือ|:|=|-)\s*(@?{_ID})|(@{_ID}))"
)
# "แอดไลน์ somchai99", "แอดLINE gold.invest", "แอดไลน์ไอดี x": Thai "add LINE" then the id
_LINE_ADD = re.compile(
    rf"(?i)แอด\s?(?:ไลน์|ไลน|line)\s?(?:ไอดี|id)?\s?(?:คือ|:|=|-)?\s?(@?{_ID})"
    r"(?![A-Za-z0-9._\-])"
)
# English words that follow "แอดไลน์" and are no id ("แอดไลน์ to chat")
_NOT_IDS = frozenset({"to", "me", "us", "him", "her", "them", "the", "and", "or", "for", "with",
                      "chat", "line", "group", "official", "account", "friend", "friends",
                      "this", "that", "here", "now", "please", "pls", "oa"})
_AT_HANDLE = re.compile(rf"(?<![A-Za-z0-9._%+\-])@({_ID})")
_PLATFORM = re.compile(
    r"(?i)(ig|ไอจี|instagram|อินสตา(?:แกรม)?|tiktok|ติ๊กต็อก|ติ๊กต๊อก|twitter|ทวิต(?:เตอร์)?|ทวิตเตอร์|"
    r"\bx\b|telegram|เทเลแกรม|เทเล|tg|facebook|fb|เฟส|เฟซ|threads)[^\n@]{0,12}$"
)
_PLATFORM_NAMES = {
    "ig": "instagram", "ไอจี": "instagram", "instagram": "instagram", "อินสตา": "instagram",
    "อินสตาแกรม": "instagram", "tiktok": "tiktok", "ติ๊กต็อก": "tiktok", "ติ๊กต๊อก": "tiktok",
    "twitter": "twitter", "ทวิต": "twitter", "ทวิตเตอร์": "twitter", "x": "twitter",
    "telegram": "telegram", "เทเลแกรม": "telegram", "เทเล": "telegram", "tg": "telegram",
    "facebook": "facebook", "fb": "facebook", "เฟส": "facebook", "เฟซ": "facebook",
    "threads": "threads",
}
_REF = re.compile(
    r"(?i)(?:เลข(?:ที่)?อ้างอิง|รหัสอ้างอิง|อ้างอิง|เลขที่รายการ|รหัสรายการ|หมายเลขรายการ|"
    r"ref(?:erence)?\.?\s?(?:no\.?|number|id|code)?|txn\s?(?:id)?|transaction\s?(?:id|no\.?)?)"
    r"(?:\s?(?:ใน|จาก|บน|on the|in the|from the)?\s?(?:สลิป|slip|e-?slip))?"  # "เลขที่รายการในสลิป X"
    r"\s{0,8}(?:คือ|:|#|=|-)?\s{0,8}([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){5,40})"
)


def refang(s: str) -> str:
    for rx, rep in _REFANG:
        s = rx.sub(rep, s)
    return s


def _strip_trailing(s: str, end: int) -> tuple[str, int]:
    while s and s[-1] in _TRAILING:
        s = s[:-1]
        end -= 1
    return s, end


def find_urls_emails(n: Normalized, claims: Claims) -> tuple[list[Url], list[Email]]:
    t = n.text
    urls: list[Url] = []
    emails: list[Email] = []
    for m in _EMAIL.finditer(t):
        s, e = n.span(m.start(), m.end())
        emails.append(Email(raw=n.original[s:e], start=s, end=e, confidence=0.95,
                            value=m.group().lower()))
        claims.add(m.start(), m.end())
    for rx in (_URL_SCHEME, _URL_BARE, _URL_IDN):
        if rx is _URL_IDN and not _HAS_THAI_LETTER.search(t):
            continue
        for m in rx.finditer(t):
            start = m.start()
            if rx is _URL_IDN:
                if not _HAS_THAI_LETTER.search(m.group()):
                    continue  # an ASCII host: the patterns above had their say
                cue = _CUE_PREFIX.match(t, start, m.end())
                if cue is not None:
                    start = cue.end()
            if claims.overlaps(start, m.end()):
                continue
            raw, end = _strip_trailing(t[start:m.end()], m.end())
            if rx is _URL_BARE and re.fullmatch(r"[\d.]+", raw):
                continue  # "1.5" or a version number
            value = refang(raw)
            s, e = n.span(start, end)
            urls.append(Url(raw=n.original[s:e], start=s, end=e,
                            confidence=0.95 if rx is _URL_SCHEME else 0.85,
                            value=value, defanged=value != raw))
            claims.add(start, end)
    urls.sort(key=lambda u: u.start)
    return urls, emails


def find_handles(n: Normalized, claims: Claims) -> tuple[list[LineId], list[SocialHandle]]:
    t = n.text
    lines: list[LineId] = []
    socials: list[SocialHandle] = []

    def add_line(g_start: int, g_end: int, conf: float) -> None:
        value, g_end = _strip_trailing(t[g_start:g_end], g_end)
        if len(value.lstrip("@")) < 2 or claims.overlaps(g_start, g_end):
            return
        s, e = n.span(g_start, g_end)
        lines.append(LineId(raw=n.original[s:e], start=s, end=e, confidence=conf,
                            value=value.lower()))
        claims.add(g_start, g_end)

    for m in _LINE_KEYED.finditer(t):
        add_line(m.start(1), m.end(1), 0.95)
    if "แอด" in t:
        for m in _LINE_ADD.finditer(t):
            if m.group(1).startswith("@") or m.group(1).lower() not in _NOT_IDS:
                add_line(m.start(1), m.end(1), 0.9)
    for m in _LINE_LOOSE.finditer(t):
        g = 1 if m.group(1) else 2
        add_line(m.start(g), m.end(g), 0.85)
    for m in _AT_HANDLE.finditer(t):
        if claims.overlaps(m.start(), m.end()):
            continue
        p = _PLATFORM.search(t, max(0, m.start() - 25), m.start())
        if p:
            value, g_end = _strip_trailing(m.group(1), m.end())
            s, e = n.span(m.start(), g_end)
            socials.append(SocialHandle(raw=n.original[s:e], start=s, end=e, confidence=0.8,
                                        value="@" + value.lower(),
                                        platform=_PLATFORM_NAMES.get(p.group(1).lower(), "other")))
            claims.add(m.start(), g_end)
        else:
            add_line(m.start(), m.end(), 0.75)
    lines.sort(key=lambda x: x.start)
    return lines, socials


def find_refs(n: Normalized, claims: Claims) -> list[TransactionRef]:
    out: list[TransactionRef] = []
    for m in _REF.finditer(n.text):
        if claims.overlaps(m.start(1), m.end(1)):
            continue
        value = m.group(1)
        if not any(c.isdigit() for c in value):
            continue
        s, e = n.span(m.start(1), m.end(1))
        out.append(TransactionRef(raw=n.original[s:e], start=s, end=e, confidence=0.85,
                                  value=value.upper()))
        claims.add(m.start(1), m.end(1))
    return out
