"""Typed entities found in one message. Offsets are into the ORIGINAL text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from bot.banks import BankCode


class Role(StrEnum):
    DESTINATION = "destination"  # the scammer's side: where the money went
    SOURCE = "source"  # the victim's own account
    UNKNOWN = "unknown"


class PromptPayIdType(StrEnum):
    PHONE = "phone"
    NATIONAL_ID = "national_id"
    TAX_ID = "tax_id"
    EWALLET = "ewallet"


class AmountRole(StrEnum):
    """What a sum of money in the story is. Only PAID is money the victim lost."""

    PAID = "paid"  # "โอนไป 5,000", "จ่ายค่าธรรมเนียม 500 ไปแล้ว", "เสียไป", "lost"
    REQUESTED = "requested"  # asked for and not (yet) paid: "เขาให้โอน 2,000", "ยังไม่ได้โอน"
    PROMISED = "promised"  # the bait: "อนุมัติวงเงิน 50,000", "ได้รางวัล 100,000", "กำไร"
    BALANCE = "balance"  # what is in an account: "เงินในบัญชีเหลือ 300", "ยอดเงินคงเหลือ"
    UNKNOWN = "unknown"  # nothing near it says which


class TimePrecision(StrEnum):
    MINUTE = "minute"  # a clock time or "N minutes ago"
    DAY = "day"  # a date or "yesterday" with no clock time (time set to 00:00)


@dataclass(frozen=True, slots=True)
class Entity:
    raw: str  # the original text of the span
    start: int  # offsets into the original message
    end: int
    confidence: float
    kind: ClassVar[str] = "entity"


@dataclass(frozen=True, slots=True)
class Phone(Entity):
    value: str = ""  # E.164, e.g. "+66812345678"
    # as dialled in Thailand: "0812345678" for a Thai number; the E.164 form ("+855971234567")
    # for a foreign one, whose own national form would read as a Thai number
    national: str = ""
    region: str | None = None  # "TH", "KH", ...
    valid: bool = True  # phonenumbers.is_valid_number
    kind: ClassVar[str] = "phone"

    @property
    def e164(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Account(Entity):
    value: str = ""  # digits; masked positions as "x" when partial
    bank: BankCode | None = None
    role: Role = Role.UNKNOWN
    partial: bool = False
    kind: ClassVar[str] = "account"


@dataclass(frozen=True, slots=True)
class BankMention(Entity):
    value: BankCode = BankCode.OTHER
    via_app: bool = False  # named by an app ("เคพลัส") or as the channel ("ผ่าน ...")
    # whose bank: SOURCE = the victim's own ("โอนจากแอป SCB EASY", "ผมใช้กรุงเทพ"),
    # DESTINATION = the scammer's ("โอนเข้ากสิกรไทย 123..."), UNKNOWN = not said / impersonated
    role: Role = Role.UNKNOWN
    impersonated: bool = False  # a bank someone claimed to be ("SMS อ้างว่าเป็นกสิกร")
    kind: ClassVar[str] = "bank"

    @property
    def bank(self) -> BankCode:
        return self.value


@dataclass(frozen=True, slots=True)
class PromptPayId(Entity):
    value: str = ""  # digits
    id_type: PromptPayIdType = PromptPayIdType.PHONE
    role: Role = Role.UNKNOWN
    bank: BankCode = BankCode.PROMPTPAY  # the rail, or the wallet for e-wallet ids
    kind: ClassVar[str] = "promptpay"


@dataclass(frozen=True, slots=True)
class NationalId(Entity):
    value: str = ""  # 13 digits, checksum-valid (keep out of logs; use ``masked``)
    masked: str = ""  # "1-1017-xxxxx-45-1"
    kind: ClassVar[str] = "national_id"


@dataclass(frozen=True, slots=True)
class Amount(Entity):
    value: float = 0.0  # baht
    role: AmountRole = AmountRole.UNKNOWN
    is_total: bool = False  # "รวม 15,000", "ทั้งหมด", "total": the sum of other amounts
    kind: ClassVar[str] = "amount"


@dataclass(frozen=True, slots=True)
class TransferTime(Entity):
    value: datetime | None = None  # aware, Asia/Bangkok; a range's first day
    precision: TimePrecision = TimePrecision.MINUTE
    relative: bool = False  # resolved from "10 นาทีที่แล้ว", "เมื่อวาน", "วันที่ 26", ...
    until: datetime | None = None  # a range's last day ("วันที่ 3-5", "ตั้งแต่…ถึง…")
    since: bool = False  # "ตั้งแต่…", "since…": ``value`` starts a period still going on
    kind: ClassVar[str] = "transfer_time"

    @property
    def latest(self) -> datetime | None:
        """The latest moment this time names: a range's end, else ``value``. For ``since`` it
        is the start: the latest transfer is at least that recent, maybe more."""
        return self.until or self.value


@dataclass(frozen=True, slots=True)
class Url(Entity):
    value: str = ""  # re-fanged ("hxxp" -> "http", "[.]" -> ".")
    defanged: bool = False
    kind: ClassVar[str] = "url"


@dataclass(frozen=True, slots=True)
class LineId(Entity):
    value: str = ""  # lower-case, "@" kept when typed
    kind: ClassVar[str] = "line_id"


@dataclass(frozen=True, slots=True)
class SocialHandle(Entity):
    value: str = ""
    platform: str = ""  # instagram, facebook, telegram, tiktok, twitter
    kind: ClassVar[str] = "social_handle"


@dataclass(frozen=True, slots=True)
class Email(Entity):
    value: str = ""
    kind: ClassVar[str] = "email"


@dataclass(frozen=True, slots=True)
class TransactionRef(Entity):
    value: str = ""
    kind: ClassVar[str] = "transaction_ref"
