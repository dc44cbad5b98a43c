"""Every phone number and official site Sakot gives to a victim, in one place.

Victim-facing texts never spell a number themselves: they take it from here (see
``bot.texts_catalog.say``, which fills ``{aoc}``, ``{mental_health}``, ``{bank_hotline}``...).
Sources: shared/domain.md §0 (institutions), §4.1 (bank call centres), §5 (advice hotlines).

Bank numbers are the banks' GENERAL call centres collected from open-source hotline apps, not
necessarily their fraud lines; domain.md marks the whole column [UNCONFIRMED]. Each row below
says how sure we are. Verify every one with the bank before production.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.banks import BY_CODE, BankCode


@dataclass(frozen=True, slots=True)
class Hotline:
    key: str
    number: str  # as dialled / typed, e.g. "1441", "02-888-8888", "thaipoliceonline.go.th"
    name_th: str  # the official wording
    name_en: str
    confirmed: bool  # False: from secondary sources only, verify before shipping
    note: str = ""


# --- national hotlines (official wording) ------------------------------------------------------

AOC = Hotline(
    "aoc", "1441",
    "ศูนย์ปฏิบัติการแก้ไขปัญหาอาชญากรรมออนไลน์ (AOC) สายด่วน 1441 ตลอด 24 ชั่วโมง",
    "Anti Online Scam Operation Center (AOC) hotline 1441, 24 hours",
    confirmed=True, note="AOC's ONLY channel is the phone line (no LINE OA / Facebook page)",
)
AOC_UNFREEZE = Hotline(
    "aoc_unfreeze", "1441 กด 2",
    "สายด่วน 1441 กด 2 (ร้องเรียนกรณีบัญชีถูกระงับ)",
    "1441, press 2 (complaints about frozen accounts)",
    confirmed=True, note="domain.md §2.3, Sep 2025 reports",
)
POLICE_ONLINE = Hotline(
    "police_site", "www.thaipoliceonline.go.th",
    "ระบบแจ้งความออนไลน์ของสำนักงานตำรวจแห่งชาติ www.thaipoliceonline.go.th",
    "Royal Thai Police online complaint site www.thaipoliceonline.go.th",
    confirmed=True, note="the only official online-complaint site",
)
CCIB = Hotline(
    "ccib", "081-866-3000",
    "กองบัญชาการตำรวจสืบสวนสอบสวนอาชญากรรมทางเทคโนโลยี (บช.สอท.)",
    "Cyber Crime Investigation Bureau (CCIB)",
    confirmed=True,
)
BOT = Hotline(
    "bot", "1213", "ศูนย์คุ้มครองผู้ใช้บริการทางการเงิน ธนาคารแห่งประเทศไทย สายด่วน 1213",
    "Bank of Thailand financial consumer protection hotline 1213",
    confirmed=False, note="from open-source app data (domain.md §0)",
)
MENTAL_HEALTH = Hotline(
    "mental_health", "1323", "สายด่วนสุขภาพจิต 1323 กรมสุขภาพจิต ตลอด 24 ชั่วโมง",
    "Department of Mental Health hotline 1323, 24 hours",
    confirmed=True,
)
POLICE_1599 = Hotline(
    "police_1599", "1599", "สายด่วนตำรวจ 1599", "Police hotline 1599",
    confirmed=True, note="informal-debt / abusive-collection complaints (domain.md §5 Loan)",
)
SEC = Hotline(
    "sec", "1207 กด 22", "สำนักงาน ก.ล.ต. สายด่วน 1207 กด 22",
    "SEC Thailand hotline 1207, press 22",
    confirmed=True, note="investment-scam tip line; licence check via the SEC Check First app",
)
POLICE_EMERGENCY = Hotline(
    "police_emergency", "191", "เหตุด่วนเหตุร้าย 191", "Police emergency 191", confirmed=True,
)

EMS = Hotline(
    "ems", "1669", "สายด่วนการแพทย์ฉุกเฉิน 1669", "Emergency medical services 1669",
    confirmed=True,
)

NATIONAL: dict[str, Hotline] = {
    h.key: h
    for h in (AOC, AOC_UNFREEZE, POLICE_ONLINE, CCIB, BOT, MENTAL_HEALTH, POLICE_1599, SEC,
              POLICE_EMERGENCY, EMS)
}

# --- banks' call centres (domain.md §4.1; the whole column is [UNCONFIRMED]) ----------------

BANK_HOTLINES: dict[BankCode, str] = {
    BankCode.BBL: "1333",  # [UNCONFIRMED] general call centre
    BankCode.KBANK: "02-888-8888",  # [UNCONFIRMED] general call centre
    BankCode.KTB: "02-111-1111",  # [UNCONFIRMED] general call centre (1551 also listed)
    BankCode.TTB: "1428",  # [UNCONFIRMED] NOT found in any source; verify first
    BankCode.SCB: "02-777-7777",  # [UNCONFIRMED] general call centre
    BankCode.CIMB: "02-626-7777",  # [UNCONFIRMED]
    BankCode.UOB: "02-285-1555",  # [UNCONFIRMED]
    BankCode.BAY: "1572",  # [UNCONFIRMED]
    BankCode.GSB: "1115",  # [UNCONFIRMED]
    BankCode.GHB: "02-645-9000",  # [UNCONFIRMED]
    BankCode.BAAC: "02-555-0555",  # [UNCONFIRMED] NOT found in any source; verify first
    BankCode.IBANK: "1320",  # [UNCONFIRMED]
    BankCode.SMEDB: "1357",  # [UNCONFIRMED]
}
# TISCO, KKP, LHB, ICBC, TCD and the e-wallets: no number in our sources. The victim is told
# to use the number on the back of their card / in their app, and 1441.


@dataclass(frozen=True, slots=True)
class BankContact:
    bank_code: BankCode | None
    bank_name_th: str | None
    bank_name_en: str | None
    number: str | None  # None: we have no number for this bank


def bank_contact(code: str | BankCode | None) -> BankContact:
    """The call centre of the victim's own bank (``number`` is None when we don't have one)."""
    if not code:
        return BankContact(None, None, None, None)
    try:
        bank_code = BankCode(code)
    except ValueError:
        return BankContact(None, None, None, None)
    info = BY_CODE.get(bank_code)
    if info is None or bank_code in (BankCode.OTHER, BankCode.PROMPTPAY):
        return BankContact(None, None, None, None)
    return BankContact(bank_code, info.name_th, info.name_en, BANK_HOTLINES.get(bank_code))


def text_vars() -> dict[str, str]:
    """The numbers every text template may use, by placeholder name."""
    return {key: h.number for key, h in NATIONAL.items()}
