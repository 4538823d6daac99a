"""Ledger entries: written in the change's transaction, read as pages and totals.

Pages are keyset-paged on (booking date desc, sequence desc), served by the `history*`
indexes; an `EntryQuery` always leads with the account, which every one of them starts with.

Delta sync (`rev`): every write of an entry sets the entry's `rev` to the `version` of the
entry's account in the change that writes it: `LockedAccount.rev`, the account having been
locked (`tx.lock`) in this transaction. New entries get it from `LedgerTransaction.commit`
(entries recorded with `LockedAccount.record`); every method here that changes stored entries
takes it as `rev=` and sets it in the same update (`{"$set": {..., "rev": rev}}`). A write
that forgets it leaves the change invisible to clients that sync by `changes(since:)`. A
change of entries of two accounts stamps each with its own account's `rev`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.domain.entries import ClearedStatus
from app.persistence.documents.entries import TransactionDocument, TransactionRecord
from app.persistence.documents.month_totals import FlowSum
from app.persistence.keyset import Page, PageFind, PageRequest, SortSpec, fetch_page, page_find
from app.persistence.transactions import Session

HISTORY_SORT: SortSpec = [("booking_date", -1), ("seq", -1)]


@dataclass(frozen=True)
class EntryQuery:
    """Which entries of one account: every given condition holds. Text conditions match a
    part of the payee (or memo), in any case; sizes are the entered amounts, inclusive."""

    account_id: ObjectId
    booked_from: datetime | None = None
    booked_to: datetime | None = None
    envelope_id: ObjectId | None = None
    kinds: tuple[str, ...] = ()
    payee: str | None = None
    min_size: int | None = None
    max_size: int | None = None
    text: str | None = None
    cleared: tuple[str, ...] = ()  # cleared statuses; entries older than the field: uncleared

    def to_mongo(self) -> dict[str, Any]:
        query: dict[str, Any] = {"account_id": self.account_id}
        dates = _range(self.booked_from, self.booked_to)
        if dates:
            query["booking_date"] = dates
        if self.envelope_id is not None:
            query["envelope_ids"] = self.envelope_id
        if self.kinds:
            query["kind"] = {"$in": list(self.kinds)}
        if self.payee:
            query["payee"] = _contains(self.payee)
        sizes = _range(self.min_size, self.max_size)
        if sizes:
            query["size"] = sizes
        if self.text:
            pattern = _contains(self.text)
            query["$or"] = [{"payee": pattern}, {"memo": pattern}]
        if self.cleared:
            statuses: list[str | None] = list(self.cleared)
            if ClearedStatus.UNCLEARED.value in statuses:
                statuses.append(None)  # also matches entries stored without the field
            query["cleared"] = {"$in": statuses}
        return query


def _range(low: object, high: object) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    if low is not None:
        bounds["$gte"] = low
    if high is not None:
        bounds["$lte"] = high
    return bounds


def _contains(text: str) -> dict[str, Any]:
    return {"$regex": re.escape(text.strip()), "$options": "i"}


class EntryRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = (
            TransactionDocument.get_pymongo_collection()
        )

    def bound(self, session: Session) -> EntryRepository:
        """This repository reading in `session` (e.g. a snapshot shared by several reads)."""
        other = copy.copy(self)
        other.session = session
        return other

    async def insert(self, entries: Sequence[TransactionRecord]) -> None:
        if len(entries) == 1:  # the usual change: no bulk machinery for one document
            await self.collection.insert_one(entries[0].to_stored(), session=self.session)
        elif entries:
            rows = [entry.to_stored() for entry in entries]
            await self.collection.insert_many(rows, ordered=True, session=self.session)

    async def get(self, entry_id: ObjectId | None) -> TransactionRecord | None:
        if entry_id is None:
            return None
        row = await self.collection.find_one({"_id": entry_id}, session=self.session)
        return None if row is None else TransactionRecord.model_validate(row)

    async def by_ids(self, ids: Iterable[ObjectId]) -> dict[ObjectId, TransactionRecord]:
        wanted = list(ids)
        if not wanted:  # e.g. the replay of a change that recorded no entry
            return {}
        rows = await self.collection.find({"_id": {"$in": wanted}}).to_list(len(wanted))
        entries = [TransactionRecord.model_validate(row) for row in rows]
        return {entry.id: entry for entry in entries}

    async def mark_reversed(self, entry_id: ObjectId, reversal_id: ObjectId, *, rev: int) -> bool:
        """Link an entry to its reversal, once: False when it was already undone."""
        result = await self.collection.update_one(
            {"_id": entry_id, "reversed_by": None},
            {"$set": {"reversed_by": reversal_id, "rev": rev}},
            session=self.session,
        )
        return result.modified_count == 1

    # --- recategorising and reviewing (each inside the change's transaction) ---------------

    async def live_corrections(self, entry_id: ObjectId) -> list[TransactionRecord]:
        """The standing (not undone) corrections of an entry, oldest first."""
        cursor = self.collection.find(
            {"corrects": entry_id, "reversed_by": None}, session=self.session
        ).sort("seq", 1)
        return [TransactionRecord.model_validate(row) for row in await cursor.to_list(None)]

    async def mark_corrected(
        self, entry_id: ObjectId, correction_id: ObjectId | None, rev: int
    ) -> None:
        """Name the entry's latest standing correction (None: none stands); a recategorised
        entry leaves the review queue."""
        changes: dict[str, Any] = {"corrected_by": correction_id, "rev": rev}
        if correction_id is not None:
            changes["needs_review"] = False
        await self.collection.update_one({"_id": entry_id}, {"$set": changes}, session=self.session)

    async def mark_reviewed(self, ids: Sequence[ObjectId], rev: int) -> int:
        """Take these entries out of the review queue; how many were in it."""
        result = await self.collection.update_many(
            {"_id": {"$in": list(ids)}, "needs_review": True},
            {"$set": {"needs_review": False, "rev": rev}},
            session=self.session,
        )
        return result.modified_count

    async def review_page(
        self, account_id: ObjectId, request: PageRequest, size: int
    ) -> Page[TransactionRecord]:
        """The account's entries waiting for review, newest first (the `needs_review` index)."""
        query = {"account_id": account_id, "needs_review": True}
        return await fetch_page(
            self.collection, query, HISTORY_SORT, request, size, TransactionRecord.model_validate
        )

    async def to_recategorise(
        self,
        account_id: ObjectId,
        booked_from: datetime | None,
        booked_to: datetime | None,
        limit: int,
    ) -> list[TransactionRecord]:
        """The account's income and expenses not undone, newest first (at most `limit`)."""
        query: dict[str, Any] = {
            "account_id": account_id,
            "kind": {"$in": ["income", "expense"]},
            "reversed_by": None,
        }
        dates = _range(booked_from, booked_to)
        if dates:
            query["booking_date"] = dates
        cursor = self.collection.find(query, session=self.session).sort(HISTORY_SORT)
        rows = await cursor.limit(limit).to_list(None)
        return [TransactionRecord.model_validate(row) for row in rows]

    async def corrections_of(self, ids: Sequence[ObjectId]) -> list[TransactionRecord]:
        """The standing corrections of these entries, oldest first."""
        cursor = self.collection.find(
            {"corrects": {"$in": list(ids)}, "reversed_by": None}, session=self.session
        ).sort("seq", 1)
        return [TransactionRecord.model_validate(row) for row in await cursor.to_list(None)]

    async def changed(
        self, account_id: ObjectId, rev: int, after_id: ObjectId | None, through: int, limit: int
    ) -> list[TransactionRecord]:
        """Delta sync: the account's entries after (`rev`, `after_id`) in (rev, id) order —
        with `after_id` None, after every entry stamped `rev` — stamped at most `through`;
        at most `limit` (two reads, each served in order by the `rev_id` index).

        `rev` -1 is before every stamp: it starts with the entries written before stamps
        existed (stored without `rev`, indexed as null), which come back with `rev` -1."""
        found: list[TransactionRecord] = []
        queries: list[dict[str, Any]] = []
        after = {} if after_id is None else {"_id": {"$gt": after_id}}
        if rev < 0:
            queries.append({"account_id": account_id, "rev": None, **after})
        elif after_id is not None:
            queries.append({"account_id": account_id, "rev": rev, **after})
        queries.append({"account_id": account_id, "rev": {"$gt": max(rev, -1), "$lte": through}})
        for query in queries:
            if len(found) >= limit:
                break
            cursor = self.collection.find(query, session=self.session)
            rows = await cursor.sort([("rev", 1), ("_id", 1)]).to_list(limit - len(found))
            found += [TransactionRecord.model_validate({"rev": -1, **row}) for row in rows]
        return found

    # --- clearing and reconciling (each inside the change's transaction) ------------------

    async def in_change(self, ids: Sequence[ObjectId]) -> dict[ObjectId, TransactionRecord]:
        """The entries of these ids that exist, read in the change's transaction."""
        cursor = self.collection.find({"_id": {"$in": list(ids)}}, session=self.session)
        rows = await cursor.to_list(len(ids))
        return {row["_id"]: TransactionRecord.model_validate(row) for row in rows}

    async def set_cleared(
        self, ids: Sequence[ObjectId], before: ClearedStatus, after: ClearedStatus, *, rev: int
    ) -> int:
        """Move these entries (of one account) from one status to the other; how many moved."""
        result = await self.collection.update_many(
            {"_id": {"$in": list(ids)}, "cleared": before.value},
            {"$set": {"cleared": after.value, "rev": rev}},
            session=self.session,
        )
        return result.modified_count

    def _cleared_through(self, account_id: ObjectId, through: datetime) -> dict[str, Any]:
        # Served by the partial `cleared` index: only cleared, unreconciled entries are read.
        return {
            "account_id": account_id,
            "cleared": ClearedStatus.CLEARED.value,
            "booking_date": {"$lte": through},
        }

    async def cleared_sum(self, account_id: ObjectId, through: datetime) -> int:
        """Σ amount of the account's cleared, unreconciled entries booked on or before."""
        pipeline: list[dict[str, Any]] = [
            {"$match": self._cleared_through(account_id, through)},
            {"$group": {"_id": None, "sum": {"$sum": "$amount"}}},
        ]
        cursor = await self.collection.aggregate(pipeline, session=self.session)
        rows = await cursor.to_list(1)
        return int(rows[0]["sum"]) if rows else 0

    async def reconcile(
        self, account_id: ObjectId, through: datetime, reconciliation_id: ObjectId, *, rev: int
    ) -> int:
        """Mark the entries `cleared_sum` summed reconciled by `reconciliation_id`; how many."""
        result = await self.collection.update_many(
            self._cleared_through(account_id, through),
            {
                "$set": {
                    "cleared": ClearedStatus.RECONCILED.value,
                    "reconciliation_id": reconciliation_id,
                    "rev": rev,
                }
            },
            session=self.session,
        )
        return result.modified_count

    async def unreconcile(
        self, account_id: ObjectId, reconciliation_id: ObjectId, *, rev: int
    ) -> int:
        """The entries of a reopened reconciliation go back to cleared; how many."""
        result = await self.collection.update_many(
            {
                "account_id": account_id,
                "reconciliation_id": reconciliation_id,
                "cleared": ClearedStatus.RECONCILED.value,
            },
            {
                "$set": {
                    "cleared": ClearedStatus.CLEARED.value,
                    "reconciliation_id": None,
                    "rev": rev,
                }
            },
            session=self.session,
        )
        return result.modified_count

    async def page(
        self, query: EntryQuery, request: PageRequest, size: int
    ) -> Page[TransactionRecord]:
        return await fetch_page(
            self.collection,
            query.to_mongo(),
            HISTORY_SORT,
            request,
            size,
            TransactionRecord.model_validate,
        )

    def page_lookup(
        self, query: EntryQuery, request: PageRequest, size: int
    ) -> tuple[dict[str, Any], PageFind]:
        """The page `page` reads, as the body of a `$lookup` stage (e.g. joined to the read
        of its account, `AccountRepository.for_member_joined`), and how its rows become the
        page (`PageFind.page(rows, parse)`). The lookup is not
        correlated: its sort and limit are served by the `history*` index, as `page`'s."""
        find = page_find(query.to_mongo(), HISTORY_SORT, request, size)
        body = {
            "from": self.collection.name,
            "pipeline": [
                {"$match": find.filter},
                {"$sort": dict(find.order)},
                {"$limit": find.limit},
            ],
        }
        return body, find

    async def totals(self, query: EntryQuery) -> list[FlowSum]:
        """Per flow: the sum of entry amounts (or of one envelope's lines) and a count."""
        pipeline: list[dict[str, Any]] = [{"$match": query.to_mongo()}]
        amount: Any = "$amount"
        if query.envelope_id is not None:
            pipeline += [
                {"$unwind": "$lines"},
                {"$match": {"lines.envelope_id": query.envelope_id}},
            ]
            amount = "$lines.amount"
        pipeline += [
            {"$group": {"_id": "$flow", "sum": {"$sum": amount}, "n": {"$sum": 1}}},
            {"$project": {"_id": 0, "flow": "$_id", "sum": 1, "n": 1}},
        ]
        cursor = await self.collection.aggregate(pipeline, session=self.session)
        return [FlowSum(row["flow"], row["sum"], row["n"]) for row in await cursor.to_list(None)]
