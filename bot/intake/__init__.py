"""The intake core: the conversation's decisions as a pure function.

    from bot.intake import decide, replay, CaseState
    decision = decide(state, facts, now)  # -> Decision(state, replies, commands)
    results = replay([("โอนไป 5,000 เมื่อกี้ ...", received_at), ...])

See ``bot.intake.core`` for the rules. The Rasa actions (``actions/``) are adapters: they load
the state, build the facts, call ``decide`` and apply the commands through the case service.
"""

from bot.intake import commands
from bot.intake.core import Decision, absorb, decide, question
from bot.intake.replay import TurnResult, default_facts, replay, view_of
from bot.intake.replies import Button, Reply, render, render_text
from bot.intake.state import LOSS_SLOTS, CaseState, Dest

__all__ = ["LOSS_SLOTS", "Button", "CaseState", "Decision", "Dest", "Reply", "TurnResult",
           "absorb", "commands", "decide", "default_facts", "question", "render",
           "render_text", "replay", "view_of"]
