"""Who answers a message (bot.intake.routing): the core takes over from the rule Rasa picked
when the victim is on the line, in distress, or has lost money, whatever intent won."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.cases.facts import Situation, facts_from_text
from bot.intake.routing import Takeover, takeover

AT = datetime(2026, 3, 10, 7, 5, tzinfo=UTC)


def facts(text: str, *, intent: str = "request_human", **situation: float):
    base = facts_from_text(text, AT)
    head = Situation(**situation, labels=frozenset(situation)) if situation else None
    return replace(base, intent=intent, situation=head)


def test_on_the_line_by_keywords_is_taken_over_now_even_inside_a_form():
    f = facts("ขอคุยกับเจ้าหน้าที่ เขายังไม่ยอมวางสายเลย")
    assert takeover(f, report_probability=0.0, in_form=True) is Takeover.NOW


def test_the_head_counts_only_on_a_message_read_as_partly_a_report():
    text = "ขอคุยกับเจ้าหน้าที่ด่วนค่ะ ตอนนี้เขายังอยู่กับหนูเลย บอกให้รีบทำตามภายในสิบนาที"
    f = facts(text, on_line_now=0.93)
    assert takeover(f, report_probability=0.3, in_form=False) is Takeover.NOW
    assert takeover(f, report_probability=0.1, in_form=False) is None


def test_the_heads_on_the_line_needs_words_of_a_call_or_of_now():
    f = facts("ขอคุยกับเจ้าหน้าที่ค่ะ", on_line_now=0.9)
    assert takeover(f, report_probability=0.9, in_form=False) is None


def test_distress_by_the_head_needs_its_higher_threshold():
    text = "ไม่ไหวแล้วค่ะ เงินเก็บทั้งหมดหายไป"
    assert takeover(facts(text, victim_in_distress=0.8), report_probability=0.5,
                    in_form=False) is Takeover.NOW
    assert takeover(facts(text, victim_in_distress=0.6), report_probability=0.5,
                    in_form=False) is not Takeover.NOW


@pytest.mark.parametrize("intent", ["thanks", "ask_advice", "goodbye"])
def test_money_sent_under_another_intent_goes_to_the_intake(intent):
    f = facts("โดนหลอกโอนไป 5,000 เมื่อกี้ค่ะ", intent=intent)
    assert takeover(f, report_probability=0.2, in_form=False) is Takeover.INTAKE
    assert takeover(f, report_probability=0.2, in_form=True) is None  # the form reads it


def test_a_report_intent_keeps_its_own_path_and_a_denial_is_no_loss():
    assert takeover(facts("โดนหลอกโอนไป 5,000 เมื่อกี้ค่ะ", intent="report_scam"),
                    report_probability=0.9, in_form=False) is None
    assert takeover(facts("เกือบโดนหลอก แต่ยังไม่ได้โอนเงินค่ะ ขอบคุณนะคะ", intent="thanks"),
                    report_probability=0.2, in_form=False) is None


def test_money_still_leaving_by_the_head_goes_to_the_intake_and_a_button_never_does():
    f = facts("ช่วยด้วยค่ะ แอปธนาคารแปลกๆ", intent="request_human", still_leaving=0.8)
    assert takeover(f, report_probability=0.4, in_form=False) is Takeover.INTAKE
    assert takeover(replace(f, is_payload=True), report_probability=0.4, in_form=False) is None
