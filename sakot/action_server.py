"""The rasa-sdk action server, started by `sakot actions`, locked down (security review S4).

rasa_sdk's own `run()` binds SANIC_HOST (0.0.0.0 when unset), allows every CORS origin and runs
any action for anyone who can reach the port. Here:

- every route except the liveness probe `/health` needs the shared sidecar token in the
  `X-Sakot-Token` header (Rasa sends it: `dialogue/endpoints.yml` `action_endpoint: headers:`);
  a missing or wrong token gets 401 before the body is read;
- no CORS headers at all (no browser page has any business here);
- the interface comes from `--host` / SAKOT_SIDECAR_HOST (127.0.0.1), never from SANIC_HOST;
- request bodies are capped (a Rasa action call is a tracker, well under the cap).

`action_app` is the process's composition root. Sanic's loader runs it in the serving process,
so it builds its adapters there (the database the actions work through) from the settings.
"""

from __future__ import annotations

from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.worker.loader import AppLoader

from actions.context import use_sessions
from bot.storage.db import make_engine, make_session_factory
from sakot.settings import get_settings
from sakot.sidecar_auth import TOKEN_HEADER, token_matches

OPEN_PATHS = frozenset({"/health"})
MAX_BODY_BYTES = 4 * 1024 * 1024


def action_app() -> Sanic:
    """The action server: the actions package over the configured database, token-checked
    (module level: Sanic's loader pickles it)."""
    settings = get_settings()
    use_sessions(make_session_factory(make_engine(settings.database_url)))
    executor = ActionExecutor()
    executor.register_package("actions")
    return create_action_app(executor, settings.sidecar_token.get_secret_value())


def create_action_app(executor: ActionExecutor, token: str, *,
                      endpoints: str = "endpoints.yml") -> Sanic:
    """rasa_sdk's app with the token check in front."""
    if not token:
        raise ValueError("the action server needs a sidecar token")
    app = create_app_for_serve(executor, cors_origins=None, auto_reload=False,
                               endpoints=endpoints)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.on_request(priority=100)
    async def require_token(request):
        if request.path in OPEN_PATHS:
            return None
        if not token_matches(token, request.headers.get(TOKEN_HEADER)):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    return app


def run_action_server(*, host: str, port: int) -> None:
    loader = AppLoader(factory=action_app)
    app = loader.load()
    app.prepare(host=host, port=port, workers=1)
    Sanic.serve(primary=app, app_loader=loader)
