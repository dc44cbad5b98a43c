"""The hotline desk: staff claim, reassign, release, hand back and close chats.

*Desk* names the staff's work on chats; the accounts are `bot/staff.py`, the web pages over
both the console (`channels/console/`).

Who may act is decided by `bot.handoff.may_act`; the change itself is applied (and recorded
on the timeline and in the audit log) by `bot.handoff.apply_handoff`, the one writer of a
chat's owner. Private notes are timeline events that are never sent.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.cases.current import current_case
from bot.cases.events import StaffNote
from bot.cases.timeline import record
from bot.handoff import (
    HandoffAction,
    HandoffChange,
    StaffAction,
    apply_handoff,
    may_act,
)
from bot.storage.models import Conversation, StaffRole, StaffUser

__all__ = ["DeskError", "HandoffChange", "NotAllowed", "add_note", "authorize", "authorize_on",
           "change_owner"]


class DeskError(Exception):
    pass


class NotAllowed(DeskError):
    pass


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
                 action: str, assignee: StaffUser | None = None,
                 reason: str | None = None) -> HandoffChange:
    """Apply one handoff action. Staff are checked first (only supervisors may assign a chat
    to someone else); a string actor ("bot", "system") is the system acting."""
    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None:
        raise DeskError("no such conversation")
    if isinstance(actor, StaffUser):
        authorize(session, conversation, actor, action,
                  assignee_id=assignee.id if assignee is not None else None)
    owner = assignee or actor
    return apply_handoff(
        session, conversation=conversation, action=action,
        actor=actor if isinstance(actor, str) else f"staff:{actor.id}",
        assignee_id=owner.id if isinstance(owner, StaffUser) else None, reason=reason)


def add_note(session: Session, *, conversation_id: str, staff: StaffUser, text: str) -> None:
    text = text.strip()
    if not text:
        raise DeskError("empty note")
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise DeskError("no such conversation")
    case = current_case(session, conversation_id=conversation_id)
    if case is None:
        raise DeskError("notes belong to a case; this chat has none yet")
    record(session, case=case, actor=f"staff:{staff.id}", event=StaffNote(text[:4000]))
