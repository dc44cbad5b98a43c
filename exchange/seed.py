"""Development agencies and keys, created on first start when SAKOT_ENV=development.

DEVELOPMENT ONLY. The secrets below are public (they are in the repository and README); they
start with "dev-only-" and the exchange never seeds them in any other environment. The Sakot
key matches Sakot's own development default (SAKOT_EXCHANGE_KEY_ID / SAKOT_EXCHANGE_API_SECRET).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange.keys import DEV_SEED_LABEL, create_key, get_or_create_agency
from exchange.models import Agency
from exchange.schemas import Role

# (agency code, role, display name, key id, secret)
DEV_AGENCIES: list[tuple[str, Role, str, str, str]] = [
    ("SAKOT", Role.REPORTER, "Sakot bot", "sakot-dev", "dev-only-exchange-api-secret"),
    ("AOC", Role.AOC, "AOC 1441 operators", "aoc-dev", "dev-only-aoc-secret"),
    ("CCIB", Role.POLICE, "Cyber Crime Investigation Bureau", "ccib-dev", "dev-only-ccib-secret"),
    ("DSI", Role.DSI, "Department of Special Investigation", "dsi-dev", "dev-only-dsi-secret"),
    ("AMLO", Role.AMLO, "Anti-Money Laundering Office", "amlo-dev", "dev-only-amlo-secret"),
    ("NBTC", Role.NBTC, "NBTC", "nbtc-dev", "dev-only-nbtc-secret"),
    ("KBANK", Role.BANK, "", "kbank-dev", "dev-only-kbank-secret"),
    ("SCB", Role.BANK, "", "scb-dev", "dev-only-scb-secret"),
    ("BBL", Role.BANK, "", "bbl-dev", "dev-only-bbl-secret"),
    ("KTB", Role.BANK, "", "ktb-dev", "dev-only-ktb-secret"),
    ("BAY", Role.BANK, "", "bay-dev", "dev-only-bay-secret"),
    ("TTB", Role.BANK, "", "ttb-dev", "dev-only-ttb-secret"),
    ("GSB", Role.BANK, "", "gsb-dev", "dev-only-gsb-secret"),
]

DEV_SECRETS = {key_id: secret for _c, _r, _n, key_id, secret in DEV_AGENCIES}


def dev_key_for(agency_code: str) -> tuple[str, str]:
    for code, _role, _name, key_id, secret in DEV_AGENCIES:
        if code == agency_code.upper():
            return key_id, secret
    raise LookupError(f"no development key for {agency_code}")


def seed_development(session: Session, *, master_secret: str) -> bool:
    """Create the development agencies and keys if the database has no agency yet."""
    if session.scalar(select(func.count()).select_from(Agency)):
        return False
    for code, role, name, key_id, secret in DEV_AGENCIES:
        agency = get_or_create_agency(session, code=code, role=role, name=name or None)
        create_key(session, agency=agency, master_secret=master_secret, lifetime_days=None,
                   label=DEV_SEED_LABEL, key_id=key_id,
                   stored_secret=secret)
    session.commit()
    return True
