"""The case facts in one victim message: ``bot.understanding`` extraction + urgency signals,
interpreted with what the conversation just asked (so "กรุงไทย" answers "which bank?").

Pure: text in, ``MessageFacts`` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bot.banks import BY_CODE, BankCode, InstitutionKind
from bot.triage import Signals, urgency_signals
from bot.understanding import Extraction, Role, analyze_text


@dataclass(frozen=True)
class FoundIdentifier:
    """One identifier to store on the case (``bot.storage.models.Identifier`` fields)."""

    kind: str  # account, promptpay_id, phone, url, line_id, social_handle, email,
    # transaction_ref, national_id, amount, transfer_time, bank
    raw_text: str
    normalized_value: str
    bank_code: str | None = None
    role: str = "unknown"  # destination, source, unknown
    confidence: float = 1.0


@dataclass(frozen=True)
class MessageFacts:
    text: str
    amount: Decimal | None = None
    transfer_at: datetime | None = None
    victim_bank: str | None = None
    identifiers: tuple[FoundIdentifier, ...] = ()
    signals: Signals = field(default_factory=Signals)
    mentions_money_sent: bool = False
    denies_loss: bool = False  # "ยังไม่ได้โอน", "I didn't pay"

    @property
    def destinations(self) -> tuple[FoundIdentifier, ...]:
        return tuple(i for i in self.identifiers
                     if i.kind in ("account", "promptpay_id") and i.role != "source")

    @property
    def has_any(self) -> bool:
        return bool(self.amount or self.transfer_at or self.victim_bank or self.identifiers)


# "เขาให้โอน" (they told me to transfer) is not a loss by itself; these are.
_MONEY_SENT = (
    "โอนไป", "โอนเงินไป", "โอนให้", "โอนเข้า", "โอนแล้ว", "โอนค่า", "จ่ายไป", "จ่ายแล้ว", "จ่ายค่า",
    "เสียเงิน", "ดูดเงิน", "เงินหาย", "หักเงิน", "ตัดเงิน", "โดนไป", "เสียไป", "มัดจำ", "หมดตัว",
    "transferred", "paid", "sent money", "lost", "wired", "debited", "deposited",
)


_NOT_SENT = (
    "ยังไม่ได้โอน", "ไม่ได้โอน", "ยังไม่โอน", "ไม่ได้จ่าย", "ยังไม่จ่าย", "ยังไม่เสีย", "ไม่เสียเงิน",
    "ไม่ได้เสีย", "ยังไม่ได้จ่าย", "didn't transfer", "did not transfer", "haven't transferred",
    "have not transferred", "didn't pay", "did not pay", "haven't paid", "have not paid",
    "didn't send", "no money lost", "not lost any",
)


def _is_bank(code: BankCode) -> bool:
    return BY_CODE[code].kind in (InstitutionKind.BANK, InstitutionKind.WALLET)


def facts_from_text(text: str, received_at: datetime | None = None, *,
                    asked: str | None = None) -> MessageFacts:
    """``asked``: the slot the bot just asked for (victim_bank, destination, amount, ...)."""
    try:
        ex = analyze_text(text, received_at)
    except ValueError:  # longer than the analyzer accepts: keep the urgency signals only
        return MessageFacts(text=text, signals=urgency_signals(text))
    return facts_from_extraction(ex, asked=asked)


def facts_from_extraction(ex: Extraction, *, asked: str | None = None) -> MessageFacts:
    found: list[FoundIdentifier] = []
    dest_banks: set[str] = set()
    victim_bank: str | None = None

    for a in ex.accounts:
        role = a.role.value
        if role == Role.UNKNOWN.value and asked == "destination":
            role = Role.DESTINATION.value
        bank = a.bank.value if a.bank else None
        found.append(FoundIdentifier("account", a.raw, a.value, bank, role, a.confidence))
        if role == Role.SOURCE.value and bank:
            victim_bank = victim_bank or bank
        elif bank:
            dest_banks.add(bank)
    for p in ex.promptpay_ids:
        role = p.role.value
        if role == Role.UNKNOWN.value and asked == "destination":
            role = Role.DESTINATION.value
        found.append(FoundIdentifier("promptpay_id", p.raw, p.value, p.bank.value, role,
                                     p.confidence))
        dest_banks.add(p.bank.value)
    promptpay_digits = {p.value for p in ex.promptpay_ids}
    for ph in ex.phones:
        if ph.national in promptpay_digits:
            continue
        if asked == "destination" and ph.national.startswith("0"):
            # "which account/PromptPay did it go to?" answered with a bare mobile number
            found.append(FoundIdentifier("promptpay_id", ph.raw, ph.national, "PROMPTPAY",
                                         "destination", ph.confidence))
            continue
        found.append(FoundIdentifier("phone", ph.raw, ph.value, None, "unknown", ph.confidence))
    for u in ex.urls:
        found.append(FoundIdentifier("url", u.raw, u.value, None, "unknown", u.confidence))
    for li in ex.line_ids:
        found.append(FoundIdentifier("line_id", li.raw, li.value, None, "unknown", li.confidence))
    for s in ex.social_handles:
        found.append(FoundIdentifier("social_handle", s.raw, f"{s.platform}:{s.value}", None,
                                     "unknown", s.confidence))
    for e in ex.emails:
        found.append(FoundIdentifier("email", e.raw, e.value, None, "unknown", e.confidence))
    for r in ex.transaction_refs:
        found.append(FoundIdentifier("transaction_ref", r.raw, r.value, None, "unknown",
                                     r.confidence))
    for n in ex.national_ids:  # kept masked: we never need the full number
        found.append(FoundIdentifier("national_id", n.masked, n.masked, None, "unknown",
                                     n.confidence))

    # The victim's bank: a source account's bank; else a bank named by its app ("ผ่านเคพลัส")
    # or any bank that is not the destination's, or any bank when we just asked for it.
    if victim_bank is None:
        for b in ex.banks:
            code = b.value
            if not _is_bank(code):
                continue
            if asked == "victim_bank" or b.via_app or (code.value not in dest_banks
                                                      and asked != "destination"):
                victim_bank = code.value
                break

    # Several amounts: the largest is usually the total ("โอน 3 ครั้ง รวม 15,000").
    amount = max((Decimal(str(a.value)) for a in ex.amounts if a.value > 0), default=None)
    if amount is not None:
        amount = amount.quantize(Decimal("0.01"))
    # Several times: the latest is the last transfer (what the 72 h clock runs from).
    times = [t.value for t in ex.transfer_times if t.value is not None]
    transfer_at = max(times) if times else None

    if amount is not None:
        found.append(FoundIdentifier("amount", next(a.raw for a in ex.amounts
                                                      if Decimal(str(a.value)).quantize(
                                                          Decimal("0.01")) == amount),
                                     str(amount)))
    if transfer_at is not None:
        found.append(FoundIdentifier("transfer_time", next(
            t.raw for t in ex.transfer_times if t.value == transfer_at), transfer_at.isoformat()))
    if victim_bank is not None:
        found.append(FoundIdentifier("bank", victim_bank, victim_bank, victim_bank, "source"))

    lowered = ex.text.lower()
    denies = any(word in lowered for word in _NOT_SENT)
    money_sent = any(word in lowered for word in _MONEY_SENT) and not denies
    return MessageFacts(
        text=ex.text, amount=amount, transfer_at=transfer_at, victim_bank=victim_bank,
        identifiers=tuple(found), signals=urgency_signals(ex.text),
        mentions_money_sent=money_sent or bool(found and amount and not denies),
        denies_loss=denies,
    )
