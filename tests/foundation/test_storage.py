"""The core records round-trip through Alembic-migrated SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from bot.storage.db import session_scope
from bot.cases.timeline import CaseEvent
from bot.storage.models import (
    AuditLog,
    Case,
    ConsentRecord,
    Conversation,
    Direction,
    HandoffState,
    Identifier,
    IdentifierRole,
    Message,
    OutboxMessage,
    ProcessedEvent,
    SenderKind,
    StaffUser,
)


def test_migrations_create_every_table(migrated_sessions):
    engine = migrated_sessions.kw["bind"]
    tables = set(inspect(engine).get_table_names())
    expected = {
        "conversations", "messages", "cases", "case_events", "identifiers", "evidence",
        "consent_records", "staff_users", "audit_log", "outbox", "processed_events",
        "alembic_version",
    }
    assert expected <= tables


def test_models_match_migrations(database_url):
    """Autogenerate finds nothing to do: models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.storage.db import make_engine
    from bot.storage.migrate import upgrade
    from bot.storage.models import Base

    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_case_with_timeline_and_identifiers_round_trips(migrated_sessions):
    sent = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
    with session_scope(migrated_sessions) as s:
        conv = Conversation(channel="web", channel_user_id="visitor-1")
        s.add(conv)
        s.flush()
        msg = Message(conversation_id=conv.id, direction=Direction.INBOUND,
                      sender_kind=SenderKind.USER, text="โอนเข้า กสิกร 123-4-56789-0 ห้าหมื่น",
                      attachments=[{"kind": "image", "sha256": "ab"}], channel_message_id="m1")
        case = Case(case_number="SK-TEST01", conversation_id=conv.id, scam_type="call_center",
                    amount_lost_thb=Decimal("50000.00"), last_transfer_at=sent)
        s.add_all([msg, case])
        s.flush()
        s.add(CaseEvent(case_id=case.id, kind="case_opened", actor="bot", data={"via": "web"}))
        s.add(Identifier(case_id=case.id, message_id=msg.id, kind="account",
                         raw_text="123-4-56789-0", normalized_value="1234567890",
                         bank_code="KBANK", role=IdentifierRole.DESTINATION, confidence=0.93))
    with session_scope(migrated_sessions) as s:
        case = s.scalars(select(Case).where(Case.case_number == "SK-TEST01")).one()
        assert case.amount_lost_thb == Decimal("50000.00")
        assert case.last_transfer_at.astimezone(UTC) == sent
        assert [e.kind for e in case.events] == ["case_opened"]
        (ident,) = case.identifiers
        assert (ident.normalized_value, ident.bank_code, ident.role) == (
            "1234567890", "KBANK", "destination")
        assert case.conversation.messages[0].attachments == [{"kind": "image", "sha256": "ab"}]
        assert case.conversation.handoff_state == HandoffState.BOT


def test_one_conversation_per_channel_user(migrated_sessions):
    with pytest.raises(IntegrityError):
        with session_scope(migrated_sessions) as s:
            s.add(Conversation(channel="line", channel_user_id="U1"))
            s.add(Conversation(channel="line", channel_user_id="U1"))
            s.flush()


def test_outbox_idempotency_key_is_unique(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        s.add(OutboxMessage(topic="exchange.case_packet", idempotency_key="case-1",
                            payload={"a": 1}))
    with pytest.raises(IntegrityError):
        with session_scope(migrated_sessions) as s:
            s.add(OutboxMessage(topic="exchange.case_packet", idempotency_key="case-1"))


def test_processed_events_deduplicate(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        s.add(ProcessedEvent(source="line", event_id="01H-evt"))
    with pytest.raises(IntegrityError):
        with session_scope(migrated_sessions) as s:
            s.add(ProcessedEvent(source="line", event_id="01H-evt"))


def test_staff_consent_and_audit_records(migrated_sessions):
    with session_scope(migrated_sessions) as s:
        staff = StaffUser(username="nok", display_name="นก", password_hash="x")
        conv = Conversation(channel="web", channel_user_id="v2")
        s.add_all([staff, conv])
        s.flush()
        s.add(ConsentRecord(conversation_id=conv.id, kind="privacy_notice_shown",
                            notice_version="2026-11"))
        s.add(AuditLog(actor=f"staff:{staff.id}", action="reveal", target_type="identifier",
                       target_id="i1", reason="call bank"))
    with session_scope(migrated_sessions) as s:
        assert s.scalars(select(AuditLog.reason)).one() == "call bank"
        assert s.scalars(select(StaffUser.role)).one() == "agent"


def test_foreign_tables_in_the_same_database_are_left_alone(database_url):
    """Rasa's tracker store may share the database: autogenerate must not drop its table."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import text

    from bot.storage.db import make_engine
    from bot.storage.migrate import upgrade
    from bot.storage.models import Base
    from bot.storage.migrate import include_object

    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255))"))
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []
