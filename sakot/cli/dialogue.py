"""Commands for the dialogue side: the rasa-sdk action server (`sakot actions`)."""

from __future__ import annotations

import typer

from sakot.settings import get_settings


def actions(
    port: int = typer.Option(None, help="Port (default SAKOT_ACTION_PORT, 5055)."),
    host: str = typer.Option(None, help="Interface (default SAKOT_SIDECAR_HOST, 127.0.0.1)."),
) -> None:
    """Run the Rasa action server (actions/ -> bot/) that Rasa calls through endpoints.yml.

    Only calls carrying SAKOT_SIDECAR_TOKEN (header X-Sakot-Token) are served."""
    from sakot.action_server import run_action_server
    from sakot.logging import configure_from_settings

    settings = get_settings()
    configure_from_settings(settings)
    run_action_server(host=host or settings.sidecar_host, port=port or settings.action_port)
