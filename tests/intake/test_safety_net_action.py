"""The action server's safety net reads the classifier's situation head, not only keywords.

Found end to end (issue 12): a victim still on the phone with the scammer, whose words the
classifier heard as "I want a human" and no keyword caught, went straight to the staff queue at
P2 without "hang up now", their bank's number or 1441. Runs the real rasa-sdk action on a real
SQLite database; only Rasa's tracker is built by hand.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade

BKK = timezone(timedelta(hours=7))
# No keyword of bot.triage.urgency_signals in it: only the model can tell it is urgent.
TEXT = "ขอคุยกับเจ้าหน้าที่ด่วนค่ะ ตอนนี้เขายังอยู่กับหนูเลย บอกให้รีบทำตามภายในสิบนาที"


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'sakot.db'}"
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    import actions.context as context_module

    monkeypatch.setattr(context_module, "session_factory", lambda: factory)
    return factory


def _tracker(situation: list[tuple[str, float]], *, text: str = TEXT,
             report_p: float = 0.3) -> Tracker:
    at = datetime(2026, 3, 10, 14, 5, tzinfo=BKK)
    entities = [{"entity": "situation", "value": label, "confidence_entity": p,
                 "extractor": "SakotClassifier"} for label, p in situation]
    latest = {"text": text, "intent": {"name": "request_human", "confidence": 0.6},
              "intent_ranking": [{"name": "request_human", "confidence": 0.6},
                                 {"name": "report_scam", "confidence": report_p}],
              "entities": entities, "metadata": {"received_at": at.isoformat(),
                                                 "message_id": "m1", "channel": "web"}}
    return Tracker("conv-safety-net", {}, latest, [{"event": "user", "timestamp": 1.0}],
                   False, None, {}, "action_listen")


def _run(tracker: Tracker) -> list[str]:
    from actions.actions import ActionRequestHuman

    dispatcher = CollectingDispatcher()
    asyncio.run(ActionRequestHuman().run(dispatcher, tracker, {}))
    return [m.get("text") or "" for m in dispatcher.messages]


def test_on_the_line_by_the_model_is_told_to_hang_up_before_the_queue(sessions):
    texts = _run(_tracker([("on_line_now", 0.93)]))
    joined = "\n".join(texts)
    assert "วางสาย" in texts[0], texts
    assert "1441" in joined
    with sessions() as session:
        from bot.storage.models import Case

        case = session.query(Case).one()
        assert str(case.priority) == "P0"
        # the case takes its time from the message, not the wall clock
        assert case.created_at.replace(tzinfo=timezone.utc) == datetime(
            2026, 3, 10, 7, 5, tzinfo=timezone.utc)


def test_a_plain_request_for_a_person_is_only_handed_over(sessions):
    texts = _run(_tracker([]))
    assert not any("วางสาย" in t for t in texts)
    assert not any("1441" in t for t in texts[:1])


def test_the_head_alone_on_a_bare_request_for_a_person_raises_no_alarm(sessions):
    # the head says on_line_now 0.89 on "ขอคุยกับเจ้าหน้าที่ค่ะ" ("เจ้าหน้าที่" = the fake
    # officer of its training stories): without a report reading it is not trusted
    texts = _run(_tracker([("on_line_now", 0.89)], text="ขอคุยกับเจ้าหน้าที่ค่ะ", report_p=0.0))
    assert not any("วางสาย" in t for t in texts)
    with sessions() as session:
        from bot.storage.models import Case

        assert all(str(c.priority) != "P0" for c in session.query(Case).all())


def test_a_request_for_a_person_with_a_loss_report_still_gets_the_bank_and_1441(sessions):
    # the classifier heard "I want a human"; the message also reports a transfer: the urgent
    # lines come in this reply, not only "queued"
    text = "อยากคุยกับคนจริงๆ ค่ะ เพิ่งโอนไป 12,000 เมื่อ 15 นาทีที่แล้ว เข้าไทยพาณิชย์ 123-4-56789-0"
    texts = _run(_tracker([], text=text))
    joined = "\n".join(texts)
    assert "1441" in texts[0] and "หลังบัตร" in texts[0]  # call your bank: first
    assert "1441" in joined
    with sessions() as session:
        from bot.storage.models import Case, Conversation

        case = session.query(Case).one()
        assert str(case.priority) == "P0"
        assert str(session.query(Conversation).one().handoff_state) != "bot"
