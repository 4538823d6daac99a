"""What savings opportunities read: an account's expenses and its changes of Available since
a day (each through its history index, with only the fields the detectors need), entries by
id, and the keys its members dismissed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.domain.entries import EntryKind
from app.persistence.documents.base import stored_day
from app.persistence.documents.entries import TransactionDocument, TransactionRecord
from app.persistence.documents.opportunities import DismissedOpportunityDocument
from app.persistence.transactions import Session

# Far more than any household's expenses over the window; a bound on the work all the same.
MAX_ENTRIES = 50_000
MAX_DISMISSED = 1_000


class OpportunityReads:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.entries: AsyncCollection[dict[str, Any]] = TransactionDocument.get_pymongo_collection()
        self.dismissed: AsyncCollection[dict[str, Any]] = (
            DismissedOpportunityDocument.get_pymongo_collection()
        )

    async def expenses_since(self, account_id: ObjectId, since: date) -> list[dict[str, Any]]:
        """The expenses booked from `since` on that were not undone, newest first:
        `_id`, `booking_date`, `size`, `payee`, `lines`."""
        cursor = (
            self.entries.find(
                {
                    "account_id": account_id,
                    "kind": EntryKind.EXPENSE.value,
                    "booking_date": {"$gte": stored_day(since)},
                    "reversed_by": None,
                },
                {"booking_date": 1, "size": 1, "payee": 1, "lines": 1},
                session=self.session,
            )
            .sort([("booking_date", -1), ("seq", -1)])
            .hint("history_by_kind")
            .limit(MAX_ENTRIES)
        )
        return await cursor.to_list(None)

    async def envelope_changes_since(
        self, account_id: ObjectId, envelope_id: ObjectId, since: date
    ) -> list[dict[str, Any]]:
        """The entries booked from `since` on with a line on the envelope: `_id`,
        `booking_date`, `lines`."""
        cursor = (
            self.entries.find(
                {
                    "account_id": account_id,
                    "envelope_ids": envelope_id,
                    "booking_date": {"$gte": stored_day(since)},
                },
                {"booking_date": 1, "lines": 1},
                session=self.session,
            )
            .hint("history_by_envelope")
            .limit(MAX_ENTRIES)
        )
        return await cursor.to_list(None)

    async def entries_by_id(
        self, account_id: ObjectId, ids: Sequence[ObjectId]
    ) -> dict[ObjectId, TransactionRecord]:
        if not ids:
            return {}
        rows = await self.entries.find(
            {"_id": {"$in": list(ids)}, "account_id": account_id}, session=self.session
        ).to_list(None)
        return {row["_id"]: TransactionRecord.model_validate(row) for row in rows}

    async def dismissed_keys(self, account_id: ObjectId) -> set[str]:
        rows = self.dismissed.find(
            {"account_id": account_id}, {"_id": 0, "key": 1}, session=self.session
        ).limit(MAX_DISMISSED)
        return {row["key"] async for row in rows}

    async def dismiss(
        self, account_id: ObjectId, key: str, user_id: ObjectId, at: datetime
    ) -> None:
        """Idempotent: dismissing a dismissed key again changes nothing."""
        document = DismissedOpportunityDocument(
            account_id=account_id, key=key, dismissed_by=user_id, dismissed_at=at
        )
        row = document.model_dump(by_alias=True)
        del row["_id"]
        await self.dismissed.update_one(
            {"account_id": account_id, "key": key},
            {"$setOnInsert": row},
            upsert=True,
            session=self.session,
        )
