"""Understanding a victim's message: pure functions from text to typed entities.

Public API::

    from bot.understanding import analyze_text, Extraction
    ex = analyze_text("โอนเข้า กสิกร 123-4-56789-0 ห้าหมื่นบาท เมื่อกี้", received_at)
    ex.accounts[0].value, ex.accounts[0].bank, ex.accounts[0].role
    ex.to_json()  # the `entities` object of `sakot analyze`

No I/O, no network, no model weights; regexes are compiled at import.
"""

from bot.understanding.analyzer import MAX_TEXT_CHARS, Extraction, analyze_text
from bot.understanding.entities import (
    Account,
    Amount,
    BankMention,
    Email,
    Entity,
    LineId,
    NationalId,
    Phone,
    PromptPayId,
    PromptPayIdType,
    Role,
    SocialHandle,
    TimePrecision,
    TransactionRef,
    TransferTime,
    Url,
)
from bot.understanding.identifiers import mask_national_id, thai_id_ok
from bot.understanding.normalize import Normalized, normalize

__all__ = [
    "MAX_TEXT_CHARS", "Account", "Amount", "BankMention", "Email", "Entity", "Extraction",
    "LineId", "NationalId", "Normalized", "Phone", "PromptPayId", "PromptPayIdType", "Role",
    "SocialHandle", "TimePrecision", "TransactionRef", "TransferTime", "Url", "analyze_text",
    "mask_national_id", "normalize", "thai_id_ok",
]
