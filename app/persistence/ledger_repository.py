"""Every MongoDB query of the ledger lives here. Rows are plain dicts as stored.

Reads that decide a change run inside the change's transaction (pass its `session`); the
account is locked first by bumping its `version`, so two changes of one account never
interleave: the second one hits a write conflict and PyMongo retries its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents import UserDocument
from app.persistence.keyset import Page, PageRequest, SortSpec, fetch_page
from app.persistence.ledger_documents import (
    AccountDocument,
    IdempotencyDocument,
    PaymentSourceDocument,
    TransactionDocument,
)
from app.persistence.mongo import Session

Row = dict[str, Any]
HISTORY_SORT: SortSpec = [("booking_date", -1), ("seq", -1)]


def _collection(document: Any) -> AsyncCollection[Row]:
    collection: AsyncCollection[Row] = document.get_pymongo_collection()
    return collection


class LedgerRepository:
    def __init__(self) -> None:
        self.accounts = _collection(AccountDocument)
        self.entries = _collection(TransactionDocument)
        self.sources = _collection(PaymentSourceDocument)
        self.keys = _collection(IdempotencyDocument)
        self.users = _collection(UserDocument)

    # --- accounts ----------------------------------------------------------------------

    async def lock_account(
        self, account_id: ObjectId, user_id: ObjectId, session: Session
    ) -> Row | None:
        """The account, if the user is a member, after bumping its version (see module doc)."""
        return await self.accounts.find_one_and_update(
            {"_id": account_id, "member_ids": user_id},
            {"$inc": {"version": 1}},
            session=session,
            return_document=ReturnDocument.AFTER,
        )

    async def account_for(
        self, account_id: ObjectId, user_id: ObjectId, session: Session | None = None
    ) -> Row | None:
        return await self.accounts.find_one(
            {"_id": account_id, "member_ids": user_id}, session=session
        )

    async def accounts_for(self, user_id: ObjectId, include_closed: bool) -> list[Row]:
        query: Row = {"member_ids": user_id}
        if not include_closed:
            query["closed_at"] = None
        return await self.accounts.find(query).sort("created_at", 1).to_list(1000)

    async def account_with_envelope(self, envelope_id: ObjectId, user_id: ObjectId) -> Row | None:
        return await self.accounts.find_one({"envelopes.id": envelope_id, "member_ids": user_id})

    async def insert_account(self, row: Row, session: Session) -> None:
        await self.accounts.insert_one(row, session=session)

    async def update_account(self, account_id: ObjectId, fields: Row, session: Session) -> None:
        await self.accounts.update_one({"_id": account_id}, {"$set": fields}, session=session)

    async def set_members(
        self, account_id: ObjectId, members: list[Row], owner_id: ObjectId, at: datetime,
        session: Session,
    ) -> None:  # fmt: skip
        await self.update_account(
            account_id,
            {
                "members": members,
                "member_ids": [m["user_id"] for m in members],
                "owner_id": owner_id,
                "updated_at": at,
            },
            session,
        )

    # --- entries -------------------------------------------------------------------------

    async def insert_entries(self, rows: Sequence[Row], session: Session) -> None:
        if rows:
            await self.entries.insert_many(list(rows), ordered=True, session=session)

    async def entry(self, entry_id: ObjectId, session: Session | None = None) -> Row | None:
        return await self.entries.find_one({"_id": entry_id}, session=session)

    async def entries_by_ids(self, ids: Iterable[ObjectId]) -> dict[ObjectId, Row]:
        wanted = list(ids)
        rows = await self.entries.find({"_id": {"$in": wanted}}).to_list(len(wanted))
        return {row["_id"]: row for row in rows}

    async def mark_reversed(
        self, entry_id: ObjectId, reversal_id: ObjectId, session: Session
    ) -> bool:
        """Link an entry to its reversal, once: False when it was already undone."""
        result = await self.entries.update_one(
            {"_id": entry_id, "reversed_by": None},
            {"$set": {"reversed_by": reversal_id}},
            session=session,
        )
        return result.modified_count == 1

    async def history_page(self, query: Row, request: PageRequest, size: int) -> Page:
        return await fetch_page(self.entries, query, HISTORY_SORT, request, size)

    async def totals(
        self, query: Row, envelope_id: ObjectId | None, session: Session | None = None
    ) -> list[Row]:
        """Per flow: the sum of entry amounts (or of one envelope's lines) and a count."""
        pipeline: list[Row] = [{"$match": query}]
        amount: Any = "$amount"
        if envelope_id is not None:
            pipeline += [{"$unwind": "$lines"}, {"$match": {"lines.envelope_id": envelope_id}}]
            amount = "$lines.amount"
        pipeline += [
            {"$group": {"_id": "$flow", "sum": {"$sum": amount}, "n": {"$sum": 1}}},
            {"$project": {"_id": 0, "flow": "$_id", "sum": 1, "n": 1}},
        ]
        cursor = await self.entries.aggregate(pipeline, session=session)
        return await cursor.to_list(None)

    # --- payment sources -------------------------------------------------------------------

    async def sources_of(self, account_id: ObjectId) -> list[Row]:
        return (
            await self.sources.find({"account_id": account_id}).sort("created_at", 1).to_list(500)
        )

    async def source(self, source_id: ObjectId, session: Session | None = None) -> Row | None:
        return await self.sources.find_one({"_id": source_id}, session=session)

    async def count_sources(self, account_id: ObjectId, session: Session) -> int:
        return await self.sources.count_documents({"account_id": account_id}, session=session)

    async def insert_source(self, row: Row, session: Session) -> None:
        await self.sources.insert_one(row, session=session)

    async def update_source(self, source_id: ObjectId, fields: Row, session: Session) -> None:
        await self.sources.update_one({"_id": source_id}, {"$set": fields}, session=session)

    async def delete_source(self, source_id: ObjectId, session: Session) -> None:
        await self.sources.delete_one({"_id": source_id}, session=session)

    async def drop_envelope_from_sources(
        self, account_id: ObjectId, envelope_id: ObjectId, session: Session
    ) -> None:
        await self.sources.update_many(
            {"account_id": account_id, "allocations.envelope_id": envelope_id},
            {"$pull": {"allocations": {"envelope_id": envelope_id}}},
            session=session,
        )

    # --- idempotency keys and people --------------------------------------------------------

    async def idempotency_record(self, user_id: ObjectId, key: str, session: Session) -> Row | None:
        return await self.keys.find_one({"user_id": user_id, "key": key}, session=session)

    async def insert_idempotency_record(self, row: Row, session: Session) -> None:
        await self.keys.insert_one(row, session=session)

    async def users_by_ids(self, ids: Iterable[ObjectId]) -> dict[ObjectId, Row]:
        wanted = list(set(ids))
        rows = await self.users.find(
            {"_id": {"$in": wanted}}, {"email": 1, "display_name": 1, "avatar_color": 1}
        ).to_list(len(wanted))
        return {row["_id"]: row for row in rows}

    async def user_by_email_key(self, key: str, session: Session) -> Row | None:
        return await self.users.find_one(
            {"email_key": key}, {"email": 1, "display_name": 1}, session=session
        )
