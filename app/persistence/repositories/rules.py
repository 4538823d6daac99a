"""Categorisation rules of an owner, in their order (see `app.persistence.documents.rules`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.rules import RuleBookDocument, RuleDocument
from app.persistence.transactions import Session

MAX_RULES = 200
ORDER = [("position", 1), ("_id", 1)]


class RuleRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = RuleDocument.get_pymongo_collection()
        self.books: AsyncCollection[dict[str, Any]] = RuleBookDocument.get_pymongo_collection()

    async def of_owner(self, owner_id: ObjectId) -> list[RuleDocument]:
        """The owner's rules in their order."""
        cursor = self.collection.find({"owner_id": owner_id}, session=self.session).sort(ORDER)
        return [RuleDocument.model_validate(row) for row in await cursor.to_list(MAX_RULES)]

    async def get(self, rule_id: ObjectId) -> RuleDocument | None:
        row = await self.collection.find_one({"_id": rule_id}, session=self.session)
        return None if row is None else RuleDocument.model_validate(row)

    async def touch(self, owner_id: ObjectId) -> None:
        """Bump the owner's counter: concurrent changes of one owner's rules conflict."""
        await self.books.update_one(
            {"_id": owner_id}, {"$inc": {"version": 1}}, upsert=True, session=self.session
        )

    async def insert(self, rule: RuleDocument) -> None:
        await self.collection.insert_one(rule.model_dump(by_alias=True), session=self.session)

    async def replace(self, rule: RuleDocument) -> None:
        fields = rule.model_dump(by_alias=True, exclude={"id", "owner_id", "created_at"})
        await self.collection.update_one({"_id": rule.id}, {"$set": fields}, session=self.session)

    async def delete(self, rule_id: ObjectId) -> None:
        await self.collection.delete_one({"_id": rule_id}, session=self.session)

    async def set_positions(self, ordered: Sequence[ObjectId]) -> None:
        updates = [
            UpdateOne({"_id": rule_id}, {"$set": {"position": i}})
            for i, rule_id in enumerate(ordered)
        ]
        if updates:
            await self.collection.bulk_write(updates, ordered=False, session=self.session)
