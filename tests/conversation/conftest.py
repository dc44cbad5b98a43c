"""Fixtures over the dialogue stack (``dialogue_stack`` lives in tests/conftest.py, so every
directory that needs Rasa shares one stack per test session)."""

from __future__ import annotations

import pytest


@pytest.fixture
def chat(dialogue_stack):
    return dialogue_stack.chat()


@pytest.fixture
def db(dialogue_stack):
    """A session on the stack's database, for asserting what the actions stored."""
    sessions = dialogue_stack.sessions()
    with sessions() as session:
        yield session
