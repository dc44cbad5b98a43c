"""Replays the recorded conversations in fixtures/*.yml through the real dialogue stack and
checks the expected facts: replies (hotline numbers, case number, deadline), the case record,
the triage decision, the outbox entry and who owns the chat.

Placeholders in expected texts: {case_number}, {deadline} (the 72-hour deadline as a Bangkok
clock time in the conversation's language).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.cases.timeline import CaseEvent
from bot.clock import aware_utc
from bot.storage.models import Case, Conversation, OutboxMessage
from bot.texts_catalog import format_datetime

pytestmark = pytest.mark.rasa

FIXTURES = Path(__file__).with_name("fixtures")


def _conversations() -> list:
    out = []
    for path in sorted(FIXTURES.glob("*.yml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            out.append(pytest.param(conv, id=f"{path.stem}:{conv['name']}"))
    return out


def test_the_recorded_set_is_big_enough():
    convs = [p.values[0] for p in _conversations()]
    thai = [c for c in convs if c.get("language", "th") == "th"]
    english = [c for c in convs if c.get("language") == "en"]
    assert len(thai) >= 30 and len(english) >= 5
    assert len({c["name"] for c in convs}) == len(convs)


@pytest.mark.parametrize("conv", _conversations())
def test_recorded_conversation(conv, dialogue_stack):
    chat = dialogue_stack.chat(language=None)
    turns = [chat.send(step["user"]) for step in conv["turns"]]
    sessions = dialogue_stack.sessions()
    with sessions() as db:
        case = db.scalars(select(Case).where(Case.conversation_id == chat.id)
                          .order_by(Case.created_at.desc())).first()
        lang = conv.get("language", "th")
        values = {}
        if case is not None:
            values["case_number"] = case.case_number
            if case.hold_deadline_at:
                values["deadline"] = format_datetime(lang, aware_utc(case.hold_deadline_at))

        def fill(text: str) -> str:
            for key, value in values.items():
                text = text.replace("{" + key + "}", value)
            assert "{" not in text, f"no value for a placeholder in {text!r}"
            return text

        transcript = "\n\n".join(f">> {t.text}\n" + "\n".join(
            r.get("text") or str(r.get("custom")) for r in t.replies) for t in turns)
        for step, turn in zip(conv["turns"], turns, strict=True):
            where = f"turn {step['user']!r}\n--- transcript ---\n{transcript}"
            if step.get("silent"):
                assert turn.replies == [], where
                continue
            assert turn.replies, where
            for expected in step.get("first", []):
                assert fill(expected) in turn.texts[0], where
            for expected in step.get("says", []):
                assert fill(expected) in turn.joined, where
            for unwanted in step.get("not", []):
                assert fill(unwanted) not in turn.joined, where
            if "handoff" in step:
                assert bool(turn.custom("handoff")) is step["handoff"], where

        expect = conv.get("expect")
        if expect is None:  # replies only (whether a case opens depends on the classifier)
            return
        if expect.get("case") is False:
            assert case is None, transcript
            return
        assert case is not None, transcript
        checks = {
            "priority": str(case.priority), "status": str(case.status),
            "scam_type": case.scam_type, "money_lost": case.money_lost,
            "victim_bank": case.victim_bank,
        }
        for key, actual in checks.items():
            if key in expect:
                assert actual == expect[key], f"{key}: {actual!r}\n{transcript}"
        if "amount" in expect:
            assert case.amount_lost_thb == Decimal(str(expect["amount"])), transcript
        if "destinations" in expect:
            from bot.cases.service import case_view
            view = case_view(db, case=case)
            assert [d.value for d in view.destinations] == expect["destinations"], transcript
        packets = db.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like(f"{case.id}:%"))).all()
        if "outbox" in expect:
            assert bool(packets) is expect["outbox"], transcript
        if "handoff_state" in expect:
            assert db.get(Conversation, chat.id).handoff_state == expect["handoff_state"]
        kinds = set(db.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)))
        for kind in expect.get("events", []):
            assert kind in kinds, f"no {kind} event\n{transcript}"
