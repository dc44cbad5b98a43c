"""Rasa's NLU parse format: what the NLU service (``sakot/nlu_server.py``) answers Rasa 3.6's
HTTP interpreter for one message::

    {"text": ..., "message_id": ...,
     "intent": {"name": "report_scam", "confidence": 0.97},
     "intent_ranking": [{"name": ..., "confidence": ...}, ...],
     "entities": [{"entity": "scam_type", "value": "remote_app", "start": 0, "end": 42,
                   "confidence_entity": 0.91, "extractor": "SakotClassifier"},
                  {"entity": "phone", "value": "+66812345678", "start": 10, "end": 22,
                   "confidence_entity": 0.99, "extractor": "SakotExtractor"}, ...],
     "sakot": {"uncertain": false, "intent": ..., "scam_type_ranking": [...]}}

When the classifier is not sure of the intent (calibrated confidence below the threshold) the
intent is ``nlu_fallback`` — Rasa's own convention for low-confidence NLU — with the
classifier's ranking after it, and ``sakot.uncertain`` is true. ``scam_type`` is an entity only
for scam reports whose type is sure; a sure report of an unsure type ("โดนโกงค่ะ") keeps
``report_scam`` with no ``scam_type`` entity and ``sakot.scam_type_uncertain`` true, so the
dialogue asks what happened. Pure functions: no I/O.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from enum import Enum
from typing import Any

from bot.classifier import Prediction
from bot.conversation.payloads import domain_intents, payload_allowed

FALLBACK_INTENT = "nlu_fallback"
CLASSIFIER_EXTRACTOR = "SakotClassifier"
EXTRACTOR = "SakotExtractor"


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def extraction_entities(extraction: Any) -> list[dict]:
    """Rasa entities from a ``bot.understanding`` extraction: each item has kind, value,
    start, end (offsets into the original text) and confidence."""
    if extraction is None:
        return []
    items = getattr(extraction, "entities", extraction)
    if callable(items):
        items = items()
    out = []
    for e in items:
        out.append(
            {
                "entity": e.kind,
                "start": int(e.start),
                "end": int(e.end),
                # national ids travel masked (Rasa stores parse data in its tracker)
                "value": _plain(getattr(e, "masked", None) or getattr(e, "value", None)
                                or getattr(e, "raw", None)),
                "confidence_entity": float(getattr(e, "confidence", 1.0)),
                "extractor": EXTRACTOR,
            }
        )
    out.sort(key=lambda d: (d["start"], d["end"]))
    return out


_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w\-]*)(?P<entities>\{.*\})?\s*$", re.DOTALL)


def payload_result(text: str, message_id: str | None) -> dict | None:
    """Rasa's "/intent{json}" form (buttons, synthetic engine messages) names its own intent
    and entities, as Rasa's own RegexMessageHandler would; anything malformed goes to the
    classifier like ordinary text."""
    match = _PAYLOAD.match(text.strip())
    if not match:
        return None
    entities = []
    if match.group("entities"):
        try:
            values = json.loads(match.group("entities"))
        except ValueError:
            return None
        if not isinstance(values, dict):
            return None
        entities = [{"entity": k, "value": v, "start": 0, "end": len(text),
                     "confidence_entity": 1.0, "extractor": "payload"}
                    for k, v in values.items()]
    # only what our buttons/engine send: a domain intent, known entity values (else plain text)
    if not payload_allowed(match.group("intent"), {e["entity"]: e["value"] for e in entities},
                           domain_intents()):
        return None
    intent = {"name": match.group("intent"), "confidence": 1.0}
    return {"text": text, "message_id": message_id, "intent": intent,
            "intent_ranking": [intent], "entities": entities, "sakot": {"uncertain": False}}


def parse_result(text: str, message_id: str | None, pred: Prediction | None,
                 entities: list[dict]) -> dict:
    if pred is None:  # empty message
        return {"text": text, "message_id": message_id,
                "intent": {"name": None, "confidence": 0.0}, "intent_ranking": [],
                "entities": entities, "sakot": {"uncertain": True}}
    ranking = [{"name": n, "confidence": c} for n, c in pred.intent_ranking]
    intent = {"name": pred.intent, "confidence": pred.intent_confidence}
    if pred.intent_uncertain:
        intent = {"name": FALLBACK_INTENT, "confidence": 1.0 - pred.intent_confidence
                  if pred.intent_confidence < 1 else 0.0}
        ranking = [intent, *ranking]
    ents = list(entities)
    ents[:0] = situation_entities(text, pred)
    if pred.scam_type is not None and not pred.scam_type_uncertain:
        ents.insert(0, {"entity": "scam_type", "value": pred.scam_type, "start": 0,
                        "end": len(text), "confidence_entity": pred.scam_type_confidence,
                        "extractor": CLASSIFIER_EXTRACTOR})
    return {
        "text": text,
        "message_id": message_id,
        "intent": intent,
        "intent_ranking": ranking,
        "entities": ents,
        "sakot": {
            "uncertain": pred.uncertain,
            "scam_type_uncertain": pred.scam_type_uncertain,
            "intent": {"name": pred.intent, "confidence": pred.intent_confidence},
            "scam_type_ranking": [{"name": n, "confidence": c}
                                  for n, c in pred.scam_type_ranking[:3]],
        } | ({"situation_scores": dict(pred.situation_scores)} if pred.situation_scores else {}),
    }


def situation_entities(text: str, pred: Prediction) -> list[dict]:
    """One ``situation`` entity per situation label at or above its threshold (the classifier
    decides which; see ``bot.classifier.Prediction.situation``), spanning the whole message."""
    scores = dict(pred.situation_scores)
    return [{"entity": "situation", "value": label, "start": 0, "end": len(text),
             "confidence_entity": float(scores.get(label, 1.0)),
             "extractor": CLASSIFIER_EXTRACTOR}
            for label in pred.situation]
