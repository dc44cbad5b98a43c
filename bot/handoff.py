"""Who owns a chat: the bot, the staff queue, a staff member, or nobody (closed).

Every allowed transition is a row in TRANSITIONS; anything else is refused. The bot stays
silent while a chat is waiting for staff or owned by staff. `apply_handoff` is the only
writer of a chat's owner: it applies one transition of the table and records it on the
case timeline and in the audit log, so the history of ownership is never lost.

Who may act on a chat is decided here too (`may_act`): while a staff member owns a chat, no
other agent may take it over, write in it, release, hand back or close it, or correct its
identifiers; only a supervisor may (reassigning is a supervisor's job). An agent corrects
identifiers only in a chat they own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot import audit
from bot.cases.current import current_case
from bot.cases.events import HandoffChanged
from bot.cases.timeline import record
from bot.storage.models import Conversation, HandoffState

log = logging.getLogger(__name__)


class HandoffAction:
    REQUEST_HUMAN = "request_human"  # victim asked, or the bot escalated (P0, distress)
    CLAIM = "claim"  # a staff member takes the chat
    RELEASE = "release"  # staff put it back in the queue
    HAND_BACK = "hand_back"  # staff give the chat back to the bot
    CLOSE = "close"
    REOPEN = "reopen"  # the victim writes again after close


@dataclass(frozen=True)
class Transition:
    source: HandoffState
    action: str
    target: HandoffState


TRANSITIONS: tuple[Transition, ...] = (
    Transition(HandoffState.BOT, HandoffAction.REQUEST_HUMAN, HandoffState.WAITING_FOR_STAFF),
    Transition(HandoffState.BOT, HandoffAction.CLAIM, HandoffState.STAFF),
    Transition(HandoffState.BOT, HandoffAction.CLOSE, HandoffState.CLOSED),
    Transition(HandoffState.WAITING_FOR_STAFF, HandoffAction.REQUEST_HUMAN,
               HandoffState.WAITING_FOR_STAFF),
    Transition(HandoffState.WAITING_FOR_STAFF, HandoffAction.CLAIM, HandoffState.STAFF),
    Transition(HandoffState.WAITING_FOR_STAFF, HandoffAction.HAND_BACK, HandoffState.BOT),
    Transition(HandoffState.WAITING_FOR_STAFF, HandoffAction.CLOSE, HandoffState.CLOSED),
    Transition(HandoffState.STAFF, HandoffAction.CLAIM, HandoffState.STAFF),  # reassign
    Transition(HandoffState.STAFF, HandoffAction.REQUEST_HUMAN, HandoffState.STAFF),
    Transition(HandoffState.STAFF, HandoffAction.RELEASE, HandoffState.WAITING_FOR_STAFF),
    Transition(HandoffState.STAFF, HandoffAction.HAND_BACK, HandoffState.BOT),
    Transition(HandoffState.STAFF, HandoffAction.CLOSE, HandoffState.CLOSED),
    Transition(HandoffState.CLOSED, HandoffAction.REOPEN, HandoffState.BOT),
    Transition(HandoffState.CLOSED, HandoffAction.REQUEST_HUMAN, HandoffState.WAITING_FOR_STAFF),
)

_TABLE = {(t.source, t.action): t.target for t in TRANSITIONS}


class StaffAction:
    """What staff do in a chat that is not a transition, but is decided by who owns it."""

    WRITE = "write"  # send the victim a message (claims the chat first if nobody owns it)
    CORRECT_IDENTIFIER = "correct_identifier"


# Actions a staff member may take on a chat another staff member owns: none, unless supervisor.
STAFF_ACTIONS = frozenset({
    HandoffAction.CLAIM, HandoffAction.RELEASE, HandoffAction.HAND_BACK, HandoffAction.CLOSE,
    StaffAction.WRITE, StaffAction.CORRECT_IDENTIFIER,
})


def may_act(*, state: HandoffState | str, owner_id: str | None, actor_id: str, action: str,
            supervisor: bool, assignee_id: str | None = None) -> bool:
    """May staff member `actor_id` do `action` on a chat in `state` owned by `owner_id`?

    `assignee_id`: for a CLAIM on someone else's behalf (assigning), who gets the chat.
    """
    if supervisor:
        return True
    if action not in STAFF_ACTIONS:
        return False  # victim and system actions are not staff actions
    if action == HandoffAction.CLAIM and assignee_id not in (None, actor_id):
        return False  # only supervisors assign a chat to someone else
    owned_by_other = (HandoffState(state) is HandoffState.STAFF
                      and owner_id not in (None, actor_id))
    if owned_by_other:
        return False
    if action == StaffAction.CORRECT_IDENTIFIER:  # changes where the freeze request goes
        return HandoffState(state) is HandoffState.STAFF and owner_id == actor_id
    return True


class InvalidHandoff(ValueError):
    def __init__(self, source: HandoffState, action: str) -> None:
        super().__init__(f"cannot {action} a chat that is {source}")
        self.source = source
        self.action = action


def next_state(source: HandoffState | str, action: str) -> HandoffState:
    source = HandoffState(source)
    try:
        return _TABLE[(source, action)]
    except KeyError:
        raise InvalidHandoff(source, action) from None


def bot_may_reply(state: HandoffState | str) -> bool:
    """The bot answers only chats it owns (a closed chat reopens on the next message)."""
    return HandoffState(state) in (HandoffState.BOT, HandoffState.CLOSED)


@dataclass(frozen=True)
class HandoffChange:
    conversation_id: str
    before: HandoffState
    after: HandoffState
    action: str
    actor: str  # "bot", "system", "user", "staff:<id>"
    assigned_staff_id: str | None
    reason: str | None = None

    def timeline_event(self) -> HandoffChanged:
        return HandoffChanged(str(self.before), str(self.after), self.action, self.actor,
                              self.assigned_staff_id, self.reason)

    def as_event(self) -> dict:
        """The `handoff_changed` payload: the timeline row's data and the live event's."""
        return self.timeline_event().data()


def apply_handoff(session: Session, *, conversation: Conversation, action: str, actor: str,
                  assignee_id: str | None = None, reason: str | None = None) -> HandoffChange:
    """Apply one transition of the table to the chat; the only writer of its owner.

    ``assignee_id``: who gets the chat on a CLAIM (the claiming staff member, or whom a
    supervisor assigns it to). Raises InvalidHandoff for a transition not in the table. A
    change is recorded (timeline of the conversation's current case, and audit) unless it
    changed nothing: a second "request human" on a chat already waiting is not news.
    Who may ask is the caller's business (`may_act`, checked by `bot.desk`).
    """
    before = HandoffState(conversation.handoff_state)
    after = next_state(before, action)
    conversation.handoff_state = after
    if action == HandoffAction.CLAIM:
        conversation.assigned_staff_id = assignee_id
    elif after is not HandoffState.STAFF:
        conversation.assigned_staff_id = None
    change = HandoffChange(conversation.id, before, after, action, actor,
                           conversation.assigned_staff_id, reason)
    if before != after or action == HandoffAction.CLAIM:
        case = current_case(session, conversation_id=conversation.id)
        if case is not None:
            record(session, case=case, actor=actor, event=change.timeline_event())
        audit.record(session, actor=actor, action=HandoffChanged.kind.value,
                     target_type="conversation", target_id=conversation.id,
                     data=change.as_event())
    return change


def try_handoff(session: Session, *, conversation_id: str, action: str, actor: str,
                assignee_id: str | None = None, reason: str | None = None
                ) -> HandoffChange | None:
    """`apply_handoff` on a chat by id (locked until the caller's transaction ends); None,
    logged, when the table refuses the action in the chat's state."""
    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    try:
        return apply_handoff(session, conversation=conversation, action=action, actor=actor,
                             assignee_id=assignee_id, reason=reason)
    except InvalidHandoff:
        log.warning("handoff %s refused in state %s", action, conversation.handoff_state)
        return None


def change_made_elsewhere(session: Session, *, conversation_id: str, before: HandoffState,
                          action: str, actor: str, reason: str | None = None) -> HandoffChange:
    """A change another process already applied and recorded (the action server, when the
    dialogue hands a chat to staff), read back for the live feeds: never applied again."""
    conversation = session.get(Conversation, conversation_id)
    return HandoffChange(conversation_id, HandoffState(before),
                         HandoffState(conversation.handoff_state), action, actor,
                         conversation.assigned_staff_id, reason)
