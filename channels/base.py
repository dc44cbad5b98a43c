"""The shape every channel shares (after Rasa's `rasa/core/channels/channel.py`).

- Input side: a channel turns platform events into `bot.conversation.types.InboundMessage`
  and hands them to the conversation engine. How it receives them (webhook, WebSocket) is its
  own business.
- Output side: `OutputChannel` renders `Reply` objects - text, quick replies, a case card -
  into platform messages, falling back to plain text (`Reply.fallback_text()`) for anything a
  channel cannot render, and delivers them (`push`). The engine finds a conversation's output
  side in the `OutboundRegistry` by `Conversation.channel`; the core never branches on it.

`Channel` is how the processes see a channel: the app installs its input side and registers
its output side; the worker registers the same output side to retry failed pushes. Both take
one list of them (`channels/installed.py`), so a new channel cannot be missing from either.

`CollectingOutput` is the test double: it renders nothing and records every reply.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversation.outbound import OutboundRegistry
from bot.conversation.types import Reply

__all__ = ["Channel", "CollectingOutput", "OutboundRegistry", "OutputChannel", "channel_outputs",
           "outbound_registry"]


class OutputChannel(ABC):
    """A channel's output side. Subclasses render; `push` delivers outside a reply window."""

    name: str = "base"

    def render(self, reply: Reply) -> list[Any]:
        """Platform messages for one reply: card, then text with quick replies if possible."""
        rendered: list[Any] = []
        if reply.card is not None:
            card = self.render_card(reply)
            if card is None:
                return [self.render_text(reply.fallback_text(), reply)]
            rendered.append(card)
            if reply.text or reply.quick_replies:
                rendered.extend(self._text_part(dataclass_replace(reply, card=None)))
            return rendered
        return self._text_part(reply)

    def _text_part(self, reply: Reply) -> list[Any]:
        if reply.quick_replies:
            with_buttons = self.render_quick_replies(reply)
            if with_buttons is not None:
                return [with_buttons]
            return [self.render_text(reply.fallback_text(), reply)]
        return [self.render_text(reply.text or "", reply)]

    @abstractmethod
    def render_text(self, text: str, reply: Reply) -> Any: ...

    def render_quick_replies(self, reply: Reply) -> Any | None:
        """Text with buttons, or None when the channel has none (text fallback is used)."""
        return None

    def render_card(self, reply: Reply) -> Any | None:
        """The case card, or None when the channel has no cards (text fallback is used)."""
        return None

    @abstractmethod
    async def push(self, *, channel_user_id: str, replies: Sequence[Reply]) -> None: ...

    async def aclose(self) -> None:
        """Release the platform client, if any (at process shutdown)."""


@dataclass(frozen=True)
class Channel:
    """A channel as a process wires it.

    ``make_output(settings)`` builds the output side, or returns None while the channel is
    switched off (LINE without credentials). ``install(app, context, runtime, output)`` adds
    the input side's routes to the app; ``output`` is the one ``make_output`` built.
    """

    name: str
    make_output: Callable[[Any], OutputChannel | None]
    install: Callable[[Any, Any, Any, OutputChannel | None], None]


def channel_outputs(channels: Sequence[Channel], settings) -> dict[str, OutputChannel]:
    """Every switched-on channel's output side, by channel name."""
    return {channel.name: output for channel in channels
            if (output := channel.make_output(settings)) is not None}


def outbound_registry(outputs: dict[str, OutputChannel]) -> OutboundRegistry:
    """The registry the engine (app) or the push retries (worker) deliver through."""
    registry = OutboundRegistry()
    for name, output in outputs.items():
        registry.register(name, output)
    return registry


def dataclass_replace(reply: Reply, **changes) -> Reply:
    import dataclasses

    return dataclasses.replace(reply, **changes)


class CollectingOutput(OutputChannel):
    """Records what would be sent (as plain text, like the simplest channel would show it)."""

    name = "collector"

    def __init__(self) -> None:
        self.pushed: list[tuple[str, Reply]] = []

    def render_text(self, text: str, reply: Reply) -> Any:
        return {"text": text}

    async def push(self, *, channel_user_id: str, replies: Sequence[Reply]) -> None:
        self.pushed.extend((channel_user_id, r) for r in replies)
