"""PromptPay QR payloads pasted as text (EMVCo TLV, domain.md §4.3).

``00 02 "01"`` ... tag 29 (or 30) holds AID ``A000000677010111`` and one proxy:
01 mobile as ``0066`` + 9 digits, 02 national/tax id, 03 e-wallet id, 04 bank account;
tag 54 is the amount; tag 63 a CRC-16 (poly 0x1021, init 0xFFFF) over everything before it
plus "6304". A payload whose CRC does not match is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAYLOAD = re.compile(
    r"(?<![0-9A-Za-z])000201[0-9A-Za-z.\-]{20,512}?6304[0-9A-Fa-f]{4}(?![0-9A-Za-z])")


@dataclass(frozen=True, slots=True)
class QrPayment:
    start: int
    end: int
    proxy_type: str  # "phone", "national_id", "ewallet", "account"
    proxy: str  # national phone format for phones, digits otherwise
    amount: float | None


def crc16(data: str) -> str:
    crc = 0xFFFF
    for b in data.encode("ascii", "replace"):
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _tlv(s: str) -> dict[str, str] | None:
    out: dict[str, str] = {}
    i = 0
    while i < len(s):
        if i + 4 > len(s) or not s[i + 2:i + 4].isdigit():
            return None
        tag, ln = s[i:i + 2], int(s[i + 2:i + 4])
        if i + 4 + ln > len(s):
            return None
        out[tag] = s[i + 4:i + 4 + ln]
        i += 4 + ln
    return out


def find_qr_payments(text: str) -> list[QrPayment]:
    found: list[QrPayment] = []
    for m in _PAYLOAD.finditer(text):
        payload = m.group()
        if crc16(payload[:-4]) != payload[-4:].upper():
            continue
        top = _tlv(payload)
        if not top:
            continue
        merchant = top.get("29") or top.get("30")
        sub = _tlv(merchant) if merchant else None
        if not sub or sub.get("00", "").upper() != "A000000677010111":
            continue
        for key, kind in (("01", "phone"), ("02", "national_id"), ("03", "ewallet"),
                          ("04", "account")):
            if key in sub:
                proxy = sub[key]
                if kind == "phone":
                    proxy = "0" + proxy[-9:]
                amount = None
                if "54" in top:
                    try:
                        amount = float(top["54"])
                    except ValueError:
                        amount = None
                found.append(QrPayment(m.start(), m.end(), kind, proxy, amount))
                break
    return found
