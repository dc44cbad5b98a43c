"""Rasa's "/intent{json}" payloads: which ones we accept, and what typed text may not become one.

A payload names its own intent and entities with confidence 1.0, so it must only come from
us: a button we showed (a postback) or a synthetic message the engine sends for non-text input
(`/greet`, `/slip_received`, ...). A victim who *types* `/inform{"scam_type": "x"}` must not
pick an intent or an entity value that way (an unknown scam type would make the exchange refuse
the freeze packet). Two guards:

- `dialogue_text`: the engine sends typed text starting with "/" to the dialogue without the
  slash (the stored message keeps what the victim wrote), unless it is exactly one of the
  engine's own synthetic intents (harmless: no entities).
- `payload_allowed`: the NLU service accepts a payload only for an intent of the dialogue's
  domain, with only the entities our buttons send, each value checked (scam_type must be one
  of bot.scam_types).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from functools import lru_cache
from pathlib import Path

from bot.scam_types import ScamType

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "dialogue" / "domain.yml"


def _scam_type(value: object) -> bool:
    return isinstance(value, str) and value in {t.value for t in ScamType}


# The entities a payload may carry, with the check each value must pass. Buttons only ever
# send a scam type (actions/actions.py's type list); anything else is a forged payload.
PAYLOAD_ENTITIES: Mapping[str, Callable[[object], bool]] = {"scam_type": _scam_type}


@lru_cache
def domain_intents(path: Path = DOMAIN_FILE) -> frozenset[str]:
    """The intents the dialogue's domain declares (read once)."""
    import yaml

    domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names = set()
    for item in domain.get("intents") or ():
        names.add(next(iter(item)) if isinstance(item, dict) else str(item))
    return frozenset(names)


def payload_allowed(intent: str, entities: Mapping[str, object],
                    intents: Collection[str]) -> bool:
    """True if `/intent{entities}` is something our own buttons or engine could have sent."""
    if intent not in intents:
        return False
    for name, value in entities.items():
        check = PAYLOAD_ENTITIES.get(name)
        if check is None or not check(value):
            return False
    return True


def dialogue_text(text: str, *, synthetic: Collection[str] = ()) -> str:
    """What the dialogue receives for text a person typed: never a payload."""
    if text in synthetic:
        return text
    stripped = text.lstrip()
    if not stripped.startswith("/"):
        return text
    while stripped.startswith("/"):  # "/ /inform{...}" too: each pass drops one character
        stripped = stripped[1:].lstrip()
    return stripped or text  # "/" alone is no payload (a name must follow the slash)
