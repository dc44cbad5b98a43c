"""The app process (port 8000): channels, staff console, exchange callbacks, health.

This is the composition root for the web side: it builds the settings, storage and services
once and hands them to the routers. Routers stay thin; rules live in `bot/`.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade
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

    @app.get("/healthz", tags=["ops"])
    def healthz() -> JSONResponse:
        try:
            with context.sessions() as session:
                session.execute(text("SELECT 1"))
            database = "ok"
        except Exception as exc:  # report, don't crash: this is the health probe
            log.warning("health check: database unreachable: %s", type(exc).__name__)
            database = "unreachable"
        status = 200 if database == "ok" else 503
        return JSONResponse(
            {"status": "ok" if status == 200 else "degraded", "database": database},
            status_code=status,
        )

    for install in _router_installers():
        install(app, context)
    return app


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
