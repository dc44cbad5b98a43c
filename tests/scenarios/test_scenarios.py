"""Every scenario conversation (tests/scenarios/data/{dev,heldout}) replayed through the pure
intake core (``bot.intake.replay``), one turn at a time with the turn's ``at`` as the clock,
checked against its ``expect`` (format: notes/SCENARIOS.md)."""

from __future__ import annotations

import pytest

from bot.intake import replay
from tests.scenarios.suite import check, load

SCENARIOS = [s for split in ("dev", "heldout") for s in load(split)]


def test_the_suite_is_there():
    assert SCENARIOS, "no scenarios in tests/scenarios/data"
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS), "scenario ids must be unique"
    for s in SCENARIOS:
        if s.expect.get("priority") == "P0":
            assert s.expect.get("urgent_turn"), f"{s.id}: a P0 scenario needs urgent_turn"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[f"{s.split}:{s.id}" for s in SCENARIOS])
def test_scenario(scenario):
    results = replay(scenario.turns)
    outcome = check(scenario, results)
    transcript = "\n\n".join(f">> {text}\n[{r.priority}]\n" + "\n--\n".join(r.replies)
                             for (text, _), r in zip(scenario.turns, results, strict=True))
    assert not outcome.failures, "; ".join(outcome.failures) + "\n" + transcript
