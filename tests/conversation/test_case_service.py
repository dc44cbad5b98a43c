"""The case service on Alembic-migrated SQLite and PostgreSQL: timeline events for every change,
identifiers linked to their message, the freeze packet in the outbox in the same transaction,
the staff queue, look-ups across cases and data deletion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.cases import service
from bot.cases.facts import facts_from_text
from bot.clock import aware_utc
from bot.storage.db import session_scope
from bot.cases.timeline import CaseEvent
from bot.storage.models import (
    Case,
    CaseStatus,
    ConsentRecord,
    Conversation,
    Direction,
    HandoffState,
    Identifier,
    Message,
    OutboxMessage,
    Priority,
    SenderKind,
)
from bot.triage import TriageInput, triage

NOW = datetime.now(UTC)
REPORT = ("โดนหลอกซื้อของ โอนเงินไป 5,000 บาท เมื่อ 10 นาทีที่แล้ว เข้าบัญชีกสิกร 123-4-56789-0 "
          "โอนจากไทยพาณิชย์ เบอร์คนขาย 089-876-5432")


def _conversation(session, cid: str = "c" * 32) -> Conversation:
    conv = service.get_or_create_conversation(session, conversation_id=cid, channel="web")
    return conv


def _message(session, conv: Conversation, text: str) -> str:
    msg = Message(conversation_id=conv.id, direction=Direction.INBOUND,
                  sender_kind=SenderKind.USER, text=text)
    session.add(msg)
    session.flush()
    return msg.id


def _kinds(session, case: Case) -> list[str]:
    return list(session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)
                                .order_by(CaseEvent.id)))


def test_a_report_becomes_a_case_with_a_timeline(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        conv = _conversation(s)
        case = service.open_case(s, conversation=conv)
        msg_id = _message(s, conv, REPORT)
        service.add_story(s, case=case, text=REPORT, message_id=msg_id)
        service.set_scam_type(s, case=case, scam_type="online_shopping", confidence=0.8,
                              source="classifier")
        changed = service.record_facts(s, case=case, facts=facts_from_text(REPORT, NOW),
                                       message_id=msg_id)
        service.set_money_lost(s, case=case, lost=True)
        result = triage(TriageInput(True, aware_utc(case.last_transfer_at),
                                    service.has_destination(s, case=case), now=NOW))
        assert service.apply_triage(s, case=case, result=result, now=NOW)
        case_id, number = case.id, case.case_number
        assert set(changed) >= {"destination", "amount", "transfer_time", "victim_bank"}
    with session_scope(migrated_sessions) as s:
        case = s.get(Case, case_id)
        assert case.case_number == number and number.startswith("SK-")
        assert case.priority == Priority.P0 and case.money_lost is True
        assert case.amount_lost_thb == Decimal("5000.00") and case.victim_bank == "SCB"
        assert abs(aware_utc(case.last_transfer_at) - (NOW - timedelta(minutes=10))) \
            < timedelta(seconds=1)
        assert aware_utc(case.hold_deadline_at) == aware_utc(
            case.last_transfer_at) + timedelta(hours=72)
        kinds = _kinds(s, case)
        for kind in ("case_opened", "story_added", "scam_type_set", "identifier_added",
                     "amount_set", "transfer_time_set", "victim_bank_set", "money_lost_set",
                     "triaged", "deadline_set"):
            assert kind in kinds
        idents = list(s.scalars(select(Identifier).where(Identifier.case_id == case_id)))
        account = next(i for i in idents if i.kind == "account")
        assert account.normalized_value == "1234567890" and account.bank_code == "KBANK"
        assert account.role == "destination" and account.message_id is not None
        assert {i.kind for i in idents} >= {"account", "phone", "amount", "transfer_time", "bank"}
        # the same facts again add nothing
        before = len(kinds)
        service.record_facts(s, case=case, facts=facts_from_text(REPORT, NOW), message_id=None)
        s.flush()
        assert len(_kinds(s, case)) == before


def test_escalation_writes_the_packet_and_queues_the_chat_in_one_transaction(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        conv = _conversation(s)
        case = service.open_case(s, conversation=conv)
        service.record_facts(s, case=case, facts=facts_from_text(REPORT, NOW), message_id=None)
        service.set_money_lost(s, case=case, lost=True)
        service.raise_priority(s, case=case, priority=Priority.P0, reason="test")
        result = service.escalate(s, conversation=conv, case=case, reported_at=NOW,
                                  reason="p0_triage")
        assert result.packet_queued and result.handoff_state == HandoffState.WAITING_FOR_STAFF
        case_id = case.id
    with session_scope(migrated_sessions) as s:
        case = s.get(Case, case_id)
        assert case.status == CaseStatus.ESCALATED and case.escalated_at is not None
        assert s.get(Conversation, case.conversation_id).handoff_state == \
            HandoffState.WAITING_FOR_STAFF
        (row,) = s.scalars(select(OutboxMessage)).all()
        assert row.topic == "exchange.case_packet" and row.idempotency_key == f"{case_id}:v1"
        transfer = row.payload["transfers"][0]
        assert transfer["to_bank_code"] == "004" and transfer["to_account_no"] == "1234567890"
        assert transfer["from_bank_code"] == "014" and transfer["transfer_amount"] == "5000.00"
        assert row.payload["suspect_phones"] == ["+66898765432"]
        kinds = _kinds(s, case)
        assert {"packet_queued", "escalated", "human_requested", "handoff_changed"} <= set(kinds)


def test_a_failed_transaction_leaves_no_packet(migrated_sessions):
    with pytest.raises(RuntimeError):
        with session_scope(migrated_sessions) as s:
            conv = _conversation(s)
            case = service.open_case(s, conversation=conv)
            service.record_facts(s, case=case, facts=facts_from_text(REPORT, NOW),
                                 message_id=None)
            service.raise_priority(s, case=case, priority=Priority.P0, reason="test")
            service.escalate(s, conversation=conv, case=case, reported_at=NOW, reason="t")
            raise RuntimeError("the case change failed")
    with session_scope(migrated_sessions) as s:
        assert s.scalars(select(OutboxMessage)).all() == []
        assert s.scalars(select(Case)).all() == []


def test_escalation_without_a_destination_queues_staff_but_no_packet(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        conv = _conversation(s)
        case = service.open_case(s, conversation=conv)
        service.raise_priority(s, case=case, priority=Priority.P0, reason="money_still_leaving")
        result = service.escalate(s, conversation=conv, case=case, reported_at=NOW, reason="t")
        assert not result.packet_queued
        assert "packet_deferred" in _kinds(s, case)
        assert s.scalars(select(OutboxMessage)).all() == []


def test_times_reported_counts_other_cases_and_matches_phone_with_promptpay(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        for i in range(3):
            conv = _conversation(s, f"{i:032d}")
            case = service.open_case(s, conversation=conv)
            text = "โอนพร้อมเพย์ 0812345678 ไป 3,000 บาท" if i < 2 else "บัญชีกสิกร 123-4-56789-0"
            service.record_facts(s, case=case, facts=facts_from_text(text, NOW), message_id=None)
        own = case.id
    with session_scope(migrated_sessions) as s:
        assert service.times_reported(s, kind="promptpay_id", value="0812345678") == 2
        assert service.times_reported(s, kind="phone", value="+66812345678") == 2
        assert service.times_reported(s, kind="account", value="1234567890") == 1
        assert service.times_reported(s, kind="account", value="1234567890",
                                      exclude_case_id=own) == 0
        assert service.times_reported(s, kind="phone", value="+66899999999") == 0


def test_deletion_keeps_only_what_was_sent_to_law_enforcement(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        conv = _conversation(s)
        msg_id = _message(s, conv, REPORT + " https://fake-shop.example")
        sent = service.open_case(s, conversation=conv)
        service.add_story(s, case=sent, text=REPORT, message_id=msg_id)
        service.record_facts(s, case=sent, facts=facts_from_text(
            REPORT + " https://fake-shop.example", NOW), message_id=msg_id)
        service.raise_priority(s, case=sent, priority=Priority.P0, reason="t")
        service.escalate(s, conversation=conv, case=sent, reported_at=NOW, reason="t")
        sent.status = CaseStatus.CLOSED  # a second, unsent case in the same chat
        other = service.open_case(s, conversation=conv)
        service.record_facts(s, case=other, facts=facts_from_text("บัญชี 987-6-54321-0 โอนไป 300 บาท",
                                                                   NOW),
                             message_id=None)
        result = service.delete_conversation_data(s, conversation=conv)
        assert result.kept_case_numbers == (sent.case_number,)
        sent_id, other_id, conv_id = sent.id, other.id, conv.id
    with session_scope(migrated_sessions) as s:
        kept = {i.kind for i in s.scalars(select(Identifier).where(Identifier.case_id == sent_id))}
        assert "account" in kept and "url" not in kept
        assert s.scalars(select(Identifier).where(Identifier.case_id == other_id)).all() == []
        assert s.get(Case, sent_id).summary is None
        assert all(m.text is None for m in s.scalars(select(Message)))
        conv = s.get(Conversation, conv_id)
        assert conv.anonymised_at is not None and conv.channel_user_id.startswith("deleted:")
        assert s.scalar(select(ConsentRecord.kind).where(
            ConsentRecord.conversation_id == conv_id)) == "data_deletion"
        assert "data_deleted" in _kinds(s, s.get(Case, other_id))
        amount_events = s.scalars(select(CaseEvent).where(CaseEvent.kind == "amount_set")).all()
        assert {ev.case_id for ev in amount_events} == {sent_id, other_id}
        for ev in amount_events:
            if ev.case_id == other_id:
                assert ev.data == {"redacted": "data_deletion"}
            else:
                assert ev.data.get("after") == "5000.00"  # the sent case keeps its timeline
        assert len(s.scalars(select(OutboxMessage)).all()) == 1  # what was sent stays


def test_consent_record(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        conv = _conversation(s)
        assert not service.privacy_notice_shown(s, conversation_id=conv.id)
        service.record_consent(s, conversation_id=conv.id, kind="privacy_notice_shown")
        s.flush()
        assert service.privacy_notice_shown(s, conversation_id=conv.id)


def test_a_slip_sent_before_the_report_joins_the_new_case(migrated_sessions):
    from bot.storage.models import Conversation, Evidence

    slip_payload = "0041000600000101030040220014242082547BPM049885102TH910434DF"
    with session_scope(migrated_sessions) as s:
        conv = Conversation(channel="line", channel_user_id="U-slip-first")
        s.add(conv)
        s.flush()
        s.add(Evidence(conversation_id=conv.id, content_type="image/png", sha256="ab",
                       size_bytes=10, storage_path="evidence/ab.png",
                       slip_qr={"raw": slip_payload}))
        s.flush()
        case = service.open_case(s, conversation=conv)
        case_id = case.id
    with session_scope(migrated_sessions) as s:
        evidence = s.scalars(select(Evidence)).one()
        assert evidence.case_id == case_id
        refs = s.scalars(select(Identifier).where(Identifier.case_id == case_id,
                                                  Identifier.kind == "transaction_ref")).all()
        assert [(r.source, r.bank_code) for r in refs] == [("slip_qr", "KBANK")]


def test_only_the_victims_own_correction_lowers_the_stored_priority(migrated_sessions):
    # "ขอแก้ค่ะ ยังไม่ได้โอน": the intake core lowers the priority; the stored case follows it
    # (before this, the slot said P2 while the case stayed P0). Anything else only raises.
    p0 = triage(TriageInput(True, NOW - timedelta(minutes=5), True, now=NOW))
    p2 = triage(TriageInput(False, now=NOW))
    with session_scope(migrated_sessions) as s:
        case = service.open_case(s, conversation=_conversation(s))
        service.apply_triage(s, case=case, result=p0, now=NOW)
        service.apply_triage(s, case=case, result=p2, now=NOW)
        assert case.priority == Priority.P0  # a later message alone never lowers it
        service.apply_triage(s, case=case, result=p2, now=NOW, correction=True)
        assert case.priority == Priority.P2
        last = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                 CaseEvent.kind == "triaged")
                         .order_by(CaseEvent.id.desc())).first()
        assert "victim_correction" in last.data["reasons"]
        # once escalated (a packet may be at the exchange), only staff lower it
        service.apply_triage(s, case=case, result=p0, now=NOW)
        case.status = CaseStatus.ESCALATED
        service.apply_triage(s, case=case, result=p2, now=NOW, correction=True)
        assert case.priority == Priority.P0


def test_nothing_paid_after_all_clears_the_sum_read_as_paid(migrated_sessions):
    """A fee read as paid, then "I have not paid anything": the case (and so the freeze
    packet) no longer carries it, and the timeline keeps both steps."""
    with session_scope(migrated_sessions) as s:
        conv = _conversation(s)
        case = service.open_case(s, conversation=conv)
        msg_id = _message(s, conv, REPORT)
        service.record_facts(s, case=case, facts=facts_from_text(REPORT, NOW), message_id=msg_id)
        service.set_money_lost(s, case=case, lost=True)
        assert case.amount_lost_thb == Decimal("5000.00")
        service.set_money_lost(s, case=case, lost=False)
        case_id = case.id
    with session_scope(migrated_sessions) as s:
        case = s.get(Case, case_id)
        assert case.money_lost is False and case.amount_lost_thb is None
        kinds = list(s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)
                               .order_by(CaseEvent.id)))
        assert kinds.count("amount_set") == 2 and kinds[-1] == "amount_set"
