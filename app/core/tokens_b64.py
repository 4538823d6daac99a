"""Unpadded base64url, the encoding of every opaque token the API hands out (ids, cursors)."""

from __future__ import annotations

import base64
import binascii

_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def b64url_encode(raw: bytes) -> str:
    # `base64.urlsafe_b64encode` without its two wrapper calls: a page encodes ~100 tokens.
    return binascii.b2a_base64(raw, newline=False).translate(_URL_SAFE).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Raises `binascii.Error` (a `ValueError`) on malformed input."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
