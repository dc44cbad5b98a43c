"""Short, concrete advice per scam type (shared/domain.md §5), in the victim's language.

Common to every money-lost case (domain.md §3.3): hold -> Bank Case ID -> police within 72 h ->
keep evidence. The hold and police steps are given by the conversation itself (with the
victim's bank number and the deadline); this module adds the type-specific steps and the
evidence reminder.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.scam_types import ScamType
from bot.texts_catalog import say


@dataclass(frozen=True)
class Advice:
    scam_type: ScamType
    lines: tuple[str, ...]

    def text(self) -> str:
        return "\n".join(self.lines)


def advice_for(scam_type: str | None, *, lang: str = "th", money_lost: bool | None = None) -> Advice:
    """The advice message for a scam type; unknown types get the general advice."""
    try:
        kind = ScamType(scam_type) if scam_type else ScamType.OTHER
    except ValueError:
        kind = ScamType.OTHER
    lines = [say(lang, "advice_intro"), say(lang, f"advice_{kind.value}")]
    if money_lost:
        lines.append(say(lang, "evidence"))
    return Advice(kind, tuple(lines))
