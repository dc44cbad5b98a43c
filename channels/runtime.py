"""The conversation runtime the channels (and the staff console) share in one app process.

Built once per app by the composition root (`sakot/app.py`) and handed to every installer;
also kept on `app.state.conversation_runtime` (tests reach the engine there). It holds the
engine (with the Rasa REST adapter), the live-event publisher (Redis pub/sub when
SAKOT_REDIS_URL is set, else in-process), the channels' output sides (`channels.base
.build_outbound`) and a task set for work done after a webhook was acknowledged. Its resources
are closed when the app shuts down.

    runtime = start_runtime(app, context, outbound)
    runtime.engine.handle_inbound(...) / send_staff_message(...) / deliver_push(...)
    runtime.events.subscribe([STAFF_TOPIC])   # the console's live feed
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.conversation.engine import ConversationEngine
from bot.conversation.events import EventPublisher, make_event_publisher
from bot.conversation.evidence import read_slip
from bot.conversation.outbound import OutboundRegistry
from bot.conversation.rasa_client import RasaRestDialogue

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


def start_runtime(app, context, outbound: OutboundRegistry) -> ConversationRuntime:
    """The app's one runtime over the given output sides; closed at the app's shutdown."""
    settings = context.settings
    events = make_event_publisher(settings.redis_url)
    from sakot.readiness import nlu_url  # noqa: PLC0415  (composition: where the NLU lives)

    dialogue = RasaRestDialogue(settings.rasa_url, nlu_ready_url=(
        f"{nlu_url(settings)}/status" if settings.nlu_ready_check else None))
    engine = ConversationEngine(
        sessions=context.sessions, dialogue=dialogue, events=events, outbound=outbound,
        evidence_dir=settings.var_dir / "evidence",
        # images over the pixel limit are stored but never decoded (decompression bombs)
        slip_reader=functools.partial(read_slip, max_pixels=settings.image_max_pixels),
    )
    outputs = [outbound.get(name).aclose for name in outbound.names()]
    runtime = ConversationRuntime(engine=engine, events=events, outbound=outbound,
                                  closers=[*outputs, events.close, dialogue.aclose])
    app.state.conversation_runtime = runtime
    _close_on_shutdown(app, runtime)
    return runtime


def _close_on_shutdown(app, runtime: ConversationRuntime) -> None:
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_):
        async with inner(app_) as state:
            try:
                yield state
            finally:
                await runtime.aclose()

    app.router.lifespan_context = lifespan
