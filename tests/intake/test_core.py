"""The intake core, driven through its public functions: ``decide`` with hand-made facts (the
core works without the classifier and with it) and ``replay`` on what a victim would read."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bot.cases.facts import FoundIdentifier, MessageFacts, Situation
from bot.intake import CaseState, commands, decide, replay
from bot.intake.replies import render_text
from bot.triage import Signals

BKK = timezone(timedelta(hours=7))
T0 = datetime(2026, 3, 10, 14, 0, tzinfo=BKK)


def turns(*texts: str, start: datetime = T0) -> list[tuple[str, datetime]]:
    return [(t, start + timedelta(minutes=2 * i)) for i, t in enumerate(texts)]


def first_line(result) -> str:
    return result.replies[0].split("\n")[0] if result.replies else ""


KBANK_ACCOUNT = FoundIdentifier("account", "123-4-56789-0", "1234567890", "KBANK", "destination")


def facts(text: str = "x", **kw) -> MessageFacts:
    return MessageFacts(text=text, received_at=T0, **kw)


# --- urgent first ----------------------------------------------------------------------------

def test_scammer_on_the_line_nothing_paid_hang_up_first_then_bank_and_1441():
    (r,) = replay(turns("มีคนวิดีโอคอลมาอ้างเป็นตำรวจ ตอนนี้ยังอยู่ในสาย บอกให้โอนภายใน 1 ชั่วโมง "
                        "ยังไม่ได้โอนค่ะ"))
    assert r.priority == "P0"
    assert first_line(r).startswith("วางสาย")
    joined = "\n".join(r.replies)
    assert "1441" in joined and "หลังบัตร" in joined
    assert "ใช่ไหมคะ" not in joined and "เลือกแบบ" not in joined  # no type question
    assert r.state.loss_total is None and r.state.money_lost is not True
    kinds = [type(c).__name__ for c in r.decision.commands]
    assert "Escalate" in kinds  # straight to staff


def test_money_still_leaving_cut_internet_then_the_victims_bank():
    (r,) = replay(turns("ลงแอปตามที่เขาส่งมา ตอนนี้เงินในบัญชีกสิกรหายไปเรื่อยๆ ไม่หยุดเลย"))
    assert r.priority == "P0"
    assert "Wi-Fi" in r.replies[0]
    assert "02-888-8888" in r.replies[1] and "1441" in r.replies[1]


def test_p0_bank_unknown_gets_back_of_card_then_the_number_when_named():
    r1, r2 = replay(turns("โอนไป 8,500 บาทเมื่อ 20 นาทีที่แล้ว เข้าบัญชีกสิกร 123-4-56789-0",
                          "ไทยพาณิชย์ค่ะ"))
    assert r1.priority == "P0"
    assert "หลังบัตร" in r1.replies[0] and "1441" in r1.replies[0]
    assert "ธนาคารหรือวอลเล็ตไหน" in r1.replies[-1]  # the only question: which bank
    assert r2.state.victim_bank == "SCB"
    assert "ไทยพาณิชย์" in r2.replies[0] and any(ch.isdigit() for ch in r2.replies[0])


def test_urgent_lines_come_before_the_type_question_even_with_a_classifier_type():
    f = facts("โอนไป 5,000 เมื่อกี้", amount=Decimal(5000), paid_amounts=(Decimal(5000),),
              mentions_money_sent=True, transfer_at=T0 - timedelta(minutes=5),
              identifiers=(KBANK_ACCOUNT,), scam_type="romance", scam_type_confidence=0.4,
              intent="report_scam")
    d = decide(CaseState(), f, T0)
    texts = render_text(d.replies, "th", None)
    assert "1441" in texts[0]
    assert not any("ใช่ไหมคะ" in t for t in texts)  # P0: never asked to confirm the type
    assert d.state.type_confirmed == "skipped"


def test_english_victim_gets_english_urgent_lines():
    (r,) = replay(turns("I transferred 4000 baht 20 minutes ago to SCB account 111-2-33333-4 "
                        "from my Kasikorn app"))
    assert r.priority == "P0" and r.state.lang == "en"
    assert r.replies[0].startswith("Urgent") and "1441" in r.replies[0]


# --- not paid, negation ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "ได้ SMS พัสดุ กดลิงก์แล้วเขาให้จ่ายค่าธรรมเนียม 30 บาท แต่ไม่ได้จ่าย ไม่ได้ลงแอป เงินยังอยู่ครบ",
    "มีคนโทรมาอ้างเป็นธนาคาร ให้โอนเงิน 20,000 ไปบัญชีปลอดภัย แต่ยังไม่ได้โอนค่ะ",
    "got an SMS about a prize, they asked for a 500 baht fee, I didn't pay anything",
])
def test_requested_not_paid_is_p2_and_nothing_urgent(text):
    (r,) = replay(turns(text))
    assert r.priority == "P2"
    joined = "\n".join(r.replies)
    assert "ด่วนค่ะ" not in joined and "Urgent" not in joined and "Wi-Fi" not in joined
    assert r.state.loss_total is None and not r.state.app_installed


def test_a_promised_loan_is_never_the_loss():
    (r,) = replay(turns("แอปเงินกู้บอกอนุมัติ 50,000 เขาให้โอนค่าธรรมเนียม 3,000 ก็เลยโอนไปเมื่อ "
                        "10 นาทีที่แล้ว เข้ากรุงไทย 663-8-14029-7"))
    assert r.state.loss_total == Decimal("3000.00")
    assert r.priority == "P0"


# --- facts across turns ------------------------------------------------------------------------

def test_transfers_in_several_messages_add_up_and_a_repeat_does_not():
    rs = replay(turns("โอนไป 3,000 เข้ากสิกร 123-4-56789-0 เมื่อ 10 นาทีที่แล้ว",
                      "แล้วก็โอนเพิ่มอีก 2,000 ค่ะ", "ที่โอนไป 5,000 นะคะ"))
    assert [r.state.loss_total for r in rs] == [Decimal(3000), Decimal(5000), Decimal(5000)]


def test_the_latest_correction_wins():
    rs = replay(turns("โอนให้คนขายกล้องไป 5,000 เข้ากสิกร 123-4-56789-0 เมื่อชั่วโมงก่อน",
                      "ขอแก้ค่ะ ไม่ใช่ 5,000 เป็น 15,000"))
    assert rs[-1].state.loss_total == Decimal(15000)


def test_a_fact_given_before_its_question_is_not_asked():
    rs = replay(turns("โดนหลอกค่ะ ใช้แอป K PLUS โอนไป 2,000 เมื่อวานตอนบ่าย",
                      "ไม่ทราบเลขบัญชีค่ะ"))
    asked = [r.state.asked for r in rs]
    assert "victim_bank" not in asked and "amount" not in asked
    assert not any("ธนาคารหรือวอลเล็ตไหน" in t for r in rs for t in r.replies)


def test_dont_know_is_not_asked_again():
    rs = replay(turns("โดนหลอกซื้อของ โอนไปแล้ว 900 บาท", "ไม่ทราบค่ะ", "ไม่ทราบ"))
    asked = [r.state.asked for r in rs]
    assert asked[0] != asked[1] or asked[1] is None
    assert len(set(a for a in asked if a)) == len([a for a in asked if a])


def test_the_victims_bank_latest_wins():
    rs = replay(turns("โอนไป 1,000 เข้าพร้อมเพย์ 0812345678 เมื่อกี้ จากกสิกร",
                      "ขอโทษค่ะ จริง ๆ โอนจากกรุงไทย"))
    assert rs[0].state.victim_bank == "KBANK" and rs[-1].state.victim_bank == "KTB"


# --- the situation head, and keywords only raise -----------------------------------------------

def test_the_situation_head_alone_makes_the_case_urgent():
    f = facts("คุยกับเขาอยู่ค่ะ เขาบอกว่าถ้าไม่ทำตามจะโดนจับ", reports_scam=True,
              situation=Situation(on_line_now=0.93, money_paid=0.05))
    d = decide(CaseState(), f, T0)
    assert d.state.priority == "P0" and d.state.on_line
    assert render_text(d.replies, "th", None)[0].startswith("วางสาย")


def test_keywords_raise_when_the_model_says_no():
    f = facts("เงินยังไหลออกอยู่เลย", signals=Signals(money_still_leaving=True),
              situation=Situation(still_leaving=0.02, money_paid=0.1))
    assert decide(CaseState(), f, T0).state.priority == "P0"


def test_a_model_that_says_money_paid_counts_without_keywords():
    f = facts("เสร็จเขาแล้วค่ะ 4,000", identifiers=(KBANK_ACCOUNT,), reports_scam=True,
              money_words=True, situation=Situation(money_paid=0.9))
    d = decide(CaseState(), f, T0)
    assert d.state.money_lost is True and d.state.priority == "P0"


def test_the_model_alone_does_not_assume_a_loss_in_a_message_without_money():
    f = facts("โดนหลอกค่ะ", reports_scam=True, situation=Situation(money_paid=0.8))
    d = decide(CaseState(), f, T0)
    assert d.state.money_lost is None and d.state.asked == "money_lost"
    answer = facts("ใช่ค่ะ", situation=Situation(money_paid=0.8))
    assert decide(d.state, answer, T0).state.money_lost is True


def test_priority_never_drops_within_a_case():
    s = decide(CaseState(), facts("เงินยังไหลออก", signals=Signals(money_still_leaving=True)),
               T0).state
    later = decide(s, facts("ขอบคุณค่ะ"), T0 + timedelta(hours=5)).state
    assert later.priority == "P0"


# --- commands -----------------------------------------------------------------------------------

def test_commands_carry_the_incident_total_not_the_message_number():
    rs = replay(turns("โอนไป 3,000 เข้ากสิกร 123-4-56789-0 เมื่อ 10 นาทีที่แล้ว",
                      "แล้วก็โอนอีก 2,000 ค่ะ"))
    record = [c for c in rs[1].decision.commands if isinstance(c, commands.RecordFacts)]
    assert record and record[0].facts.amount == Decimal(5000)
    first = rs[0].decision.commands
    assert isinstance(first[0], commands.OpenCase)


def test_a_greeting_opens_no_case():
    (r,) = replay(turns("สวัสดีค่ะ"))
    assert r.priority is None and not r.decision.commands
    assert "เล่าเรื่อง" in r.replies[0]


def test_state_round_trips_through_json():
    (r,) = replay(turns("โอนไป 3,000 เข้ากสิกร 123-4-56789-0 เมื่อ 10 นาทีที่แล้ว จากกรุงไทย"))
    assert CaseState.from_json(r.state.to_json()) == r.state
    assert CaseState.from_json("{not json") is None


def test_decide_is_pure_and_deterministic():
    f = facts("โอนไป 3,000", amount=Decimal(3000), paid_amounts=(Decimal(3000),),
              mentions_money_sent=True)
    a, b = decide(CaseState(), f, T0), decide(CaseState(), replace(f), T0)
    assert a == b


def test_a_later_day_in_the_story_is_not_a_new_transfer_time():
    rs = replay(turns("โอนค่าของไป 2,000 เข้ากสิกร 123-4-56789-0 เมื่อ 5 วันก่อน",
                      "แล้วเขาก็บล็อกไลน์ไปเมื่อวานค่ะ"))
    assert rs[0].priority == "P1" and rs[-1].priority == "P1"
    assert rs[-1].state.last_transfer_at == rs[0].state.last_transfer_at


def test_a_corrected_time_lowers_the_priority_before_escalation():
    rs = replay(turns("เมื่อวานโอนค่าทัวร์ไป 25,000 เข้ากรุงเทพ 634-1-08259-7 ค่ะ",
                      "ขอแก้ค่ะ ไม่ใช่เมื่อวาน โอนเมื่อ 9 วันก่อน"))
    assert rs[0].priority == "P0" and rs[-1].priority == "P1"


# --- a person asked for, a transfer told twice -----------------------------------------------

def test_a_request_for_a_person_with_a_loss_gets_the_urgent_lines_then_the_queue():
    f = facts("ขอคุยกับเจ้าหน้าที่ โอนไป 20,000 เมื่อ 10 นาทีที่แล้ว", intent="request_human",
              amount=Decimal(20000), paid_amounts=(Decimal(20000),), mentions_money_sent=True,
              transfer_at=T0 - timedelta(minutes=10), time_is_transfer=True)
    d = decide(CaseState(), f, T0)
    texts = render_text(d.replies, "th", None, T0)
    assert "1441" in texts[0] and "หลังบัตร" in texts[0]  # before anything else
    kinds = [type(c).__name__ for c in d.commands]
    assert "HandToStaff" in kinds and d.state.with_staff and d.state.asked is None
    assert d.stage("question") == ()


def test_a_request_for_a_person_with_a_p0_loss_sends_the_freeze_packet():
    f = facts("ขอคุยกับคนค่ะ โอนไป 20,000 เมื่อกี้ เข้ากสิกร", intent="request_human",
              amount=Decimal(20000), paid_amounts=(Decimal(20000),), mentions_money_sent=True,
              transfer_at=T0, time_is_transfer=True, identifiers=(KBANK_ACCOUNT,))
    d = decide(CaseState(), f, T0)
    assert d.state.priority == "P0" and d.state.escalated
    assert "Escalate" in [type(c).__name__ for c in d.commands]


@pytest.mark.parametrize("second", [
    "ที่โอนไปคือ 5,500 ค่ะ ไม่ใช่ห้าพันพอดี",  # refers back to the transfer
    "5,500 บาท เข้ากสิกร 123-4-56789-0 ค่ะ",  # the same account, nothing new
])
def test_one_transfer_told_twice_is_counted_once(second):
    rs = replay(turns("โอนไป 5,000 เข้ากสิกร 123-4-56789-0 เมื่อ 10 นาทีที่แล้ว", second))
    assert rs[-1].state.loss_total in (Decimal(5000), Decimal(5500))
    assert len(rs[-1].state.paid) == 1


def test_a_bare_sum_sent_before_its_question_is_the_loss_and_not_asked_again():
    rs = replay(turns("โดนหลอกค่ะ โอนค่ามือถือไปแล้ว", "9,500 ค่ะ", "เมื่อ 15 นาทีที่แล้ว"))
    assert rs[1].state.loss_total == Decimal(9500)
    assert all(r.state.asked != "amount" for r in rs)


def test_the_situation_head_alone_does_not_call_a_dating_chat_a_call():
    # the head scored on_line_now 0.50 on this; no call words and nothing going on now
    f = facts("คุยกับหนุ่มต่างชาติในแอปหาคู่มาสองเดือน", reports_scam=True,
              situation=Situation(on_line_now=0.8, money_paid=0.1))
    d = decide(CaseState(), f, T0)
    assert not d.state.on_line and d.state.priority != "P0"
    assert not render_text(d.replies, "th", None)[0].startswith("วางสาย")


def test_not_paid_to_a_question_that_assumed_a_transfer_corrects_the_loss():
    # the model read a requested deposit as paid; the victim answers "when?" with "not paid"
    first = facts("เจ้าของห้องบอกให้โอนค่ามัดจำ 5,000 ก่อนค่ะ", reports_scam=True,
                  money_words=True, situation=Situation(money_paid=0.9))
    d1 = decide(CaseState(), first, T0)
    assert d1.state.money_lost is True and d1.state.asked == "transfer_time"
    d2 = decide(d1.state, facts("ยังไม่ได้โอนค่ะ", denies_loss=True), T0)
    assert d2.state.money_lost is False and d2.state.priority == "P2"


def test_the_priority_still_rises_while_staff_own_the_chat():
    waiting = CaseState(case_open=True, with_staff=True, priority="P2")
    f = facts("เสร็จเขาแล้วค่ะ 4,000", identifiers=(KBANK_ACCOUNT,), reports_scam=True,
              money_words=True, situation=Situation(money_paid=0.9))
    d = decide(waiting, f, T0)
    assert d.state.priority == "P0"
    kinds = [type(c).__name__ for c in d.commands]
    assert "SetPriority" in kinds
    # the freeze packet goes now, not when staff arrive; once
    assert "Escalate" in kinds and d.state.escalated
    assert "escalated" in [r.key for r in d.replies]
    again = decide(d.state, facts("ยังรออยู่นะคะ"), T0)
    assert not any(type(c).__name__ == "Escalate" for c in again.commands)
    assert again.replies == ()


def test_a_report_typed_while_waiting_for_staff_opens_the_case_staff_will_find():
    # the chat was queued before any case ("ขอคุยกับคน" while the dialogue was down)
    waiting = CaseState(with_staff=True)
    d = decide(waiting, facts("โอนไป 12,000 เมื่อชั่วโมงก่อน เข้าบัญชีกสิกร 123-4-56789-0",
                              identifiers=(KBANK_ACCOUNT,), reports_scam=True,
                              money_words=True, situation=Situation(money_paid=0.9)), T0)
    kinds = [type(c).__name__ for c in d.commands]
    assert kinds[0] == "OpenCase" and "RecordFacts" in kinds
    assert d.state.case_open and d.state.priority == "P0"
    # small talk while waiting opens nothing and says nothing
    quiet = decide(waiting, facts("รออยู่นะคะ"), T0)
    assert quiet.commands == () and quiet.replies == ()


@pytest.mark.parametrize("text", [
    "เบอร์คอลเซ็นเตอร์ของกรุงไทยเบอร์อะไรคะ จะจดไว้ให้พ่อ",
    "ถ้าโดนหลอกโอนเงิน ต้องแจ้งความภายในกี่วันคะ แค่อยากรู้ไว้",
    "Which number do I call to report a scam website? Not a scam on me, just asking for my class",
])
def test_a_question_in_which_nothing_happened_opens_no_case_and_gets_the_numbers(text):
    (r,) = replay(turns(text))
    assert r.priority is None and not r.state.case_open
    joined = "\n".join(r.replies)
    assert "1441" in joined and "thaipoliceonline.go.th" in joined


def test_a_question_after_an_approach_is_still_a_report():
    (r,) = replay(turns("มีคนทักมาชวนเช่าบัญชีธนาคาร เดือนละ 2,000 ผมยังไม่ได้ตอบ แบบนี้ผิดไหมครับ"))
    assert r.priority == "P2"


@pytest.mark.parametrize("text", [
    "ขอบคุณนะคะ โทรหาธนาคารแล้ว เขาอายัดให้แล้วค่ะ",
    "Just an update: the police called me back about last month's report, thank you",
])
def test_thanks_or_an_update_with_no_new_loss_opens_no_case(text):
    (r,) = replay(turns(text))
    assert r.priority is None and not r.state.case_open


def test_the_writers_own_account_held_gets_its_help_not_a_case():
    (r,) = replay(turns("อยู่ๆ บัญชีผมโดนระงับ โอนออกไม่ได้ ไม่รู้สาเหตุ ต้องทำยังไงครับ"))
    assert r.priority is None and not r.state.case_open
    assert "1441" in "\n".join(r.replies)


@pytest.mark.parametrize("text", [
    "ไม่ได้มีใครโดนหลอกนะคะ แค่อยากรู้ไว้",
    "nothing happened, just asking for the future",
])
def test_the_models_distress_does_not_escalate_when_the_words_say_nothing_happened(text):
    d = decide(CaseState(), facts(text, intent="distress", intent_confidence=0.8,
                                  general_question=False, nothing_happened=True), T0)
    assert d.state.priority != "P0"
    assert not any(type(c).__name__ == "HandToStaff" for c in d.commands)


def test_self_harm_words_escalate_whatever_else_is_said():
    (r,) = replay(turns("ยังไม่ได้โอนค่ะ แต่ตอนนี้ไม่อยากมีชีวิตอยู่แล้ว"))
    assert r.priority == "P0"
