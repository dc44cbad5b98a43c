"""`sakot staff`: manage hotline staff accounts from the command line."""

from __future__ import annotations

import typer

app = typer.Typer(help="Staff console accounts.", no_args_is_help=True)


@app.command("create")
def create(
    username: str = typer.Option(..., prompt=True, help="Login name."),
    display_name: str = typer.Option("", help="Name shown to colleagues (default: username)."),
    supervisor: bool = typer.Option(False, "--supervisor", help="Create a supervisor."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 envvar="SAKOT_NEW_STAFF_PASSWORD",
                                 help="At least 10 characters (or SAKOT_NEW_STAFF_PASSWORD)."),
) -> None:
    """Create a staff account (the first supervisor is created this way)."""
    from bot.staff import StaffError, create_staff
    from bot.storage.db import make_engine, make_session_factory, session_scope
    from bot.storage.migrate import upgrade
    from bot.storage.models import StaffRole
    from sakot.settings import get_settings

    settings = get_settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            user = create_staff(session, username=username, display_name=display_name,
                                password=password,
                                role=StaffRole.SUPERVISOR if supervisor else StaffRole.AGENT)
            typer.echo(f"created {user.role} {user.username}; log in at "
                       f"{settings.public_base_url}/console/")
    except StaffError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
