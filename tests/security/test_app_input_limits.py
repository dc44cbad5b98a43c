"""S11/S12 and issue item 9 on the app: bodies are refused past their limit before anything
reads or authenticates them, the widget's uploads, messages and sockets are limited per visitor
and per address, and the visitor id (the chat's credential) never travels in a URL."""

from __future__ import annotations

import io
import json
import re
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageFile
from starlette.websockets import WebSocketDisconnect

from sakot.app import create_app
from sakot.settings import Settings

WIDGET_JS = Path(__file__).resolve().parents[2] / "channels" / "web" / "static" / "widget.js"


def make_client(tmp_path, **limits) -> TestClient:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", var_dir=tmp_path,
                        rasa_url="http://127.0.0.1:9", redis_url=None,
                        line_channel_secret=None, line_channel_access_token=None, **limits)
    return TestClient(create_app(settings))


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def png(width: int = 64, height: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, format="PNG")
    return out.getvalue()


def visitor() -> str:
    return "v" + uuid.uuid4().hex


# ---------------------------------------------------------------- bodies before authentication

def test_callback_body_over_the_limit_is_refused_from_its_length(client):
    response = client.post("/exchange/callback", content=b"x" * (1024 * 1024 + 1),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413  # not 401: refused before the signature is checked


def test_streamed_body_without_length_is_cut_at_the_limit(client):
    def chunks():
        for _ in range(64):  # 4 MiB offered, in 64 KiB pieces, no Content-Length
            yield b"x" * 65536

    response = client.post("/exchange/callback", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_streamed_upload_over_its_limit_is_answered_413(tmp_path):
    boundary = "sakotboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"visitor\"\r\n\r\n"
            f"{visitor()}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").encode()

    def body():  # no Content-Length: the limit is found while the parser streams it
        yield head
        for _ in range(16):
            yield b"0" * 65536

    with make_client(tmp_path, upload_max_bytes=100_000) as c:
        response = c.post("/web/upload", content=body(), headers={
            "content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413  # not the form parser's 400


def test_upload_over_its_limit_is_refused_before_it_is_spooled(tmp_path):
    with make_client(tmp_path, upload_max_bytes=100_000) as c:
        response = c.post("/web/upload", data={"visitor": visitor()},
                          files={"file": ("big.png", b"\x89PNG" + b"0" * 300_000, "image/png")})
    assert response.status_code == 413


# ---------------------------------------------------------------- uploads

def test_upload_of_an_image_over_the_pixel_limit_is_refused(tmp_path):
    with make_client(tmp_path, image_max_pixels=1_000_000) as c:
        response = c.post("/web/upload", data={"visitor": visitor()},
                          files={"file": ("huge.png", png(1200, 1000), "image/png")})
        small = c.post("/web/upload", data={"visitor": visitor()},
                       files={"file": ("slip.png", png(), "image/png")})
    assert response.status_code == 413 and "รูปภาพมีขนาดใหญ่เกินไป" in response.json()["detail"]
    assert small.status_code == 202


def test_uploads_are_limited_per_visitor_and_per_address(tmp_path):
    with make_client(tmp_path, uploads_per_visitor_per_hour=2, uploads_per_ip_per_hour=3) as c:
        one = visitor()
        codes = [c.post("/web/upload", data={"visitor": one},
                        files={"file": ("s.png", png(), "image/png")}).status_code
                 for _ in range(3)]
        assert codes == [202, 202, 429]
        other = c.post("/web/upload", data={"visitor": visitor()},
                       files={"file": ("s.png", png(), "image/png")})
        assert other.status_code == 202  # a new visitor, same address: the third upload
        last = c.post("/web/upload", data={"visitor": visitor()},
                      files={"file": ("s.png", png(), "image/png")})
        assert last.status_code == 429  # the address's budget is spent


# ---------------------------------------------------------------- the widget socket

def hello(ws, who: str) -> dict:
    ws.send_text(json.dumps({"type": "hello", "visitor": who}))
    return ws.receive_json()


def test_the_visitor_id_comes_in_the_first_frame_not_the_url(client):
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(
            f"/web/ws?visitor={visitor()}") as ws:
        ws.send_text(json.dumps({"type": "message", "text": "สวัสดี"}))
        ws.receive_json()
    assert closed.value.code == 4400
    with client.websocket_connect("/web/ws") as ws:
        assert hello(ws, visitor())["type"] == "hello"


def test_a_frame_over_the_size_limit_closes_the_socket(tmp_path):
    with make_client(tmp_path, web_ws_max_message_bytes=2048) as c, pytest.raises(
            WebSocketDisconnect) as closed, c.websocket_connect("/web/ws") as ws:
        hello(ws, visitor())
        ws.send_text(json.dumps({"type": "message", "text": "ก" * 2000}))  # ~6 KB of UTF-8
        while True:
            ws.receive_json()
    assert closed.value.code == 1009


def test_messages_are_limited_per_visitor_without_losing_them(tmp_path):
    with make_client(tmp_path, web_messages_per_visitor_per_minute=3) as c, c.websocket_connect(
            "/web/ws") as ws:
        hello(ws, visitor())
        ids = [f"c{i}" for i in range(5)]
        for client_id in ids:
            ws.send_text(json.dumps({"type": "message", "text": "ถูกหลอกค่ะ",
                                     "client_id": client_id}))
        refused = []
        while len(refused) < 2:
            frame = ws.receive_json()
            if frame["type"] == "error":
                refused.append(frame)
    assert [f["client_id"] for f in refused] == ids[3:]
    assert all(f["retry_after"] > 0 for f in refused)  # the widget sends them again later


def test_open_sockets_per_address_are_capped(tmp_path):
    with make_client(tmp_path, web_ws_connections_per_ip=2) as c:
        with c.websocket_connect("/web/ws") as first, c.websocket_connect("/web/ws") as second:
            hello(first, visitor())
            hello(second, visitor())
            with pytest.raises(WebSocketDisconnect) as closed, c.websocket_connect(
                    "/web/ws") as third:
                third.send_text(json.dumps({"type": "hello", "visitor": visitor()}))
                third.receive_json()
            assert closed.value.code == 1013
        with c.websocket_connect("/web/ws") as again:  # closed sockets free their place
            assert hello(again, visitor())["type"] == "hello"


def test_new_sockets_per_address_are_rate_limited(tmp_path):
    with make_client(tmp_path, web_ws_connects_per_ip_per_minute=3) as c:
        for _ in range(3):
            with c.websocket_connect("/web/ws") as ws:
                hello(ws, visitor())
        with pytest.raises(WebSocketDisconnect) as closed, c.websocket_connect("/web/ws") as ws:
            hello(ws, visitor())
        assert closed.value.code == 1013


# ---------------------------------------------------------------- the widget script

def test_widget_never_puts_the_visitor_id_in_a_url_or_uses_math_random():
    source = WIDGET_JS.read_text(encoding="utf-8")
    code = re.sub(r"^\s*//.*$", "", source, flags=re.MULTILINE)
    assert "Math.random" not in code
    assert "getRandomValues" in code
    assert "?visitor=" not in code
    assert re.search(r"SakotWidget\s*=\s*\{[^}]*visitor", code) is None  # no accessor


def test_the_engine_scans_images_with_the_configured_pixel_limit(tmp_path, monkeypatch):
    """LINE images reach the engine without the upload route: the setting applies there too."""
    with make_client(tmp_path, image_max_pixels=1_000_000) as c:
        reader = c.app.state.conversation_runtime.engine.slip_reader
        image = png(1200, 1000)

        def refuse(self, *args, **kwargs):
            raise AssertionError("decoded an image over the configured limit")

        monkeypatch.setattr(Image.Image, "load", refuse)
        monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
        assert reader(image) is None
