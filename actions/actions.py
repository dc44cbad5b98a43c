"""Sakot's Rasa custom actions (rasa-sdk). Thin: each one builds a ``Turn`` and calls into
``bot/`` through ``actions.flow``; strings come from ``bot/texts_*.py``.

Served by ``sakot actions`` (port SAKOT_ACTION_PORT, 5055).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import flow
from actions.context import Turn, safe_error, session_factory
from actions.tracker_purge import purge_later
from bot.cases import service
from bot.cases.facts import facts_from_text
from bot.cases.intake import LOSS_SLOTS, next_slot
from bot.scam_types import ScamType
from bot.storage.models import HandoffState, Priority
from bot.texts_catalog import format_amount, format_datetime, say, type_buttons, type_label
from bot.triage import Signals, urgency_signals

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

    safety_net = True  # a victim on the phone with the scammer gets the shortest path here

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        session = session_factory()()
        try:
            turn = Turn(tracker, session)
            signals = urgency_signals("" if turn.is_payload else turn.text)
            if self.safety_net and signals.distress and self.action_name != "action_distress":
                ActionDistress().act(turn)  # whatever the classifier said
                return turn.finish(dispatcher)
            if self.safety_net and signals.scammer_on_line:
                flow.on_line_shortcut(turn)
                return turn.finish(dispatcher)
            if signals.recovery_offer and self.action_name != "action_recovery_warning":
                # first, then whatever else this message needs
                turn.say("recovery_warning", urgent=True)
            extra = self.act(turn) or []
            return turn.finish(dispatcher) + extra
        except Exception as exc:  # noqa: BLE001 - the victim must get an answer
            session.rollback()
            return safe_error(dispatcher, tracker, exc)
        finally:
            session.close()


# --- first contact, the report --------------------------------------------------------------

class ActionGreet(SakotAction):
    action_name = "action_greet"

    def act(self, turn: Turn) -> list:
        turn.say("greet")
        return []


class ActionTakeReport(SakotAction):
    """A report (or facts) outside the intake: open the case, classify, extract, and tell an
    urgent victim to call their bank before anything else. The intake form follows."""

    safety_net = False
    action_name = "action_take_report"

    def act(self, turn: Turn) -> list:
        case = turn.ensure_case()
        absorbed = flow.absorb(turn, case)
        result = flow.current_triage(turn, case, absorbed.facts.signals)
        flow.urgent_first(turn, case, result, absorbed.facts.signals)
        if turn.slot("concluded"):
            flow.noted(turn, absorbed, case)
        events = [SlotSet(k, v) for k, v in absorbed.slots.items()]
        if absorbed.facts.signals.scammer_on_line:
            # the shortest path: no questions; the form ends at once and staff take over
            events += [SlotSet(slot, "skipped") for slot in LOSS_SLOTS
                       if slot not in absorbed.slots]
        turn.slots["last_processed"] = turn.message_key
        return events


class ValidateLossForm(FormValidationAction):
    """Fills the intake from the whole message (several facts at once), accepts "ไม่ทราบ",
    lets the victim correct the scam type, and decides the next question (bot.cases.intake)."""

    def name(self) -> str:
        return "validate_loss_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        session = session_factory()()
        try:
            turn = Turn(tracker, session)
            text = "" if turn.is_payload else turn.text
            signals = urgency_signals(text)
            if signals.distress:  # never left to the classifier: staff now, 1323, no questions
                ActionDistress().act(turn)
                return turn.finish(dispatcher) + [SlotSet("requested_slot", None)]
            has_facts = bool(text) and facts_from_text(text, turn.received_at).has_any
            if turn.intent in HARD_INTERRUPTS or (turn.intent in SOFT_INTERRUPTS
                                                  and not has_facts):
                session.rollback()
                return []  # nothing taken: Rasa rejects the form and a rule answers
            if signals.recovery_offer:
                turn.say("recovery_warning", urgent=True)
            events = self._validate(turn)
            return turn.finish(dispatcher) + events
        except Exception as exc:  # noqa: BLE001
            session.rollback()
            return safe_error(dispatcher, tracker, exc) + [SlotSet("last_processed", "error")]
        finally:
            session.close()

    def _validate(self, turn: Turn) -> list:
        tracker = turn.tracker
        asked = tracker.get_slot("requested_slot")
        case = turn.ensure_case()
        slots = {s: None if turn.new_case else tracker.get_slot(s) for s in LOSS_SLOTS}
        fresh = tracker.get_slot("last_processed") != turn.message_key
        updates: dict[str, Any] = {}
        absorbed = None
        signals = Signals()
        if fresh:
            intent = turn.intent
            chosen = self._chosen_type(turn) if asked == "type_confirmed" else None
            if chosen:  # picked from the list, typed a label, or sent a type payload
                service.set_scam_type(turn.session, case=case, scam_type=chosen, confidence=1.0,
                                      source="victim")
                updates.update(type_confirmed="yes", scam_type=chosen, choosing_type=False)
                turn.say("type_noted", type_label=type_label(turn.lang, chosen))
            elif intent == "affirm" and asked == "money_lost":
                service.set_money_lost(turn.session, case=case, lost=True)
                updates["money_lost"] = "yes"
            elif intent == "deny" and asked == "money_lost":
                service.set_money_lost(turn.session, case=case, lost=False)
                updates["money_lost"] = "no"
            elif intent == "affirm" and asked == "type_confirmed":
                service.set_scam_type(turn.session, case=case,
                                      scam_type=case.scam_type or ScamType.OTHER.value,
                                      confidence=1.0, source="victim")
                updates["type_confirmed"] = "yes"
            elif intent == "deny" and asked == "type_confirmed":
                updates["choosing_type"] = True  # the ask action shows the list
            elif intent in ("dont_know", "deny") and asked:
                updates[asked] = "unknown"
                if asked == "money_lost":
                    service.set_money_lost(turn.session, case=case, lost=None)
            else:
                absorbed = flow.absorb(turn, case, asked=asked)
                signals = absorbed.facts.signals
                updates.update(absorbed.slots)
                if asked == "money_lost" and "money_lost" not in updates and intent == "affirm":
                    updates["money_lost"] = "yes"
                if turn.slot("choosing_type") is None and asked == "type_confirmed" \
                        and not absorbed.understood and intent not in ("report_scam", "inform"):
                    turn.say("not_understood_slot")
        slots.update({k: v for k, v in updates.items() if k in LOSS_SLOTS})
        result = flow.current_triage(turn, case, signals)
        told_before = turn.slot("urgent_told")
        flow.urgent_first(turn, case, result, signals)
        if absorbed is not None:  # confirm back what this message told us
            flow.noted(turn, absorbed, case,
                       skip_bank=turn.slots.get("urgent_told", told_before) != told_before)
        p0 = case.priority == Priority.P0
        if p0 and not slots.get("type_confirmed"):
            updates["type_confirmed"] = slots["type_confirmed"] = "skipped"
        nxt = next_slot(slots, p0=p0, on_line=signals.scammer_on_line)
        if signals.scammer_on_line:
            for slot in LOSS_SLOTS:
                if slots.get(slot) is None:
                    updates[slot] = "skipped"
        turn.slots["last_processed"] = turn.message_key
        return [SlotSet(k, v) for k, v in updates.items()] + [SlotSet("requested_slot", nxt)]

    @staticmethod
    def _chosen_type(turn: Turn) -> str | None:
        value, _ = turn.entity("scam_type")
        if turn.is_payload and value:
            return str(value)
        if turn.intent in ("affirm", "deny", "dont_know"):
            return None
        text = turn.text.strip().lower()
        for lang in ("th", "en"):
            for type_id, label in type_buttons(lang).items():
                if text == label.lower():
                    return type_id
        return str(value) if value and turn.intent in ("inform", "report_scam") else None


class _Ask:
    """A form question with a "don't know" button (mixed into SakotAction subclasses)."""

    safety_net = False
    key = ""
    dont_know = True

    def act(self, turn: Turn) -> list:
        buttons = [turn.button("btn_dont_know", "/dont_know")] if self.dont_know else None
        turn.say(self.key, buttons=buttons)
        return []


class AskTransferTime(_Ask, SakotAction):
    action_name = "action_ask_transfer_time"
    key = "ask_transfer_time"


class AskAmount(_Ask, SakotAction):
    action_name = "action_ask_amount"
    key = "ask_amount"


class AskDestination(_Ask, SakotAction):
    action_name = "action_ask_destination"
    key = "ask_destination"


class AskVictimBank(SakotAction):
    safety_net = False
    action_name = "action_ask_victim_bank"
    BANKS = ("KBANK", "SCB", "KTB", "BBL", "BAY", "TTB", "GSB", "BAAC", "TRUEMONEY")
    SHORT_TH = {"BBL": "ธนาคารกรุงเทพ", "BAY": "กรุงศรี", "TTB": "ทีทีบี", "BAAC": "ธ.ก.ส.",
                "TRUEMONEY": "ทรูมันนี่"}

    def act(self, turn: Turn) -> list:
        from bot.banks import BY_CODE, BankCode

        buttons = []
        for code in self.BANKS:
            bank = BY_CODE[BankCode(code)]
            label = bank.name_en if turn.lang == "en" else self.SHORT_TH.get(
                code, bank.name_th.removeprefix("ธนาคาร"))
            buttons.append((label[:20], label))  # plain text: the extractor reads the name
        buttons.append(turn.button("btn_dont_know", "/dont_know"))
        turn.say("ask_victim_bank", buttons=buttons)
        return []


class AskMoneyLost(SakotAction):
    safety_net = False
    action_name = "action_ask_money_lost"

    def act(self, turn: Turn) -> list:
        turn.say("ask_money_lost", buttons=[turn.button("btn_lost_yes", "/affirm"),
                                            turn.button("btn_lost_no", "/deny")])
        return []


class AskTypeConfirmed(SakotAction):
    safety_net = False
    action_name = "action_ask_type_confirmed"

    def act(self, turn: Turn) -> list:
        case = turn.case()
        if turn.slot("choosing_type") or case is None or not case.scam_type:
            buttons = [(label, f'/inform{{"scam_type":"{type_id}"}}')
                       for type_id, label in type_buttons(turn.lang).items()]
            turn.say("choose_type", buttons=buttons)
            return [SlotSet("choosing_type", True)]
        turn.say("confirm_type", type_label=type_label(turn.lang, case.scam_type),
                 buttons=[turn.button("btn_yes", "/affirm"), turn.button("btn_no", "/deny")])
        return []


class ActionConclude(SakotAction):
    """The intake is done: escalate a P0 case, then the case number, the card, the police step
    with the deadline and the complaint draft, and the advice for the scam type."""

    safety_net = False
    action_name = "action_conclude"

    def act(self, turn: Turn) -> list:
        if turn.conversation.handoff_state != HandoffState.BOT:
            return []  # handed to staff earlier in this turn (distress): they take it from here
        case = turn.ensure_case()
        on_line = turn.slot("urgent_told") == "hang_up" and all(
            turn.slot(s) in ("skipped", None) for s in ("amount", "victim_bank"))
        flow.current_triage(turn, case, Signals())
        escalated_now = flow.escalate_if_p0(turn, case, reason="p0_triage")
        already = bool(turn.slot("concluded"))
        turn.slots["concluded"] = True
        turn.session.flush()
        view = service.case_view(turn.session, case=case)
        if already and not escalated_now:
            turn.say("updated", case_number=case.case_number)
            turn.custom(flow.card(turn, view))
            return []
        turn.say("case_number", case_number=case.case_number, join=True)
        turn.custom(flow.card(turn, view))
        if on_line:
            return []
        flow.police_and_advice(turn, view)
        if case.status != "escalated":  # escalated: staff own the chat from here
            turn.say("correct_hint", join=True)
            turn.say("closing_help", join=True)
        return []


# --- at any time ------------------------------------------------------------------------------

class ActionRequestHuman(SakotAction):
    action_name = "action_request_human"

    def act(self, turn: Turn) -> list:
        case = turn.ensure_case(reason="human_requested")
        service.request_human(turn.session, conversation=turn.conversation, case=case,
                              reason="victim_asked")
        turn.say("handoff_requested")
        turn.custom(HANDOFF, control=True)
        return []


class ActionDistress(SakotAction):
    safety_net = False
    action_name = "action_distress"

    def act(self, turn: Turn) -> list:
        case = turn.ensure_case(reason="distress")
        service.add_story(turn.session, case=case, text=turn.text, message_id=turn.message_id)
        service.raise_priority(turn.session, case=case, priority=Priority.P0, reason="distress")
        service.request_human(turn.session, conversation=turn.conversation, case=case,
                              reason="distress")
        turn.say("distress")
        turn.custom(HANDOFF, control=True)
        turn.custom({"case_updated": {"change": "distress", "case_number": case.case_number,
                                      "priority": "P0"}}, control=True)
        return []


class ActionCaseStatus(SakotAction):
    action_name = "action_case_status"

    def act(self, turn: Turn) -> list:
        from bot.desk import latest_case

        case = turn.case() or latest_case(turn.session, turn.conversation.id)  # closed ones too
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


class AskDeleteConfirmed(SakotAction):
    safety_net = False
    action_name = "action_ask_delete_confirmed"

    def act(self, turn: Turn) -> list:
        turn.say("delete_confirm", buttons=[turn.button("btn_delete_yes", "/affirm"),
                                            turn.button("btn_delete_no", "/deny")])
        return []


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
                                               "concluded", "urgent_told", "choosing_type")]
        return cleared


class ActionRecoveryWarning(SakotAction):
    action_name = "action_recovery_warning"

    def act(self, turn: Turn) -> list:
        turn.say("recovery_warning", urgent=True)  # before anything, even the privacy notice
        case = turn.case()
        if case is not None:
            service.event(turn.session, case, "recovery_offer_reported",
                          message_id=turn.message_id)
            facts = facts_from_text(turn.text, turn.received_at)
            service.record_facts(turn.session, case=case, facts=facts,
                                 message_id=turn.message_id)
        return []


class ActionBotChallenge(SakotAction):
    action_name = "action_bot_challenge"

    def act(self, turn: Turn) -> list:
        turn.say("bot_challenge", buttons=[turn.button("btn_human", "/request_human")])
        return []


class ActionThanks(SakotAction):
    action_name = "action_thanks"

    def act(self, turn: Turn) -> list:
        turn.say("thanks")
        return []


class ActionGoodbye(SakotAction):
    action_name = "action_goodbye"

    def act(self, turn: Turn) -> list:
        turn.say("goodbye")
        return []


class ActionOutOfScope(SakotAction):
    action_name = "action_out_of_scope"

    def act(self, turn: Turn) -> list:
        turn.say("out_of_scope", buttons=[turn.button("btn_report", "/report_scam"),
                                          turn.button("btn_human", "/request_human")])
        return []


class ActionFallback(SakotAction):
    """Not sure what was meant: keep any facts, protect an urgent victim, offer choices."""

    action_name = "action_fallback"
    start_intake = True

    def act(self, turn: Turn) -> list:
        if turn.is_payload and turn.intent in PAYLOAD_ACTIONS:
            # a button or engine payload ("/request_human") the NLU service did not parse:
            # act on it anyway rather than say "not understood"
            return PAYLOAD_ACTIONS[turn.intent]().act(turn)
        facts = facts_from_text("" if turn.is_payload else turn.text, turn.received_at)
        case = turn.case()
        reported_loss = not facts.denies_loss and (
            facts.amount is not None or bool(facts.destinations) or facts.mentions_money_sent
            or facts.signals.money_still_leaving)
        if self.start_intake and reported_loss and not turn.tracker.active_loop.get("name") \
                and not turn.slot("concluded"):
            # the classifier was unsure, but the message reports money lost: treat it as a
            # report (urgent lines first) and start the intake
            events = ActionTakeReport().act(turn)
            return events + [FollowupAction("loss_form")]
        if case is not None or facts.has_any or facts.signals.scammer_on_line:
            case = case or turn.ensure_case()
            absorbed = flow.absorb(turn, case)
            result = flow.current_triage(turn, case, absorbed.facts.signals)
            flow.urgent_first(turn, case, result, absorbed.facts.signals)
            if absorbed.understood and turn.slot("concluded"):
                # a correction after the summary ("จริง ๆ โอนไป 3,500"): confirm the update
                flow.noted(turn, absorbed, case)
                turn.say("updated", case_number=case.case_number, join=True)
                turn.session.flush()
                turn.custom(flow.card(turn, service.case_view(turn.session, case=case)))
                return []
        turn.say("fallback", buttons=[turn.button("btn_report", "/report_scam"),
                                      turn.button("btn_human", "/request_human")])
        return []


class ActionCoreFallback(ActionFallback):
    """Rasa's core fallback (no rule or story fits): same answer, and the message is reverted
    so the dialogue does not loop on it."""

    action_name = "action_core_fallback"
    start_intake = False  # the message is reverted: don't build on it

    def act(self, turn: Turn) -> list:
        super().act(turn)
        return [UserUtteranceReverted()]


class ActionFrozenAccount(SakotAction):
    action_name = "action_frozen_account"

    def act(self, turn: Turn) -> list:
        turn.say("frozen_account")
        return []


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
            service.record_slip(turn.session, case=case, slip=slip, message_id=turn.message_id)
            turn.say("slip_received")
        else:
            service.event(turn.session, case, "evidence_received", message_id=turn.message_id)
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
