"""A small async client for the parts of the LINE Messaging API Sakot uses.

httpx rather than the SDK's generated aiohttp client: one connection pool with explicit
timeouts, LINE's error bodies mapped to typed errors, and `X-Line-Retry-Key` on pushes so a
retried push is never delivered twice (LINE answers 409 to a key it has already accepted).
The base URLs come from settings, so the same code talks to LINE or to the local simulator.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

log = logging.getLogger(__name__)

MAX_MESSAGES_PER_CALL = 5


class LineApiError(Exception):
    def __init__(self, status: int, body: dict | str, endpoint: str) -> None:
        message = body.get("message") if isinstance(body, dict) else str(body)[:200]
        super().__init__(f"LINE {endpoint} answered {status}: {message}")
        self.status = status
        self.body = body


class ContentTooLarge(LineApiError):
    """A message's content is larger than we keep: not downloaded further."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"content over {max_bytes} bytes", "content")


class InvalidReplyToken(LineApiError):
    """The reply token is used, expired or unknown: fall back to push."""


class LineApi:
    def __init__(self, *, api_base: str, data_api_base: str, access_token: str,
                 client: httpx.AsyncClient | None = None, push_attempts: int = 3) -> None:
        self.api_base = api_base.rstrip("/")
        self.data_api_base = data_api_base.rstrip("/")
        self.push_attempts = push_attempts
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))
        self._headers = {"Authorization": f"Bearer {access_token}"}

    async def reply(self, reply_token: str, messages: list[dict]) -> dict:
        response = await self._client.post(
            f"{self.api_base}/v2/bot/message/reply", headers=self._headers,
            json={"replyToken": reply_token, "messages": messages},
        )
        if response.status_code == 400 and "reply token" in _message(response).lower():
            raise InvalidReplyToken(response.status_code, _body(response), "reply")
        return _ok(response, "reply")

    async def push(self, to: str, messages: list[dict], *, retry_key: str) -> dict:
        """Push with retries on 429/5xx/network errors; the retry key makes them safe."""
        headers = {**self._headers, "X-Line-Retry-Key": retry_key}
        for attempt in range(1, self.push_attempts + 1):
            try:
                response = await self._client.post(
                    f"{self.api_base}/v2/bot/message/push", headers=headers,
                    json={"to": to, "messages": messages},
                )
            except httpx.TransportError:
                if attempt == self.push_attempts:
                    raise
            else:
                if response.status_code == 409:  # this retry key was accepted before
                    return {"accepted_request_id": response.headers.get(
                        "x-line-accepted-request-id")}
                if response.status_code != 429 and response.status_code < 500:
                    return _ok(response, "push")
                if attempt == self.push_attempts:
                    return _ok(response, "push")
            await asyncio.sleep(0.3 * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    async def show_loading(self, chat_id: str, seconds: int = 20) -> None:
        """The typing animation in a one-to-one chat; best effort, never raises."""
        try:
            response = await self._client.post(
                f"{self.api_base}/v2/bot/chat/loading/start", headers=self._headers,
                json={"chatId": chat_id, "loadingSeconds": seconds}, timeout=3.0,
            )
            if response.status_code >= 300:
                log.info("loading animation refused: %s", response.status_code)
        except httpx.HTTPError as exc:
            log.info("loading animation failed: %s", type(exc).__name__)

    async def get_content(self, message_id: str, *,
                          max_bytes: int | None = None) -> tuple[bytes, str | None]:
        """The content of an image/video/audio/file message, streamed and abandoned as soon
        as it passes `max_bytes` (ContentTooLarge)."""
        async with self._client.stream(
            "GET", f"{self.data_api_base}/v2/bot/message/{message_id}/content",
            headers=self._headers, timeout=httpx.Timeout(30.0, connect=3.0),
        ) as response:
            if response.status_code != 200:
                await response.aread()
                raise LineApiError(response.status_code, _body(response), "content")
            declared = response.headers.get("content-length", "")
            if max_bytes is not None and declared.isdigit() and int(declared) > max_bytes:
                raise ContentTooLarge(max_bytes)
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if max_bytes is not None and len(data) > max_bytes:
                    raise ContentTooLarge(max_bytes)
            return bytes(data), response.headers.get("content-type")

    async def aclose(self) -> None:
        await self._client.aclose()


def _body(response: httpx.Response) -> dict | str:
    try:
        return response.json()
    except ValueError:
        return response.text


def _message(response: httpx.Response) -> str:
    body = _body(response)
    return str(body.get("message", "")) if isinstance(body, dict) else str(body)


def _ok(response: httpx.Response, endpoint: str) -> dict:
    if response.status_code >= 300:
        raise LineApiError(response.status_code, _body(response), endpoint)
    body = _body(response)
    return body if isinstance(body, dict) else {}
