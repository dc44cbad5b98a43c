"""Evidence on a case: a file the victim sent, and what a transfer slip's QR tells us.

A slip is recorded once, by `record_slip`, where it first meets its case: when the file
arrives on an open case (the app, `add_evidence`), or when the case opens after the file
(`attach_pending_evidence`). Its transaction reference becomes a `transaction_ref`
identifier and its sending bank the victim's bank (if we did not know it). The dialogue only
acknowledges it; it records a slip itself only when one reaches it without an evidence row
(Rasa's REST channel used directly: `record_dialogue_slip`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.events import CaseEventKind, EvidenceAdded, SlipQrAttached, VictimBankSet
from bot.cases.timeline import BOT, record
from bot.slip_qr import SlipQrError, bank_short_name, parse_slip_qr
from bot.storage.models import Case, Evidence, Identifier, IdentifierRole, Message


def add_evidence(session: Session, *, case: Case, evidence: Evidence, actor: str = "user"
                 ) -> dict:
    """Attach a newly stored file to the case; returns the live `case_updated` data."""
    evidence.case_id = case.id
    record(session, case=case, actor=actor,
           event=EvidenceAdded(evidence_id=evidence.id, sha256=evidence.sha256))
    identifier = record_slip(session, case=case, slip=evidence.slip_qr, evidence=evidence,
                             actor=actor)
    if identifier is None:
        return {"case_id": case.id, "case_number": case.case_number,
                "change": CaseEventKind.EVIDENCE_ADDED.value, "evidence_id": evidence.id}
    return {"case_id": case.id, "case_number": case.case_number,
            "change": CaseEventKind.SLIP_QR_ATTACHED.value,
            "identifier_id": identifier.id, "evidence_id": evidence.id,
            "sending_bank_code": evidence.slip_qr.get("sending_bank_code")}


def attach_pending_evidence(session: Session, *, case: Case, actor: str = BOT) -> int:
    """Give a new case the evidence its conversation sent before the case existed.

    The cases service calls it right after it opens a case; returns how many slips were
    attached as identifiers.
    """
    pending = session.scalars(select(Evidence).where(
        Evidence.conversation_id == case.conversation_id, Evidence.case_id.is_(None))).all()
    attached = 0
    for evidence in pending:
        evidence.case_id = case.id
        if record_slip(session, case=case, slip=evidence.slip_qr, evidence=evidence,
                       actor=actor) is not None:
            attached += 1
    return attached


def record_dialogue_slip(session: Session, *, case: Case, slip: dict,
                         message_id: str | None) -> None:
    """A slip the dialogue was told about (message metadata). One the app stored has an
    evidence row and was (or will be, when the case opens) recorded from it: nothing to do."""
    if not slip.get("evidence_id"):
        stored = message_id if message_id and session.get(Message, message_id) else None
        record_slip(session, case=case, slip=slip, message_id=stored)


def record_slip(session: Session, *, case: Case, slip: dict | None,
                evidence: Evidence | None = None, message_id: str | None = None,
                actor: str = BOT) -> Identifier | None:
    """The slip's transaction reference (and sending bank) on the case, once per reference.

    ``slip``: `SlipQr.as_dict()` as stored on the evidence (its ``raw`` QR text is read
    again), or the same keys from the dialogue's metadata. Returns the identifier, or None
    when ``slip`` carries no readable reference."""
    slip = _slip_fields(slip)
    ref = str(slip.get("transaction_ref") or "")
    if not ref:
        return None
    if evidence is not None:
        evidence.case_id = case.id
    existing = session.scalar(select(Identifier).where(
        Identifier.case_id == case.id, Identifier.kind == "transaction_ref",
        Identifier.normalized_value == ref))
    if existing is not None:
        return existing
    number = str(slip.get("sending_bank_code") or "").zfill(3)
    bank = bank_short_name(number)
    identifier = Identifier(
        case_id=case.id, message_id=evidence.message_id if evidence else message_id,
        kind="transaction_ref", raw_text=str(slip.get("raw") or ref), normalized_value=ref,
        bank_code=bank or slip.get("sending_bank_code"), role=IdentifierRole.UNKNOWN,
        confidence=0.5 if slip.get("crc_valid") is False else 1.0, source="slip_qr")
    session.add(identifier)
    session.flush()
    record(session, case=case, actor=actor, event=SlipQrAttached(
        evidence_id=evidence.id if evidence else None, identifier_id=identifier.id,
        sending_bank_code=slip.get("sending_bank_code"), crc_valid=slip.get("crc_valid")))
    if bank and not case.victim_bank:  # the slip is the victim's own: it names their bank
        record(session, case=case, actor=actor, event=VictimBankSet(
            before=None, after=bank, message_id=identifier.message_id, source="slip_qr"))
        case.victim_bank = bank
    return identifier


def _slip_fields(slip: dict | None) -> dict:
    """The slip's fields, from its QR text when we have it (the text is the evidence)."""
    if not slip:
        return {}
    if not slip.get("raw"):
        return slip
    try:
        return parse_slip_qr(slip["raw"]).as_dict()
    except SlipQrError:
        return {}
