"""A subset of the scenario suite (tests/scenarios/data/dev) end to end: Rasa + the NLU service
+ the action server, the clock of each turn sent as ``metadata.received_at`` (what the engine
does). Checks what the victim reads and the stored priority, as the pure replay does
(tests/scenarios/test_scenarios.py) — here through the real classifier and dialogue rules."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.cases.service import aware_utc
from bot.storage.models import Case
from tests.scenarios.suite import check, known_failures, load

pytestmark = pytest.mark.rasa

KNOWN = known_failures()

# every on-the-line and still-leaving dev scenario, and the first transfers, P1, P2 and none
_DEV = load("dev")
SUBSET = [s for s in _DEV if "on_line" in s.tags or "still_leaving" in s.tags][:24] + [
    s for s in _DEV if not ({"on_line", "still_leaving"} & set(s.tags))][::8]


@dataclass
class _State:
    victim_bank: str | None
    loss_total: object
    last_transfer_at: object


@dataclass
class _Result:
    priority: str | None
    replies: list[str]
    state: _State


def test_the_subset_is_big_enough():
    assert len(SUBSET) >= 30


@pytest.mark.parametrize("scenario", SUBSET, ids=[s.id for s in SUBSET])
def test_scenario_through_rasa(scenario, dialogue_stack):
    if f"dev:{scenario.id}" in KNOWN:
        pytest.skip("a known gap of the pure core (tests/scenarios/known_failures.yml)")
    chat = dialogue_stack.chat(language=None)
    sessions = dialogue_stack.sessions()
    results = []
    for text, at in scenario.turns:
        turn = chat.send(text, received_at=at)
        with sessions() as db:
            case = db.scalars(select(Case).where(Case.conversation_id == chat.id)
                              .order_by(Case.created_at.desc())).first()
            state = _State(case.victim_bank if case else None,
                           case.amount_lost_thb if case else None,
                           aware_utc(case.last_transfer_at) if case else None)
            results.append(_Result(str(case.priority) if case else None, turn.texts, state))
    outcome = check(scenario, results)
    # what the stack stores for amounts and times is checked by the pure tests; here: the
    # priority and what the victim reads at the urgent turn
    failures = [f for f in outcome.failures if not f.startswith(("loss_total", "transfer_at",
                                                                  "victim_bank"))]
    transcript = "\n\n".join(f">> {text}\n[{r.priority}]\n" + "\n".join(r.replies)
                             for (text, _), r in zip(scenario.turns, results, strict=True))
    assert not failures, "; ".join(failures) + "\n" + transcript
