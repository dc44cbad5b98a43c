"""The exchange process (port 8100): composition root.

`create_app()` builds settings, database, migrations, the development seed and the outbox
worker once, and mounts the API (/v1), the bank page (/bank/{code}) and /health.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from exchange import api, bank_ui, services
from exchange.auth import AuthError
from exchange.body_limit import BodyLimit
from exchange.db import make_engine, make_session_factory, migrate
from exchange.keys import derive, revoke_development_keys
from exchange.outbox import OutboxWorker
from exchange.schemas import Health
from exchange.seed import seed_development
from exchange.settings import ExchangeSettings, get_settings

log = logging.getLogger("exchange")

DESCRIPTION = """Reference implementation of the AOC automatic data exchange (AOC, banks, CCIB,
DSI, AMLO, NBTC). Every /v1 request is signed: see exchange/README.md for the recipe."""


def _path_of(loc: tuple | list) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def _revoke_development_keys(session_factory, settings: ExchangeSettings) -> None:
    """Outside development the seeded public keys must not open anything (S9): a database
    first started in development keeps them, so revoke them, audited, before serving."""
    with session_factory() as session:
        revoked = revoke_development_keys(session)
        if revoked:
            services.audit(session, principal=None, action="key.revoke", outcome="ok",
                           object_type="api_key", object_id=None,
                           detail={"reason": f"development keys at a {settings.env} start",
                                   "key_ids": revoked})
            log.warning("revoked %d development key(s) with public secrets: %s",
                        len(revoked), ", ".join(revoked))
        session.commit()


def create_app(settings: ExchangeSettings | None = None, *,
               start_worker: bool | None = None) -> FastAPI:
    settings = settings or get_settings()
    if settings.migrate_on_startup:
        migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    if settings.is_development:
        with session_factory() as session:
            if seed_development(session, master_secret=settings.master_secret.get_secret_value()):
                log.warning("DEVELOPMENT: seeded agencies with public dev-only keys")
    else:
        _revoke_development_keys(session_factory, settings)
    worker = OutboxWorker(session_factory, settings)
    run_worker = settings.run_outbox_worker if start_worker is None else start_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run_forever(stop)) if run_worker else None
        log.info("exchange ready on port %s (env=%s)", settings.port, settings.env)
        yield
        stop.set()
        if task is not None:
            await task
        worker.client.close()
        engine.dispose()

    app = FastAPI(title="Sakot AOC exchange", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.engine = engine
    app.state.worker = worker
    app.add_middleware(
        SessionMiddleware, secret_key=derive(settings.master_secret.get_secret_value(),
                                             "bank-page-session"),
        session_cookie="exchange_bank_session", same_site="strict",
        https_only=not settings.is_development, max_age=8 * 3600)
    # Outermost: an oversized body is refused before any route reads, parses or verifies it.
    app.add_middleware(BodyLimit, max_bytes=api.MAX_BODY_BYTES)

    def audit_failure(request: Request, action: str, outcome: str, detail: dict,
                      object_type: str | None = None, object_id: str | None = None) -> None:
        principal = getattr(request.state, "principal", None)
        with session_factory() as session:
            services.audit(session, principal=principal, action=action, outcome=outcome,
                           object_type=object_type, object_id=object_id, detail=detail)
            session.commit()

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        return JSONResponse({"error": codes.get(exc.status_code, "http_error"),
                             "message": str(exc.detail)}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(AuthError)
    async def _auth_error(request: Request, exc: AuthError) -> JSONResponse:
        # Already audited by authenticate().
        body: dict = {"error": exc.reason, "message": exc.message}
        if exc.reason == "timestamp_outside_window":
            # Lets a client whose clock drifted re-sign on ours (the Date header says as much).
            body["server_time"] = int(time.time())
        return JSONResponse(body, status_code=401)

    @app.exception_handler(services.ServiceError)
    async def _service_error(request: Request, exc: services.ServiceError) -> JSONResponse:
        outcome = "denied" if exc.status_code in (403, 404) else "rejected"
        audit_failure(request, exc.action or f"{request.method} {request.url.path}", outcome,
                      {"error": exc.error, "message": exc.message}, exc.object_type,
                      exc.object_id)
        return JSONResponse({"error": exc.error, "message": exc.message},
                            status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"path": _path_of(e.get("loc", ())), "message": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]
        route = request.scope.get("route")
        action = f"{request.method} {getattr(route, 'path', request.url.path)}"
        audit_failure(request, action, "rejected",
                      {"errors": [{"path": e["path"], "type": e["type"]} for e in errors]})
        return JSONResponse({"error": "validation_error",
                             "message": f"{len(errors)} field(s) failed validation",
                             "errors": errors}, status_code=422)

    @app.get("/health", response_model=Health, tags=["ops"])
    def health() -> JSONResponse:
        try:
            with session_factory() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # the probe reports, it does not crash
            log.warning("health: database unreachable: %s", type(exc).__name__)
            return JSONResponse({"status": "degraded"}, status_code=503)
        return JSONResponse({"status": "ok"})

    app.include_router(api.router)
    app.include_router(bank_ui.router)
    return app
