"""`sakot doctor`: what is missing or broken, and what to do about each problem."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import typer

from sakot.settings import PROJECT_ROOT, Settings, get_settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _python_version() -> Check:
    ok = sys.version_info >= (3, 11)
    return Check("main Python", ok, sys.version.split()[0], "use Python 3.11+ (`make setup`)")


def _rasa_env() -> Check:
    rasa = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
    if not rasa.exists():
        return Check("Rasa environment", False, ".venv-rasa missing", "run `make setup`")
    result = subprocess.run(
        [str(PROJECT_ROOT / ".venv-rasa" / "bin" / "python"), "-c",
         "import sys, importlib.metadata as m; print(sys.version.split()[0], m.version('rasa'))"],
        capture_output=True, text=True, timeout=60,
    )
    detail = result.stdout.strip() or result.stderr.strip()[-200:]
    ok = result.returncode == 0 and detail.startswith("3.10") and detail.endswith("3.6.21")
    return Check("Rasa environment", ok, f"python/rasa {detail}",
                 "rm -rf .venv-rasa && make setup (needs Python 3.10 via pyenv)")


def _path_check(name: str, relative: str, fix: str, settings: Settings) -> Check:
    path = settings.models_dir / relative
    return Check(name, path.exists(), str(path), fix)


def _database(settings: Settings) -> Check:
    from sqlalchemy import text

    from bot.storage.db import make_engine

    try:
        engine = make_engine(settings.database_url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return Check("database", True, engine.url.render_as_string(hide_password=True))
    except Exception as exc:
        return Check("database", False, f"{type(exc).__name__}: {exc}"[:300],
                     "check SAKOT_DATABASE_URL; for PostgreSQL the server must be running")


def _line(settings: Settings) -> Check:
    if settings.line_enabled:
        return Check("LINE channel", True, f"on (API {settings.line_api_base})")
    return Check("LINE channel", True, "off (no credentials)",
                 "to turn it on set SAKOT_LINE_CHANNEL_SECRET and SAKOT_LINE_CHANNEL_ACCESS_TOKEN "
                 "from the LINE Developers console, and the webhook URL to "
                 "<public url>/line/webhook")


def _secrets(settings: Settings) -> Check:
    """Settings that loaded passed the fail-closed check; in development, say whether the
    public placeholders are still in use."""
    from servicekit.secret_policy import secret_problem, secrets_file
    from sakot.settings import OWN_SECRETS

    weak = [f"SAKOT_{name.upper()}" for name in OWN_SECRETS
            if secret_problem(getattr(settings, name).get_secret_value())]
    source = secrets_file()
    where = f"{source} present" if source and source.exists() else "no generated secrets file"
    if not weak:
        return Check("secrets", True, f"env={settings.env}; strong ({where})")
    return Check("secrets", True, f"env={settings.env}; development placeholders in "
                 f"{', '.join(weak)} ({where})",
                 "fine in development only, refused anywhere else (scripts/local_secrets.sh "
                 "writes strong local secrets; SAKOT_EXCHANGE_API_SECRET matches the local "
                 "exchange's seeded development key)")


def run_checks(settings: Settings) -> list[Check]:
    checks: list[Callable[[], Check]] = [
        _python_version,
        _rasa_env,
        lambda: _path_check("base encoder", "base/config.json", "sakot models build-base", settings),
        lambda: _path_check("classifier", "classifier", "sakot models train", settings),
        lambda: _path_check("dialogue model", "rasa", "make setup (trains Rasa)", settings),
        lambda: _database(settings),
        lambda: _secrets(settings),
        lambda: _line(settings),
    ]
    return [check() for check in checks]


def doctor() -> None:
    """Check Python versions, both environments, models, database and channels."""
    results = run_checks(get_settings())
    for check in results:
        mark = "ok " if check.ok else "!! "
        typer.echo(f"{mark} {check.name:<18} {check.detail}")
        if check.fix and (not check.ok or check.name == "LINE channel"):
            typer.echo(f"    -> {check.fix}")
    raise typer.Exit(0 if all(c.ok for c in results) else 1)
