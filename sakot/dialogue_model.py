"""Train the Rasa dialogue model only when its inputs change (`python -m sakot.dialogue_model`).

Rasa runs stock in .venv-rasa and parses messages through our NLU service, so only the
dialogue part (domain, stories, rules, policies) is trained here. Trained models are cached
by the hash of their inputs, so repeated setups and CI runs on one machine reuse them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sakot.settings import PROJECT_ROOT, Settings, get_settings

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


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(DIALOGUE_DIR.rglob("*.yml")):
        if path.name in {"endpoints.yml", "credentials.yml"} or "tests" in path.relative_to(
                DIALOGUE_DIR).parts:
            continue  # runtime wiring and test stories, not training input
        digest.update(str(path.relative_to(DIALOGUE_DIR)).encode())
        digest.update(path.read_bytes())
    digest.update((PROJECT_ROOT / "requirements" / "rasa.lock").read_bytes())
    return digest.hexdigest()[:16]


def build(force: bool = False, quiet: bool = False) -> Path:
    settings = get_settings()
    key = inputs_hash()
    cached = settings.cache_dir / "rasa" / f"dialogue-{key}.tar.gz"
    target_dir = settings.models_dir / "rasa"
    target = target_dir / "dialogue.tar.gz"
    if not cached.exists() or force:
        cached.parent.mkdir(parents=True, exist_ok=True)
        print(f"   training Rasa dialogue model {key} (about a minute)", flush=True)
        subprocess.run(
            [str(RASA), "train", "core",
             "--domain", str(DIALOGUE_DIR / "domain.yml"),
             "--config", str(DIALOGUE_DIR / "config.yml"),
             "--stories", str(DIALOGUE_DIR / "data"),
             "--out", str(cached.parent), "--fixed-model-name", f"dialogue-{key}"],
            check=True, cwd=DIALOGUE_DIR, stdout=subprocess.DEVNULL if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
    else:
        print(f"   dialogue model {key} is up to date", flush=True)
    stamp = target_dir / "dialogue.key"
    if target.exists() and stamp.exists() and stamp.read_text() == key:
        return target  # already in place: a running Rasa or a parallel test keeps its file
    target_dir.mkdir(parents=True, exist_ok=True)
    for old in target_dir.glob("*.tar.gz"):  # Rasa loads the newest model in the directory
        if old != target:
            old.unlink(missing_ok=True)
    tmp = target_dir / f".dialogue-{key}.{os.getpid()}.tmp"
    shutil.copy2(cached, tmp)
    os.replace(tmp, target)  # atomic: readers see the old or the new model, never half
    stamp.write_text(key)
    return target


if __name__ == "__main__":
    build(force="--force" in sys.argv)
