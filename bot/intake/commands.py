"""What the intake core asks the case service to do (cosmicpython's commands: imperative
dataclasses, applied by the adapter in ``actions/`` through ``bot.cases.service``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cases.facts import MessageFacts
from bot.triage import Triage


@dataclass(frozen=True)
class OpenCase:
    reason: str = "report"


@dataclass(frozen=True)
class RecordFacts:
    """Store the message's identifiers and the case fields as the core resolved them (the loss
    is the incident's total, not this message's number)."""

    facts: MessageFacts


@dataclass(frozen=True)
class AddStory:
    text: str


@dataclass(frozen=True)
class SetMoneyLost:
    lost: bool | None


@dataclass(frozen=True)
class SetScamType:
    scam_type: str
    confidence: float | None
    source: str  # "classifier" / "victim"


@dataclass(frozen=True)
class SetPriority:
    triage: Triage
    correction: bool = False  # the victim corrected the story: the priority may go down


@dataclass(frozen=True)
class RaisePriority:
    priority: str
    reason: str


@dataclass(frozen=True)
class Escalate:
    """P0: the freeze packet to the outbox and the chat to the staff queue."""

    reason: str


@dataclass(frozen=True)
class HandToStaff:
    reason: str


@dataclass(frozen=True)
class NoteEvent:
    kind: str


Command = (OpenCase | RecordFacts | AddStory | SetMoneyLost | SetScamType | SetPriority
           | RaisePriority | Escalate | HandToStaff | NoteEvent)
