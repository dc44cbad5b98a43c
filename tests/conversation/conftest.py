"""The dialogue stack (NLU service + action server + Rasa) started once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def dialogue_stack(tmp_path_factory):
    from tests.conversation.harness import Stack

    stack = Stack(tmp_path_factory.mktemp("dialogue")).start()
    yield stack
    stack.stop()


@pytest.fixture
def chat(dialogue_stack):
    return dialogue_stack.chat()


@pytest.fixture
def db(dialogue_stack):
    """A session on the stack's database, for asserting what the actions stored."""
    sessions = dialogue_stack.sessions()
    with sessions() as session:
        yield session
