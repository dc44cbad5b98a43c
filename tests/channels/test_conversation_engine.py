"""The conversation engine with fakes: storage, dialogue, handoff silence, fallback, staff and
push messages, evidence and slip QR on cases, live events."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from channel_fakes import CASE_NUMBER
from conftest import slip_png
from sqlalchemy import func, select

from bot.cases.evidence import attach_pending_evidence
from bot.conversation.rasa_items import DialogueIntents, replies_from_rasa
from bot.texts_catalog import dialogue_unavailable_text
from bot.conversation.types import Attachment, InboundMessage, Reply
from bot.handoff import HandoffAction
from bot.cases.timeline import CaseEvent
from bot.storage.models import (
    Case,
    Conversation,
    Evidence,
    HandoffState,
    Identifier,
    Message,
    StaffUser,
)


def inbound(text=None, *, user="U1", mid=None, **kw) -> InboundMessage:
    return InboundMessage(channel="line", channel_user_id=user, text=text,
                          received_at=datetime.now(UTC), channel_message_id=mid, **kw)


def count(sessions, model) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def conversation(sessions, user="U1") -> Conversation:
    with sessions() as s:
        return s.scalar(select(Conversation).where(Conversation.channel_user_id == user))


def open_case(sessions, conversation_id: str) -> str:
    with sessions.begin() as s:
        case = Case(case_number=CASE_NUMBER, conversation_id=conversation_id,
                    amount_lost_thb=Decimal("15000"))
        s.add(case)
        s.flush()
        return case.id


def add_staff(sessions) -> str:
    with sessions.begin() as s:
        staff = StaffUser(username="nok", display_name="Nok", password_hash="x")
        s.add(staff)
        s.flush()
        return staff.id


async def test_text_is_stored_answered_and_published(kit):
    replies = await kit.engine.handle_inbound(inbound("โดนหลอกโอนเงินค่าสินค้าค่ะ", mid="m1"))

    assert [r.text is not None for r in replies] == [True, True, False]
    assert replies[1].quick_replies[0].payload == "/affirm"
    assert replies[2].card.case_number == CASE_NUMBER
    assert replies[2].card.deadline_text == "วันจันทร์ที่ 30 พ.ย. 2569 เวลา 14:05 น."
    conv = conversation(kit.sessions)
    assert all(r.message_id and r.session_id == conv.session_id for r in replies)
    assert count(kit.sessions, Message) == 4  # 1 inbound + 3 outbound
    call = kit.dialogue.calls[0]
    assert call["sender"] == conv.id and call["message"] == "โดนหลอกโอนเงินค่าสินค้าค่ะ"
    assert call["metadata"]["channel"] == "line" and call["metadata"]["language"] == "th"
    stored = [e for e in kit.events.published if e.type == "message_stored"]
    assert [e.data["direction"] for e in stored] == ["inbound", "outbound", "outbound", "outbound"]
    assert "case_updated" in kit.events.types()


async def test_the_same_platform_message_is_handled_once(kit):
    first = await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    again = await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    assert first and again == []
    assert count(kit.sessions, Message) == 2
    assert len(kit.dialogue.calls) == 1


async def test_the_fallback_names_the_victims_bank_when_the_case_knows_it(kit):
    await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    case_id = open_case(kit.sessions, conversation(kit.sessions).id)
    with kit.sessions.begin() as s:
        s.get(Case, case_id).victim_bank = "KBANK"
    kit.dialogue.down = True
    [reply] = await kit.engine.handle_inbound(inbound("ช่วยด้วย", mid="m2"))
    assert "02-888-8888" in reply.text and "1441" in reply.text


async def test_dialogue_down_keeps_the_message_gives_hotlines_and_queues_for_staff(kit):
    kit.dialogue.down = True
    replies = await kit.engine.handle_inbound(inbound("ช่วยด้วย โดนหลอก", mid="m1"))

    assert [r.text for r in replies] == [dialogue_unavailable_text("th")]
    assert "1441" in replies[0].text and "ธนาคาร" in replies[0].text
    assert replies[0].sender_kind == "system"
    assert conversation(kit.sessions).handoff_state == HandoffState.WAITING_FOR_STAFF
    with kit.sessions() as s:
        texts = [m.text for m in s.scalars(select(Message).order_by(Message.created_at))]
    assert texts == ["ช่วยด้วย โดนหลอก", dialogue_unavailable_text("th")]
    assert "dialogue_unavailable" in kit.events.types()
    change = next(e for e in kit.events.published if e.type == "handoff_changed")
    assert change.data["to"] == "waiting_for_staff"
    assert change.data["reason"] == "dialogue_unavailable"


async def test_bot_is_silent_while_staff_own_the_chat(kit):
    await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    conv = conversation(kit.sessions)
    staff_id = add_staff(kit.sessions)
    await kit.engine.change_handoff(conv.id, HandoffAction.CLAIM, actor=f"staff:{staff_id}",
                                    staff_id=staff_id)
    kit.events.published.clear()

    replies = await kit.engine.handle_inbound(inbound("ยังอยู่ไหมคะ", mid="m2"))

    assert replies == []
    assert len(kit.dialogue.calls) == 1
    [event] = kit.events.published
    assert event.type == "message_stored" and event.data["bot_silent"] is True
    assert {"conversation:" + conv.id, "staff"} == set(event.topics())


async def test_dialogue_handoff_request_puts_the_chat_in_the_queue(kit):
    replies = await kit.engine.handle_inbound(inbound("ขอคุยกับเจ้าหน้าที่", mid="m1"))
    assert [r.text for r in replies] == ["กำลังส่งต่อให้เจ้าหน้าที่ค่ะ รอสักครู่นะคะ"]
    assert conversation(kit.sessions).handoff_state == HandoffState.WAITING_FOR_STAFF
    assert kit.events.types()[-1] == "handoff_changed"


async def test_buttons_from_an_old_session_do_nothing(kit):
    await kit.engine.handle_inbound(inbound("โดนหลอกโอนเงิน", mid="m1"))
    conv = conversation(kit.sessions)

    stale = await kit.engine.handle_inbound(
        inbound(None, mid="p1", postback="/affirm", session_id="old-session"))
    fresh = await kit.engine.handle_inbound(
        inbound(None, mid="p2", postback="/affirm", session_id=conv.session_id))

    assert stale == []
    assert fresh[0].text.startswith("รับทราบค่ะ")
    assert [c["message"] for c in kit.dialogue.calls] == ["โดนหลอกโอนเงิน", "/affirm"]


async def test_writing_after_close_reopens_with_a_new_session(kit):
    await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    conv = conversation(kit.sessions)
    await kit.engine.change_handoff(conv.id, HandoffAction.CLOSE, actor="system")

    replies = await kit.engine.handle_inbound(inbound("กลับมาอีกแล้วค่ะ", mid="m2"))

    after = conversation(kit.sessions)
    assert replies and after.handoff_state == HandoffState.BOT
    assert after.session_id != conv.session_id
    assert replies[0].session_id == after.session_id


async def test_staff_message_claims_stores_pushes_and_publishes(kit):
    await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    conv = conversation(kit.sessions)
    staff_id = add_staff(kit.sessions)

    view = await kit.engine.send_staff_message(conv.id, staff_id, "สวัสดีค่ะ เจ้าหน้าที่นกค่ะ")

    assert view["sender_kind"] == "staff" and view["sender_staff_id"] == staff_id
    assert view["delivered_at"] is not None
    [(user, reply)] = kit.output.pushed
    assert user == "U1" and reply.text == "สวัสดีค่ะ เจ้าหน้าที่นกค่ะ"
    assert reply.message_id == view["id"]
    after = conversation(kit.sessions)
    assert after.handoff_state == HandoffState.STAFF and after.assigned_staff_id == staff_id
    assert "handoff_changed" in kit.events.types()
    assert kit.events.published[-1].data["id"] == view["id"]


async def test_failed_push_keeps_the_message_and_says_so(kit):
    await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    conv = conversation(kit.sessions)

    async def broken(**_):
        raise ConnectionError("LINE unreachable")

    kit.output.push = broken
    [reply] = await kit.engine.deliver_push(conv.id, [Reply(text="อัปเดต: ธนาคารระงับบัญชีแล้ว")])

    assert reply.sender_kind == "system"
    with kit.sessions() as s:
        stored = s.get(Message, reply.message_id)
        assert stored.text.startswith("อัปเดต") and stored.delivered_at is None
    assert kit.events.types()[-1] == "delivery_failed"


async def test_status_update_push_is_delivered(kit):
    await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    conv = conversation(kit.sessions)
    [reply] = await kit.engine.deliver_push(conv.id, [Reply(text="ธนาคารรับเรื่องแล้วค่ะ")])
    assert kit.output.pushed[-1][1].message_id == reply.message_id
    with kit.sessions() as s:
        assert s.get(Message, reply.message_id).delivered_at is not None


async def test_slip_image_on_an_open_case_becomes_evidence_and_an_identifier(kit):
    await kit.engine.handle_inbound(inbound("โดนหลอกโอนเงิน", mid="m1"))
    conv = conversation(kit.sessions)
    case_id = open_case(kit.sessions, conv.id)
    image = slip_png("014", "202202192TigfEjHASicIVY98")

    replies = await kit.engine.handle_inbound(inbound(
        None, mid="img1", attachments=(Attachment("image", "image/png", data=image),)))

    assert replies[0].text == "ได้รับสลิปแล้วค่ะ เลขอ้างอิง 202202192TigfEjHASicIVY98"
    assert kit.dialogue.calls[-1]["message"] == DialogueIntents.SLIP
    assert kit.dialogue.calls[-1]["metadata"]["slip_qr"]["attached_to_case_id"] == case_id
    with kit.sessions() as s:
        evidence = s.scalar(select(Evidence))
        assert evidence.case_id == case_id and evidence.size_bytes == len(image)
        assert evidence.slip_qr["sending_bank_code"] == "014" and evidence.slip_qr["crc_valid"]
        import hashlib
        from pathlib import Path

        assert evidence.sha256 == hashlib.sha256(image).hexdigest()
        assert Path(evidence.storage_path).read_bytes() == image
        identifier = s.scalar(select(Identifier))
        assert (identifier.kind, identifier.source) == ("transaction_ref", "slip_qr")
        assert identifier.normalized_value == "202202192TigfEjHASicIVY98"
        assert identifier.bank_code == "SCB" and identifier.case_id == case_id
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))]
        assert "slip_qr_attached" in kinds and "evidence_added" in kinds
    update = [e for e in kit.events.published if e.type == "case_updated"][-1]
    assert update.data["change"] == "slip_qr_attached"


async def test_slip_before_a_case_waits_and_is_adopted_by_the_new_case(kit):
    image = slip_png("004", "014242082547BPM04988")
    await kit.engine.handle_inbound(inbound(
        None, mid="img1", attachments=(Attachment("image", "image/png", data=image),)))
    with kit.sessions() as s:
        evidence = s.scalar(select(Evidence))
        assert evidence.case_id is None and evidence.slip_qr["transaction_ref"]
    assert count(kit.sessions, Identifier) == 0

    conv = conversation(kit.sessions)
    case_id = open_case(kit.sessions, conv.id)
    with kit.sessions.begin() as s:
        assert attach_pending_evidence(s, case=s.get(Case, case_id)) == 1
    with kit.sessions() as s:
        identifier = s.scalar(select(Identifier))
        assert identifier.case_id == case_id and identifier.bank_code == "KBANK"


async def test_non_slip_image_sticker_and_location_reach_the_dialogue_as_intents(kit):
    from PIL import Image
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, format="PNG")
    await kit.engine.handle_inbound(inbound(
        None, mid="i", attachments=(Attachment("image", "image/png", data=buffer.getvalue()),)))
    await kit.engine.handle_inbound(inbound(
        None, mid="s", attachments=(Attachment("sticker", meta={"keywords": ["ok"]}),)))
    await kit.engine.handle_inbound(inbound(
        None, mid="l", attachments=(Attachment("location", meta={"latitude": 13.7}),)))
    assert [c["message"] for c in kit.dialogue.calls] == [
        DialogueIntents.IMAGE, DialogueIntents.STICKER, DialogueIntents.LOCATION]
    assert kit.dialogue.calls[1]["metadata"]["attachments"][0]["meta"]["keywords"] == ["ok"]


async def test_history_is_in_order_for_replay(kit):
    await kit.engine.handle_inbound(inbound("ข้อความแรก", mid="m1"))
    await kit.engine.handle_inbound(inbound("ข้อความสอง", mid="m2"))
    conv = conversation(kit.sessions)
    history = kit.engine.history(conv.id)
    assert [m["text"] for m in history] == [
        "ข้อความแรก", "รับทราบค่ะ: ข้อความแรก", "ข้อความสอง", "รับทราบค่ะ: ข้อความสอง"]


def test_rasa_items_map_to_replies():
    replies, handoff, updates = replies_from_rasa([
        {"text": "a",
         "buttons": [{"title": "ปุ่มที่ยาวเกินยี่สิบตัวอักษรแน่นอน", "payload": "/x"}]},
        {"custom": {"handoff": "waiting_for_staff", "case_updated": {"case_id": "c"}}},
        {"custom": {"card": {"case_number": "SK-1", "priority": "P1", "amount_thb": "99.5",
                             "deadline_text": "พรุ่งนี้"}}},
        {"image": "http://x/y.png"},
    ])
    assert handoff == "waiting_for_staff" and updates == [{"case_id": "c"}]
    assert len(replies[0].quick_replies[0].label) == 20
    assert replies[1].card.amount_thb == 99.5 and replies[1].card.deadline_text == "พรุ่งนี้"
    assert replies[2].text == "http://x/y.png"


def test_a_card_deadline_is_bangkok_clock_time_in_the_conversations_language():
    card = {"custom": {"card": {"case_number": "SK-1",
                                "deadline_at": "2026-11-28T17:30:00+00:00"}}}
    [thai], _, _ = replies_from_rasa([card], language="th")
    [english], _, _ = replies_from_rasa([card], language="en")
    assert thai.card.deadline_text == "วันอาทิตย์ที่ 29 พ.ย. 2569 เวลา 00:30 น."
    assert english.card.deadline_text == "Sun 29 Nov 2026, 00:30 (Bangkok time)"


async def test_the_fallback_speaks_the_conversations_language(kit):
    kit.dialogue.down = True
    [reply] = await kit.engine.handle_inbound(inbound("help, I was scammed", mid="m1",
                                                      language_hint="en"))
    assert reply.text == dialogue_unavailable_text("en")
    assert "1441" in reply.text and "ขออภัย" not in reply.text


async def test_the_app_publishes_the_dialogues_handoff_but_never_applies_it_again(kit):
    """The action server moves the chat (and records and audits it) before Rasa answers with
    `custom.handoff`; the app reads the result back. A dialogue that says so without having
    done it leaves the chat where it is."""
    from bot.conversation.rasa_client import FakeDialogue
    from bot.storage.models import AuditLog

    acting = kit.engine.dialogue  # the kit's fake acts like our action server
    kit.engine.dialogue = FakeDialogue([{"text": "ส่งต่อค่ะ"},
                                        {"custom": {"handoff": "waiting_for_staff"}}])
    await kit.engine.handle_inbound(inbound("ขอคุยกับคน", mid="m1"))

    assert conversation(kit.sessions).handoff_state == HandoffState.BOT
    assert count(kit.sessions, AuditLog) == 0
    change = next(e for e in kit.events.published if e.type == "handoff_changed")
    assert (change.data["from"], change.data["to"]) == ("bot", "bot")

    kit.engine.dialogue = acting
    await kit.engine.handle_inbound(inbound("ขอคุยกับเจ้าหน้าที่", user="U2", mid="m2"))
    assert conversation(kit.sessions, "U2").handoff_state == HandoffState.WAITING_FOR_STAFF
    assert count(kit.sessions, AuditLog) == 1  # moved once, by the (fake) action server


@pytest.mark.parametrize("state", ["waiting_for_staff"])
async def test_waiting_for_staff_is_silent_too(kit, state):
    await kit.engine.handle_inbound(inbound("ขอคุยกับเจ้าหน้าที่", mid="m1"))
    assert conversation(kit.sessions).handoff_state == state
    assert await kit.engine.handle_inbound(inbound("รออยู่นะคะ", mid="m2")) == []
    # the dialogue still reads it (a correction or the report itself updates the case staff
    # will open); it says nothing
    assert len(kit.dialogue.calls) == 2


async def test_a_victim_waiting_for_staff_who_says_the_scammer_is_on_the_line_is_told_to_hang_up(
        kit):
    await kit.engine.handle_inbound(inbound("ขอคุยกับเจ้าหน้าที่", mid="m1"))
    case_id = open_case(kit.sessions, conversation(kit.sessions).id)
    with kit.sessions.begin() as s:
        s.get(Case, case_id).victim_bank = "KBANK"

    [reply] = await kit.engine.handle_inbound(
        inbound("ตอนนี้เขาโทรมาอีกแล้ว ยังไม่ยอมวางสาย ให้โอนเพิ่มอีก", mid="m2"))

    assert reply.text.index("วางสาย") < reply.text.index("02-888-8888")
    assert "1441" in reply.text and reply.sender_kind == "bot"  # said by the dialogue
    assert conversation(kit.sessions).handoff_state == HandoffState.WAITING_FOR_STAFF
    with kit.sessions() as s:  # the reply is kept in the chat staff will read
        texts = [m.text for m in s.scalars(select(Message).order_by(Message.created_at))]
    assert texts[-1] == reply.text


async def test_money_still_leaving_while_waiting_gets_cut_the_internet_and_staff_chats_stay_silent(
        kit):
    await kit.engine.handle_inbound(inbound("ขอคุยกับเจ้าหน้าที่", mid="m1"))
    [reply] = await kit.engine.handle_inbound(
        inbound("money is still leaving my account right now, another debit just came", mid="m2"))
    # the chat's language (Thai, from the first message); no bank known yet: "back of the card"
    assert "โหมดเครื่องบิน" in reply.text and "1441" in reply.text and "หลังบัตร" in reply.text
    assert "วางสาย" not in reply.text

    with kit.sessions.begin() as s:
        conv = s.scalar(select(Conversation))
        conv.handoff_state = HandoffState.STAFF
    assert await kit.engine.handle_inbound(
        inbound("money is still leaving my account right now", mid="m3")) == []


async def test_while_waiting_with_the_dialogue_down_only_first_steps_that_cannot_wait(kit):
    await kit.engine.handle_inbound(inbound("ขอคุยกับเจ้าหน้าที่", mid="m1"))
    kit.dialogue.down = True
    assert await kit.engine.handle_inbound(inbound("รออยู่นะคะ", mid="m2")) == []
    [reply] = await kit.engine.handle_inbound(
        inbound("เขายังอยู่ในสายค่ะ บอกให้โอนเพิ่ม", mid="m3"))
    assert reply.text.startswith("วางสาย") or "วางสาย" in reply.text.split("\n")[0]
    assert "1441" in reply.text and reply.text != dialogue_unavailable_text("th")
    assert conversation(kit.sessions).handoff_state == HandoffState.WAITING_FOR_STAFF
    with kit.sessions() as s:  # every message is kept for staff
        inbound_texts = [m.text for m in s.scalars(select(Message).where(
            Message.direction == "inbound").order_by(Message.created_at))]
    assert inbound_texts[-2:] == ["รออยู่นะคะ", "เขายังอยู่ในสายค่ะ บอกให้โอนเพิ่ม"]


async def test_money_just_sent_while_waiting_gets_the_bank_line_and_small_talk_stays_silent(kit):
    await kit.engine.handle_inbound(inbound("ขอคุยกับเจ้าหน้าที่", mid="m1"))
    assert await kit.engine.handle_inbound(inbound("รออยู่นะคะ ขอบคุณค่ะ", mid="m2")) == []
    [reply] = await kit.engine.handle_inbound(
        inbound("หนูเพิ่งโอนไป 5,000 เมื่อกี้ค่ะ เข้าบัญชีที่เขาให้มา", mid="m3"))
    assert "1441" in reply.text and "หลังบัตร" in reply.text
    assert "วางสาย" not in reply.text and "โหมดเครื่องบิน" not in reply.text
    # a loss told as months old is no "call your bank now" emergency
    assert await kit.engine.handle_inbound(
        inbound("เมื่อปีที่แล้วเคยโอนไป 3,000 ให้ร้านออนไลน์ค่ะ", mid="m4")) == []


async def test_a_failed_push_is_queued_and_the_worker_delivers_it_later(kit):
    from bot.conversation.outbound import PUSH_TOPIC, OutboundRegistry
    from bot.outbox.worker import OutboxWorker
    from bot.storage.models import OutboxMessage
    from channels.base import CollectingOutput
    from channels.outbox import make_push_handler

    await kit.engine.handle_inbound(inbound("สวัสดี", mid="m1"))
    conv = conversation(kit.sessions)
    staff_id = add_staff(kit.sessions)

    async def broken(**_):
        raise ConnectionError("LINE unreachable")

    kit.output.push = broken
    view = await kit.engine.send_staff_message(conv.id, staff_id, "ข้อความจากเจ้าหน้าที่")
    assert view["delivered_at"] is None
    with kit.sessions() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.topic == PUSH_TOPIC and row.payload["message_ids"] == [view["id"]]

    later = CollectingOutput()
    registry = OutboundRegistry()
    registry.register("line", later)
    worker = OutboxWorker(kit.sessions, {PUSH_TOPIC: make_push_handler(kit.sessions, registry)})
    assert await worker.run_once() == 1
    [(user, reply)] = later.pushed
    assert user == "U1" and reply.text == "ข้อความจากเจ้าหน้าที่" and reply.sender_kind == "staff"
    with kit.sessions() as s:
        assert s.get(Message, view["id"]).delivered_at is not None
        assert s.scalar(select(OutboxMessage)).status == "delivered"
    assert await worker.run_once() == 0


async def test_buttons_carry_the_session_they_answer(kit):
    replies = await kit.engine.handle_inbound(inbound("โดนหลอกโอนเงิน", mid="m1"))
    conv = conversation(kit.sessions)
    with kit.sessions() as s:
        stored = s.get(Message, replies[1].message_id)
        assert stored.payload["session_id"] == conv.session_id
    from bot.conversation.views import message_view, reply_from_view

    with kit.sessions() as s:
        again = reply_from_view(message_view(s.get(Message, replies[1].message_id)))
    assert again.session_id == conv.session_id and again.quick_replies == replies[1].quick_replies
