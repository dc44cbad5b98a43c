"""The `sakot` command. Each area registers its sub-commands here, one line each."""

from __future__ import annotations

import typer

from sakot.cli import analyze, data, dialogue, doctor, line, models, run
from sakot.cli import staff as staff_cli
from sakot.cli import worker as worker_cli

app = typer.Typer(
    help="Sakot (สกัด): a Thai-language assistant for online-scam victims.",
    no_args_is_help=True,
    add_completion=False,
)

app.command("up")(run.up)
app.command("serve")(run.serve)
app.command("doctor")(doctor.doctor)
app.command("migrate")(run.migrate)
app.command("actions")(dialogue.actions)
app.add_typer(models.app, name="models")
app.add_typer(data.app, name="data")
app.command("worker")(worker_cli.worker)
app.command("analyze")(analyze.analyze)
app.add_typer(staff_cli.app, name="staff")
app.command("line-sim")(line.line_sim)


def main() -> None:
    from pydantic import ValidationError

    try:
        app()
    except ValidationError as exc:  # settings refused (e.g. a weak secret outside development)
        for error in exc.errors():
            typer.echo(f"error: {error['msg'].removeprefix('Value error, ')}", err=True)
        raise SystemExit(2) from None
