"""Identifiers missed on real text: arrows and numbered lists of transfers, foreign numbers with
their country code, Thai-script domains, lin.ee links, LINE ids after แอดLINE / แอดไลน์."""

from __future__ import annotations

import pytest

from bot.understanding import AmountRole, Role
from tests.understanding.understanding_helpers import js, run

# --- arrows in slip layouts ------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "กสิกร 111-2-33333-4 → ไทยพาณิชย์ 405-2-13579-2",
    "กสิกร 111-2-33333-4 -> ไทยพาณิชย์ 405-2-13579-2",
    "กสิกร 111-2-33333-4 ➡ ไทยพาณิชย์ 405-2-13579-2",
    "นาย ก (กสิกร) 111-2-33333-4 → นาย ข (ไทยพาณิชย์) 405-2-13579-2",
    "111-2-33333-4 กสิกร\n→\n405-2-13579-2 ไทยพาณิชย์",
])
def test_arrow_from_left_to_right(text: str) -> None:
    out = js(text)
    assert [(a["number"], a["bank"], a["role"]) for a in out["accounts"]] == [
        ("1112333334", "KBANK", "source"), ("4052135792", "SCB", "destination")]
    assert run(text).victim_bank() == "KBANK"


def test_arrow_before_a_lone_account() -> None:
    assert js("→ 4052135792")["accounts"][0]["role"] == "destination"
    assert js("ไปยัง 405-2-13579-2")["accounts"][0]["role"] == "destination"


# --- numbered lists of transfers -------------------------------------------------------------

LIST = """โอนไปให้บัญชีพวกนี้ค่ะ
1. กสิกร 123-4-56789-0 5,000 บาท
2. ไทยพาณิชย์ 405-2-13579-2 3,000 บาท
3) กรุงไทย 981-0-12345-6 2,000 บาท"""


def test_numbered_list_under_a_heading() -> None:
    ex = run(LIST)
    assert [(a.value, a.role) for a in ex.accounts] == [
        ("1234567890", Role.DESTINATION), ("4052135792", Role.DESTINATION),
        ("9810123456", Role.DESTINATION)]
    assert [(a.value, a.role) for a in ex.amounts] == [
        (5000, AmountRole.PAID), (3000, AmountRole.PAID), (2000, AmountRole.PAID)]
    assert ex.paid_total() == 10000
    assert ex.victim_bank() is None


def test_numbered_list_first_item_says_it() -> None:
    text = ("1. โอนเข้า กสิกร 123-4-56789-0 ยอด 5,000\n- ไทยพาณิชย์ 405-2-13579-2 ยอด 3,000\n"
            "- ออมสิน 020-1-23456-789 ยอด 1,000")
    ex = run(text)
    assert [a.role for a in ex.accounts] == [Role.DESTINATION] * 3
    assert [a.role for a in ex.amounts] == [AmountRole.PAID] * 3


def test_a_list_heading_reaches_only_its_own_list() -> None:
    text = ("โอนไปให้บัญชีพวกนี้\n1. ยอด 5,000\n2. ยอด 3,000\nอีกเรื่อง\nเขาว่า\nจะเอา\nอะไร\n"
            "ยอด 700")
    assert [a.role for a in run(text).amounts] == [AmountRole.PAID, AmountRole.PAID,
                                                   AmountRole.UNKNOWN]


# --- foreign numbers with their country code -------------------------------------------------


@pytest.mark.parametrize("text,e164,region", [
    ("เบอร์ +855 97 123 4567", "+855971234567", "KH"),
    ("โทรมาจาก +855 97 123 4567", "+855971234567", "KH"),
    ("(+855) 97-123-4567", "+855971234567", "KH"),
    ("เบอร์ 00855 97 123 4567", "+855971234567", "KH"),
    ("Call +44 20 7946 0958", "+442079460958", "GB"),
    ("+86 138 0013 8000", "+8613800138000", "CN"),
])
def test_foreign_number_never_reads_as_thai(text: str, e164: str, region: str) -> None:
    ex = run(text)
    assert [(p.value, p.region) for p in ex.phones] == [(e164, region)]
    assert ex.phones[0].national == e164  # its national form ("097 123 4567") looks Thai
    out = js(text)
    assert out["phones"] == [e164] and out["promptpay_ids"] == []


def test_thai_number_with_country_code_keeps_its_thai_form() -> None:
    ex = run("เบอร์ +66 81 234 5678")
    assert (ex.phones[0].value, ex.phones[0].national) == ("+66812345678", "0812345678")


def test_foreign_number_without_plus_after_a_phone_word() -> None:
    ex = run("เบอร์ 855 97 123 4567 โทรมา")
    assert [(p.value, p.region) for p in ex.phones] == [("+855971234567", "KH")]
    assert ex.accounts == ()


def test_odd_plus_number_is_kept_as_an_invalid_phone() -> None:
    # scam callers show odd prefixes such as +697 (domain.md §4.2): keep it as evidence
    ex = run("มีเบอร์ +697 123 4567 โทรมา")
    assert len(ex.phones) == 1
    p = ex.phones[0]
    assert p.value == "+6971234567" and not p.valid and p.region is None


# --- URLs: Thai-script domains, lin.ee ------------------------------------------------------


@pytest.mark.parametrize("text,urls", [
    ("แอดไลน์ที่ lin.ee/AbC123x", ["lin.ee/AbC123x"]),
    ("กดลิงก์ https://lin.ee/xyz9", ["https://lin.ee/xyz9"]),
    ("เข้าเว็บ https://ไทยพาณิชย์.com/login", ["https://ไทยพาณิชย์.com/login"]),
    ("เว็บ กรมที่ดิน.com ให้กรอกข้อมูล", ["กรมที่ดิน.com"]),
    ("ลิงก์ คืนเงิน.ไทย นะคะ", ["คืนเงิน.ไทย"]),
    ("http://การไฟฟ้า.ไทย/refund", ["http://การไฟฟ้า.ไทย/refund"]),
    ("www.ธนาคาร-ไทย.net", ["www.ธนาคาร-ไทย.net"]),
    ("xn--12c1bij4d.com", ["xn--12c1bij4d.com"]),
])
def test_thai_domains_and_line_links(text: str, urls: list[str]) -> None:
    assert js(text)["urls"] == urls


def test_thai_text_around_a_domain_is_not_part_of_it() -> None:
    assert js("เว็บนี้ เงินด่วน.com แล้วเงินหาย")["urls"] == ["เงินด่วน.com"]
    assert js("ราคา 1.5 แสน ไม่ใช่เว็บ")["urls"] == []


# --- LINE ids after แอดLINE / แอดไลน์ / ไอดีไลน์: ---------------------------------------------


@pytest.mark.parametrize("text,ids", [
    ("แอดLINE somchai99 มา", ["somchai99"]),
    ("แอดไลน์ somchai99 ค่ะ", ["somchai99"]),
    ("แอดไลน์ไอดี gold.invest", ["gold.invest"]),
    ("ไอดีไลน์:shop.dee", ["shop.dee"]),
    ("ไอดีไลน์ : shop.dee", ["shop.dee"]),
    ("แอด LINE : @kbank.help", ["@kbank.help"]),
    ("แอดไลน์ไปคุย", []),
    ("แอดไลน์ to chat", []),
])
def test_line_ids_after_add_line(text: str, ids: list[str]) -> None:
    assert js(text)["line_ids"] == ids
