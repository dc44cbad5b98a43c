"""The case facts in one victim message: ``bot.understanding`` extraction + urgency signals,
interpreted with what the conversation just asked (so "กรุงไทย" answers "which bank?").

Pure: text in, ``MessageFacts`` out. Choices where the issue is silent:
- an amount counts as PAID only with a paid cue before it ("โอนไป", "จ่าย", "paid") or a message
  that says money was sent; requested ("ให้โอน"), promised ("อนุมัติ", "รางวัล") and balance
  ("เหลือ") amounts are kept apart and never become the loss;
- several paid amounts in one message are separate transfers and add up, unless one of them is
  marked as the total ("รวม") or equals the sum of the others; the same value twice is one;
- a negation right before a cue cancels it ("ไม่ได้โอน", "ไม่ได้ลงแอป").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bot.banks import BY_CODE, BankCode, InstitutionKind
from bot.triage import Signals, urgency_signals
from bot.understanding import Amount, Extraction, Role, analyze_text


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
class Situation:
    """The classifier's situation head (multi-label probabilities; None: not given). Served by
    the NLU service as entities named ``situation`` (value = label, ``confidence_entity`` = p)."""

    money_paid: float | None = None
    still_leaving: float | None = None
    on_line_now: float | None = None
    app_installed: float | None = None
    victim_in_distress: float | None = None
    # The labels the model asserts (it applies its own per-label thresholds, chosen on a
    # calibration split); None: decide from the probabilities with the caller's threshold.
    labels: frozenset[str] | None = None

    LABELS = ("money_paid", "still_leaving", "on_line_now", "app_installed",
              "victim_in_distress")

    def says(self, label: str, threshold: float = 0.5) -> bool:
        """The model asserts ``label`` (its own threshold) with p >= ``threshold`` too: the
        model's thresholds are set for recall (on_line_now from ~0.4, where "คุยกับหนุ่ม
        ในแอปหาคู่มาสองเดือน" already scores 0.43), the core's floor keeps the shortcut to staff
        for the clear cases."""
        p = getattr(self, label, None)
        if self.labels is not None and label not in self.labels:
            return False
        return p is not None and p >= threshold

    def knows(self, label: str) -> bool:
        return getattr(self, label) is not None


@dataclass(frozen=True)
class MessageFacts:
    """What one victim message says. Extraction fills the first block; the adapter adds what the
    NLU service said (intent, scam type, situation) when it has them: every field is optional so
    the intake core works with or without the model."""

    text: str
    amount: Decimal | None = None  # what this message says was PAID (sum of the transfers)
    transfer_at: datetime | None = None  # the latest transfer time in this message
    victim_bank: str | None = None
    identifiers: tuple[FoundIdentifier, ...] = ()
    signals: Signals = field(default_factory=Signals)
    mentions_money_sent: bool = False
    denies_loss: bool = False  # "ยังไม่ได้โอน", "I didn't pay"
    received_at: datetime | None = None
    paid_amounts: tuple[Decimal, ...] = ()  # each sum this message says was paid
    other_amounts: tuple[tuple[str, Decimal], ...] = ()  # (role, value): requested/promised/...
    amount_is_total: bool = False  # "รวม 15,000", "ทั้งหมด", "in total"
    adds_to_earlier: bool = False  # "โอนเพิ่มอีก 2,000", "another 500"
    refers_to_earlier: bool = False  # "ที่โอนไป 5,200", "the money I sent": a transfer told again
    is_correction: bool = False  # "ขอแก้ จริง ๆ โอนไป 3,500", "sorry, it was 3,500"
    says_dont_know: bool = False  # "ไม่ทราบ", "ไม่แน่ใจ", "don't know"
    reports_scam: bool = False  # scam words: โดนหลอก, มิจฉาชีพ, scam, SMS ...
    # a question with nothing that happened to the writer: "บัญชีม้าคืออะไร", "how do I ...?"
    general_question: bool = False
    # said in words: "ไม่ได้มีใครโดนนะ", "nothing happened", "เกือบโดน", "just asking"
    nothing_happened: bool = False
    # "บัญชีฉันโดนอายัดโดยไม่รู้สาเหตุ": the writer's own account held, nothing lost to a scammer
    own_account_frozen: bool = False
    # "อันนี้หลอกไหมคะ" + a pasted SMS / LINE / ad, nothing clicked, paid or installed
    lure_check: bool = False
    greeting_only: bool = False
    # --- from the NLU service (None: not given) ---
    intent: str | None = None
    intent_confidence: float | None = None
    scam_type: str | None = None
    scam_type_confidence: float | None = None
    situation: Situation | None = None
    chosen_scam_type: str | None = None  # a type picked from the list / its label typed
    is_payload: bool = False
    long_ago: bool = False  # no date read, but "เดือนที่แล้ว", "last year": over 72 h ago
    time_is_transfer: bool = False  # the time sits next to a money verb or is a clock time
    money_words: bool = False  # any money verb or sum at all, said as done or not

    @property
    def destinations(self) -> tuple[FoundIdentifier, ...]:
        return tuple(i for i in self.identifiers
                     if i.kind in ("account", "promptpay_id") and i.role != "source")

    @property
    def has_any(self) -> bool:
        # "I have not paid anything yet" answers the intake as much as a sum does
        return bool(self.amount or self.transfer_at or self.victim_bank or self.identifiers
                    or self.denies_loss)


# --- money words ------------------------------------------------------------------------------
# "เขาให้โอน" (they told me to transfer) is not a loss by itself; these are.
_MONEY_SENT = re.compile(
    r"(โอน(?!สาย)|จ่าย|เติมเงิน|ชำระ|เสียเงิน|ดูดเงิน|เงินหาย|หักเงิน|ตัดเงิน|โดนไป|เสียไป|มัดจำ|หมดตัว|ลงเงิน"
    r"|เงินออกจากบัญชี|เงินถูกโอนออก|โดนดูด|โดนตัดเงิน|ลงทุนไป|หลอกเอา(?:เงิน)?\S{0,8}?ไป|deposit\s?ไป"
    r"|(?<![a-z])transferred|(?<![a-z])paid(?![a-z])|sent (?:him |her |them )?(?:the )?money"
    r"|(?<![a-z])sent (?:it|that|the (?:amount|sum|deposit|fee|payment))(?![a-z])"
    r"|(?<![a-z])lost(?![a-z])(?! (?:my |his |her |our )?(?:passport|phone|keys?|bag|id card"
    r"|documents?|sim|luggage|way))"
    r"|(?<![a-z])put (?:\w{1,10} ){0,2}(?:money|baht|\d)"
    r"|(?<![a-z])wired|(?<![a-z])debited|(?<![a-z])deposited|โดนรูด|ถูกรูด"
    r"|(?<![a-z])(?:being |getting |was |were |been )charged(?! (?:a |an |me )?(?:fee|nothing))"
    r"|(?<![a-z])topped up|sent (?:\w+ ){0,2}payments?|made (?:\w+ ){0,2}payments?)",
    re.IGNORECASE,
)
# Before a money verb: asked, future or wished, not done ("เขาให้โอน", "จะโอน", "ต้องจ่าย").
_NOT_DONE_BEFORE = re.compile(
    r"(?:(?:ให้|ไห้|จะ|ต้อง)\S{0,3}|ขอ|อยาก|ควร|เกือบ|รอ|ถ้า|ห้าม|อย่า|กรุณา|โปรด|ไม่ต้อง|เตรียม"
    r"|(?:unless|until|if|before)(?: i| we| you| she| he)?|will|would"
    r"|should|to)\s?$", re.IGNORECASE)
# A money verb that is a noun or asks: "ค่าโอน", "โอนไหม", "ควรโอนไหม".
_NOT_DONE_AFTER = re.compile(r"^(?:\S{0,12}?(?:ไหม|มั้ย|หรือเปล่า|ดีไหม|ได้ไหม)|(?:เงิน)?มา(?:ให้|ผิด|เข้า)"
                             r"|\S{0,6}?(?:ครบทุก|ทุกเดือน|ทุกงวด|ประจำ))")  # habitual bills
_NOT_SENT = re.compile(
    r"(ยังไม่ได้โอน|ไม่ได้โอน|ยังไม่โอน|ไม่ได้จ่าย|ยังไม่จ่าย|ยังไม่เสีย|ไม่เสียเงิน|ไม่ได้เสีย|ยังไม่ได้จ่าย"
    r"|เงินยังอยู่ครบ|เงินยังอยู่|ยังไม่ได้เสีย|ไม่ได้โอนเงิน|เกือบโอน|เกือบจะโอน|เกือบเสีย"
    r"|ไม่ทันโอน|ไม่ทันได้โอน|ยังไม่ทัน(?:ได้)?(?:โอน|จ่าย)|ไม่ได้ให้(?:เงิน|ไป)|ไม่ได้ทำตาม"
    r"|ไม่ได้เสียอะไร|ไม่เสียอะไร|ยังไม่เสียอะไร|เงินไม่(?:ได้)?หาย|เงินยังไม่หาย|ไม่ได้สูญเสีย|ไม่ได้ชำระ"
    r"|ปฏิเสธ(?:ไป)?แล้ว|ไม่ได้เติม|ยกเลิกทัน|(?:ไม่|ไม่เคย)มีเงินหาย|ไม่มีใคร(?:โอน|จ่าย)|ไม่ได้กด(?:โอน|ยืนยัน|จ่าย)|(?:ยัง)?ไม่ได้ลง(?:เงิน|ทุน)"
    r"|(?:ยอด|เงิน)\S{0,14}?ยัง(?:อยู่)?(?:เท่าเดิม|ครบ|ปกติ)|ยอด(?:เงิน)?(?:ก็|ยัง)(?:เท่าเดิม|ปกติ)|ยอดเงิน(?:ในบัญชี)?(?:เท่าเดิม|ปกติ)"
    r"|ยอด(?:เงิน)?(?:ก็)?ไม่(?:ลด|หาย|ขยับ)|ทำรายการไม่สำเร็จ|(?:โอน|รายการ)ไม่(?:สำเร็จ|ผ่าน)"
    r"|(?:หนู|ฉัน|ผม|เรา|แม่|พ่อ|ยาย|ตา|เลย|จึง)(?:ก็)?ไม่(?:โอน|จ่าย)(?:ค่ะ|ครับ|คะ|นะ|เลย|\s|$)"
    r"|บ่(?:ได้)?(?:โอน|จ่าย)|transaction failed|(?:transfer|payment) (?:failed|didn'?t go through)"
    r"|balance is (?:fine|ok|okay|the same|unchanged|untouched)"
    r"|didn'?t (?:transfer|pay|send)|did not (?:transfer|pay|send)|haven'?t (?:transferred|paid|sent)"
    r"|have not (?:transferred|paid|sent)|no money (?:was )?lost|not lost any|nothing (?:was )?lost"
    r"|almost (?:transferred|paid)|didn'?t lose|nothing (?:sent|transferred|paid)|not sent"
    r"|haven'?t sent|didn'?t send|refused to (?:pay|transfer)|didn'?t give them|not a single baht"
    r"|(?:haven'?t|have not|didn'?t|did not) (?:put|invest)\w{0,3} (?:any|a single|my)"
    r"|still have (?:all )?my money|money is (?:still )?safe)",
    re.IGNORECASE,
)
# The cue nearest before an amount says whose money it is (bot.understanding's Amount.role
# takes over when it is there).
_AMOUNT_CUE = re.compile(
    r"(?P<price>ลดเหลือ|ราคา|เหลือแค่|เหลือเพียง|price)"
    r"|(?P<balance>เหลือ|คงเหลือ|ยอดคงเหลือ|มีเงินอยู่|เงินเก็บ|balance|left in)"
    r"|(?P<promised>อนุมัติ|วงเงิน|กู้ได้|จะได้|ได้รับ|รางวัล|กำไร|ปันผล|ผลตอบแทน|ถอนได้|ยอดถอน|approved"
    r"|ได้เงิน|รายได้|วันละ|โชคดี|บัตรกำนัล|คูปอง|เครดิตฟรี|voucher|coupon|earn(?:s|ed|ing|ings)?|per day"
    r"|prize|won|profit|returns?|promised|credit limit|loan(?: of)?|entitled to|eligible for"
    r"|มีสิทธิ์(?:ได้)?(?:รับ)?|ได้รับสิทธิ์|จะ(?:โอน)?คืน(?:เงิน)?(?:ให้)?|will refund|refund (?:you|me))"
    r"|(?P<requested>ค้างชำระ|ค้างจ่าย|ยอดค้าง|ให้\s?(?:โอน|transfer|จ่าย|pay|เติม)|ขอให้โอน|ให้จ่าย|ขออีก|ขอเพิ่ม|เรียก|เรียกเก็บ|ต้อง(?:โอน|จ่าย|เติม|ลง|ชำระ)|เก็บค่า|ขอค่า|ขอเงิน|ให้ชำระ"
    r"|(?:must|need to|needs to|have to|has to) (?:pay|transfer|deposit|top up)|(?:say|says|said) (?:i )?(?:must )?pay"
    r"|asked (?:me )?(?:to pay|for)|demand(?:ed|ing|s)?|wants? me to (?:pay|transfer)|requested"
    r"|(?:telling|told|tells|asking|asked|wants?|wanted) (?:me |us )?to (?:pay|transfer|send)|had to pay)"
    r"|(?P<paid>หลอกให้โอน|หลอกให้จ่าย|หลอกให้เติม|tricked (?:me |her |him )?into (?:paying|transferring)"
    r"|ลงเงิน|ลงไป|ลงเพิ่ม|ลงอีก|เงินออก|โอน(?!สาย)|จ่าย|เสีย|โดน|ดูด|ตัด|หัก|มัดจำ|เติม|ลงทุน|ฝาก|ชำระ|ไปแล้ว|paid|transferred|sent"
    r"|lost|debited|deposited|wired|topped up|going out|gone out|went out|รูด|charged"
    r"|put in(?: more| another)?|invested)",
    re.IGNORECASE,
)
_PAID_AFTER = re.compile(
    r"^(?:[^\d\n]{0,20}?(?:โอนไปแล้ว|จ่ายไปแล้ว|ไปแล้ว|ก็โอน|เลยโอน|ก็จ่าย|เลยจ่าย|and (?:I )?paid"
    r"|and (?:I )?transferred)|\s?(?:บาท|บ\.)?\s?ไป(?:แล้ว|เมื่อ|ตอน|ตั้งแต่|หมด|ทั้งหมด|\s|$))",
    re.IGNORECASE)
# "ค่าส่ง 350", "ค่าธรรมเนียม 1,990": a fee; paid when the message says it was paid.
_FEE_BEFORE = re.compile(r"(?:ค่า|ภาษี|fee|tax|deposit of|charge of)[^\d\n]{0,24}$", re.IGNORECASE)
# Later in the same clause, before the next sum: "... 35 บาทผ่านพร้อมเพย์ 095-... ก็โอนไปแล้ว".
_DONE_LATER = re.compile(r"(?:ก็โอน|เลยโอน|ก็จ่าย|เลยจ่าย|โอนไปแล้ว|จ่ายไปแล้ว|and (?:I )?(?:paid|transferred|sent)"
                         r"|and i (?:transfer|pay|send)(?![a-z])"
                         r"|(?:หนู|ฉัน|ผม|เรา|แม่|พ่อ|ยาย|ตา|ป้า|ลุง)\s?(?:ก็|เลย)?\s?(?:โอน|จ่าย)(?:ไป|ให้))",
                         re.IGNORECASE)
_NEXT_NUMBER = re.compile(r"(?<![\d-])\d[\d,.]{2,15}(?![\d-])")  # a sum, not an account
_NEXT_AMOUNT = re.compile(r"\d[\d,.]{0,15}\s?(?:บาท|baht|thb|k\b)", re.IGNORECASE)
_QUESTION = re.compile(r"(?:คืออะไร|หมายถึงอะไร|แปลว่าอะไร)|(?:ไหม|มั้ย|ยังไง|อย่างไร|หรือเปล่า|หรือไม่|อะไร|แบบไหน|ที่ไหน|เท่าไหร่|เท่าไร|\?)\s{0,8}(?:บ้าง|ดี|นะ)?\s{0,8}(?:คะ|ครับ|ค่ะ|คับ)?\s{0,8}$|^(?:how|what|is|are|can|should|do)\s",
                       re.IGNORECASE)
# A question anywhere in a short message (or with "just asking" words in a longer one).
_ASKS = re.compile(r"(?:ไหม|มั้ย|มั๊ย|ยังไง|ยังงัย|อย่างไร|หรือเปล่า|รึเปล่า|หรือไม่|เบอร์อะไร|ที่ไหน"
                   r"|กี่(?:วัน|เดือน|ชั่วโมง|ชม|นาที)"
                   r"|เท่าไหร่|เท่าไร|\?|(?:^|[,.!]\s?)(?:hi,?\s|hello,?\s)?(?:how|what|is|are|can|could"
                   r"|should|do|does|where|which|who)\s|^ขอ\s?(?:link|ลิงก์|ลิงค์|ลิ้ง|เบอร์))", re.IGNORECASE)
# Nothing happened to the writer, said in words (outweighs the words of an experience) ...
_NOTHING_HAPPENED = re.compile(
    r"(?:ยังไม่(?:ได้)?(?:เคย)?โดน(?:อะไร|หลอก)|ไม่ได้โดน(?:หลอก|อะไร)|ไม่ได้ถูกหลอก|ยังไม่เคยโดน"
    r"|ไม่(?:ได้)?มีใคร(?:โดน|ถูก)|เกือบ(?:จะ)?(?:โดน|ถูก)(?:หลอก|โกง)?(?:ค่ะ|ครับ|คะ|นะ|\s|$)"
    r"|not a scam|haven'?t been scammed|nothing happened)", re.IGNORECASE)
# ... and words of someone only asking (a question, however long).
_JUST_ASKING = re.compile(r"(?:แค่(?:อยาก)?(?:ถาม|รู้|ป้องกัน)|ถามเฉย ?ๆ|เผื่อไว้|กันไว้|ป้องกันไว้|จะได้ระวัง"
                          r"|ไว้สอน|อยากขอข้อมูล|just (?:want|wanted|asking|curious)|(?:just )?in case"
                          r"|for (?:the )?future|asking for (?:my|a|our) )", re.IGNORECASE)
# A follow-up on an earlier report, or thanks for it: "ขอบคุณค่ะ โทรแจ้งธนาคารแล้ว", "อัปเดตค่ะ"
_FOLLOW_UP = re.compile(r"^\s*(?:ขอบคุณ|ขอบใจ|อัพเดท|อัปเดต|อัพเดต|ตามเรื่อง|thank|thanks|update|following up"
                        r"|just an update)", re.IGNORECASE)
# The writer's own account frozen or held (domain.md: not a fraud victim's report; its own help)
_OWN_ACCOUNT_FROZEN = re.compile(
    r"(?:บัญชี(?:ของ)?(?:ฉัน|หนู|ผม|เรา|ตัวเอง)|อยู่ ?ๆ ?บัญชี|(?<![a-z])(?:my|our) (?:bank )?account)"
    r"[^\n]{0,12}?(?:โดน|ถูก|was |got |is |has been )?\s?(?:อายัด|ระงับ|hold|freeze|ฟรีซ|frozen|suspended"
    r"|on hold|blocked)", re.IGNORECASE)
# "ถ้าโดนโกงแล้วแจ้งความ ...", "if I ever get scammed": a case supposed, not told.
_HYPOTHETICAL = re.compile(r"(?:ถ้า|หาก|สมมติ(?:ว่า)?|เผื่อ|(?<![a-z])if|in case|what if)\s?(?:เกิด|เรา|ผม|หนู|ฉัน"
                           r"|i|we|someone|my)?\s?(?:ever\s)?(?:โดน|ถูก|เจอ|get|got|am|was|need|account)\S{0,12}",
                           re.IGNORECASE)
_EXPERIENCE = re.compile(r"(?:โดน|ถูกหลอก|มีคน|เขา|เจอ|ได้รับ|ได้ sms|ส่งมา|โทรมา|เชิญ|ชวน"
                         r"|(?:offered|approached|contacted|messaged|called|invited|told|asked) (?:me|us)"
                         r"|(?<![a-z])(?:i was|i got|i received|someone|they|he|she)(?![a-z]))",
                         re.IGNORECASE)
# "ขอยืม 20,000 ... โอนให้ทุกครั้ง": asked for, then given; "จ่ายไปแล้วทั้งสองอย่าง": all of them.
_ASKED_TO_BORROW = re.compile(r"(?:ขอยืม|ขอค่า|ขอเงิน|ยืมเงิน|asked (?:me )?(?:for|to borrow))[^\d\n]{0,24}$",
                              re.IGNORECASE)
_ALL_PAID = re.compile(r"(?:ทั้งสอง|ทั้งสาม|ทั้งหมด|ทุกครั้ง|ทุกรอบ|ทุกยอด|(?<![a-z])both(?![a-z])|all of (?:them|it))",
                       re.IGNORECASE)
# The same sum paid several times: "โอน 3 ครั้ง ครั้งละ 5,000", "four transfers of 9,999 each",
# "paid 1,500 baht three times". Counts up to ten, in digits or words.
_COUNT_WORDS = {"สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9,
                "สิบ": 10, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "twice": 2}
_COUNT_ALT = r"[2-9]|10|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|two|three|four|five|six|seven|eight|nine|ten"
_REPEAT_BEFORE = re.compile(
    rf"(?P<n>{_COUNT_ALT})\s?(?:ครั้ง|รอบ|งวด)\s?(?:ครั้งละ|รอบละ|งวดละ|ละ)\s?$"
    rf"|(?<![a-z])(?P<m>{_COUNT_ALT})\s(?:transfers|payments|times)\s(?:of\s)?$", re.IGNORECASE)
_REPEAT_AFTER = re.compile(
    rf"^\s?(?:บาท|baht|thb)?\s?(?:(?:x|×)\s?(?P<n>{_COUNT_ALT})(?![\d,])"
    rf"|(?P<m>{_COUNT_ALT})\s?(?:times|ครั้ง|รอบ)|(?P<twice>twice))", re.IGNORECASE)
_EACH_AFTER = re.compile(r"^\s?(?:บาท|baht|thb)?\s?(?:each|ต่อครั้ง|แต่ละครั้ง)", re.IGNORECASE)
_EACH_BEFORE = re.compile(r"(?:ครั้งละ|รอบละ|ทีละ|each time)\s?$", re.IGNORECASE)
_COUNTED_AFTER = re.compile(rf"^\s?(?:บาท|baht)?[^\d\n]{{0,10}}?(?P<n>{_COUNT_ALT})\s?(?:ครั้ง|รอบ|รายการ|times)",
                            re.IGNORECASE)
_COUNTED_BEFORE = re.compile(rf"(?<![a-z\d])(?P<n>{_COUNT_ALT})\s?(?:transfers|payments|times|ครั้ง|รอบ)",
                             re.IGNORECASE)


def repeat_count(text: str, amount: Amount) -> int:
    """How many times the same sum was paid (1 unless the words around it say more)."""
    before = text[max(0, amount.start - 40):amount.start]
    after = text[amount.end:amount.end + 24]
    m = _REPEAT_BEFORE.search(before)
    if m is None and (_EACH_AFTER.match(after) or _EACH_BEFORE.search(before)):
        # "2 ครั้งโดยที่ผมไม่ได้โอน ครั้งละ 20,000", "ทีละ 500 ตอนนี้ 6 ครั้งแล้ว"
        m = _COUNTED_BEFORE.search(before) or _COUNTED_AFTER.match(after)
    if m is None:
        m = _REPEAT_AFTER.match(after)
    if m is None:
        return 1
    if m.groupdict().get("twice"):
        return 2
    n = (m.groupdict().get("n") or m.groupdict().get("m") or "").lower()
    return int(n) if n.isdigit() else _COUNT_WORDS[n]


_LIST_JOIN = re.compile(r"\s?(?:บาท|baht|บ\.)?\s?(?:\+|/|,|->|then|and then|และ|กับ|แล้วก็"
                        r"|(?:แล้ว(?:ก็)?|และ)?\s?อีก|and another)\s?",
                        re.IGNORECASE)
_REJECTED_BEFORE = re.compile(r"(?:ไม่ใช่|not|instead of|แทน)\s?$", re.IGNORECASE)
_TOTAL_BEFORE = re.compile(r"(?:รวม|ทั้งหมด|ทั้งสิ้น|รวมๆ|รวม ๆ|total|in all|altogether)[^\d\n]{0,6}$",
                           re.IGNORECASE)
# "5,000 + 5,000 + 5,000 = 15,000": the last sum is the total (a list "15,000 25,000 และ 40,000"
# is three transfers, even when the last equals the others' sum)
_SUM_SIGN_BEFORE = re.compile(r"(?:=|เท่ากับ|เป็น|คือ)\s?$")
_REFERS_BACK = re.compile(r"(?:(?<![ก-๙])ที่|เงินที่|ยอดที่|อันที่)\s?(?:โอน|จ่าย)|(?:the|that) (?:money|amount|sum"
                          r"|transfer|payment) (?:i |we )?(?:sent|paid|transferred|made)", re.IGNORECASE)
_MORE_AFTER = re.compile(r"\s?(?:บาท|baht)?\s?(?:more|extra|เพิ่ม|อีก)", re.IGNORECASE)
_ADD_BEFORE = re.compile(r"(?:อีก|เพิ่ม|another|more|again|extra)[^\d\n]{0,14}$", re.IGNORECASE)
_CORRECTION = re.compile(
    r"(จริงๆ|จริง ๆ|ขอแก้|แก้เป็น|แก้ไข|พิมพ์ผิด|พิมพ์ตก|พิมพ์ขาด|ตกไป(?:ตัว|หลัก)|(?:ยอด|จำนวน)จริง|จริงคือ|ที่ถูกคือ|ที่ถูกต้อง|ไม่ใช่|ผิดค่ะ|ผิดครับ|ขอโทษ"
    r"|(?<![a-z])actually|(?<![a-z])sorry|correction|i mean|not .{0,20} but)",
    re.IGNORECASE,
)
_DONT_KNOW = re.compile(
    r"(ไม่ทราบ|ไม่รู้|ไม่แน่ใจ|จำไม่ได้|ไม่ได้ดู|don'?t know|not sure|no idea|can'?t remember"
    r"|do not know|dunno)", re.IGNORECASE)
_SCAM_WORDS = re.compile(
    r"(หลอก|โกง|มิจ|แก๊ง|แกง|คอลเซ็นเตอร์|สแกม|ต้มตุ๋น|ปลอม|แอบอ้าง|อ้างเป็น|อ้างว่า|ลิงก์|ลิ้งก์|ลิงค์|ลิ้ง"
    r"|sms|พัสดุ|ถูกรางวัล|ค่าธรรมเนียม|ภารกิจ|กดไลก์|กดไลค์|แฮก|แฮ็ก|ยึดไลน์|ยึดเฟส|เงินกู้|ลงทุน"
    r"|โอนเงิน|โอนไป|เสียเงิน|ดูดเงิน|บัญชีม้า|อายัด|แจ้งความ|ตำรวจ|ดีเอสไอ|ปปง|ศุลกากร|ไม่ได้ของ"
    r"|pretend|claiming to be|claimed to be|caller|called me|calling me|impersonat|ไม่ส่งของ|บล็อก|ขอยืม|ยืมเงิน|โทรมา|หาคู่|มัดจำ|ให้โอน|ลงแอป|แอดไลน์|แอดเฟซ|ชวน|scam|fraud|fake|cheat|hack|phishing|transferred|lost money|stole|suspicious)",
    re.IGNORECASE,
)
# "อันนี้หลอกไหมคะ", "มิจป่าว", "is this legit?", "ได้ SMS แบบนี้มา": asking whether a message
# is a scam (with the message pasted: see ``_is_lure_check``).
_CHECK_QUESTION = re.compile(
    r"(?:หลอก|มิจ|มิจฉา|แก๊ง|สแกม|scam|ของจริง|จริง|ปลอม|เชื่อได้|ปลอดภัย)\S{0,6}?"
    r"(?:ไหม|มั้ย|มั๊ย|หรือเปล่า|รึเปล่า|หรือป่าว|ป่าว|ปะ|หรือไม่|เหรอ|หรอ|\?)"
    r"|(?:ได้รับ|ได้|มี)\s?(?:sms|เอสเอ็มเอส|ข้อความ|แชท|อีเมล|อีเมล์|โพสต์|โฆษณา)\s?\S{0,12}?(?:แบบนี้|นี้มา|มาแบบ|มาว่า)"
    r"|(?<![a-z])(?:is|are) (?:this|these|that|it) (?:a |an )?(?:scam|legit|real|fake|safe|genuine"
    r"|phishing)(?![a-z])|(?<![a-z])(?:got|received) (?:this|these|a|an) (?:sms|text|message|email"
    r"|dm)(?![a-z])|(?<![a-z])(?:scam|legit|real|fake|genuine) or (?:not|legit|real|scam|fake)",
    re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”'‘’«»「」『』【】][^\n]{30,}")


_GREETING = re.compile(r"^\s*(สวัสดี|หวัดดี|ดีค่ะ|ดีครับ|hello|hi|hey|good (?:morning|afternoon|evening))"
                       r"[^\d]{0,20}$", re.IGNORECASE)
_NEGATED_BEFORE = re.compile(
    r"(?:(?:ไม่|มิ)(?:ได้|เคย|มี|ทัน|ยอม)*(?:ใคร|อะไร)?(?:กด|ทำ)?|เกือบ(?:จะ)?|didn'?t|did not|haven'?t|have not"
    r"|never|not|almost|nearly)\s?$",
    re.IGNORECASE)


def _affirmed(pattern: re.Pattern[str], text: str) -> bool:
    for m in pattern.finditer(text):
        if not _NEGATED_BEFORE.search(text[max(0, m.start() - 14):m.start()]):
            return True
    return False


def _money_sent(text: str, *, tricked_counts: bool = True) -> bool:
    """A money verb said as done: not negated, not asked for, not future, not a question.
    ``tricked_counts``: "หลอกให้โอน" (tricked into transferring) counts as done."""
    for m in _MONEY_SENT.finditer(text):
        before = text[max(0, m.start() - 14):m.start()]
        tricked = tricked_counts and before.endswith("หลอกให้")
        if before.endswith(("ค่า", "แอป", "แอพ", "ค้าง", "ไว้", "หน้า", "ปุ่ม")) or _NEGATED_BEFORE.search(before) \
                or (_NOT_DONE_BEFORE.search(before) and not tricked):
            continue
        if _NOT_DONE_AFTER.match(text[m.end():m.end() + 24]):
            continue
        return True
    return False


def _is_bank(code: BankCode) -> bool:
    return BY_CODE[code].kind in (InstitutionKind.BANK, InstitutionKind.WALLET)


def facts_from_text(text: str, received_at: datetime | None = None, *,
                    asked: str | None = None) -> MessageFacts:
    """``asked``: the slot the bot just asked for (victim_bank, destination, amount, ...)."""
    try:
        ex = analyze_text(text, received_at)
    except ValueError:  # longer than the analyzer accepts: keep the urgency signals only
        return MessageFacts(text=text, signals=urgency_signals(text), received_at=received_at,
                            reports_scam=True)
    return facts_from_extraction(ex, asked=asked)


def amount_role(text: str, amount: Amount, *, money_sent: bool,
                correction: bool = False, denied: bool = False) -> str:
    """paid / requested / promised / balance / rejected / unknown for one amount in ``text``.

    Our cues first (they read the message-level "it was paid" and negations); the role
    bot.understanding gives (``Amount.role``) decides when our cues say nothing."""
    role = _cue_role(text, amount, money_sent=money_sent, correction=correction)
    if role == "requested" and money_sent and not denied and (
            _ASKED_TO_BORROW.search(text[max(0, amount.start - 40):amount.start])
            or _ALL_PAID.search(text, amount.end)):
        return "paid"  # "ขอยืมค่าเครื่องบิน 20,000 ... ทุกครั้งโอนเข้า ...": asked, then paid
    if role != "unknown":
        return role
    given = getattr(amount, "role", None)
    given = getattr(given, "value", given)
    return str(given) if given else "unknown"


def _cue_role(text: str, amount: Amount, *, money_sent: bool, correction: bool) -> str:
    window = text[max(0, amount.start - 40):amount.start]
    if correction and _REJECTED_BEFORE.search(window):
        return "rejected"  # "ไม่ใช่ 5,000 เป็น 15,000"
    after = text[amount.end:amount.end + 80]
    if _PROMISED_AFTER.match(after):
        return "promised"  # "สินเชื่อ 150,000 อนุมัติแล้ว"
    if _BALANCE_AFTER.match(after):
        return "balance"  # "withdraw my 300,000 balance", "ยอด 300,000 ที่เหลือในพอร์ต"
    if _RECOVERED_AFTER.search(_NEXT_AMOUNT.split(after, maxsplit=1)[0][:60]):
        return "recovered"  # "ลงไป 10,000 แล้วถอนออกมาได้หมด": the bait round came back
    after_paid = bool(_PAID_AFTER.match(after[:40]) or _DONE_LATER.search(
        _NEXT_NUMBER.split(after, maxsplit=1)[0]))  # "price 18,500, deposit 8,500 and I paid"
    last = None
    for m in _AMOUNT_CUE.finditer(window):
        last = m
    role = last.lastgroup if last is not None else None
    if role == "price":  # "ลดเหลือ 1590": what it cost; paid when the message says so, or
        # when no other sum was paid (the caller decides)
        return "paid" if after_paid else "price"
    if role == "paid" and (_INCOMING.match(window, last.end())
                           or _PAID_TO_VICTIM.search(window, max(0, last.start() - 8))):
        return "incoming"  # "โอนเงินมาผิดบัญชี 5,000", "got paid 150": money that came TO the victim
    if role == "paid":
        before_cue = window[max(0, last.start() - 14):last.start()]
        negation = _NEGATED_BEFORE.search(before_cue)
        if negation and _NOT_MY_DOING_BEFORE.search(
                window[max(0, last.start() - 30):last.start() - len(negation.group())]):
            negation = None  # "เงินออกโดยที่ผมไม่ได้โอน ครั้งละ 20,000": a debit all the same
        if negation or (
                _NOT_DONE_BEFORE.search(before_cue) and not last.group().startswith("หลอก")):
            role = "requested"  # "ไม่ได้โอน 500", "ถ้าลงทุน 10,000"
    if _FEE_BEFORE.search(window[-32:]):  # a fee: paid when the message says it was
        if role in ("requested", "promised") and not after_paid:
            return "requested"
        return "paid" if (money_sent or after_paid) else "requested"
    if role is None:
        if correction:
            return "paid"
        return "paid" if (after_paid or money_sent) else "unknown"
    if role == "requested" and after_paid:
        return "paid"
    if role == "promised" and _PAID_JUST_BEFORE.search(window) and not _NEGATED_BEFORE.search(
            window[:-8]):
        return "paid"  # "ลงทุนกับกลุ่มปันผล...ไปรวม 180,000": the verb's "ไป" is nearer
    return role


def _victim_bank(ex: Extraction, dest_banks: set[str], asked: str | None) -> str | None:
    """The victim's own bank: G's BankMention role when given; else a bank named by its app or
    as the channel ("ผ่าน K PLUS", "โอนจากแอป SCB EASY"); else one after "จาก"; else one that is
    not the destination's; or any bank when we just asked for it."""
    text = ex.text
    ranked: list[tuple[int, str]] = []
    for b in ex.banks:
        code = b.value
        if not _is_bank(code):
            continue
        role = getattr(b, "role", None)
        role = getattr(role, "value", role)
        before = text[max(0, b.start - 14):b.start]
        if role == "victim":
            rank = 0
        elif role == "destination":
            continue
        elif b.via_app:
            rank = 1
        elif re.search(r"(?:จาก|ของ(?:ฉัน|หนู|ผม|เรา)|from|my)\s?(?:บัญชี|ธนาคาร|ธ\.|แบงก์|แบงค์|แอป|แอพ)?\s?$",
                       before, re.IGNORECASE):
            rank = 2
        elif asked == "victim_bank":
            rank = 3
        elif code.value in dest_banks or asked == "destination" or re.search(
                r"(?:เข้า|ไป|ให้|ปลายทาง|to|into)\s?(?:บัญชี|ธนาคาร|ธ\.|แบงก์|แบงค์)?\s?$", before,
                re.IGNORECASE):
            continue
        else:
            rank = 4
        ranked.append((rank, code.value))
    return min(ranked)[1] if ranked else None


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

    if victim_bank is None:
        victim_bank = _victim_bank(ex, dest_banks, asked)

    text = ex.text
    lowered = text.lower()
    # "is this a scam?" + the message pasted: its sums and verbs ("salary 3,000 baht/day, paid
    # daily", "ลงทุนเริ่มต้น 1,000") are the lure's, not what the writer did
    pasted = _pasted_spans(text) if _CHECK_QUESTION.search(text) else []
    own_words = _blank(lowered, pasted)
    has_dest = any(f.kind in ("account", "promptpay_id") and f.role != "source" for f in found)
    # "โดนหลอกให้โอนเงิน" alone may not have happened yet: ask; with a sum or an account it did
    sent = _money_sent(_HYPOTHETICAL.sub(" ", own_words),  # not "ถ้าโดนหลอกโอนเงิน ..."
                       tricked_counts=bool(ex.amounts) or has_dest)
    not_sent = _denies_sending(own_words)
    correction = bool(_CORRECTION.search(lowered))
    transfer_at, time_is_transfer = _transfer_time(ex, correction)
    long_ago = transfer_at is None and _long_ago(lowered, ex.received_at)
    # "ให้โอนค่าภาษี 20,000 เมื่อ 3 ชั่วโมงก่อน เข้าบัญชี ...": asked for, with when and where
    # it went and no denial, is a transfer that happened (unless it is a further demand, "อีก")
    signals = urgency_signals(text)
    happened = ((transfer_at is not None or long_ago) and has_dest and not not_sent
                and not signals.scammer_on_line)

    # "12,000 ค่ะ" sent during the intake (whatever was just asked): the sum paid, said early
    bare_sum = (asked is not None and len(ex.amounts) == 1
                and len(_BARE_SUM_FILLER.sub("", lowered)) <= 3)
    # Amounts by role: the loss is what was PAID, never a requested fee or a promised loan.
    paid: list[tuple[Amount, Decimal]] = []
    other: list[tuple[str, Decimal]] = []
    total_flag = False
    adds = False
    prices: list[tuple[Amount, Decimal]] = []
    drops = _balance_drops(text, ex.amounts)
    in_drop = {id(x) for pair in drops for x in pair}
    for a in ex.amounts:
        if a.value <= 0 or id(a) in in_drop:
            continue
        value = Decimal(str(a.value)).quantize(Decimal("0.01"))
        if any(start <= a.start < end for start, end in pasted):
            other.append(("promised", value))
            continue
        role = amount_role(text, a, money_sent=sent, correction=correction, denied=not_sent)
        if role in ("requested", "unknown") and happened and not _ADD_BEFORE.search(
                text[max(0, a.start - 40):a.start]) and not _MORE_AFTER.match(text, a.end):
            role = "paid"
        if role == "paid" or (role == "unknown" and (asked == "amount" or bare_sum)
                              and not not_sent):
            paid.append((a, value * repeat_count(text, a)))
            before = text[max(0, a.start - 24):a.start]
            total_flag = total_flag or bool(_TOTAL_BEFORE.search(before))
            adds = adds or bool(_ADD_BEFORE.search(before))
        else:
            other.append((role, value))
            if role == "price":
                prices.append((a, value))
    if not paid and sent and len(prices) == 1:
        # "ซื้อมือถือราคา 2,500 โอนเข้าบัญชี ...": the price was what went; not beside a deposit
        paid.append(prices[0])
        other = [(role, v) for role, v in other if role != "price"]
    if paid and not_sent and not _completed_transfer(lowered):
        # "ให้โอนก่อนหมื่นนึง ยังไม่ได้โอน": the denial wins over a sum no completed transfer backs
        other += [("requested", v) for _, v in paid]
        paid = []
    for high, low in drops:  # "balance went from 62,000 to 41,000": 21,000 left the account,
        # whatever the victim did not do ("i didn't transfer anything")
        paid.append((high, Decimal(str(high.value - low.value)).quantize(Decimal("0.01"))))
    # A value said twice is one transfer, unless the two are items of one list ("49,000 +
    # 49,000 + 20,000", "2,100 / 4,500", "1,250 then 3,400"): each item is a transfer.
    values = []
    for i, (a, v) in enumerate(paid):
        listed = i > 0 and bool(_LIST_JOIN.fullmatch(text[paid[i - 1][0].end:a.start]))
        if listed or v not in values:
            values.append(v)
    amount: Decimal | None = None
    if values:
        biggest = max(values)
        rest = sum((v for v in values if v != biggest), Decimal(0))
        said_last_as_sum = (len(values) > 2 and rest == biggest and values[-1] == biggest
                             and bool(_SUM_SIGN_BEFORE.search(
                                 text[max(0, paid[-1][0].start - 12):paid[-1][0].start])))
        if total_flag or said_last_as_sum:
            amount = biggest  # "โอน 3 ครั้ง 5,000 + 5,000 + 5,000 รวม 15,000"
            values = [biggest]
        else:
            amount = sum(values, Decimal(0))

    if amount is not None:
        raw = paid[0][0].raw if len(values) == 1 else ", ".join(a.raw for a, _ in paid)
        found.append(FoundIdentifier("amount", raw, str(amount)))
    if transfer_at is not None:
        found.append(FoundIdentifier("transfer_time", next(
            (t.raw for t in ex.transfer_times if t.value == transfer_at), ""),
            transfer_at.isoformat()))
    if victim_bank is not None:
        found.append(FoundIdentifier("bank", victim_bank, victim_bank, victim_bank, "source"))

    denies = not_sent and not paid and not (sent and _affirmed_paid_after_denial(lowered))
    money_sent = (sent or bool(paid)) and not denies
    # "วิธีสังเกตว่าเพจเป็นมิจฉาชีพ ดูยังไงคะ": a question about scams, not a report of one;
    # "ถ้าโดนโกง ... นานไหม", "ขอเบอร์ ... กันไว้ก่อน", "not a scam, just want to complain" too
    nothing_happened = bool(_NOTHING_HAPPENED.search(lowered))
    asks = bool(_QUESTION.search(text)) or (
        bool(_ASKS.search(text)) and (nothing_happened or bool(_JUST_ASKING.search(lowered))
                                      or len(text) <= 300))
    happened_to_writer = bool(_EXPERIENCE.search(_HYPOTHETICAL.sub(" ", lowered)))
    # nothing in the message that only a loss or a danger now would carry
    quiet = (not paid and not any(f.kind not in ("transfer_time", "bank", "phone") for f in found)
             and not signals.scammer_on_line and not signals.money_still_leaving)
    follow_up = bool(_FOLLOW_UP.match(text)) and quiet and not sent
    # (its "โอนออกไม่ได้" is no transfer: only a sum paid or a destination would be)
    own_frozen = bool(_OWN_ACCOUNT_FROZEN.search(text)) and quiet
    general_question = follow_up or own_frozen or (
        asks and (nothing_happened or not happened_to_writer) and quiet and not sent
        and (nothing_happened or not not_sent) and not signals.clicked_link)
    return MessageFacts(
        text=text, amount=amount, transfer_at=transfer_at, victim_bank=victim_bank,
        identifiers=tuple(found), signals=signals,
        mentions_money_sent=money_sent or bool(
            not denies and amount and any(f.kind in ("account", "promptpay_id") for f in found)),
        denies_loss=denies, received_at=ex.received_at, paid_amounts=tuple(values),
        other_amounts=tuple(other), amount_is_total=total_flag, adds_to_earlier=adds,
        refers_to_earlier=bool(_REFERS_BACK.search(lowered)),
        is_correction=correction,
        says_dont_know=bool(_DONT_KNOW.search(lowered)),
        reports_scam=(bool(_SCAM_WORDS.search(lowered)) and not general_question)
        or any(f.kind not in ("transfer_time", "bank") for f in found)  # a bank named: no report
        or (not_sent and not general_question) or (bool(other) and not general_question) or any(
            (signals.scammer_on_line, signals.money_still_leaving, signals.app_may_be_installed,
             signals.clicked_link, signals.recovery_offer)),
        greeting_only=bool(_GREETING.match(text)) and not found,
        general_question=general_question,
        nothing_happened=nothing_happened or bool(_JUST_ASKING.search(lowered)),
        own_account_frozen=own_frozen,
        lure_check=_is_lure_check(text, found, sent=money_sent, signals=signals),
        long_ago=long_ago, time_is_transfer=time_is_transfer,
        money_words=bool(_MONEY_SENT.search(lowered) or ex.amounts or has_dest),
    )


# A time next to a money verb is the transfer's; "เพิ่งรู้วันนี้" is not.
_MONEY_VERB = re.compile(r"(?:โอน|จ่าย|เติม|ชำระ|โดน(?:หลอก|โกง|ดูด|ตัด|หัก|รูด)|เสีย|หัก|ตัด|ดูด|ลงเงิน|(?<![a-z])(?:transfer|paid"
                         r"|pay|sent|lost|debited|deposit|wired|put in|invested))",
                         re.IGNORECASE)
_LONG_AGO = re.compile(
    r"((?:เดือน|ปี|อาทิตย์|อาทิด|สัปดาห์|วีค)(?:ที่|ที)แล้ว|(?:เดือน|ปี)ก่อน"
    r"|(?:\d{1,2}|สอง|สาม|สี่|ห้า|หก|หลาย) ?(?:อาทิตย์|สัปดาห์|เดือน|ปี) ?(?:ก่อน|ที่แล้ว|มาแล้ว)"
    r"|(?:ต้น|กลาง|ปลาย)(?:เดือน|ปี)(?:ที่แล้ว|ก่อน)?|ตั้งแต่(?:ต้น|กลาง)?เดือน"
    r"|last (?:month|year|week)|(?:weeks|months|years) ago|a (?:month|year|week) ago"
    r"|back in (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.IGNORECASE)
_MONTH_NAMES = re.compile(
    r"(?:เดือน|เมื่อ|ตั้งแต่|ช่วง|in|since|back in)\s?(มกรา|กุมภา|มีนา|เมษา|พฤษภา|มิถุนา|กรกฎา|สิงหา|กันยา|ตุลา|พฤศจิกา"
    r"|ธันวา|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
_MONTH_ABBREV = {m: i + 1 for i, m in enumerate(
    ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."))}
_MONTH_ABBREVS = re.compile(r"(?<![ก-๙])(" + "|".join(re.escape(m) for m in _MONTH_ABBREV) + r")")
_MONTH_INDEX = {**{m: i + 1 for i, m in enumerate(
    ("มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา", "กรกฎา", "สิงหา", "กันยา", "ตุลา",
     "พฤศจิกา", "ธันวา"))}, **{m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}}


_RECOVERED_AFTER = re.compile(
    r"(?:ถอน(?:ออก)?(?:มา)?(?:ได้)?(?:คืน)?(?:หมด|ครบ|ทั้งหมด)|ได้(?:เงิน)?คืน(?:มา)?(?:หมด|ครบ)"
    r"|withdrew (?:it|them|everything) (?:all|back)|withdrew all|got (?:it|all of it|everything) back)",
    re.IGNORECASE)
_BALANCE_AFTER = re.compile(r"\s?(?:บาท|baht|thb)?\s?(?:balance|ที่เหลือ(?:อยู่)?ใน|คงเหลือ|in (?:my|the) "
                            r"(?:account|portfolio|wallet) (?:balance)?)", re.IGNORECASE)
_PROMISED_AFTER = re.compile(r"\s?(?:บาท|baht)?\s?(?:อนุมัติ|ได้รับการอนุมัติ|ที่อนุมัติ|(?:is |was |been )?approved)",
                             re.IGNORECASE)
_PAID_JUST_BEFORE = re.compile(r"(?:ไป|ไปแล้ว)\s?(?:ทั้งหมด|รวม|ทั้งสิ้น|ประมาณ|เกือบ)*\s?$")
# A denial that is not one: "ไม่ได้โอนเพิ่ม" (earlier transfers happened), "ไม่ได้โอนเอง" (money
# taken without the victim's doing).
_DENIAL_ASIDE = re.compile(r"^\S{0,4}?(?:เพิ่ม|อีก|ต่อ|เอง)|^ (?:any )?(?:more|again|it myself|myself)",
                           re.IGNORECASE)
# A completed transfer, not negated: "โอนไป", "จ่ายไปแล้ว", "I paid".
_COMPLETED = re.compile(
    r"(?:โอน(?!สาย)|จ่าย|เติม|ชำระ|ลงเงิน|ลงทุน|ฝาก|เสีย)[^\n\d]{0,20}?(?:ไป|แล้ว)(?!\s?ก่อน)"
    r"|(?:already|i|we|she|he|they|mom|dad|my \w+) (?:\w+ ){0,2}?(?:paid|transferred|sent|deposited"
    r"|put in|wired|topped up|lost|invested)(?![a-z])", re.IGNORECASE)


_DROP_BETWEEN = re.compile(r"\s?(?:บาท|baht|฿)?\s?(?:to|down to|เหลือ|เหลือแค่|ลงมาเหลือ|เป็น|->|→)\s?$",
                           re.IGNORECASE)
_DROP_FROM = re.compile(r"(?:from|จาก)\s?$", re.IGNORECASE)
_BALANCE_WORD = re.compile(r"(?:balance|ยอด|เงินใน|บัญชี|เงินเก็บ)", re.IGNORECASE)


def _balance_drops(text: str, amounts: tuple[Amount, ...] | list[Amount]
                   ) -> list[tuple[Amount, Amount]]:
    """A balance told falling: "KMA balance went from 62,000 to 41,000", "ยอดเงินลดลงจาก
    แปดหมื่นเหลือสามหมื่น" (the difference left the account)."""
    out = []
    for a, b in zip(amounts, amounts[1:]):
        if a.value <= b.value or not _DROP_BETWEEN.match(text[a.end:b.start]):
            continue
        if _DROP_FROM.search(text[max(0, a.start - 8):a.start]) and _BALANCE_WORD.search(
                text[max(0, a.start - 60):a.start]):
            out.append((a, b))
    return out


def _is_lure_check(text: str, found: list[FoundIdentifier], *, sent: bool,
                   signals: Signals) -> bool:
    """Someone asks whether a message they received is a scam, and pasted it: a link, a LINE
    id or a number from it, a quoted text, or a long message. Not when they already clicked,
    paid, installed something or are on the line: that is a report, with its questions."""
    if sent or not _CHECK_QUESTION.search(text) or any(
            (signals.clicked_link, signals.app_may_be_installed, signals.scammer_on_line,
             signals.money_still_leaving)):
        return False
    pasted = any(f.kind in ("url", "line_id", "phone", "social_handle", "email") for f in found)
    return pasted or bool(_QUOTED.search(text)) or len(text) >= 120


# A pasted message: a quotation, or the paragraph after a line that ends with ":" ("Got this on
# WhatsApp:", "ได้ข้อความแบบนี้มาค่ะ:").
# (no quote mark inside the body: each try stops at the next mark, so the scan stays linear)
_QUOTE_SPAN = re.compile(r"[\"“«「『](?=\S)[^\"“”«»「」『』]{20,2000}(?:[\"”»」』]|$)")
_INTRO_END = re.compile(r":[ \t]*\n")


def _pasted_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _QUOTE_SPAN.finditer(text)]
    pos = 0
    while (m := _INTRO_END.search(text, pos)) is not None:
        start = m.end()
        while start < len(text) and text[start] == "\n":
            start += 1
        end = text.find("\n\n", start)
        end = len(text) if end < 0 else end
        spans.append((start, end))
        pos = max(end, start + 1)
    return spans


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the spans replaced by spaces (positions kept)."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _denies_sending(lowered: str) -> bool:
    return any(not _DENIAL_ASIDE.match(lowered[m.end():m.end() + 14])
               and not _NOT_MY_DOING_BEFORE.search(lowered[max(0, m.start() - 16):m.start()])
               for m in _NOT_SENT.finditer(lowered))


# "มีเงินออก 2 ครั้งโดยที่ผมไม่ได้โอน": money that left without the victim's doing, no denial.
_NOT_MY_DOING_BEFORE = re.compile(r"(?:โดยที่|ทั้งที่|ทั้งๆ ?ที่|ทั้ง ๆ ที่)\s?(?:ผม|หนู|ฉัน|เรา|ตัวเอง)?"
                                  r"\s?(?:ก็)?\s?$")


def _completed_transfer(lowered: str) -> bool:
    return any(not _NEGATED_BEFORE.search(lowered[max(0, m.start() - 14):m.start()])
               for m in _COMPLETED.finditer(lowered))


# The scammer paying the victim (a task scam's first payouts): "I got paid 150", "เขาจ่าย
# ค่าคอมจริง 120".
_PAID_TO_VICTIM = re.compile(r"(?:got paid|was paid|were paid|they paid me|paid me|(?:เขา|มัน|ทางร้าน|แอดมิน)"
                             r"\s?(?:ก็)?จ่าย(?:ให้|มา|คืน)?)", re.IGNORECASE)
_INCOMING = re.compile(r"\s?(?:เงิน)?(?:มา|เข้ามา)(?:ให้|ผิด|เข้า|ที่)")
_DEADLINE_BEFORE = re.compile(r"(?:ภายใน|ไม่เกิน|ก่อน|within|by|before)\s?$", re.IGNORECASE)


def _transfer_time(ex: Extraction, correction: bool) -> tuple[datetime | None, bool]:
    """The latest time said next to a money verb (else the latest time said), and any clock
    time (a victim who gives a clock time gives the transfer's); in a correction, not the time
    it takes back ("ไม่ใช่เมื่อวาน ... โอนวันที่ 3")."""
    text = ex.text
    money_said = bool(_MONEY_VERB.search(text))
    near: list[datetime] = []
    every: list[datetime] = []
    clocks: list[datetime] = []
    for t in ex.transfer_times:
        if t.value is None:
            continue
        before = text[max(0, t.start - 20):t.start]
        if correction and _REJECTED_BEFORE.search(text[max(0, t.start - 12):t.start]):
            continue
        if _DEADLINE_BEFORE.search(text[max(0, t.start - 10):t.start]):
            continue  # "โอนภายในสิบโมง", "by 5pm": a deadline, not a transfer
        learnt_after = _DISCOVERED_AFTER.match(text, t.end)
        if learnt_after and any(0 <= o.start - learnt_after.end() <= 3 for o in ex.transfer_times):
            learnt_after = None  # "วันพุธก่อน หนูเพิ่งรู้ตัวเมื่อวาน": the learning has its own day
        if _DISCOVERED_BEFORE.search(before) or learnt_after:
            continue  # "แม่เพิ่งบอกเมื่อวาน", "found out today": when it was learnt, not paid
        when = getattr(t, "until", None) or t.value  # "ตั้งแต่วันที่ 6 ถึงเมื่อวาน": the last one
        every.append(when)
        if t.precision.value == "minute":
            clocks.append(when)
        if _done_money_verb(before) or _done_money_verb(text[t.end:t.end + 20]) or (
                money_said and any(0 <= a.start - t.end <= 12 and _JUST_FILLER.fullmatch(
                    text[t.end:a.start]) for a in ex.amounts)):
            near.append(when)  # "on October 20 another 50,000", "เมื่อวาน 5,000"
    # A bare day said elsewhere ("This morning he blocked me", "เช้านี้ไปดูบ้าน") is not the
    # transfer's when a time sits next to a money verb or a clock time was given.
    pool = (near + clocks) or every
    if not pool:
        return None, False
    best = max(pool)
    return best, best in near or best in clocks


_YEAR = re.compile(r"(?:ปี|พ\.?ศ\.?|ค\.?ศ\.?|in|year)\s?(\d{4})(?!\d)", re.IGNORECASE)


_BARE_SUM_FILLER = re.compile(r"[\s\d,.฿]|บาท|ค่ะ|คะ|ครับ|คับ|นะ|จ้า|จ้ะ|baht|thb|ยอด|ทั้งหมด|รวม")
_DISCOVERED_BEFORE = re.compile(r"(?:เพิ่ง|just )?(?:รู้|รู้ตัว|บอก|เห็น|เจอ|ทราบ|sees?|found out|realized"
                                r"|realised|noticed|told me|learned)\s?(?:ตอน|เมื่อ|on|that)?\s?$",
                                re.IGNORECASE)


_DISCOVERED_AFTER = re.compile(r"\s?\S{0,6}?(?:เพิ่ง)?(?:รู้ว่า|รู้ตัว|บอกว่า|เห็นว่า|เจอว่า|ทราบว่า)"
                               r"|,? (?:i |we )?(?:found out|realized|realised|noticed)",
                               re.IGNORECASE)


# Between a time and the sum paid then: "another", "อีก", "ก็", commas ("the day before
# yesterday 100,000", "on the 20th another 50,000"), not a new clause.
_JUST_FILLER = re.compile(r"[\s,:]*(?:(?:another|a further|and|อีก|ก็|ไป|ยอด|บาท)[\s,:]*){0,2}",
                          re.IGNORECASE)


def _done_money_verb(window: str) -> bool:
    """A money verb in ``window`` said as done ("โอนไป"), not asked ("ต้องโอน", "until I pay")."""
    for m in _MONEY_VERB.finditer(window):
        before = window[max(0, m.start() - 12):m.start()]
        if not (_NOT_DONE_BEFORE.search(before) or _NEGATED_BEFORE.search(before)):
            return True
    return False


def _long_ago(lowered: str, received_at: datetime) -> bool:
    if _LONG_AGO.search(lowered):
        return True
    for m in _YEAR.finditer(lowered):  # "เมื่อปี 2568": a year before this one
        year = int(m.group(1))
        year = year - 543 if year > 2400 else year
        if 1990 < year < received_at.year:
            return True
    months = [_MONTH_INDEX[m.group(1)] for m in _MONTH_NAMES.finditer(lowered)]
    months += [_MONTH_ABBREV[m.group(1).replace(" ", "")] for m in _MONTH_ABBREVS.finditer(lowered)]
    return bool(months) and received_at.month not in months


def _affirmed_paid_after_denial(lowered: str) -> bool:
    """"ไม่ได้โอนครั้งที่สอง แต่ครั้งแรกโอนไปแล้ว": a completed transfer after the denial."""
    return bool(re.search(r"(?:โอนไปแล้ว|จ่ายไปแล้ว|already (?:paid|transferred))", lowered))
