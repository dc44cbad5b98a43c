"""The dialogue-engine port and its Rasa REST adapter.

The engine talks to the dialogue through `Dialogue.respond()`, which returns the Rasa
REST channel's response items unchanged (a list of `{"text", "buttons", "custom", ...}`).
`RasaRestDialogue` is the real adapter; tests use `FakeDialogue` (canned Rasa responses).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

log = logging.getLogger(__name__)


class DialogueUnavailable(RuntimeError):
    """The dialogue engine did not answer (down, timing out, or answering with an error)."""


class Dialogue(Protocol):
    async def respond(self, *, sender: str, message: str, metadata: dict) -> list[dict]:
        """Send one user message; return the Rasa REST response items. Raises
        DialogueUnavailable when the dialogue engine cannot answer."""
        ...


class _RetryableStatus(Exception):
    pass


class RasaRestDialogue:
    """`POST {rasa_url}/webhooks/rest/webhook` with timeouts and a few quick retries.

    Only failures before Rasa processed the message are retried (connect errors and 502/503/
    504), so a message is not fed to the tracker twice; a read timeout is not retried.

    ``nlu_ready_url``: the NLU service's readiness URL. Rasa answers even when its NLU service
    is down or still loading the model (every message then parses as "no intent" and the victim
    reads "I don't understand"), so the NLU service is asked first; unless it answers 200 the
    message is not sent and DialogueUnavailable gives the victim the safe fallback.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: httpx.Timeout | None = None,
        attempts: int = 3,
        client: httpx.AsyncClient | None = None,
        nlu_ready_url: str | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/webhooks/rest/webhook"
        self.nlu_ready_url = nlu_ready_url
        self.attempts = attempts
        self._client = client or httpx.AsyncClient(
            timeout=timeout or httpx.Timeout(20.0, connect=2.0)
        )

    async def _require_nlu(self) -> None:
        if self.nlu_ready_url is None:
            return
        try:
            response = await self._client.get(self.nlu_ready_url, timeout=2.0)
        except httpx.HTTPError as exc:
            raise DialogueUnavailable(f"NLU service unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise DialogueUnavailable(f"NLU service not ready (HTTP {response.status_code})")

    async def respond(self, *, sender: str, message: str, metadata: dict) -> list[dict]:
        await self._require_nlu()
        body = {"sender": sender, "message": message, "metadata": metadata}
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self.attempts),
                wait=wait_exponential(multiplier=0.2, max=2.0),
                retry=retry_if_exception_type((httpx.ConnectError, _RetryableStatus)),
                reraise=True,
            ):
                with attempt:
                    response = await self._client.post(self.url, json=body)
                    if response.status_code in (502, 503, 504):
                        raise _RetryableStatus(f"HTTP {response.status_code}")
        except (httpx.HTTPError, _RetryableStatus) as exc:
            raise DialogueUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise DialogueUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            items = response.json()
        except ValueError as exc:
            raise DialogueUnavailable("Rasa answered with something other than JSON") from exc
        if not isinstance(items, list):
            raise DialogueUnavailable("Rasa answered with something other than a list")
        return [item for item in items if isinstance(item, dict)]

    async def aclose(self) -> None:
        await self._client.aclose()


class FakeDialogue:
    """A test double that answers like Rasa's REST channel, from a function or a fixed list.

    `script(sender, message, metadata) -> list[dict]`; every call is recorded in `calls`.
    Set `down = True` to make it behave like an unreachable Rasa.
    """

    def __init__(self, script: Callable[[str, str, dict], list[dict]] | list[dict] | None = None):
        self.script = script if script is not None else [{"text": "รับทราบค่ะ"}]
        self.calls: list[dict] = []
        self.down = False

    async def respond(self, *, sender: str, message: str, metadata: dict) -> list[dict]:
        self.calls.append({"sender": sender, "message": message, "metadata": metadata})
        if self.down:
            raise DialogueUnavailable("fake dialogue is down")
        if callable(self.script):
            return self.script(sender, message, metadata)
        return list(self.script)
