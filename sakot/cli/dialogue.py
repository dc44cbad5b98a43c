"""Commands for the dialogue side: the rasa-sdk action server (`sakot actions`)."""

from __future__ import annotations

import os

import typer

from sakot.settings import get_settings


def actions(
    port: int = typer.Option(None, help="Port (default SAKOT_ACTION_PORT, 5055)."),
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
) -> None:
    """Run the Rasa action server (actions/ -> bot/) that Rasa calls through endpoints.yml."""
    from rasa_sdk.endpoint import run
    from rasa_sdk.executor import ActionExecutor

    from sakot.logging import configure_from_settings

    settings = get_settings()
    configure_from_settings(settings)
    os.environ.setdefault("SANIC_HOST", host)
    os.environ.setdefault("ACTION_SERVER_SANIC_WORKERS", "1")
    executor = ActionExecutor()
    executor.register_package("actions")
    run(executor, port=port or settings.action_port)
