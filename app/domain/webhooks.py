"""Webhooks' rules: which target addresses are refused, how a body is signed, when a failed
delivery is tried again and when it is given up.

- Targets: `http` or `https` URLs without credentials. Every address the host resolves to
  must be public: private, loopback, link-local, multicast, reserved, unspecified and
  shared (carrier-grade NAT) addresses are refused, so a webhook cannot make the server
  call into its own network (server-side request forgery). Loopback alone may be allowed
  (self-hosting, tests). The check runs at creation and again before every delivery (the
  name may resolve elsewhere by then), and the delivery connects to the address checked.
- Signature: `Envelopes-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`;
  a receiver recomputes it over the raw body and refuses old timestamps (`verify`).
- Retries: a delivery is attempted at most `MAX_ATTEMPTS` times; after the n-th failure the
  next attempt waits 30 s · 2^(n-1), at most 6 h, with ±20 % jitter (about 21 h in all).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import timedelta
from urllib.parse import urlsplit

from app.core.errors import AppError, ValidationError

MAX_URL_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 200
MAX_WEBHOOKS = 20  # per account

MAX_ATTEMPTS = 13
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
JITTER = 0.2
SIGNATURE_TOLERANCE_SECONDS = 300  # what `verify` accepts as a fresh timestamp

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Not flagged by `ipaddress` as private, but not the public internet either.
_SHARED = ipaddress.ip_network("100.64.0.0/10")


class UrlRefusedError(AppError):
    """The webhook's target is not a public http(s) address."""

    code = "URL_REFUSED"


def parse_target(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook URL; VALIDATION unless it is an absolute http(s)
    URL without credentials or fragment."""
    field = ["url"]
    text = url.strip()
    if not text or len(text) > MAX_URL_LENGTH or not text.isprintable() or " " in text:
        raise ValidationError(
            f"Give an http(s) URL of at most {MAX_URL_LENGTH} characters.", field=field
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValidationError("This is not a valid URL.", field=field) from None
    if parts.scheme not in ("http", "https"):
        raise UrlRefusedError("Webhook URLs must start with https:// or http://.", field=field)
    if not parts.hostname:
        raise ValidationError("The URL has no host.", field=field)
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            "Put no credentials in the URL; verify the signature instead.", field=field
        )
    if parts.fragment:
        raise ValidationError("A webhook URL has no #fragment.", field=field)
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname, port or default


def literal_address(host: str) -> Address | None:
    """The address when the host is written as one (`127.0.0.1`, `::1`), else None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def refusal(address: Address, allow_loopback: bool) -> str | None:
    """Why a delivery must not connect to `address` (None: it may)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal(address.ipv4_mapped, allow_loopback)
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (address in _SHARED, "a shared (carrier-grade NAT) address"),
        (not address.is_global, "a non-public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


def check_addresses(host: str, addresses: list[Address], allow_loopback: bool) -> list[Address]:
    """The addresses to connect to, in order, when every address of the host may be used;
    URL_REFUSED naming the first one that may not."""
    if not addresses:
        raise UrlRefusedError(f"The host {host} does not resolve.", field=["url"])
    for address in addresses:
        reason = refusal(address, allow_loopback)
        if reason is not None:
            where = (
                f"{host} is {reason}"
                if literal_address(host) is not None
                else f"The host {host} resolves to {reason} ({address})"
            )
            raise UrlRefusedError(f"{where}; webhooks call public addresses only.", field=["url"])
    return addresses


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Envelopes-Signature` header's value for `body` sent at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    now: int,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: True when `header` signs `body` with `secret` and its
    timestamp is within `tolerance` seconds of `now` (a replayed old request fails)."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        fields.setdefault(name, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).partition(",v1=")[2]
    return any(hmac.compare_digest(expected, given) for given in fields.get("v1", []))


def retry_delay(failures: int, jitter: float) -> timedelta:
    """The wait before the next attempt after `failures` failed ones (≥ 1); `jitter` in
    [-1, 1] spreads retries of many deliveries apart."""
    doubled: timedelta = FIRST_RETRY * 2 ** min(failures - 1, 20)
    return min(doubled, LONGEST_RETRY) * (1 + JITTER * jitter)


def gives_up(failures: int) -> bool:
    """No more attempts after `failures` failed ones."""
    return failures >= MAX_ATTEMPTS
