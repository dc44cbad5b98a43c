"""The steps the actions share: take in a message, tell an urgent victim to call now, triage,
escalate, and the closing summary. Rules live in ``bot/`` (triage, intake order, advice,
complaint, case service); this module only puts them in conversation order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.advice import advice_for
from bot.cases import service
from bot.cases.facts import MessageFacts, facts_from_text
from bot.cases.view import CaseView, Destination
from bot.complaint import complaint_draft, police_label
from bot.hotlines import bank_contact
from bot.storage.models import Case, CaseStatus, HandoffState, Priority
from bot.texts_catalog import format_amount, format_datetime, say, type_label
from bot.triage import Signals, Triage, TriageInput, triage
from actions.context import Turn

STORY_INTENTS = {"report_scam", "inform", "nlu_fallback", "distress", "recovery_offer"}


@dataclass
class Absorbed:
    facts: MessageFacts
    slots: dict = field(default_factory=dict)  # loss_form slot values this message answered
    understood: bool = False


def absorb(turn: Turn, case: Case, *, asked: str | None = None) -> Absorbed:
    """Store what one victim message tells us about the case; return the slots it answers."""
    text = "" if turn.is_payload else turn.text
    facts = facts_from_text(text, turn.received_at, asked=asked) if text else MessageFacts(text="")
    changed = service.record_facts(turn.session, case=case, facts=facts,
                                   message_id=turn.message_id)
    slip = turn.metadata.get("slip_qr")
    if isinstance(slip, dict):
        changed += service.record_slip(turn.session, case=case, slip=slip,
                                       message_id=turn.message_id)
        turn.say("slip_received")
    elif turn.intent in ("image_received", "file_received"):
        turn.say("evidence_received")
    if text and (len(text) >= 30 or (turn.intent in STORY_INTENTS and asked is None)):
        service.add_story(turn.session, case=case, text=text, message_id=turn.message_id)
    scam_type, confidence = turn.entity("scam_type")
    if scam_type and turn.intent in ("report_scam", "inform", "nlu_fallback") and (
            turn.slot("type_confirmed") is None):
        service.set_scam_type(turn.session, case=case, scam_type=str(scam_type),
                              confidence=confidence, source="classifier")
        turn.slots["scam_type"] = str(scam_type)
    slots: dict = {}
    if facts.transfer_at is not None:
        slots["transfer_time"] = facts.transfer_at.isoformat()
    if facts.amount is not None:
        slots["amount"] = str(facts.amount)
    if facts.victim_bank:
        slots["victim_bank"] = facts.victim_bank
    if facts.destinations:
        slots["destination"] = facts.destinations[0].normalized_value
    lost = not facts.denies_loss and (
        facts.amount is not None or bool(facts.destinations) or facts.mentions_money_sent
        or facts.signals.money_still_leaving)
    if lost and case.money_lost is not True:
        service.set_money_lost(turn.session, case=case, lost=True)
    elif facts.denies_loss and case.money_lost is None:
        service.set_money_lost(turn.session, case=case, lost=False)
    # what the case already knows answers the intake too (earlier messages, a slip's QR)
    turn.session.flush()
    if case.amount_lost_thb is not None:
        slots.setdefault("amount", str(case.amount_lost_thb))
    if case.last_transfer_at is not None:
        slots.setdefault("transfer_time", service.aware_utc(case.last_transfer_at).isoformat())
    if case.victim_bank:
        slots.setdefault("victim_bank", case.victim_bank)
    if "destination" not in slots and service.has_destination(turn.session, case=case):
        slots["destination"] = "known"
    if case.money_lost:
        slots["money_lost"] = "yes"
    elif case.money_lost is False:
        slots["money_lost"] = "no"
    if changed:
        turn.slots["case_number"] = case.case_number
    return Absorbed(facts, slots, understood=bool(changed or slots))


def current_triage(turn: Turn, case: Case, signals: Signals) -> Triage:
    turn.session.flush()
    result = triage(TriageInput(
        money_lost=case.money_lost,
        last_transfer_at=service.aware_utc(case.last_transfer_at),
        has_destination=service.has_destination(turn.session, case=case),
        money_still_leaving=signals.money_still_leaving,
        scammer_on_line=signals.scammer_on_line,
        now=datetime.now(UTC),
    ))
    service.apply_triage(turn.session, case=case, result=result, now=datetime.now(UTC))
    turn.slots["priority"] = str(case.priority)
    return result


def urgent_first(turn: Turn, case: Case, result: Triage, signals: Signals) -> None:
    """P0 / money that may still be held: the first reply tells them to call their own bank now
    (and 1441), cutting the internet first if an app may be installed, before any question."""
    told = turn.slot("urgent_told")
    if signals.scammer_on_line and told != "hang_up":
        turn.say("hang_up_now", urgent=True)
        turn.slots["urgent_told"] = "hang_up"
        told = "hang_up"
    if not result.call_bank_now:
        return
    contact = bank_contact(case.victim_bank)
    if told in (None, "hang_up"):
        if signals.app_may_be_installed or case.scam_type == "remote_app" \
                or signals.money_still_leaving:
            turn.say("cut_internet", urgent=True)
        if contact.number:
            turn.say("call_bank_known", urgent=True, bank_name=_bank_name(turn, contact),
                     bank_hotline=contact.number)
            turn.slots["urgent_told"] = "bank"
        elif contact.bank_code:
            turn.say("call_bank_no_number", urgent=True, bank_name=_bank_name(turn, contact))
            turn.slots["urgent_told"] = "bank"
        else:
            turn.say("call_bank_unknown", urgent=True)
            turn.slots["urgent_told"] = "generic"
    elif told == "generic" and contact.number:
        turn.say("bank_number_followup", urgent=True, bank_name=_bank_name(turn, contact),
                 bank_hotline=contact.number)
        turn.slots["urgent_told"] = "bank"


def _bank_name(turn: Turn, contact) -> str:
    return (contact.bank_name_en if turn.lang == "en" else contact.bank_name_th) or ""


def noted(turn: Turn, absorbed: Absorbed, case: Case, *, skip_bank: bool = False) -> None:
    """Confirm back, in plain words, what this message told us."""
    parts = []
    f = absorbed.facts
    if f.amount is not None:
        parts.append(say(turn.lang, "fact_amount", amount=format_amount(f.amount)))
    if f.transfer_at is not None:
        parts.append(say(turn.lang, "fact_time", time=format_datetime(turn.lang, f.transfer_at)))
    if f.victim_bank and not skip_bank:
        contact = bank_contact(f.victim_bank)
        if contact.bank_code:
            parts.append(say(turn.lang, "fact_bank", bank_name=_bank_name(turn, contact)))
    for d in f.destinations[:2]:
        dest = Destination(d.kind, d.normalized_value, d.bank_code)
        parts.append(say(turn.lang, "fact_destination", destination=dest.display(turn.lang)))
    if parts:
        turn.say("noted_facts", facts=" ".join(parts), join=True)


# --- escalation and the closing summary ------------------------------------------------------

def card(turn: Turn, view: CaseView) -> dict:
    dest = view.destinations[0].display(turn.lang) if view.destinations else None
    deadline = (format_datetime(turn.lang, view.hold_deadline_at)
                if view.hold_deadline_at and view.money_lost else None)
    status_key = {"escalated": "status_text_escalated", "closed": "status_text_closed"}.get(
        view.status, "status_text_open")
    return {"card": {
        "case_number": view.case_number,
        "scam_type": view.scam_type,
        "scam_type_label": type_label(turn.lang, view.scam_type),
        "priority": view.priority,
        "amount_thb": float(view.amount_thb) if view.amount_thb is not None else None,
        "destination": dest,
        "deadline_text": deadline,
        "deadline_at": view.hold_deadline_at.isoformat() if view.hold_deadline_at else None,
        "status_text": say(turn.lang, status_key),
    }}


def escalate_if_p0(turn: Turn, case: Case, *, reason: str) -> bool:
    """P0 -> packet in the outbox + staff queue (one transaction). True when it happened now."""
    if case.priority != Priority.P0 or case.status == CaseStatus.ESCALATED:
        return False
    result = service.escalate(turn.session, conversation=turn.conversation, case=case,
                              reported_at=service.aware_utc(case.created_at) or turn.received_at,
                              reason=reason)
    turn.slots["escalated"] = True
    if result.packet_queued:
        turn.say("escalated", join=True)
    else:
        turn.say("escalated_no_packet", join=True)
    turn.custom({"handoff": HandoffState.WAITING_FOR_STAFF.value}, control=True)
    turn.custom({"case_updated": {"change": "escalated", "case_number": case.case_number,
                                  "priority": str(case.priority), "status": str(case.status),
                                  "packet_queued": result.packet_queued}}, control=True)
    return True


def police_and_advice(turn: Turn, view: CaseView) -> None:
    if view.money_lost:
        label = police_label(view.scam_type)
        deadline = view.hold_deadline_at
        if deadline and deadline > datetime.now(UTC):
            turn.say("police_step", deadline=format_datetime(turn.lang, deadline),
                     police_label=label)
        else:
            turn.say("police_step_late", police_label=label)
        turn.add_text(complaint_draft(view))
    else:
        turn.say("no_loss_done")
    turn.add_text(advice_for(view.scam_type, lang=turn.lang, money_lost=view.money_lost).text(),
                  join=not view.money_lost)


def on_line_shortcut(turn: Turn) -> None:
    """Whatever the NLU made of it, a victim coached on the phone right now gets: hang up,
    call your bank or 1441, the case in the staff's top queue. Nothing else."""
    case = turn.ensure_case(reason="scammer_on_line")
    absorbed = absorb(turn, case)
    result = current_triage(turn, case, absorbed.facts.signals)
    urgent_first(turn, case, result, absorbed.facts.signals)
    for slot in ("money_lost", "transfer_time", "amount", "victim_bank", "destination",
                 "type_confirmed"):
        turn.slots.setdefault(slot, absorbed.slots.get(slot, "skipped"))
    if not escalate_if_p0(turn, case, reason="scammer_on_line"):
        turn.say("on_line_escalated", join=True)
    turn.say("case_number", case_number=case.case_number, join=True)
    turn.slots["concluded"] = True
