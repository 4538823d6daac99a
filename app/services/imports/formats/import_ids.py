"""Import ids: what makes importing the same file twice add nothing.

A row with the bank's own id (OFX FITID, CAMT reference, a CSV id column) is known by it,
prefixed by the format. Any other row is known by a hash of the account, the date, the
amount, the normalised payee and its occurrence: the n-th identical row of the file (as in
YNAB's "YNAB:amount:date:occurrence"), so two real coffees of the same price on the same day
stay two rows, and the same file read again gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from .model import ImportRow

# 128 bits of SHA-256: no accidental collision among a household's rows.
_HASH_HEX_DIGITS = 32
_SPACES = re.compile(r"\s+")


def import_id(row: ImportRow, account_id: str, occurrence: int) -> str:
    """The row's id within the account: "ofx:<FITID>", or "hash:<32 hex digits>"."""
    if row.fitid:
        return f"{row.source}:{row.fitid}"
    key = "\x1f".join(
        (
            account_id,
            row.booking_date.isoformat(),
            str(row.amount_minor),
            _normal_payee(row.payee),
            str(occurrence),
        )
    )
    return "hash:" + hashlib.sha256(key.encode()).hexdigest()[:_HASH_HEX_DIGITS]


def occurrences(rows: Iterable[ImportRow]) -> list[int]:
    """For each row, its 1-based rank among the file's rows with the same date, amount and
    payee (rows with a fitid do not need one and count 1)."""
    counter = OccurrenceCounter()
    return [counter.next(row) for row in rows]


class OccurrenceCounter:
    """`occurrences` one row at a time, for a file read in batches: it remembers 8 bytes of
    a hash per distinct (date, amount, payee), not the rows."""

    def __init__(self) -> None:
        self._seen: Counter[bytes] = Counter()

    def next(self, row: ImportRow) -> int:
        if row.fitid:
            return 1
        key = f"{row.booking_date.isoformat()}\x1f{row.amount_minor}\x1f{_normal_payee(row.payee)}"
        digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
        self._seen[digest] += 1
        return self._seen[digest]


def _normal_payee(payee: str | None) -> str:
    text = unicodedata.normalize("NFKC", payee or "").casefold()
    return _SPACES.sub(" ", text).strip()
