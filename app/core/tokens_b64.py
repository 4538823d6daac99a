"""Unpadded base64url, the encoding of every opaque token the API hands out (ids, cursors)."""

from __future__ import annotations

import base64


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    """Raises `binascii.Error` (a `ValueError`) on malformed input."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
