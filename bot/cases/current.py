"""Which case of a conversation is the current one: one rule, used by everything that records
on "the conversation's case" (the dialogue, handoff, staff notes, evidence, the console).

Rule: the newest case that is not closed; if every case is closed, the newest case. A
conversation has at most one open case at a time (``ensure_case`` opens one only when none
is), so the first half is "the open case"; the second keeps staff work on a chat whose case
was closed on that closed case, rather than nowhere. Only new facts look past a closed case:
``open_only=True`` answers None then, and the next report opens a new case.
"""

from __future__ import annotations

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Case, CaseStatus


def current_case(session: Session, *, conversation_id: str, open_only: bool = False
                 ) -> Case | None:
    query = select(Case).where(Case.conversation_id == conversation_id)
    if open_only:
        query = query.where(Case.status != CaseStatus.CLOSED)
    closed_last = when((Case.status == CaseStatus.CLOSED, 1), else_=0)
    return session.scalar(
        query.order_by(closed_last, Case.created_at.desc(), Case.id.desc()).limit(1))
