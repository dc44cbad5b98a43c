"""Masking: national ID numbers and full account numbers are kept, but shown with most digits
hidden (to staff until a reveal with a reason, which is audited; in the case story for good).

Two words, two jobs: *mask* keeps a value's shape and last digits (``1-1017-xxxxx-45-1``);
*redact* (``bot.conversation.redact``) removes a secret that must never be stored (OTP, PIN,
password). Nothing else hides text.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")
_THIRTEEN_DIGITS = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12}(?![\d-])")


def mask_account(number: str) -> str:
    """Keep the last four digits: enough to match a slip, not enough to misuse."""
    digits = "".join(_DIGITS.findall(number))
    if len(digits) <= 4:
        return "x" * len(digits)
    return "x" * (len(digits) - 4) + digits[-4:]


def mask_national_id(number: str) -> str:
    """1-1017-xxxxx-45-1: the format used on Thai documents, middle five digits hidden."""
    d = "".join(_DIGITS.findall(number))
    if len(d) != 13:
        return "x" * len(d)
    return f"{d[0]}-{d[1:5]}-xxxxx-{d[10:12]}-{d[12]}"


def mask_identifier(kind: str, value: str) -> str:
    if kind == "national_id" or (kind == "promptpay_id" and len(value) == 13):
        return mask_national_id(value)
    if kind == "account":
        return mask_account(value)
    return value


def mask_national_ids(text: str) -> str:
    """Mask every 13-digit number in free text: an ID, or one typed with a wrong check digit."""
    return _THIRTEEN_DIGITS.sub(lambda m: mask_national_id(m.group(0)), text)


def mask_identifiers_in_text(text: str | None) -> str | None:
    """Mask account numbers and national IDs inside free text (phones stay visible)."""
    if not text:
        return text
    from bot.understanding import analyze_text  # lazy: keeps this module import-light

    extraction = analyze_text(text)
    spans = [(e.start, e.end, "account") for e in extraction.accounts]
    spans += [(e.start, e.end, "national_id") for e in extraction.national_ids]
    spans += [(e.start, e.end, "national_id") for e in extraction.promptpay_ids
              if len(e.value) == 13]
    for start, end, kind in sorted(spans, reverse=True):
        raw = text[start:end]
        text = text[:start] + mask_identifier(kind, raw) + text[end:]
    return mask_national_ids(text)
