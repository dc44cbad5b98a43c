"""The same dialogue on PostgreSQL: the app's database and Rasa's tracker store on the
PostgreSQL server, and Rasa's lock store on Redis (as in production)."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from bot.storage.models import Case, OutboxMessage

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def postgres_stack(postgres_server_url, tmp_path_factory):
    from sqlalchemy import create_engine, text

    from tests.conversation.harness import Stack

    engine = create_engine(postgres_server_url)
    with engine.begin() as conn:  # a clean schema (other tests share this database)
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    if not _redis_answers():
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    stack = Stack(tmp_path_factory.mktemp("pg-dialogue"), database_url=postgres_server_url,
                  redis_url="redis://127.0.0.1:6379/0").start()
    yield stack
    stack.stop()


def test_p0_conversation_on_postgresql_with_redis_lock_store(postgres_stack):
    assert postgres_stack.tracker_dialect == "postgresql"
    chat = postgres_stack.chat()
    turn = chat.send("สั่งของในเฟซแล้วโอนไป 2,500 บาท เมื่อ 20 นาทีที่แล้ว เข้าบัญชีกสิกร "
                     "123-4-56789-0 จากบัญชีไทยพาณิชย์ของฉัน")
    assert "02-777-7575" in turn.texts[0]
    events = chat.tracker()["events"]
    assert any(e["event"] == "user" for e in events)
    with postgres_stack.sessions()() as db:
        case = db.scalars(select(Case).where(Case.conversation_id == chat.id)).one()
        assert case.priority == "P0" and case.status == "escalated"
        assert case.case_number in turn.joined
        assert db.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like(f"{case.id}:%"))).one()
        from sqlalchemy import inspect

        assert "events" in inspect(db.get_bind()).get_table_names()  # Rasa's tracker table
