"""Who owns a chat: the bot, the staff queue, a staff member, or nobody (closed).

Every allowed transition is a row in TRANSITIONS; anything else is refused. The bot stays
silent while a chat is waiting for staff or owned by staff. Callers record each transition
as a case timeline event (see `bot.cases`), so the history of ownership is never lost.

Who may act on a chat is decided here too (`may_act`): while a staff member owns a chat, no
other agent may take it over, write in it, release, hand back or close it, or correct its
identifiers; only a supervisor may (reassigning is a supervisor's job). An agent corrects
identifiers only in a chat they own.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.models import HandoffState


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
