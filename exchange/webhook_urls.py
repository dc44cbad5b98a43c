"""Which URLs a bank may register as its webhook (S17: no blind SSRF from the exchange).

A bank registers the URL, the exchange's worker POSTs to it. Outside development the URL must
be https, carry no credentials, and every address its host resolves to must be a public
(globally routable) one: loopback, private, link-local (cloud metadata at 169.254.169.254),
carrier-grade NAT, multicast, reserved and unspecified addresses are refused, so a bank key
cannot aim the worker at the exchange's own network. The check runs when the URL is
registered and again before every delivery, because DNS can change in between.

Development allows http, but only to the local machine (the test receivers and a developer's
own listener); any other development URL must be https like in production.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}

Resolver = Callable[[str, int], list[str]]


class WebhookUrlRefused(ValueError):
    """The URL may not receive webhooks; the message says why (shown to the bank)."""


def resolve_addresses(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_webhook_url(url: str, *, development: bool,
                      resolve: Resolver = resolve_addresses) -> None:
    """Raise WebhookUrlRefused unless `url` may receive this exchange's webhooks."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not host:
        raise WebhookUrlRefused("the webhook URL has no host")
    if parts.username or parts.password:
        raise WebhookUrlRefused("the webhook URL must not carry a user name or password")
    if scheme == "http":
        if development and host in LOCAL_HOSTS:
            return
        raise WebhookUrlRefused("the webhook URL must use https")
    if scheme != "https":
        raise WebhookUrlRefused("the webhook URL must use https")
    if development:
        return
    try:
        addresses = resolve(host, parts.port or 443)
    except (OSError, UnicodeError) as exc:
        raise WebhookUrlRefused(f"the webhook host does not resolve ({type(exc).__name__})") \
            from exc
    if not addresses:
        raise WebhookUrlRefused("the webhook host does not resolve")
    if not all(_is_public(address) for address in addresses):
        raise WebhookUrlRefused(
            "the webhook host resolves to an internal, loopback, link-local or private "
            "address; use a public https endpoint")
