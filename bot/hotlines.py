"""Every phone number and official site Sakot gives to a victim, in one place.

Victim-facing texts never spell a number themselves: they take it from here (see
``bot.texts_catalog.say``, which fills ``{aoc}``, ``{mental_health}``, ``{bank_hotline}``...).
Sources: shared/domain.md §0 (institutions), §4.1 (bank call centres), §5 (advice hotlines).

Bank and wallet numbers were re-checked on 2026-12-03 against the banks' own pages ("official")
or national news quoting them ("news"); domain.md §4.1 keeps the sources. Most banks route fraud
through a menu on their main call centre and sources disagree on the menu digits, so we never
quote digits: a victim is told to ask for the fraud / อายัดบัญชี menu (``ask_for_fraud_menu``).
Where a bank publishes a dedicated fraud line (SCB), that is the number a victim is given.
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

# --- banks' and wallets' lines (domain.md §4.1, checked 2026-12-03) --------------------------


@dataclass(frozen=True, slots=True)
class BankLine:
    number: str  # the number a scam victim should call now
    source: str  # "official" (the bank's own page) or "news" (national news quoting it)
    fraud_line: bool = False  # a dedicated fraud line; False: the main call centre
    general: str | None = None  # the main call centre, when ``number`` is a fraud line


BANK_LINES: dict[BankCode, BankLine] = {
    BankCode.BBL: BankLine("1333", "official"),
    BankCode.KBANK: BankLine("02-888-8888", "official"),
    BankCode.KTB: BankLine("02-111-1111", "news"),
    BankCode.TTB: BankLine("1428", "news"),  # news + the bank's app text
    BankCode.SCB: BankLine("02-777-7575", "official", fraud_line=True, general="02-777-7777"),
    BankCode.CIMB: BankLine("02-626-7777", "news"),
    BankCode.UOB: BankLine("02-285-1555", "official"),
    BankCode.BAY: BankLine("1572", "official"),
    BankCode.GSB: BankLine("1115", "news"),
    BankCode.GHB: BankLine("02-645-9000", "news"),
    BankCode.BAAC: BankLine("02-555-0555", "news"),
    BankCode.IBANK: BankLine("1302", "news"),  # 1320 in older hobby lists is wrong
    BankCode.SMEDB: BankLine("1357", "news"),
    BankCode.ICBC: BankLine("02-629-5588", "official"),
    BankCode.TRUEMONEY: BankLine("1240", "official"),
}
# TISCO, KKP, LHB, TCD, ShopeePay and LINE Pay: no reliable source. The victim is told to use the
# number on the back of their card / in their app, and 1441.

#: The number given to a scam victim, per institution (the fraud line where there is one).
BANK_HOTLINES: dict[BankCode, str] = {code: line.number for code, line in BANK_LINES.items()}


@dataclass(frozen=True, slots=True)
class BankContact:
    bank_code: BankCode | None
    bank_name_th: str | None
    bank_name_en: str | None
    number: str | None  # None: we have no number for this bank
    fraud_line: bool = False  # ``number`` is a dedicated fraud line
    general_number: str | None = None  # the main call centre (same as ``number`` unless fraud)

    @property
    def ask_for_fraud_menu(self) -> bool:
        """Whether to tell the victim to ask for the fraud / อายัดบัญชี menu (a main call
        centre); we never quote menu digits, sources disagree on them."""
        return self.number is not None and not self.fraud_line


def bank_contact(code: str | BankCode | None) -> BankContact:
    """The line a scam victim of this bank/wallet should call (``number`` is None when we have
    no checked number: then "the number on the back of your card" + 1441)."""
    if not code:
        return BankContact(None, None, None, None)
    try:
        bank_code = BankCode(code)
    except ValueError:
        return BankContact(None, None, None, None)
    info = BY_CODE.get(bank_code)
    if info is None or bank_code in (BankCode.OTHER, BankCode.PROMPTPAY):
        return BankContact(None, None, None, None)
    line = BANK_LINES.get(bank_code)
    if line is None:
        return BankContact(bank_code, info.name_th, info.name_en, None)
    return BankContact(bank_code, info.name_th, info.name_en, line.number, line.fraud_line,
                       line.general or line.number)


def text_vars() -> dict[str, str]:
    """The numbers every text template may use, by placeholder name."""
    return {key: h.number for key, h in NATIONAL.items()}
