"""What each amount in a message is: paid, requested, promised, a balance, or not said.

Only money the victim PAID is a loss. Scam stories are full of other sums: the fee asked for and
never paid, the loan "approved", the prize, the fake platform balance, what is left in the
account. A wrong role puts a promised sum into the freeze packet as the loss.

The rule, per amount, on the normalised text:
1. the last role cue in the words before it (same line, at most ``_WINDOW`` characters, never
   before the previous amount) gives the role; a negated payment ("ยังไม่ได้โอน", "เกือบโอน",
   "didn't pay") is REQUESTED; a lure ("โดนหลอกให้โอน") is PAID;
2. right after it, "(ยัง)ไม่ได้โอน/จ่าย" turns it into REQUESTED, "ก็โอนไป", "จ่ายไปแล้ว" into
   PAID, and "หายหมด" turns a balance into money lost;
3. with no cue of its own, an amount on the same line right after another takes that one's
   role ("โอนไป 5,000 กับ 10,000"); in a numbered/bulleted list, the cue of the line above the
   list ("โอนไปให้บัญชีพวกนี้") or of an earlier item; "รวม"/"ทั้งหมด"/"total" marks a total
   (``is_total``).

Choices where the issue is silent: a payment that did not happen is REQUESTED (someone asked for
it), not UNKNOWN; a scammer's promise to refund ("จะคืนให้") is PROMISED; a pasted PromptPay QR's
amount stays UNKNOWN (the victim may or may not have paid it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from bot.understanding import lists
from bot.understanding.entities import Amount, AmountRole

_WINDOW = 40  # characters looked back for a cue
_DIGIT = re.compile(r"\d")
_AFTER_WINDOW = 32

_NEG = r"(?:ยังไม่ได้|ไม่ได้|ยังไม่|ไม่|เกือบ(?:จะ)?)"
_PAY = r"(?:โอน|จ่าย|ชำระ|เติม)"
# Every cue starts with one of these letters; the lookahead lets the scan skip the other
# positions at once (twice as fast on Thai text). tests/understanding check the list.
CUE_FIRST = "โถหตยไเรทบสขใคอวกผปจมชดลฝซ"
_CUES_BODY = (
    # a lure: the victim was made to pay ("โดนหลอกให้โอน")
    rf"(?P<lure>(?:โดน|ถูก)?หลอก(?:ให้)?\s?{_PAY}|ต้องเสีย(?:เงิน)?\s?ไป)|"
    rf"(?P<neg>{_NEG}\s?{_PAY}|"
    r"(?<![a-z])(?:didn'?t|did\snot|haven'?t|have\snot|hasn'?t|never|not)\s"
    r"(?:yet\s)?(?:pay|paid|transfer\w{0,3}|send|sent)(?![a-z]))|"
    # money that came back to the victim (a task scam's first payout): no loss, no role
    r"(?P<recv>ได้(?:เงิน)?คืน|โอนคืน(?:มา|ให้(?:เรา|ผม|หนู|ฉัน))|คืนมา|ได้รับเงิน|เงินเข้า|"
    r"(?<![a-z])(?:received|got\sback|refunded|paid\sout|payout)(?![a-z]))|"
    r"(?P<total>ยอดรวม|รวมทั้งหมด|รวมแล้ว|รวม|ทั้งหมด|(?<![a-z])(?:total|altogether)(?![a-z]))|"
    rf"(?P<req>(?:บอก|สั่ง|ขอ)?ให้\s?{_PAY}|ต้อง\s?(?:{_PAY}|เสีย)|ขอยืม|ขอเงิน|ขออีก|ขอเพิ่ม|"
    # a condition or a threat is not a payment: "ถ้าไม่โอน 50,000", "unless I pay 50,000"
    rf"ถ้า(?:ไม่)?\s?{_PAY}|(?<![a-z])(?:unless|until|if|or\selse)\s(?:i|we|you|she|he)\s"
    r"(?:pay|transfer|send)(?![a-z])|"
    # a lure's imperative at the start of a clause: "..., pay 30 baht fee", "please transfer"
    r"(?:(?<=[,.;:!?]\s)|(?<=^)|(?<=please\s))(?:pay|transfer|send)(?![a-z])|"
    r"เรียก(?:เก็บ|เงิน|ค่า)?|"
    r"ค้างชำระ|(?<![a-z])(?:(?:asked|asks|asking|ask|told|tells|wants?|wanted|demand\w{0,3}|"
    r"requested|forced)(?:\s[a-z]{1,8})?(?:\sto)?(?:\s(?:pay|transfer|send|deposit))?|"
    r"(?:must|need\sto|needs\sto|have\sto|has\sto)\s(?:pay|transfer|send|deposit))(?![a-z]))|"
    r"(?P<prom>อนุมัติ|วงเงิน|รางวัล|โบนัส|กำไร|ผลตอบแทน|ปันผล|จะได้|ได้รับสิทธิ์|ค่าคอม|"
    r"คอมมิชชั่น|ยอดใน(?:แอป|แอพ|พอร์ต|ระบบ|เว็บ)|ยอดขึ้น|จะคืน|คืนให้|จะโอนคืน|"
    r"(?<![a-z])(?:approved?|prize|won|win|winnings|reward|profit|bonus|commission|promised|"
    r"will\sget|would\sget|will\sreceive|would\sreceive|earn\w{0,3})(?![a-z]))|"
    r"(?P<bal>ยอดเงินคงเหลือ|ยอดคงเหลือ|คงเหลือ|เหลือ|เงินในบัญชี|มีเงิน|"
    r"(?<![a-z])(?:balance|left|remaining)(?![a-z]))|"
    rf"(?P<paid>{_PAY}|เสีย|หัก|ดูด|ตัดเงิน|หาย|ลงทุน|มัดจำ|ฝาก|ซื้อ|ให้ยืม|ยืมไป|โดนโกง|"
    r"(?<![a-z])(?:paid|pay|sent|send|transferred|transfers?|lost|wired|deposited|invested|"
    r"charged|gave|spent|(?:going|gone|went)\sout)(?![a-z]))"
)
_CUES = re.compile(rf"(?i)(?=[{CUE_FIRST}a-z])(?:{_CUES_BODY})")
_GROUP_ROLE = {"recv": AmountRole.UNKNOWN, "lure": AmountRole.PAID,
               "neg": AmountRole.REQUESTED, "req": AmountRole.REQUESTED,
               "prom": AmountRole.PROMISED, "bal": AmountRole.BALANCE, "paid": AmountRole.PAID}
# right after the amount: "(ยังไม่ได้โอน)", "แต่ไม่ได้จ่าย" / "ก็เลยโอนไป", "จ่ายไปแล้ว" / "หายหมด"
# (searched in the few characters after an amount; no leading filler, so the pattern itself
# can only start on one of its words)
_AFTER_GAP = 16  # at most this many characters (no digit) between the amount and the cue
_AFTER = re.compile(
    r"(?i)(?:"
    rf"(?P<neg>{_NEG}\s?{_PAY}|not\s(?:yet\s)?paid)|"
    rf"(?P<paid>(?:ก็เลย|ก็|เลย)\s?{_PAY}|{_PAY}(?:ไป|ให้)?(?:เขา)?\s?แล้ว|ไปแล้ว|"
    # a debit alert read out: "4,900 out, then 9,800"
    r"(?:baht\s)?(?:out|(?:went|gone|taken|charged)\sout)(?![a-z]))|"
    r"(?P<lost>หายหมด|หายไป|โดนดูด|ถูกดูด|โดนโอนออก|ถูกโอนออก|"
    r"(?:was|were|had\sbeen|has\sbeen|have\sbeen|got)\s(?:cashed\sout|taken|stolen|"
    r"withdrawn|debited|drained|transferred\sout)(?![a-z])))"
)


def assign_roles(text: str, spans: list[tuple[int, int, Amount]]) -> list[Amount]:
    """The amounts of ``spans`` (normalised (start, end), in text order) with their roles."""
    out: list[Amount] = []
    prev_end = 0
    prev_role = AmountRole.UNKNOWN
    for i, (ns, ne, a) in enumerate(spans):
        line_start = text.rfind("\n", max(0, ns - _WINDOW), ns) + 1
        ws = max(line_start, prev_end, ns - _WINDOW)
        role, total = _cue_role(text, ws, ns)
        if role is None and i and prev_end >= line_start and prev_end >= ns - _WINDOW:
            role = prev_role  # "โอนไป 5,000 กับ 10,000"
        if role is None:
            role = _list_role(text, ns, spans[i - 1][0] if i else None, prev_role)
        role = role or AmountRole.UNKNOWN
        next_start = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        line_end = text.find("\n", ne, min(next_start, ne + _AFTER_WINDOW))
        after = _AFTER.search(text, ne, min(ne + _AFTER_WINDOW, next_start,
                                            line_end if line_end >= 0 else len(text)))
        if after is not None and (after.start() - ne > _AFTER_GAP
                                  or _DIGIT.search(text, ne, after.start())):
            after = None
        if after is not None:
            g = after.lastgroup
            if g == "neg" and role in (AmountRole.PAID, AmountRole.UNKNOWN):
                role = AmountRole.REQUESTED
            elif g == "paid" and role in (AmountRole.REQUESTED, AmountRole.UNKNOWN):
                role = AmountRole.PAID
            elif g == "lost" and role in (AmountRole.BALANCE, AmountRole.UNKNOWN):
                role = AmountRole.PAID
        out.append(replace(a, role=role, is_total=total))
        prev_end, prev_role = ne, role
    return out


def _list_role(text: str, ns: int, prev_ns: int | None,
               prev_role: AmountRole) -> AmountRole | None:
    """An amount in a list item with no cue of its own: an earlier item's role, else the cue
    of the line above the list."""
    this_list = lists.list_start(text, ns)
    if this_list is None:
        return None
    if (prev_ns is not None and prev_role is not AmountRole.UNKNOWN
            and lists.list_start(text, prev_ns) == this_list):
        return prev_role  # an earlier item of the same list said it
    head = lists.heading(text, ns)
    return _cue_role(text, head[0], head[1])[0] if head is not None else None


def _cue_role(text: str, start: int, end: int) -> tuple[AmountRole | None, bool]:
    """(role of the last cue in text[start:end], whether a total word is nearest)."""
    role: AmountRole | None = None
    total = False
    for m in _CUES.finditer(text, start, end):
        g = m.lastgroup or ""
        if g == "total":
            total = True
        else:
            role = _GROUP_ROLE[g]
            total = False  # "รวม" counts only when it is the cue nearest the amount
    return role, total


def paid_total(amounts: Iterable[Amount]) -> float:
    """What the victim paid according to one message: several transfers add up ("1,000 then
    5,000" = 6,000); a stated total ("รวม 15,000") is not added to its parts: the larger of the
    stated total and the sum of the other paid amounts wins. 0.0 when nothing was paid."""
    parts = 0.0
    stated = 0.0
    for a in amounts:
        if a.role is not AmountRole.PAID:
            continue
        if a.is_total:
            stated = max(stated, a.value)
        else:
            parts += a.value
    return max(parts, stated)
