"""Where a webhook may be sent: its URL checked, its host resolved, every address checked
(see `app.domain.webhooks`). The delivery connects to the address checked here, so a name
that resolves elsewhere a moment later (DNS rebinding) does not reach a refused address."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.domain.webhooks import (
    Address,
    UrlRefusedError,
    check_addresses,
    literal_address,
    parse_target,
)

Resolve = Callable[[str, int], Awaitable[list[Address]]]


async def resolve(host: str, port: int) -> list[Address]:
    """The addresses of `host` (the system's resolver), in its order of preference."""
    loop = asyncio.get_running_loop()
    try:
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    addresses: list[Address] = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class Target:
    """A checked webhook URL and the addresses to connect to, in order (the next one when
    the connection to one fails)."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[Address, ...]


@dataclass(frozen=True)
class Addresses:
    """Checks targets; `allow_loopback` for self-hosting and the tests."""

    allow_loopback: bool
    resolver: Resolve = resolve

    async def check(self, url: str) -> Target:
        """The target of `url`; VALIDATION or URL_REFUSED when it may not be called."""
        scheme, host, port = parse_target(url)
        literal = literal_address(host)
        found = [literal] if literal is not None else await self.resolver(host, port)
        addresses = check_addresses(host, found, self.allow_loopback)
        return Target(url.strip(), scheme, host, port, tuple(addresses))

    async def check_or_none(self, url: str) -> tuple[Target | None, str | None]:
        """For a delivery: the target, or why not (an error to log, not to raise)."""
        try:
            return await self.check(url), None
        except UrlRefusedError as error:
            return None, error.message
        except Exception as error:  # a URL that passed at creation: only the host changed
            return None, str(error)
