"""The case timeline: one row per change, written only by `record` and never updated (except
by the victim's data deletion, which blanks the values they gave).

The table lives here, beside its only writer; `bot.storage.models` imports this module so
the table is in the one metadata Alembic and the tests create.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from bot.cases.events import CaseEventKind, CaseEventPayload
from bot.storage.models import Base, utcnow

if TYPE_CHECKING:
    from bot.storage.models import Case

BOT = "bot"


class CaseEvent(Base):
    """One timeline row; ``kind`` is a `CaseEventKind`, ``data`` its payload's ``data()``."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    actor: Mapped[str] = mapped_column(String(64))  # "bot", "system", "staff:<id>", "exchange"
    data: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")


def record(session: Session, *, case: Case, event: CaseEventPayload, actor: str = BOT
           ) -> CaseEvent:
    """Add one event to the case's timeline (in the caller's transaction)."""
    row = CaseEvent(case_id=case.id, kind=event.kind.value, actor=actor, data=event.data())
    session.add(row)
    return row


def events_of(session: Session, *, case_id: str,
              kinds: CaseEventKind | Iterable[CaseEventKind] | None = None) -> list[CaseEvent]:
    """The case's events (of ``kinds``, if given), oldest first."""
    query = select(CaseEvent).where(CaseEvent.case_id == case_id)
    if isinstance(kinds, CaseEventKind):
        query = query.where(CaseEvent.kind == kinds)
    elif kinds is not None:
        query = query.where(CaseEvent.kind.in_([k.value for k in kinds]))
    return list(session.scalars(query.order_by(CaseEvent.created_at, CaseEvent.id)))


def count(session: Session, *, case_id: str, kind: CaseEventKind) -> int:
    return session.scalar(select(func.count(CaseEvent.id)).where(
        CaseEvent.case_id == case_id, CaseEvent.kind == kind))
