"""S15: evidence is stored by content hash, so one victim's deletion must not remove the file
another victim (or the same victim's other message) still holds."""

from __future__ import annotations

from sqlalchemy import select

from bot.cases import service
from bot.conversation.evidence import EvidenceStore
from bot.storage.db import session_scope
from bot.storage.models import Conversation, Evidence

SCREENSHOT = b"\x89PNG\r\n\x1a\n the same forwarded scam screenshot"


def _conversation_with(session, store, user: str, copies: int = 1) -> Conversation:
    conversation = Conversation(channel="web", channel_user_id=user)
    session.add(conversation)
    session.flush()
    for _ in range(copies):
        stored = store.save(SCREENSHOT, "image/png")
        session.add(Evidence(conversation_id=conversation.id, content_type=stored.content_type,
                             sha256=stored.sha256, size_bytes=stored.size_bytes,
                             storage_path=str(stored.path)))
    session.flush()
    return conversation


def test_deleting_one_victim_keeps_the_file_another_victim_holds(migrated_sessions, tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    with session_scope(migrated_sessions) as s:
        first = _conversation_with(s, store, "victim-a", copies=2)
        _conversation_with(s, store, "victim-b")
        path = store.save(SCREENSHOT, "image/png").path
        service.delete_conversation_data(s, conversation=first)
    assert path.exists()  # victim-b's evidence is still there for staff
    with session_scope(migrated_sessions) as s:
        rows = s.scalars(select(Evidence)).all()
        assert [r.conversation_id for r in rows] != [] and all(
            r.conversation_id != first.id for r in rows)
        second = s.scalar(select(Conversation).where(Conversation.channel_user_id == "victim-b"))
        service.delete_conversation_data(s, conversation=second)
    assert not path.exists()  # the last holder gone: the file goes too
