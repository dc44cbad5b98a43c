"""The Rasa adapter's pure parts: the situation head read from the NLU entities, and the
state carried in slots between turns."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from actions import flow
from bot.intake import replay

BKK = timezone(timedelta(hours=7))


def _turn(entities: list[dict]) -> SimpleNamespace:
    return SimpleNamespace(tracker=SimpleNamespace(latest_message={"entities": entities}))


def test_situation_entities_become_the_facts_situation():
    # the NLU service sends only the labels the model asserts (its own per-label thresholds)
    turn = _turn([{"entity": "situation", "value": "on_line_now", "confidence_entity": 0.91},
                  {"entity": "situation", "value": "app_installed", "confidence_entity": 0.34},
                  {"entity": "situation", "value": "nonsense", "confidence_entity": 0.99},
                  {"entity": "scam_type", "value": "call_center"}])
    s = flow.situation(turn)
    assert s is not None and s.says("on_line_now")
    assert not s.says("app_installed")  # asserted, but under the core's floor (0.5)
    assert not s.says("money_paid") and not s.says("nonsense")
    assert s.still_leaving is None


def test_no_situation_entities_means_no_model():
    assert flow.situation(_turn([{"entity": "scam_type", "value": "romance"}])) is None


def test_the_slots_carry_the_whole_state():
    (r,) = replay([("โอนไป 3,000 เข้ากสิกร 123-4-56789-0 เมื่อ 10 นาทีที่แล้ว",
                    datetime(2026, 3, 10, 14, 0, tzinfo=BKK))])
    slots = flow.state_slots(r.state)
    assert slots["amount"] == "3000.00" and slots["priority"] == "P0"
    assert slots["victim_bank"] is None  # still to ask
    from bot.intake import CaseState

    assert CaseState.from_json(slots["intake_state"]) == r.state
