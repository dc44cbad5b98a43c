"""The audit log: who saw or changed what, and why. Append-only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.storage.models import AuditLog


def record(session: Session, *, actor: str, action: str, target_type: str, target_id: str,
           reason: str | None = None, data: dict | None = None) -> AuditLog:
    entry = AuditLog(actor=actor, action=action, target_type=target_type,
                     target_id=str(target_id), reason=reason, data=data or {})
    session.add(entry)
    return entry
