"""The end-to-end subset (test_scenarios_e2e.py) runs on the dialogue stack of
tests/conversation (NLU service + action server + Rasa, started once, on free ports).

A fixture re-exported in a second directory is a second fixture definition: a run that
collects both tests/conversation and tests/scenarios starts the stack twice. Moving
``dialogue_stack`` to tests/conftest.py would share one stack (and this file could go)."""

from tests.conversation.conftest import dialogue_stack  # noqa: F401
