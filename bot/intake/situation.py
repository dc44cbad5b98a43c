"""The classifier's situation head as the intake reads it: which label counts, from which
probability, and when the victim's own words overrule it.

The keyword net (``facts.signals``) may only raise; the model counts from p >= 0.5 (distress
0.7: a false alarm hands the chat to staff), with two vetoes found on the studied scenario
splits (issue 12):
- ``on_line_now`` needs words of a call, of now, or of talk going on (``on_line_context``), no
  words of a call that ended ("วางไปแล้ว", "hung up"), and a surer model (0.7) in a message told
  with a past time ("last month", "เมื่อเช้า"): the head also hears "X called me and I paid" as
  a call going on;
- ``still_leaving`` does not count when the message says the debits stopped ("ครั้งเดียว",
  "ไม่มีรายการเพิ่ม", "card frozen").
"""

from __future__ import annotations

from bot.cases.facts import MessageFacts
from bot.understanding.situation_cues import (
    hung_up,
    money_stopped,
    on_line_context,
    told_as_past,
)

SITUATION_THRESHOLD = 0.5
DISTRESS_THRESHOLD = 0.7
PAST_STORY_ON_LINE_THRESHOLD = 0.7


def model_says(facts: MessageFacts, label: str, threshold: float = SITUATION_THRESHOLD) -> bool:
    """The head asserts ``label`` with p >= threshold (False when the NLU gave no head)."""
    return facts.situation is not None and facts.situation.says(label, threshold)


def model_on_line(facts: MessageFacts) -> bool:
    if not on_line_context(facts.text) or hung_up(facts.text):
        return False
    bar = PAST_STORY_ON_LINE_THRESHOLD if told_as_past(facts.text) else SITUATION_THRESHOLD
    return model_says(facts, "on_line_now", bar)


def model_still_leaving(facts: MessageFacts) -> bool:
    return model_says(facts, "still_leaving") and not money_stopped(facts.text)
