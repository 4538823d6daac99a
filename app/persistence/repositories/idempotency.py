"""Idempotency keys: the first result of a change, stored with its effect."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.idempotency import IdempotencyDocument
from app.persistence.transactions import Session


class IdempotencyRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = (
            IdempotencyDocument.get_pymongo_collection()
        )

    async def find(self, user_id: ObjectId, key: str) -> IdempotencyDocument | None:
        row = await self.collection.find_one({"user_id": user_id, "key": key}, session=self.session)
        return None if row is None else IdempotencyDocument.model_validate(row)

    async def insert(self, record: IdempotencyDocument) -> None:
        """DuplicateKeyError when a concurrent change stored the same key first."""
        await self.collection.insert_one(record.model_dump(by_alias=True), session=self.session)
