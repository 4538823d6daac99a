"""Tombstones of removed schedules and payment sources (see the document), written by the
repositories that delete them, in the deleting change's session."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.core.clock import utcnow
from app.persistence.documents.tombstones import RemovedKind, TombstoneDocument
from app.persistence.stamps import stamped_rows
from app.persistence.transactions import Session

BY_STAMP = [("rev", 1), ("_id", 1)]


class TombstoneRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = (
            TombstoneDocument.get_pymongo_collection()
        )

    async def add(
        self, account_id: ObjectId, kind: RemovedKind, object_id: ObjectId, rev: int
    ) -> None:
        tombstone = TombstoneDocument(
            account_id=account_id, kind=kind, object_id=object_id, rev=rev, removed_at=utcnow()
        )
        await self.collection.insert_one(tombstone.model_dump(by_alias=True), session=self.session)

    async def since(
        self, account_id: ObjectId, after_rev: int, through_rev: int
    ) -> list[TombstoneDocument]:
        """The account's tombstones stamped in (after_rev, through_rev], oldest first."""
        rows = await stamped_rows(
            self.collection, self.session, account_id, after_rev, through_rev, BY_STAMP
        )
        return [TombstoneDocument.model_validate(row) for row in rows]
