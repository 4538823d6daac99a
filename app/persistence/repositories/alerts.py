"""Alerts and alert settings: written in the transaction of the change that raises them,
paged for their recipient newest first (keyset on created_at, _id)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from bson import ObjectId
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.accounts import AccountDocument
from app.persistence.documents.alerts import (
    AlertDocument,
    AlertRecord,
    AlertSettingsDocument,
    AlertWatchRecord,
)
from app.persistence.keyset import Page, PageRequest, SortSpec, fetch_page
from app.persistence.transactions import Session

NEWEST_FIRST: SortSpec = [("created_at", -1), ("_id", -1)]
MAX_MARKED = 1000  # alerts marked read by id in one request


class AccountMembers(NamedTuple):
    member_ids: list[ObjectId]
    currency: str
    name: str


class AlertRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.alerts: AsyncCollection[dict[str, Any]] = AlertDocument.get_pymongo_collection()
        self.settings: AsyncCollection[dict[str, Any]] = (
            AlertSettingsDocument.get_pymongo_collection()
        )
        self.accounts: AsyncCollection[dict[str, Any]] = AccountDocument.get_pymongo_collection()

    # --- raising -----------------------------------------------------------------------

    async def add(self, alerts: Sequence[AlertRecord]) -> None:
        """Store the alerts, each at most once per (user, key): one already there (the same
        event raised again) is left as it is. Upserts, not inserts: a duplicate key error
        would abort the change's transaction."""
        if not alerts:
            return
        writes = [
            UpdateOne(
                {"user_id": alert.user_id, "key": alert.key},
                {"$setOnInsert": alert.model_dump(by_alias=True, exclude={"user_id", "key"})},
                upsert=True,
            )
            for alert in alerts
        ]
        await self.alerts.bulk_write(writes, ordered=True, session=self.session)

    async def members(self, account_ids: Sequence[ObjectId]) -> dict[ObjectId, AccountMembers]:
        """The members, currency and name of each account."""
        rows = self.accounts.find(
            {"_id": {"$in": list(account_ids)}},
            {"member_ids": 1, "currency": 1, "name": 1},
            session=self.session,
        )
        return {
            row["_id"]: AccountMembers(list(row["member_ids"]), row["currency"], row["name"])
            async for row in rows
        }

    async def set_watch(self, account_id: ObjectId, watch: AlertWatchRecord | None) -> None:
        value = None if watch is None else watch.model_dump()
        await self.accounts.update_one(
            {"_id": account_id}, {"$set": {"alert_watch": value}}, session=self.session
        )

    # --- settings ----------------------------------------------------------------------

    async def settings_of(
        self, user_ids: Sequence[ObjectId]
    ) -> dict[ObjectId, AlertSettingsDocument]:
        rows = self.settings.find({"user_id": {"$in": list(user_ids)}}, session=self.session)
        found = [AlertSettingsDocument.model_validate(row) async for row in rows]
        return {s.user_id: s for s in found}

    async def save_settings(self, settings: AlertSettingsDocument) -> None:
        row = settings.model_dump(by_alias=True)
        row.pop("_id")
        await self.settings.update_one(
            {"user_id": settings.user_id},
            {"$set": row, "$setOnInsert": {"_id": settings.id}},
            upsert=True,
            session=self.session,
        )

    # --- reading -----------------------------------------------------------------------

    async def page(
        self, user_id: ObjectId, unread_only: bool, request: PageRequest, size: int
    ) -> Page[AlertRecord]:
        query: dict[str, Any] = {"user_id": user_id}
        if unread_only:
            query["read_at"] = None
        return await fetch_page(
            self.alerts, query, NEWEST_FIRST, request, size, AlertRecord.model_validate
        )

    async def by_ids(self, user_id: ObjectId, ids: Sequence[ObjectId]) -> list[AlertRecord]:
        rows = self.alerts.find(
            {"_id": {"$in": list(ids)}, "user_id": user_id}, session=self.session
        )
        return [AlertRecord.model_validate(row) async for row in rows]

    async def unread_count(self, user_id: ObjectId) -> int:
        return await self.alerts.count_documents(
            {"user_id": user_id, "read_at": None}, session=self.session
        )

    async def mark_read(
        self, user_id: ObjectId, ids: Sequence[ObjectId] | None, at: datetime
    ) -> int:
        """Mark the user's alerts read (all unread ones when `ids` is None); how many were."""
        query: dict[str, Any] = {"user_id": user_id, "read_at": None}
        if ids is not None:
            query["_id"] = {"$in": list(ids)}
        result = await self.alerts.update_many(
            query, {"$set": {"read_at": at}}, session=self.session
        )
        return result.modified_count
