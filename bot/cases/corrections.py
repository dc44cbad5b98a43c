"""Staff corrections of what the victim told us.

A correction never overwrites: the new identifier supersedes the old one, both stay on record,
and the change is on the case timeline and in the audit log (it can change where a freeze
request goes). Whether this staff member may correct this chat is `bot.desk.authorize`'s call.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import audit
from bot.cases.events import IdentifierCorrected
from bot.cases.timeline import record
from bot.storage.models import Case, Identifier, StaffUser

_DIGITS_ONLY = ("account", "phone", "promptpay_id", "national_id")


def correct_identifier(session: Session, *, identifier_id: str, staff: StaffUser,
                       value: str, bank_code: str | None, role: str | None) -> Identifier:
    """A correction is a new identifier that supersedes the old one; both stay on record."""
    old = session.get(Identifier, identifier_id)
    if old is None:
        raise LookupError("no such identifier")
    value = value.strip()
    if not value:
        raise ValueError("empty value")
    if old.kind in _DIGITS_ONLY:
        value = "".join(ch for ch in value if ch.isdigit()) or value
    new = Identifier(case_id=old.case_id, message_id=old.message_id, kind=old.kind,
                     raw_text=value, normalized_value=value,
                     bank_code=(bank_code or old.bank_code), role=(role or old.role),
                     confidence=1.0, source="staff")
    session.add(new)
    session.flush()
    old.superseded_by_id = new.id
    actor = f"staff:{staff.id}"
    record(session, case=session.get(Case, old.case_id), actor=actor, event=IdentifierCorrected(
        identifier_id=old.id, new_identifier_id=new.id, identifier_kind=old.kind,
        bank=new.bank_code, role=str(new.role)))
    audit.record(session, actor=actor, action="correct_identifier",
                 target_type="identifier", target_id=old.id, data={"new": new.id})
    return new
