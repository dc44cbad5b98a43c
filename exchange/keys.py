"""Agencies and their API keys.

A key is (key id, secret). Keys created here are *derived*: secret = HMAC-SHA256(master secret,
"api-key:" + key id), so the database holds no secret and a stolen database cannot sign.
Imported/seeded keys may be *stored* (the secret kept in the row) — used for development seeds
and for secrets issued elsewhere; avoid them in production.

Rotation without downtime: an agency may hold several active keys. Create the new key, switch
the client to it, then revoke the old one (or let it expire).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aoc_contract.banks import SHORT_CODES, bank_number
from exchange.models import Agency, ApiKey, utcnow
from exchange.schemas import Role
from exchange.settings import DEV_PLACEHOLDER_PREFIX

# The label of the keys `exchange.seed` creates for development (their secrets are public).
DEV_SEED_LABEL = "development seed (public secret)"


class KeyError_(Exception):
    pass


def derive(master_secret: str, purpose: str) -> str:
    mac = hmac.new(master_secret.encode(), purpose.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def key_secret(key: ApiKey, master_secret: str) -> str:
    if key.secret_mode == "stored" and key.stored_secret:
        return key.stored_secret
    return derive(master_secret, f"api-key:{key.key_id}")


def webhook_secret(master_secret: str, agency_code: str, version: int) -> str:
    return derive(master_secret, f"webhook:{agency_code}:{version}")


def key_is_active(key: ApiKey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if key.revoked_at is not None:
        return False
    return key.expires_at is None or key.expires_at > now


def is_development_key(key: ApiKey) -> bool:
    """A key whose secret is public: seeded for development, or stored with a dev-only secret."""
    return key.label == DEV_SEED_LABEL or (
        key.secret_mode == "stored"
        and (key.stored_secret or "").startswith(DEV_PLACEHOLDER_PREFIX))


def key_usable(key: ApiKey, *, development: bool, now: datetime | None = None) -> bool:
    """Active, and outside development not one of the public development keys (S9)."""
    return key_is_active(key, now) and (development or not is_development_key(key))


def revoke_development_keys(session: Session) -> list[str]:
    """Revoke every active development key; returns their ids (the caller commits).

    Run at start-up outside development: a database first used by a development start keeps
    the seeded keys, whose secrets are in the repository, and they must not open production.
    """
    revoked = []
    for key in session.scalars(select(ApiKey).where(ApiKey.revoked_at.is_(None))):
        if is_development_key(key):
            key.revoked_at = utcnow()
            revoked.append(key.key_id)
    return revoked


@dataclass(frozen=True)
class IssuedKey:
    agency_code: str
    role: str
    key_id: str
    secret: str
    expires_at: datetime | None


def get_or_create_agency(
    session: Session, *, code: str, role: Role, name: str | None = None,
    bank_code: str | None = None,
) -> Agency:
    code = code.upper()
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is not None:
        if agency.role != role.value:
            raise KeyError_(f"agency {code} exists with role {agency.role}, not {role.value}")
        return agency
    if role is Role.BANK:
        bank_code = bank_code or bank_number(code)
        if bank_code not in SHORT_CODES:
            raise KeyError_(
                f"bank agency {code}: unknown bank; use a short name such as KBANK or pass "
                f"the 3-digit bank code"
            )
    elif bank_code is not None:
        raise KeyError_("only bank agencies have a bank code")
    agency = Agency(code=code, role=role.value, name=name or code, bank_code=bank_code)
    session.add(agency)
    session.flush()
    return agency


def create_key(
    session: Session, *, agency: Agency, master_secret: str, lifetime_days: int | None,
    label: str = "", key_id: str | None = None, stored_secret: str | None = None,
) -> IssuedKey:
    key_id = key_id or f"{agency.code.lower()}-{secrets.token_hex(6)}"
    expires_at = utcnow() + timedelta(days=lifetime_days) if lifetime_days else None
    key = ApiKey(
        key_id=key_id, agency=agency, label=label, expires_at=expires_at,
        secret_mode="stored" if stored_secret else "derived", stored_secret=stored_secret,
    )
    session.add(key)
    session.flush()
    return IssuedKey(agency.code, agency.role, key_id, key_secret(key, master_secret), expires_at)


def revoke_key(session: Session, key_id: str) -> ApiKey:
    key = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
    if key is None:
        raise KeyError_(f"no key {key_id}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key
