"""The stored payday template of an account."""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class AllocationRecord(BaseModel):
    envelope_id: StoredId
    amount: int


class PaymentSourceDocument(Stored, Document):
    """A payday template: who pays, how much is expected, and the fixed amounts per envelope
    (in order: a short pay fills them in this order)."""

    account_id: StoredId
    name: str
    payer: str | None = None
    expected_amount: int
    allocations: list[AllocationRecord]
    created_at: datetime
    updated_at: datetime
    # Delta sync: the account's `version` when the template was written or last changed
    # (see `app.persistence.locked_account`).
    rev: int = 0

    class Settings:
        name = "payment_sources"
        indexes = [
            IndexModel([("account_id", ASCENDING), ("created_at", ASCENDING)]),
            # Delta sync: what changed in an account after a cursor.
            IndexModel([("account_id", ASCENDING), ("rev", ASCENDING)], name="rev"),
        ]
