"""A local stand-in for the LINE platform, for development, tests and benchmarks.

It plays both sides of LINE:
- the Messaging API the app calls (reply, push, loading animation, message content), with
  LINE's status codes and error bodies: reply tokens are single-use and expire (60 s by
  default, configurable), a bad access token gets 401, a reused `X-Line-Retry-Key` gets 409,
  more than five messages get 400;
- the webhook sender: correctly shaped and signed webhook events (`webhook_body`, `sign`,
  `text_event`, `image_event`, ...) posted to the app, as LINE would.

Run the app against it:

    SAKOT_LINE_CHANNEL_SECRET=dev-only-line-secret \\
    SAKOT_LINE_CHANNEL_ACCESS_TOKEN=dev-only-line-token \\
    SAKOT_LINE_API_BASE=http://127.0.0.1:8090 SAKOT_LINE_DATA_API_BASE=http://127.0.0.1:8090 \\
    .venv/bin/sakot serve
    .venv/bin/sakot line-sim --serve           # the simulator alone, in the foreground
    .venv/bin/sakot line-sim "โดนหลอกโอนเงินค่ะ"  # send a message, print the bot's answer

Control endpoints (not LINE's) live under `/_sim/`: issue reply tokens, upload content,
read the recorded calls, expire tokens, reset.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

DEFAULT_PORT = 8090
DEV_CHANNEL_SECRET = "dev-only-line-secret"
DEV_ACCESS_TOKEN = "dev-only-line-token"
BOT_USER_ID = "U" + "0" * 31 + "b"  # the "destination" of webhooks: the bot itself


# ---------------------------------------------------------------------- webhook side


def new_user_id() -> str:
    return "U" + uuid.uuid4().hex


def new_event_id() -> str:
    return uuid.uuid4().hex.upper()[:26]  # ULID-like, as LINE's webhookEventId


def new_message_id() -> str:
    return str(secrets.randbelow(10**17) + 10**17)


def new_reply_token() -> str:
    return uuid.uuid4().hex


def sign(body: bytes, channel_secret: str) -> str:
    """The X-Line-Signature LINE would send: base64(HMAC-SHA256(secret, raw body))."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _event(kind: str, user_id: str, reply_token: str | None, *, redelivery: bool = False,
           event_id: str | None = None, **extra) -> dict:
    event = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id or new_event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
        **extra,
    }
    if reply_token:
        event["replyToken"] = reply_token
    return event


def text_event(user_id: str, text: str, reply_token: str | None, **kw) -> dict:
    message = {"type": "text", "id": kw.pop("message_id", None) or new_message_id(),
               "quoteToken": uuid.uuid4().hex, "text": text}
    return _event("message", user_id, reply_token, message=message, **kw)


def image_event(user_id: str, message_id: str, reply_token: str | None, **kw) -> dict:
    message = {"type": "image", "id": message_id, "quoteToken": uuid.uuid4().hex,
               "contentProvider": {"type": "line"}}
    return _event("message", user_id, reply_token, message=message, **kw)


def file_event(user_id: str, message_id: str, file_name: str, file_size: int,
               reply_token: str | None, **kw) -> dict:
    message = {"type": "file", "id": message_id, "fileName": file_name, "fileSize": file_size}
    return _event("message", user_id, reply_token, message=message, **kw)


def sticker_event(user_id: str, reply_token: str | None, **kw) -> dict:
    message = {"type": "sticker", "id": new_message_id(), "quoteToken": uuid.uuid4().hex,
               "stickerId": "52002738", "packageId": "11537",
               "stickerResourceType": "ANIMATION", "keywords": ["thanks", "ok"]}
    return _event("message", user_id, reply_token, message=message, **kw)


def location_event(user_id: str, reply_token: str | None, **kw) -> dict:
    message = {"type": "location", "id": new_message_id(), "title": "ตำแหน่งของฉัน",
               "address": "ถนนพระราม 1 ปทุมวัน กรุงเทพมหานคร", "latitude": 13.7466,
               "longitude": 100.5393}
    return _event("message", user_id, reply_token, message=message, **kw)


def follow_event(user_id: str, reply_token: str | None, **kw) -> dict:
    return _event("follow", user_id, reply_token, follow={"isUnblocked": False}, **kw)


def unfollow_event(user_id: str, **kw) -> dict:
    return _event("unfollow", user_id, None, **kw)


def postback_event(user_id: str, data: str, reply_token: str | None, **kw) -> dict:
    return _event("postback", user_id, reply_token, postback={"data": data}, **kw)


def webhook_body(events: list[dict], destination: str = BOT_USER_ID) -> bytes:
    return json.dumps({"destination": destination, "events": events},
                      ensure_ascii=False).encode()


# ---------------------------------------------------------------------- Messaging API side


@dataclass
class _Token:
    user_id: str | None
    issued_at: float
    used: bool = False
    expired: bool = False


@dataclass
class SimulatorState:
    access_token: str
    reply_token_ttl: float
    calls: list[dict] = field(default_factory=list)
    tokens: dict[str, _Token] = field(default_factory=dict)
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    retry_keys: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, **data) -> dict:
        with self.lock:
            call = {"seq": len(self.calls) + 1, "kind": kind, "at": time.time(), **data}
            self.calls.append(call)
            return call


def _error(status: int, message: str, details: list[dict] | None = None,
           headers: dict | None = None) -> JSONResponse:
    body: dict = {"message": message}
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status, headers=headers)


def _validate_messages(messages) -> JSONResponse | None:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return _error(400, "The request body has 1 error(s)",
                      [{"message": "Size must be between 1 and 5", "property": "messages"}])
    details = []
    for i, message in enumerate(messages):
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "text" and not message.get("text"):
            details.append({"message": "May not be empty", "property": f"messages[{i}].text"})
        elif kind == "text" and len(message["text"]) > 5000:
            details.append({"message": "Length must be between 0 and 5000",
                            "property": f"messages[{i}].text"})
        elif kind == "flex" and not (message.get("altText") and message.get("contents")):
            details.append({"message": "May not be empty", "property": f"messages[{i}].altText"})
        elif kind not in ("text", "flex", "image", "sticker", "template"):
            details.append({"message": "Must be one of the following values: [text, image, "
                                       "video, audio, location, sticker, template, imagemap, "
                                       "flex]", "property": f"messages[{i}].type"})
        quick = message.get("quickReply") if isinstance(message, dict) else None
        if quick and len(quick.get("items", [])) > 13:
            details.append({"message": "Size must be between 1 and 13",
                            "property": f"messages[{i}].quickReply.items"})
    if details:
        return _error(400, f"The request body has {len(details)} error(s)", details)
    return None


def create_simulator(*, access_token: str = DEV_ACCESS_TOKEN,
                     reply_token_ttl: float = 60.0) -> FastAPI:
    state = SimulatorState(access_token=access_token, reply_token_ttl=reply_token_ttl)
    app = FastAPI(title="LINE platform simulator (Sakot dev)")
    app.state.sim = state

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {state.access_token}"

    unauthorised = lambda: _error(  # noqa: E731
        401, "Authentication failed. Confirm that the access token in the authorization "
             "header is valid.")

    @app.post("/v2/bot/message/reply")
    async def reply(request: Request):
        if not authorised(request):
            return unauthorised()
        body = await request.json()
        token_value = body.get("replyToken") or ""
        if invalid := _validate_messages(body.get("messages")):
            return invalid
        with state.lock:
            token = state.tokens.get(token_value)
            ok = (token is not None and not token.used and not token.expired
                  and time.time() - token.issued_at <= state.reply_token_ttl)
            if token is not None:
                token.used = True
        if not ok:
            state.record("reply_rejected", reply_token=token_value,
                         to=token.user_id if token else None, messages=body.get("messages"))
            return _error(400, "Invalid reply token")
        state.record("reply", reply_token=token_value, to=token.user_id,
                     messages=body["messages"])
        return JSONResponse({"sentMessages": [
            {"id": new_message_id(), "quoteToken": uuid.uuid4().hex}
            for _ in body["messages"]]})

    @app.post("/v2/bot/message/push")
    async def push(request: Request):
        if not authorised(request):
            return unauthorised()
        body = await request.json()
        retry_key = request.headers.get("x-line-retry-key")
        if retry_key is not None:
            try:
                uuid.UUID(retry_key)
            except ValueError:
                return _error(400, "The value for the 'X-Line-Retry-Key' header is invalid")
            with state.lock:
                accepted = state.retry_keys.get(retry_key)
            if accepted:
                return _error(409, "The retry key is already accepted",
                              headers={"x-line-accepted-request-id": accepted})
        if not str(body.get("to", "")).startswith(("U", "C", "R")):
            return _error(400, "The request body has 1 error(s)",
                          [{"message": "Invalid to", "property": "to"}])
        if invalid := _validate_messages(body.get("messages")):
            return invalid
        request_id = uuid.uuid4().hex
        if retry_key is not None:
            with state.lock:
                state.retry_keys[retry_key] = request_id
        state.record("push", to=body["to"], messages=body["messages"], retry_key=retry_key)
        return JSONResponse({"sentMessages": [
            {"id": new_message_id(), "quoteToken": uuid.uuid4().hex}
            for _ in body["messages"]]}, headers={"x-line-request-id": request_id})

    @app.post("/v2/bot/chat/loading/start")
    async def loading(request: Request):
        if not authorised(request):
            return unauthorised()
        body = await request.json()
        seconds = body.get("loadingSeconds", 20)
        if not isinstance(seconds, int) or seconds % 5 or not 5 <= seconds <= 60:
            return _error(400, "The request body has 1 error(s)",
                          [{"message": "Must be a multiple of 5 between 5 and 60",
                            "property": "loadingSeconds"}])
        state.record("loading", to=body.get("chatId"), seconds=seconds)
        return JSONResponse({}, status_code=202)

    @app.get("/v2/bot/message/{message_id}/content")
    async def content(message_id: str, request: Request):
        if not authorised(request):
            return unauthorised()
        item = state.contents.get(message_id)
        if item is None:
            return _error(404, "Not found")
        state.record("content", message_id=message_id)
        return Response(item[0], media_type=item[1])

    # ---- control endpoints (not part of LINE) --------------------------------------
    @app.get("/_sim/health")
    async def health():
        return {"status": "ok", "reply_token_ttl": state.reply_token_ttl}

    @app.post("/_sim/tokens")
    async def issue_token(request: Request):
        body = await request.json() if await request.body() else {}
        token = new_reply_token()
        with state.lock:
            state.tokens[token] = _Token(user_id=body.get("user_id"), issued_at=time.time())
        return {"reply_token": token}

    @app.post("/_sim/tokens/{token}/expire")
    async def expire_token(token: str):
        with state.lock:
            if token in state.tokens:
                state.tokens[token].expired = True
        return {"expired": token}

    @app.post("/_sim/content")
    async def upload(request: Request):
        message_id = new_message_id()
        state.contents[message_id] = (
            await request.body(), request.headers.get("content-type", "image/jpeg"))
        return {"message_id": message_id}

    @app.get("/_sim/calls")
    async def calls(after: int = 0, to: str | None = None):
        with state.lock:
            found = [c for c in state.calls
                     if c["seq"] > after and (to is None or c.get("to") == to)]
        return {"calls": found, "last_seq": len(state.calls)}

    @app.post("/_sim/reset")
    async def reset():
        with state.lock:
            state.calls.clear()
            state.tokens.clear()
            state.retry_keys.clear()
            state.contents.clear()
        return {"reset": True}

    return app


class SimulatorServer:
    """The simulator on a real socket, in a background thread (CLI, tests, benchmarks)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 access_token: str = DEV_ACCESS_TOKEN, reply_token_ttl: float = 60.0) -> None:
        import uvicorn

        self.app = create_simulator(access_token=access_token, reply_token_ttl=reply_token_ttl)
        self.url = f"http://{host}:{port}"
        config = uvicorn.Config(self.app, host=host, port=port, log_level="warning",
                                log_config=None, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="line-sim", daemon=True)

    @property
    def state(self) -> SimulatorState:
        return self.app.state.sim

    def start(self, timeout: float = 10.0) -> SimulatorServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"LINE simulator did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def rendered_text(message: dict) -> str:
    """How a LINE message would read in the chat, as plain text (for the CLI)."""
    if message.get("type") == "flex":
        return "[การ์ด] " + message.get("altText", "")
    text = message.get("text", f"[{message.get('type')}]")
    quick = message.get("quickReply", {}).get("items", [])
    if quick:
        text += "\n  " + "  ".join(f"[{i['action'].get('label')}]" for i in quick)
    return text
