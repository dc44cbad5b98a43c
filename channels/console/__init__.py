"""The staff console: hotline staff take over escalated chats (mounted at /console).

One name per layer: *staff* are the people and their accounts (`bot/staff.py`), the *desk* is
their work on chats and cases (`bot/desk.py`), the *console* is this web edge over both.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from channels.console.security import ConsoleAuthError


def install(app: FastAPI, context, runtime) -> None:
    from pathlib import Path

    from channels.console.routes import build_router

    app.include_router(build_router(context, runtime))
    app.mount("/console/static", StaticFiles(directory=Path(__file__).parent / "static"),
              name="console-static")

    @app.exception_handler(ConsoleAuthError)
    async def _login_required(request: Request, exc: ConsoleAuthError):
        wants_html = "text/html" in request.headers.get("accept", "")
        if request.method == "GET" and wants_html and "/api/" not in request.url.path:
            return RedirectResponse("/console/login", status_code=303)
        return JSONResponse({"detail": "login required"}, status_code=401)
