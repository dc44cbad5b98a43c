"""Bank accounts: every bank, every layout, Thai digits, masked slip forms, bank linking."""

from __future__ import annotations

import pytest

from tests.understanding.understanding_helpers import js, run

# (message, expected number, expected bank)
BANK_CASES = [
    ("โอนเข้า กสิกร 123-4-56789-0", "1234567890", "KBANK"),
    ("โอนเข้า กสิกรไทย 1234567890", "1234567890", "KBANK"),
    ("โอนเข้าบัญชีธนาคารกสิกรไทย 123 4 56789 0", "1234567890", "KBANK"),
    ("โอนเข้า kbank 123-4-56789-0", "1234567890", "KBANK"),
    ("โอนเข้า KBank 123.4.56789.0", "1234567890", "KBANK"),
    ("โอนเข้า Kasikorn 1234567890", "1234567890", "KBANK"),
    ("โอนเข้า เคแบงก์ 1234567890", "1234567890", "KBANK"),
    ("โอนเข้า กสิ 123-4-56789-0", "1234567890", "KBANK"),
    ("โอนเข้า ธ.กสิกร 123-4-56789-0", "1234567890", "KBANK"),
    ("โอนเข้า ไทยพาณิชย์ 405-2-13579-2", "4052135792", "SCB"),
    ("โอนเข้า ไทยพา 4052135792", "4052135792", "SCB"),
    ("โอนเข้า scb 405 2 13579 2", "4052135792", "SCB"),
    ("โอนเข้า SCB 405-213579-2", "4052135792", "SCB"),
    ("โอนเข้า เอสซีบี 4052135792", "4052135792", "SCB"),
    ("transferred to Siam Commercial Bank 4052135792", "4052135792", "SCB"),
    ("โอนเข้า กรุงเทพ 150-3-45678-1", "1503456781", "BBL"),
    ("โอนเข้า ธนาคารกรุงเทพ 1503456781", "1503456781", "BBL"),
    ("โอนเข้า bbl 1503456781", "1503456781", "BBL"),
    ("โอนเข้า Bangkok Bank 150-3-45678-1", "1503456781", "BBL"),
    ("โอนเข้า บัวหลวง 1503456781", "1503456781", "BBL"),
    ("โอนเข้า กรุงไทย 981-0-12345-6", "9810123456", "KTB"),
    ("โอนเข้า ktb 9810123456", "9810123456", "KTB"),
    ("โอนเข้า Krungthai 981 0 12345 6", "9810123456", "KTB"),
    ("โอนเข้า กรุงศรี 418-1-23456-7", "4181234567", "BAY"),
    ("โอนเข้า กรุงศรีอยุธยา 4181234567", "4181234567", "BAY"),
    ("โอนเข้า krungsri 4181234567", "4181234567", "BAY"),
    ("โอนเข้า BAY 4181234567", "4181234567", "BAY"),
    ("โอนเข้า ttb 123-456789-0", "1234567890", "TTB"),
    ("โอนเข้า ทีทีบี 1234567890", "1234567890", "TTB"),
    ("โอนเข้า ทหารไทย 1234567890", "1234567890", "TTB"),
    ("โอนเข้า tmb 123-4-56789-0", "1234567890", "TTB"),
    ("โอนเข้า ธนชาต 1234567890", "1234567890", "TTB"),
    ("โอนเข้า ออมสิน 020-1-23456-789", "020123456789", "GSB"),
    ("โอนเข้า ธนาคารออมสิน 0201 2345 6789", "020123456789", "GSB"),
    ("โอนเข้า gsb 020123456789", "020123456789", "GSB"),
    ("โอนเข้า ธ.ก.ส. 0200 1234 5678", "020012345678", "BAAC"),
    ("โอนเข้า ธกส 020012345678", "020012345678", "BAAC"),
    ("โอนเข้า BAAC 020-0-12345-678", "020012345678", "BAAC"),
    ("โอนเข้า ธอส. 001-2-34567-891", "001234567891", "GHB"),
    ("โอนเข้า อาคารสงเคราะห์ 001234567891", "001234567891", "GHB"),
    ("โอนเข้า ghb 001234567891", "001234567891", "GHB"),
    ("โอนเข้า uob 123-456-789-0", "1234567890", "UOB"),
    ("โอนเข้า ยูโอบี 1234567890", "1234567890", "UOB"),
    ("โอนเข้า cimb 7001234567", "7001234567", "CIMB"),
    ("โอนเข้า ซีไอเอ็มบี 7001234567", "7001234567", "CIMB"),
    ("โอนเข้า kkp 2001234567", "2001234567", "KKP"),
    ("โอนเข้า เกียรตินาคิน 2001234567", "2001234567", "KKP"),
    ("โอนเข้า lh bank 8881234567", "8881234567", "LHB"),
    ("โอนเข้า แลนด์แอนด์เฮ้าส์ 8881234567", "8881234567", "LHB"),
    ("โอนเข้า tisco 1234567890", "1234567890", "TISCO"),
    ("โอนเข้า ทิสโก้ 1234567890", "1234567890", "TISCO"),
    ("โอนเข้า icbc 1234567890", "1234567890", "ICBC"),
    ("โอนเข้า ไอซีบีซี 1234567890", "1234567890", "ICBC"),
    ("โอนเข้า ธนาคารอิสลาม 1234567890", "1234567890", "IBANK"),
    ("โอนเข้า ibank 1234567890", "1234567890", "IBANK"),
    ("โอนเข้า ไทยเครดิต 1234567890", "1234567890", "TCD"),
    ("โอนเข้า sme d bank 1234567890", "1234567890", "SMEDB"),
    ("โอนเข้า ธนาคาร 004 เลข 1234567890", "1234567890", "KBANK"),
    ("โอนเข้า รหัสธนาคาร 014 บัญชี 4052135792", "4052135792", "SCB"),
    ("เลขที่บัญชี 1234567890 ธนาคารกสิกรไทย", "1234567890", "KBANK"),
    ("บัญชี 5381234567 ไทยพาณิชย์ ชื่อ นาย ก", "5381234567", "SCB"),
]


@pytest.mark.parametrize("text,number,bank", BANK_CASES)
def test_account_and_bank(text: str, number: str, bank: str) -> None:
    accts = js(text)["accounts"]
    assert [(a["number"], a["bank"]) for a in accts] == [(number, bank)]
    assert bank in js(text)["banks"]


THAI_DIGIT_CASES = [
    ("เลขบัญชี ๑๒๓๔๕๖๗๘๙๐ กสิกร", "1234567890"),
    ("บัญชี ๑๒๓-๔-๕๖๗๘๙-๐", "1234567890"),
    ("บัญชี ๐๔๖-๘-๑๒๓๔๕-๖ ธ.กสิกร", "0468123456"),
    ("บช. ๔๐๕ ๒ ๑๓๕๗๙ ๒ scb", "4052135792"),
    ("ออมสิน ๐๒๐๑๒๓๔๕๖๗๘๙", "020123456789"),
    ("บัญชี 123-๔-56789-๐", "1234567890"),
    ("บัญชี １２３４５６７８９０", "1234567890"),
    ("บัญชี 123–4–56789–0", "1234567890"),
    ("บัญชี 123\u200b-4-56789-0", "1234567890"),
    ("บัญชี 123 - 4 - 56789 - 0", "1234567890"),
    ("บัญชี 123_4_56789_0", "1234567890"),
    ("บัญชี 12 34 56 78 90", "1234567890"),
    ("บัญชีหนึ่งสองสามสี่ห้าหกเจ็ดแปดเก้าศูนย์", "1234567890"),
    ("บัญชี: 1234567890.", "1234567890"),
    ("บัญชี(1234567890)", "1234567890"),
]


@pytest.mark.parametrize("text,number", THAI_DIGIT_CASES)
def test_account_separators_and_digits(text: str, number: str) -> None:
    assert [a["number"] for a in js(text)["accounts"]] == [number]


MASKED_CASES = [
    ("จาก xxx-x-x1234-x", "xxxxx1234x"),
    ("จาก XXX-X-XX123-4", "xxxxxx1234"),
    ("บัญชีต้นทาง xxx-xxx123-4", "xxxxxx1234"),
    ("จาก xxxxxx1234", "xxxxxx1234"),
    ("จาก ***-*-*1234-*", "xxxxx1234x"),
    ("ออมสิน xxx-x-x1234-567", "xxxxx1234567"),
]


@pytest.mark.parametrize("text,value", MASKED_CASES)
def test_masked_slip_accounts_are_partial(text: str, value: str) -> None:
    accts = js(text)["accounts"]
    assert [(a["number"], a["partial"]) for a in accts] == [(value, True)]


@pytest.mark.parametrize("text", [
    "เบอร์ 081-xxx-5678", "โทรมาจาก 08x-xxx-1234", "บัตร 4111-xxxx-xxxx-1111",
    "เลขบัตร 1-1017-xxxxx-45-1", "เบอร์โทร xxxxxx5678", "****1234",
])
def test_masked_non_accounts(text: str) -> None:
    assert js(text)["accounts"] == []


def test_masked_slip_role_is_source_and_full_dest_kept() -> None:
    out = js("สลิป: จาก xxx-x-x1234-x ไป นายสมชาย 150-3-45678-1 ธนาคารกรุงเทพ 2,000.00 บาท")
    assert out["accounts"] == [
        {"number": "xxxxx1234x", "bank": None, "role": "source", "partial": True},
        {"number": "1503456781", "bank": "BBL", "role": "destination", "partial": False},
    ]
    assert out["amounts_thb"] == [2000]


def test_two_accounts_each_get_their_bank() -> None:
    out = js("โอนจากบัญชีของฉัน scb 111-2-33333-4 ไปที่ kbank 046-8-12345-6")
    assert [(a["number"], a["bank"], a["role"]) for a in out["accounts"]] == [
        ("1112333334", "SCB", "source"), ("0468123456", "KBANK", "destination")]


def test_account_without_bank() -> None:
    assert js("เขาส่งเลขบัญชี 1234567890 มา")["accounts"] == [
        {"number": "1234567890", "bank": None, "role": "unknown", "partial": False}]


def test_app_name_is_not_the_destination_bank() -> None:
    out = js("โอนผ่านเคพลัส ไปบัญชีออมสิน 020-1-23456-789")
    assert out["banks"] == ["KBANK", "GSB"]
    assert out["accounts"][0]["bank"] == "GSB"


def test_app_alone_does_not_become_destination_bank() -> None:
    out = js("โอนผ่านเคพลัส ไปที่ 4052135792")
    assert out["accounts"][0]["bank"] is None


@pytest.mark.parametrize("text,bank", [
    ("บัญชีปลายทาง cimb 7001234567", "CIMB"),
    ("บัญชีต้นทาง กสิกร 1234567890", "KBANK"),
    ("โอนทาง kbank ไปที่ scb 4052135792", "SCB"),
])
def test_bank_after_destination_word_is_not_a_channel(text: str, bank: str) -> None:
    assert js(text)["accounts"][0]["bank"] == bank


def test_wrong_length_for_bank_lowers_confidence() -> None:
    ex = run("โอนเข้า กสิกร 020123456789")
    assert ex.accounts[0].bank == "KBANK" and ex.accounts[0].confidence <= 0.5


def test_offsets_point_into_original_text() -> None:
    text = "โอนเข้า  กสิกร ๑๒๓-๔-๕๖๗๘๙-๐ นะคะ"
    a = run(text).accounts[0]
    assert text[a.start:a.end] == "๑๒๓-๔-๕๖๗๘๙-๐" == a.raw


def test_account_fourteen_digits_for_tisco_with_account_word() -> None:
    out = js("บัญชี ทิสโก้ 1234-567-123456-1")
    assert out["accounts"][0]["number"] == "12345671234561"
    assert out["accounts"][0]["bank"] == "TISCO"
