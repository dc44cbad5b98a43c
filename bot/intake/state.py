"""What the intake knows about one case, accumulated across the victim's messages.

A frozen value: ``bot.intake.core.decide`` returns a new one. It is what earlier messages
said (the victim's bank, the sums paid, the transfers and their times, the destinations,
whether the scammer is on the line or money is still leaving, the scam type) and where the
conversation stands (the question pending, what was already said urgently). The case service
(bot/cases/service.py) stays the only writer of the stored case; this is the core's view of it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from decimal import Decimal

LOSS_SLOTS = ("money_lost", "transfer_time", "amount", "victim_bank", "destination",
              "type_confirmed")


@dataclass(frozen=True)
class Dest:
    kind: str  # account / promptpay_id
    value: str
    bank: str | None = None


@dataclass(frozen=True)
class CaseState:
    lang: str = "th"
    case_open: bool = False
    opened_at: datetime | None = None
    priority: str | None = None  # "P0" / "P1" / "P2" (only rises, as in the case service)
    money_lost: bool | None = None
    paid: tuple[Decimal, ...] = ()  # each sum paid in this incident (the loss is their sum)
    transfer_times: tuple[datetime, ...] = ()
    long_ago: bool = False  # the victim placed the loss well over 72 h ago, no date read
    victim_bank: str | None = None
    destinations: tuple[Dest, ...] = ()
    transfer_refs: tuple[str, ...] = ()  # a slip's reference finds the destination too
    on_line: bool = False  # the scammer was on the line (sticky: the case stays P0)
    # ... and the victim's own words said so (not only the model, which also hears "X called
    # me" told as the past): words that say it later are news, and get "hang up" first again
    on_line_said: bool = False
    still_leaving: bool = False
    app_installed: bool = False
    distress: bool = False
    scam_type: str | None = None
    scam_type_confidence: float | None = None
    type_confirmed: str | None = None  # "yes" / "skipped" / "unknown"
    choosing_type: bool = False
    asked: str | None = None  # the loss_form slot the bot asked last (pending)
    unknown: frozenset[str] = field(default_factory=frozenset)  # slots answered "ไม่ทราบ"
    urgent_told: str | None = None  # None / "hang_up" / "generic" / "bank"
    concluded: bool = False
    escalated: bool = False
    with_staff: bool = False  # handed to staff: the bot stays silent

    # --- derived ---------------------------------------------------------------------------
    @property
    def loss_total(self) -> Decimal | None:
        return sum(self.paid, Decimal(0)) if self.paid else None

    @property
    def last_transfer_at(self) -> datetime | None:
        return max(self.transfer_times) if self.transfer_times else None

    @property
    def has_destination(self) -> bool:
        return bool(self.destinations or self.transfer_refs)

    def slot_values(self) -> dict[str, str | None]:
        """The loss_form slots as Rasa sees them (None: not known and not asked away)."""
        def known(name: str, value: object) -> str | None:
            if value:
                return str(value)
            return "unknown" if name in self.unknown else None

        lost = {True: "yes", False: "no"}.get(self.money_lost)  # type: ignore[arg-type]
        return {
            "money_lost": lost or ("unknown" if "money_lost" in self.unknown else None),
            "transfer_time": known("transfer_time", self.last_transfer_at and
                                   self.last_transfer_at.isoformat()),
            "amount": known("amount", self.loss_total),
            "victim_bank": known("victim_bank", self.victim_bank),
            "destination": known("destination", self.destinations and
                                 self.destinations[0].value),
            "type_confirmed": self.type_confirmed,
        }

    # --- persistence (a Rasa slot holds it between turns) -----------------------------------
    def to_json(self) -> str:
        data = asdict(self)
        data["opened_at"] = self.opened_at.isoformat() if self.opened_at else None
        data["paid"] = [str(p) for p in self.paid]
        data["transfer_times"] = [t.isoformat() for t in self.transfer_times]
        data["unknown"] = sorted(self.unknown)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | dict | None) -> CaseState | None:
        """None for a missing or unreadable value (the caller starts from the stored case)."""
        if not raw:
            return None
        try:
            data = json.loads(raw) if isinstance(raw, str) else dict(raw)
            data["opened_at"] = (datetime.fromisoformat(data["opened_at"])
                                 if data.get("opened_at") else None)
            data["paid"] = tuple(Decimal(p) for p in data.get("paid") or ())
            data["transfer_times"] = tuple(datetime.fromisoformat(t)
                                           for t in data.get("transfer_times") or ())
            data["destinations"] = tuple(Dest(**d) for d in data.get("destinations") or ())
            data["unknown"] = frozenset(data.get("unknown") or ())
            data["transfer_refs"] = tuple(data.get("transfer_refs") or ())
            known = set(cls.__dataclass_fields__)
            return cls(**{k: v for k, v in data.items() if k in known})
        except (ValueError, TypeError, KeyError, ArithmeticError):
            return None

    def evolve(self, **changes: object) -> CaseState:
        return replace(self, **changes)
