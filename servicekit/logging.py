"""Logging for every process (Sakot's and the exchange's): one filter masks identifiers first.

Victims send national ID numbers, phone numbers and bank account numbers; none of them may
reach a log file. Rather than trusting every call site, one filter on every handler masks any
run of nine or more digits (Thai or Arabic, with the separators people type) in the message,
its arguments, exceptions and stack traces.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

# Nine or more digits, Thai or Arabic, optionally split by single spaces, dashes or dots, with
# an optional leading "+". Long enough for phones (9-10), accounts (10-15) and IDs (13).
_DIGIT = "[0-9\u0e50-\u0e59]"
_IDENTIFIER_RE = re.compile(rf"\+?{_DIGIT}(?:[ .\-]?{_DIGIT}){{8,}}")
# Credentials that libraries put in URLs they log (httpx logs "GET …/status?token=…" at INFO;
# Rasa takes its API token only as a query parameter).
_URL_SECRET_RE = re.compile(
    r"(?i)(?<![A-Za-z0-9_])((?:auth_)?token|secret|password|api_key|key)=[^&\s\"'<>]{1,512}")


def mask_identifiers(text: str) -> str:
    """Replace every identifier-like digit run, keeping only its last two digits."""

    def _mask(match: re.Match[str]) -> str:
        raw = match.group(0)
        digits = [c for c in raw if c.isdigit()]
        return "*" * (len(digits) - 2) + "".join(digits[-2:])

    return _IDENTIFIER_RE.sub(_mask, _URL_SECRET_RE.sub(r"\1=***", text))


class MaskIdentifiersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = mask_identifiers(message)
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_identifiers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identifiers(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers in production."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    *, level: str = "INFO", json_output: bool = False, stream=None
) -> logging.Handler:
    """Send all logging (ours, uvicorn's, libraries') through one masked handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(MaskIdentifiersFilter())
    if json_output:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn and others install their own handlers; route them through ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "sanic.root", "sanic.access"):
        lib_logger = logging.getLogger(name)
        lib_logger.handlers.clear()
        lib_logger.propagate = True
    return handler
