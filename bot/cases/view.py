"""Read-only views of a case, for texts, the complaint draft and the freeze packet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bot.banks import BY_CODE, BankCode, InstitutionKind


def promptpay_type(digits: str) -> str | None:
    """The CFR/exchange PromptPay proxy type of an id, from its shape (domain.md §4.3)."""
    if len(digits) == 10 and digits.startswith("0"):
        return "mobile"
    if len(digits) == 13:
        return "national_id"
    if len(digits) == 15:
        return "ewallet"
    return None


def format_account(digits: str) -> str:
    """123-4-56789-0 for 10 digits; other lengths as typed digits."""
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3]}-{digits[4:9]}-{digits[9]}"
    return digits


@dataclass(frozen=True)
class Destination:
    """Where the money went: an account at a bank, a PromptPay id, or an e-wallet."""

    kind: str  # "account" | "promptpay_id"
    value: str  # digits
    bank_code: str | None  # BankCode value ("KBANK", "PROMPTPAY", "TRUEMONEY"...)
    identifier_id: str | None = None

    @property
    def bank_number(self) -> str | None:
        """The 3-digit bank code for the CFR packet (None for wallets and PromptPay)."""
        try:
            bank = BY_CODE[BankCode(self.bank_code)] if self.bank_code else None
        except ValueError:
            return None
        return bank.number if bank and bank.kind is InstitutionKind.BANK else None

    def _bank_label(self, english: bool) -> str:
        try:
            bank = BY_CODE[BankCode(self.bank_code)] if self.bank_code else None
        except ValueError:
            bank = None
        if bank is None:
            return ""
        return (bank.name_en if english else bank.name_th) + " "

    def display_th(self) -> str:
        if self.kind == "promptpay_id":
            return f"{self._bank_label(False)}{self.value}".strip()
        return f"{self._bank_label(False)}{format_account(self.value)}".strip()

    def display_en(self) -> str:
        if self.kind == "promptpay_id":
            return f"{self._bank_label(True)}{self.value}".strip()
        return f"{self._bank_label(True)}{format_account(self.value)}".strip()

    def display(self, lang: str) -> str:
        return self.display_en() if lang == "en" else self.display_th()


@dataclass(frozen=True)
class CaseView:
    id: str
    case_number: str
    scam_type: str | None
    priority: str
    status: str
    money_lost: bool | None
    amount_thb: Decimal | None
    victim_bank: str | None
    last_transfer_at: datetime | None
    hold_deadline_at: datetime | None
    created_at: datetime
    story: str | None = None
    destinations: tuple[Destination, ...] = ()
    suspect_phones: tuple[str, ...] = ()  # E.164
    links: tuple[str, ...] = ()  # URLs, LINE ids, social handles
    transfer_refs: tuple[str, ...] = ()
    source_accounts: tuple[Destination, ...] = ()
    extra: dict = field(default_factory=dict)
