"""One action run = one ``Turn``: the database session, the conversation (Rasa's sender id IS
our Conversation.id), the victim's language, and the replies collected in order.

``finish`` adds the first-contact privacy notice (after any urgent lines: a P0 victim gets the
hotline first), commits, and hands the replies to Rasa's dispatcher. Errors roll back and the
victim gets a short safe message, never a stack trace.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from bot.cases import service
from bot.storage.models import Case
from bot.texts_catalog import detect_language, say
from sakot.settings import get_settings

log = logging.getLogger("sakot.actions")

# Slots that describe the current case's intake; cleared when a new case starts.
CASE_SLOTS = ("money_lost", "transfer_time", "amount", "victim_bank", "destination",
              "type_confirmed", "scam_type", "urgent_told", "escalated", "concluded",
              "choosing_type", "priority", "intake_state")


# rasa-sdk builds the actions itself, without arguments: the action server's composition root
# (sakot/action_server.py) hands them the database here, once per process.
_sessions: sessionmaker[Session] | None = None


def use_sessions(sessions: sessionmaker[Session]) -> None:
    global _sessions
    _sessions = sessions


def session_factory() -> sessionmaker[Session]:
    if _sessions is None:
        raise RuntimeError("no database: sakot/action_server.py sets it at start-up")
    return _sessions


def payload_intent(text: str) -> tuple[str | None, dict]:
    """'/inform{"scam_type": "romance"}' -> ("inform", {"scam_type": "romance"})."""
    if not text or not text.startswith("/"):
        return None, {}
    name, _, rest = text[1:].partition("{")
    entities: dict = {}
    if rest:
        try:
            entities = json.loads("{" + rest)
        except ValueError:
            entities = {}
    return name.strip() or None, entities if isinstance(entities, dict) else {}


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Turn:
    def __init__(self, tracker: Tracker, session: Session) -> None:
        self.tracker = tracker
        self.session = session
        latest = tracker.latest_message or {}
        self.metadata: dict = latest.get("metadata") or {}
        self.text: str = latest.get("text") or ""
        # Rasa's HTTP interpreter reports the sender id as the message id, so the key is our
        # stored message id (engine metadata) or, without it, the user event's timestamp.
        last_user = next((e for e in reversed(tracker.events) if e.get("event") == "user"), {})
        self.message_key: str = str(self.metadata.get("message_id")
                                    or last_user.get("timestamp") or "")
        self.message_id: str | None = self.metadata.get("message_id")
        self.received_at: datetime = _parse_time(self.metadata.get("received_at")) or datetime.now(
            UTC)
        intent, self.payload_entities = payload_intent(self.text)
        self.intent: str | None = intent or (latest.get("intent") or {}).get("name")
        self.is_payload = intent is not None
        previous = tracker.get_slot("language") or self.metadata.get("language")
        self.lang = detect_language(self.text, previous)
        self.conversation = service.get_or_create_conversation(
            session, conversation_id=tracker.sender_id,
            channel=self.metadata.get("channel") or "rest", language=self.lang)
        if self.conversation.language != self.lang:
            self.conversation.language = self.lang
        self.replies: list[dict] = []
        self.controls: list[dict] = []
        self.urgent_count = 0
        self.slots: dict[str, Any] = {"language": self.lang}
        self.new_case = False

    def slot(self, name: str) -> Any:
        """A slot as it stands in this turn (values set by this action win)."""
        return self.slots[name] if name in self.slots else self.tracker.get_slot(name)

    # --- what the NLU said --------------------------------------------------------------------
    def entity(self, name: str) -> tuple[Any, float | None]:
        if name in self.payload_entities:
            return self.payload_entities[name], 1.0
        for ent in (self.tracker.latest_message or {}).get("entities") or []:
            if ent.get("entity") == name:
                return ent.get("value"), ent.get("confidence_entity")
        return None, None

    # --- replies ------------------------------------------------------------------------------
    def say(self, key: str, *, urgent: bool = False, buttons: list[tuple[str, str]] | None = None,
            join: bool = False, **values: Any) -> None:
        self.add_text(say(self.lang, key, **values), urgent=urgent, buttons=buttons, join=join)

    def add_text(self, text: str, *, urgent: bool = False,
                 buttons: list[tuple[str, str]] | None = None, join: bool = False) -> None:
        """``join``: append to the previous text bubble (LINE shows at most 5 per reply)."""
        if join and not urgent and len(self.replies) > self.urgent_count \
                and "text" in self.replies[-1] and "buttons" not in self.replies[-1]:
            # not "\n\n": Rasa's output channel splits a text into bubbles there
            self.replies[-1]["text"] += "\n \n" + text
            if buttons:
                self.replies[-1]["buttons"] = [{"title": t, "payload": p} for t, p in buttons]
            return
        reply: dict = {"text": text}
        if buttons:
            reply["buttons"] = [{"title": title, "payload": payload} for title, payload in buttons]
        if urgent:
            self.replies.insert(self.urgent_count, reply)
            self.urgent_count += 1
        else:
            self.replies.append(reply)

    def custom(self, payload: dict, *, control: bool = False) -> None:
        """A custom payload (case card inline; ``control`` ones, e.g. handoff, go last)."""
        if control:
            self.controls.append({"json_message": payload})
        else:
            self.replies.append({"json_message": payload})

    def button(self, key: str, payload: str) -> tuple[str, str]:
        return say(self.lang, key), payload

    # --- case -----------------------------------------------------------------------------------
    def case(self) -> Case | None:
        return service.current_case(self.session, conversation_id=self.conversation.id,
                                    open_only=True)

    def ensure_case(self, reason: str = "report") -> Case:
        existing = self.case()
        case = existing or service.open_case(self.session, conversation=self.conversation,
                                             reason=reason, now=self.received_at)
        if existing is None or self.tracker.get_slot("case_number") not in (
                None, case.case_number):
            # a new case (the last one was closed by staff, or deleted): forget the intake
            # answers Rasa carried over, so the new case is asked about from scratch
            self.new_case = True
            for slot in CASE_SLOTS:
                self.slots[slot] = None
        self.slots["case_number"] = case.case_number
        return case

    # --- the end of the turn --------------------------------------------------------------------
    def finish(self, dispatcher: CollectingDispatcher) -> list:
        if not service.privacy_notice_shown(self.session, conversation_id=self.conversation.id):
            notice = {"text": say(self.lang, "privacy_notice",
                                  privacy_url=get_settings().privacy_notice_url)}
            self.replies.insert(self.urgent_count, notice)
            service.record_consent(self.session, conversation_id=self.conversation.id,
                                   kind="privacy_notice_shown")
        self.session.commit()
        for reply in self.replies + self.controls:
            dispatcher.utter_message(**reply)
        # only what changed: every event makes Rasa's tracker (and each prediction) longer
        return [SlotSet(name, value) for name, value in self.slots.items()
                if self.tracker.get_slot(name) != value]


def run_turn(dispatcher: CollectingDispatcher, tracker: Tracker,
             body: Callable[[Turn], list], *, on_error: Sequence[dict] = ()) -> list:
    """Run an action's ``body`` on this turn with its own database session; if it fails,
    nothing half-written is kept and the victim still gets an answer (``safe_error``)."""
    session = session_factory()()
    try:
        return body(Turn(tracker, session))
    except Exception as exc:  # noqa: BLE001 - the victim must get an answer
        session.rollback()
        return safe_error(dispatcher, tracker, exc) + list(on_error)
    finally:
        session.close()


def safe_error(dispatcher: CollectingDispatcher, tracker: Tracker, exc: BaseException) -> list:
    log.exception("action failed for conversation %s: %s", tracker.sender_id, type(exc).__name__)
    lang = detect_language((tracker.latest_message or {}).get("text"), tracker.get_slot("language"))
    dispatcher.utter_message(text=say(lang, "system_error"))
    return []
