"""Replies as message keys + parameters; the texts stay in bot/texts_th.py / texts_en.py.

``render_text`` gives what the victim reads (used by ``replay`` and the tests); the Rasa
adapter renders the same replies into bubbles with buttons. A few replies need the stored case
(its number, the police deadline, the complaint draft, the card): they carry a ``@`` key and
are rendered from a ``CaseView`` (the stored one in production, ``view_of(state)`` in replay).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.advice import advice_for
from bot.cases.view import CaseView, Destination
from bot.complaint import complaint_draft, police_label
from bot.texts_catalog import format_amount, format_datetime, say, type_label


@dataclass(frozen=True)
class Button:
    payload: str
    key: str | None = None  # a catalogue key for the title
    title: str | None = None  # or a literal title (bank names)


@dataclass(frozen=True)
class Reply:
    key: str
    params: tuple[tuple[str, object], ...] = ()
    urgent: bool = False  # urgent lines go before everything else in the turn's replies
    join: bool = False  # append to the previous bubble (LINE shows at most 5 per reply)
    buttons: tuple[Button, ...] = ()
    stage: str = "now"  # "now" / "question" (the form's ask action) / "conclusion"

    @property
    def values(self) -> dict[str, object]:
        return dict(self.params)


def reply(key: str, *, urgent: bool = False, join: bool = False,
          buttons: tuple[Button, ...] = (), stage: str = "now", **params: object) -> Reply:
    return Reply(key, tuple(params.items()), urgent, join, buttons, stage)


# --- case-bound replies --------------------------------------------------------------------

CARD = "@card"
POLICE = "@police_and_advice"
ADVICE = "@advice"
FACTS = "@noted_facts"
NEEDS_CASE = {"case_number", "updated"}


def _facts_text(lang: str, values: dict) -> str | None:
    parts = []
    if values.get("amount") is not None:
        parts.append(say(lang, "fact_amount", amount=format_amount(values["amount"])))
    if values.get("time") is not None:
        parts.append(say(lang, "fact_time", time=format_datetime(lang, values["time"])))
    if values.get("bank_name"):
        parts.append(say(lang, "fact_bank", bank_name=values["bank_name"]))
    for dest in values.get("destinations") or ():
        parts.append(say(lang, "fact_destination", destination=Destination(
            dest.kind, dest.value, dest.bank).display(lang)))
    return say(lang, "noted_facts", facts=" ".join(parts)) if parts else None


def card(lang: str, view: CaseView) -> dict:
    dest = view.destinations[0].display(lang) if view.destinations else None
    deadline = (format_datetime(lang, view.hold_deadline_at)
                if view.hold_deadline_at and view.money_lost else None)
    status_key = {"escalated": "status_text_escalated", "closed": "status_text_closed"}.get(
        view.status, "status_text_open")
    return {"card": {
        "case_number": view.case_number,
        "scam_type": view.scam_type,
        "scam_type_label": type_label(lang, view.scam_type),
        "priority": view.priority,
        "amount_thb": float(view.amount_thb) if view.amount_thb is not None else None,
        "destination": dest,
        "deadline_text": deadline,
        "deadline_at": view.hold_deadline_at.isoformat() if view.hold_deadline_at else None,
        "status_text": say(lang, status_key),
    }}


def _police_and_advice(lang: str, view: CaseView, now: datetime) -> list[str]:
    out: list[str] = []
    if view.money_lost:
        label = police_label(view.scam_type)
        deadline = view.hold_deadline_at
        if deadline and deadline > now:
            out.append(say(lang, "police_step", deadline=format_datetime(lang, deadline),
                           police_label=label))
        else:
            out.append(say(lang, "police_step_late", police_label=label))
        out.append(complaint_draft(view))
    else:
        out.append(say(lang, "no_loss_done"))
    out.append(advice_for(view.scam_type, lang=lang, money_lost=view.money_lost).text())
    return out


def render(r: Reply, lang: str, view: CaseView | None, now: datetime | None = None
           ) -> list[dict]:
    """One reply as Rasa-style messages: {"text", "buttons"?} or {"json_message"}."""
    values = r.values
    if r.key == CARD:
        return [{"json_message": card(lang, view)}] if view is not None else []
    if r.key == POLICE:
        if view is None:
            return []
        texts = _police_and_advice(lang, view, now or datetime.now(UTC))
        if not view.money_lost:  # "good that you lost nothing" + the advice: one bubble
            return [{"text": "\n \n".join(texts), "join": True}]
        return [{"text": t} for t in texts]
    if r.key == ADVICE:
        return [{"text": advice_for(values.get("scam_type"), lang=lang,
                                    money_lost=values.get("money_lost")).text()}]
    if r.key == FACTS:
        text = _facts_text(lang, values)
        return [{"text": text, "join": r.join}] if text else []
    if view is not None:
        values.setdefault("case_number", view.case_number)
    elif r.key in NEEDS_CASE:
        return []  # rendered without a stored case (tests of single decisions)
    if "type" in values:
        values["type_label"] = type_label(lang, values.pop("type"))
    out: dict = {"text": say(lang, r.key, **values)}
    if r.buttons:
        out["buttons"] = [{"title": (say(lang, b.key) if b.key else b.title or "")[:20],
                           "payload": b.payload} for b in r.buttons]
    if r.join:
        out["join"] = True
    return [out]


def render_text(replies: list[Reply] | tuple[Reply, ...], lang: str, view: CaseView | None,
                now: datetime | None = None) -> list[str]:
    """What the victim reads, bubble by bubble, in the order the chat shows them."""
    bubbles: list[str] = []
    urgent_count = 0
    for r in replies:
        for msg in render(r, lang, view, now):
            text = msg.get("text")
            if not text:
                continue
            if r.urgent:
                bubbles.insert(urgent_count, text)
                urgent_count += 1
            elif msg.get("join") and len(bubbles) > urgent_count:
                bubbles[-1] += "\n \n" + text
            else:
                bubbles.append(text)
    return bubbles
