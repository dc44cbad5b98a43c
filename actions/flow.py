"""The adapter between Rasa's actions and the pure intake core (``bot.intake``).

One message through the core: load the state (the ``intake_state`` slot, checked against the
stored case), build the facts (extraction + keyword rules from ``bot.cases.facts``, plus what
the NLU service said: intent, scam type, situation head), call ``decide``, apply its commands
through the case service (the only writer of case state), render its replies into the turn,
and hand back the slots. No decision is taken here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.cases import service
from bot.cases.facts import MessageFacts, Situation, facts_from_text
from bot.cases.view import CaseView
from bot.clock import aware_utc
from bot.intake import CaseState, Decision, Dest, commands, decide, question, render
from bot.intake.core import conclude
from bot.intake.replies import Reply
from bot.storage.models import Case, HandoffState, Priority
from bot.texts_catalog import type_buttons
from actions.context import Turn

HANDOFF = {"handoff": HandoffState.WAITING_FOR_STAFF.value}


# --- state ------------------------------------------------------------------------------------

def load_state(turn: Turn) -> CaseState:
    """The core's state for this conversation's current case: the slot when it belongs to the
    stored case, else rebuilt from the case; what the database knows better wins (a slip's
    bank, staff's escalation, the stored priority)."""
    case = turn.case()
    if case is None:
        return CaseState(lang=turn.lang)
    state = None
    if turn.tracker.get_slot("case_number") == case.case_number:
        state = CaseState.from_json(turn.tracker.get_slot("intake_state"))
    view = service.case_view(turn.session, case=case)
    if state is None:
        state = _from_case(turn, view)
    ranks = {"P0": 0, "P1": 1, "P2": 2}
    priority = view.priority
    if state.priority is not None and ranks.get(state.priority, 3) < ranks.get(priority, 3):
        priority = state.priority
    return state.evolve(
        lang=turn.lang, case_open=True, priority=priority,
        victim_bank=state.victim_bank or view.victim_bank,
        escalated=state.escalated or view.status == "escalated",
        with_staff=turn.conversation.handoff_state != HandoffState.BOT,
        money_lost=True if view.money_lost and state.money_lost is None else state.money_lost,
    )


def _from_case(turn: Turn, view: CaseView) -> CaseState:
    """A state from the stored case (a conversation that predates the slot, or a lost slot)."""
    slot = turn.tracker.get_slot
    unknown = frozenset(s for s in ("money_lost", "transfer_time", "amount", "victim_bank",
                                    "destination") if slot(s) == "unknown")
    return CaseState(
        lang=turn.lang, case_open=True, opened_at=view.created_at, priority=view.priority,
        money_lost=view.money_lost, paid=(view.amount_thb,) if view.amount_thb else (),
        transfer_times=(view.last_transfer_at,) if view.last_transfer_at else (),
        victim_bank=view.victim_bank,
        destinations=tuple(Dest(d.kind, d.value, d.bank_code) for d in view.destinations),
        transfer_refs=view.transfer_refs, scam_type=view.scam_type,
        type_confirmed=slot("type_confirmed"), choosing_type=bool(slot("choosing_type")),
        asked=slot("requested_slot"), unknown=unknown, urgent_told=slot("urgent_told"),
        concluded=bool(slot("concluded")), escalated=view.status == "escalated")


def state_slots(state: CaseState) -> dict[str, Any]:
    slots: dict[str, Any] = dict(state.slot_values())
    slots.update(intake_state=state.to_json(), urgent_told=state.urgent_told,
                 concluded=state.concluded or None, escalated=state.escalated or None,
                 priority=state.priority, scam_type=state.scam_type,
                 choosing_type=state.choosing_type or None)
    return slots


# --- facts --------------------------------------------------------------------------------------

def chosen_type(turn: Turn) -> str | None:
    """A scam type picked from the list (payload), or its label typed."""
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
    return None


def situation(turn: Turn) -> Situation | None:
    """The classifier's situation head, when the NLU service gives it: one ``situation``
    entity per label the model asserts (its own thresholds), the probability as confidence."""
    probs: dict[str, float] = {}
    for ent in (turn.tracker.latest_message or {}).get("entities") or []:
        if ent.get("entity") == "situation" and ent.get("value") in Situation.LABELS:
            try:
                probs[str(ent["value"])] = float(ent.get("confidence_entity") or 0.0)
            except (TypeError, ValueError):
                continue
    return Situation(**probs, labels=frozenset(probs)) if probs else None


def build_facts(turn: Turn, state: CaseState) -> MessageFacts:
    text = "" if turn.is_payload else turn.text
    base = (facts_from_text(text, turn.received_at, asked=state.asked) if text
            else MessageFacts(text="", received_at=turn.received_at))
    scam_type, confidence = turn.entity("scam_type")
    intent = (turn.tracker.latest_message or {}).get("intent") or {}
    return replace(
        base, intent=turn.intent, intent_confidence=intent.get("confidence"),
        scam_type=str(scam_type) if scam_type and not turn.is_payload else None,
        scam_type_confidence=confidence, situation=situation(turn),
        chosen_scam_type=chosen_type(turn) if state.asked == "type_confirmed" else None,
        is_payload=turn.is_payload)


# --- one message through the core ---------------------------------------------------------------

def take_message(turn: Turn, *, stages: tuple[str, ...] = ("now", "conclusion")) -> CaseState:
    """Run the core on this message; replies of ``stages`` are said (the form's ask action says
    the question). Returns the new state; its slots are in ``turn.slots``."""
    state = load_state(turn)
    if turn.case() is not None:
        _slip(turn)
        state = state.evolve(victim_bank=state.victim_bank or (turn.case().victim_bank))
    decision = decide(state, build_facts(turn, state), turn.received_at)
    apply(turn, decision, stages=stages)
    turn.slots["last_processed"] = turn.message_key  # later actions of this turn: decided
    return decision.state


def _slip(turn: Turn) -> None:
    """A transfer slip's QR (engine metadata): its bank and reference go to the case first
    (once: one the app stored is recorded from its evidence row, bot.cases.evidence)."""
    slip = turn.metadata.get("slip_qr")
    case = turn.case()
    quiet = turn.conversation.handoff_state != HandoffState.BOT  # staff will see it
    if isinstance(slip, dict) and case is not None:
        service.record_dialogue_slip(turn.session, case=case, slip=slip,
                                     message_id=turn.message_id)
        if not quiet:
            turn.say("slip_received")
    elif turn.intent in ("image_received", "file_received") and not quiet:
        turn.say("evidence_received")


def apply(turn: Turn, decision: Decision, *, stages: tuple[str, ...] = ("now", "conclusion")
          ) -> None:
    """The commands through the case service, then the replies into the turn."""
    case: Case | None = turn.case()
    packet_queued: bool | None = None
    for command in decision.commands:
        if isinstance(command, commands.OpenCase):
            case = turn.ensure_case(reason=command.reason)  # adopts files sent before it
            slip = turn.metadata.get("slip_qr")
            if isinstance(slip, dict):
                service.record_dialogue_slip(turn.session, case=case, slip=slip,
                                             message_id=turn.message_id)
            continue
        if case is None:
            continue
        if isinstance(command, commands.RecordFacts):
            changed = service.record_facts(turn.session, case=case, facts=command.facts,
                                           message_id=turn.message_id)
            if changed:
                turn.slots["case_number"] = case.case_number
        elif isinstance(command, commands.AddStory):
            service.add_story(turn.session, case=case, text=command.text,
                              message_id=turn.message_id)
        elif isinstance(command, commands.SetMoneyLost):
            service.set_money_lost(turn.session, case=case, lost=command.lost)
        elif isinstance(command, commands.SetScamType):
            try:
                service.set_scam_type(turn.session, case=case, scam_type=command.scam_type,
                                      confidence=command.confidence, source=command.source)
            except ValueError:  # not one of our ids: keep the case as it is
                pass
        elif isinstance(command, commands.SetPriority):
            turn.session.flush()
            service.apply_triage(turn.session, case=case, result=command.triage,
                                 now=turn.received_at, correction=command.correction)
        elif isinstance(command, commands.RaisePriority):
            service.raise_priority(turn.session, case=case, priority=Priority(command.priority),
                                   reason=command.reason)
        elif isinstance(command, commands.Escalate):
            packet_queued = _escalate(turn, case, reason=command.reason)
        elif isinstance(command, commands.HandToStaff):
            service.request_human(turn.session, conversation=turn.conversation, case=case,
                                  reason=command.reason)
            turn.custom(HANDOFF, control=True)
            turn.custom({"case_updated": {"change": command.reason,
                                          "case_number": case.case_number,
                                          "priority": str(case.priority)}}, control=True)
        elif isinstance(command, commands.NoteEvent):
            service.note_event(turn.session, case=case, kind=command.kind,
                               message_id=turn.message_id)
    view = None
    if case is not None:
        turn.session.flush()
        view = service.case_view(turn.session, case=case)
    for reply in decision.replies:
        if reply.stage not in stages:
            continue
        if reply.key == "escalated" and packet_queued is False:
            reply = replace(reply, key="escalated_no_packet")
        say(turn, reply, view)
    turn.slots.update(state_slots(decision.state))
    if case is not None:
        turn.slots["case_number"] = case.case_number


def say(turn: Turn, reply: Reply, view: CaseView | None) -> None:
    for message in render(reply, turn.lang, view, turn.received_at):
        if "json_message" in message:
            turn.custom(message["json_message"])
            continue
        buttons = [(b["title"], b["payload"]) for b in message.get("buttons") or ()]
        turn.add_text(message["text"], urgent=reply.urgent, buttons=buttons or None,
                      join=bool(message.get("join")))


def ask(turn: Turn) -> None:
    """The form's ask action: the question the core chose (``state.asked``)."""
    state = load_state(turn)
    slot = turn.tracker.get_slot("requested_slot")
    if slot and slot != state.asked:
        state = state.evolve(asked=slot)
    if state.asked is None:
        return
    say(turn, question(state), None)


def conclude_now(turn: Turn) -> None:
    """The form ended without the core's conclusion in this message (e.g. a state rebuilt from
    the case): let the core conclude."""
    state = load_state(turn)
    if state.concluded:
        return
    apply(turn, conclude(state, turn.received_at))


def _escalate(turn: Turn, case: Case, *, reason: str) -> bool:
    """P0 -> packet in the outbox + staff queue (one transaction). True when a packet went."""
    turn.session.flush()
    result = service.escalate(turn.session, conversation=turn.conversation, case=case,
                              reported_at=aware_utc(case.created_at) or turn.received_at,
                              reason=reason, now=turn.received_at)
    turn.custom(HANDOFF, control=True)
    turn.custom({"case_updated": {"change": "escalated", "case_number": case.case_number,
                                  "priority": str(case.priority), "status": str(case.status),
                                  "packet_queued": result.packet_queued}}, control=True)
    return result.packet_queued


__all__ = ["apply", "ask", "build_facts", "conclude_now", "load_state",
           "take_message"]
