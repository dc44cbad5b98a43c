"""Is the whole product ready to answer a victim? (`/healthz`, `sakot up`'s "ready" line.)

Ready means every process a message passes through answers, not merely that its port is open:
Rasa with its model loaded (`/status`, behind the sidecar token), the NLU service with its
classifier loaded (`/status` is 503 while loading), the action server (`/health`).
"""

from __future__ import annotations

import asyncio

import httpx

from sakot.settings import Settings

PROBE_TIMEOUT = httpx.Timeout(2.0, connect=1.0)


def sidecar_url(settings: Settings, port: int) -> str:
    """Where this host reaches a sidecar bound to SAKOT_SIDECAR_HOST."""
    return local_url(settings.sidecar_host, port)


def local_url(host: str, port: int) -> str:
    """Where this host reaches a server bound to ``host``."""
    if host in ("0.0.0.0", "::", ""):  # bound to every interface: reach it on loopback
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def nlu_url(settings: Settings) -> str:
    return sidecar_url(settings, settings.nlu_port)


def action_url(settings: Settings) -> str:
    return sidecar_url(settings, settings.action_port)


def probes(settings: Settings) -> dict[str, tuple[str, dict]]:
    """name -> (URL that answers 200 only when that process is ready, query parameters)."""
    return {
        "rasa": (settings.rasa_url.rstrip("/") + "/status",
                 {"token": settings.sidecar_token.get_secret_value()}),
        "nlu": (nlu_url(settings) + "/status", {}),
        "actions": (action_url(settings) + "/health", {}),
    }


async def _probe(client: httpx.AsyncClient, url: str, params: dict) -> str:
    try:
        response = await client.get(url, params=params)
    except httpx.HTTPError as exc:
        return "unreachable" if isinstance(exc, httpx.ConnectError) else type(exc).__name__
    if response.status_code == 200:
        return "ok"
    if response.status_code in (409, 503):  # Rasa: no model yet; NLU: still loading
        return "loading"
    return f"HTTP {response.status_code}"


async def sidecar_status(settings: Settings,
                         client: httpx.AsyncClient | None = None) -> dict[str, str]:
    """{"rasa": "ok" | "loading" | "unreachable" | ..., "nlu": ..., "actions": ...}"""
    own = client is None
    client = client or httpx.AsyncClient(timeout=PROBE_TIMEOUT)
    try:
        checks = probes(settings)
        results = await asyncio.gather(
            *(_probe(client, url, params) for url, params in checks.values()))
        return dict(zip(checks, results, strict=True))
    finally:
        if own:
            await client.aclose()
