"""URLs, LINE ids, social handles, refs; roles; decoys that must not be extracted."""

from __future__ import annotations

import pytest

from tests.understanding.understanding_helpers import js, run

URL_CASES = [
    ("เข้าเว็บ https://example.com/login", ["https://example.com/login"]),
    ("ลิงก์ http://abc-loan.net/?id=5", ["http://abc-loan.net/?id=5"]),
    ("hxxps://kerry-th[.]com/track", ["https://kerry-th.com/track"]),
    ("hxxp://evil[.]xyz", ["http://evil.xyz"]),
    ("evil[.]com/pay", ["evil.com/pay"]),
    ("evil(.)com", ["evil.com"]),
    ("evil[dot]com", ["evil.com"]),
    ("เว็บ www.golden-profit.vip ลงทุน", ["www.golden-profit.vip"]),
    ("bit.ly/3xYzAbc", ["bit.ly/3xYzAbc"]),
    ("กดลิงก์bit.ly/abcแล้วเงินหาย", ["bit.ly/abc"]),
    ("เว็บ thai-police-online.com รับแจ้ง", ["thai-police-online.com"]),
    ("line.me/ti/p/~bot_gov", ["line.me/ti/p/~bot_gov"]),
    ("ดูที่ https://www.ufa888.com/register?ref=abc.", ["https://www.ufa888.com/register?ref=abc"]),
    ("ไปที่ (https://x.co.th/a)", ["https://x.co.th/a"]),
    ("เว็บ pea-refund.online นะ", ["pea-refund.online"]),
    ("ราคา 1.5 แสน", []),
    ("version 2.0.1", []),
    ("e.g. test", []),
]


@pytest.mark.parametrize("text,urls", URL_CASES)
def test_urls(text: str, urls: list[str]) -> None:
    assert js(text)["urls"] == urls


def test_email_is_not_url_or_line_id() -> None:
    out = js("อีเมล support@kbank-verify.com ส่งมา")
    assert out["urls"] == [] and out["line_ids"] == []
    assert out["emails"] == ["support@kbank-verify.com"]


LINE_CASES = [
    ("แอดไลน์ @shopdee99", ["@shopdee99"]),
    ("ไอดีไลน์ invest_gold88 ชวน", ["invest_gold88"]),
    ("ไอดีไลน์: invest.gold", ["invest.gold"]),
    ("ID line: money.fast โทร", ["money.fast"]),
    ("line id = somchai.2525", ["somchai.2525"]),
    ("ID LINE = somchai.2525", ["somchai.2525"]),
    ("ไลน์ไอดี @aoc1441help", ["@aoc1441help"]),
    ("ไลน์: @kbank.th", ["@kbank.th"]),
    ("line: abc_123", ["abc_123"]),
    ("ทักไลน์ @PEA-Refund มา", ["@pea-refund"]),
    ("แอด @cheapphone", ["@cheapphone"]),
    ("ไลน์ @a1 และ @b2", ["@a1", "@b2"]),
    ("ไลน์โดนแฮก", []),
    ("คุยทางไลน์ทุกวัน", []),
]


@pytest.mark.parametrize("text,ids", LINE_CASES)
def test_line_ids(text: str, ids: list[str]) -> None:
    assert js(text)["line_ids"] == ids


@pytest.mark.parametrize("text,platform,handle", [
    ("IG @luxury.bag.th ไม่ตอบ", "instagram", "@luxury.bag.th"),
    ("ไอจี @shop_x", "instagram", "@shop_x"),
    ("telegram @investpro", "telegram", "@investpro"),
    ("เทเลแกรม @vip_signal", "telegram", "@vip_signal"),
    ("tiktok @live_sale", "tiktok", "@live_sale"),
    ("ทวิต @ticket_th", "twitter", "@ticket_th"),
    ("fb @page.sale", "facebook", "@page.sale"),
])
def test_social_handles(text: str, platform: str, handle: str) -> None:
    out = js(text)
    assert out["social_handles"] == [{"platform": platform, "handle": handle}]
    assert out["line_ids"] == []


@pytest.mark.parametrize("text,ref", [
    ("เลขอ้างอิง 2026112812345678", "2026112812345678"),
    ("Ref: ABC123456", "ABC123456"),
    ("เลขที่รายการ 016332123456789012", "016332123456789012"),
    ("รหัสอ้างอิง: 20261128-KB-000123", "20261128-KB-000123"),
])
def test_transaction_refs_not_accounts(text: str, ref: str) -> None:
    out = js(text)
    assert out["transaction_refs"] == [ref]
    assert out["accounts"] == [] and out["phones"] == []


ROLE_CASES = [
    ("โอนเข้า กสิกร 1234567890", "destination"),
    ("โอนไปที่ 1234567890 กสิกร", "destination"),
    ("โอนให้ 1234567890", "destination"),
    ("บัญชีปลายทาง 1234567890", "destination"),
    ("บัญชีม้า 1234567890", "destination"),
    ("เขาให้โอนเข้าบัญชี 1234567890", "destination"),
    ("transferred to 1234567890", "destination"),
    ("scammer's account 1234567890", "destination"),
    ("บัญชี 1234567890 ของมิจ", "destination"),
    ("โอนจากบัญชีของฉัน 1234567890", "source"),
    ("จากบัญชี 1234567890", "source"),
    ("บัญชีของเรา กสิกร 1234567890 โดนดูดเงิน", "source"),
    ("เงินออกจาก 1234567890 ของหนู", "source"),
    ("บัญชี 1234567890 ของเรา โดนหัก", "source"),
    ("from my account 1234567890", "source"),
    ("บัญชีหนู กสิกร 1234567890 โดนตัดเงิน", "source"),
    ("บัญชีผม scb 4052135792 เงินหาย", "source"),
    ("my acc 1234567890 was drained", "source"),
    ("บัญชี 1234567890", "unknown"),
    ("เลขนี้ 1234567890 คืออะไร", "unknown"),
]


@pytest.mark.parametrize("text,role", ROLE_CASES)
def test_roles(text: str, role: str) -> None:
    assert [a["role"] for a in js(text)["accounts"]] == [role]


def test_roles_two_accounts_in_order() -> None:
    out = js("โอนจาก ktb 9810123456 ไป scb 4052135792")
    assert [(a["bank"], a["role"]) for a in out["accounts"]] == [("KTB", "source"),
                                                                 ("SCB", "destination")]


def test_promptpay_role() -> None:
    ex = run("โอนเข้าพร้อมเพย์ 0812223344")
    assert ex.promptpay_ids[0].role.value == "destination"


DECOYS = [
    "เลขพัสดุ TH0123456789012 ยังไม่มา",
    "tracking 123456789012",
    "เลขพัสดุ 123456789012",
    "หมายเลขพัสดุ KEX123456789012",
    "ออเดอร์ 2411280012345",
    "order no 2411281234",
    "เลขคำสั่งซื้อ 241128001234",
    "หลังบัตรมีเลข JT0-1234567-89",
    "laser code ME1-1234567-89",
    "บัตรเครดิต 4111 1111 1111 1111",
    "เลขบัตร 4111111111111111",
    "วันที่ 25/11/2569",
    "12.11.2569",
    "2026-11-28",
    "ใบเสร็จ 1234567890",
    "IMEI 356938035643809",
    "serial 1234567890",
    "รหัสไปรษณีย์ 10110",
    "ราคา 15,900 บาท",
    "เบอร์ 1441",
    "OTP 123456",
    "รหัสผ่าน 123456789",
    "ผู้ใช้ไฟ 020012345678",
    "เลขมิเตอร์ 1234567890",
    "ID 12345678",
    "1,234,567 บาท",
    "xxx",
    "ขอบคุณค่ะ",
    "ลงทุน 1.5 แสน",
    "เลขที่สัญญา 1234567890",
    "SN: A1234567890",
    "ห้อง 1234567890A",
]


@pytest.mark.parametrize("text", DECOYS)
def test_decoys_are_not_identifiers(text: str) -> None:
    out = js(text)
    assert out["accounts"] == [] and out["phones"] == []
    assert out["promptpay_ids"] == [] and out["national_ids_masked"] == []


MIXED = [
    ("Scammer's account: SCB 4321098765, I transferred 12,500 THB 2 hours ago",
     {"accounts": [("4321098765", "SCB", "destination")], "amounts_thb": [12500],
      "transfer_times": ["2026-11-28T13:00:00+07:00"]}),
    ("โอนไป bangkok bank acc 2071234567 amount 45000 baht at 14:30 today",
     {"accounts": [("2071234567", "BBL", "destination")], "amounts_thb": [45000],
      "transfer_times": ["2026-11-28T14:30:00+07:00"]}),
    ("โอนไป ktb 9810123456 5k เมื่อกี้",
     {"accounts": [("9810123456", "KTB", "destination")], "amounts_thb": [5000],
      "transfer_times": ["2026-11-28T15:00:00+07:00"]}),
]


@pytest.mark.parametrize("text,expected", MIXED)
def test_mixed_thai_english(text: str, expected: dict) -> None:
    out = js(text)
    assert [(a["number"], a["bank"], a["role"]) for a in out["accounts"]] == expected["accounts"]
    assert out["amounts_thb"] == expected["amounts_thb"]
    assert out["transfer_times"] == expected["transfer_times"]


SLIP = """โอนเงินสำเร็จ
28 พ.ย. 69 14:05 น.
จาก
นาย สมชาย ใ
ธ.กสิกรไทย
xxx-x-x1234-x
ไปยัง
นาย ก
ธ.ไทยพาณิชย์
xxx-x-x5678-x
จำนวน 2,000.00 บาท
ค่าธรรมเนียม 0.00 บาท
เลขที่รายการ: 016332140512ABC12345"""


def test_pasted_slip_text() -> None:
    out = js(SLIP)
    assert out["accounts"] == [
        {"number": "xxxxx1234x", "bank": "KBANK", "role": "source", "partial": True},
        {"number": "xxxxx5678x", "bank": "SCB", "role": "destination", "partial": True},
    ]
    assert out["amounts_thb"] == [2000]
    assert out["transfer_times"] == ["2026-11-28T14:05:00+07:00"]
    assert out["transaction_refs"] == ["016332140512ABC12345"]


def test_cue_in_an_earlier_paragraph_does_not_reach() -> None:
    text = "โอนไปแล้ว\nแล้วก็\nเขาบอกว่า\nต้องรอ\nนะ\nบัญชี 1234567890"
    assert js(text)["accounts"][0]["role"] == "unknown"


def test_emoji_and_repeated_letters() -> None:
    out = js("โอนไปแล้วค่ะ 🙏🙏 5,000บาท!!! เข้า SCB 123-4-56789-0 ชื่อ นายบี\nช่วยด้วยค่ะะะะ 😭")
    assert out["amounts_thb"] == [5000]
    assert out["accounts"][0]["bank"] == "SCB" and out["accounts"][0]["role"] == "destination"
