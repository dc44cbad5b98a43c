"""Commands that run Sakot's processes."""

from __future__ import annotations

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
    raise typer.Exit(supervisor.wait())


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
    )


def migrate() -> None:
    """Bring Sakot's database (SAKOT_DATABASE_URL) to the newest schema."""
    from bot.storage.migrate import upgrade

    upgrade(get_settings().database_url)
    typer.echo("database is up to date")
