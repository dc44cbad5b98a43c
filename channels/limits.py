"""Limits on what strangers can send the app: body sizes, rates, open sockets.

- `BodyLimitMiddleware` (ASGI): a request body larger than its path's limit is refused with
  413 before it is read in full, and before any route authenticates it: by Content-Length when
  the client declares one, else while it streams in. Nothing is spooled past the limit.
- `RateLimiter`: a sliding-window counter per key (a visitor id, a client address).
- `ConnectionCounter`: open connections per key (WebSocket caps).

Counters live in the process (several replicas multiply the budgets by their number). Time is
read from an injectable monotonic clock, so tests replay any sequence.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

Clock = Callable[[], float]


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse HTTP bodies over `default` bytes (or `per_path[path]` for that exact path)."""

    def __init__(self, app, *, default: int, per_path: Mapping[str, int] | None = None) -> None:
        self.app, self.default, self.per_path = app, default, dict(per_path or {})

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope.get("path", ""), self.default)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send, limit)
            return
        received = 0
        started = refused = False

        async def limited_receive():
            nonlocal received, started, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # answer now: a route or form parser that catches the error below must not
                    # turn it into something else (FastAPI makes it a 400)
                    if not started:
                        started = refused = True
                        await _too_large(send, limit)
                    raise BodyTooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if refused:
                return  # we already answered 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            pass


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """At most `limit` events per key in any `window` seconds."""

    def __init__(self, limit: int, window: float, *, clock: Clock = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self.limit, self.window, self.clock, self.max_keys = limit, window, clock, max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) if it is over the limit."""
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.max_keys:
                    self._prune(now)
                events = self._events[key] = deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _prune(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]


class ConnectionCounter:
    """At most `limit` open connections per key: `acquire` before, `release` after."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> bool:
        with self._lock:
            if self._open.get(key, 0) >= self.limit:
                return False
            self._open[key] = self._open.get(key, 0) + 1
            return True

    def release(self, key: str) -> None:
        with self._lock:
            count = self._open.get(key, 0) - 1
            if count > 0:
                self._open[key] = count
            else:
                self._open.pop(key, None)


def client_ip(scope_or_conn) -> str:
    """The peer address (uvicorn's --proxy-headers puts the real client here behind a proxy)."""
    client = getattr(scope_or_conn, "client", None)
    if client is None and isinstance(scope_or_conn, dict):
        client = scope_or_conn.get("client")
    if not client:
        return "unknown"
    return client[0] if isinstance(client, (tuple, list)) else client.host
