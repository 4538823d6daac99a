"""Scheduled transactions, and the lease that decides which API process runs the scheduler.

Every write of a schedule happens in a change that locked its account, and stamps the
schedule's `rev` with that account's `version` (`LockedAccount.rev`, or what
`AccountRepository.bump` returned): delta sync finds what changed by it. A delete leaves a
tombstone, stamped alike, in the same session.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from app.persistence.documents.base import stored_day
from app.persistence.documents.schedules import (
    MAX_RESULTS,
    LeaseDocument,
    OccurrenceRecord,
    ScheduleDocument,
    ScheduleRecord,
)
from app.persistence.documents.tombstones import RemovedKind
from app.persistence.repositories.tombstones import TombstoneRepository
from app.persistence.stamps import stamped_rows
from app.persistence.transactions import Session

MAX_LISTED = 500


class ScheduleRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = ScheduleDocument.get_pymongo_collection()

    async def of_account(self, account_id: ObjectId) -> list[ScheduleRecord]:
        cursor = self.collection.find({"account_id": account_id}, session=self.session)
        rows = await cursor.sort([("created_at", ASCENDING), ("_id", ASCENDING)]).to_list(
            MAX_LISTED
        )
        return [ScheduleRecord.model_validate(row) for row in rows]

    async def count(self, account_id: ObjectId) -> int:
        return await self.collection.count_documents(
            {"account_id": account_id}, session=self.session
        )

    async def get(self, schedule_id: ObjectId) -> ScheduleRecord | None:
        row = await self.collection.find_one({"_id": schedule_id}, session=self.session)
        return None if row is None else ScheduleRecord.model_validate(row)

    async def insert(self, schedule: ScheduleRecord, *, rev: int) -> None:
        schedule.rev = rev
        await self.collection.insert_one(schedule.model_dump(by_alias=True), session=self.session)

    async def replace(self, schedule: ScheduleRecord, *, rev: int) -> None:
        schedule.rev = rev
        fields = schedule.model_dump(by_alias=True, exclude={"id", "account_id", "created_at"})
        await self.collection.update_one(
            {"_id": schedule.id}, {"$set": fields}, session=self.session
        )

    async def delete(self, schedule: ScheduleRecord, *, rev: int) -> None:
        """Remove it, leaving a tombstone (in this session: call it in the change's)."""
        await self.collection.delete_one({"_id": schedule.id}, session=self.session)
        tombstones = TombstoneRepository(self.session)
        await tombstones.add(schedule.account_id, RemovedKind.SCHEDULE, schedule.id, rev)

    async def changed(
        self, account_id: ObjectId, after_rev: int, through_rev: int
    ) -> list[ScheduleRecord]:
        """The account's schedules stamped in (after_rev, through_rev] (after_rev -1: all of
        them), oldest first."""
        rows = await stamped_rows(self.collection, self.session, account_id, after_rev, through_rev)
        return [ScheduleRecord.model_validate(row) for row in rows]

    async def due(self, today: date, limit: int) -> list[ScheduleRecord]:
        """Running automatic schedules with an occurrence due by `today`, the oldest first."""
        cursor = self.collection.find(
            {"paused": False, "mode": "auto", "next_due": {"$lte": stored_day(today)}},
            session=self.session,
        ).sort([("next_due", ASCENDING), ("_id", ASCENDING)])
        return [ScheduleRecord.model_validate(row) for row in await cursor.to_list(limit)]

    async def advance(
        self,
        schedule_id: ObjectId,
        pending: date,
        next_on: date | None,
        next_due: date | None,
        results: list[OccurrenceRecord],
        now: datetime,
        drop_skipped: list[date],
        *,
        rev: int,
    ) -> ScheduleRecord | None:
        """Move the schedule past its pending occurrence `pending` and keep what became of
        it (and of the skipped ones passed over): only if `pending` is still the pending one,
        so a repeat or a concurrent change does nothing. The schedule after, or None."""
        posted = sum(r.status == "posted" for r in results)
        failed = sum(r.status == "failed" for r in results)
        row = await self.collection.find_one_and_update(
            {"_id": schedule_id, "next_on": stored_day(pending)},
            {
                "$set": {
                    "next_on": stored_day(next_on) if next_on else None,
                    "next_due": stored_day(next_due) if next_due else None,
                    "updated_at": now,
                    "rev": rev,
                },
                "$inc": {"posted_count": posted, "failed_count": failed},
                "$push": {
                    "results": {
                        "$each": [r.model_dump() for r in results],
                        "$slice": -MAX_RESULTS,
                    }
                },
                "$pullAll": {"skipped": [stored_day(d) for d in drop_skipped]},
            },
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        return None if row is None else ScheduleRecord.model_validate(row)

    async def set_fields(self, schedule_id: ObjectId, fields: dict[str, Any], *, rev: int) -> None:
        await self.collection.update_one(
            {"_id": schedule_id}, {"$set": {**fields, "rev": rev}}, session=self.session
        )


class LeaseRepository:
    """A lease per kind of background work: one holder at a time, until it expires."""

    def __init__(self) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = LeaseDocument.get_pymongo_collection()

    async def acquire(self, name: str, holder: str, now: datetime, seconds: float) -> bool:
        """Take or renew the lease `name` for `seconds`: one atomic write that succeeds when
        the lease is free, expired or `holder`'s already."""
        try:
            await self.collection.find_one_and_update(
                {"_id": name, "$or": [{"expires_at": {"$lte": now}}, {"holder": holder}]},
                {"$set": {"holder": holder, "expires_at": now + timedelta(seconds=seconds)}},
                upsert=True,
            )
        except DuplicateKeyError:  # held by another, not expired: the upsert found it taken
            return False
        return True

    async def release(self, name: str, holder: str) -> None:
        await self.collection.delete_one({"_id": name, "holder": holder})

    async def holder(self, name: str) -> str | None:
        row = await self.collection.find_one({"_id": name})
        return None if row is None else str(row["holder"])
