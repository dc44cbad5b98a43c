"""The mini-QR printed on Thai bank-transfer slips: a pure parser (text in, typed result out).

Layout (shared/domain.md §4.4, EMVCo-style TLV with two-digit tags and two-digit lengths):

    00 LL [ 00 06 "000001" | 01 03 <sending bank code> | 02 LL <transaction reference> ]
    51 02 "TH"
    91 04 <CRC-16/CCITT-FALSE over everything up to and including "9104", upper-case hex>

The QR carries no amount, payee or time: only the sending bank and the bank's transaction
reference, which is what the Central Fraud Registry matches on. Some bank apps print the CRC
without its leading zero (three hex digits); we accept that when the value matches.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bot.banks import BY_NUMBER

API_TYPE_SLIP_VERIFY = "000001"


class SlipQrError(ValueError):
    """The text is not a valid slip mini-QR payload."""


@dataclass(frozen=True)
class SlipQr:
    sending_bank_code: str  # three digits, e.g. "014" (SCB)
    transaction_ref: str
    country: str
    crc: str
    crc_valid: bool  # False: the structure is right but the checksum is not (misprint or forgery)
    raw: str

    def as_dict(self) -> dict:
        return asdict(self)


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no xor-out."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def parse_tlv(payload: str) -> list[tuple[str, str]]:
    """Split `TTLLVVVV...` into (tag, value) pairs; raises SlipQrError on a malformed run."""
    items: list[tuple[str, str]] = []
    i = 0
    while i < len(payload):
        header = payload[i : i + 4]
        if len(header) < 4 or not header.isdigit():
            raise SlipQrError(f"malformed TLV header at position {i}")
        tag, length = header[:2], int(header[2:])
        value = payload[i + 4 : i + 4 + length]
        if len(value) != length:
            raise SlipQrError(f"tag {tag} is cut short")
        items.append((tag, value))
        i += 4 + length
    return items


def _crc_matches(payload_before_crc: str, printed: str) -> bool:
    expected = crc16_ccitt_false(payload_before_crc.encode("ascii"))
    try:
        return int(printed, 16) == expected  # tolerates a dropped leading zero ("34DF" / "4DF")
    except ValueError:
        return False


def parse_slip_qr(text: str, *, require_valid_crc: bool = False) -> SlipQr:
    """Parse and check a slip mini-QR payload. Raises SlipQrError if it is anything else.

    A payload whose structure is right but whose CRC is wrong is returned with
    `crc_valid=False` (callers lower their confidence in it) unless `require_valid_crc`.
    """
    payload = (text or "").strip()
    if not payload.isascii():
        raise SlipQrError("not a slip QR payload")
    crc_at = payload.rfind("9104")
    if crc_at < 0 or len(payload) - crc_at not in (7, 8):
        # bank apps sometimes print a 3-digit CRC; the length byte then still says 04
        raise SlipQrError("no CRC field (tag 91)")
    printed_crc = payload[crc_at + 4 :]
    crc_valid = _crc_matches(payload[: crc_at + 4], printed_crc)
    if require_valid_crc and not crc_valid:
        raise SlipQrError("CRC check failed")
    fields = dict(parse_tlv(payload[:crc_at]))
    inner = fields.get("00")
    if inner is None:
        raise SlipQrError("no slip-verify data (tag 00)")
    sub = dict(parse_tlv(inner))
    if sub.get("00") != API_TYPE_SLIP_VERIFY:
        raise SlipQrError("not a slip-verify payload (API type is not 000001)")
    bank, ref = sub.get("01", ""), sub.get("02", "")
    if len(bank) != 3 or not bank.isdigit():
        raise SlipQrError("sending-bank code missing or malformed")
    if not ref:
        raise SlipQrError("transaction reference missing")
    return SlipQr(
        sending_bank_code=bank,
        transaction_ref=ref,
        country=fields.get("51", ""),
        crc=printed_crc.upper().rjust(4, "0"),
        crc_valid=crc_valid,
        raw=payload,
    )


def build_slip_qr(bank_code: str, transaction_ref: str) -> str:
    """The payload a bank app would print (for tests, fixtures and the simulator)."""

    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"

    inner = tlv("00", API_TYPE_SLIP_VERIFY) + tlv("01", bank_code) + tlv("02", transaction_ref)
    body = tlv("00", inner) + tlv("51", "TH") + "9104"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def find_slip_qr(texts: list[str]) -> SlipQr | None:
    """The best slip payload among QR texts read from an image (a CRC-valid one first)."""
    found = []
    for candidate in texts:
        try:
            found.append(parse_slip_qr(candidate))
        except SlipQrError:
            continue
    found.sort(key=lambda slip: not slip.crc_valid)
    return found[0] if found else None


def bank_short_name(code: str) -> str | None:
    """Sakot's bank code (``bot.banks``) for the slip's 3-digit sending-bank code."""
    bank = BY_NUMBER.get(code)
    return str(bank.code) if bank else None
