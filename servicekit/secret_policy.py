"""What counts as a usable secret, and where a machine's generated local secrets live.

Shared by Sakot's settings and the exchange's (both fail closed outside development).

A secret we own (session key, HMAC secrets, the sidecar token) must carry at least 32 random
bytes, written the way every generator writes them:

- hex: at least 64 characters of ``0-9a-f`` (``openssl rand -hex 32``), or
- base64 / base64url: at least 43 characters (``secrets.token_urlsafe(32)``,
  ``openssl rand -base64 32``; trailing ``=`` padding is not counted),

and must look random (at least 12 distinct characters, so ``"a" * 64`` is refused). Empty
values and the ``dev-only-`` placeholders that ship with the code are refused outright.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DEV_PLACEHOLDER_PREFIX = "dev-only-"
MIN_SECRET_BYTES = 32
MIN_DISTINCT_CHARACTERS = 12
GENERATE_HINT = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"

_HEX = re.compile(r"[0-9a-fA-F]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRETS_FILE = PROJECT_ROOT / "var" / "secrets.env"


def secret_problem(value: str | None) -> str | None:
    """Why ``value`` is not a usable secret, or None when it is."""
    if not value:
        return "is empty"
    if value.startswith(DEV_PLACEHOLDER_PREFIX):
        return "still holds the public development placeholder"
    if _HEX.fullmatch(value):
        carried = len(value) // 2
    elif _BASE64.fullmatch(value):
        carried = len(value.rstrip("=")) * 6 // 8
    else:
        return "is neither hex nor base64 (spaces or other characters)"
    if carried < MIN_SECRET_BYTES:
        return (f"is too short ({carried} bytes; at least {MIN_SECRET_BYTES} random bytes: "
                f"64 hex or 43 base64url characters)")
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "does not look random (too few distinct characters)"
    return None


def placeholder_problem(value: str | None) -> str | None:
    """For secrets someone else issues (LINE's channel secret): only the placeholder is
    refused; empty means "not configured"."""
    if value and value.startswith(DEV_PLACEHOLDER_PREFIX):
        return "still holds the public development placeholder"
    return None


def secrets_file() -> Path | None:
    """The git-ignored file ``scripts/setup.sh`` writes this machine's secrets to.

    ``SAKOT_SECRETS_FILE`` points elsewhere; an empty value turns the file off (tests).
    """
    configured = os.environ.get("SAKOT_SECRETS_FILE")
    if configured is None:
        return DEFAULT_SECRETS_FILE
    return Path(configured).expanduser() if configured.strip() else None


def env_files() -> tuple[Path | str, ...]:
    """Dotenv files in increasing priority: the generated secrets, then ``.env``."""
    generated = secrets_file()
    return (generated, ".env") if generated is not None else (".env",)
