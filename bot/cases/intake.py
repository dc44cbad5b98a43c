"""Which question the loss intake asks next: a pure function of what we know.

Slot values (Rasa slots of ``loss_form``): ``None`` = not asked/answered yet, ``"unknown"`` =
the victim said "ไม่ทราบ", anything else = the answer. Order:
- money lost? first (it decides everything else);
- urgent (P0 reached): only what the victim's own bank call and the freeze packet need —
  their bank (for the right hotline number), the amount, the time — then escalate;
  a victim on the phone with the scammer gets no questions at all;
- otherwise: when (decides urgency), how much, from which bank, to which account, then the
  confirmation of the scam type.
"""

from __future__ import annotations

from collections.abc import Mapping

LOSS_SLOTS = ("money_lost", "transfer_time", "amount", "victim_bank", "destination",
              "type_confirmed")
URGENT_ORDER = ("victim_bank", "amount", "transfer_time")
NORMAL_ORDER = ("transfer_time", "amount", "victim_bank", "destination")


def next_slot(slots: Mapping[str, str | None], *, p0: bool, on_line: bool = False) -> str | None:
    if on_line:
        return None
    lost = slots.get("money_lost")
    if lost is None:
        return "money_lost"
    if lost != "yes":
        return None if slots.get("type_confirmed") else "type_confirmed"
    for slot in URGENT_ORDER if p0 else NORMAL_ORDER:
        if slots.get(slot) is None:
            return slot
    if p0:
        return None
    return None if slots.get("type_confirmed") else "type_confirmed"
