"""Sakot's Rasa custom actions (rasa-sdk). Thin: each one builds a ``Turn``; the intake's
decisions (situation, priority, what is said first, which question next, when to escalate) are
taken by the pure core ``bot.intake`` through the adapter ``actions.flow``; strings come from
``bot/texts_*.py``.

Served by ``sakot actions`` (port SAKOT_ACTION_PORT, 5055).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import flow
from actions.context import Turn, run_turn
from actions.tracker_purge import purge_later
from bot.cases import service
from bot.cases.events import CaseEventKind
from bot.cases.facts import MessageFacts, facts_from_text
from bot.intake import LOSS_SLOTS
from bot.intake.routing import Takeover, takeover
from bot.storage.models import HandoffState, Priority
from bot.texts_catalog import format_amount, format_datetime, say, type_label
from bot.triage import urgency_signals

# Intents that leave the intake to a rule (the form rejects, the rule answers). The soft ones
# yield when the message carries facts: "เมื่อ 5 วันก่อน" is an answer even if the classifier
# hears a goodbye in it.
HARD_INTERRUPTS = {"request_human", "distress", "delete_my_data", "recovery_offer"}
SOFT_INTERRUPTS = {"check_case_status", "bot_challenge", "goodbye", "frozen_account_help",
                   "ask_advice"}
HANDOFF = {"handoff": HandoffState.WAITING_FOR_STAFF.value}


class SakotAction(Action, ABC):
    """Runs ``act`` in one database transaction; any failure becomes a safe message.
    (Abstract, so rasa-sdk's executor registers only the concrete actions.)"""

    action_name = ""

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def act(self, turn: Turn) -> list:
        """The action's work; returns extra events."""

    safety_net = True  # whatever the classifier said, an urgent message goes to the core

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        return run_turn(dispatcher, tracker, lambda turn: self._decide(dispatcher, turn))

    def _decide(self, dispatcher: CollectingDispatcher, turn: Turn) -> list[dict[str, Any]]:
        if waits_for_staff(turn):
            return take_while_waiting(dispatcher, turn)
        text = "" if turn.is_payload else turn.text
        signals = urgency_signals(text)
        if self.safety_net:
            routed = takeover(_message_facts(turn, text),
                              report_probability=_report_probability(turn),
                              in_form=bool(turn.tracker.active_loop.get("name")))
            if routed is Takeover.NOW:
                flow.take_message(turn)
                return turn.finish(dispatcher)
            if routed is Takeover.INTAKE:
                state = flow.take_message(turn)
                turn.slots["last_processed"] = turn.message_key
                follow = [FollowupAction("loss_form")] if state.asked else []
                return turn.finish(dispatcher) + follow
        if signals.recovery_offer and self.action_name != "action_recovery_warning":
            # first, then whatever else this message needs
            turn.say("recovery_warning", urgent=True)
        extra = self.act(turn) or []
        return turn.finish(dispatcher) + extra


def waits_for_staff(turn: Turn) -> bool:
    return turn.conversation.handoff_state == HandoffState.WAITING_FOR_STAFF


def take_while_waiting(dispatcher: CollectingDispatcher, turn: Turn) -> list[dict[str, Any]]:
    """The chat waits for staff: whatever Rasa predicted, the core records what the message
    tells (a correction, the report itself) and says only first steps that cannot wait; no
    question, no form (staff take it from here)."""
    if turn.tracker.get_slot("last_processed") != turn.message_key:
        flow.take_message(turn)
    return turn.finish(dispatcher)


def _message_facts(turn: Turn, text: str) -> MessageFacts:
    """What the message says, with the classifier's intent and situation head."""
    base = (facts_from_text(text, turn.received_at) if text
            else MessageFacts(text="", received_at=turn.received_at))
    return replace(base, intent=turn.intent, situation=flow.situation(turn),
                   is_payload=turn.is_payload)


def _report_probability(turn: Turn) -> float:
    """P(report_scam) from the NLU's intent ranking (0 when not given)."""
    latest = turn.tracker.latest_message or {}
    for item in latest.get("intent_ranking") or [latest.get("intent") or {}]:
        if item.get("name") == "report_scam":
            try:
                return float(item.get("confidence") or 0.0)
            except (TypeError, ValueError):
                return 0.0
    return 0.0


def _reports_loss(turn: Turn) -> bool:
    """The message reports money sent or leaving, or names where it went."""
    facts = facts_from_text(turn.text, turn.received_at)
    return not facts.denies_loss and (
        facts.mentions_money_sent or bool(facts.destinations)
        or facts.signals.money_still_leaving or facts.signals.scammer_on_line)


# --- first contact, the report --------------------------------------------------------------

class _SaysOneLine:
    """An action that says one catalogue line (a mixin: the executor registers only the
    concrete actions below)."""

    line = ""
    buttons: tuple[tuple[str, str], ...] = ()  # (title key, payload)

    def act(self, turn: Turn) -> list:
        say_line(turn, self.line, self.buttons)
        return []


REPORT_OR_HUMAN = (("btn_report", "/report_scam"), ("btn_human", "/request_human"))


def say_line(turn: Turn, line: str, buttons: tuple[tuple[str, str], ...] = ()) -> None:
    turn.say(line, buttons=[turn.button(key, payload) for key, payload in buttons] or None)


class ActionGreet(_SaysOneLine, SakotAction):
    action_name = "action_greet"
    line = "greet"


class ActionTakeReport(SakotAction):
    """A report (or facts) outside the intake: the core decides (urgent lines first, then the
    next question, which the form asks). Adapter only: ``actions.flow``."""

    safety_net = False
    action_name = "action_take_report"

    def act(self, turn: Turn) -> list:
        flow.take_message(turn)
        turn.slots["last_processed"] = turn.message_key
        return []


class ValidateLossForm(FormValidationAction):
    """The intake form's validation: each new message goes through the core, which fills the
    slots it answers (several facts at once), accepts "ไม่ทราบ", takes a corrected scam type
    and names the next question (``requested_slot``)."""

    def name(self) -> str:
        return "validate_loss_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        return run_turn(dispatcher, tracker, lambda turn: self._validate(dispatcher, turn),
                        on_error=[SlotSet("last_processed", "error")])

    def _validate(self, dispatcher: CollectingDispatcher, turn: Turn) -> list[dict[str, Any]]:
        tracker = turn.tracker
        text = "" if turn.is_payload else turn.text
        if tracker.get_slot("last_processed") == turn.message_key:
            # the form's activation right after action_take_report: already decided
            state = flow.load_state(turn)
            return [SlotSet("requested_slot", state.asked)]
        if waits_for_staff(turn):
            return take_while_waiting(dispatcher, turn) + [SlotSet("requested_slot", None)]
        signals = urgency_signals(text)
        has_facts = bool(text) and facts_from_text(text, turn.received_at).has_any
        if not signals.distress and not signals.scammer_on_line and (
                turn.intent in HARD_INTERRUPTS
                or (turn.intent in SOFT_INTERRUPTS and not has_facts)):
            turn.session.rollback()
            return []  # nothing taken: Rasa rejects the form and a rule answers
        if signals.recovery_offer:
            turn.say("recovery_warning", urgent=True)
        state = flow.take_message(turn)
        turn.slots["last_processed"] = turn.message_key
        return turn.finish(dispatcher) + [SlotSet("requested_slot", state.asked)]


class _Ask:
    """A form question: the one the core chose (``bot.intake.question``). (A mixin, so the
    executor registers only the concrete ask actions.)"""

    safety_net = False

    def act(self, turn: Turn) -> list:
        flow.ask(turn)
        return []


# One ask action per loss_form slot ("action_ask_<slot>"), all the same adapter.
ASK_ACTIONS: dict[str, type[SakotAction]] = {
    slot: type(f"Ask_{slot}", (_Ask, SakotAction), {"action_name": f"action_ask_{slot}"})
    for slot in LOSS_SLOTS
}


class ActionConclude(SakotAction):
    """The intake is done. The core concluded in the message that ended it (escalation, case
    number, card, police step, advice); this only covers a form that ended otherwise."""

    safety_net = False
    action_name = "action_conclude"

    def act(self, turn: Turn) -> list:
        if turn.conversation.handoff_state != HandoffState.BOT:
            return []  # handed to staff earlier in this turn: they take it from here
        flow.conclude_now(turn)
        return []


# --- at any time ------------------------------------------------------------------------------

class ActionRequestHuman(SakotAction):
    action_name = "action_request_human"

    def act(self, turn: Turn) -> list:
        if not turn.is_payload and _reports_loss(turn):
            # "ขอคุยกับเจ้าหน้าที่ โอนไป 20,000 เมื่อกี้": the core gives the urgent lines (bank
            # number, 1441) first, then queues the chat
            flow.take_message(turn)
            turn.slots["last_processed"] = turn.message_key
            return []
        hand_over(turn, turn.ensure_case(reason="human_requested"), reason="victim_asked",
                  line="handoff_requested")
        return []


def hand_over(turn: Turn, case, *, reason: str, line: str) -> None:
    """The chat to the staff queue, and the line that tells the victim so."""
    service.request_human(turn.session, conversation=turn.conversation, case=case,
                          reason=reason)
    turn.say(line)
    turn.custom(HANDOFF, control=True)
    turn.slots["last_processed"] = turn.message_key


class ActionDistress(SakotAction):
    """Self-harm language: the core answers (1323 first, staff now, the case P0)."""

    safety_net = False
    action_name = "action_distress"

    def act(self, turn: Turn) -> list:
        flow.take_message(turn)
        if turn.conversation.handoff_state == HandoffState.BOT:
            # the classifier heard distress the keyword net and the situation head did not:
            # still never left alone
            case = turn.ensure_case(reason="distress")
            service.raise_priority(turn.session, case=case, priority=Priority.P0,
                                   reason="distress")
            hand_over(turn, case, reason="distress", line="distress")
        return []


class ActionCaseStatus(SakotAction):
    action_name = "action_case_status"

    def act(self, turn: Turn) -> list:
        case = service.current_case(turn.session, conversation_id=turn.conversation.id)
        if case is None:
            turn.say("status_none")
            return []
        view = service.case_view(turn.session, case=case)
        status_key = {"escalated": "status_text_escalated", "closed": "status_text_closed"}.get(
            view.status, "status_text_open")
        lines = [say(turn.lang, "status", case_number=view.case_number,
                     status_text=say(turn.lang, status_key),
                     type_label=type_label(turn.lang, view.scam_type),
                     priority_text=say(turn.lang, f"priority_{view.priority}"))]
        packets = service.packets_for_case(turn.session, case=case)
        if packets:
            delivered = any(p.status == "delivered" for p in packets)
            lines.append(say(turn.lang, "status_packet_sent" if delivered
                             else "status_packet_pending"))
        if case.amount_held_thb:
            lines.append(say(turn.lang, "status_held",
                             amount=format_amount(case.amount_held_thb)))
        if view.money_lost and view.hold_deadline_at:
            lines.append(say(turn.lang, "status_deadline",
                             deadline=format_datetime(turn.lang, view.hold_deadline_at)))
        turn.add_text("\n".join(lines))
        return []


class ActionCheckIdentifier(SakotAction):
    """"Was this number reported?" — counts across cases; never says "safe"."""

    action_name = "action_check_identifier"

    def act(self, turn: Turn) -> list:
        facts = facts_from_text(turn.text, turn.received_at)
        own = turn.case()
        found = [i for i in facts.identifiers if i.kind in service.LOOKUP_KINDS]
        if not found:
            turn.say("identifier_ask")
            return []
        for ident in found[:3]:
            count = service.times_reported(turn.session, kind=ident.kind,
                                           value=ident.normalized_value,
                                           exclude_case_id=own.id if own else None)
            key = "identifier_reported" if count else "identifier_not_reported"
            turn.say(key, identifier=ident.raw_text, count=count)
        return []


class ValidateDeleteForm(FormValidationAction):
    def name(self) -> str:
        return "validate_delete_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        from actions.context import payload_intent

        if tracker.get_slot("requested_slot") != "delete_confirmed":
            return []  # the form is just starting: ask first, never delete on the request alone
        text = (tracker.latest_message or {}).get("text") or ""
        intent = payload_intent(text)[0] or (tracker.latest_message.get("intent") or {}).get(
            "name")
        answer = "yes" if intent in ("affirm", "delete_my_data") else "no"
        return [SlotSet("delete_confirmed", answer), SlotSet("requested_slot", None)]


class AskDeleteConfirmed(_SaysOneLine, SakotAction):
    safety_net = False
    action_name = "action_ask_delete_confirmed"
    line = "delete_confirm"
    buttons = (("btn_delete_yes", "/affirm"), ("btn_delete_no", "/deny"))


class ActionDeleteData(SakotAction):
    action_name = "action_delete_data"

    def act(self, turn: Turn) -> list:
        if turn.slot("delete_confirmed") != "yes":
            turn.say("delete_cancelled")
            return [SlotSet("delete_confirmed", None)]
        result = service.delete_conversation_data(turn.session, conversation=turn.conversation)
        purge_later(turn.conversation.id)  # Rasa's copy of the messages, once this turn is saved
        turn.say("deleted")
        for number in result.kept_case_numbers:
            turn.say("deleted_kept_case", case_number=number)
        cleared = [SlotSet(s, None) for s in (*LOSS_SLOTS, "delete_confirmed", "scam_type",
                                               "concluded", "urgent_told", "choosing_type",
                                               "intake_state", "priority", "escalated")]
        return cleared


class ActionRecoveryWarning(SakotAction):
    action_name = "action_recovery_warning"

    def act(self, turn: Turn) -> list:
        turn.say("recovery_warning", urgent=True)  # before anything, even the privacy notice
        case = turn.case()
        if case is not None:
            service.note_event(turn.session, case=case,
                               kind=CaseEventKind.RECOVERY_OFFER_REPORTED,
                               message_id=turn.message_id)
            facts = facts_from_text(turn.text, turn.received_at)
            service.record_facts(turn.session, case=case, facts=facts,
                                 message_id=turn.message_id)
        return []


class ActionBotChallenge(_SaysOneLine, SakotAction):
    action_name = "action_bot_challenge"
    line = "bot_challenge"
    buttons = (("btn_human", "/request_human"),)


class ActionThanks(_SaysOneLine, SakotAction):
    action_name = "action_thanks"
    line = "thanks"


class ActionGoodbye(_SaysOneLine, SakotAction):
    action_name = "action_goodbye"
    line = "goodbye"


class ActionOutOfScope(_SaysOneLine, SakotAction):
    action_name = "action_out_of_scope"
    line = "out_of_scope"
    buttons = REPORT_OR_HUMAN


class ActionFallback(SakotAction):
    """Not sure what was meant: a message that carries facts or urgency goes through the core
    (and starts the intake when it reports a loss); otherwise offer choices."""

    action_name = "action_fallback"
    start_intake = True

    def act(self, turn: Turn) -> list:
        if turn.is_payload and turn.intent in PAYLOAD_ACTIONS:
            # a button or engine payload ("/request_human") the NLU service did not parse:
            # act on it anyway rather than say "not understood"
            return PAYLOAD_ACTIONS[turn.intent]().act(turn)
        text = "" if turn.is_payload else turn.text
        facts = facts_from_text(text, turn.received_at)
        reported_loss = not facts.denies_loss and (
            facts.amount is not None or bool(facts.destinations) or facts.mentions_money_sent
            or facts.signals.money_still_leaving)
        # "โดนหลอกค่ะ" the classifier was unsure of is still a report: scam words go to the core
        if turn.case() is None and not (facts.has_any or reported_loss or facts.reports_scam
                                        or facts.signals.scammer_on_line):
            say_line(turn, "fallback", REPORT_OR_HUMAN)
            return []
        before = len(turn.replies)
        state = flow.take_message(turn)
        turn.slots["last_processed"] = turn.message_key
        if self.start_intake and state.asked and not turn.tracker.active_loop.get("name"):
            return [FollowupAction("loss_form")]  # the form asks the core's question
        if len(turn.replies) == before and turn.conversation.handoff_state == HandoffState.BOT:
            say_line(turn, "fallback", REPORT_OR_HUMAN)
        return []


class ActionCoreFallback(ActionFallback):
    """Rasa's core fallback (no rule or story fits): same answer, and the message is reverted
    so the dialogue does not loop on it."""

    action_name = "action_core_fallback"
    start_intake = False  # the message is reverted: don't build on it

    def act(self, turn: Turn) -> list:
        super().act(turn)
        return [UserUtteranceReverted()]


class ActionFrozenAccount(_SaysOneLine, SakotAction):
    action_name = "action_frozen_account"
    line = "frozen_account"


class ActionAdvice(SakotAction):
    action_name = "action_advice"

    def act(self, turn: Turn) -> list:
        from bot.advice import advice_for

        case = turn.case()
        scam_type = case.scam_type if case else None
        value, _ = turn.entity("scam_type")
        if not scam_type and value:
            scam_type = str(value)
        turn.add_text(advice_for(scam_type, lang=turn.lang,
                                 money_lost=case.money_lost if case else None).text())
        return []


class ActionEvidenceReceived(SakotAction):
    action_name = "action_evidence_received"

    def act(self, turn: Turn) -> list:
        case = turn.case()
        if case is None:
            turn.say("evidence_no_case")
            return []
        slip = turn.metadata.get("slip_qr")
        if isinstance(slip, dict):
            service.record_dialogue_slip(turn.session, case=case, slip=slip,
                                         message_id=turn.message_id)
            turn.say("slip_received")
        else:
            service.note_event(turn.session, case=case, kind=CaseEventKind.EVIDENCE_RECEIVED,
                               message_id=turn.message_id)
            turn.say("evidence_received")
        return []


class ActionAcknowledge(SakotAction):
    action_name = "action_acknowledge"

    def act(self, turn: Turn) -> list:
        if turn.slot("concluded"):
            turn.say("closing_help")
        else:
            turn.say("ask_story")
        return []


# What ActionFallback does with a "/intent" payload the NLU service returned as not understood.
PAYLOAD_ACTIONS: dict[str, type[SakotAction]] = {
    "greet": ActionGreet,
    "report_scam": ActionAcknowledge,
    "request_human": ActionRequestHuman,
    "check_case_status": ActionCaseStatus,
    "bot_challenge": ActionBotChallenge,
    "thanks": ActionThanks,
    "goodbye": ActionGoodbye,
    "affirm": ActionAcknowledge,
    "deny": ActionAcknowledge,
    "dont_know": ActionAcknowledge,
    "slip_received": ActionEvidenceReceived,
    "image_received": ActionEvidenceReceived,
    "file_received": ActionEvidenceReceived,
    "sticker_received": ActionAcknowledge,
    "location_received": ActionAcknowledge,
}
