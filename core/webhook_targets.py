"""Where a webhook may point: http(s) URLs only, and in production only public addresses.

A name is checked by what it resolves to (every DNS answer), both when the webhook is created and
again at each delivery (a name may be rebound to 127.0.0.1 after it was accepted); the delivery
then connects to the address that was checked, not to a second lookup.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


class TargetRefused(ValueError):
    """The URL is malformed (``invalid_webhook_url``) or points somewhere private (``webhook_target_refused``)."""

    def __init__(self, message: str, error_code: str) -> None:
        super().__init__(message)
        self.error_code = error_code


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int


def parse_target(url: str) -> Target:
    """The scheme, host and port of a webhook URL; raises ``TargetRefused`` for anything but http(s)."""
    if len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise TargetRefused("the URL is not valid", "invalid_webhook_url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused("the URL is not valid", "invalid_webhook_url") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TargetRefused("a webhook URL must be http:// or https:// with a host", "invalid_webhook_url")
    if parts.username or parts.password:
        raise TargetRefused("a webhook URL cannot carry credentials", "invalid_webhook_url")
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80))


def is_public(address: str) -> bool:
    """False for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve(target: Target, *, production: bool) -> list[str]:
    """The addresses to connect to, in the resolver's order. In production every answer must be
    public (one private answer refuses the target: a client may pick any of them)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise TargetRefused(f"the host {target.host!r} does not resolve", "webhook_host_unresolved") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise TargetRefused(f"the host {target.host!r} does not resolve", "webhook_host_unresolved")
    if production and not all(is_public(a) for a in addresses):
        raise TargetRefused("webhooks cannot point at private or loopback addresses", "webhook_target_refused")
    return addresses


async def check_url(url: str, *, production: bool) -> Target:
    """``parse_target`` and, in production, ``resolve``: what creating a webhook checks."""
    target = parse_target(url)
    if production:
        await resolve(target, production=True)
    return target
