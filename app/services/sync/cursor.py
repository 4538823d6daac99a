"""The delta-sync cursor: how far a client has each of its accounts, as an opaque string.

Per account, a `Position`: the account's document (its envelopes, schedules, payment sources
and their tombstones) as of `version`, and its entries through `(rev, entry_id)` in the order
they are read (by `rev`, then id): every entry stamped before `rev`, and those stamped `rev`
up to `entry_id` (None: all of them). Counters are the account's `version`, which the lock
bumps in each change's own transaction (`app.persistence.locked_account`): a client holding
a cursor misses nothing and gets nothing twice, however long ago it synced.

Encoded as base64url of compact JSON `[1, [[account, version, rev, entry|null], …]]`. A
cursor that does not decode is a VALIDATION error on `since`; one naming accounts that the
caller may not see only yields their tombstones (the same answer as for deleted ones).
"""

from __future__ import annotations

import binascii
import json
from dataclasses import dataclass
from typing import Any

from app.core.errors import ValidationError
from app.core.ids import ObjectId, parse_object_id
from app.core.tokens_b64 import b64url_decode, b64url_encode

FORMAT = 1
MAX_ACCOUNTS = 1000  # as many as a member may see (`AccountRepository.of_member`)
MAX_LENGTH = 120 * MAX_ACCOUNTS  # characters; a full cursor takes about 90 per account
_COUNTER = range(-1, 2**63)  # -1: before every entry
BAD_CURSOR = "This cursor is not one that changes() returned."


@dataclass(frozen=True)
class Position:
    """How far a client has one account (see the module docstring)."""

    version: int
    rev: int
    entry_id: ObjectId | None = None

    def entries_done(self, version: int) -> bool:
        """True when every entry stamped up to `version` is delivered."""
        return self.entry_id is None and self.rev >= version


Cursor = dict[ObjectId, Position]


def encode(cursor: Cursor) -> str:
    rows = [
        [str(account), p.version, p.rev, None if p.entry_id is None else str(p.entry_id)]
        for account, p in sorted(cursor.items())
    ]
    return b64url_encode(json.dumps([FORMAT, rows], separators=(",", ":")).encode())


def decode(text: str | None) -> Cursor:
    """The cursor a client gave; None or "" is the start (nothing synced yet)."""
    if not text:
        return {}
    try:
        if len(text) > MAX_LENGTH:
            raise ValueError("too long")
        form, rows = json.loads(b64url_decode(text))
        if form != FORMAT or not isinstance(rows, list) or len(rows) > MAX_ACCOUNTS:
            raise ValueError("not a cursor")
        cursor = dict(_row(row) for row in rows)
        if len(cursor) != len(rows):
            raise ValueError("an account twice")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationError(BAD_CURSOR, field=["since"]) from None
    return cursor


def _row(row: Any) -> tuple[ObjectId, Position]:
    account_text, version, rev, entry_text = row  # ValueError/TypeError when not 4 items
    account = _id(account_text)
    entry = None if entry_text is None else _id(entry_text)
    if not all(type(n) is int and n in _COUNTER for n in (version, rev)):
        raise ValueError("not a counter")
    return account, Position(version, rev, entry)


def _id(text: Any) -> ObjectId:
    found = parse_object_id(text) if isinstance(text, str) and len(text) == 24 else None
    if found is None:
        raise ValueError("not an id")
    return found
