"""The intake's decisions in one pure function (Cofacts' handler shape):

    decide(state, facts, now) -> Decision(new_state, replies, commands)

No Rasa, no database, no I/O. ``state`` is what earlier messages said (``CaseState``);
``facts`` is what this message says (``bot.cases.facts.MessageFacts``: extraction + keyword
rules, plus the classifier's intent / scam type / situation head when the adapter has them);
``now`` is the message's ``received_at`` (the one clock: tests replay any date).

One place decides the situation, the priority, what is said first, which question is next and
when to escalate. Rules (shared/domain.md §2.5, §3; issue 12):
- urgent first, always: when money may still be held (lost < 72 h ago or at an unknown time,
  still leaving, or the scammer on the line) the first lines of the reply are the victim's own
  bank number (or "the number on the back of your card") and 1441, before any question; a victim
  on the line is told to hang up first, one whose money is still leaving to cut the internet and
  call from another phone. The scam type is never asked before that;
- the keyword rules are a safety net that can only RAISE urgency: the situation head and the
  keywords are OR-ed, and a flag once seen stays (the case priority only rises, as in the case
  service; staff lower it);
- the loss is the sum of what was PAID in this incident; a later correction ("จริง ๆ โอนไป
  3,500", "sorry, it was") replaces it; the same sum said again is not a second transfer;
- a fact stated before the question that asks for it is not asked again.

Choices where the issue is silent:
- the model's ``money_paid`` counts from p >= 0.5 (or when the model asserts it), except in a
  message that explicitly says nothing was paid or that has no money in it at all (no sum,
  account or money verb; "โดนหลอกค่ะ" is asked "did you lose money?", not assumed); the other situation labels too, except
  distress (0.7: a false alarm hands the chat to staff);
- a keyword denial ("ยังไม่ได้โอน") turns an earlier loss back into "no loss" only in a message
  that reads as a correction; otherwise the earlier loss stands (a false "no loss" costs more);
- a loss the victim places clearly over 72 h ago ("เดือนที่แล้ว", "last year", a past month's
  name) with no date we can read is triaged as older than 72 h (P1), not as an unknown time
  (which would be P0);
- the hotline and 1441 are said once, and again (first) in the reply where the case becomes P0;
- the priority only rises, except in a correction ("ขอแก้ค่ะ ยังไม่ได้โอน", "ไม่ใช่เมื่อวาน
  โอนวันที่ 3"): then it is recomputed from the corrected facts, unless something else keeps it
  urgent (on the line, money leaving) or the case was already escalated;
- once handed to staff the core still records facts but says nothing (the engine does not
  forward such messages to the bot in production; ``replay`` keeps feeding them so the
  accumulated state can be checked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.cases.facts import MessageFacts
from bot.cases.intake import next_slot
from bot.hotlines import bank_contact
from bot.intake import commands as cmd
from bot.intake.routing import first_steps_while_waiting
from bot.intake.situation import (
    DISTRESS_THRESHOLD,
    SITUATION_THRESHOLD,
    model_on_line,
    model_still_leaving,
)
from bot.intake.replies import ADVICE, CARD, FACTS, POLICE, Button, Reply, reply
from bot.intake.state import LOSS_SLOTS, CaseState, Dest
from bot.texts_catalog import (
    call_bank_line,
    detect_language,
    type_buttons,
    waiting_urgent_lines,
)
from bot.triage import HOLD_WINDOW, Triage, TriageInput, triage

RANK = {"P0": 0, "P1": 1, "P2": 2}
# questions that presuppose a transfer: a "not paid" answer to them corrects the loss
_ASSUMES_A_TRANSFER = ("transfer_time", "amount", "destination")
# The model's money_paid alone, in a message whose words show no payment (issue 12, dev splits).
UNSUPPORTED_PAID_THRESHOLD = 0.65
STORY_INTENTS = {"report_scam", "inform", "nlu_fallback", "distress", "recovery_offer"}
# Banks offered as buttons when we ask for the victim's bank (LINE: at most 13 quick replies).
BANK_BUTTONS = ("KBANK", "SCB", "KTB", "BBL", "BAY", "TTB", "GSB", "BAAC", "TRUEMONEY")
_SHORT_TH = {"BBL": "ธนาคารกรุงเทพ", "BAY": "กรุงศรี", "TTB": "ทีทีบี", "BAAC": "ธ.ก.ส.",
             "TRUEMONEY": "ทรูมันนี่"}
_YES = re.compile(r"^\s*(ใช่|ถูก|ค่ะ|คะ|ครับ|จ้า|โอนแล้ว|โอนไปแล้ว|เสียแล้ว|yes|yep|yeah|correct|right)",
                  re.IGNORECASE)
_NO = re.compile(r"^\s*(ไม่|ยัง|no(?![a-z])|nope|not yet)", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    state: CaseState
    replies: tuple[Reply, ...] = ()
    commands: tuple[cmd.Command, ...] = ()
    triage: Triage | None = None

    def stage(self, *stages: str) -> tuple[Reply, ...]:
        return tuple(r for r in self.replies if r.stage in stages)


class _Out:
    """Replies and commands collected while deciding one message."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.commands: list[cmd.Command] = []

    def say(self, key: str, **kw: object) -> None:
        self.replies.append(reply(key, **kw))


# --- reading the message --------------------------------------------------------------------

def _flag(keyword: bool, facts: MessageFacts, label: str,
          threshold: float = SITUATION_THRESHOLD) -> bool:
    """Keyword OR model: the keyword rule can only raise."""
    return keyword or (facts.situation is not None and facts.situation.says(label, threshold))


def _answer(facts: MessageFacts, asked: str | None) -> str | None:
    """affirm / deny / dont_know for a pending question, from the NLU or the words."""
    if facts.intent in ("affirm", "deny", "dont_know"):
        return facts.intent
    if asked is None or facts.is_payload:
        return None
    if facts.says_dont_know and len(facts.text) <= 40 and not facts.identifiers:
        return "dont_know"
    if asked in ("money_lost", "type_confirmed") and len(facts.text) <= 25:
        if _NO.match(facts.text) or facts.denies_loss:
            return "deny"
        if _YES.match(facts.text):
            return "affirm"
    return None


def _merge_paid(state: CaseState, facts: MessageFacts) -> tuple:
    if not facts.paid_amounts or facts.amount is None:
        return state.paid
    replace_all = (facts.is_correction or state.asked == "amount" or facts.amount_is_total
                   or not state.paid)
    if replace_all and not facts.adds_to_earlier:
        return (facts.amount,) if facts.amount_is_total or len(facts.paid_amounts) == 1 \
            else tuple(facts.paid_amounts)
    if facts.adds_to_earlier:
        return state.paid + tuple(facts.paid_amounts)
    total = state.loss_total
    if facts.amount == total:
        return state.paid  # the total said again
    if len(facts.paid_amounts) == 1 and _same_transfer(state, facts):
        # the one transfer told again with another sum ("ที่โอนไป 5,200", the same time or
        # account): the latest wins, never a second transfer
        return (facts.amount,) if len(state.paid) == 1 else state.paid
    new = tuple(v for v in facts.paid_amounts if v not in state.paid)
    return state.paid + new


def _same_transfer(state: CaseState, facts: MessageFacts) -> bool:
    """This message tells again a transfer the state knows: it refers back to it, or names its
    time or its destination and no other."""
    if facts.refers_to_earlier:
        return True
    known = {(d.kind, d.value) for d in state.destinations}
    dests = {(d.kind, d.normalized_value) for d in facts.destinations}
    same_dest = bool(dests) and dests <= known
    same_time = facts.transfer_at is not None and facts.transfer_at in state.transfer_times
    return (same_dest or same_time) and not (dests - known)


def absorb(state: CaseState, facts: MessageFacts, now: datetime) -> tuple[CaseState, dict]:
    """Fold one message's facts into the state; returns the new state and what changed."""
    changed: dict = {}
    paid = _merge_paid(state, facts)
    if paid != state.paid:
        changed["amount"] = sum(paid)
    times = state.transfer_times
    # a later message's time counts when it is said with the transfer ("โอนไปเมื่อวาน"), not
    # any day the story mentions ("เขาบล็อกไปเมื่อวาน")
    time_counts = (facts.time_is_transfer or not state.transfer_times or facts.is_correction
                   or state.asked == "transfer_time")
    if facts.transfer_at is not None and time_counts:
        if facts.is_correction or state.asked == "transfer_time":
            times = (facts.transfer_at,)
        elif facts.transfer_at not in times:
            times = times + (facts.transfer_at,)
        if times != state.transfer_times:
            changed["time"] = facts.transfer_at
    bank = state.victim_bank
    if facts.victim_bank and facts.victim_bank != bank:
        bank = facts.victim_bank
        changed["bank"] = bank
    dests = list(state.destinations)
    for d in facts.destinations:
        dest = Dest(d.kind, d.normalized_value, d.bank_code)
        if all((x.kind, x.value) != (dest.kind, dest.value) for x in dests):
            dests.append(dest)
            changed.setdefault("destinations", []).append(dest)
    refs = state.transfer_refs + tuple(
        i.normalized_value for i in facts.identifiers
        if i.kind == "transaction_ref" and i.normalized_value not in state.transfer_refs)
    sig = facts.signals
    leaving = sig.money_still_leaving or model_still_leaving(facts)
    lost_words = facts.mentions_money_sent and not facts.denies_loss
    # the model's money_paid counts unless the message itself says nothing was paid
    # ("ยังไม่ได้โอน"), and only with some money in the message (a sum, an account, a money
    # verb) or as the answer to "did you lose money?": "โดนหลอกค่ะ" alone is asked, not assumed
    # A pasted lure ("is this a scam?") reports nothing paid. A message whose own words show no
    # payment (no money verb said as done, no sum read as paid) needs a surer model.
    bar = SITUATION_THRESHOLD if lost_words or facts.paid_amounts else UNSUPPORTED_PAID_THRESHOLD
    model_paid = (_flag(False, facts, "money_paid", bar) and not facts.denies_loss
                  and not facts.lure_check
                  and (facts.money_words or state.asked == "money_lost"))
    lost = lost_words or bool(facts.paid_amounts) or leaving or model_paid
    money_lost = state.money_lost
    if lost:
        money_lost = True
    elif facts.denies_loss and (money_lost is None or (facts.is_correction and money_lost)):
        money_lost = False
        if facts.is_correction:
            paid = ()
    new = state.evolve(
        long_ago=(state.long_ago or facts.long_ago) and not times,
        paid=paid, transfer_times=times, victim_bank=bank, destinations=tuple(dests),
        transfer_refs=refs,
        money_lost=money_lost,
        on_line=state.on_line or sig.scammer_on_line or model_on_line(facts),
        on_line_said=state.on_line_said or sig.scammer_on_line,
        still_leaving=state.still_leaving or leaving,
        app_installed=state.app_installed or _flag(sig.app_may_be_installed, facts,
                                                   "app_installed"),
    )
    return new, changed


def _is_report(facts: MessageFacts) -> bool:
    """Something happened to the writer."""
    sig = facts.signals
    # The intent model reads many everyday questions ("how do I link PromptPay?") as reports:
    # a question in which nothing happened to the writer opens no case on the intent alone.
    if facts.own_account_frozen:  # no sum paid, no destination, no danger now (facts.py)
        return False
    if sig.scammer_on_line or sig.money_still_leaving or facts.mentions_money_sent:
        return True
    if facts.general_question:  # the words ask and tell nothing that happened: no model vote
        return False
    return (facts.reports_scam
            or facts.intent in ("report_scam", "inform")
            or any(i.kind not in ("transfer_time", "bank") for i in facts.identifiers)
            or sig.app_may_be_installed or facts.situation is not None and any(
                facts.situation.says(label) for label in
                ("money_paid", "still_leaving", "on_line_now", "app_installed")))


def _while_with_staff(state: CaseState, facts: MessageFacts, now: datetime,
                      out: _Out) -> Decision:
    """Staff own the chat or it waits for them: keep what the victim tells and say nothing,
    unless their words say the scammer is on the line, money is leaving or was just sent (the
    first steps at once). The queue shows what staff will find: the priority rises with the
    facts, and a case that becomes P0 sends its freeze packet now rather than when staff
    arrive (minutes count; escalating again only refreshes the packet)."""
    if not state.case_open and _is_report(facts):
        out.commands.append(cmd.OpenCase("report"))
        state = state.evolve(case_open=True, opened_at=now, priority="P2")
    if state.case_open:
        state, _ = absorb(state, facts, now)
        if facts.text and not facts.is_payload and len(facts.text) >= 30:
            out.commands.append(cmd.AddStory(facts.text))
        out.commands.append(cmd.RecordFacts(_resolved(facts, state)))
        result = _triage(state, now)
        if state.priority is None or RANK[str(result.priority)] < RANK[state.priority]:
            state = state.evolve(priority=str(result.priority))
            out.commands.append(cmd.SetPriority(result))
    first = first_steps_while_waiting(facts)
    if first is not None:
        for key, values in waiting_urgent_lines(state.lang, first, state.victim_bank):
            out.say(key, urgent=key != "waiting_urgent_staff", **values)
    if state.case_open and state.priority == "P0" and not state.escalated:
        out.commands.append(cmd.Escalate("scammer_on_line" if state.on_line else "p0_triage"))
        if state.has_destination:
            out.replies.append(reply("escalated", join=True))
        state = state.evolve(escalated=True)
    return Decision(state, tuple(out.replies), tuple(out.commands))


# --- the decision -----------------------------------------------------------------------------

def decide(state: CaseState, facts: MessageFacts, now: datetime) -> Decision:
    out = _Out()
    lang = detect_language(facts.text, state.lang if state.case_open else None)
    state = state.evolve(lang=lang)
    if state.with_staff:
        return _while_with_staff(state, facts, now, out)

    sig = facts.signals
    # The model's distress counts unless the words say nothing (or almost nothing) happened
    # ("ไม่ได้มีใครโดนนะ", "nothing happened", "เกือบโดน"); self-harm words always count.
    model_distress = (_flag(False, facts, "victim_in_distress", DISTRESS_THRESHOLD)
                      or facts.intent == "distress")
    distress = sig.distress or (model_distress and not (
        facts.nothing_happened or facts.general_question or facts.denies_loss))
    if sig.recovery_offer or facts.intent == "recovery_offer":
        out.say("recovery_warning", urgent=True)
        if state.case_open:
            out.commands.append(cmd.NoteEvent("recovery_offer_reported"))

    reporting = state.case_open or distress or _is_report(facts)
    if not reporting:
        if sig.recovery_offer:
            return Decision(state, tuple(out.replies), tuple(out.commands))
        if facts.own_account_frozen:  # domain.md: their own help, not a victim's case
            out.say("frozen_account")
        elif facts.general_question:  # "what is GSB's hotline?": the numbers, then the door open
            contact = bank_contact(facts.victim_bank) if facts.victim_bank else None
            if contact is not None and contact.number:
                out.say("bank_number_info", bank_hotline=contact.number,
                        bank_name=contact.bank_name_en if state.lang == "en"
                        else contact.bank_name_th)
            out.say("general_answer")
        else:
            out.say("greet" if facts.greeting_only else "ask_story")
        return Decision(state, tuple(out.replies), tuple(out.commands))

    if not state.case_open:
        reason = ("distress" if distress else "scammer_on_line" if sig.scammer_on_line
                  else "report")
        out.commands.append(cmd.OpenCase(reason))
        state = state.evolve(case_open=True, opened_at=now, priority="P2")

    # the answer to a pending question
    asked = state.asked
    if (facts.denies_loss and not facts.paid_amounts and state.money_lost
            and asked in _ASSUMES_A_TRANSFER):
        # "ยังไม่ได้โอนค่ะ" to "when did you transfer?": the victim corrects what we assumed
        facts = replace(facts, is_correction=True)
    answer = _answer(facts, asked)
    unknown = set(state.unknown)
    if answer == "affirm" and asked == "money_lost":
        state = state.evolve(money_lost=True)
    elif answer == "deny" and asked == "money_lost":
        state = state.evolve(money_lost=False)
    elif answer in ("dont_know", "deny") and asked and asked not in ("money_lost",
                                                                        "type_confirmed"):
        unknown.add(asked)  # "ไม่ทราบ" / "ไม่มี": not asked again
    elif answer == "dont_know" and asked:
        unknown.add(asked)
        if asked == "money_lost":
            state = state.evolve(money_lost=None)
    state = state.evolve(unknown=frozenset(unknown))
    lost_before = state.money_lost
    said_before = state.on_line_said

    state, changed = absorb(state, facts, now)
    if facts.text and not facts.is_payload and (
            len(facts.text) >= 30 or (asked is None and (facts.intent in STORY_INTENTS
                                                         or facts.intent is None))):
        out.commands.append(cmd.AddStory(facts.text))
    out.commands.append(cmd.RecordFacts(_resolved(facts, state)))
    if state.money_lost != lost_before or (answer and asked == "money_lost"):
        out.commands.append(cmd.SetMoneyLost(state.money_lost))

    # the scam type: the victim's choice, their yes/no, or the classifier's guess
    if asked == "type_confirmed" and facts.chosen_scam_type:
        state = state.evolve(scam_type=facts.chosen_scam_type, type_confirmed="yes",
                             choosing_type=False)
        out.commands.append(cmd.SetScamType(facts.chosen_scam_type, 1.0, "victim"))
        out.say("type_noted", type=facts.chosen_scam_type)
    elif asked == "type_confirmed" and answer == "affirm":
        chosen = state.scam_type or "other"
        state = state.evolve(scam_type=chosen, type_confirmed="yes")
        out.commands.append(cmd.SetScamType(chosen, 1.0, "victim"))
    elif asked == "type_confirmed" and answer == "deny":
        state = state.evolve(choosing_type=True)
    elif facts.scam_type and state.type_confirmed is None and facts.intent in (
            "report_scam", "inform", "nlu_fallback", None) and facts.scam_type != state.scam_type \
            and (state.scam_type is None or (facts.scam_type_confidence or 0.0)
                 > (state.scam_type_confidence or 0.0)):
        # a later, surer reading replaces the type; "โอนไป 1,200 ..." alone does not undo the
        # job scam the first message described
        state = state.evolve(scam_type=facts.scam_type,
                             scam_type_confidence=facts.scam_type_confidence)
        out.commands.append(cmd.SetScamType(facts.scam_type, facts.scam_type_confidence,
                                            "classifier"))
    elif (asked == "type_confirmed" and not changed and not state.choosing_type
          and facts.intent not in ("report_scam", "inform") and not answer):
        out.say("not_understood_slot")

    # priority (only rises) and the urgent lines
    result = _triage(state, now)
    priority = str(result.priority)
    priority_before = state.priority
    if distress:
        priority = "P0"
    lowered = False
    if state.priority is None or RANK[priority] < RANK[state.priority]:
        state = state.evolve(priority=priority)
    elif (facts.is_correction and not state.on_line and not state.still_leaving
          and not state.escalated and not distress):
        # "ขอแก้ ยังไม่ได้โอน", "ไม่ใช่เมื่อวาน โอนวันที่ 3": the latest correction wins
        lowered = RANK[priority] > RANK[state.priority]
        state = state.evolve(priority=priority)
    out.commands.append(cmd.SetPriority(result, correction=lowered))
    told_before = state.urgent_told
    became_p0 = state.priority == "P0" and priority_before != "P0"
    if became_p0 and told_before in ("generic", "bank"):
        state = state.evolve(urgent_told=None)  # now urgent: the bank and 1441 again, first
    elif state.on_line_said and not said_before and told_before is not None:
        # the model had guessed "on the line" from a story; now the victim says it: hang up
        # first, the bank and 1441 again
        state = state.evolve(urgent_told=None)
    state = _urgent_first(state, result, out, facts)

    if distress:
        out.commands += [cmd.RaisePriority("P0", "distress"), cmd.HandToStaff("distress")]
        out.say("distress")
        return Decision(state.evolve(with_staff=True, asked=None), tuple(out.replies),
                        tuple(out.commands), result)

    if facts.intent == "request_human":
        # "I want a person" with a loss in it: the urgent lines above, then the queue; no
        # question (staff ask); a P0 case goes with its freeze packet
        return _to_staff(state, out, result)

    if facts.lure_check and state.money_lost is not True and state.priority != "P0":
        # "is this a scam?" + the pasted message: what it is and what to do; no question about
        # money lost (they lost none), an open door if they did more than receive it
        kind = state.scam_type if state.scam_type not in (None, "other") else None
        out.replies.append(reply("lure_check", type=kind) if kind else reply("lure_check_generic"))
        out.replies.append(reply("lure_check_steps", join=True))
        out.replies.append(reply(ADVICE, scam_type=kind, money_lost=False))
        out.say("lure_check_if_done")
        return Decision(state.evolve(asked=None), tuple(out.replies), tuple(out.commands), result)

    # confirm back what this message told us (the bank is in the urgent line when just named)
    if changed and (state.concluded or asked is not None or not facts.intent
                    or facts.intent in ("report_scam", "inform", "nlu_fallback")):
        bank = changed.get("bank") if state.urgent_told == told_before else None
        contact = bank_contact(bank) if bank else None
        out.replies.append(reply(
            FACTS, join=True,
            amount=changed.get("amount"), time=changed.get("time"),
            bank_name=(contact.bank_name_en if lang == "en" else contact.bank_name_th)
            if contact and contact.bank_code else None,
            destinations=tuple(changed.get("destinations") or ())[:2]))

    p0 = state.priority == "P0"
    if p0 and not state.type_confirmed:
        state = state.evolve(type_confirmed="skipped")
    if state.on_line:  # the shortest path: no questions, staff take over
        unknown = set(state.unknown) | {s for s, v in state.slot_values().items() if v is None}
        state = state.evolve(unknown=frozenset(unknown),
                             type_confirmed=state.type_confirmed or "skipped")

    if state.concluded:
        return _after_conclusion(state, out, changed, result)

    nxt = next_slot(state.slot_values(), p0=p0, on_line=state.on_line)
    state = state.evolve(asked=nxt)
    if nxt is not None:
        out.replies.append(question(state))
        return Decision(state, tuple(out.replies), tuple(out.commands), result)
    return _conclude(state, out, result)


def _to_staff(state: CaseState, out: _Out, result: Triage) -> Decision:
    if state.priority == "P0" and not state.escalated:
        out.commands.append(cmd.Escalate("scammer_on_line" if state.on_line else "p0_triage"))
        out.replies.append(reply("escalated" if state.has_destination else "escalated_no_packet",
                                 join=True))
        state = state.evolve(escalated=True)
    else:
        out.commands.append(cmd.HandToStaff("victim_asked"))
        out.say("handoff_requested")
    return Decision(state.evolve(with_staff=True, asked=None), tuple(out.replies),
                    tuple(out.commands), result)


def _triage(state: CaseState, now: datetime) -> Triage:
    when = state.last_transfer_at
    if when is None and state.long_ago:
        when = now - HOLD_WINDOW - timedelta(days=1)  # "เดือนที่แล้ว": over 72 h, date unknown
    return triage(TriageInput(
        money_lost=state.money_lost, last_transfer_at=when,
        has_destination=state.has_destination, money_still_leaving=state.still_leaving,
        scammer_on_line=state.on_line, now=now))


def _resolved(facts: MessageFacts, state: CaseState) -> MessageFacts:
    """The facts to store: identifiers of this message, case fields as the core resolved them."""
    return replace(facts, amount=state.loss_total, transfer_at=state.last_transfer_at,
                   victim_bank=state.victim_bank)


def _urgent_first(state: CaseState, result: Triage, out: _Out,
                  facts: MessageFacts) -> CaseState:
    told = state.urgent_told
    if state.on_line and told not in ("hang_up", "hang_up_bank"):
        out.say("hang_up_now", urgent=True)
        told = "hang_up" if told is None else "hang_up_bank"
    if result.call_bank_now:
        contact = bank_contact(state.victim_bank)
        if told in (None, "hang_up"):
            if state.still_leaving:
                out.say("cut_internet_now", urgent=True)
            elif state.app_installed or state.scam_type == "remote_app" \
                    or (facts.signals.clicked_link and state.money_lost):
                out.say("cut_internet", urgent=True)
            key, values = call_bank_line(state.lang, state.victim_bank)
            out.say(key, urgent=True, **values)
            told = "generic" if key == "call_bank_unknown" else "bank"
        elif told == "generic" and contact.number:
            name = contact.bank_name_en if state.lang == "en" else contact.bank_name_th
            out.say("bank_number_followup", urgent=True, bank_name=name,
                    bank_hotline=contact.number)
            told = "bank"
    return state.evolve(urgent_told=told)


def question(state: CaseState) -> Reply:
    """The question for ``state.asked`` (the form's ask action renders exactly this)."""
    slot = state.asked
    dont_know = (Button("/dont_know", key="btn_dont_know"),)
    if slot == "money_lost":
        return reply("ask_money_lost", stage="question", buttons=(
            Button("/affirm", key="btn_lost_yes"), Button("/deny", key="btn_lost_no")))
    if slot == "victim_bank":
        from bot.banks import BY_CODE, BankCode

        buttons = []
        for code in BANK_BUTTONS:
            bank = BY_CODE[BankCode(code)]
            label = bank.name_en if state.lang == "en" else _SHORT_TH.get(
                code, bank.name_th.removeprefix("ธนาคาร"))
            buttons.append(Button(label, title=label))  # plain text: the extractor reads it
        return reply("ask_victim_bank", stage="question", buttons=(*buttons, *dont_know))
    if slot == "type_confirmed":
        if state.choosing_type or not state.scam_type:
            return reply("choose_type", stage="question", buttons=tuple(
                Button(f'/inform{{"scam_type":"{type_id}"}}', title=label)
                for type_id, label in type_buttons(state.lang).items()))
        return reply("confirm_type", stage="question", type=state.scam_type, buttons=(
            Button("/affirm", key="btn_yes"), Button("/deny", key="btn_no")))
    if slot in ("transfer_time", "amount", "destination"):
        return reply(f"ask_{slot}", stage="question", buttons=dont_know)
    raise ValueError(f"no question for {slot!r}")


def _conclude(state: CaseState, out: _Out, result: Triage) -> Decision:
    """The intake is done: escalate a P0 case, then the case number, the card, the police step
    with the deadline and the complaint draft, and the advice for the scam type."""
    state = state.evolve(concluded=True, asked=None)
    escalated = False
    if state.priority == "P0" and not state.escalated:
        reason = "scammer_on_line" if state.on_line else "p0_triage"
        out.commands.append(cmd.Escalate(reason))
        out.replies.append(reply("escalated" if state.has_destination else "escalated_no_packet",
                                 join=True, stage="conclusion"))
        state = state.evolve(escalated=True, with_staff=True)
        escalated = True
    out.replies.append(reply("case_number", join=True, stage="conclusion"))
    out.replies.append(reply(CARD, stage="conclusion"))
    if state.on_line and not state.money_lost:
        return Decision(state, tuple(out.replies), tuple(out.commands), result)
    out.replies.append(reply(POLICE, stage="conclusion"))
    if not escalated:
        out.replies.append(reply("correct_hint", join=True, stage="conclusion"))
        out.replies.append(reply("closing_help", join=True, stage="conclusion"))
    return Decision(state, tuple(out.replies), tuple(out.commands), result)


def _after_conclusion(state: CaseState, out: _Out, changed: dict, result: Triage) -> Decision:
    """A message after the summary: a correction updates the case (and a case that became P0
    is escalated now); anything else gets the closing line."""
    if state.priority == "P0" and not state.escalated:
        reason = "scammer_on_line" if state.on_line else "p0_triage"
        out.commands.append(cmd.Escalate(reason))
        out.replies.append(reply("escalated" if state.has_destination else "escalated_no_packet",
                                 join=True))
        state = state.evolve(escalated=True, with_staff=True)
    if changed:
        out.replies.append(reply("updated", join=True))
        out.replies.append(reply(CARD))
    elif not out.replies:
        out.say("closing_help")
    return Decision(state, tuple(out.replies), tuple(out.commands), result)


def conclude(state: CaseState, now: datetime) -> Decision:
    """The conclusion alone (the Rasa form ended without it in this message)."""
    return _conclude(state, _Out(), _triage(state, now))


def advice(scam_type: str | None, money_lost: bool | None) -> Reply:
    return reply(ADVICE, scam_type=scam_type, money_lost=money_lost)


__all__ = ["LOSS_SLOTS", "Decision", "absorb", "advice", "conclude", "decide", "question"]
