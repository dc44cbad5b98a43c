"""Refuse request bodies over a size limit before anything parses or authenticates them (S11).

FastAPI reads and JSON-parses a body parameter (`POST /v1/cases`, `/ack`, …) before it runs
the dependency that checks the signature, so a size check inside that dependency comes after
the whole body was read and parsed. This ASGI middleware sits in front of every route: it
answers 413 at once when Content-Length is over the limit, and otherwise reads at most
`max_bytes` (+1) of the stream itself (chunked bodies carry no length), then hands the
buffered body to the app. The app never sees a body over the limit. Exchange bodies are small
JSON documents and bank-page forms, so buffering up to the limit costs nothing the app would
not spend anyway.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                await self.app(scope, _replay(chunks, receive, message), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(chunks, receive), send)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps({"error": "payload_too_large",
                           "message": f"request body over {self.max_bytes} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _replay(chunks: list[bytes], receive: Receive, final: Message | None = None) -> Receive:
    """A receive() that first returns the buffered body, then defers to the real one."""
    pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks),
                               "more_body": final is not None}]
    if final is not None:
        pending.append(final)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
