import pytest

from bot.handoff import TRANSITIONS, HandoffAction, InvalidHandoff, bot_may_reply, next_state
from bot.storage.models import HandoffState as S


def test_the_normal_path():
    state = next_state(S.BOT, HandoffAction.REQUEST_HUMAN)
    assert state is S.WAITING_FOR_STAFF and not bot_may_reply(state)
    state = next_state(state, HandoffAction.CLAIM)
    assert state is S.STAFF and not bot_may_reply(state)
    state = next_state(state, HandoffAction.HAND_BACK)
    assert state is S.BOT and bot_may_reply(state)


@pytest.mark.parametrize("source,action", [
    (S.BOT, HandoffAction.HAND_BACK),
    (S.BOT, HandoffAction.RELEASE),
    (S.CLOSED, HandoffAction.CLAIM),
    (S.WAITING_FOR_STAFF, HandoffAction.RELEASE),
])
def test_invalid_transitions_are_refused(source, action):
    with pytest.raises(InvalidHandoff):
        next_state(source, action)


def test_table_has_no_conflicting_rows():
    keys = [(t.source, t.action) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))
