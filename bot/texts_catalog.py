"""Looking up victim-facing text: ``say(lang, key, **values)``, language detection, and the
Bangkok clock formats. The strings themselves live in ``bot.texts_th`` / ``bot.texts_en``."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from bot import hotlines, texts_en, texts_th
from bot.clock import BANGKOK, aware_utc
from bot.scam_types import ScamType, scam_type_info

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"

_CATALOGUES = {"th": texts_th.TEXTS, "en": texts_en.TEXTS}
_TYPE_BUTTONS = {"th": texts_th.TYPE_BUTTONS, "en": texts_en.TYPE_BUTTONS}

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Bank names, app names and units people type in English inside Thai sentences.
_LATIN_NOISE = re.compile(
    r"\b(kbank|scb|ktb|bbl|bay|ttb|gsb|baac|uob|cimb|kplus|k\+|line|facebook|fb|otp|pin|app|"
    r"promptpay|true ?money|wallet|usdt|bitcoin|ok|id|sms|aoc|dsi|thb|baht)\b",
    re.IGNORECASE,
)


def normalise_language(lang: str | None) -> str:
    lang = (lang or "").lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def detect_language(text: str | None, previous: str | None = None) -> str:
    """Thai if the message has Thai script; English if it has English words and no Thai;
    otherwise (digits, emoji, a bare button payload) keep the previous language."""
    text = text or ""
    if text.startswith("/"):
        return normalise_language(previous)
    if _THAI.search(text):
        return "th"
    cleaned = _LATIN_NOISE.sub(" ", text)
    if _LATIN_WORD.search(cleaned):
        return "en"
    if _LATIN.search(text) and previous is None:
        return "en"
    return normalise_language(previous)


def say(lang: str | None, key: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` with hotline numbers and ``values`` filled in."""
    lang = normalise_language(lang)
    template = _CATALOGUES[lang].get(key) or texts_th.TEXTS[key]
    return template.format(**{**hotlines.text_vars(), **values})


def card_as_text(card, lang: str | None = "th") -> str:
    """A case card (``bot.conversation.types.CaseCard``) as plain lines, for channels that
    cannot show the card itself."""
    lines = [say(lang, "card_case_number", case_number=card.case_number),
             say(lang, "card_scam_type", label=card.scam_type_label),
             say(lang, "card_priority", priority=card.priority)]
    if card.amount_thb is not None:
        lines.append(say(lang, "card_amount", amount=f"{card.amount_thb:,.2f}"))
    if card.destination:
        lines.append(say(lang, "card_destination", destination=card.destination))
    if card.deadline_text:
        lines.append(say(lang, "card_deadline", deadline=card.deadline_text))
    if card.status_text:
        lines.append(card.status_text)
    return "\n".join(lines)


def dialogue_unavailable_text(lang: str | None, victim_bank: str | None = None) -> str:
    """What the victim reads when the dialogue engine is down: their message is kept, a person
    will answer, and the numbers to call now (their bank's line when we know it, and AOC)."""
    contact = hotlines.bank_contact(victim_bank)
    if not contact.number:
        return say(lang, "dialogue_unavailable")
    name = contact.bank_name_en if normalise_language(lang) == "en" else contact.bank_name_th
    return say(lang, "dialogue_unavailable_bank", bank_name=name, bank_hotline=contact.number)


def waiting_urgent_lines(lang: str | None, first: tuple[str, ...],
                         victim_bank: str | None = None) -> list[tuple[str, dict[str, str]]]:
    """What a victim waiting for staff is told when their message shows danger now
    (``bot.intake.routing.first_steps_while_waiting``), as (catalogue key, values): ``first``
    (hang up / cut the internet), the numbers to call (their bank's line when we know it, and
    AOC), and that staff are coming."""
    return [(k, {}) for k in first] + [call_bank_line(lang, victim_bank),
                                       ("waiting_urgent_staff", {})]


def waiting_urgent_text(lang: str | None, first: tuple[str, ...],
                        victim_bank: str | None = None) -> str:
    """``waiting_urgent_lines`` as one message."""
    return "\n\n".join(say(lang, key, **values)
                        for key, values in waiting_urgent_lines(lang, first, victim_bank))


def call_bank_line(lang: str | None, victim_bank: str | None) -> tuple[str, dict[str, str]]:
    """Which "call your bank now" line fits (catalogue key, its values): the bank's own number
    (with "ask for the fraud menu" when it is a main call centre), the bank's name with "the
    number is on the back of your card", or any bank with the same hint."""
    contact = hotlines.bank_contact(victim_bank)
    name = contact.bank_name_en if normalise_language(lang) == "en" else contact.bank_name_th
    if contact.number:
        key = "call_bank_known_menu" if contact.ask_for_fraud_menu else "call_bank_known"
        return key, {"bank_name": name, "bank_hotline": contact.number}
    if contact.bank_code:
        return "call_bank_no_number", {"bank_name": name}
    return "call_bank_unknown", {}


def has(lang: str | None, key: str) -> bool:
    return key in _CATALOGUES[normalise_language(lang)]


def type_label(lang: str | None, scam_type: str | None) -> str:
    """The plain label of a scam type for victims."""
    try:
        info = scam_type_info(scam_type or ScamType.OTHER)
    except ValueError:
        info = scam_type_info(ScamType.OTHER)
    return info.gloss_en if normalise_language(lang) == "en" else info.label_th


def type_buttons(lang: str | None) -> dict[str, str]:
    return _TYPE_BUTTONS[normalise_language(lang)]


def format_datetime(lang: str | None, when: datetime) -> str:
    """A Bangkok clock time: 'วันอังคารที่ 1 ธ.ค. 2569 เวลา 15:30 น.' / 'Tue 1 Dec 2026, 15:30'."""
    local = aware_utc(when).astimezone(BANGKOK)
    if normalise_language(lang) == "en":
        return texts_en.DATETIME_FORMAT.format(
            weekday=texts_en.WEEKDAYS[local.weekday()], day=local.day,
            month=texts_en.MONTHS[local.month - 1], year=local.year, hh=local.hour,
            mm=local.minute)
    return texts_th.DATETIME_FORMAT.format(
        weekday=texts_th.THAI_WEEKDAYS[local.weekday()], day=local.day,
        month=texts_th.THAI_MONTHS[local.month - 1], year=local.year + 543, hh=local.hour,
        mm=local.minute)


def format_amount(amount: Decimal | float | int) -> str:
    value = Decimal(str(amount))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"
