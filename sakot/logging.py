"""Logging for every Sakot process, from its settings (the masking handler: servicekit.logging)."""

from __future__ import annotations

import logging

from servicekit.logging import configure_logging


def configure_from_settings(settings) -> logging.Handler:
    from sakot.settings import Environment

    return configure_logging(
        level=settings.log_level, json_output=settings.env is Environment.PRODUCTION
    )
