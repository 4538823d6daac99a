"""A stored reconciliation: a bank statement matched with an account's cleared entries.

The account names its latest standing reconciliation (`AccountRecord.reconciliation_id`);
each one names the one before it and keeps what the account showed before it, so reopening
the latest restores exactly that. A reopened reconciliation is kept (with `reopened_at`), as
a record of what happened; its entries went back to cleared.
"""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class ReconciliationDocument(Stored, Document):
    account_id: StoredId
    statement_date: datetime  # UTC midnight, like booking dates
    statement_balance: int
    adjustment_id: StoredId | None = None  # the adjustment entry, when there was a difference
    entry_count: int  # the entries it reconciled, the adjustment included
    previous_id: StoredId | None = None
    previous_balance: int = 0
    previous_through: datetime | None = None
    reconciled_by: StoredId
    reconciled_at: datetime
    reopened_by: StoredId | None = None
    reopened_at: datetime | None = None

    class Settings:
        name = "reconciliations"
        indexes = [
            IndexModel([("account_id", ASCENDING), ("reconciled_at", ASCENDING)], name="account"),
        ]
