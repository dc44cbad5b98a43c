"""Evidence files (slips, screenshots): storing, type sniffing, QR reading, deletion.

Files are stored content-addressed under `<var_dir>/evidence/<sha[:2]>/<sha256>.<ext>`, so the
same screenshot sent twice is stored once. Images are scanned for QR codes; what a Thai slip
mini-QR (bot.slip_qr) means for the case is recorded by `bot.cases.evidence`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.types import Attachment
from bot.slip_qr import SlipQr, find_slip_qr
from bot.cases.current import current_case
from bot.cases.evidence import add_evidence
from bot.storage.models import Evidence, Message

log = logging.getLogger(__name__)

MAX_EVIDENCE_BYTES = 15 * 1024 * 1024
EVIDENCE_EXTENSIONS = {
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
        content_type = stored_content_type(data, content_type)
        digest = hashlib.sha256(data).hexdigest()
        path = self.root / digest[:2] / (digest + EVIDENCE_EXTENSIONS.get(content_type, ".bin"))
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        return StoredFile(digest, len(data), path, content_type)


# Types we keep as declared by their bytes. Anything else is stored (and served) as
# application/octet-stream: a channel's declared type (LINE's content API, a browser's form
# field) is never trusted, so a file cannot come back to staff as HTML or SVG.
SAFE_IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


def stored_content_type(data: bytes, declared: str | None = None) -> str:
    """The type we record for a file: sniffed from its first bytes; `declared` is ignored."""
    return sniff_content_type(data)


def served_content_type(head: bytes) -> str:
    """The type a file is served with: an allow-listed image type or octet-stream."""
    sniffed = sniff_content_type(head)
    return sniffed if sniffed in SAFE_IMAGE_TYPES else "application/octet-stream"


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


# A phone screenshot is 3-5 MP and a scanned slip rarely over 25 MP; 40 MP decodes to at most
# 160 MB (RGBA). Anything larger is refused from its header, before a pixel is decoded: a
# ~650 KB PNG of zeros can declare 13000x13000 pixels (a decompression bomb).
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
# Decodes that may run at once, whatever thread pool calls us: bounds the memory of parallel
# uploads (each decode may hold max_pixels * 4 bytes) and keeps zxing from taking every core.
_DECODE_SLOTS = threading.BoundedSemaphore(2)


class ImageTooLarge(ValueError):
    """The image declares more pixels than we decode."""


def image_pixels(image_bytes: bytes) -> int | None:
    """Width x height from the image header only (None if it is not an image we can read)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image_bytes)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return width * height


def read_qr_texts(image_bytes: bytes, *,
                  max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> list[str]:
    """Every QR code's text in an image (empty if none or not an image).

    Raises ImageTooLarge for an image whose header declares more than `max_pixels`. Blocking
    and CPU-heavy: call it from a worker thread, never on the event loop.
    """
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(image_bytes))
    except Image.DecompressionBombError as exc:  # Pillow's own guard (2x its limit)
        raise ImageTooLarge(str(exc)) from None
    except (UnidentifiedImageError, OSError, ValueError):
        return []
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLarge(f"image of {width}x{height} pixels is over {max_pixels}")
    with _DECODE_SLOTS:
        try:
            image.load()
        except (OSError, ValueError, Image.DecompressionBombError):
            return []
        return _scan(image, zxingcpp)


def _scan(image, zxingcpp) -> list[str]:
    image = image.convert("L")
    texts = [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    if not texts and max(image.size) > 2000:  # phone screenshots: retry at a friendlier size
        image.thumbnail((1600, 1600))
        texts = [r.text for r in zxingcpp.read_barcodes(image)]
    return texts


def read_slip(image_bytes: bytes, *, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
              ) -> SlipQr | None:
    """The slip QR in an image; None if there is none or the image is too large to decode
    (the file is still stored as evidence: staff can open it)."""
    try:
        return find_slip_qr(read_qr_texts(image_bytes, max_pixels=max_pixels))
    except ImageTooLarge as exc:
        log.warning("QR scan skipped: %s", exc)
        return None


def delete_evidence(session: Session, evidence: Evidence) -> bool:
    """Delete an evidence row, and its file unless another row still points at it.

    Files are content-addressed: two victims who send the same screenshot share one file, so
    one victim's deletion must not take the other's evidence. Returns True if the file went.
    (A concurrent upload of the very same bytes between the check and the unlink can still
    lose its file; the console then answers 410 for it rather than serving anything wrong.)
    """
    path = evidence.storage_path
    session.delete(evidence)
    session.flush()
    still_used = session.scalar(
        select(Evidence.id).where(Evidence.storage_path == path).limit(1))
    if still_used is not None:
        return False
    try:
        Path(path).unlink(missing_ok=True)
    except OSError:
        log.warning("evidence file could not be removed")
        return False
    return True


# --- a message's files, from the channel to the case --------------------------------------------

@dataclass(frozen=True)
class SavedFile:
    """An attachment stored on disk, with its slip QR (as a dict) if it carried one."""

    index: int  # position in the message's attachments
    file: StoredFile
    slip: dict | None


def save_attachments(store: EvidenceStore, attachments: Sequence[Attachment],
                     slip_reader: Callable[[bytes], object] = read_slip) -> list[SavedFile]:
    """Store every attachment that has bytes, scanning images for a slip QR. Blocking."""
    saved = []
    for index, attachment in enumerate(attachments):
        if attachment.data is None:
            continue
        try:
            stored = store.save(attachment.data, attachment.content_type)
        except ValueError as exc:
            log.warning("attachment %d not stored: %s", index, exc)
            continue
        slip = None
        if stored.content_type.startswith("image/"):
            try:
                slip = slip_reader(attachment.data)
            except Exception:  # a broken image must not lose the message
                log.exception("QR scan failed on an attachment")
        saved.append(SavedFile(index, stored, slip.as_dict() if slip is not None else None))
    return saved


@dataclass
class RecordedEvidence:
    """What recording a message's files changed: evidence views, live case updates, the slip."""

    evidence: list[dict] = field(default_factory=list)
    case_events: list[dict] = field(default_factory=list)
    slip: dict | None = None  # the evidence view of the (last) slip in the message


def record_inbound_files(session: Session, *, message: Message, files: list[SavedFile]
                         ) -> RecordedEvidence:
    """Evidence rows for the saved files, on the conversation's open case if it has one (a
    file sent before any case is attached when the case opens: `bot.cases.evidence`)."""
    result = RecordedEvidence()
    if not files:
        return result
    case = current_case(session, conversation_id=message.conversation_id, open_only=True)
    attachments = [dict(a) for a in message.attachments or []]
    for saved in files:
        file = saved.file
        evidence = Evidence(
            conversation_id=message.conversation_id, message_id=message.id,
            content_type=file.content_type, sha256=file.sha256, size_bytes=file.size_bytes,
            storage_path=str(file.path), slip_qr=saved.slip)
        session.add(evidence)
        session.flush()
        attachments[saved.index].update({"evidence_id": evidence.id, "sha256": file.sha256,
                                         "size_bytes": file.size_bytes, "slip_qr": saved.slip})
        view = {"evidence_id": evidence.id, "sha256": file.sha256, "slip_qr": saved.slip,
                "case_id": case.id if case else None}
        result.evidence.append(view)
        if saved.slip:
            result.slip = view
        if case is not None:
            result.case_events.append(add_evidence(session, case=case, evidence=evidence))
    message.attachments = attachments  # a new list: the JSON column sees the change
    session.flush()
    return result
