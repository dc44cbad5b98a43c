"""A ready-to-paste Thai complaint for thaipoliceonline.go.th, built from a case.

The victim files it themselves (we cannot file for them). The case type is the official police
label (``bot.scam_types.police_label_th``); the fields follow the incident form as reconstructed
in shared/domain.md §3.1: type, date/time, damage, narrative, offender's phone and online
channels, money trail, Bank Case ID. Always Thai: the police site is Thai.
"""

from __future__ import annotations

from bot.banks import BY_CODE, BankCode
from bot.cases.view import CaseView
from bot.scam_types import ScamType, scam_type_info
from bot.texts_catalog import format_amount, format_datetime, say

MAX_STORY_CHARS = 1500


def police_label(scam_type: str | None) -> str:
    try:
        return scam_type_info(scam_type or ScamType.OTHER).police_label_th
    except ValueError:
        return scam_type_info(ScamType.OTHER).police_label_th


def _bank_name(code: str | None) -> str | None:
    try:
        return BY_CODE[BankCode(code)].name_th if code else None
    except ValueError:
        return None


def complaint_draft(case: CaseView) -> str:
    th = "th"
    lines = [say(th, "complaint_header"), say(th, "complaint_type",
                                             police_label=police_label(case.scam_type))]
    if case.last_transfer_at:
        lines.append(say(th, "complaint_when", when=format_datetime(th, case.last_transfer_at)))
    else:
        lines.append(say(th, "complaint_when_unknown"))
    if case.amount_thb is not None:
        lines.append(say(th, "complaint_amount", amount=format_amount(case.amount_thb)))
    elif case.money_lost:
        lines.append(say(th, "complaint_amount_unknown"))
    story = " ".join((case.story or "").split())
    if len(story) > MAX_STORY_CHARS:
        story = story[: MAX_STORY_CHARS - 1] + "…"
    if story:
        lines.append(say(th, "complaint_story", story=story))
    if case.money_lost and case.destinations:
        lines.append(say(th, "complaint_trail_header"))
        from_bank = _bank_name(case.victim_bank) or say(th, "unknown_bank")
        amount = (f"{format_amount(case.amount_thb)} บาท" if case.amount_thb is not None
                  else say(th, "unknown"))
        when = (format_datetime(th, case.last_transfer_at) if case.last_transfer_at
                else say(th, "unknown"))
        for dest in case.destinations:
            lines.append(say(th, "complaint_trail_line", from_bank=from_bank,
                             to=dest.display_th(), amount=amount, when=when))
    if case.suspect_phones:
        lines.append(say(th, "complaint_suspect_phone", phones=", ".join(case.suspect_phones)))
    if case.links:
        lines.append(say(th, "complaint_suspect_online", links=", ".join(case.links)))
    if case.money_lost:
        lines.append(say(th, "complaint_bank_case"))
    lines.append(say(th, "complaint_ref", case_number=case.case_number))
    return "\n".join(lines)
