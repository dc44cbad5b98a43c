"""Bank codes on the wire (domain.md §4.1: the codes used with the Central Fraud Registry).

A bank travels as its 3-digit number (``to_bank_code: "022"``); responses and callbacks add its
short code (``bank_short_name: "CIMB"``), which is also a bank agency's code at the exchange.
The short codes are Sakot's (``bot.banks.BankCode``). The reference exchange first used other
short codes for five banks; ``LEGACY_SHORT_CODES`` keeps them accepted on the way in (agency
codes and bank-queue paths issued with them keep working) but they are never sent.

Names, apps and account lengths are not on the wire: Sakot keeps them in ``bot/banks.py``.
"""

from __future__ import annotations

# short code -> 3-digit number
BANK_NUMBERS: dict[str, str] = {
    "BBL": "002",
    "KBANK": "004",
    "KTB": "006",
    "TTB": "011",
    "SCB": "014",
    "CIMB": "022",
    "UOB": "024",
    "BAY": "025",
    "GSB": "030",
    "GHB": "033",
    "BAAC": "034",
    "IBANK": "066",
    "TISCO": "067",
    "KKP": "069",
    "ICBC": "070",
    "TCD": "071",
    "LHB": "073",
    "SMEDB": "098",
}

SHORT_CODES: dict[str, str] = {number: short for short, number in BANK_NUMBERS.items()}

LEGACY_SHORT_CODES: dict[str, str] = {
    "CIMBT": "CIMB", "UOBT": "UOB", "ICBCT": "ICBC", "LHFG": "LHB", "SMED": "SMEDB",
}


def short_code(number: str | None) -> str | None:
    """The short code sent beside a 3-digit number ("022" -> "CIMB"); an unknown one as is."""
    if number is None:
        return None
    return SHORT_CODES.get(number, number)


def bank_number(code: str) -> str | None:
    """The 3-digit number for a number, a short code or a legacy short code; None if unknown."""
    if code in SHORT_CODES:
        return code
    upper = code.upper()
    return BANK_NUMBERS.get(LEGACY_SHORT_CODES.get(upper, upper))
