"""Evidence files (slips, screenshots) and what the engine learns from them.

Files are stored content-addressed under `<var_dir>/evidence/<sha[:2]>/<sha256>.<ext>`, so the
same screenshot sent twice is stored once. Images are scanned for QR codes; a Thai slip
mini-QR (bot.slip_qr) becomes a `transaction_ref` identifier on the conversation's open case.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.slip_qr import SlipQr, find_slip_qr
from bot.storage.models import Case, CaseEvent, CaseStatus, Evidence, Identifier

log = logging.getLogger(__name__)

MAX_EVIDENCE_BYTES = 15 * 1024 * 1024
_EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
    "application/pdf": ".pdf",
}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size_bytes: int
    path: Path
    content_type: str


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, data: bytes, content_type: str | None) -> StoredFile:
        if len(data) > MAX_EVIDENCE_BYTES:
            raise ValueError(f"evidence file too large ({len(data)} bytes)")
        content_type = content_type or sniff_content_type(data)
        digest = hashlib.sha256(data).hexdigest()
        path = self.root / digest[:2] / (digest + _EXTENSIONS.get(content_type, ".bin"))
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        return StoredFile(digest, len(data), path, content_type)


def sniff_content_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF"):
        return "application/pdf"
    return "application/octet-stream"


def read_qr_texts(image_bytes: bytes) -> list[str]:
    """Every QR code's text in an image (empty if none or not an image)."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(image_bytes))
        image.load()
    except (UnidentifiedImageError, OSError):
        return []
    image = image.convert("L")
    texts = [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    if not texts and max(image.size) > 2000:  # phone screenshots: retry at a friendlier size
        image.thumbnail((1600, 1600))
        texts = [r.text for r in zxingcpp.read_barcodes(image)]
    return texts


def read_slip(image_bytes: bytes) -> SlipQr | None:
    return find_slip_qr(read_qr_texts(image_bytes))


def open_case_of(session: Session, conversation_id: str) -> Case | None:
    """The conversation's newest case that is not closed."""
    return session.scalar(
        select(Case)
        .where(Case.conversation_id == conversation_id, Case.status != CaseStatus.CLOSED)
        .order_by(Case.created_at.desc())
        .limit(1)
    )


def attach_slip_to_case(
    session: Session, *, case: Case, evidence: Evidence, slip: SlipQr, actor: str = "bot"
) -> Identifier:
    """Record the slip's transaction reference and sending bank on the case (+ timeline)."""
    from bot.slip_qr import bank_short_name

    existing = session.scalar(
        select(Identifier).where(
            Identifier.case_id == case.id,
            Identifier.kind == "transaction_ref",
            Identifier.normalized_value == slip.transaction_ref,
        )
    )
    evidence.case_id = case.id
    if existing is not None:
        return existing
    identifier = Identifier(
        case_id=case.id,
        message_id=evidence.message_id,
        kind="transaction_ref",
        raw_text=slip.raw,
        normalized_value=slip.transaction_ref,
        bank_code=bank_short_name(slip.sending_bank_code) or slip.sending_bank_code,
        confidence=1.0 if slip.crc_valid else 0.5,
        source="slip_qr",
    )
    session.add(identifier)
    session.flush()
    session.add(CaseEvent(
        case_id=case.id, kind="slip_qr_attached", actor=actor,
        data={"evidence_id": evidence.id, "identifier_id": identifier.id,
              "sending_bank_code": slip.sending_bank_code, "crc_valid": slip.crc_valid},
    ))
    return identifier


def attach_pending_evidence(session: Session, *, case: Case, actor: str = "bot") -> int:
    """Give a new case the evidence its conversation sent before the case existed.

    For the cases service to call right after it opens a case; returns how many slips were
    attached as identifiers.
    """
    from bot.slip_qr import SlipQrError, parse_slip_qr

    pending = session.scalars(
        select(Evidence).where(
            Evidence.conversation_id == case.conversation_id, Evidence.case_id.is_(None)
        )
    ).all()
    attached = 0
    for evidence in pending:
        evidence.case_id = case.id
        if evidence.slip_qr:
            try:
                slip = parse_slip_qr(evidence.slip_qr["raw"])
            except (SlipQrError, KeyError):
                continue
            attach_slip_to_case(session, case=case, evidence=evidence, slip=slip, actor=actor)
            attached += 1
    return attached
