"""End-to-end conversations through Rasa's REST channel with the NLU service and our action
server (a real Rasa 3.6 server calling a real rasa-sdk 3.21 action server), asserting the case
record, the triage decision, the outbox entry and the key facts in the replies."""

from __future__ import annotations

from sqlalchemy import select

import pytest

from bot.cases.timeline import CaseEvent
from bot.storage.models import (
    Case,
    ConsentRecord,
    Conversation,
    Identifier,
    Message,
    OutboxMessage,
)
from bot.clock import aware_utc
from bot.texts_catalog import format_datetime

pytestmark = pytest.mark.rasa


def _case(db, chat) -> Case:
    db.expire_all()
    return db.scalars(select(Case).where(Case.conversation_id == chat.id)).one()


def _events(db, case) -> list[str]:
    return list(db.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)))


def test_action_protocol_rasa_36_with_rasa_sdk_3_21(chat, db):
    """Rasa calls the action server, gets events and messages back, and applies them."""
    import httpx
    import rasa_sdk

    assert rasa_sdk.__version__ == "3.21.1"
    assert httpx.get(f"{chat.stack.rasa_url}/version", timeout=10).json()["version"] == "3.6.21"
    turn = chat.send("สวัสดีค่ะ")
    assert "เล่าเรื่อง" in turn.joined and "ไม่ใช่ AOC" in turn.joined
    events = chat.tracker()["events"]
    actions = [e.get("name") for e in events if e["event"] == "action"]
    assert "action_greet" in actions
    assert any(e["event"] == "slot" and e["name"] == "language" and e["value"] == "th"
               for e in events)
    db.expire_all()
    assert db.scalar(select(ConsentRecord.kind).where(
        ConsentRecord.conversation_id == chat.id)) == "privacy_notice_shown"
    # the notice is shown once
    assert "ไม่ใช่ AOC" not in chat.send("สวัสดีค่ะ").joined


def test_p0_first_reply_is_the_victims_bank_hotline_then_escalation(chat, db):
    turn = chat.send("สั่งของในเฟซแล้วโอนไป 2,500 บาท เมื่อ 20 นาทีที่แล้ว เข้าบัญชีกสิกร "
                     "123-4-56789-0 จากบัญชีไทยพาณิชย์ของฉัน ร้านบล็อกเลย")
    first = turn.texts[0]
    assert "02-777-7575" in first and "1441" in first  # SCB's fraud line
    case = _case(db, chat)
    assert case.priority == "P0" and case.status == "escalated"
    assert case.case_number in turn.joined
    deadline = format_datetime("th", aware_utc(case.hold_deadline_at))
    assert deadline in turn.joined
    assert "thaipoliceonline.go.th" in turn.joined
    assert turn.custom("handoff") == ["waiting_for_staff"]
    card = turn.custom("card")[0]
    assert card["case_number"] == case.case_number and card["priority"] == "P0"
    (row,) = db.scalars(select(OutboxMessage).where(
        OutboxMessage.idempotency_key.like(f"{case.id}:%"))).all()
    assert row.payload["transfers"][0]["to_account_no"] == "1234567890"
    assert row.payload["transfers"][0]["from_bank_code"] == "014"
    assert db.get(Conversation, chat.id).handoff_state == "waiting_for_staff"
    ident = db.scalars(select(Identifier).where(Identifier.case_id == case.id,
                                                Identifier.kind == "account")).one()
    assert db.get(Message, ident.message_id).conversation_id == chat.id
    assert {"case_opened", "triaged", "packet_queued", "escalated", "handoff_changed"} <= set(
        _events(db, case))
    # staff own the chat now: the engine does not forward, the bot stays silent
    assert chat.send("ขอบคุณค่ะ").replies == []


def test_p0_asks_only_what_is_missing_and_accepts_dont_know(chat, db):
    t1 = chat.send("งานกดไลก์ ให้เติมเงินก่อน โอนพร้อมเพย์ 0812345678 ไป 3,000 บาท "
                   "เมื่อ 1 ชั่วโมงที่แล้ว")
    assert "1441" in t1.texts[0] and "ธนาคารของคุณ" in t1.texts[0]
    assert "ธนาคาร" in t1.texts[-1]  # the only question: which bank
    t2 = chat.send("กสิกรไทย")
    assert "02-888-8888" in t2.texts[0]
    case = _case(db, chat)
    assert case.priority == "P0" and case.status == "escalated"
    packet = db.scalars(select(OutboxMessage)).all()
    transfer = next(r.payload for r in packet if r.idempotency_key.startswith(case.id))
    assert transfer["transfers"][0]["promptpay_type"] == "mobile"


def test_p1_older_loss_gets_complaint_draft_and_no_escalation(chat, db):
    chat.send("ซื้อบัตรคอนเสิร์ตกับแม่ค้าในทวิต")
    t = chat.send("เสียเงินแล้ว")
    assert "เมื่อไหร่" in t.joined
    chat.send("5 วันก่อน")
    chat.send("10,000 บาท")
    chat.send("ออมสิน")
    chat.send("ไทยพาณิชย์ 987-6-54321-0")
    t = chat.send('/inform{"scam_type":"online_shopping"}')  # confirms or picks the type
    case = _case(db, chat)
    assert case.priority == "P1" and case.status == "open"
    assert "หลอกลวงซื้อขายสินค้าหรือบริการ" in t.joined
    assert "987-6-54321-0" in t.joined and "10,000 บาท" in t.joined
    assert "72 ชั่วโมง" in t.joined
    assert not db.scalars(select(OutboxMessage).where(
        OutboxMessage.idempotency_key.like(f"{case.id}:%"))).all()


def test_p2_no_money_lost(chat, db):
    chat.send("ได้ SMS ว่าถูกรางวัล ให้โอนค่าธรรมเนียม 500 บาท แต่ยังไม่ได้โอนค่ะ")
    case = _case(db, chat)
    assert case.money_lost is False
    t = chat.send("/affirm")
    assert "ดีมากที่ยังไม่เสียเงิน" in t.joined
    assert _case(db, chat).priority == "P2"


def test_a_forwarded_lure_is_a_check_not_a_loss_interview(chat, db):
    """'Is this a scam?' + a pasted lure (issue 13): what it looks like and what to do, the
    lure's link kept on the case, and no 'did you lose money?'."""
    turn = chat.send('อันนี้หลอกไหมคะ "ยินดีด้วย คุณได้รับสิทธิ์สินเชื่อ 50,000 บาท ไม่ต้องค้ำ '
                     'กดรับสิทธิ์ที่ https://bit.ly/3xLoan9 หรือแอดไลน์ @fastloan99"')
    assert "อย่ากดลิงก์" in turn.joined and "ถ้ากดลิงก์" in turn.joined
    assert "เสียเงินไปแล้วหรือยัง" not in turn.joined
    case = _case(db, chat)
    assert str(case.priority) == "P2"
    kinds = set(db.scalars(select(Identifier.kind).where(Identifier.case_id == case.id)))
    assert {"url", "line_id"} <= kinds


def test_type_correction(chat, db):
    chat.send("โดนหลอกค่ะ")
    chat.send("/deny")  # no money lost
    t = chat.send("/deny")  # not that type
    assert any(b["payload"].startswith("/inform") for r in t.replies for b in r.get("buttons", []))
    t = chat.send('/inform{"scam_type":"romance"}')
    case = _case(db, chat)
    assert case.scam_type == "romance"
    assert "scam_type_corrected" in _events(db, case) or "scam_type_set" in _events(db, case)


def test_scammer_on_the_line_gets_the_shortest_path(chat, db):
    t = chat.send("มีคนอ้างเป็นตำรวจ เขายังอยู่ในสาย บอกให้โอนเงินอีก")
    assert t.texts[0].startswith("วางสาย")
    assert t.custom("handoff") == ["waiting_for_staff"]
    assert _case(db, chat).priority == "P0"


def test_distress_goes_to_staff_with_1323(chat, db):
    t = chat.send("โดนโกงไปหมดตัว ไม่อยากอยู่แล้ว")
    assert "1323" in t.joined and t.custom("handoff") == ["waiting_for_staff"]
    case = _case(db, chat)
    assert case.priority == "P0" and "human_requested" in _events(db, case)


def test_recovery_offer_is_warned(chat):
    t = chat.send("มีเพจบอกว่าจะตามเงินคืนให้ แต่ต้องจ่ายค่าทนายก่อน")
    assert "มิจฉาชีพรอบสอง" in t.joined and "1441" in t.joined


def test_check_identifier_counts_reports_and_never_says_safe(dialogue_stack, db):
    first = dialogue_stack.chat()
    first.send("โดนหลอกซื้อของ โอนเข้าบัญชีกรุงไทย 555-1-23456-7 ไป 900 บาท 4 วันก่อน")
    other = dialogue_stack.chat()
    t = other.send("บัญชี 555-1-23456-7 เคยมีคนแจ้งไหม")
    assert "1 ครั้ง" in t.joined
    t = other.send("เบอร์ 0891112222 เคยมีคนแจ้งไหม")
    assert "ไม่ได้แปลว่าปลอดภัย" in t.joined and "ปลอดภัย" not in t.joined.replace(
        "ไม่ได้แปลว่าปลอดภัย", "")


def test_case_status_and_human_request(chat, db):
    chat.send("โดนหลอกลงทุนหุ้นในกลุ่มไลน์")
    t = chat.send("สถานะเคสของฉัน")
    case = _case(db, chat)
    assert case.case_number in t.joined and "ระงับยอด" not in t.joined
    from decimal import Decimal

    case.amount_held_thb = Decimal("1500")  # what an exchange callback records
    db.commit()
    t = chat.send("สถานะเคสของฉัน")
    assert "ระงับยอดไว้แล้ว 1,500 บาท" in t.joined
    t = chat.send("ขอคุยกับเจ้าหน้าที่")
    assert t.custom("handoff") == ["waiting_for_staff"]
    assert db.get(Conversation, chat.id).handoff_state == "waiting_for_staff"


def test_delete_my_data_confirms_then_deletes(chat, db):
    chat.send("โดนหลอกซื้อของ โอนไป 700 บาท เข้าบัญชีกสิกร 321-0-98765-4 เมื่อ 6 วันก่อน")
    import json

    assert "321-0-98765-4" in json.dumps(chat.tracker(), ensure_ascii=False)
    t = chat.send("ลบข้อมูลของฉัน")
    assert "ต้องการลบข้อมูล" in t.joined
    t = chat.send("/affirm")
    assert "ลบข้อมูลของคุณแล้ว" in t.joined
    db.expire_all()
    case = _case(db, chat)
    assert db.scalars(select(Identifier).where(Identifier.case_id == case.id)).all() == []
    assert db.get(Conversation, chat.id).anonymised_at is not None
    assert "data_deleted" in _events(db, case)
    # Rasa's copy of the messages goes too, once Rasa has stored the deletion turn
    import time

    deadline = time.monotonic() + 15
    while "321-0-98765-4" in json.dumps(chat.tracker(), ensure_ascii=False):
        assert time.monotonic() < deadline, "the tracker still holds the deleted messages"
        time.sleep(0.5)


def test_english_conversation(chat, db):
    t = chat.send("I was scammed, I transferred 4000 baht 20 minutes ago to SCB account "
                  "111-2-33333-4")
    assert "1441" in t.texts[0] and "Urgent" in t.texts[0]
    t = chat.send("Kasikorn")
    assert "02-888-8888" in t.joined and "Case" in t.joined or "case number" in t.joined
    assert _case(db, chat).priority == "P0"


def test_a_new_case_after_staff_closed_the_last_one_starts_a_fresh_intake(chat, db):
    chat.send("โดนหลอกซื้อของ โอนไป 900 บาท เข้าบัญชีกสิกร 135-7-92468-0 เมื่อ 9 วันก่อน "
              "จากบัญชีออมสิน")
    chat.send("/affirm")
    first = _case(db, chat)
    first.status = "closed"  # what the staff console does when the case is done
    db.commit()
    t = chat.send("มีเรื่องใหม่ค่ะ โดนหลอกลงทุนอีกแล้ว")
    assert "โอนเงินหรือเสียเงินไปแล้วหรือยัง" in t.joined  # asked afresh, not concluded
    db.expire_all()
    cases = db.scalars(select(Case).where(Case.conversation_id == chat.id)).all()
    assert len(cases) == 2 and cases[0].case_number != cases[1].case_number


def test_a_slip_answers_the_bank_question(chat, db):
    t = chat.send("โดนหลอกซื้อของ โอนไป 1,800 บาท เข้าบัญชีกสิกร 246-8-13579-1 เมื่อ 4 วันก่อน")
    assert "ธนาคารหรือวอลเล็ตไหน" in t.joined
    t = chat.send("/slip_received", metadata={"slip_qr": {
        "sending_bank_code": "014", "transaction_ref": "2026112414301234ABC",
        "evidence_id": None, "attached_to_case_id": None}})
    assert "ธนาคารหรือวอลเล็ตไหน" not in t.joined
    case = _case(db, chat)
    assert case.victim_bank == "SCB"
    ref = db.scalars(select(Identifier).where(Identifier.case_id == case.id,
                                              Identifier.kind == "transaction_ref")).one()
    assert ref.normalized_value == "2026112414301234ABC" and ref.source == "slip_qr"


def test_an_unsure_classifier_does_not_lose_a_report_of_money_lost(chat, db):
    if chat.stack.nlu_used != "stub":
        pytest.skip("the '[unsure]' marker is the stub's way to answer nlu_fallback")
    t = chat.send("[unsure] เขาเอาเงินไป 6,000 บาท เมื่อ 15 นาทีที่แล้ว เข้าบัญชีกรุงไทย 864-2-97531-0")
    assert "1441" in t.texts[0]  # urgent first, as for any report
    assert "ธนาคารหรือวอลเล็ตไหน" in t.joined  # and the intake started
    t = chat.send("ไทยพาณิชย์")
    assert "02-777-7575" in t.texts[0] and t.custom("handoff") == ["waiting_for_staff"]
    assert _case(db, chat).priority == "P0"
