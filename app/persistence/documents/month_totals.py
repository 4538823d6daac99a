"""The stored per-month figures of an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from beanie import Document
from pymongo import ASCENDING, IndexModel

from app.domain.entries import EntryKind
from app.persistence.documents.base import Stored, StoredId


class MonthTotalDocument(Stored, Document):
    """Running figures of one account per booking month, entry kind and flow: the whole
    account (`envelope_id` None) and each envelope (the sum of its lines), with a count.

    Updated by `$inc` in the same transaction as the entries they count, so totals over
    whole months never read the history."""

    account_id: StoredId
    envelope_id: StoredId | None
    month: datetime
    kind: EntryKind
    flow: EntryKind
    total: int
    entries: int

    class Settings:
        name = "month_totals"
        indexes = [
            IndexModel(
                [
                    ("account_id", ASCENDING),
                    ("envelope_id", ASCENDING),
                    ("month", ASCENDING),
                    ("kind", ASCENDING),
                    ("flow", ASCENDING),
                ],
                unique=True,
                name="bucket",
            ),
        ]


@dataclass(frozen=True)
class FlowSum:
    """The sum and the count of some entries (or of one envelope's lines) of one flow."""

    flow: str
    sum: int
    n: int


class PayeeMonthTotalDocument(Stored, Document):
    """What one account spent per booking month and payee: the sum of the amounts of its
    entries of flow *expense* (expenses, their refunds and undos, which carry the payee of
    what they undo), and their count. `payee` is the grouping key (`payee_key`: the payee
    case-folded, "" for none), `name` the payee as first written.

    Kept like `MonthTotalDocument`: `$inc` in the transaction that inserts the entries."""

    account_id: StoredId
    month: datetime
    payee: str
    name: str | None
    total: int
    entries: int

    class Settings:
        name = "payee_month_totals"
        indexes = [
            IndexModel(
                [("account_id", ASCENDING), ("month", ASCENDING), ("payee", ASCENDING)],
                unique=True,
                name="bucket",
            ),
        ]


def payee_key(payee: str | None) -> str:
    """How payees are grouped: case-folded, surrounding spaces dropped ("" for none)."""
    return (payee or "").strip().casefold()
