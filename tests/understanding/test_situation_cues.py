"""The keyword safety net's shapes (bot.understanding.situation_cues): an ongoing call, a live
demand, money draining, a phone acting on its own, and the negation scope. The phrasings are
written for these tests (none is a scenario text): each shape must catch wordings it was not
written for, and leave alone the look-alikes a victim who is NOT in that situation writes."""

from __future__ import annotations

import pytest

from bot.understanding.situation_cues import urgency_signals


@pytest.mark.parametrize("text", [
    "ตอนนี้คนที่อ้างเป็นตำรวจยังพูดอยู่ในสายเลยค่ะ",
    "เขากำลังวิดีโอคอลกับพ่อผมอยู่ที่บ้าน",
    "น้องสาวกำลังคุยไลน์คอลกับคนที่บอกว่าเป็นเจ้าหน้าที่ศาล",
    "มีคนจากกรมสรรพากรคุยอยู่อีกสายกับแม่",
    "ตอนนี้มีสายเข้ามา เขาบอกให้ถอนเงินมาโอนทันทีเลย",
    "เขาโทรมาแล้วสั่งให้โอนค่าประกันก่อนห้าโมงเย็นนี้ ตอนนี้ยังถือโทรศัพท์อยู่",
    "เขาให้นั่งอยู่หน้ากล้องตลอด หนูแอบพิมพ์มาขอความช่วยเหลือ",
    "the caller is still talking to my grandmother and wants her to transfer now",
    "he's still on video with me, telling me to pay before 5pm",
])
def test_an_ongoing_call_in_words_the_rules_were_not_written_for(text):
    assert urgency_signals(text).scammer_on_line, text


# A payment pushed with a deadline of minutes by someone pressing in a chat right now.
@pytest.mark.parametrize("text", [
    "แอดมินร้านทักมาไม่หยุดเลย ให้โอนค่ายืนยันตัวตนอีก 1,200 ภายใน 15 นาที",
    "ตอนนี้คุยกับเจ้าหน้าที่สินเชื่อในเทเลแกรมอยู่ค่ะ เขาให้จ่ายค่าเปิดวงเงินภายในสิบนาที",
    "ผู้ชายในแอปหาคู่กำลังแชทจี้ให้โอนค่าส่งกล่องภายในครึ่งชั่วโมง",
    "the agent keeps messaging me, I have to top up 3,000 within 20 minutes or lose my commission",
    "ตอนนี้มีผู้ชายชุดสีกากีกำลัง video call กับยายอยู่ทาง LINE",
    "มีคนโทรมาบอกว่าเป็นเจ้าหน้าที่ศาล ป้ายังบ่ได้วางสาย",  # Northern/Isan negation
])
def test_a_live_chat_pushing_a_payment_now_is_on_the_line(text):
    assert urgency_signals(text).scammer_on_line, text


@pytest.mark.parametrize("text", [
    "ขอคุยกับเจ้าหน้าที่ค่ะ",
    "ขอสายเจ้าหน้าที่หน่อยครับ",
    "ตอนนี้ยังคุยกับเขาอยู่ในแอปหาคู่ เขาอยากยืมเงิน",  # a chat, not a call
    "ตอนนี้กำลังโทรหาธนาคารอยู่ค่ะ",  # the victim's own bank
    "เมื่อเช้ามีคนโทรมาอ้างเป็นตำรวจ แต่วางสายไปแล้ว ไม่ได้โอนอะไร",
    "ตอนที่กำลังคุยกับเขาเมื่อวาน ฉันก็โอนไปสองพัน",  # a past "while" clause
    "กำลังจะโอนค่าจองห้องพักแต่เห็นรีวิวว่าโกงเลยยกเลิก",  # about to pay, no call
    # told as the past: the demand was then, not now
    "สัปดาห์ก่อนมีคนวิดีโอคอลมาอ้างเป็นตำรวจ ให้โอนเงินตรวจสอบทันที ผมเลยโอนไป",
    "last week a man on a video call said I had to transfer 30,000 immediately",
    "เมื่อวานมีคนโทรมาบอกให้โอนเงินด่วน แต่ไม่ได้โอน ตอนนี้ยังกลัวอยู่",
    "แฟนในแอปหาคู่ยังแชทอยู่ทุกวัน",  # a chat habit
    "someone keeps calling me from abroad, I never answer",
    "I was on a call with my bank to check, they said my account is safe",
])
def test_look_alikes_of_an_ongoing_call_stay_quiet(text):
    assert not urgency_signals(text).scammer_on_line, text


@pytest.mark.parametrize("text", [
    # a pasted lure carries the deadline but nobody is pressing
    "ได้ SMS ว่า \"ชำระค่าปรับ 500 บาท ภายใน 30 นาที มิฉะนั้นจะถูกดำเนินคดี\" หลอกไหมคะ",
    # the pressing was yesterday and is over
    "เมื่อวานแอดมินทักมาไม่หยุด ให้โอนภายใน 10 นาที หนูบล็อกไปแล้วค่ะ",
    # a day-long deadline is a lure's, however insistent the sender
    "เบอร์แปลกส่ง SMS มาไม่หยุด ให้ชำระค่าปรับภายใน 24 ชั่วโมง",
])
def test_a_deadline_without_live_pressing_is_not_on_the_line(text):
    assert not urgency_signals(text).scammer_on_line, text


@pytest.mark.parametrize("text", [
    "เงินในบัญชีกรุงไทยยังลดลงอยู่เลยค่ะ",
    "ยอดในแอปลดลงเรื่อยๆ ทั้งที่ไม่ได้ทำอะไร",
    "ตัดบัตรไปสองรอบแล้ว ยังมีแจ้งเตือนเด้งมาอีก",
    "มีคนเข้าแอปธนาคารของพ่อแล้วถอนออกทีละพัน",
    "มือถือของแม่โดนควบคุม",
    "โทรศัพท์มันกดโน่นกดนี่เองค่ะ",
    "my savings are still going down and I did nothing",
    "the phone is opening apps on its own",
])
def test_money_draining_and_a_phone_acting_on_its_own(text):
    assert urgency_signals(text).money_still_leaving, text


@pytest.mark.parametrize("text", [
    "โดนหักเงินไปสามรายการแล้ว ตอนนี้ยังมีรายการใหม่ขึ้นมาอีก",
    "บัตรเดบิตโดนรูดไม่หยุดเลยค่ะ",
    "9,000 went out at 01:10 and 4,000 at 01:14, it's still going",
    "my card was charged twice and another one is popping up now",
    "แอปธนาคารมีรายการโอนออกที่ไม่ได้ทำ ตอนนี้ still happening ทุก 3-4 นาที",
    "เงินในบัญชีหาย ตอนนี้ยังหายอยุ่เลยค่ะ",
])
def test_new_debits_still_appearing(text):
    assert urgency_signals(text).money_still_leaving, text


@pytest.mark.parametrize("text", [
    "เงินหายไปหมดแล้วตั้งแต่อาทิตย์ก่อน ยังงงอยู่เลย",  # over, not draining
    "ลงแอปพนันไปเมื่อปีก่อน ลบไปนานแล้ว ไม่เคยมีเงินหายค่ะ",
    "มีคนเอาบัตรไปใช้ซื้อของ แต่ธนาคารระงับให้แล้ว ไม่มีรายการใหม่อีก",
    "ยังผ่อนอยู่ทุกเดือนค่ะ",
    "ยังโอนอยู่ทุกเดือนให้แชร์วง",
])
def test_look_alikes_of_money_draining_stay_quiet(text):
    assert not urgency_signals(text).money_still_leaving, text


@pytest.mark.parametrize("text,installed", [
    ("ไม่ได้ลงแอปอะไรเลย", False),
    ("ยังไม่ได้ติดตั้งแอปที่เขาส่งมา", False),
    ("เกือบโหลดแอปแล้วแต่เพื่อนห้ามไว้", False),
    ("ลงแอปที่เขาส่งลิงก์มาเมื่อกี้", True),
])
def test_a_negation_before_the_app_cue_cancels_it(text, installed):
    assert urgency_signals(text).app_may_be_installed is installed


def test_a_clicked_link_said_with_more_words_is_still_a_click():
    assert urgency_signals("I clicked the delivery link they sent").clicked_link
    assert urgency_signals("ไปกดเข้าลิงก์ในข้อความมา").clicked_link


# Stop 20 (studied split dev6): debits that go on, debits the victim did not make minutes ago,
# a code-mixed call, a caller on the phone now; and the look-alikes that must stay quiet.
@pytest.mark.parametrize("text", [
    "บัญชีมีเงินโอนออกไปสองรายการแล้ว มันยังทยอยออกอยู่เลยค่ะ",
    "รายการหักเงินเข้ามาทุกๆ ไม่กี่นาที หนูไม่ได้กดอะไรเลย",
    "เมื่อกี้มีเงินออกจากบัญชีกรุงศรี 9,500 โดยที่หนูไม่ได้โอนเลยค่ะ",
    "I keep receiving e-mails from my bank about transfers I never made",
    "a withdrawal of 12,000 went out 5 minutes ago, I didn't do this",
])
def test_debits_that_go_on_or_were_not_the_victims_doing_minutes_ago(text):
    assert urgency_signals(text).money_still_leaving, text


@pytest.mark.parametrize("text", [
    "เมื่อเดือนก่อนมีเงินออกโดยที่ผมไม่ได้โอน ธนาคารคืนให้แล้ว",  # not minutes ago
    "เงินออกไปสองรายการเมื่อกี้ ธนาคารระงับบัญชีให้แล้ว ไม่มีรายการออกอีก",  # stopped
    "ยังออกอยู่ไหมคะ ร้านนี้",  # no money going out
])
def test_look_alikes_of_unauthorised_debits_stay_quiet(text):
    assert not urgency_signals(text).money_still_leaving, text


@pytest.mark.parametrize("text", [
    "พ่อยัง on the phone อยู่กับคนที่บอกว่าเป็นเจ้าหน้าที่ธนาคาร",
    "ตอนนี้คนที่อ้างว่าเป็นการประปาโทรมา บอกว่าจะคืนค่าน้ำให้",
    "แม่ยังคุยอยู่กับคนอ้างเป็นตำรวจ โทรไปแม่ก็ไม่รับเพราะสายไม่ว่าง",
])
def test_a_call_going_on_in_more_words(text):
    assert urgency_signals(text).scammer_on_line, text


@pytest.mark.parametrize("text", [
    "ตอนนี้เขาไม่ได้โทรมาอีกแล้วค่ะ",
    "ตอนนี้มีคนโทรมาหลอกเยอะมาก ระวังกันด้วยนะ",
    "คนอ้างเป็นเจ้าหน้าที่โทรมาหายาย ยายวางแล้วค่ะ ยังไม่ได้โอน",
])
def test_a_call_that_is_over_or_told_in_general_stays_quiet(text):
    assert not urgency_signals(text).scammer_on_line, text


def test_a_chat_pressing_again_and_again_is_not_a_live_session():
    assert not urgency_signals("เลิกคุยไปแล้ว แต่เขายังทักมาเร่งทุกชั่วโมงเลยค่ะ").scammer_on_line
    assert urgency_signals("เขายังทักมาเร่งให้โอนตอนนี้เลยค่ะ").scammer_on_line
