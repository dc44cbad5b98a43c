"""Amounts with roles: paid / requested / promised / balance / unknown, negation-aware, and the
total paid in one message."""

from __future__ import annotations

import pytest

from bot.understanding import AmountRole, paid_total
from tests.understanding.understanding_helpers import js, run

P, R, PR, B, U = (AmountRole.PAID, AmountRole.REQUESTED, AmountRole.PROMISED,
                  AmountRole.BALANCE, AmountRole.UNKNOWN)

ROLE_CASES = [
    # paid
    ("โอนไป 5,000", [(5000, P)]),
    ("จ่ายค่าธรรมเนียม 500 ไปแล้ว", [(500, P)]),
    ("โอนเงินไปห้าหมื่น", [(50000, P)]),
    ("เสียไป 3 หมื่น 5 พันบาท", [(35000, P)]),
    ("โดนหักไป 199 บาท", [(199, P)]),
    ("โดนหลอกให้โอนค่าส่ง 150 บาท", [(150, P)]),
    ("มัดจำไปสองพัน", [(2000, P)]),
    ("ลงทุนไป 2 แสน", [(200000, P)]),
    ("เงินหายไป 50,000", [(50000, P)]),
    ("โดนดูดเงินไป 12,000 บาท", [(12000, P)]),
    ("I paid 1,200 baht", [(1200, P)]),
    ("sent 45000 baht to them", [(45000, P)]),
    ("lost 3,000 THB", [(3000, P)]),
    ("เขาให้โอน 2,000 ก็เลยโอนไป", [(2000, P)]),
    ("สุดท้ายต้องเสียเงินไป 40,000", [(40000, P)]),
    ("20,000 baht had been cashed out from my card", [(20000, P)]),
    # requested, not paid
    ("เขาให้โอนค่าธรรมเนียม 2,000 (ยังไม่ได้โอน)", [(2000, R)]),
    ("เขาบอกต้องจ่ายค่าส่งอีก 300", [(300, R)]),
    ("เรียกค่าปลดล็อก 5,000", [(5000, R)]),
    ("ขอยืมเงิน 3,000", [(3000, R)]),
    ("เขาขอเงิน 10,000 ค่ะ", [(10000, R)]),
    ("ต้องโอนค่าภาษี 1,500 ก่อนถึงจะถอนได้", [(1500, R)]),
    ("they asked me to pay 2,000 baht", [(2000, R)]),
    ("ยังไม่ได้โอน 3,000 นะคะ", [(3000, R)]),
    ("ไม่ได้จ่าย 500", [(500, R)]),
    ("เกือบโอนไป 8,000 แต่แม่ห้ามไว้", [(8000, R)]),
    ("I didn't pay the 500 baht fee", [(500, R)]),
    ("did not transfer 9,000", [(9000, R)]),
    # promised
    ("อนุมัติวงเงิน 50,000", [(50000, PR)]),
    ("ได้รางวัล 100,000", [(100000, PR)]),
    ("ถูกรางวัล 2 ล้าน", [(2000000, PR)]),
    ("กำไร 80,000 ถอนไม่ได้", [(80000, PR)]),
    ("ยอดในแอปขึ้น 120,000", [(120000, PR)]),
    ("จะได้ค่าคอม 300 ต่องาน", [(300, PR)]),
    ("loan approved for 30,000 baht", [(30000, PR)]),
    ("you won a prize of 50,000", [(50000, PR)]),
    # balance
    ("เงินในบัญชีเหลือ 300", [(300, B)]),
    ("ยอดเงินคงเหลือ 1,250.50 บาท", [(1250.5, B)]),
    ("เหลือแค่ 200 บาท", [(200, B)]),
    ("balance 4,000", [(4000, B)]),
    # unknown
    ("ยอด 3,500", [(3500, U)]),
    ("5,000 บาท", [(5000, U)]),
]


@pytest.mark.parametrize("text,expected", ROLE_CASES)
def test_amount_roles(text: str, expected: list[tuple[float, AmountRole]]) -> None:
    assert [(a.value, a.role) for a in run(text).amounts] == expected


def test_approved_loan_and_paid_fee_in_one_message() -> None:
    ex = run("แอปกู้เงินบอกอนุมัติวงเงิน 50,000 แต่ต้องโอนค่าประกันก่อน 2,000 ก็โอนไปแล้ว")
    assert [(a.value, a.role) for a in ex.amounts] == [(50000, PR), (2000, P)]
    assert ex.paid_total() == 2000


def test_parcel_fee_asked_nothing_paid() -> None:
    ex = run("กดลิงก์ SMS พัสดุ เขาให้จ่ายค่าธรรมเนียม 35 บาท แต่ไม่ได้จ่ายค่ะ ไม่ได้ลงแอปอะไร")
    assert [(a.value, a.role) for a in ex.amounts] == [(35, R)]
    assert ex.paid_total() == 0


def test_several_transfers_are_a_total() -> None:
    ex = run("โอนไป 3 ครั้ง ครั้งแรก 1,000 ครั้งที่สอง 5,000 ครั้งที่สาม 10,000")
    assert [a.role for a in ex.amounts] == [P, P, P]
    assert ex.paid_total() == 16000


def test_a_stated_total_is_not_added_to_its_parts() -> None:
    ex = run("โอนไป 5,000 กับ 10,000 รวมทั้งหมด 15,000 บาท")
    assert [a.value for a in ex.amounts] == [5000, 10000, 15000]
    assert ex.amounts[2].is_total
    assert ex.paid_total() == 15000


def test_money_that_came_back_is_not_paid() -> None:
    ex = run("งานแรกได้เงินคืนมา 300 แล้วโอนไป 5,000")
    assert [(a.value, a.role) for a in ex.amounts] == [(300, U), (5000, P)]
    assert ex.paid_total() == 5000
    assert [a.role for a in run("they paid out 500 baht at first").amounts] == [U]


def test_balance_is_never_paid() -> None:
    ex = run("โดนดูดเงินไป 20,000 เงินในบัญชีเหลือ 300")
    assert [(a.value, a.role) for a in ex.amounts] == [(20000, P), (300, B)]
    assert ex.paid_total() == 20000


def test_roles_do_not_reach_across_lines() -> None:
    ex = run("โอนไป 5,000\nเขาบอกได้รางวัล 100,000")
    assert [(a.value, a.role) for a in ex.amounts] == [(5000, P), (100000, PR)]


def test_paid_total_function_and_json() -> None:
    ex = run("โอนไป 2,000 แล้วโอนอีก 3,000 เขาบอกจะได้คืน 50,000")
    assert paid_total(ex.amounts) == 5000
    out = js("โอนไป 2,000 แล้วโอนอีก 3,000 เขาบอกจะได้คืน 50,000")
    assert out["amounts_thb"] == [2000, 3000, 50000]  # unchanged contract
    assert out["amount_details"] == [
        {"thb": 2000, "role": "paid", "is_total": False},
        {"thb": 3000, "role": "paid", "is_total": False},
        {"thb": 50000, "role": "promised", "is_total": False},
    ]
    assert out["paid_total_thb"] == 5000


@pytest.mark.parametrize("text", ["sent $621,000", "มีผู้เสียหาย 2,123 คดี", "66,800 ราย",
                                  "เรียกค่าไถ่ 200 บิตคอยน์"])
def test_other_currencies_and_counts_are_no_baht(text: str) -> None:
    assert js(text)["amounts_thb"] == []


def test_default_role_is_unknown() -> None:
    from bot.understanding import Amount
    a = Amount(raw="5", start=0, end=1, confidence=1.0, value=5.0)
    assert a.role is AmountRole.UNKNOWN and a.is_total is False


def _first_chars(items) -> tuple[set[str], bool]:
    """Characters a parsed pattern can start with, and whether it can match empty."""
    import re._constants as c

    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars, nullable = {chr(av)}, False
        elif op is c.IN:
            chars = set()
            for iop, iav in av:
                if iop is c.LITERAL:
                    chars.add(chr(iav))
                elif iop is c.RANGE:
                    chars |= {chr(x) for x in range(iav[0], iav[1] + 1)}
                else:
                    raise AssertionError(f"unexpected {iop} at a cue's start")
            nullable = False
        elif op is c.SUBPATTERN:
            chars, nullable = _first_chars(av[3])
        elif op is c.BRANCH:
            chars, nullable = set(), False
            for branch in av[1]:
                ch, nb = _first_chars(branch)
                chars |= ch
                nullable = nullable or nb
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            chars, nullable = _first_chars(av[2])
            nullable = nullable or av[0] == 0
        elif op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            chars, nullable = set(), True
        else:
            raise AssertionError(f"unexpected {op} at a cue's start")
        out |= chars
        if not nullable:
            return out, False
    return out, True


def test_the_cue_scan_skips_no_cue() -> None:
    """The fast lookahead of the cue pattern lists every letter a cue can start with."""
    import re._parser

    from bot.understanding import amount_roles

    starts, nullable = _first_chars(re._parser.parse(amount_roles._CUES_BODY))
    assert not nullable
    missing = {ch for ch in starts if ch not in amount_roles.CUE_FIRST
               and not ("a" <= ch.lower() <= "z")}
    assert missing == set()


@pytest.mark.parametrize("text,values,total", [
    ("paid 500, 1,500 and 3,000 baht", [500, 1500, 3000], 5000),
    ("โอนไป 300, 700 และ 1,000 บาท", [300, 700, 1000], 2000),
])
def test_bare_numbers_listed_with_amounts(text: str, values: list[int], total: int) -> None:
    ex = run(text)
    assert [a.value for a in ex.amounts] == values
    assert ex.paid_total() == total


def test_asked_for_more_but_not_paid() -> None:
    ex = run("โอนไป 30,000 ตอนเย็นเขาขออีก 100,000 แต่ป้าไม่มีแล้ว ไม่ได้โอน")
    assert [(a.value, a.role) for a in ex.amounts] == [(30000, P), (100000, R)]


def test_typo_in_the_money_word_still_an_amount() -> None:
    ex = run("โดนหลอกโอนเงน 2000 เข้าไทยพานิด")
    assert [(a.value, a.role) for a in ex.amounts] == [(2000, P)]
    assert [b.value.value for b in ex.banks] == ["SCB"]
