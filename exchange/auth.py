"""Request authentication: API key + HMAC signature + replay protection.

Order of checks: headers present and well-formed → key exists, not revoked, not expired,
agency active → timestamp inside the window → signature matches → (key id, nonce) never seen
(stored, so a replay inside the window fails; older replays fail the timestamp check).
Every rejection is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from aoc_contract import signing
from exchange.keys import key_is_active, key_secret, key_usable
from exchange.models import ApiKey, UsedNonce, utcnow
from exchange.policy import Principal
from exchange.schemas import Role
from exchange.services import audit
from exchange.settings import ExchangeSettings


@dataclass
class AuthError(Exception):
    reason: str
    message: str
    key_id: str | None = None


def request_target(scope: dict) -> str:
    """The path exactly as the client sent it, plus '?query' when there is one."""
    raw = scope.get("raw_path") or scope["path"].encode()
    path = raw.decode("latin-1")
    query = scope.get("query_string") or b""
    return f"{path}?{query.decode('latin-1')}" if query else path


def authenticate(
    session_factory: sessionmaker[Session], settings: ExchangeSettings, *,
    headers, method: str, target: str, body: bytes, now: float | None = None,
) -> Principal:
    key_id: str | None = headers.get(signing.KEY_ID_HEADER)
    try:
        signed = signing.parse_headers(headers)
        key_id = signed.key_id
        with session_factory() as session:
            key = session.scalar(select(ApiKey).where(ApiKey.key_id == signed.key_id)
                                 .options(selectinload(ApiKey.agency)))
            if key is None or not key.agency.active:
                raise AuthError("unknown_key", "unknown API key", key_id)
            if key.revoked_at is not None:
                raise AuthError("key_revoked", "this API key was revoked", key_id)
            if not key_is_active(key):
                raise AuthError("key_expired", "this API key has expired", key_id)
            if not key_usable(key, development=settings.is_development):
                raise AuthError("development_key",
                                "development keys are refused outside development", key_id)
            signing.check_timestamp(signed.timestamp, now=now,
                                    window=settings.replay_window_seconds)
            signing.verify_signature(signed, secret=key_secret(
                key, settings.master_secret.get_secret_value()), method=method, path=target,
                body=body)
            principal = Principal(
                agency_id=key.agency.id, agency_code=key.agency.code,
                agency_name=key.agency.name, role=Role(key.agency.role),
                bank_code=key.agency.bank_code, key_id=key.key_id)
            session.add(UsedNonce(key_id=key.key_id, nonce=signed.nonce, seen_at=utcnow()))
            key.last_used_at = utcnow()
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise AuthError("replayed_request", "this nonce was already used", key_id)
            return principal
    except signing.SignatureError as exc:
        error = AuthError(exc.reason, str(exc), key_id)
    except AuthError as exc:
        error = exc
    record_auth_failure(session_factory, error, method=method, target=target)
    raise error


def record_auth_failure(session_factory: sessionmaker[Session], error: AuthError, *,
                        method: str, target: str) -> None:
    with session_factory() as session:
        audit(session, principal=None, action="auth", outcome="rejected",
              key_id=(error.key_id or "")[:64] or None,
              detail={"reason": error.reason, "method": method, "path": target[:300]})
        session.commit()
