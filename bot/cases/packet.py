"""The freeze packet sent to the AOC exchange (``OutboxMessage(topic="exchange.case_packet")``).

Field names follow the Central Fraud Registry export (shared/domain.md §2.3) and the
contract's ``CaseCreate`` schema (aoc_contract/schemas.py): from_bank_code, from_account_no,
to_bank_code, to_account_no, promptpay_type, promptpay_id, transfer_date, transfer_time,
transfer_amount, transfer_ref, transfer_channel. Bank codes are the 3-digit CFR codes; dates
and times are Bangkok local; amounts are decimal strings; no victim name, phone or ID number
(``victim_contact_ref`` is our opaque case reference).
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.banks import BY_CODE, BankCode, InstitutionKind
from bot.cases.view import CaseView, promptpay_type
from bot.clock import BANGKOK, aware_utc

TOPIC = "exchange.case_packet"
SUMMARY_MAX = 2000


def _bank_number(code: str | None) -> str | None:
    try:
        bank = BY_CODE[BankCode(code)] if code else None
    except ValueError:
        return None
    return bank.number if bank and bank.kind is InstitutionKind.BANK else None


_ACCOUNT_DIGITS = re.compile(r"^[0-9]{10,15}$")


def sendable(dest) -> bool:
    """Whether the exchange can route this destination: a complete account number with a
    bank, or a well-formed PromptPay id. A partial slip number ("xxx-x-x1234-x") or an
    account without a bank stays with staff instead of blocking the whole packet."""
    if dest.kind == "account":
        return bool(_ACCOUNT_DIGITS.match(dest.value)) and dest.bank_number is not None
    if dest.kind == "promptpay_id":
        return promptpay_type(dest.value) is not None
    return False


def sendable_destinations(case: CaseView) -> list:
    return [d for d in case.destinations if sendable(d)]


def contact_ref(case: CaseView) -> str:
    return f"sakot-case-{case.case_number}"


def build_case_packet(case: CaseView, *, reported_at: datetime) -> dict:
    """A JSON-ready packet. ``transfers`` has one row per destination we know."""
    when = aware_utc(case.last_transfer_at).astimezone(BANGKOK) if case.last_transfer_at else None
    from_bank = _bank_number(case.victim_bank)
    # Only a real account number of the victim's: never a national-ID PromptPay or a phone.
    from_account = next((s.value for s in case.source_accounts
                         if s.kind == "account" and _ACCOUNT_DIGITS.match(s.value)), None)
    transfers = []
    for i, dest in enumerate(sendable_destinations(case)):
        row: dict = {
            "from_bank_code": from_bank,
            "from_account_no": from_account,
            "to_bank_code": dest.bank_number,
            "to_account_no": dest.value if dest.kind == "account" else None,
            "promptpay_type": None,
            "promptpay_id": None,
            "transfer_date": when.date().isoformat() if when else None,
            "transfer_time": when.strftime("%H:%M") if when else None,
            # the amount is the victim's total; with several destinations only the first
            # carries it (staff split it when the victim knows the split)
            "transfer_amount": (f"{case.amount_thb:.2f}" if case.amount_thb is not None and i == 0
                                else None),
            "transfer_ref": case.transfer_refs[i] if i < len(case.transfer_refs) else None,
            "transfer_channel": "EBank/Mobile",
        }
        if dest.kind == "promptpay_id":
            row["promptpay_type"] = promptpay_type(dest.value)
            row["promptpay_id"] = dest.value if row["promptpay_type"] else None
        transfers.append({k: v for k, v in row.items() if v is not None})
    packet = {
        "source_case_ref": case.case_number,
        "scam_type": case.scam_type or "other",
        "priority": case.priority,
        "reported_at": reported_at.isoformat(),
        "victim_contact_ref": contact_ref(case),
        "summary": (case.story or "")[:SUMMARY_MAX] or None,
        "suspect_phones": list(case.suspect_phones[:20]),
        "transfers": transfers,
    }
    return {k: v for k, v in packet.items() if v is not None}
