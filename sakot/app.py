"""The app process (port 8000): channels, staff console, exchange callbacks, health.

This is the process's composition root: `create_app` builds the settings, storage, the
channels' output sides and the conversation runtime (`conversation_runtime`: the engine over
its adapters) once and hands them to the routers.
Routers stay thin; rules live in `bot/`. The channels come from `channels/installed.py`, the
list the worker (`sakot/worker.py`) takes too.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.conversation.engine import ConversationEngine
from bot.conversation.events import make_event_publisher
from bot.conversation.evidence import read_slip
from bot.conversation.outbound import OutboundRegistry
from bot.conversation.rasa_client import RasaRestDialogue
from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade
from channels import console, exchange_callback
from channels.base import Channel, channel_outputs, outbound_registry
from channels.installed import CHANNELS
from channels.runtime import ConversationRuntime
from sakot.readiness import nlu_url, sidecar_status
from sakot.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """What every router may depend on; built once per process."""

    settings: Settings
    sessions: sessionmaker[Session]


def create_app(settings: Settings | None = None, *,
               channels: Sequence[Channel] = CHANNELS) -> FastAPI:
    settings = settings or get_settings()
    upgrade(settings.database_url)
    database = make_engine(settings.database_url)
    context = AppContext(settings=settings, sessions=make_session_factory(database))
    outputs = channel_outputs(channels, settings)
    runtime = conversation_runtime(settings, context.sessions, outbound_registry(outputs))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        log.info("Sakot app ready on port %s (env=%s)", settings.port, settings.env)
        try:
            yield
        finally:
            await runtime.aclose()
            database.dispose()

    app = FastAPI(title="Sakot", version="0.1.0", lifespan=lifespan)
    app.state.context = context
    app.state.conversation_runtime = runtime

    def database_status() -> str:
        try:
            with context.sessions() as session:
                session.execute(text("SELECT 1"))
            return "ok"
        except Exception as exc:  # report, don't crash: this is the health probe
            log.warning("health check: database unreachable: %s", type(exc).__name__)
            return "unreachable"

    @app.get("/livez", tags=["ops"])
    async def livez() -> JSONResponse:
        """Liveness: this process answers and reaches its database."""
        database = await run_in_threadpool(database_status)
        return JSONResponse({"status": "ok" if database == "ok" else "degraded",
                             "database": database},
                            status_code=200 if database == "ok" else 503)

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> JSONResponse:
        """Readiness: 200 only when a victim's message would get a real answer: the database,
        Rasa (model loaded), the NLU service (classifier loaded) and the action server."""
        database, sidecars = await asyncio.gather(run_in_threadpool(database_status),
                                                  sidecar_status(settings))
        components = {"database": database, **sidecars}
        ready = all(value == "ok" for value in components.values())
        return JSONResponse({"status": "ok" if ready else "degraded", **components},
                            status_code=200 if ready else 503)

    console.install(app, context, runtime)
    for channel in channels:
        channel.install(app, context, runtime, outputs.get(channel.name))
    exchange_callback.install(app, context, runtime)
    _install_input_limits(app, settings)
    return app


def conversation_runtime(settings: Settings, sessions: sessionmaker[Session],
                         outbound: OutboundRegistry) -> ConversationRuntime:
    """The conversation engine over its adapters: Rasa over REST (ready only once the NLU
    service is, when SAKOT_NLU_READY_CHECK), the live-event publisher (Redis pub/sub when
    SAKOT_REDIS_URL is set, else in-process), the slip reader and the channels' output sides."""
    events = make_event_publisher(settings.redis_url)
    dialogue = RasaRestDialogue(settings.rasa_url, nlu_ready_url=(
        f"{nlu_url(settings)}/status" if settings.nlu_ready_check else None))
    engine = ConversationEngine(
        sessions=sessions, dialogue=dialogue, events=events, outbound=outbound,
        evidence_dir=settings.var_dir / "evidence",
        # images over the pixel limit are stored but never decoded (decompression bombs)
        slip_reader=functools.partial(read_slip, max_pixels=settings.image_max_pixels),
    )
    output_closers = [outbound.get(name).aclose for name in outbound.names()]
    return ConversationRuntime(engine=engine, events=events, outbound=outbound,
                               closers=[*output_closers, events.close, dialogue.aclose])


def _install_input_limits(app: FastAPI, settings: Settings) -> None:
    """Body limits before any route reads or authenticates a body; security headers on every
    response (channels.limits, channels.security_headers)."""
    from channels.limits import BodyLimitMiddleware
    from channels.security_headers import SecurityHeadersMiddleware

    multipart_overhead = 64 * 1024  # the upload's form fields and part headers
    app.add_middleware(BodyLimitMiddleware, default=settings.max_body_bytes,
                       per_path={"/web/upload": settings.upload_max_bytes + multipart_overhead})
    app.add_middleware(SecurityHeadersMiddleware,
                       hsts=settings.public_base_url.startswith("https"))
