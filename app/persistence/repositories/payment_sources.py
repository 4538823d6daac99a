"""Payday templates of an account.

Every write of a template happens in a change that locked its account, and stamps `rev` with
that account's `version` (`LockedAccount.rev`): delta sync finds what changed by it. A delete
leaves a tombstone, stamped alike, in the same session.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.payment_sources import PaymentSourceDocument
from app.persistence.documents.tombstones import RemovedKind
from app.persistence.repositories.tombstones import TombstoneRepository
from app.persistence.stamps import stamped_rows
from app.persistence.transactions import Session

MAX_LISTED = 500


class PaymentSourceRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = (
            PaymentSourceDocument.get_pymongo_collection()
        )

    async def of_account(self, account_id: ObjectId) -> list[PaymentSourceDocument]:
        cursor = self.collection.find({"account_id": account_id}).sort("created_at", 1)
        return [
            PaymentSourceDocument.model_validate(row) for row in await cursor.to_list(MAX_LISTED)
        ]

    async def get(self, source_id: ObjectId) -> PaymentSourceDocument | None:
        row = await self.collection.find_one({"_id": source_id}, session=self.session)
        return None if row is None else PaymentSourceDocument.model_validate(row)

    async def count(self, account_id: ObjectId) -> int:
        return await self.collection.count_documents(
            {"account_id": account_id}, session=self.session
        )

    async def insert(self, source: PaymentSourceDocument, *, rev: int) -> None:
        source.rev = rev
        await self.collection.insert_one(source.model_dump(by_alias=True), session=self.session)

    async def replace(self, source: PaymentSourceDocument, *, rev: int) -> None:
        source.rev = rev
        fields = source.model_dump(by_alias=True, exclude={"id", "account_id", "created_at"})
        await self.collection.update_one({"_id": source.id}, {"$set": fields}, session=self.session)

    async def delete(self, source: PaymentSourceDocument, *, rev: int) -> None:
        """Remove it, leaving a tombstone (in this session: call it in the change's)."""
        await self.collection.delete_one({"_id": source.id}, session=self.session)
        tombstones = TombstoneRepository(self.session)
        await tombstones.add(source.account_id, RemovedKind.PAYMENT_SOURCE, source.id, rev)

    async def drop_envelope(self, account_id: ObjectId, envelope_id: ObjectId, *, rev: int) -> None:
        """Take a deleted envelope out of every template of the account."""
        await self.collection.update_many(
            {"account_id": account_id, "allocations.envelope_id": envelope_id},
            {"$pull": {"allocations": {"envelope_id": envelope_id}}, "$set": {"rev": rev}},
            session=self.session,
        )

    async def changed(
        self, account_id: ObjectId, after_rev: int, through_rev: int
    ) -> list[PaymentSourceDocument]:
        """The account's templates stamped in (after_rev, through_rev] (after_rev -1: all of
        them), oldest first."""
        rows = await stamped_rows(self.collection, self.session, account_id, after_rev, through_rev)
        return [PaymentSourceDocument.model_validate(row) for row in rows]
