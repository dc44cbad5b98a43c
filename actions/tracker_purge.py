"""Deleting a victim's conversation from Rasa's tracker store (PDPA deletion).

Rasa keeps every message text in its tracker store and appends to it after each action, so the
rows are removed a few seconds after the deletion turn, once Rasa has saved it. The tracker
store is found the same way Rasa's endpoints are configured (``sakot.rasa_env``).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import create_engine, text

from sakot.rasa_env import tracker_store_url
from sakot.settings import get_settings

log = logging.getLogger("sakot.actions")
PURGE_DELAY_SECONDS = 3.0


def purge(sender_id: str) -> int:
    _, url = tracker_store_url(get_settings())
    if url.startswith("postgresql://"):  # .venv-rasa uses psycopg2, this env psycopg 3
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            deleted = conn.execute(text("DELETE FROM events WHERE sender_id = :sender"),
                                   {"sender": sender_id}).rowcount
    finally:
        engine.dispose()
    log.info("purged %s tracker events of a deleted conversation", deleted)
    return deleted


def purge_later(sender_id: str, delay: float = PURGE_DELAY_SECONDS) -> None:
    """Schedule the purge after Rasa has stored this turn (call from an action's run)."""
    loop = asyncio.get_running_loop()

    def _run() -> None:
        future = loop.run_in_executor(None, purge, sender_id)
        future.add_done_callback(
            lambda f: f.exception() and log.error("tracker purge failed: %s", f.exception()))

    loop.call_later(delay, _run)
