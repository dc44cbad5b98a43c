"""Canned replies staff can send in one click, filled with the case's own values."""

from __future__ import annotations

from bot.clock import BANGKOK, aware_utc
from bot.hotlines import AOC, POLICE_ONLINE, bank_contact
from bot.storage.models import Case

CANNED_TH: tuple[tuple[str, str], ...] = (
    ("รับเรื่องแล้ว", "เจ้าหน้าที่รับเรื่องของคุณแล้วค่ะ เลขเคส {case_number} "
                     "ระหว่างนี้หากยังไม่ได้โทรแจ้งธนาคาร กรุณาโทร {bank_hotline} ทันทีนะคะ"),
    ("โทรธนาคาร", "กรุณาโทรหาธนาคารของคุณที่ {bank_hotline} เพื่อขอระงับยอดเงิน "
                  "และจด Bank Case ID ไว้ด้วยนะคะ หากติดต่อไม่ได้ โทร {aoc} ได้ตลอด 24 ชั่วโมงค่ะ"),
    ("แจ้งความ", "อย่าลืมแจ้งความออนไลน์ที่ {police_site} ภายใน {deadline} นะคะ "
                 "ใช้เลขเคส {case_number} และ Bank Case ID ประกอบได้ค่ะ"),
    ("ขอสลิป", "รบกวนส่งภาพสลิปการโอนเงินทุกรายการที่มีได้ไหมคะ จะช่วยให้ธนาคารตรวจสอบได้เร็วขึ้นค่ะ"),
    ("เตือน OTP", "เจ้าหน้าที่จะไม่ขอรหัส OTP รหัสผ่าน หรือค่าธรรมเนียมใด ๆ จากคุณเด็ดขาดค่ะ "
                  "หากมีใครขอ โปรดอย่าให้นะคะ"),
)


def fill(template: str, case: Case | None) -> str:
    deadline = "-"
    bank_hotline = AOC.number
    case_number = "-"
    if case is not None:
        case_number = case.case_number
        if case.hold_deadline_at is not None:
            deadline = aware_utc(case.hold_deadline_at).astimezone(BANGKOK).strftime("%d/%m/%Y %H:%M น.")
        contact = bank_contact(case.victim_bank)
        if contact.number:
            bank_hotline = f"{contact.number} ({contact.bank_name_th})"
    return template.format(case_number=case_number, bank_hotline=bank_hotline,
                           deadline=deadline, aoc=AOC.number, police_site=POLICE_ONLINE.number)


def canned_replies(case: Case | None) -> list[tuple[str, str]]:
    return [(label, fill(text, case)) for label, text in CANNED_TH]
