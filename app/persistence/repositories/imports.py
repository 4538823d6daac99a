"""Import jobs, their preview rows, saved CSV mappings, and the ledger reads an import needs
(import ids already booked, hand-typed entries a row may match)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from app.domain.entries import ClearedStatus, EntryKind
from app.persistence.documents.entries import TransactionDocument, TransactionRecord
from app.persistence.documents.imports import (
    MAX_JOB_ERRORS,
    CsvMappingDocument,
    ImportJobDocument,
    ImportRowDocument,
    RowErrorRecord,
)
from app.persistence.keyset import Page, PageRequest, fetch_page
from app.persistence.transactions import Session

ACTIVE = ("analysing", "queued", "running")
_JOB_ORDER = [("created_at", DESCENDING), ("_id", DESCENDING)]
_ROW_ORDER = [("index", ASCENDING)]


def _job(row: dict[str, Any]) -> ImportJobDocument:
    return ImportJobDocument.model_validate(row)


class ImportJobRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = (
            ImportJobDocument.get_pymongo_collection()
        )

    async def insert(self, job: ImportJobDocument) -> None:
        await self.collection.insert_one(job.model_dump(by_alias=True), session=self.session)

    async def get(self, job_id: ObjectId) -> ImportJobDocument | None:
        row = await self.collection.find_one({"_id": job_id}, session=self.session)
        return None if row is None else _job(row)

    async def page(
        self, account_id: ObjectId, request: PageRequest, size: int
    ) -> Page[ImportJobDocument]:
        return await fetch_page(
            self.collection, {"account_id": account_id}, _JOB_ORDER, request, size, _job
        )

    async def change(
        self, job_id: ObjectId, when: dict[str, Any], fields: dict[str, Any]
    ) -> ImportJobDocument | None:
        """Set `fields` if the job still matches `when`; the job after, or None."""
        row = await self.collection.find_one_and_update(
            {"_id": job_id, **when},
            {"$set": fields},
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        return None if row is None else _job(row)

    async def claim(
        self, job_id: ObjectId, holder: str, now: datetime, seconds: float
    ) -> ImportJobDocument | None:
        """Take the job's lease for `seconds`: when it is active and its lease is free,
        expired or `holder`'s already."""
        return await self.change(
            job_id,
            {
                "status": {"$in": list(ACTIVE)},
                "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}, {"holder": holder}],
            },
            {"holder": holder, "lease_until": now + timedelta(seconds=seconds)},
        )

    async def note_session(self, job_id: ObjectId, holder: str, session: Session) -> None:
        """Remember the session of the batch `holder` is about to write (see `end_session`)."""
        await self.collection.update_one(
            {"_id": job_id, "holder": holder},
            {"$set": {"batch_session": {"holder": holder, "lsid": session.session_id}}},
        )

    async def end_session(self, job: ImportJobDocument, holder: str) -> None:
        """End the transaction of a batch another holder (a process that died mid-batch) left
        open on the server: until MongoDB's transaction lifetime (60 s) ends it, it holds
        the account and the job, and every batch of the job taken over would conflict."""
        noted = job.batch_session
        if noted is None or noted.get("holder") == holder:
            return
        with contextlib.suppress(PyMongoError):  # best effort: the lifetime limit remains
            await self.collection.database.client.admin.command("killSessions", [noted["lsid"]])

    async def orphaned(self, now: datetime, limit: int) -> list[ObjectId]:
        """Active jobs nobody holds (their process died or never started them)."""
        cursor = self.collection.find(
            {
                "status": {"$in": list(ACTIVE)},
                "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}],
            },
            {"_id": 1},
        ).sort("lease_until", ASCENDING)
        return [row["_id"] for row in await cursor.to_list(limit)]

    async def advance(
        self,
        job_id: ObjectId,
        holder: str,
        status: str,
        cursor: int,
        done: int,
        counts: dict[str, int],
        errors: Sequence[RowErrorRecord],
        lease_until: datetime,
    ) -> bool:
        """Move the job's cursor from `cursor` by `done` items, adding `counts` and
        `errors`: only while `holder` holds it in `status` at that cursor (so a batch is
        counted once, by one process). False when it does not."""
        update: dict[str, Any] = {
            "$inc": {"cursor": done, **{f"counts.{k}": v for k, v in counts.items() if v}},
            "$set": {"lease_until": lease_until, "updated_at": lease_until},
        }
        if errors:
            update["$push"] = {
                "errors": {"$each": [e.model_dump() for e in errors], "$slice": MAX_JOB_ERRORS}
            }
        result = await self.collection.update_one(
            {"_id": job_id, "holder": holder, "status": status, "cursor": cursor},
            update,
            session=self.session,
        )
        return result.modified_count == 1


class ImportRowRepository:
    def __init__(self) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = (
            ImportRowDocument.get_pymongo_collection()
        )

    async def insert(self, rows: Sequence[ImportRowDocument]) -> None:
        if rows:
            await self.collection.insert_many([r.model_dump(by_alias=True) for r in rows])

    async def clear(self, job_id: ObjectId) -> None:
        await self.collection.delete_many({"job_id": job_id})

    async def page(
        self, job_id: ObjectId, request: PageRequest, size: int
    ) -> Page[ImportRowDocument]:
        return await fetch_page(
            self.collection,
            {"job_id": job_id},
            _ROW_ORDER,
            request,
            size,
            ImportRowDocument.model_validate,
        )


class CsvMappingRepository:
    def __init__(self) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = (
            CsvMappingDocument.get_pymongo_collection()
        )

    async def get(self, account_id: ObjectId, header_key: str) -> CsvMappingDocument | None:
        row = await self.collection.find_one({"account_id": account_id, "header_key": header_key})
        return None if row is None else CsvMappingDocument.model_validate(row)

    async def save(
        self,
        account_id: ObjectId,
        header_key: str,
        header: list[str],
        mapping: dict[str, Any],
        now: datetime,
    ) -> None:
        await self.collection.update_one(
            {"account_id": account_id, "header_key": header_key},
            {"$set": {"header": header, "mapping": mapping, "updated_at": now}},
            upsert=True,
        )


class ImportEntries:
    """The ledger reads and the one in-place change of an import, inside its transaction."""

    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = (
            TransactionDocument.get_pymongo_collection()
        )

    async def booked(self, account_id: ObjectId, import_ids: Iterable[str]) -> set[str]:
        """Which of `import_ids` the account has already."""
        cursor = self.collection.find(
            {"account_id": account_id, "import_id": {"$in": list(import_ids)}},
            {"_id": 0, "import_id": 1},
            session=self.session,
        )
        return {row["import_id"] for row in await cursor.to_list(None)}

    async def hand_typed(
        self,
        account_id: ObjectId,
        amounts: Iterable[int],
        periods: Sequence[tuple[datetime, datetime]],
    ) -> list[TransactionRecord]:
        """Entries typed by hand (no import id, not undone) of these amounts booked in these
        (disjoint) periods: what the rows of a batch may match. Read along the history index,
        over the periods only, however long the account's history."""
        cursor = self.collection.find(
            {
                "account_id": account_id,
                "$or": [{"booking_date": {"$gte": low, "$lte": high}} for low, high in periods],
                "amount": {"$in": list(set(amounts))},
                "kind": {"$in": [EntryKind.INCOME.value, EntryKind.EXPENSE.value]},
                "import_id": None,
                "reversed_by": None,
            },
            session=self.session,
        ).sort([("booking_date", ASCENDING), ("seq", ASCENDING)])
        rows = await cursor.hint("history").to_list(None)
        return [TransactionRecord.model_validate(row) for row in rows]

    async def mark_matched(self, entry_id: ObjectId, import_id: str, rev: int, clear: bool) -> bool:
        """The hand-typed entry now stands for the imported row: it takes the row's import id
        (so the file imported again skips it), waits for review, and with `clear` becomes
        cleared (the bank has it)."""
        fields: dict[str, Any] = {"import_id": import_id, "needs_review": True, "rev": rev}
        if clear:
            fields["cleared"] = ClearedStatus.CLEARED.value
        result = await self.collection.update_one(
            {"_id": entry_id, "import_id": None},
            {"$set": fields},
            session=self.session,
        )
        return result.modified_count == 1
