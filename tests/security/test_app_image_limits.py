"""S5: a decompression bomb is refused from its header, before a pixel is decoded."""

from __future__ import annotations

import io
import struct
import threading
import zlib

import pytest
from PIL import Image, ImageFile

from bot.conversation import evidence
from bot.conversation.evidence import ImageTooLarge, read_qr_texts, read_slip


def png_declaring(width: int, height: int) -> bytes:
    """A small, valid PNG whose header declares width x height 8-bit grey pixels of zeros
    (the bomb shape: ~50 KB of zlib that inflates to width*height bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" * (width + 1)  # filter byte + one row of zeros
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
            + chunk(b"IEND", b""))


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any image is decoded."""
    def refuse(self, *args, **kwargs):
        raise AssertionError(f"decoded an image of {self.size}")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)


def test_an_image_over_the_pixel_limit_is_not_decoded(no_decoding):
    bomb = png_declaring(9000, 5000)  # 45 MP, over the 40 MP default; ~45 KB on the wire
    assert len(bomb) < 200_000
    with pytest.raises(ImageTooLarge):
        read_qr_texts(bomb)
    assert read_slip(bomb) is None  # the engine keeps the file as evidence, unscanned


def test_pillow_own_bomb_guard_is_reported_as_too_large(no_decoding):
    with pytest.raises(ImageTooLarge):
        read_qr_texts(png_declaring(15000, 15000), max_pixels=10**12)


def test_images_under_the_limit_are_still_scanned():
    out = io.BytesIO()
    Image.new("L", (800, 600), 255).save(out, format="PNG")
    assert read_qr_texts(out.getvalue()) == []  # decoded and scanned: no QR on a blank page


def test_at_most_two_decodes_run_at_once(monkeypatch):
    """Parallel uploads cannot each hold a full-size decode at the same time."""
    running, peak, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def slow_scan(image, zxingcpp):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(timeout=1.0)  # hold the slot as a long decode would
        with lock:
            running[0] -= 1
        return []

    monkeypatch.setattr(evidence, "_scan", slow_scan)
    out = io.BytesIO()
    Image.new("L", (64, 64), 255).save(out, format="PNG")
    threads = [threading.Thread(target=read_qr_texts, args=(out.getvalue(),)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 2
