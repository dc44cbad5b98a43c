"""Secrets a victim pastes by mistake (OTP, PIN, password) are removed before anything stores
them (domain.md §6: never store OTP/PIN/passwords, auto-redact).

Only a value right after a credential word is removed ("OTP 482913", "รหัส OTP คือ 482913",
"pin: 1234", "รหัสผ่าน abc123"), so account and phone numbers elsewhere in the message stay
intact for the case. Pure text in, text out.

*Redact* removes for good; identifiers that are kept but shown hidden are *masked*
(``bot.masking``).
"""

from __future__ import annotations

import re

REDACTED = "[ลบรหัสแล้ว]"

_DIGIT = "[0-9\u0e50-\u0e59]"
# credential word, then optional filler ("คือ", "ของฉัน", ":", "=", "เป็น", "is"), then the value
_WORDS = (r"(?:one[- ]?time[- ]?password|otp|o\.t\.p\.?|pin(?:\s*code)?|passcode|password|"
          r"รหัส\s*otp|รหัส\s*โอทีพี|โอทีพี|รหัส\s*pin|รหัส\s*พิน|พิน|รหัสผ่าน|พาสเวิร์ด|รหัสยืนยัน)")
# Linear by construction: each repetition is "spaces, then one filler word", so a run of spaces
# belongs to exactly one repetition; the repeats and the spaces are bounded. (The old
# ``(?:\s*(?:…)\s*)*`` let every run of spaces split two ways: 2^n backtracking, issue 14 S1.)
_FILLER = r"(?:\s{0,8}(?:คือ|ของ(?:ฉัน|ผม|หนู|เรา)|ที่ได้|ที่ส่งมา|เป็น|ได้แก่|is|=|:|-)){0,4}\s{0,8}"
_NUMERIC_VALUE = rf"{_DIGIT}(?:[ \-]?{_DIGIT}){{3,7}}(?!{_DIGIT})"
# printable ASCII with a digit or symbol in it: not a Thai word, not "password reset link"
_PASSWORD_VALUE = r"(?=[!-~]{0,63}[0-9!-/:-@\[-`{-~])[!-~]{4,64}"

_NUMERIC = re.compile(rf"(?i)(?<![a-z])({_WORDS}{_FILLER})({_NUMERIC_VALUE})")
_PASSWORD = re.compile(rf"(?i)((?:password|passcode|รหัสผ่าน|พาสเวิร์ด){_FILLER}(?<=\s)|"
                       rf"(?:password|passcode|รหัสผ่าน|พาสเวิร์ด)(?:คือ|:|=)\s{{0,8}})"
                       rf"({_PASSWORD_VALUE})")


def redact_credentials(text: str | None) -> tuple[str | None, int]:
    """(text with OTP/PIN/password values replaced, how many were replaced)."""
    if not text:
        return text, 0
    text, numeric = _NUMERIC.subn(lambda m: m.group(1) + REDACTED, text)
    text, passwords = _PASSWORD.subn(
        lambda m: m.group(0) if m.group(2) == REDACTED else m.group(1) + REDACTED, text)
    return text, numeric + passwords
