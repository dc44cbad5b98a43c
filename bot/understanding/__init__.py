"""Understanding a victim's message: pure functions from text to typed entities.

Public API::

    from bot.understanding import analyze_text, Extraction
    ex = analyze_text("โอนเข้า กสิกร 123-4-56789-0 ห้าหมื่นบาท เมื่อกี้", received_at)
    ex.accounts[0].value, ex.accounts[0].bank, ex.accounts[0].role
    ex.to_json()  # the `entities` object of `sakot analyze`

No I/O, no network, no model weights; regexes are compiled at import.

Every entity has ``kind``, ``raw``, ``value``, ``start``/``end`` (offsets into the ORIGINAL text)
and ``confidence``, plus kind-specific fields (``Account.bank/role/partial``,
``Phone.e164/national/region/valid``, ``PromptPayId.id_type/role``, ``NationalId.masked``,
``TransferTime.precision``...). Each digit run gets exactly one reading:

- a phone number that is the payment id ("พร้อมเพย์ 08...", "โอนให้ 08...") is a PromptPay id,
  not a phone; one after "ทรูมันนี่" is an account with bank TRUEMONEY;
- a checksum-valid 13-digit id is a national id (only ``masked`` leaves ``to_json()``), or a
  PromptPay id after a PromptPay cue;
- dates, times, hotlines (1441...), order/tracking/reference numbers, card numbers and
  ID-card laser codes are never accounts or phones; amounts never reuse an identifier's digits;
- times with a clock but no day are today (yesterday if that is >30 min after the message);
  a day with no clock time is 00:00 with ``precision == "day"``; nothing lies in the future (a
  day of the month or a weekday still to come is last month's / last week's);
  ``TransferTime.until`` ends a range ("วันที่ 3-5"), ``since`` marks "ตั้งแต่…";
  ``Extraction.latest_transfer()`` is the latest transfer named (what the 72-hour clock uses);
- each ``Amount.role`` is paid / requested / promised / balance / unknown (negations such as
  "ยังไม่ได้โอน" make a payment REQUESTED); ``Extraction.paid_total()`` adds up what was paid;
- each ``BankMention.role`` says whose bank it is: SOURCE (the victim's: "โอนจากแอป SCB EASY",
  "ผมใช้กรุงเทพ"), DESTINATION (the scammer's) or UNKNOWN; ``Extraction.victim_bank()`` is the
  first SOURCE bank or wallet.
"""

from bot.masking import mask_national_id
from bot.understanding.amount_roles import paid_total
from bot.understanding.analyzer import MAX_TEXT_CHARS, Extraction, analyze_text
from bot.understanding.entities import (
    Account,
    Amount,
    AmountRole,
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
from bot.understanding.identifiers import thai_id_ok
from bot.understanding.normalize import Normalized, normalize

__all__ = [
    "MAX_TEXT_CHARS", "Account", "Amount", "AmountRole", "BankMention", "Email", "Entity",
    "Extraction", "LineId", "NationalId", "Normalized", "Phone", "PromptPayId", "PromptPayIdType",
    "Role", "SocialHandle", "TimePrecision", "TransactionRef", "TransferTime", "Url",
    "analyze_text", "mask_national_id", "normalize", "paid_total", "thai_id_ok",
]
