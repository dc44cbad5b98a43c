"""Situation cues in the victim's own words: the keyword safety net beside the classifier's
situation head (on the line now, money still leaving, an app installed, distress, a recovery
offer, a clicked link).

Pure: text in, ``Signals`` out. High precision first: ``bot.intake`` ORs these with the situation
head, so they may only RAISE urgency. Two kinds of rules:
- shapes that generalise: an ongoing call (a present/progressive marker, "ยัง ... อยู่", "กำลัง",
  "ตอนนี้ ... อยู่", "still", with a call/video verb), a live demand (a transfer asked for now or
  before a deadline, while a call is going on), money draining (a money noun, a draining verb and
  a continuing marker: "เงิน...ยังไหลออกอยู่", "ยอด...ลดลงเรื่อยๆ"), a phone acting on its own;
- a list of phrases victims use (domain.md §7), kept for what the shapes do not cover.
Negation has a scope: a negator, optionally followed by light words ("ได้", "เคย", "มี", "ใคร",
"กด"), right before a cue cancels it ("ไม่ได้ลงแอป", "ไม่เคยมีเงินหาย", "ไม่ได้กดโอน").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    r"(ยัง(?:อยู่|อยุ่|อยู|อยุ)ในสาย|(?:still )?holding on (?:the )?(?:other )?line|(?:รับ|คุย)สายอยู่|(?:อยู่|อยุ่)ในสาย|ยังคุยสาย|ยังไม่วางสาย|ยังไม่ยอมวางสาย"
    r"|ไม่ยอมวางสาย|(?:ห้าม|ไม่ให้|บ่ให้|อย่า)[^\s\d]{0,10}วาง(?:สาย|โทรศัพท์)|รอสายอยู่|ยังรอสาย|ถือสาย"
    r"|ยัง(?:เว้า|โอ้|คุย)กัน(?:อยู่|อยุ่)"
    r"|กำลังคุย(?:โทรศัพท์|สาย)?กับ|คุยสายอยู่|คุยโทรศัพท์อยู่|(?:วิดีโอ|วีดีโอ|วิดิโอ)คอลอยู่"
    r"|ยัง(?:วิดีโอ|วีดีโอ|วิดิโอ)คอล|ยังเปิดกล้อง|เปิดกล้อง(?:รอ|คุย)?(?:อยู่|ไว้)|คอลอยู่|ยังคอล"
    r"|ยัง(?:โทร|คุย|แชท|ทัก)(?:มา)?(?:อยู่|ไม่หยุด|เรื่อยๆ)|(?:โทร|คอล)(?:มา)?(?:ไม่หยุด|ซ้ำๆ|รัวๆ)"
    r"|แชร์หน้าจอ|share (?:my |the )?screen|screen ?shar|ยังอยู่ใน(?:ไลน์|แชท|คอล|ซูม)"
    r"|ค้างสาย|ให้ถือสาย|ยัง(?:ไม่|บ่)(?:ได้)?วาง(?:สาย)?|(?:เขา|มัน)(?:ยัง)?รอสาย|ให้(?:รีบ)?ไป(?:ที่)?ตู้|กำลังไป(?:ที่)?ตู้"
    r"|(?:talking|speaking) (?:to|with) (?:them|him|her|the caller) (?:right )?now|currently on (?:a )?call"
    r"|the caller is still|(?:wants?|told|telling) me to go to (?:the|an) (?:atm|bank)"
    r"|ยัง\s?on\s?(?:a |the )?(?:call|phone|line)|(?:ตอนนี้|ขณะนี้)(?!มีคน|มีเบอร์|มัก|ชอบ)(?:(?!ไม่|บ่|ยังไม่)\S){1,30}?โทร(?:มา|เข้ามา)(?!แล้ว|หา|ตั้งแต่|เมื่อ|บ่อย|เยอะ|ทุก|หลาย)"
    r"|พักสาย(?:ไว้)?|คุย(?:โทรศัพท์|สาย)\S{0,8}?(?:อยู่|อยุ่)(?:ตลอด|เลย)?|(?:กำลัง|ยัง)\s?(?:vdo|วีดีโอ|วิดีโอ)\s?call"
    r"|โทร(?:มา)?หา(?:ผม|หนู|ฉัน|เรา|แม่|พ่อ|ยาย)\S{0,6}?ตอนนี้|สายไม่ว่าง"
    r"|สายยัง(?:ไม่ตัด|ไม่วาง|ค้าง|อยู่)|(?:ตอนนี้|ขณะนี้)(?:เขา|มัน|คนร้าย|มิจ|แก๊ง|ตำรวจ|คนนั้น)[^\n]{0,12}?(?:โทร|คุย|คอล|แชท)[^\n]{0,10}?อยู่"
    r"|เขาบอกให้โอน(?:อีก|เพิ่ม)|เขาให้โอน(?:อีก|เพิ่ม)|ให้โอน(?:ตอนนี้|เดี๋ยวนี้|ทันที|ด่วน)"
    r"|ให้โอนภายใน|โอนภายใน ?(?:\d{1,3}|หนึ่ง|ครึ่ง|สอง|สาม) ?(?:ชั่วโมง|ชม|นาที)"
    r"|(?:เร่ง|ขู่|บังคับ|กดดัน|จี้)(?:ให้)?(?:ฉัน|หนู|ผม|เรา|ยาย|แม่|พ่อ|ป้า|ลุง)?(?:รีบ)?(?:โอน|เติมเงิน)|(?:เขา)?รอ(?:ให้)?(?:ฉัน|หนู|ผม|เรา|ยาย|แม่|พ่อ)?โอน"
    r"|(?:ขอ|ถาม|รอ)(?:เลข)?\s?otp(?:อยู่|ตอนนี้)|ให้(?:บอก|อ่าน)\s?otp"
    r"|(?:ตอนนี้)?(?:อยู่|ยืน)(?:ที่|หน้า)?ตู้ ?(?:atm|เอทีเอ็ม)|(?:at|in front of) the atm"
    r"|guiding me step by step|(?:บอก|สอน)ให้กด(?:ทีละขั้น|ตาม)"
    r"|(?:ตอนนี้|ขณะนี้)[^\n]{0,12}?" + _CALL + r"[^\n]{0,8}?" + _ONGOING +
    r"|on the (?:phone|line|call)|on (?:a|the) (?:video )?call|on (?:a )?video ?call"
    r"|(?:still|keeps?) (?:calling|talking|texting|video ?calling)"
    r"|(?:they|he|she)(?: is| are|'s|'re|’s|’re) (?:still )?(?:on the|waiting)"
    r"|telling me to (?:transfer|pay|send)|won'?t let me hang up|not to hang up|stay on the line"
    r"|(?:is|are|'s|'re|am) (?:still )?in (?:a |the )?(?:video ?call|phone call|line call|call) with me"
    r"|(?:say|says|said|told me|tells me) (?:don'?t|do not|not to) (?:close|end|hang up|cut)"
    r"(?: the)? (?:call|line|phone|video)"
    r"|wants? me to (?:transfer|pay) (?:now|within|right)|waiting for me to (?:transfer|pay|send)"
    r"|(?:pressur|rush|threaten)\w{0,6} me to (?:transfer|pay))",
    re.IGNORECASE,
)
_OWN_BANK_CALL = re.compile(r"\s?(?:(?:with|to) |หา|กับ|ไปหา)?\s?(?:ธนาคาร|แบงก์|แบงค์|1441|aoc|the bank"
                            r"|my bank|(?:kbank|scb|ktb|bbl|krungthai|kasikorn|bangkok bank)(?! \w+ said))",
                            re.IGNORECASE)
# Told as the past: a call last week is not a call going on (unless the words say it still is).
_PAST_TIME = re.compile(
    r"(?:เมื่อวาน|วานซืน|(?:อาทิตย์|สัปดาห์|เดือน|ปี)(?:ก่อน|ที่แล้ว)|(?<!\d)\d{1,3} ?(?:วัน|ชั่วโมง|ชม\.?)(?:ก่อน|ที่แล้ว)"
    r"|(?:สอง|สาม|สี่|ห้า|หก|หลาย)(?:วัน|อาทิตย์|สัปดาห์|เดือน)(?:ก่อน|ที่แล้ว)|เมื่อ(?:ตอน)?(?:เช้า|คืน|บ่าย|เที่ยง|กลางวัน|เย็น)"
    r"|(?:ช่วง|ตอน)เช้าถึง(?:ช่วง|ตอน)?(?:เที่ยง|บ่าย|เย็น)"
    r"|yesterday|last (?:week|month|night|year)|(?:days?|weeks?|months?) ago)", re.IGNORECASE)
_SAYS_NOW = re.compile(r"(?:ยัง|กำลัง|อยู่|ไม่วาง|ตอนนี้|ขณะนี้|still|right now|(?<![a-z])now(?![a-z])"
                       r"|currently|as we speak|i'?m on|we'?re on|(?:is|are|'s|'re) on)", re.IGNORECASE)
# Chat words are calls only in a message about a call; a habit ("ทุกวัน") is not now.
_CHAT_WORD = re.compile(r"(?:แชท|ทัก|chat|text)", re.IGNORECASE)
_TALK_WORD = re.compile(r"คุย")
_APP_CONTEXT = re.compile(r"(?:แอป|แอพ|หาคู่|เฟซ|เฟส|ไลน์(?!คอล)|ig|ไอจี|tinder|dating|inbox|แชท|เทเลแกรม|telegram)",
                          re.IGNORECASE)
_HABIT_AFTER = re.compile(r"\s?(?:ทุกวัน|ทุกคืน|ทุกเช้า|ทุก ?(?:ชั่วโมง|ชม\.?)|every ?day|every night|daily"
                          r"|every (?:hour|few hours))", re.IGNORECASE)
# The call is over: "วางสายไปแล้ว", "I hung up" (then the on-the-line words told the past).
_HUNG_UP = re.compile(r"(วางสาย(?:ไป)?แล้ว|วาง(?:ไป)?แล้ว|ตัดสาย(?:ไป)?แล้ว|บล็อก(?:เบอร์)?(?:ไป)?แล้ว"
                      # the calls go unanswered (not "ไม่รับเพราะสายไม่ว่าง": busy on that call)
                      r"|ไม่(?:ได้)?รับ(?:สาย)?(?![^\n]{0,12}สายไม่ว่าง)|ไม่กล้ารับ|ตัดสายทิ้ง"
                      r"|hung up|ended the call|blocked (?:the|his|her|their) number"
                      r"|(?:never|didn'?t|don'?t|do not|did not|won'?t) (?:pick up|answer)|not answering)",
                      re.IGNORECASE)
_MONEY_OUT = r"(?:เงิน|เงน|ยอด|บัญชี|balance|ตัด|หัก|ถอน|โอนออก|เงินออก|แจ้งเตือน|เด้ง|รายการ|sms|debit|withdraw)"
_STILL_LEAVING = re.compile(
    r"(เงิน(?:ยัง)?(?:ไหล|ถูกโอน|ถูกดูด|หาย|ออก)ออก(?:อยู่|เรื่อยๆ|เรื่อย ๆ|ไม่หยุด)"
    r"|ยัง(?:ถูก|โดน)(?:ดูด|ตัด|โอน|หัก|ถอน)(?:เงิน)?(?:ออก)?(?:อยู่)?|(?:ตัด|ดูด|หัก)เงินรัว"
    r"|(?:ถูก|โดน)(?:ตัด|หัก)เงินรัว|(?:ถูก|โดน)รูด(?:บัตร)?(?:รัว|ไม่หยุด)|เงินยังหาย|ยังหาย(?:อยู่|อยุ่|อยู|อยุ)|ยังโดนดูด|กำลังโดนดูด|กำลังถูกดูด"
    r"|(?:ยัง|กำลัง)(?:ถูก|โดน)?(?:โอนออก|ถอนออก|ดูดออก|ดูดเงิน|(?:ลด|หาย|ตัด|หัก)(?:ลง)?(?:อยู่|ออก))"
    r"|ยังมี[^\n]{0,20}?(?:เงินออก|ตัดเงิน|หักเงิน|โอนออก|รายการถอน|รายการโอน)"
    r"|ยัง(?:มี)?(?:แจ้งเตือน|เด้ง|sms|ข้อความ)[^\n]{0,12}?(?:อยู่|เข้ามา)|ค่อยๆ ?(?:หาย|ลด|ถูก|โดน)"
    r"|(?:หาย|ลด|ถอน|ตัด|หัก)(?:ไป|ออก)?ทีละ|(?:กำลัง|ตอนนี้)(?:โดน|ถูก)?ดูด|โดนดูดเงิน(?:อยู่|ตอนนี้)"
    r"|(?:เครื่อง|มือถือ|โทรศัพท์)(?:ถูก|โดน)(?:ควบคุม|คุม|รีโมท|ยึด)|มีคนรีโมท|รีโมทเข้า"
    r"|(?:เข้า|ใช้)แอป(?:ธนาคาร)?(?:ของ)?(?:ฉัน|หนู|ผม|เรา)ได้"
    r"|" + _MONEY_OUT + r"[^\n]{0,40}?(?<!เปลี่ยน)(?<!เปลี่ยนไป)(?:เรื่อยๆ|เรื่อย ๆ|เรื่อยเลย|ไม่หยุด|รัวๆ|รัว ๆ|ทีละรายการ"
    r"|ต่อเนื่อง|ทุก ?ๆ? ?(?:\d{1,2}(?: ?- ?\d{1,2})?|ไม่กี่|สอง ?สาม) ?นาที)"
    r"|แอปดูดเงินยังอยู่|หน้าจอดำ|จอดำ|จอมืด|เครื่องค้าง|จอค้าง|หน้าจอค้าง|มีคน(?:คุม|ควบคุม)(?:เครื่อง|มือถือ)?|มีคนใช้(?:เครื่อง|มือถือ|โทรศัพท์)"
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
    r"(เงินหาย|หายไป|หายหมด|ถูกโอนออก|โดนโอนออก|ถูกถอน|โดนถอน|ถูกดูด|โดนดูด|(?<!แอป)(?<!แอพ)ดูดเงิน|ไม่ได้โอนเอง"
    r"|ไม่ได้ทำรายการ|ไม่ได้กดโอน|money (?:disappeared|is gone|was taken|vanished)|unauthori[sz]ed"
    r"|(?:i|we) didn'?t make)", re.IGNORECASE)
# Debits the victim did not make, minutes ago: whoever made them still holds the account or the
# phone (domain.md: "ongoing unauthorised debits" are P0), unless the message says it stopped.
_NOT_MY_DOING = re.compile(
    r"(?:โดยที่|ทั้งที่|ทั้งๆ ?ที่|ทั้ง ๆ ที่)\s?(?:ผม|หนู|ฉัน|เรา|ตัวเอง)?\s?(?:ก็)?\s?(?:ไม่ได้|มิได้)\s?(?:โอน|ทำ|กด|ใช้)"
    r"|(?:ผม|หนู|ฉัน|เรา|เค้า|ตัวเอง)\s?(?:ก็)?ไม่ได้(?:ทำ|โอน|กด)(?:เอง|เลย|อะไร|รายการ)"
    r"|ไม่ได้(?:โอน|ทำรายการ|กดโอน)เอง|(?<![a-z])i (?:didn'?t|did not) (?:do|make|authori[sz]e) (?:this|that|these|them|it|any)"
    r"|(?:transactions?|transfers?|debits?) i (?:didn'?t|did not) make|unauthori[sz]ed (?:transfer|debit|transaction|withdrawal)",
    re.IGNORECASE)
_MINUTES_AGO = re.compile(
    r"(?:เมื่อกี้|เมื่อกี๊|เมื่อสักครู่|เพิ่ง|(?:\d{1,2}|สิบ|ห้า|สอง|สาม|ไม่กี่) ?นาที(?:ที่แล้ว|ก่อน)"
    r"|just now|(?:\d{1,2}|a few|few|two|five|ten) minutes? ago|this morning)", re.IGNORECASE)
# ... unless the app is gone or the leaking stopped.
_STOPPED = re.compile(
    r"(ลบ(?:แอป|แอพ)?(?:ไป)?(?:นาน)?แล้ว|ถอน(?:แอป|แอพ)(?:ออก)?(?:ไป)?แล้ว|เปลี่ยน(?:เครื่อง|มือถือ)"
    r"|ไม่มีรายการ[^\n]{0,12}?อีก|ถอนการติดตั้ง|รีเซ็ตเครื่อง|รีเซ็ตมือถือ|ล้างเครื่อง|ไม่มีเงินออกอีก"
    r"|ไม่มีรายการ(?:ออก)?อีก|ไม่มีรายการ(?:อื่น)?(?:เพิ่ม|ใหม่)|(?:หัก|ตัด)(?:ไป)?\s?[\d,]{0,9}\s?ครั้งเดียว"
    r"|(?:deleted|removed|uninstalled) the app|factory reset|no more (?:money|transactions))",
    re.IGNORECASE)
# Clicking a link is not installing an app, but a link that led somewhere makes an app possible.
_CLICKED_LINK = re.compile(r"(กดลิงก์|กดลิ้งก์|กดลิงค์|กดลิ้ง|กดเข้า ?(?:ลิงก์|ลิงค์|ลิ้ง)"
                           r"|(?:clicked|tapped|opened) (?:on )?(?:a |the |an |that )?(?:\w+ ){0,2}link)",
                           re.IGNORECASE)
# A negation right before a match cancels it: "ไม่ได้ลงแอป", "ยังไม่ได้กดลิงก์", "didn't install".
_NEGATED = re.compile(
    r"(?:(?:ไม่|มิ)(?:ได้|เคย|มี|ทัน|ยอม|ค่อย|เป็น|ไป)*(?:ใคร|อะไร)?(?:กด|ทำ|ไป)?|เกือบ(?:จะ)?"
    r"|didn'?t|did not|haven'?t|have not|hasn'?t|never|not|no)\s?$",
    re.IGNORECASE,
)


# --- shapes that generalise (read with the negation scope of _NEGATED) --------------------------
# A call going on: a voice/video verb with a progressive marker. "คุย"/"แชท" alone is also a chat
# in a dating app: it counts only in a message that speaks of a call.
_VOICE = (r"(?:พูด|โทร|คอล|วิดีโอคอล|วีดีโอคอล|วิดิโอคอล|ไลน์คอล|เฟซไทม์|ถือสาย|ในสาย|อีกสาย"
          r"|เปิดกล้อง|video ?call|facetime|(?<![a-z])call(?![a-z]))")
_TALK = r"(?:คุย|แชท)"
_GOING_ON = r"(?:อยู่(?!\s?ๆ)|ไม่หยุด|ไม่วาง|ไม่ยอมหยุด)"
_NOT_OWN_BANK = r"(?!\s?(?:หา|กับ|ไปหา|ไปที่)?\s?(?:ธนาคาร|แบงก์|แบงค์|1441|คอลเซ็นเตอร์ธนาคาร))"


def _progressive(verb: str) -> re.Pattern[str]:
    v = verb + _NOT_OWN_BANK
    return re.compile(
        r"กำลัง\s?\S{0,6}?" + v + r"|ยัง\S{0,8}?" + v + r"\S{0,12}?" + _GOING_ON
        + r"|" + v + r"\S{0,6}?" + _GOING_ON
        + r"|(?:ตอนนี้|ขณะนี้)[^\n]{0,20}?" + v + r"[^\n]{0,15}?" + _GOING_ON
        + r"|(?:(?:he|she|they|the caller|the man|the woman|the scammer|scammers?|someone"
          r"|the fake \w+)(?:'s| is|'re| are) (?:still )?"
          r"(?:talking|speaking|on video|watching me|(?:video[- ]?)?calling|facetiming))",
        re.IGNORECASE)


_VOICE_GOING_ON = _progressive(_VOICE)
_TALK_GOING_ON = _progressive(_TALK)
_CALL_CONTEXT = re.compile(r"(?:สาย|โทร|คอล(?!เซ็นเตอร์|เซนเตอร์)|วิดีโอ|วีดีโอ|กล้อง|วาง(?!ใจ|มือ|แผน|ขาย)|call|phone|video"
                           r"|facetime|speaker|zoom)", re.IGNORECASE)
# "ตอนที่กำลังคุย ... ก็โอนไป": a progressive inside a past "while" clause tells the past.
_WHILE_BEFORE = re.compile(r"(?:ตอนที่|ตอนนั้น|ขณะที่|ระหว่างที่|while|when)\S{0,10}\s?$", re.IGNORECASE)
# A transfer demanded now or before a deadline, while a call is going on.
_DEMAND_NOW = re.compile(
    r"(?:ให้|ต้อง|สั่ง|เร่ง|บังคับ|กำลังจะ|ทำท่าจะ)\S{0,8}?(?:โอน(?!สาย)|จ่าย|ถอน|ไป(?:ที่)?ตู้|ไปธนาคาร)"
    r"[^\n]{0,40}?(?:ตอนนี้|เดี๋ยวนี้|ทันที|ด่วน|ภายใน|ก่อน\s?(?:\d{1,2}(?:[:.]\d\d)?\s?(?:น\.?|โมง|ทุ่ม"
    r"|pm|am)|บ่าย|เที่ยง|เย็น|ค่ำ|\S{0,5}โมง|\S{0,5}ทุ่ม))"
    r"|(?:ให้|ต้อง)\S{0,8}?(?:โอน(?!สาย)|จ่าย|ถอน)[^\n]{0,40}?(?:แล้ว)?(?:ทำท่าจะ|กำลังจะ)"
    r"|(?:is|'s|are|'re) about to (?:transfer|pay|send|wire|move)"
    r"|keeps? (?:telling|asking|pushing|pressuring) (?:me|her|him|us|them) to (?:transfer|pay|send"
    r"|wire|move|go)"
    r"|(?:wants?|told|telling|asking|demand(?:s|ed|ing)?|must|have to|has to|need to) (?:me |us |him |her )?"
    r"(?:to )?(?:transfer|pay|send|wire|move)"
    r"[^\n]{0,40}?(?:now|immediately|right away|within|before|by \d)", re.IGNORECASE)
_PRESENT = re.compile(r"(?:ตอนนี้|ขณะนี้|กำลัง|เดี๋ยวนี้|อยู่เลย|ยัง\S{0,10}อยู่|right now|currently|as we speak"
                      r"|\bnow\b|is still|are still)", re.IGNORECASE)
# Held in front of the camera, typing to us in secret: the call is going on.
_COERCED = re.compile(r"(?:คนในสาย|แอบ(?:พิมพ์|ทัก|แชท|ส่งข้อความ)|ห้ามลุก|ห้ามขยับ"
                      r"|(?:ไม่ยอม|ไม่ให้|ห้าม|อย่า)\S{0,6}วาง(?!ใจ|มือ|แผน|ขาย)"
                      r"|on (?:the |a )?speaker(?:phone)?|on (?:a |the )?(?:facetime|zoom|whatsapp"
                      r"|line|messenger) (?:call|with)|on (?:a |the )?facetime"

                      r"|ห้ามออกจาก(?:ห้อง|บ้าน|หน้ากล้อง|กล้อง)|(?:นั่ง|อยู่)\S{0,4}หน้ากล้อง"
                      r"|(?:texting|messaging) you (?:secretly|in secret)|behind (?:his|her|their) back)",
                      re.IGNORECASE)

# Money draining: a money noun, a draining verb, a continuing marker (no "แล้ว"/"หมด" between:
# "เงินหายไปหมดแล้ว" is over).
_MONEY_NOUN = r"(?:เงิน|ยอด|บัญชี|balance|savings|money|funds)"
_DRAIN = (r"(?:ไหลออก|ไหล|ลดลง|ลด|หายไป|หาย|โอนออก|ถอนออก|ออก|ถูกตัด|โดนตัด|ถูกหัก|โดนหัก|ตัด|หัก"
          r"|drop(?:s|ped|ping)?|going down|disappearing|draining|leaving|being taken)")
_CONTINUING = (r"(?:อยู่(?!\s?ๆ)|เรื่อยๆ|เรื่อย ๆ|เรื่อยเลย|ไม่หยุด|ต่อหน้าต่อตา|ทีละ|รัวๆ|รัว ๆ|ต่อเนื่อง"
               r"|มาอีก|อีกแล้ว|(?<![a-z])still(?![a-z])|keeps?(?![a-z]))")
_NOT_OVER = r"(?:(?!แล้ว|หมด|already)[^\n])"
_DRAINING = re.compile(
    _MONEY_NOUN + _NOT_OVER + r"{0,25}?(?:ยัง|กำลัง)?\s?(?:ถูก|โดน)?" + _DRAIN + _NOT_OVER
    + r"{0,15}?" + _CONTINUING
    + r"|" + _MONEY_NOUN + r"\w{0,3} (?:is |are |keeps? |keep on )(?:still )?(?:being |getting )?"
      r"(?:disappearing|dropping|going down|draining|leaving|taken|debited|withdrawn|pulled|sucked"
      r"|moved|transferred)"
    + r"|(?:withdrawals?|transactions?|transfers?|debits?|charges?)[^\n]{0,40}?(?:still|keeps?) "
      r"(?:happening|coming|going)"
    + r"|ยัง\S{0,4}?(?:โอน|ถอน|ตัด|หัก|ดูด)(?:เงิน)?(?:ออก)?\S{0,4}?(?:อยู่(?!\s?ๆ)|ไม่หยุด|เรื่อยๆ)(?!\S{0,6}ทุก)"
    + r"|(?:โอน|ถอน|ตัด|หัก)(?:เงิน)?ออกทีละ", re.IGNORECASE)
# Alerts that keep coming, in a message about money taken out.
_ALERTS_GO_ON = re.compile(r"ยัง(?:มี)?\s?(?:เด้ง|แจ้งเตือน|sms|ข้อความ|รายการ)\S{0,12}?(?:อยู่|อีก|เข้ามา)"
                           r"|ยัง(?:ทยอย|มี|โดน|ถูก)?\S{0,6}?ออก(?:ไป)?(?:อยู่|อยุ่|เรื่อยๆ)"
                           r"|(?:keep|keeps|still) (?:getting|receiving) (?:\w{1,12} ){0,2}(?:e-?mails?|sms|texts?"
                           r"|messages?|alerts?|notifications?)"
                           # "ยังขึ้นมาใหม่อยู่", "ยังมีออเดอร์ใหม่เด้งขึ้นมาอยู่", "ตอนนี้ยังมีเข้ามาอีก"
                           r"|ยัง(?:มี)?\S{0,12}?(?:เด้ง|ขึ้นมา|เข้ามา)\S{0,8}?(?:อยู่|อีก)"
                           r"|(?:sms|alert|notification|message|text) after (?:sms|alert|notification"
                           r"|message|text)|another (?:one|alert|debit|charge|notification) (?:is |just )?"
                           r"(?:popping up|coming in|came in|popped up)"
                           r"|(?:it'?s|it is|they'?re|they are) still going(?! to)"
                           r"|(?:being|getting) charged (?:right )?now"
                           r"|(?:alerts?|notifications?) (?:keep|are still|still)"
                           r"|(?:keeps?|keep on) (?:sending|showing|pinging)(?: me)? (?:\w{1,12} )?"
                           r"(?:notifications?|alerts?|messages?|sms)"
                           r"|(?:keeps?|keep on|still) (?:getting|being) (?:charged|debited)"
                           r"|(?:it'?s|it is|ตอนนี้) ?still (?:happening|going on)"
                           r"|เด้ง(?:มา|อีก)?\s?(?:เป็น)?(?:ครั้ง|รอบ)ที่\s?(?:สอง|สาม|สี่|ห้า|[2-9])"
                           r"|ยังไม่หยุด(?!โทร|ทัก|ส่ง|ตื๊อ|คุย)"
                           r"|มัน(?:ยัง)?(?:ก็)?(?:ลด|หาย)(?:ลง)?(?:ไป)?เรื่อย"
                           # the screen going dark by itself, in a message about debits
                           r"|(?:จอ|หน้าจอ)(?:มือถือ)?(?:ก็)?ดับ(?:ไป)?เอง", re.IGNORECASE)
_DEBIT_CONTEXT = re.compile(r"(?:ตัด|หัก|โอน(?:เงิน)?ออก|ถอน|เงินออก|ออกอีก|เงินหาย|debit|withdraw|transfer"
                            r"|charg|รูด|ใช้จ่าย|transaction|going out|went out|gone out|\d out(?![a-z])|เหลือ\s?[\d,]{3,})", re.IGNORECASE)
# The phone acting on its own or held by someone else.
_DEVICE = r"(?:เครื่อง|มือถือ|โทรศัพท์|หน้าจอ|จอ)"
_DEVICE_TAKEN = re.compile(
    _DEVICE + r"\S{0,10}?(?:ถูก|โดน)(?:ควบคุม|คุม|รีโมท|ยึด|แฮก)"
    + r"|" + _DEVICE + r"[^\n]{0,20}?(?:เปิด|ปิด|กด|ขยับ|เลื่อน|พิมพ์|ทำงาน|เด้ง)[^\n]{0,15}?เอง(?!กับ)"
    + r"|" + _DEVICE + r"\S{0,6}?โอน(?:เงิน)?(?:ออก)?เอง"
    + r"|(?:phone|screen|device|it|mouse|cursor|computer)(?:'s| is)? (?:keeps? )?(?:acting|moving"
      r"|opening|typing|tapping|doing things|working|clicking|going black|going dark|turning black)"
      r" (?:\w{1,12} ){0,2}(?:on its own|by itself)"
    # a remote-control session left open ("TeamViewer ... the session is STILL open")
      r"|(?:teamviewer|anydesk|rustdesk|remote)[^\n]{0,80}?(?:session|connection) is still "
      r"(?:open|on|connected|running)", re.IGNORECASE)


def on_line_context(text: str) -> bool:
    """Words of a phone or video call, of something going on now, or talk in progress. The
    situation head's ``on_line_now`` counts only with them: "คุยกับหนุ่มในแอปหาคู่มาสองเดือน"
    is a chat told as the past, and telling that victim to hang up (and queueing them as P0)
    is a false alarm; "ตอนนี้เขายังอยู่กับหนู", "คุยกับเขาอยู่" are going on now. Any call
    word is enough ("ตำรวจโทรมา ให้โอน…" may still be on the line): a false "hang up" costs
    less than a missed one."""
    return any(p.search(text) for p in (_CALL_CONTEXT, _PRESENT, _TALK_GOING_ON))


def told_as_past(text: str) -> bool:
    """The message places its story in the past ("เมื่อวาน", "เมื่อเช้า", "last month")."""
    return bool(_PAST_TIME.search(text))


def hung_up(text: str) -> bool:
    """The message says the call is over or goes unanswered ("วางไปแล้ว", "hung up")."""
    return bool(_HUNG_UP.search(text))


def money_stopped(text: str) -> bool:
    """The message says the debits stopped or the app is gone ("ไม่มีรายการเพิ่ม")."""
    return bool(_STOPPED.search(text))


# A scammer chatting with the victim now and pushing a payment now (a live chat, not a call):
# "แอดมินยังแชทจี้ให้โอนเพิ่ม", "ยัง chat จี้ให้ top up ตอนนี้", "messaging me right now saying I
# have to deposit". The pressure words make it now; a habit ("ทุกวัน") or a past chat does not.
_CHAT_PRESSURE = re.compile(
    r"(?:ยัง|กำลัง|ตอนนี้)\s?(?:แชท|chat|ทัก(?:ไลน์|ไลน|แชท)?|ส่งข้อความ|พิมพ์)(?:มา)?\s?(?:จี้|เร่ง|กดดัน|ตื๊อ|บังคับ)"
    r"|(?:แชท|chat|ทัก|คุย)[^\n]{0,12}?(?:กันอยู่|อยู่)\s?(?:ตอนนี้|เดี๋ยวนี้)"
    r"|(?:messaging|texting|chatting with|dm'?ing|pushing|pressuring) me (?:right now|now|as we speak)"
    r"|(?:keeps?|is|are) (?:sending|messaging|texting) me[^\n]{0,40}?(?:right now|now|tonight)"
    r"[^\n]{0,60}?(?:deposit|pay|transfer|send|top up)", re.IGNORECASE)


# A payment pushed with a deadline of minutes ("ต้องโอน 3,000 ภายใน 5 นาที", "pay within 10
# minutes") by someone pressing now ("พิมพ์เร่งมาไม่หยุด", "กำลังแชทเร่ง", "keeps messaging"):
# the scammer is at the victim's ear in a live chat, as on a call. A forwarded lure has the
# deadline but not the pressing.
_MINUTES_DEADLINE = re.compile(
    r"(?:โอน(?!สาย)|จ่าย|เติม|ชำระ|ฝาก|top ?up|pay|transfer|send|deposit)[^\n]{0,50}?"
    r"(?:ภายใน|within|in the next)\s?(?:(?:\d{1,2}|ห้า|สิบ|สิบห้า|ยี่สิบ|สามสิบ|five|ten|fifteen|twenty"
    r"|thirty)\s?(?:นาที|min)|(?:[1-3]|ครึ่ง|หนึ่ง|สอง|สาม|half an?|an|one|two|three)\s?(?:ชั่วโมง|ชม|hour))",
    re.IGNORECASE)  # minutes, or at most three hours: "ภายใน 24 ชั่วโมง" is a lure's wording
_PRESSING_NOW = re.compile(
    r"(?:ไม่หยุด|จี้|กำลัง(?:แชท|ทัก|พิมพ์|ไลฟ์|เร่ง|คุย)|(?:แชท|ทัก|คุย)\S{0,40}?อยู่(?:เลย|ค่ะ|ครับ|คะ|นะ)"
    r"|เร่ง(?:มา|ให้)|keeps? (?:messaging|texting|pushing|pressuring|sending)|non-?stop|won'?t stop"
    r"|(?:messaging|texting|chatting with|pushing|pressuring) me (?:right )?now)", re.IGNORECASE)


def _shape_on_line(text: str) -> re.Match[str] | None:
    """The last on-the-line shape in ``text`` (not negated, not in a past "while" clause)."""
    found = None
    context = bool(_CALL_CONTEXT.search(text))
    patterns = [_VOICE_GOING_ON, _COERCED, _CHAT_PRESSURE] + ([_TALK_GOING_ON] if context else [])
    if context and _PRESENT.search(text):
        patterns.append(_DEMAND_NOW)
    if _PRESSING_NOW.search(text):
        patterns.append(_MINUTES_DEADLINE)
    for pattern in patterns:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 14):m.start()]
            if _NEGATED.search(before) or _WHILE_BEFORE.search(text[max(0, m.start() - 24):m.start()]):
                continue
            if pattern in (_DEMAND_NOW, _MINUTES_DEADLINE) and _PAST_TIME.search(
                    text, 0, m.start()) and not any(
                    p.search(text) for p in (_VOICE_GOING_ON, _COERCED)):
                continue  # a demand told as the past ("เมื่อวาน ... บอกให้โอนด่วน")
            if pattern is _CHAT_PRESSURE and _HABIT_AFTER.match(text, m.end()):
                continue  # "ยังทักมาเร่งทุกชั่วโมง": pressed again and again, not a live session
            if found is None or m.end() > found.end():
                found = m
    return found


_NEGATOR_INSIDE = re.compile(r"ไม่|(?<![a-z])(?:not|never|no)(?![a-z])|n't", re.IGNORECASE)


def _shape_leaving(text: str) -> bool:
    draining = any(not _NEGATOR_INSIDE.search(m.group())  # "เงินไม่ได้ออก ยอดยังอยู่"
                   and not _NEGATED.search(text[max(0, m.start() - 14):m.start()])
                   for m in _DRAINING.finditer(text))
    return (draining or _affirmed(_DEVICE_TAKEN, text)
            or (_affirmed(_ALERTS_GO_ON, text) and bool(_DEBIT_CONTEXT.search(text))))


def _on_line(text: str) -> bool:
    """On the line now, unless the message says the call is over after that."""
    last = None
    context = bool(_CALL_CONTEXT.search(text))
    for m in _ON_LINE.finditer(text):
        if _NEGATED.search(text[max(0, m.start() - 14):m.start()]) or _WHILE_BEFORE.search(
                text[max(0, m.start() - 24):m.start()]):
            continue
        if _OWN_BANK_CALL.match(text, m.end()):
            continue  # "รอสายธนาคารอยู่": the victim holding for their own bank
        chat = bool(_CHAT_WORD.search(m.group())) or (
            bool(_TALK_WORD.search(m.group())) and bool(_APP_CONTEXT.search(text)))
        if (chat and not context) or (_HABIT_AFTER.match(text, m.end())
                                      and (chat or _TALK_WORD.search(m.group()))):
            continue  # "แฟนในแอปยังแชทอยู่ทุกวัน": a chat, not a call
        if not _SAYS_NOW.search(m.group()) and _PAST_TIME.search(text, 0, m.start()):
            continue  # "สัปดาห์ก่อน ... ให้โอนทันที", "last week ... on a video call"
        last = m
    shape = _shape_on_line(text)
    if shape is not None and (last is None or shape.end() > last.end()):
        last = shape
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
        money_still_leaving=_affirmed(_STILL_LEAVING, text) or _shape_leaving(text) or (
            app and _affirmed(_UNAUTHORISED_LOSS, text) and not _STOPPED.search(text)) or (
            bool(_NOT_MY_DOING.search(text)) and bool(_DEBIT_CONTEXT.search(text))
            and bool(_MINUTES_AGO.search(text)) and not _STOPPED.search(text)),
        app_may_be_installed=app,
        distress=bool(_DISTRESS.search(text)),  # "ไม่อยากอยู่" carries its own negation
        recovery_offer=bool(_RECOVERY_OFFER.search(text)),
        clicked_link=_affirmed(_CLICKED_LINK, text),
    )
