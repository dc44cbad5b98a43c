"""What a victim whose chat waits for staff is told at once, when their message shows danger now
(the scammer on the line, money leaving or just sent): the first steps and their bank's number.
None: nothing (the bot stays out of the way until staff answer). Used by the conversation engine
when the dialogue is down (otherwise the core's with-staff branch says the same lines), and by
the channel tests' fake dialogue."""

from __future__ import annotations

from datetime import datetime

from bot.cases.facts import facts_from_text
from bot.intake.routing import first_steps_while_waiting
from bot.texts_catalog import waiting_urgent_text


def urgent_reply_while_waiting(text: str | None, received_at: datetime | None,
                               language: str | None, victim_bank: str | None) -> str | None:
    first = first_steps_while_waiting(facts_from_text(text or "", received_at))
    if first is None:
        return None
    return waiting_urgent_text(language, first, victim_bank)
