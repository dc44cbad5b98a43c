"""Phones (validated by phonenumbers), hotlines, national ids, PromptPay ids, wallets."""

from __future__ import annotations

import pytest

from bot.understanding import mask_national_id, thai_id_ok
from tests.understanding.understanding_helpers import js, run


def nid(first12: str) -> str:
    s = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - s % 11) % 10)


PHONE_CASES = [
    ("เบอร์ 0812345678", "0812345678", "+66812345678"),
    ("เบอร์ 081-234-5678", "0812345678", "+66812345678"),
    ("เบอร์ 081 234 5678", "0812345678", "+66812345678"),
    ("เบอร์ 081.234.5678", "0812345678", "+66812345678"),
    ("เบอร์ 08-1234-5678", "0812345678", "+66812345678"),
    ("เบอร์ ๐๘๑-๒๓๔-๕๖๗๘", "0812345678", "+66812345678"),
    ("โทรมา +66812345678", "0812345678", "+66812345678"),
    ("โทรมา +66 81 234 5678", "0812345678", "+66812345678"),
    ("โทรมา +66-81-234-5678", "0812345678", "+66812345678"),
    ("โทรมา +66 0812345678", "0812345678", "+66812345678"),
    ("โทรมา 66812345678", "0812345678", "+66812345678"),
    ("โทรมา 0066812345678", "0812345678", "+66812345678"),
    ("มือถือ 0623456789", "0623456789", "+66623456789"),
    ("มือถือ 0955551234", "0955551234", "+66955551234"),
    ("เบอร์ 0987654321 ค่ะ", "0987654321", "+66987654321"),
    ("ติดต่อ 0891112222", "0891112222", "+66891112222"),
    ("โทร 02-123-4567", "021234567", "+6621234567"),
    ("โทร 02 123 4567", "021234567", "+6621234567"),
    ("โทร 021234567", "021234567", "+6621234567"),
    ("โทร 053-123-456", "053123456", "+6653123456"),
    ("โทร 038 123 456", "038123456", "+6638123456"),
    ("โทร ๐๒๑๒๓๔๕๖๗", "021234567", "+6621234567"),
    ("เบอร์ศูนย์แปดหนึ่งสองสามสี่ห้าหกเจ็ดแปด", "0812345678", "+66812345678"),
    ("call me 0812345678 pls", "0812345678", "+66812345678"),
    ("เบอร์0812345678ค่ะ", "0812345678", "+66812345678"),
    ("0812345678", "0812345678", "+66812345678"),
]


@pytest.mark.parametrize("text,national,e164", PHONE_CASES)
def test_phone(text: str, national: str, e164: str) -> None:
    ex = run(text)
    assert [(p.national, p.e164) for p in ex.phones] == [(national, e164)]
    assert ex.accounts == ()


FOREIGN_CASES = [
    ("เบอร์ +85512345678", "KH"),
    ("เบอร์ +8613812345678", "CN"),
    ("เบอร์ +1 202 555 0143", "US"),
    ("เบอร์ +44 20 7946 0958", "GB"),
    ("เบอร์ +60 12-345 6789", "MY"),
]


@pytest.mark.parametrize("text,region", FOREIGN_CASES)
def test_foreign_phone(text: str, region: str) -> None:
    ph = run(text).phones
    assert len(ph) == 1 and ph[0].region == region and ph[0].e164.startswith("+")


@pytest.mark.parametrize("text", [
    "แจ้ง 1441 แล้ว", "โทร 1213 ธปท", "สายด่วน 191", "โทร 1599", "ก.ล.ต. 1207", "ออมสิน 1115",
    "กด 1333", "โทร 1572 ได้ไหม", "สายด่วน 1195", "โทร 1669",
])
def test_hotlines_are_not_phones(text: str) -> None:
    out = js(text)
    assert out["phones"] == [] and out["accounts"] == []


def test_transfer_to_non_mobile_ten_digits_is_an_account() -> None:
    out = js("โอนให้ 1234567890")
    assert out["accounts"][0]["number"] == "1234567890" and out["promptpay_ids"] == []


def test_phone_word_after_transfer_in_other_clause_stays_phone() -> None:
    out = js("โอนไปแล้ว 500 บาท แล้วเขาโทรมาจากเบอร์ 0891234567")
    assert out["phones"] == ["0891234567"] and out["promptpay_ids"] == []


def test_promptpay_then_contact_phone() -> None:
    out = js("พร้อมเพย์ 0812345678 เบอร์ติดต่อ 0899999999")
    assert out["promptpay_ids"] == ["0812345678"] and out["phones"] == ["0899999999"]


def test_promptpay_earlier_then_caller_phone() -> None:
    out = js("โอนพร้อมเพย์ไปแล้ว แล้วเขาโทรมาจากเบอร์ 0891234567")
    assert out["phones"] == ["0891234567"] and out["promptpay_ids"] == []


def test_two_phones() -> None:
    assert js("เบอร์ 0612345678 และ 0654321987 ขู่")["phones"] == ["0612345678", "0654321987"]


def test_phone_next_to_account() -> None:
    out = js("เบอร์ 081-234-5678 กับบัญชี กสิกร 081-2-34567-8")
    assert out["phones"] == ["0812345678"]
    assert [a["number"] for a in out["accounts"]] == ["0812345678"]


def test_mobile_digits_with_bank_layout_are_an_account() -> None:
    out = js("โอนไป 081-2-34567-8 แล้ว")
    assert out["phones"] == [] and out["accounts"][0]["number"] == "0812345678"


def test_mobile_and_account_run_together_are_split() -> None:
    out = js("0812345678 1234567890")
    assert out["phones"] == ["0812345678"]
    assert [a["number"] for a in out["accounts"]] == ["1234567890"]


def test_amount_then_phone_in_one_run() -> None:
    out = js("โอน 5000 0812345678")
    assert out["phones"] == ["0812345678"]


def test_ten_digits_not_mobile_after_phone_word_is_dropped() -> None:
    assert js("โทร 1234567890")["phones"] == []


NIDS = [nid("110170012345"), nid("350990045678"), nid("170080033321"), nid("310200456712"),
        nid("512345678901"), nid("800000000001")]


@pytest.mark.parametrize("n", NIDS)
@pytest.mark.parametrize("fmt", [
    lambda n: n,
    lambda n: f"{n[0]}-{n[1:5]}-{n[5:10]}-{n[10:12]}-{n[12]}",
    lambda n: f"{n[0]} {n[1:5]} {n[5:10]} {n[10:12]} {n[12]}",
])
def test_national_id_masked(n: str, fmt) -> None:
    text = f"เลขบัตรประชาชน {fmt(n)} ค่ะ"
    out = js(text)
    assert out["national_ids_masked"] == [mask_national_id(n)]
    assert out["accounts"] == [] and out["phones"] == []
    assert n not in str(out)


def test_mask_format() -> None:
    assert mask_national_id("1101700123451") == "1-1017-xxxxx-45-1"


def test_bad_checksum_is_not_a_national_id() -> None:
    good = NIDS[0]
    bad = good[:12] + str((int(good[12]) + 1) % 10)
    assert not thai_id_ok(bad)
    out = js(f"เลขบัตร {bad}")
    assert out["national_ids_masked"] == [] and out["accounts"] == []


def test_national_id_without_context_still_recognised() -> None:
    assert js(f"เขาส่งมา {NIDS[1]} นะ")["national_ids_masked"] == [mask_national_id(NIDS[1])]


PROMPTPAY_CASES = [
    ("พร้อมเพย์ 0812223344", "0812223344", "phone"),
    ("พร้อมเพ 081-222-3344", "0812223344", "phone"),
    ("promptpay 0812223344", "0812223344", "phone"),
    ("PromptPay: +66812223344", "0812223344", "phone"),
    ("โอนเข้าพร้อมเพย์ ๐๘๑๒๒๒๓๓๔๔", "0812223344", "phone"),
    (f"พร้อมเพย์เลขบัตร {NIDS[0]}", NIDS[0], "national_id"),
    ("พร้อมเพย์ 0105561234567", "0105561234567", "tax_id"),
    ("พร้อมเพย์ e-wallet 140000812345678", "140000812345678", "ewallet"),
    ("wallet id 140000812345678", "140000812345678", "ewallet"),
    ("โอนให้ 0812223344 ไป 500", "0812223344", "phone"),
    ("โอนเข้า 081-222-3344", "0812223344", "phone"),
    ("โอนไปเบอร์ 0812223344", "0812223344", "phone"),
    ("โอนเข้าเบอร์โทร 0812223344", "0812223344", "phone"),
    ("transferred to +66812223344", "0812223344", "phone"),
    (f"โอนเข้า {NIDS[2]}", NIDS[2], "national_id"),
    ("พร้อมเพย์เบอร์ 0812345678", "0812345678", "phone"),
    ("พร้อมเพย์ของเขา เบอร์โทร 0812345678", "0812345678", "phone"),
    ("promptpay no. หมายเลข 0812345678", "0812345678", "phone"),
]


@pytest.mark.parametrize("text,value,id_type", PROMPTPAY_CASES)
def test_promptpay(text: str, value: str, id_type: str) -> None:
    ex = run(text)
    assert [(p.value, p.id_type.value) for p in ex.promptpay_ids] == [(value, id_type)]
    assert ex.phones == () and ex.accounts == () and ex.national_ids == ()


def test_promptpay_rail_listed_as_bank() -> None:
    assert "PROMPTPAY" in js("พร้อมเพย์ 0812223344")["banks"]


@pytest.mark.parametrize("text,code", [
    ("โอนเข้า truemoney 0955551234", "TRUEMONEY"),
    ("ทรูมันนี่ 095-555-1234", "TRUEMONEY"),
    ("true money wallet 0955551234", "TRUEMONEY"),
    ("ทรูมันนี่ เบอร์ 0955551234", "TRUEMONEY"),
])
def test_truemoney_wallet_account(text: str, code: str) -> None:
    out = js(text)
    assert out["accounts"][0]["number"] == "0955551234"
    assert out["accounts"][0]["bank"] == code
    assert out["phones"] == []
