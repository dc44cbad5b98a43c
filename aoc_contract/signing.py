"""HMAC-SHA256 request signing: both directions between Sakot and the exchange carry it.

Standard library only: no FastAPI, no HTTP client, so any process can import it (receivers
verify with ``verify_request``; senders sign with ``aoc_contract.http_auth.SigningAuth``).

Every request to the exchange, every callback the exchange sends to Sakot and every webhook it
sends to a bank carries four headers:

    X-Sakot-Key-Id      which key signed (an agency may hold several active keys)
    X-Sakot-Timestamp   Unix time in whole seconds (UTC)
    X-Sakot-Nonce       16-128 characters [A-Za-z0-9_-], never reused with the same key
    X-Sakot-Signature   "v1=" + lowercase hex HMAC-SHA256(secret, canonical string)

The canonical string is five lines joined by "\\n" (no trailing newline):

    METHOD            upper case, e.g. POST
    PATH              the path exactly as sent, with "?query" if there is one
    TIMESTAMP         the X-Sakot-Timestamp value
    NONCE             the X-Sakot-Nonce value
    SHA256(BODY)      lowercase hex SHA-256 of the raw body bytes (of b"" when there is none)

The receiver rejects a timestamp more than `window` seconds away from its clock (both ways)
and a (key id, nonce) pair it has seen before; replaying a captured request therefore fails,
and changing its nonce breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

KEY_ID_HEADER = "X-Sakot-Key-Id"
TIMESTAMP_HEADER = "X-Sakot-Timestamp"
NONCE_HEADER = "X-Sakot-Nonce"
SIGNATURE_HEADER = "X-Sakot-Signature"
SIGNATURE_VERSION = "v1"
DEFAULT_WINDOW_SECONDS = 300

_NONCE_RE = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")
_KEY_ID_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class SignatureError(Exception):
    """The request's signature headers are missing, malformed, stale or wrong."""

    reason = "invalid_signature"


class MissingHeaders(SignatureError):
    reason = "missing_signature_headers"


class MalformedHeaders(SignatureError):
    reason = "malformed_signature_headers"


class StaleTimestamp(SignatureError):
    reason = "timestamp_outside_window"


class BadSignature(SignatureError):
    reason = "signature_mismatch"


@dataclass(frozen=True)
class SignedHeaders:
    key_id: str
    timestamp: int
    nonce: str
    signature: str


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_string(method: str, path: str, timestamp: int | str, nonce: str, body: bytes) -> bytes:
    return "\n".join(
        [method.upper(), path, str(timestamp), nonce, body_digest(body)]
    ).encode("utf-8")


def compute_signature(
    secret: str, method: str, path: str, timestamp: int | str, nonce: str, body: bytes
) -> str:
    mac = hmac.new(
        secret.encode("utf-8"), canonical_string(method, path, timestamp, nonce, body), "sha256"
    )
    return f"{SIGNATURE_VERSION}={mac.hexdigest()}"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def sign_request(
    *,
    key_id: str,
    secret: str,
    method: str,
    path: str,
    body: bytes = b"",
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers to add to a request. `path` must include the query string if there is one."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    nonce = nonce or new_nonce()
    return {
        KEY_ID_HEADER: key_id,
        TIMESTAMP_HEADER: str(ts),
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: compute_signature(secret, method, path, ts, nonce, body),
    }


def _get(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


def parse_headers(headers: Mapping[str, str]) -> SignedHeaders:
    """Read the four headers (case-insensitively for plain dicts) without checking them."""
    values = {name: _get(headers, name) for name in
              (KEY_ID_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER)}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise MissingHeaders(f"missing headers: {', '.join(missing)}")
    key_id = values[KEY_ID_HEADER] or ""
    nonce = values[NONCE_HEADER] or ""
    signature = values[SIGNATURE_HEADER] or ""
    if not _KEY_ID_RE.match(key_id):
        raise MalformedHeaders(f"{KEY_ID_HEADER} is malformed")
    if not _NONCE_RE.match(nonce):
        raise MalformedHeaders(f"{NONCE_HEADER} must be 16-128 characters of [A-Za-z0-9_-]")
    raw_ts = values[TIMESTAMP_HEADER] or ""
    if not raw_ts.isascii() or not raw_ts.isdigit() or len(raw_ts) > 12:
        raise MalformedHeaders(f"{TIMESTAMP_HEADER} must be Unix seconds")
    if not signature.startswith(f"{SIGNATURE_VERSION}="):
        raise MalformedHeaders(f"{SIGNATURE_HEADER} must start with '{SIGNATURE_VERSION}='")
    return SignedHeaders(key_id=key_id, timestamp=int(raw_ts), nonce=nonce, signature=signature)


def check_timestamp(timestamp: int, *, now: float | None = None,
                    window: int = DEFAULT_WINDOW_SECONDS) -> None:
    now = time.time() if now is None else now
    if abs(now - timestamp) > window:
        raise StaleTimestamp(f"timestamp is more than {window} s away from the server clock")


def verify_signature(
    signed: SignedHeaders, *, secret: str, method: str, path: str, body: bytes
) -> None:
    expected = compute_signature(secret, method, path, signed.timestamp, signed.nonce, body)
    if not hmac.compare_digest(expected.encode(), signed.signature.encode()):
        raise BadSignature("signature does not match")


def verify_request(
    headers: Mapping[str, str],
    *,
    secret: str,
    method: str,
    path: str,
    body: bytes,
    now: float | None = None,
    window: int = DEFAULT_WINDOW_SECONDS,
    expected_key_id: str | None = None,
) -> SignedHeaders:
    """All stateless checks in one call (for callback/webhook receivers).

    The caller must still reject a (key id, nonce) pair it has already accepted within the
    window, e.g. by remembering nonces for 2 x window seconds.
    """
    signed = parse_headers(headers)
    if expected_key_id is not None and signed.key_id != expected_key_id:
        raise BadSignature("unexpected key id")
    check_timestamp(signed.timestamp, now=now, window=window)
    verify_signature(signed, secret=secret, method=method, path=path, body=body)
    return signed
