"""S11: an oversized body is refused before the exchange reads it all, parses or verifies it.

Driven at the ASGI level with a body that arrives in chunks, so the test can count how much
of it the exchange pulled from the client before it answered.
"""

from __future__ import annotations

import pytest

from exchange.api import MAX_BODY_BYTES

CHUNK = 256 * 1024
CHUNKS = 40  # 10 MiB offered


@pytest.fixture
def db_url(sqlite_db_url):
    return sqlite_db_url


async def call(app, path: str, *, declared_length: int | None, chunks: int = CHUNKS):
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        if pulled < chunks:
            pulled += 1
            return {"type": "http.request", "body": b"{" * CHUNK, "more_body": pulled < chunks}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    headers = [(b"content-type", b"application/json"), (b"idempotency-key", b"k-1"),
               (b"host", b"exchange")]
    if declared_length is not None:
        headers.append((b"content-length", str(declared_length).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8100)}
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, pulled


@pytest.mark.parametrize("path", ["/v1/cases", "/v1/freeze-requests/fr_x/ack",
                                  "/v1/banks/KBANK/webhook"])
async def test_chunked_oversized_body_is_cut_off_at_the_limit(app, path):
    status, pulled = await call(app, path, declared_length=None)
    assert status == 413
    assert pulled * CHUNK <= MAX_BODY_BYTES + CHUNK  # stopped reading just past the limit
    assert pulled < CHUNKS


async def test_declared_oversized_body_is_refused_without_reading_it(app):
    status, pulled = await call(app, "/v1/cases", declared_length=CHUNK * CHUNKS)
    assert (status, pulled) == (413, 0)


async def test_a_body_under_the_limit_still_reaches_the_route(app):
    status, pulled = await call(app, "/v1/cases", declared_length=None, chunks=2)
    assert status in (401, 422)  # unsigned, not JSON: refused by the route, not by size
    assert pulled == 2
