"""Who answers a message: the rule Rasa picked, or the intake core (a pure decision).

Rasa's policies choose an action from the intent the classifier heard. For most messages that is
right ("ขอบคุณค่ะ" -> thanks, "ลบข้อมูล" -> delete). But a victim who is on the phone with the
scammer, in distress, or whose money has gone or is still going must get the core's urgent
lines first (hang up / 1323 / call your bank + 1441), whatever intent won: "ขอคุยกับเจ้าหน้าที่
ด่วน ตอนนี้เขายังอยู่กับหนู" heard as request_human must still be told to hang up.

    takeover(facts, report_probability=..., in_form=...) -> Takeover | None
    first_steps_while_waiting(facts) -> the urgent lines for a victim whose chat waits for staff

The keyword safety net (``facts.signals``) may always raise; the classifier's situation head
counts only on a message the classifier also reads as (partly) a report: on a bare "ขอคุยกับ
เจ้าหน้าที่ค่ะ" the head says on_line_now ~0.9 ("เจ้าหน้าที่" is the fake officer of its
training stories), and a false alarm would escalate a plain request.
"""

from __future__ import annotations

from enum import Enum

from bot.cases.facts import MessageFacts
from bot.classifier import REPORT_EVIDENCE
from bot.intake.situation import (
    DISTRESS_THRESHOLD,
    model_on_line,
    model_says,
    model_still_leaving,
)
from bot.triage import HOLD_WINDOW

# Intents with their own path for a money report: the intake itself, or a rule that must run.
_OWN_PATH = frozenset({"report_scam", "inform", "nlu_fallback", "check_identifier",
                       "delete_my_data", "recovery_offer", "request_human"})


class Takeover(Enum):
    NOW = "now"  # on the line or in distress: the core answers, even inside a form
    INTAKE = "intake"  # money sent or leaving: the core answers and the intake goes on


def takeover(facts: MessageFacts, *, report_probability: float, in_form: bool) -> Takeover | None:
    """Whether the core must answer this message instead of the rule Rasa picked."""
    if facts.is_payload or not facts.text:
        return None
    story = report_probability >= REPORT_EVIDENCE

    sig = facts.signals
    on_line = sig.scammer_on_line or (story and model_on_line(facts))
    if on_line or sig.distress or (story and model_says(facts, "victim_in_distress",
                                                       DISTRESS_THRESHOLD)):
        return Takeover.NOW
    if in_form:
        return None  # the intake form is already asking: it reads the message itself
    money_sent = (facts.intent not in _OWN_PATH and facts.mentions_money_sent
                  and not facts.denies_loss and facts.reports_scam)
    if sig.money_still_leaving or (story and model_still_leaving(facts)) or money_sent:
        return Takeover.INTAKE
    return None



def first_steps_while_waiting(facts: MessageFacts) -> tuple[str, ...] | None:
    """While staff are about to take the chat the bot stays silent, except when this message
    (its words: no model runs on that path) says the scammer is on the line, money is leaving,
    or money was just sent: then "hang up" / "cut the internet" first, and the caller adds the
    victim's bank line and "staff are coming". None = stay silent. The conversation engine and
    the intake core (``replay``) both use it, so what is measured is what is sent."""
    sig = facts.signals
    recent = not facts.long_ago and (
        facts.transfer_at is None or facts.received_at is None
        or facts.received_at - facts.transfer_at < HOLD_WINDOW)
    lost = facts.mentions_money_sent and not facts.denies_loss and recent
    if not (sig.scammer_on_line or sig.money_still_leaving or lost):
        return None
    return ("hang_up_now",) * sig.scammer_on_line + ("cut_internet_now",) * sig.money_still_leaving
