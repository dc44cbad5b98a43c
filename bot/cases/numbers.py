"""Human-friendly case numbers a victim can read out on the phone: "SK-7KQ4M9".

The alphabet leaves out characters people confuse when reading or typing them
(0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V): 23 symbols, 6 of them -> about 1.5 x 10^8 numbers.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
PREFIX = "SK-"
LENGTH = 6


def new_case_number() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def find_case_number(text: str) -> str | None:
    """A case number typed by a victim (any case, with or without 'SK-')."""
    match = re.search(rf"(?i)\bSK-?\s?([{ALPHABET}]{{{LENGTH}}})\b", text or "")
    if match:
        return PREFIX + match.group(1).upper()
    return None
