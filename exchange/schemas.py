"""The exchange's own wire formats: what agencies (banks, police, AOC) send and read.

What crosses to and from Sakot (case packet, receipt, errors, status callback) is in the
contract package, ``aoc_contract.schemas``; this module builds the rest on its types.
Outputs are built per role by `exchange.policy`, which only sets the fields that role may see
(unset fields are left out of the JSON, not sent as null).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from aoc_contract.scam_types import ScamType
from aoc_contract.schemas import (
    BankCode,
    DestinationOut,
    ForeignRef,
    FreezeStatus,
    MoneyOut,
    Out,
    Priority,
    check_known_bank,
)

# ---------------------------------------------------------------------------------------- enums


class Role(StrEnum):
    REPORTER = "reporter"  # a case source, e.g. Sakot
    BANK = "bank"
    POLICE = "police"  # CCIB
    DSI = "dsi"
    AMLO = "amlo"
    NBTC = "nbtc"
    AOC = "aoc"


class AckStatus(StrEnum):
    HELD = "held"
    NOT_FOUND = "not_found"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    RELEASED = "released"


class AckOutcome(StrEnum):
    APPLIED = "applied"  # the freeze request now shows this status
    DUPLICATE = "duplicate"  # same as the status already shown; nothing changed
    SUPERSEDED = "superseded"  # older than the status shown (arrived late); kept in history


# ---------------------------------------------------------------------------------------- input


class AckCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: AckStatus
    amount_held: Annotated[
        Decimal, Field(ge=0, max_digits=14, decimal_places=2)
    ] | None = None
    bank_case_id: ForeignRef | None = None
    note: Annotated[str, Field(max_length=500)] | None = None
    occurred_at: AwareDatetime | None = Field(
        default=None, description="When the bank acted; defaults to the time received"
    )

    @model_validator(mode="after")
    def _amount_rules(self) -> AckCreate:
        if self.status is AckStatus.HELD and not self.amount_held:
            raise ValueError("status held needs amount_held > 0")
        if self.status is AckStatus.NOT_FOUND and self.amount_held:
            raise ValueError("status not_found cannot carry amount_held")
        return self


class RouteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank_code: BankCode

    @model_validator(mode="after")
    def _known(self) -> RouteCreate:
        check_known_bank(self.bank_code, "bank_code")
        return self


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl


# --------------------------------------------------------------------------------------- output


class TransferOut(Out):
    from_bank_code: str | None = None
    from_account_no: str | None = None
    to_bank_code: str | None = None
    to_account_no: str | None = None
    to_account_name: str | None = None
    promptpay_type: str | None = None
    promptpay_id: str | None = None
    transfer_date: date | None = None
    transfer_time: str | None = None
    transfer_amount: MoneyOut | None = None
    transfer_ref: str | None = None
    transfer_channel: str | None = None


class AckOut(Out):
    status: AckStatus
    amount_held: MoneyOut | None = None
    bank_case_id: str | None = None
    note: str | None = None
    occurred_at: datetime
    received_at: datetime
    agency_code: str
    outcome: AckOutcome


class FreezeRequestOut(Out):
    id: str
    case_id: str
    bank_code: str | None
    bank_short_name: str | None
    status: FreezeStatus
    priority: Priority
    effective_priority: Priority
    cluster_size: int = Field(description="Distinct cases naming this destination")
    requested_amount: MoneyOut | None
    amount_held: MoneyOut | None = None
    bank_case_id: str | None = None
    status_occurred_at: datetime | None = None
    scam_type: ScamType
    reported_at: datetime
    created_at: datetime
    updated_at: datetime
    destination: DestinationOut
    transfers: list[TransferOut] | None = None
    source_case_ref: str | None = None
    acks: list[AckOut] | None = None


class FreezeRequestList(Out):
    items: list[FreezeRequestOut]


class CaseOut(Out):
    id: str
    source_case_ref: str
    reporter: str
    revision: int
    scam_type: ScamType
    priority: Priority
    reported_at: datetime
    created_at: datetime
    victim_contact_ref: str | None = None
    victim_bank_case_id: str | None = None
    police_case_id: str | None = None
    summary: str | None = None
    suspect_phones: list[str] | None = None
    transfers: list[TransferOut]
    freeze_requests: list[FreezeRequestOut]


class CaseList(Out):
    items: list[CaseOut]


class ClusterOut(Out):
    destination: DestinationOut
    cluster_size: int
    first_reported_at: datetime
    last_reported_at: datetime
    freeze_requests: list[FreezeRequestOut]


class ClusterList(Out):
    items: list[ClusterOut]


class PhoneOut(Out):
    phone_number: str
    report_count: int
    first_reported_at: datetime
    last_reported_at: datetime


class PhoneList(Out):
    items: list[PhoneOut]


class WebhookOut(Out):
    url: str
    key_id: str = Field(description="Sent as X-Sakot-Key-Id on every webhook")
    secret: str = Field(description="Shown once; verify webhook signatures with it")


class AuditOut(Out):
    id: int
    at: datetime
    agency_code: str | None = None
    key_id: str | None = None
    role: str | None = None
    action: str
    object_type: str | None = None
    object_id: str | None = None
    outcome: str
    detail: dict[str, Any]


class AuditList(Out):
    items: list[AuditOut]


class WhoAmI(Out):
    agency_code: str
    agency_name: str
    role: Role
    bank_code: str | None = None
    key_id: str
    key_expires_at: datetime | None = None


class Health(Out):
    status: str


class AckResult(Out):
    outcome: AckOutcome
    freeze_request: FreezeRequestOut
