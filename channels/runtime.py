"""The conversation runtime the channels (and the staff console) share in one app process.

Assembled once per app by the composition root (`sakot/app.py` `conversation_runtime`) and
handed to every installer; also kept on `app.state.conversation_runtime` (tests reach the engine
there). It holds the engine, the live-event publisher, the channels' output sides and a task set
for work done after a webhook was acknowledged; `aclose` (at the app's shutdown) drains the
tasks and closes the adapters.

    runtime.engine.handle_inbound(...) / send_staff_message(...) / deliver_push(...)
    runtime.events.subscribe([STAFF_TOPIC])   # the console's live feed
    runtime.spawn(work)                       # after the request was answered
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field

from bot.conversation.engine import ConversationEngine
from bot.conversation.events import EventPublisher
from bot.conversation.outbound import OutboundRegistry

log = logging.getLogger(__name__)


@dataclass
class ConversationRuntime:
    engine: ConversationEngine
    events: EventPublisher
    outbound: OutboundRegistry
    tasks: set[asyncio.Task] = field(default_factory=set)
    closers: list = field(default_factory=list)

    def spawn(self, work: Awaitable, *, name: str = "channel-work") -> asyncio.Task:
        """Run work after the request that accepted it has been answered."""
        task = asyncio.ensure_future(work)
        task.set_name(name)
        self.tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for background work (tests; graceful shutdown)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.tasks:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            await asyncio.wait(set(self.tasks), timeout=remaining)

    async def aclose(self) -> None:
        await self.drain(timeout=10.0)
        for close in reversed(self.closers):
            try:
                await close()
            except Exception:
                log.exception("closing the conversation runtime")
