"""Reconciliations of an account: written in the change's transaction, read one at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.reconciliations import ReconciliationDocument
from app.persistence.transactions import Session


class ReconciliationRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = (
            ReconciliationDocument.get_pymongo_collection()
        )

    async def get(self, reconciliation_id: ObjectId | None) -> ReconciliationDocument | None:
        if reconciliation_id is None:
            return None
        row = await self.collection.find_one({"_id": reconciliation_id}, session=self.session)
        return None if row is None else ReconciliationDocument.model_validate(row)

    async def insert(self, reconciliation: ReconciliationDocument) -> None:
        await self.collection.insert_one(
            reconciliation.model_dump(by_alias=True), session=self.session
        )

    async def mark_reopened(
        self, reconciliation_id: ObjectId, user_id: ObjectId, at: datetime
    ) -> None:
        await self.collection.update_one(
            {"_id": reconciliation_id},
            {"$set": {"reopened_by": user_id, "reopened_at": at}},
            session=self.session,
        )
