"""The hotline desk: staff claim, reassign, release, hand back and close chats.

Every ownership change goes through `bot.handoff.next_state` and is recorded twice: as a
timeline event on the conversation's latest case (what happened to the victim's case) and in
the audit log (who did it). Private notes are timeline events that are never sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.handoff import HandoffAction, StaffAction, may_act, next_state
from bot.storage.models import (
    Case,
    CaseEvent,
    Conversation,
    HandoffState,
    StaffRole,
    StaffUser,
)


class DeskError(Exception):
    pass


class NotAllowed(DeskError):
    pass


@dataclass(frozen=True)
class HandoffChange:
    conversation_id: str
    before: HandoffState
    after: HandoffState
    action: str
    actor: str
    assigned_staff_id: str | None

    def as_event(self) -> dict:
        """The `handoff_changed` live-event payload (same shape the engine publishes)."""
        return {"from": str(self.before), "to": str(self.after), "action": self.action,
                "actor": self.actor, "staff_id": self.assigned_staff_id}


def latest_case(session: Session, conversation_id: str) -> Case | None:
    return session.scalar(
        select(Case).where(Case.conversation_id == conversation_id)
        .order_by(Case.created_at.desc()).limit(1)
    )


def _record(session: Session, conversation: Conversation, actor: StaffUser | str, kind: str,
            data: dict) -> None:
    actor_id = actor if isinstance(actor, str) else f"staff:{actor.id}"
    case = latest_case(session, conversation.id)
    if case is not None:
        session.add(CaseEvent(case_id=case.id, kind=kind, actor=actor_id, data=data))
    audit.record(session, actor=actor_id, action=kind, target_type="conversation",
                 target_id=conversation.id, data=data)


def authorize(session: Session, conversation: Conversation, staff: StaffUser, action: str, *,
              assignee_id: str | None = None) -> None:
    """Raise NotAllowed unless `staff` may do `action` on the chat (bot.handoff.may_act)."""
    if not may_act(state=conversation.handoff_state, owner_id=conversation.assigned_staff_id,
                   actor_id=staff.id, action=action,
                   supervisor=staff.role == StaffRole.SUPERVISOR, assignee_id=assignee_id):
        if action == HandoffAction.CLAIM and assignee_id not in (None, staff.id):
            raise NotAllowed("only a supervisor can assign a chat to someone else")
        if action == StaffAction.CORRECT_IDENTIFIER:
            raise NotAllowed("claim this chat before you correct its details")
        raise NotAllowed("this chat belongs to another staff member")


def authorize_on(session: Session, *, conversation_id: str, staff: StaffUser,
                 action: str) -> Conversation:
    """`authorize` for a chat by id (locked for update until the caller's transaction ends)."""
    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None:
        raise DeskError("no such conversation")
    authorize(session, conversation, staff, action)
    return conversation


def change_owner(session: Session, *, conversation_id: str, actor: StaffUser | str,
                 action: str, assignee: StaffUser | None = None) -> HandoffChange:
    """Apply one handoff action. Only supervisors may assign a chat to someone else."""
    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None:
        raise DeskError("no such conversation")
    if isinstance(actor, StaffUser):
        authorize(session, conversation, actor, action,
                  assignee_id=assignee.id if assignee is not None else None)
    before = HandoffState(conversation.handoff_state)
    after = next_state(before, action)
    conversation.handoff_state = after
    if action == HandoffAction.CLAIM:
        owner = assignee or actor
        conversation.assigned_staff_id = owner.id if isinstance(owner, StaffUser) else None
    elif after in (HandoffState.BOT, HandoffState.WAITING_FOR_STAFF, HandoffState.CLOSED):
        conversation.assigned_staff_id = None
    actor_id = actor if isinstance(actor, str) else f"staff:{actor.id}"
    _record(session, conversation, actor, "handoff_changed",
            {"from": str(before), "to": str(after), "action": action, "actor": actor_id,
             "staff_id": conversation.assigned_staff_id})
    return HandoffChange(conversation.id, before, after, action, actor_id,
                         conversation.assigned_staff_id)


def add_note(session: Session, *, conversation_id: str, staff: StaffUser, text: str) -> None:
    text = text.strip()
    if not text:
        raise DeskError("empty note")
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise DeskError("no such conversation")
    case = latest_case(session, conversation_id)
    if case is None:
        raise DeskError("notes belong to a case; this chat has none yet")
    session.add(CaseEvent(case_id=case.id, kind="staff_note", actor=f"staff:{staff.id}",
                          data={"text": text[:4000], "private": True}))
