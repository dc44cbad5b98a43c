"""Whose bank is whose: the victim's bank by app name, nickname, card and slip wording
(``BankMention.role``), kept apart from the scammer's bank."""

from __future__ import annotations

import pytest

from bot.banks import BANKS, BY_CODE, BankCode, InstitutionKind
from bot.understanding import Role
from tests.understanding.understanding_helpers import js, run

# the victim names their bank by its app, nickname, card or slip wording
VICTIM_BANK = [
    ("ผมใช้ K PLUS ค่ะ", "KBANK"),
    ("โอนผ่านเคพลัส", "KBANK"),
    ("โอนจากแอป SCB EASY", "SCB"),
    ("ใช้ scb easy", "SCB"),
    ("โอนผ่าน Krungthai NEXT", "KTB"),
    ("ใช้แอป กรุงไทยเน็กซ์", "KTB"),
    ("โอนด้วย Bualuang mBanking", "BBL"),
    ("จ่ายผ่าน KMA", "BAY"),
    ("ใช้แอป krungsri", "BAY"),
    ("ttb touch ค่ะ", "TTB"),
    ("โอนจาก ttb touch", "TTB"),
    ("แอป MyMo", "GSB"),
    ("ใช้มายโม่", "GSB"),
    ("ยายใช้ A-Mobile ของ ธ.ก.ส.", "BAAC"),
    ("โอนผ่าน เอโมบาย", "BAAC"),
    ("GHB ALL", "GHB"),
    ("จ่ายด้วย make by kbank", "KBANK"),
    ("บัญชีของฉันที่ไทยพาณิชย์", "SCB"),
    ("ผมใช้กรุงเทพ", "BBL"),
    ("ธนาคารของหนูคือออมสิน", "GSB"),
    ("บัตร ATM กสิกร โดนตัดเงิน", "KBANK"),
    ("บัตรเดบิตไทยพาณิชย์ของผมโดนรูด", "SCB"),
    ("ใช้แบงก์สีม่วง", "SCB"),
    ("บัญชีผมแบงก์สีเขียวค่ะ", "KBANK"),
    ("my bank is Bangkok Bank", "BBL"),
    ("I use SCB EASY", "SCB"),
    ("paid from my Kasikorn account", "KBANK"),
]


@pytest.mark.parametrize("text,bank", VICTIM_BANK)
def test_victim_bank(text: str, bank: str) -> None:
    ex = run(text)
    assert {(b.value.value, b.role) for b in ex.banks} == {(bank, Role.SOURCE)}
    assert ex.victim_bank() == bank
    assert js(text)["bank_details"][0] == {"bank": bank, "role": "source",
                                           "via_app": ex.banks[0].via_app}


DESTINATION_BANK = [
    ("โอนเข้ากสิกรไทย", "KBANK"),
    ("บัญชีปลายทางไทยพาณิชย์", "SCB"),
    ("ปลายทาง: กรุงไทย", "KTB"),
    ("โอนไปที่ออมสิน", "GSB"),
    ("บัญชีม้า ธ.กรุงเทพ", "BBL"),
    ("ร้านใช้บัญชีของคนร้าย ttb", "TTB"),
    ("sent it to a Krungsri account", "BAY"),
]


@pytest.mark.parametrize("text,bank", DESTINATION_BANK)
def test_destination_bank(text: str, bank: str) -> None:
    ex = run(text)
    assert [(b.value.value, b.role) for b in ex.banks] == [(bank, Role.DESTINATION)]
    assert ex.victim_bank() is None


UNKNOWN_BANK = [
    "กสิกร",
    "มี SMS อ้างว่าเป็นกสิกร ให้กดลิงก์",
    "มีคนโทรมาอ้างเป็นเจ้าหน้าที่ธนาคารกรุงไทย",
    "เขาส่งลิงก์แอป K PLUS ปลอมมา",
    "ลงแอปเป๋าตังปลอม",
    "got an SMS from someone posing as Siam Commercial Bank",
]


@pytest.mark.parametrize("text", UNKNOWN_BANK)
def test_named_but_not_whose(text: str) -> None:
    ex = run(text)
    assert [b.role for b in ex.banks] == [Role.UNKNOWN]
    assert ex.victim_bank() is None


def test_the_issue_report_victim_scb_scammer_kbank() -> None:
    # "โอน … เข้ากสิกรไทย <account with a typo> … โอนจากแอป SCB EASY": the victim's bank is SCB
    ex = run("โอนเงิน 25,000 เข้ากสิกรไทย 123-4-5678-90 ชื่อนายเอ เมื่อวาน โอนจากแอป SCB EASY ค่ะ")
    assert {b.value.value: b.role for b in ex.banks} == {"KBANK": Role.DESTINATION,
                                                          "SCB": Role.SOURCE}
    assert ex.victim_bank() == "SCB"


def test_a_bank_someone_posed_as_stays_nobodys() -> None:
    # a fake LINE account of SCB calling itself "SCB EASY": not the victim's app
    ex = run("มีไลน์ปลอมของไทยพาณิชย์ ตั้งชื่อว่า SCB EASY ทักมาขอเลขบัตร")
    assert [b.role for b in ex.banks] == [Role.UNKNOWN, Role.UNKNOWN]
    assert ex.banks[0].impersonated and ex.victim_bank() is None
    # ...unless the victim says the app is theirs
    ex = run("มี SMS อ้างเป็นไทยพาณิชย์ ผมเลยโอนจากแอป SCB EASY ไป 2,000")
    assert ex.victim_bank() == "SCB"


def test_account_role_reaches_its_bank() -> None:
    ex = run("โอนจาก ktb 9810123456 ไป scb 4052135792")
    assert [(b.value.value, b.role) for b in ex.banks] == [("KTB", Role.SOURCE),
                                                           ("SCB", Role.DESTINATION)]
    assert ex.victim_bank() == "KTB"


def test_bank_after_an_account_word_of_the_scammer() -> None:
    ex = run("เลขบัญชีคนร้าย 4052135792 ไทยพาณิชย์ ส่วนผมใช้กสิกร")
    assert {b.value.value: b.role for b in ex.banks} == {"SCB": Role.DESTINATION,
                                                          "KBANK": Role.SOURCE}
    assert ex.victim_bank() == "KBANK"


def test_pasted_slip_from_and_to_banks() -> None:
    slip = ("โอนเงินสำเร็จ\n28 พ.ย. 69 14:05 น.\nจาก\nนาย ก ข\nธ.กสิกรไทย\nxxx-x-x1234-x\n"
            "ไปยัง\nนาย ค ง\nธ.ไทยพาณิชย์\nxxx-x-x5678-x\nจำนวน 2,000.00 บาท")
    ex = run(slip)
    assert [(b.value.value, b.role) for b in ex.banks] == [("KBANK", Role.SOURCE),
                                                           ("SCB", Role.DESTINATION)]


# --- the bank table ------------------------------------------------------------------------


def test_paotang_is_krungthai_but_not_a_bank_app() -> None:
    """เป๋าตัง is Krungthai's wallet app: it names KTB (whose call centre serves it) but a
    mention alone says nothing about whose money it is (scammers also receive into it)."""
    ex = run("เป๋าตัง")
    assert ex.banks[0].value is BankCode.KTB and not ex.banks[0].via_app
    assert ex.banks[0].role is Role.UNKNOWN
    assert run("โอนผ่านเป๋าตัง").banks[0].role is Role.SOURCE
    assert run("โอนเข้าเป๋าตังเขา").banks[0].role is Role.DESTINATION
    assert "เป๋าตัง" in BY_CODE[BankCode.KTB].wallet_apps
    assert "เป๋าตัง" not in BY_CODE[BankCode.KTB].apps


def test_every_bank_app_is_found_as_its_bank() -> None:
    for b in BANKS:
        for app in b.apps:
            ex = run(f"ใช้แอป {app} ค่ะ")
            assert [m.value for m in ex.banks] == [b.code], app
            assert ex.banks[0].via_app and ex.banks[0].role is Role.SOURCE, app


def test_merchant_qr_names_are_not_victim_apps() -> None:
    # SCB's "แม่มณี" is a shop's QR: the money goes to the shop
    assert "แม่มณี" not in BY_CODE[BankCode.SCB].apps
    ex = run("สแกนจ่ายแม่มณีของร้าน")
    assert ex.banks[0].value is BankCode.SCB and ex.banks[0].role is not Role.SOURCE


def test_one_table_for_lengths_and_codes() -> None:
    for b in BANKS:
        if b.kind is InstitutionKind.BANK:
            assert b.number and len(b.number) == 3
