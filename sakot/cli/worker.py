"""`sakot worker`: deliver the outbox."""

from __future__ import annotations


def worker() -> None:
    """Deliver queued escalations and pushes, with retries and backoff."""
    from bot.storage.migrate import upgrade
    from sakot.logging import configure_from_settings
    from sakot.settings import get_settings
    from sakot.worker import run

    settings = get_settings()
    configure_from_settings(settings)
    upgrade(settings.database_url)
    run(settings)
