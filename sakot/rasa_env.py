"""How the Rasa process is configured: where its dialogue lives and the environment
`dialogue/endpoints.yml` reads (NLU service, action server, tracker store, lock store, token).

Training the dialogue model is offline tooling: `tooling/dialogue_model.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

from sakot.settings import PROJECT_ROOT, Settings

DIALOGUE_DIR = PROJECT_ROOT / "dialogue"
RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"


def tracker_store_url(settings: Settings) -> tuple[str, str]:
    """(dialect, SQLAlchemy URL) of Rasa's tracker store: same database family as the app.

    SQLite app -> its own SQLite file next to the app's (var/rasa_tracker.db); PostgreSQL app
    -> the app's database (Rasa's one table is ``events``), through psycopg2, the driver in
    .venv-rasa. SAKOT_RASA_TRACKER_URL overrides both.
    """
    override = os.environ.get("SAKOT_RASA_TRACKER_URL")
    if override:
        return override.split(":", 1)[0].split("+", 1)[0], override
    if settings.is_sqlite:
        return "sqlite", f"sqlite:///{Path(settings.var_dir).resolve() / 'rasa_tracker.db'}"
    url = settings.database_url
    scheme, rest = url.split("://", 1)
    return "postgresql", f"postgresql://{rest}" if scheme.startswith("postgres") else url


def rasa_env(settings: Settings, *, nlu_url: str | None = None,
             action_url: str | None = None) -> dict[str, str]:
    """The environment dialogue/endpoints.yml needs (Rasa has no defaults for ${VAR}).

    It carries the sidecar token (Rasa sends it to the NLU service and the action server, and
    `sakot.processes.RASA_LAUNCHER` makes it Rasa's API token): an environment, unlike a
    command line, is not readable by other users of the host."""
    from urllib.parse import urlsplit

    from sakot import readiness

    dialect, tracker_url = tracker_store_url(settings)
    env = {
        "RASA_TELEMETRY_ENABLED": "false",
        "SAKOT_ACTION_ENDPOINT_URL": action_url or f"{readiness.action_url(settings)}/webhook",
        "SAKOT_NLU_ENDPOINT_URL": nlu_url or readiness.nlu_url(settings),
        "SAKOT_SIDECAR_TOKEN": settings.sidecar_token.get_secret_value(),
        "SAKOT_RASA_TRACKER_DIALECT": dialect,
        "SAKOT_RASA_TRACKER_URL": tracker_url,
        "SAKOT_RASA_TRACKER_DB": tracker_url.rsplit("/", 1)[-1] or "rasa",
        "SAKOT_RASA_LOCK_STORE": "in_memory",
        "SAKOT_RASA_LOCK_HOST": "",
        "SAKOT_RASA_LOCK_PORT": "6379",
        "SAKOT_RASA_LOCK_DB": "0",
    }
    if settings.redis_url:
        redis = urlsplit(settings.redis_url)
        env.update({
            "SAKOT_RASA_LOCK_STORE": "redis",
            "SAKOT_RASA_LOCK_HOST": redis.hostname or "127.0.0.1",
            "SAKOT_RASA_LOCK_PORT": str(redis.port or 6379),
            "SAKOT_RASA_LOCK_DB": (redis.path or "/0").strip("/") or "0",
        })
    return env
