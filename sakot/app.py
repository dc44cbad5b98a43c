"""The app process (port 8000): channels, staff console, exchange callbacks, health.

This is the composition root for the web side: it builds the settings, storage and services
once and hands them to the routers. Routers stay thin; rules live in `bot/`.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade
from sakot.readiness import sidecar_status
from sakot.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """What every router may depend on; built once per process."""

    settings: Settings
    sessions: sessionmaker[Session]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    context = AppContext(settings=settings, sessions=make_session_factory(engine))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        log.info("Sakot app ready on port %s (env=%s)", settings.port, settings.env)
        yield
        engine.dispose()

    app = FastAPI(title="Sakot", version="0.1.0", lifespan=lifespan)
    app.state.context = context

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

    for install in _router_installers():
        install(app, context)
    _install_input_limits(app, settings)
    return app


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


def _router_installers():
    """Each front end adds its routes through one `install(app, context)` function."""
    from channels import console, exchange_callback
    from channels import line as line_channel
    from channels import web as web_channel

    installers = []
    # Channels and the console register here as they land (one line each).
    installers.append(console.install)
    installers.append(line_channel.install)
    installers.append(web_channel.install)
    installers.append(exchange_callback.install)
    return installers
