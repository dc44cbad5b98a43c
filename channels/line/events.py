"""One webhook event at a time: a JSON object from LINE -> an SDK model, or a logged skip.

LINE sends several events in one body. The SDK's `WebhookParser` models them all at once, so a
single event it cannot model (a type newer than the SDK, a shape older than it) used to cost
every event of the body, a victim's text message included. Here each event is modelled on its
own; one that cannot be is skipped with a reason, and the others go on.

Older shapes: the SDK's models require fields that LINE added over the years (`mode` 2020,
`webhookEventId` and `deliveryContext` 2021, `quoteToken` 2023, `follow.isUnblocked` 2023,
`stickerResourceType`, `contentProvider`). Bodies written before them (LINE's own SDK test
suites still carry many) are valid LINE events, so the missing fields are filled with the value
that means "nothing special" before modelling (`LEGACY_DEFAULTS`); a value that is present is
never changed. An event without `webhookEventId` gets a stable id derived from its content, so
a repeated delivery of it is still recognised.

What is logged about a skipped event: its type, its webhookEventId and why (and for a
validation error the names of the fields, never their values). The SDK's own error text
quotes the whole event (the victim's words) and is never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from linebot.v3.webhooks import Event
from pydantic.v1 import ValidationError

log = logging.getLogger(__name__)

# Message and source types the SDK models; anything else is newer than the SDK. (Event types
# are asked of the SDK itself: `Event.get_discriminator_value`.)
KNOWN_MESSAGE_TYPES = frozenset(
    {"text", "image", "video", "audio", "file", "location", "sticker"})
KNOWN_SOURCE_TYPES = frozenset({"user", "group", "room"})
EVENTS_WITH_MESSAGE = frozenset({"message", "messageEdited"})

# Fields LINE added after the first webhook version, with the value that means "absent".
LEGACY_DEFAULTS = {"mode": "active", "deliveryContext": {"isRedelivery": False}}
LEGACY_EVENT_DEFAULTS = {"follow": {"follow": {"isUnblocked": False}}}
LEGACY_MESSAGE_DEFAULTS = {
    "text": {"quoteToken": ""},
    "image": {"quoteToken": "", "contentProvider": {"type": "line"}},
    "video": {"quoteToken": "", "contentProvider": {"type": "line"}},
    "audio": {"contentProvider": {"type": "line"}},
    "sticker": {"quoteToken": "", "stickerResourceType": "STATIC"},
}
DERIVED_ID_PREFIX = "derived-"
MAX_EVENT_ID_LENGTH = 128  # ProcessedEvent.event_id
MAX_TIMESTAMP_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, datetime's last second


@dataclass(frozen=True)
class Modelled:
    event: Event
    event_id: str  # LINE's webhookEventId, or one derived from the content for old shapes
    redelivery: bool


@dataclass(frozen=True)
class Skipped:
    type: str  # the event's type as sent (for the log), "?" when it has none
    event_id: str | None
    reason: str


def model_event(raw: object) -> Modelled | Skipped:
    """Model one event of a webhook body with the SDK; never raises."""
    if not isinstance(raw, dict):
        return Skipped("?", None, "not a JSON object")
    kind = _short(raw.get("type"))
    event_id = _short(raw.get("webhookEventId")) if raw.get("webhookEventId") else None
    if not isinstance(raw.get("type"), str) or Event.get_discriminator_value(raw) is None:
        return Skipped(kind, event_id, "unknown event type")
    message = raw.get("message")
    if kind in EVENTS_WITH_MESSAGE and isinstance(message, dict) \
            and message.get("type") not in KNOWN_MESSAGE_TYPES:
        return Skipped(kind, event_id, f"unknown message type {_short(message.get('type'))!r}")
    source = raw.get("source")
    if isinstance(source, dict) and source.get("type") not in KNOWN_SOURCE_TYPES:
        return Skipped(kind, event_id, "unknown source type")
    filled = with_legacy_defaults(raw)
    try:
        event = Event.from_dict(filled)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        model = getattr(getattr(exc, "model", None), "__name__", "?")
        return Skipped(kind, event_id, f"not valid: {model} " + ", ".join(fields)[:200])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return Skipped(kind, event_id, f"not modelled ({type(exc).__name__})")
    if event is None:
        return Skipped(kind, event_id, "not modelled")
    if not 0 <= event.timestamp <= MAX_TIMESTAMP_MS:
        return Skipped(kind, event_id, "timestamp out of range")
    redelivery = bool(getattr(event.delivery_context, "is_redelivery", False))
    key = filled["webhookEventId"]
    if not isinstance(key, str) or len(key) > MAX_EVENT_ID_LENGTH:  # not one of LINE's ULIDs
        key = derived_event_id(raw)
    return Modelled(event, key, redelivery)


def with_legacy_defaults(raw: dict) -> dict:
    """A copy of the event with the fields of newer LINE versions filled when absent."""
    event = dict(raw)
    for name, value in {**LEGACY_DEFAULTS, **LEGACY_EVENT_DEFAULTS.get(raw.get("type"), {})
                        }.items():
        if event.get(name) is None:
            event[name] = value
    if not event.get("webhookEventId"):
        event["webhookEventId"] = derived_event_id(raw)
    message = event.get("message")
    if isinstance(message, dict):
        defaults = LEGACY_MESSAGE_DEFAULTS.get(message.get("type"), {})
        if any(message.get(name) is None for name in defaults):
            event["message"] = {**message, **{name: value for name, value in defaults.items()
                                              if message.get(name) is None}}
    return event


def derived_event_id(raw: dict) -> str:
    """A stable id for an event sent without `webhookEventId` (bodies older than 2021).

    The delivery context is left out: it is what changes when LINE delivers the event again.
    """
    content = {k: v for k, v in raw.items() if k != "deliveryContext"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return DERIVED_ID_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def log_skipped(skipped: Skipped) -> None:
    log.warning("LINE event skipped: type=%s webhookEventId=%s reason=%s",
                skipped.type, skipped.event_id, skipped.reason)


def _short(value: object) -> str:
    """A type name or id for the log: a short string, whatever the sender put there."""
    text = value if isinstance(value, str) else "?" if value is None else type(value).__name__
    return text[:64]
