"""What remains of a removed schedule or payment source, for delta sync.

Written in the transaction that deletes the thing, stamped like every write of the account
(`rev`: the account's `version` in that change), so a client that synced before the delete
learns of it exactly once, however long after. Tombstones are kept: a cursor may be old.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from beanie import Document
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class RemovedKind(StrEnum):
    """The API type name of what was removed."""

    SCHEDULE = "Schedule"
    PAYMENT_SOURCE = "PaymentSource"


class TombstoneDocument(Stored, Document):
    account_id: StoredId
    kind: RemovedKind
    object_id: StoredId
    rev: int
    removed_at: datetime

    class Settings:
        name = "tombstones"
        indexes = [IndexModel([("account_id", ASCENDING), ("rev", ASCENDING)], name="rev")]
