"""PromptPay QR payloads pasted as text (EMVCo TLV with CRC)."""

from __future__ import annotations

import pytest

from bot.understanding.promptpay_qr import crc16
from tests.understanding.understanding_helpers import js


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def payload(proxy_tag: str, proxy: str, amount: str | None = None,
            merchant_tag: str = "29") -> str:
    p = (tlv("00", "01") + tlv("01", "12" if amount else "11")
         + tlv(merchant_tag, tlv("00", "A000000677010111") + tlv(proxy_tag, proxy))
         + tlv("53", "764") + (tlv("54", amount) if amount else "") + tlv("58", "TH") + "6304")
    return p + crc16(p)


def test_crc_check_value() -> None:
    assert crc16("123456789") == "29B1"  # CRC-16/CCITT-FALSE


@pytest.mark.parametrize("tag,proxy,expected,amount", [
    ("01", "0066812345678", "0812345678", "500.00"),
    ("01", "0066955551234", "0955551234", None),
    ("02", "1101700123456", "1101700123456", "1500"),
    ("03", "140000812345678", "140000812345678", None),
])
def test_promptpay_payload(tag: str, proxy: str, expected: str, amount: str | None) -> None:
    out = js(f"เขาส่ง QR มา {payload(tag, proxy, amount)} ให้โอน")
    assert out["promptpay_ids"] == [expected]
    assert out["promptpay"][0]["role"] == "destination"
    assert out["amounts_thb"] == ([float(amount)] if amount else [])
    assert out["phones"] == [] and out["accounts"] == [] and out["national_ids_masked"] == []


def test_bank_account_proxy_is_an_account() -> None:
    out = js(payload("04", "0041234567890"))
    assert out["accounts"][0]["number"] == "0041234567890"
    assert out["accounts"][0]["role"] == "destination"


def test_bad_crc_is_ignored() -> None:
    p = payload("01", "0066812345678")
    bad = p[:-4] + ("0000" if p[-4:] != "0000" else "1111")
    out = js(bad)
    assert out["promptpay_ids"] == [] and out["phones"] == []
