"""Commands that run Sakot's processes."""

from __future__ import annotations

import threading

import typer

from sakot.settings import get_settings


def up() -> None:
    """Run every process of the product in the foreground; Ctrl-C stops them all."""
    from sakot.processes import Supervisor, product_processes

    settings = get_settings()
    ready, skipped = [], []
    for spec in product_processes(settings):
        reason = spec.missing()
        (skipped if reason else ready).append((spec, reason))
    for spec, reason in skipped:
        typer.echo(f"[sakot] not starting {spec.name}: {reason}")
    typer.echo(f"[sakot] starting: {', '.join(spec.name for spec, _ in ready)}")
    typer.echo(f"[sakot] web demo:      {settings.public_base_url}/")
    typer.echo(f"[sakot] staff console: {settings.public_base_url}/console/ "
               "(first account: `.venv/bin/sakot staff create --supervisor`)")
    supervisor = Supervisor([spec for spec, _ in ready])
    supervisor.start()
    stop = threading.Event()
    threading.Thread(target=announce_ready, args=(settings, stop), daemon=True,
                     name="sakot-ready").start()
    try:
        code = supervisor.wait()
    finally:
        stop.set()
    raise typer.Exit(code)


def announce_ready(settings, stop: threading.Event, *, poll_seconds: float = 1.0,
                   report_every: int = 15, echo=typer.echo) -> bool:
    """Print "[sakot] ready" once the app's /healthz says every process answers (Rasa and
    the NLU service with their models loaded, the action server); until then, every
    ``report_every`` polls, what is still missing. Returns True once ready."""
    import httpx

    from sakot.readiness import local_url

    url = f"{local_url(settings.host, settings.port)}/healthz"
    polls = 0
    while not stop.wait(poll_seconds):
        polls += 1
        try:
            response = httpx.get(url, timeout=5.0)
            status = response.json() if response.headers.get("content-type", "").startswith(
                "application/json") else {}
            if response.status_code == 200:
                echo(f"[sakot] ready: every process answers; open {settings.public_base_url}/")
                return True
        except httpx.HTTPError:
            status = {"app": "starting"}
        if polls % report_every == 0:
            waiting = ", ".join(f"{k} {v}" for k, v in status.items() if k != "status"
                                and v != "ok")
            echo(f"[sakot] not ready yet: {waiting or 'app starting'}")
    return False


def serve(
    host: str = typer.Option(None, help="Interface to bind (default SAKOT_HOST)."),
    port: int = typer.Option(None, help="Port (default SAKOT_PORT, 8000)."),
) -> None:
    """Run the app process alone: channels, staff console, callbacks, /healthz."""
    import uvicorn

    from sakot.app import create_app
    from sakot.logging import configure_from_settings

    settings = get_settings()
    configure_from_settings(settings)
    uvicorn.run(
        create_app(settings), host=host or settings.host, port=port or settings.port,
        log_config=None, proxy_headers=True,
        ws_max_size=settings.web_ws_max_message_bytes,  # uvicorn's default is 16 MiB a frame
    )


def migrate() -> None:
    """Bring Sakot's database (SAKOT_DATABASE_URL) to the newest schema."""
    from bot.storage.migrate import upgrade

    upgrade(get_settings().database_url)
    typer.echo("database is up to date")
