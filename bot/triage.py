"""How urgent a case is: a pure function of the facts (shared/domain.md §2.5).

- P0 (escalate now): money left the victim < 72 h ago AND we have a destination identifier
  (account + bank, PromptPay id, e-wallet id or a transaction ref); or money is STILL leaving
  (remote-control app, unauthorised debits); or the scammer is on the line right now.
  Top urgency inside P0: the last transfer was < 2 h ago, money is still leaving, or the
  victim is on the phone with the scammer.
- P1: money lost longer ago (the Decree's 72-hour hold window has probably lapsed) or lost
  recently without a destination yet.
- P2: no money lost (attempt, suspicious SMS or link, advice only).

Choices where the rule is silent (documented in the report):
- money lost, time "ไม่ทราบ" + destination known -> P0 (we cannot rule out "just now"; staff
  sort it out; a false P0 costs a staff minute, a false P1 can cost the victim's money);
- ``call_bank_now`` is true whenever money may still be held (lost < 72 h ago or at an
  unknown time, or still leaving): the victim's own call to their bank is what triggers the
  legal hold, so they are told to call even before we have every detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.storage.models import Priority

BANGKOK = ZoneInfo("Asia/Bangkok")
HOLD_WINDOW = timedelta(hours=72)
TOP_URGENCY_WINDOW = timedelta(hours=2)


@dataclass(frozen=True)
class TriageInput:
    money_lost: bool | None  # None: we don't know yet
    last_transfer_at: datetime | None = None  # aware; None: unknown
    has_destination: bool = False
    money_still_leaving: bool = False
    scammer_on_line: bool = False
    now: datetime | None = None


@dataclass(frozen=True)
class Triage:
    priority: Priority
    top_urgency: bool  # the first minutes count: < 2 h, money still leaving, or on the line
    call_bank_now: bool  # tell the victim to call their bank (and 1441) before anything else
    hold_window_open: bool | None  # None: transfer time unknown
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def escalate(self) -> bool:
        return self.priority is Priority.P0


def triage(facts: TriageInput) -> Triage:
    now = facts.now or datetime.now(UTC)
    reasons: list[str] = []
    age: timedelta | None = None
    if facts.last_transfer_at is not None:
        when = facts.last_transfer_at
        if when.tzinfo is None:
            when = when.replace(tzinfo=BANGKOK)
        age = max(timedelta(0), now - when)  # a time in the future counts as "just now"

    if facts.scammer_on_line:
        reasons.append("scammer_on_line")
    if facts.money_still_leaving:
        reasons.append("money_still_leaving")
    if facts.scammer_on_line or facts.money_still_leaving:
        return Triage(Priority.P0, True, True, True if age is None else age < HOLD_WINDOW,
                      tuple(reasons))

    if not facts.money_lost:
        reasons.append("no_money_lost" if facts.money_lost is False else "loss_not_known_yet")
        return Triage(Priority.P2, False, False, None, tuple(reasons))

    hold_open = None if age is None else age < HOLD_WINDOW
    call_bank = hold_open is not False
    if age is None:
        reasons.append("transfer_time_unknown")
    elif hold_open:
        reasons.append("lost_under_72h")
    else:
        reasons.append("lost_over_72h")
    if facts.has_destination:
        reasons.append("destination_known")
    else:
        reasons.append("no_destination_yet")

    if hold_open is not False and facts.has_destination:
        top = age is not None and age < TOP_URGENCY_WINDOW
        if top:
            reasons.append("lost_under_2h")
        return Triage(Priority.P0, top, True, hold_open, tuple(reasons))
    return Triage(Priority.P1, False, call_bank, hold_open, tuple(reasons))


def police_deadline(last_transfer_at: datetime | None, reported_at: datetime) -> datetime:
    """The latest time to file the police complaint, as an aware UTC datetime.

    The Decree gives 72 hours from the bank's hold, which starts when the victim calls their
    bank. We don't know when that call happens, so we count conservatively from the earlier of
    the transfer and the report: the true deadline is never earlier than this one.
    """
    start = reported_at
    if last_transfer_at is not None:
        when = last_transfer_at if last_transfer_at.tzinfo else last_transfer_at.replace(
            tzinfo=BANGKOK)
        start = min(start, when)
    return (start + HOLD_WINDOW).astimezone(UTC)


# --- urgency signals in the victim's own words --------------------------------------------
# A high-precision safety net (domain.md §7 "Time/urgency markers"): these rules may only RAISE
# urgency (bot.intake ORs them with the classifier's situation head), so every phrase here must
# be one a victim who is NOT in that situation would hardly write. A phrase right after a
# negation ("ไม่ได้ลงแอป", "ยังไม่ได้กดลิงก์", "didn't install") does not count.

# Read as: [a call / video call / chat] that is [still going on], or [a demand] that is [for
# now]. Gaps between the parts are bounded (linear time); a negation right before cancels.
_CALL = (r"(?:สาย|โทรศัพท์|มือถือ|คอล|วิดีโอคอล|วีดีโอคอล|วิดิโอคอล|ไลน์คอล|เฟซไทม์|กล้อง|call|video ?call"
         r"|phone|facetime|line call|zoom)")
_ONGOING = r"(?:อยู่|ค้าง|ไม่วาง|still|right now|now|ongoing)"
_ON_LINE = re.compile(
    r"(ยัง(?:อยู่|อยุ่|อยู)ในสาย|(?:รับ|คุย)สายอยู่|(?:อยู่|อยุ่)ในสาย|ยังคุยสาย|ยังไม่วางสาย|ยังไม่ยอมวางสาย"
    r"|ไม่ยอมวางสาย|(?:ห้าม|ไม่ให้|อย่า)[^\s\d]{0,10}วาง(?:สาย|โทรศัพท์)|รอสายอยู่|ยังรอสาย|ถือสาย"
    r"|กำลังคุย(?:โทรศัพท์|สาย)?กับ|คุยสายอยู่|คุยโทรศัพท์อยู่|(?:วิดีโอ|วีดีโอ|วิดิโอ)คอลอยู่"
    r"|ยัง(?:วิดีโอ|วีดีโอ|วิดิโอ)คอล|ยังเปิดกล้อง|เปิดกล้อง(?:รอ|คุย)?(?:อยู่|ไว้)|คอลอยู่|ยังคอล"
    r"|ยัง(?:โทร|คุย|แชท|ทัก)(?:มา)?(?:อยู่|ไม่หยุด|เรื่อยๆ)|(?:โทร|คอล)(?:มา)?(?:ไม่หยุด|ซ้ำๆ|รัวๆ)"
    r"|แชร์หน้าจอ|share (?:my |the )?screen|screen ?shar|ยังอยู่ใน(?:ไลน์|แชท|คอล|ซูม)"
    r"|ค้างสาย|ให้ถือสาย|ยังไม่ได้วาง(?:สาย)?|(?:เขา|มัน)(?:ยัง)?รอสาย|ให้(?:รีบ)?ไป(?:ที่)?ตู้|กำลังไป(?:ที่)?ตู้"
    r"|(?:talking|speaking) (?:to|with) (?:them|him|her|the caller) (?:right )?now|currently on (?:a )?call"
    r"|the caller is still|(?:wants?|told|telling) me to go to (?:the|an) (?:atm|bank)"
    r"|สายยัง(?:ไม่ตัด|ไม่วาง|ค้าง|อยู่)|(?:ตอนนี้|ขณะนี้)(?:เขา|มัน|คนร้าย|มิจ|แก๊ง|ตำรวจ|คนนั้น)[^\n]{0,12}?(?:โทร|คุย|คอล|แชท)[^\n]{0,10}?อยู่"
    r"|เขาบอกให้โอน(?:อีก|เพิ่ม)|เขาให้โอน(?:อีก|เพิ่ม)|กำลังจะ(?:กด)?โอน|ให้โอน(?:ตอนนี้|เดี๋ยวนี้|ทันที|ด่วน)"
    r"|ให้โอนภายใน|โอนภายใน ?(?:\d{1,3}|หนึ่ง|ครึ่ง|สอง|สาม) ?(?:ชั่วโมง|ชม|นาที)"
    r"|(?:เร่ง|ขู่|บังคับ|กดดัน)(?:ให้)?(?:รีบ)?โอน|(?:เขา)?รอ(?:ให้)?(?:ฉัน|หนู|ผม|เรา|ยาย|แม่|พ่อ)?โอน"
    r"|(?:ขอ|ถาม|รอ)(?:เลข)?\s?otp(?:อยู่|ตอนนี้)|ให้(?:บอก|อ่าน)\s?otp"
    r"|(?:ตอนนี้)?(?:อยู่|ยืน)(?:ที่|หน้า)?ตู้ ?(?:atm|เอทีเอ็ม)|(?:at|in front of) the atm"
    r"|guiding me step by step|(?:บอก|สอน)ให้กด(?:ทีละขั้น|ตาม)"
    r"|(?:ตอนนี้|ขณะนี้)[^\n]{0,12}?" + _CALL + r"[^\n]{0,8}?" + _ONGOING +
    r"|on the (?:phone|line|call)|on (?:a|the) (?:video )?call|on (?:a )?video ?call"
    r"|(?:still|keeps?) (?:calling|talking|texting|video ?calling)"
    r"|(?:they|he|she) (?:is|are|'s|'re) (?:still )?(?:on the|waiting)"
    r"|telling me to (?:transfer|pay|send)|won'?t let me hang up|not to hang up|stay on the line"
    r"|wants? me to (?:transfer|pay) (?:now|within|right)|waiting for me to (?:transfer|pay|send)"
    r"|(?:pressur|rush|threaten)\w{0,6} me to (?:transfer|pay))",
    re.IGNORECASE,
)
_OWN_BANK_CALL = re.compile(r"\s?(?:ธนาคาร|แบงก์|แบงค์|1441|aoc|the bank|my bank)", re.IGNORECASE)
# The call is over: "วางสายไปแล้ว", "I hung up" (then the on-the-line words told the past).
_HUNG_UP = re.compile(r"(วางสาย(?:ไป)?แล้ว|วางไปแล้ว|ตัดสาย(?:ไป)?แล้ว|บล็อก(?:เบอร์)?(?:ไป)?แล้ว"
                      r"|hung up|ended the call|blocked (?:the|his|her|their) number)",
                      re.IGNORECASE)
_MONEY_OUT = r"(?:เงิน|เงน|ยอด|บัญชี|ตัด|หัก|ถอน|โอนออก|เงินออก|แจ้งเตือน|เด้ง|รายการ|sms|debit|withdraw)"
_STILL_LEAVING = re.compile(
    r"(เงิน(?:ยัง)?(?:ไหล|ถูกโอน|ถูกดูด|หาย|ออก)ออก(?:อยู่|เรื่อยๆ|เรื่อย ๆ|ไม่หยุด)"
    r"|ยัง(?:ถูก|โดน)(?:ดูด|ตัด|โอน|หัก|ถอน)(?:เงิน)?(?:ออก)?(?:อยู่)?|(?:ตัด|ดูด|หัก)เงินรัว"
    r"|(?:ถูก|โดน)(?:ตัด|หัก)เงินรัว|เงินยังหาย|ยังหายอยู่|ยังโดนดูด|กำลังโดนดูด|กำลังถูกดูด"
    r"|(?:ยัง|กำลัง)(?:ถูก|โดน)?(?:โอนออก|ถอนออก|ดูดออก|ดูดเงิน|(?:ลด|หาย|ตัด|หัก)(?:ลง)?(?:อยู่|ออก))"
    r"|ยังมี[^\n]{0,20}?(?:เงินออก|ตัดเงิน|หักเงิน|โอนออก|รายการถอน|รายการโอน)"
    r"|ยัง(?:มี)?(?:แจ้งเตือน|เด้ง|sms|ข้อความ)[^\n]{0,12}?(?:อยู่|เข้ามา)|ค่อยๆ ?(?:หาย|ลด|ถูก|โดน)"
    r"|(?:หาย|ลด|ถอน|ตัด|หัก)(?:ไป|ออก)?ทีละ|(?:กำลัง|ตอนนี้)(?:โดน|ถูก)?ดูด|โดนดูดเงิน(?:อยู่|ตอนนี้)"
    r"|(?:เครื่อง|มือถือ|โทรศัพท์)(?:ถูก|โดน)(?:ควบคุม|คุม|รีโมท|ยึด)|มีคนรีโมท|รีโมทเข้า"
    r"|(?:เข้า|ใช้)แอป(?:ธนาคาร)?(?:ของ)?(?:ฉัน|หนู|ผม|เรา)ได้"
    r"|" + _MONEY_OUT + r"[^\n]{0,40}?(?:เรื่อยๆ|เรื่อย ๆ|เรื่อยเลย|ไม่หยุด|รัวๆ|รัว ๆ|ทีละรายการ"
    r"|ต่อเนื่อง|ทุก ?\d{1,2} ?นาที)"
    r"|แอปดูดเงินยังอยู่|หน้าจอดำ|จอดำ|จอมืด|เครื่องค้าง|จอค้าง|หน้าจอค้าง|มีคน(?:คุม|ควบคุม|ใช้)(?:เครื่อง|มือถือ)?"
    r"|โดน ?(?:remote|รีโมท)|(?:คุม|ควบคุม|ใช้)(?:เครื่อง|มือถือ)ไม่ได้|กดอะไรไม่ได้|จอขึ้น(?:ว่า)?(?:กำลัง)?อัป"
    r"|(?:ขยับ|เลื่อน|กด|พิมพ์|ทำงาน)(?:ไป)?เอง|(?:เปิด|ปิด)(?:แอป|แอพ)[^\n]{0,30}?เอง|เปิดขึ้นมาเอง"
    r"|money (?:is )?(?:still )?(?:leaving|going out|being taken|disappearing|draining)"
    r"|(?:keeps?|keep on|still) (?:getting )?(?:debited|taken|withdrawn|being debited|being withdrawn"
    r"|going down|dropping|disappearing)|being drained|draining my|being emptied"
    r"|keep (?:getting|receiving) (?:withdrawal|debit|transfer|transaction) (?:alerts|notifications|sms)"
    r"|(?:debit|withdrawal|transfer|bank) (?:alerts|notifications|sms|messages) (?:keep|are still)"
    r"|balance (?:keeps?|is still) (?:dropping|going down|falling)"
    r"|screen (?:went|is|goes) (?:black|dark|frozen)|(?:phone|screen|cursor|app) (?:is )?"
    r"(?:moving|opening|typing|tapping)(?: things)? (?:by itself|on its own)"
    r"|(?:they|someone) (?:is|are) (?:controlling|using) my (?:phone|banking)|can'?t control my phone"
    r"|(?:someone|they) (?:is|are) (?:transferring|withdrawing|taking) (?:money|my money)"
    r"|transactions? I (?:didn'?t|did not) make (?:keep|are still))",
    re.IGNORECASE,
)
_APP_INSTALLED = re.compile(
    r"(ลงแอป|ลงแอพ|ติดตั้งแอป|ติดตั้งแอพ|โหลดแอป|โหลดแอพ|แอปดูดเงิน|แอพดูดเงิน|รีโมท|ควบคุมเครื่อง"
    r"|(?<![a-z])apk(?![a-z])"
    r"|install(?:ed)? (?:an |the |a |their )?app|download(?:ed)? (?:an |the |a |their )?app"
    r"|remote(?:-| )?(?:control|access))",
    re.IGNORECASE,
)
# Money gone without the victim's doing: with a remote-control app still on the phone, more will
# go until the phone is cut off (domain.md §5 remote_app), so app + this = still leaving.
_UNAUTHORISED_LOSS = re.compile(
    r"(เงินหาย|หายไป|หายหมด|ถูกโอนออก|โดนโอนออก|ถูกถอน|โดนถอน|ถูกดูด|โดนดูด|ดูดเงิน|ไม่ได้โอนเอง"
    r"|ไม่ได้ทำรายการ|ไม่ได้กดโอน|money (?:disappeared|is gone|was taken|vanished)|unauthori[sz]ed"
    r"|(?:i|we) didn'?t make)", re.IGNORECASE)
# ... unless the app is gone or the leaking stopped.
_STOPPED = re.compile(
    r"(ลบแอป(?:ไป)?แล้ว|ลบแอพ(?:ไป)?แล้ว|ถอนการติดตั้ง|รีเซ็ตเครื่อง|รีเซ็ตมือถือ|ล้างเครื่อง|ไม่มีเงินออกอีก"
    r"|ไม่มีรายการ(?:ออก)?อีก|(?:deleted|removed|uninstalled) the app|factory reset|no more (?:money|transactions))",
    re.IGNORECASE)
# Clicking a link is not installing an app, but a link that led somewhere makes an app possible.
_CLICKED_LINK = re.compile(r"(กดลิงก์|กดลิ้งก์|กดลิงค์|กดลิ้ง|clicked (?:a |the |on )?link)",
                           re.IGNORECASE)
# A negation right before a match cancels it: "ไม่ได้ลงแอป", "ยังไม่ได้กดลิงก์", "didn't install".
_NEGATED = re.compile(
    r"(?:ไม่ได้|ยังไม่ได้|ยังไม่|ไม่|มิได้|ไม่เคย|ไม่ได้ไป|ไม่ได้เป็น|ยังไม่มี|ไม่มี|ไม่ยอม|เกือบ|เกือบจะ"
    r"|didn'?t|did not|haven'?t|have not|hasn'?t|never|not|no)\s?$",
    re.IGNORECASE,
)


def _on_line(text: str) -> bool:
    """On the line now, unless the message says the call is over after that."""
    last = None
    for m in _ON_LINE.finditer(text):
        if _NEGATED.search(text[max(0, m.start() - 14):m.start()]):
            continue
        if _OWN_BANK_CALL.match(text, m.end()):
            continue  # "รอสายธนาคารอยู่": the victim holding for their own bank
        last = m
    if last is None:
        return False
    return not _HUNG_UP.search(text, last.end())


def _affirmed(pattern: re.Pattern[str], text: str) -> bool:
    """True when ``pattern`` matches somewhere not right after a negation."""
    for m in pattern.finditer(text):
        if not _NEGATED.search(text[max(0, m.start() - 14):m.start()]):
            return True
    return False


# Self-harm language and "we'll get your money back for a fee" are never left to the
# classifier alone: a miss costs too much.
_DISTRESS = re.compile(
    r"(ไม่อยากอยู่|ไม่อยากมีชีวิต|อยากตาย|ฆ่าตัวตาย|จบชีวิต|ตายดีกว่า|ตายไปเลย|ไม่อยากหายใจ"
    r"|want to die|kill myself|killing myself|suicid|end my life|end it all"
    r"|don'?t want to live|no reason to live)",
    re.IGNORECASE,
)
_RECOVERY_OFFER = re.compile(
    r"(ตามเงินคืน|ตามเงินเจอ|กู้เงินคืน|ได้เงินคืน.{0,30}(ค่าธรรมเนียม|ค่าทนาย|ค่าดำเนินการ|โอน)"
    r"|(ค่าทนาย|ค่าดำเนินการ|ค่าธรรมเนียม).{0,30}(เงินคืน|ตามเงิน)"
    r"|recover (my|your|the) money|get (my|your|the) money back.{0,40}fee|recovery (fee|service))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Signals:
    scammer_on_line: bool = False
    money_still_leaving: bool = False
    app_may_be_installed: bool = False
    distress: bool = False
    recovery_offer: bool = False
    clicked_link: bool = False


def urgency_signals(text: str) -> Signals:
    text = text or ""
    app = _affirmed(_APP_INSTALLED, text)
    return Signals(
        scammer_on_line=_on_line(text),
        money_still_leaving=_affirmed(_STILL_LEAVING, text) or (
            app and _affirmed(_UNAUTHORISED_LOSS, text) and not _STOPPED.search(text)),
        app_may_be_installed=app,
        distress=bool(_DISTRESS.search(text)),  # "ไม่อยากอยู่" carries its own negation
        recovery_offer=bool(_RECOVERY_OFFER.search(text)),
        clicked_link=_affirmed(_CLICKED_LINK, text),
    )
