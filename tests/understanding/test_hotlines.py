"""Bank and wallet hotlines: the numbers checked on 2026-12-03 (shared/domain.md §4.1)."""

from __future__ import annotations

import re

import pytest

from bot import hotlines
from bot.banks import BANKS, BankCode, InstitutionKind

CHECKED = {
    "BBL": "1333",
    "KBANK": "02-888-8888",
    "KTB": "02-111-1111",
    "TTB": "1428",
    "SCB": "02-777-7575",  # the dedicated fraud line, not the general 02-777-7777
    "CIMB": "02-626-7777",
    "UOB": "02-285-1555",
    "BAY": "1572",
    "GSB": "1115",
    "GHB": "02-645-9000",
    "BAAC": "02-555-0555",
    "IBANK": "1302",  # not 1320 (older hobby lists)
    "SMEDB": "1357",
    "ICBC": "02-629-5588",
    "TRUEMONEY": "1240",
}


@pytest.mark.parametrize("code,number", sorted(CHECKED.items()))
def test_the_number_a_scam_victim_is_given(code: str, number: str) -> None:
    assert hotlines.bank_contact(code).number == number


def test_scb_fraud_line_first_general_line_kept() -> None:
    c = hotlines.bank_contact("SCB")
    assert c.number == "02-777-7575" and c.fraud_line
    assert c.general_number == "02-777-7777"
    assert not c.ask_for_fraud_menu  # a dedicated line: no menu to look for


def test_main_call_centres_say_ask_for_the_fraud_menu_not_digits() -> None:
    c = hotlines.bank_contact("KBANK")
    assert not c.fraud_line and c.ask_for_fraud_menu
    for line in hotlines.BANK_LINES.values():
        assert "กด" not in line.number and "press" not in line.number.lower()


def test_islamic_bank_is_1302() -> None:
    assert hotlines.bank_contact(BankCode.IBANK).number == "1302"
    assert "1320" not in hotlines.BANK_HOTLINES.values()


def test_banks_without_a_checked_number_get_none() -> None:
    for code in ("KKP", "TISCO", "LHB", "TCD", "SHOPEEPAY", "LINEPAY"):
        c = hotlines.bank_contact(code)
        assert c.bank_code is not None and c.number is None
        assert not c.ask_for_fraud_menu


def test_every_line_is_a_phone_number_and_says_where_it_came_from() -> None:
    for code, line in hotlines.BANK_LINES.items():
        assert re.fullmatch(r"\d{4}|0\d-\d{3}-\d{4}", line.number), code
        assert line.source in ("official", "news", "operator"), code
        assert hotlines.BANK_HOTLINES[code] == line.number


def test_every_institution_with_a_line_is_in_the_bank_table() -> None:
    codes = {b.code for b in BANKS if b.kind in (InstitutionKind.BANK, InstitutionKind.WALLET)}
    assert set(hotlines.BANK_LINES) <= codes
