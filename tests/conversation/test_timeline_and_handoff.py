"""One writer per fact (issue 15): the timeline's kinds and payloads, the one "current case"
rule, the one handoff writer (always audited, applied once), and a slip recorded once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot import desk
from bot.cases import events, service
from bot.cases.current import current_case
from bot.cases.evidence import add_evidence, record_dialogue_slip
from bot.cases.events import CaseEventKind, CaseEventPayload
from bot.cases.timeline import CaseEvent
from bot.handoff import HandoffAction
from bot.slip_qr import build_slip_qr, parse_slip_qr
from bot.storage.db import session_scope
from bot.storage.models import (
    AuditLog,
    Case,
    CaseStatus,
    Conversation,
    Evidence,
    HandoffState,
    Identifier,
    StaffUser,
)


def _payload_classes(base=CaseEventPayload) -> list[type[CaseEventPayload]]:
    found = []
    for cls in base.__subclasses__():
        found.append(cls)
        found.extend(_payload_classes(cls))
    return found


def _events(session, case: Case, kind: CaseEventKind) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.kind == kind)))


def _chat(session, cid: str = "t" * 32) -> Conversation:
    return service.get_or_create_conversation(session, conversation_id=cid, channel="web")


def test_every_kind_has_one_payload_and_keeps_its_stored_string():
    kinds = [cls.kind for cls in _payload_classes() if "kind" in vars(cls)]
    assert sorted(kinds) == sorted(CaseEventKind)  # one payload class per kind, none missing
    assert CaseEventKind.HANDOFF_CHANGED == "handoff_changed"  # rows written before stay valid
    change = events.HandoffChanged("bot", "staff", "claim", "staff:1", "1")
    assert change.data()["from"] == "bot" and change.data()["to"] == "staff"


def test_escalation_moves_the_chat_once_recorded_and_audited(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        conv = _chat(s)
        case = service.open_case(s, conversation=conv)
        service.escalate(s, conversation=conv, case=case, reported_at=datetime.now(UTC),
                         reason="p0")
        service.request_human(s, conversation=conv, case=case, reason="victim_asked")  # again
        s.flush()
        assert conv.handoff_state == HandoffState.WAITING_FOR_STAFF
        [moved] = _events(s, case, CaseEventKind.HANDOFF_CHANGED)
        assert moved.data["to"] == "waiting_for_staff" and moved.data["reason"] == "p0"
        audits = s.scalars(select(AuditLog).where(AuditLog.target_id == conv.id,
                                                  AuditLog.action == "handoff_changed")).all()
        assert len(audits) == 1 and audits[0].actor == "bot"


def test_the_current_case_is_the_open_one_else_the_newest(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        conv = _chat(s)
        old = service.open_case(s, conversation=conv)
        s.flush()
        new = service.open_case(s, conversation=conv)
        new.status = CaseStatus.CLOSED  # the newest case is closed, the older one still open
        s.flush()
        assert current_case(s, conversation_id=conv.id) is old
        staff = StaffUser(username="dao", display_name="Dao", password_hash="x")
        s.add(staff)
        s.flush()
        desk.change_owner(s, conversation_id=conv.id, actor=staff, action=HandoffAction.CLAIM)
        desk.add_note(s, conversation_id=conv.id, staff=staff, text="โทรกลับ 15:00")
        s.flush()
        # the claim and the note land on the same case as everything else: the open one
        assert _events(s, old, CaseEventKind.HANDOFF_CHANGED)
        assert _events(s, old, CaseEventKind.STAFF_NOTE)
        assert not _events(s, new, CaseEventKind.HANDOFF_CHANGED)
        old.status = CaseStatus.CLOSED
        s.flush()
        assert current_case(s, conversation_id=conv.id) is new  # all closed: the newest
        assert current_case(s, conversation_id=conv.id, open_only=True) is None
        assert service.ensure_case(s, conversation=conv) not in (old, new)  # a new report


def test_a_claim_keeps_the_owner_through_a_second_request_for_a_human(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        conv = _chat(s)
        s.add(staff := StaffUser(username="nan", display_name="Nan", password_hash="x"))
        s.flush()
        desk.change_owner(s, conversation_id=conv.id, actor=staff, action=HandoffAction.CLAIM)
        service.request_human(s, conversation=conv, case=None, reason="victim_asked")
        assert conv.handoff_state == HandoffState.STAFF and conv.assigned_staff_id == staff.id


def test_a_slip_is_recorded_once_though_the_dialogue_hears_of_it_too(migrated_sessions):
    slip = parse_slip_qr(build_slip_qr("014", "202611281234ABCD5678"))
    with session_scope(migrated_sessions) as s:
        conv = _chat(s)
        case = service.open_case(s, conversation=conv)
        evidence = Evidence(conversation_id=conv.id, content_type="image/png", sha256="cd",
                            size_bytes=10, storage_path="evidence/cd.png",
                            slip_qr=slip.as_dict())
        s.add(evidence)
        s.flush()
        update = add_evidence(s, case=case, evidence=evidence)  # the app, on arrival
        record_dialogue_slip(s, case=case, message_id=None, slip={  # the action server
            **slip.as_dict(), "evidence_id": evidence.id, "attached_to_case_id": case.id})
        s.flush()
        assert update["change"] == "slip_qr_attached"
        assert len(_events(s, case, CaseEventKind.SLIP_QR_ATTACHED)) == 1
        assert len(_events(s, case, CaseEventKind.VICTIM_BANK_SET)) == 1
        [ref] = s.scalars(select(Identifier).where(Identifier.case_id == case.id)).all()
        assert (ref.kind, ref.bank_code, case.victim_bank) == ("transaction_ref", "SCB", "SCB")
