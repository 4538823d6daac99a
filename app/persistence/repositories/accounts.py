"""Accounts: read for a member, locked for a change, inserted, updated.

Reads that decide a change run inside the change's transaction; the account is locked first
by bumping its `version`, so two changes of one account never interleave: the second one hits
a write conflict and its use case runs again (`app.persistence.transactions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.accounts import AccountDocument, AccountRecord
from app.persistence.transactions import Session

MAX_ACCOUNTS = 1000


class AccountRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = AccountDocument.get_pymongo_collection()

    async def lock(
        self, account_id: ObjectId, user_id: ObjectId
    ) -> tuple[AccountRecord, Mapping[str, Any]] | None:
        """The account, if the user is a member, after bumping its version (see module doc),
        with the stored row it was parsed from (to write back only what changed)."""
        row = await self.collection.find_one_and_update(
            {"_id": account_id, "member_ids": user_id},
            {"$inc": {"version": 1}},
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        return None if row is None else (AccountRecord.model_validate(row), row)

    async def bump(self, account_id: ObjectId) -> int | None:
        """Lock the account for work that is no member's change (the scheduler's bookkeeping
        of a schedule): its new version, the `rev` to stamp that work with (see
        `app.persistence.locked_account`); None if there is no such account."""
        row = await self.collection.find_one_and_update(
            {"_id": account_id},
            {"$inc": {"version": 1}},
            {"_id": 0, "version": 1},
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        return None if row is None else int(row["version"])

    async def for_member(self, account_id: ObjectId, user_id: ObjectId) -> AccountRecord | None:
        row = await self.collection.find_one(
            {"_id": account_id, "member_ids": user_id}, session=self.session
        )
        return None if row is None else AccountRecord.model_validate(row)

    async def for_member_joined(
        self, account_id: ObjectId, user_id: ObjectId, joins: Mapping[str, Mapping[str, Any]]
    ) -> tuple[AccountRecord, dict[str, list[dict[str, Any]]]] | None:
        """`for_member`, with rows of other collections read in the same round trip: `joins`
        names the body of a `$lookup` stage (without `as`) per part, e.g. a page of the
        account's entries. Nothing is joined when the user is no member."""
        pipeline: list[dict[str, Any]] = [{"$match": {"_id": account_id, "member_ids": user_id}}]
        pipeline += [{"$lookup": {**body, "as": f"_joined_{name}"}} for name, body in joins.items()]
        cursor = await self.collection.aggregate(pipeline, session=self.session)
        rows = await cursor.to_list(1)
        if not rows:
            return None
        row = rows[0]
        joined = {name: row.pop(f"_joined_{name}") for name in joins}
        return AccountRecord.model_validate(row), joined

    async def version_of(self, account_id: ObjectId, user_id: ObjectId) -> int | None:
        """The account's version (bumped by every change), if the user is a member."""
        row = await self.collection.find_one(
            {"_id": account_id, "member_ids": user_id}, {"_id": 0, "version": 1},
            session=self.session,
        )  # fmt: skip
        return None if row is None else int(row.get("version", 0))

    async def of_member(self, user_id: ObjectId, include_closed: bool) -> list[AccountRecord]:
        query: dict[str, Any] = {"member_ids": user_id}
        if not include_closed:
            query["closed_at"] = None
        rows = await self.collection.find(query).sort("created_at", 1).to_list(MAX_ACCOUNTS)
        return [AccountRecord.model_validate(row) for row in rows]

    async def visible_to(self, user_id: ObjectId) -> list[AccountRecord]:
        """Every account the user is a member of, closed ones too, by id (delta sync)."""
        cursor = self.collection.find({"member_ids": user_id}, session=self.session)
        rows = await cursor.sort("_id", 1).to_list(MAX_ACCOUNTS)
        return [AccountRecord.model_validate(row) for row in rows]

    async def with_envelope(self, envelope_id: ObjectId, user_id: ObjectId) -> AccountRecord | None:
        row = await self.collection.find_one({"envelopes.id": envelope_id, "member_ids": user_id})
        return None if row is None else AccountRecord.model_validate(row)

    async def sweeps_due(self, day: datetime, limit: int) -> list[tuple[ObjectId, ObjectId]]:
        """(account, owner) of accounts whose next sweep is due by `day`, oldest first."""
        rows = (
            await self.collection.find(
                {"next_sweep": {"$lte": day}}, {"_id": 1, "owner_id": 1}, session=self.session
            )
            .sort("next_sweep", 1)
            .limit(limit)
            .to_list(None)
        )
        return [(row["_id"], row["owner_id"]) for row in rows]

    async def stop_sweeps(self, account_id: ObjectId) -> None:
        await self.collection.update_one(
            {"_id": account_id},
            {"$set": {"next_sweep": None, "sweep_from": None}, "$inc": {"version": 1}},
            session=self.session,
        )

    async def insert(self, account: AccountRecord) -> None:
        await self.collection.insert_one(account.model_dump(by_alias=True), session=self.session)

    async def update(self, account_id: ObjectId, fields: Mapping[str, Any]) -> None:
        await self.collection.update_one(
            {"_id": account_id}, {"$set": dict(fields)}, session=self.session
        )
