"""What Sakot and the exchange send each other. Field names follow the Central Fraud Registry
export (domain.md §2.3).

- Sakot -> exchange: ``CaseCreate`` (POST /v1/cases, with an Idempotency-Key header);
  the answer is ``CaseReceipt`` (201) or ``ErrorResponse``.
- exchange -> Sakot: ``FreezeStatusChanged`` (POST to Sakot's callback URL) whenever a bank
  acknowledges one of its freeze requests.

Inputs forbid unknown fields. Amounts are accepted as JSON numbers or decimal strings and
returned as strings with two decimals ("5000.00"), so no party does float arithmetic on money.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from aoc_contract.banks import SHORT_CODES
from aoc_contract.scam_types import ScamType

# ---------------------------------------------------------------------------------------- enums


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"


class PromptPayType(StrEnum):
    MOBILE = "mobile"  # 10-digit Thai mobile number, 0XXXXXXXXX
    NATIONAL_ID = "national_id"  # 13 digits (also tax id)
    EWALLET = "ewallet"  # 15 digits


class FreezeStatus(StrEnum):
    UNROUTED = "unrouted"  # PromptPay proxy of an unknown bank: AOC must route it
    PENDING = "pending"
    HELD = "held"
    NOT_FOUND = "not_found"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    RELEASED = "released"


# ---------------------------------------------------------------------------------------- types

BankCode = Annotated[
    str, Field(pattern=r"^[0-9]{3}$", description="3-digit Thai bank code, e.g. 004 = KBANK",
               json_schema_extra={"enum": sorted(SHORT_CODES)})
]
AccountNo = Annotated[
    str, Field(pattern=r"^[0-9]{10,15}$", description="Digits only, no dashes or spaces")
]
Amount = Annotated[
    Decimal,
    Field(gt=0, max_digits=14, decimal_places=2, description="Baht, at most 2 decimals"),
]
E164Phone = Annotated[
    str, Field(pattern=r"^\+[1-9][0-9]{6,14}$", description="E.164, e.g. +66812345678")
]
Reference = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,63}$")
]
# References issued by others (slip refs, bank case ids): any printable text, 64 at most.
ForeignRef = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]
MoneyOut = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]{2}$", examples=["5000.00"])]

_LONG_DIGITS = re.compile(r"[0-9\u0e50-\u0e59]{9,}")
_PROMPTPAY_PATTERNS = {
    PromptPayType.MOBILE: re.compile(r"^0[0-9]{9}$"),
    PromptPayType.NATIONAL_ID: re.compile(r"^[0-9]{13}$"),
    PromptPayType.EWALLET: re.compile(r"^[0-9]{15}$"),
}


def check_known_bank(code: str | None, field: str) -> None:
    if code is not None and code not in SHORT_CODES:
        raise ValueError(f"{field} {code!r} is not a known Thai bank code")


# ------------------------------------------------------------------------- Sakot -> exchange


class TransferIn(BaseModel):
    """One transfer out of the victim's account, as on the slip (CFR names)."""

    model_config = ConfigDict(extra="forbid")

    from_bank_code: BankCode | None = None
    from_account_no: AccountNo | None = None
    to_bank_code: BankCode | None = Field(
        default=None, description="Required with to_account_no; may be omitted for a "
        "PromptPay proxy whose bank is unknown (the request is then unrouted until AOC routes it)")
    to_account_no: AccountNo | None = None
    to_account_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    promptpay_type: PromptPayType | None = None
    promptpay_id: Annotated[str, Field(pattern=r"^[0-9]{10,15}$")] | None = None
    transfer_date: date | None = Field(
        default=None, description="Gregorian date (not Buddhist era), Asia/Bangkok; omit if unknown")
    transfer_time: time | None = Field(default=None, description="HH:MM[:SS], Asia/Bangkok")
    transfer_amount: Amount | None = Field(default=None, description="Omit if unknown")
    transfer_ref: ForeignRef | None = None
    transfer_channel: Annotated[str, Field(min_length=1, max_length=32)] | None = None

    @model_validator(mode="after")
    def _destination(self) -> TransferIn:
        check_known_bank(self.to_bank_code, "to_bank_code")
        check_known_bank(self.from_bank_code, "from_bank_code")
        if (self.promptpay_type is None) != (self.promptpay_id is None):
            raise ValueError("promptpay_type and promptpay_id must be given together")
        if self.promptpay_type is not None and self.promptpay_id is not None:
            if not _PROMPTPAY_PATTERNS[self.promptpay_type].match(self.promptpay_id):
                raise ValueError(
                    f"promptpay_id does not match promptpay_type {self.promptpay_type.value}"
                )
        if self.to_account_no is None and self.promptpay_id is None:
            raise ValueError("a transfer needs to_account_no or promptpay_type + promptpay_id")
        if self.to_account_no is not None and self.to_bank_code is None:
            raise ValueError("to_account_no needs to_bank_code")
        if self.transfer_date is not None:
            if self.transfer_date > datetime.now(UTC).date() + timedelta(days=1):
                raise ValueError("transfer_date is in the future")
            if self.transfer_date.year < 2000:
                raise ValueError("transfer_date is before 2000 (Buddhist-era year?)")
        return self


class CaseCreate(BaseModel):
    """A case packet from a reporter (Sakot). See exchange/README.md for an example."""

    model_config = ConfigDict(extra="forbid")

    source_case_ref: Reference = Field(description="The reporter's own case number")
    scam_type: ScamType
    priority: Priority
    reported_at: AwareDatetime
    victim_contact_ref: Annotated[
        str, Field(min_length=8, max_length=200, pattern=r"^[\x21-\x7e]+$")
    ] = Field(
        description=(
            "Opaque reference the reporter can resolve to the victim (never a phone number, "
            "ID number or name)"
        )
    )
    victim_bank_case_id: ForeignRef | None = None
    police_case_id: ForeignRef | None = None
    summary: Annotated[str, Field(max_length=2000)] | None = None
    suspect_phones: Annotated[list[E164Phone], Field(max_length=20)] = []
    transfers: Annotated[list[TransferIn], Field(min_length=1, max_length=50)]

    @model_validator(mode="after")
    def _minimised_contact(self) -> CaseCreate:
        if _LONG_DIGITS.search(self.victim_contact_ref):
            raise ValueError(
                "victim_contact_ref must be an opaque reference, not a phone or ID number"
            )
        return self


# ------------------------------------------------------------------------- exchange -> Sakot


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorItem(Out):
    path: str
    message: str
    type: str


class ErrorResponse(Out):
    error: str
    message: str
    errors: list[ErrorItem] | None = None
    server_time: int | None = Field(
        default=None, description="With timestamp_outside_window: the exchange's Unix time, "
        "so a client whose clock drifted can re-sign")


class DestinationOut(Out):
    bank_code: str | None
    bank_short_name: str | None
    account_no: str | None = None
    promptpay_type: str | None = None
    promptpay_id: str | None = None


class FreezeRequestReceipt(Out):
    id: str
    bank_code: str | None
    bank_short_name: str | None
    destination: DestinationOut
    requested_amount: MoneyOut | None
    status: FreezeStatus
    priority: Priority
    effective_priority: Priority
    cluster_size: int


class CaseReceipt(Out):
    case_id: str
    source_case_ref: str
    revision: int = Field(description="1 for a new case; higher when this packet amended it")
    created_at: datetime
    freeze_requests: list[FreezeRequestReceipt]


STATUS_CHANGED = "freeze_request.status_changed"


class FreezeStatusChanged(BaseModel):
    """The callback the exchange POSTs (signed) to the reporter when a bank acknowledges.

    Delivery is at-least-once and may be out of order: receivers drop a repeated ``event_id``
    and compare ``occurred_at`` per freeze request. Receivers ignore fields added later.
    """

    model_config = ConfigDict(extra="ignore")

    event_id: Annotated[str, Field(min_length=1, max_length=64)]
    type: Literal["freeze_request.status_changed"] = STATUS_CHANGED
    case_ref: str = Field(description="The reporter's source_case_ref")
    case_id: str
    freeze_request_id: str
    bank_code: str | None = Field(description="3-digit bank code; None while unrouted")
    bank_short_name: str | None = Field(description="The bank's short code, e.g. CIMB")
    status: FreezeStatus
    amount_held: MoneyOut | None = None
    bank_case_id: str | None = None
    cluster_size: int | None = None
    occurred_at: datetime
