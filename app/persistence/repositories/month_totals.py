"""Per-month figures of every account, kept in step with its entries (`month_totals`).

One document per account, booking month, entry kind and flow: for the account as a whole
(`envelope_id` None) and for each envelope its lines touch, holding the sum and the count.
`add` runs in the transaction that inserts the entries, so the figures can never disagree
with the history. Beside them, per account, month and payee, the spending (flow *expense*) in
`payee_month_totals`, kept the same way (one more bulk write when a change records spending).
`rebuild` recomputes an account's figures from its entries (for accounts written before the
figures existed, and for seeding benchmarks).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from bson import ObjectId
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from app.persistence.documents.accounts import AccountDocument
from app.persistence.documents.entries import TransactionDocument, TransactionRecord
from app.persistence.documents.month_totals import (
    FlowSum,
    MonthTotalDocument,
    PayeeMonthTotalDocument,
    payee_key,
)
from app.persistence.mongo import Database
from app.persistence.transactions import Session, transactional

log = logging.getLogger("envelopes.month_totals")
# (account, envelope or None for the whole account, month, kind, flow)
BucketKey = tuple[ObjectId, ObjectId | None, datetime, str, str]

# (account, month, payee key) → (sum, count, the payee as written)
PayeeKey = tuple[ObjectId, datetime, str]
SPENDING = "expense"

COLLECTION = MonthTotalDocument.Settings.name
PAYEES = PayeeMonthTotalDocument.Settings.name
ENTRIES = TransactionDocument.Settings.name
ACCOUNTS = AccountDocument.Settings.name


def month_of(booking_date: datetime) -> datetime:
    return datetime(booking_date.year, booking_date.month, 1, tzinfo=UTC)


def month_datetime(day: date) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=UTC)


def increments(entries: Iterable[TransactionRecord]) -> dict[BucketKey, tuple[int, int]]:
    """(sum, count) to add per bucket for these entries."""
    found: dict[BucketKey, tuple[int, int]] = {}

    def bump(key: BucketKey, amount: int) -> None:
        total, count = found.get(key, (0, 0))
        found[key] = (total + amount, count + 1)

    for entry in entries:
        account_id, kind, flow = entry.account_id, entry.kind.value, entry.flow.value
        month = month_of(entry.booking_date)
        bump((account_id, None, month, kind, flow), entry.amount)
        for line in entry.lines:
            bump((account_id, line.envelope_id, month, kind, flow), line.amount)
    return found


def payee_increments(
    entries: Iterable[TransactionRecord],
) -> dict[PayeeKey, tuple[int, int, str | None]]:
    """(sum, count, payee as written) to add per account, month and payee: spending only."""
    found: dict[PayeeKey, tuple[int, int, str | None]] = {}
    for entry in entries:
        if entry.flow.value != SPENDING or entry.amount == 0:
            continue
        key = (entry.account_id, month_of(entry.booking_date), payee_key(entry.payee))
        total, count, name = found.get(key, (0, 0, entry.payee))
        found[key] = (total + entry.amount, count + 1, name)
    return found


def _payee_updates(found: dict[PayeeKey, tuple[int, int, str | None]]) -> list[UpdateOne]:
    return [
        UpdateOne(
            {"account_id": account_id, "month": month, "payee": key},
            {"$inc": {"total": total, "entries": count}, "$setOnInsert": {"name": name}},
            upsert=True,
        )
        for (account_id, month, key), (total, count, name) in found.items()
    ]


async def rebuild_payee_totals(
    db: AsyncDatabase[dict[str, Any]], account_id: ObjectId, session: Session | None = None
) -> int:
    """Recompute one account's payee figures from its entries (grouped by the server per
    month and payee as written, then by `payee_key` here: the server's `$toLower` is not
    Python's case folding). Returns the number of figures written."""
    month = {"$dateTrunc": {"date": "$booking_date", "unit": "month", "timezone": "UTC"}}
    pipeline: list[dict[str, Any]] = [
        {"$match": {"account_id": account_id, "flow": SPENDING, "amount": {"$ne": 0}}},
        {"$group": {"_id": {"month": month, "payee": "$payee"},
                    "total": {"$sum": "$amount"}, "entries": {"$sum": 1},
                    "first": {"$min": "$seq"}}},
        {"$sort": {"first": 1}},
    ]  # fmt: skip
    cursor = await db[ENTRIES].aggregate(pipeline, session=session)
    found: dict[PayeeKey, tuple[int, int, str | None]] = {}
    async for row in cursor:
        payee = row["_id"].get("payee")
        key = (account_id, row["_id"]["month"].replace(tzinfo=UTC), payee_key(payee))
        total, count, name = found.get(key, (0, 0, payee))
        found[key] = (total + row["total"], count + row["entries"], name)
    await db[PAYEES].delete_many({"account_id": account_id}, session=session)
    rows = [
        {"account_id": a, "month": m, "payee": p, "name": name, "total": t, "entries": n}
        for (a, m, p), (t, n, name) in found.items()
    ]
    if rows:
        await db[PAYEES].insert_many(rows, session=session)
    await db[ACCOUNTS].update_one(
        {"_id": account_id}, {"$set": {"payee_totals": True}}, session=session
    )
    return len(rows)


def _rebuild_pipeline(account_id: ObjectId, by_envelope: bool) -> list[dict[str, Any]]:
    month = {"$dateTrunc": {"date": "$booking_date", "unit": "month", "timezone": "UTC"}}
    stages: list[dict[str, Any]] = [{"$match": {"account_id": account_id}}]
    amount: Any = "$amount"
    envelope: Any = None
    if by_envelope:
        stages.append({"$unwind": "$lines"})
        amount, envelope = "$lines.amount", "$lines.envelope_id"
    key = {"envelope_id": envelope, "month": month, "kind": "$kind", "flow": "$flow"}
    stages += [
        {"$group": {"_id": key, "total": {"$sum": amount}, "entries": {"$sum": 1}}},
        {
            "$project": {
                "_id": 0,
                "account_id": {"$literal": account_id},
                "envelope_id": "$_id.envelope_id",
                "month": "$_id.month",
                "kind": "$_id.kind",
                "flow": "$_id.flow",
                "total": 1,
                "entries": 1,
            }
        },
    ]
    return stages


async def rebuild_month_totals(
    db: AsyncDatabase[dict[str, Any]], account_id: ObjectId, session: Session | None = None
) -> int:
    """Recompute one account's figures from its entries and mark the account as covered.

    Run it inside the transaction that locked the account (`session`), or on an account
    nobody writes to (seeding). Returns the number of figures written."""
    buckets: list[dict[str, Any]] = []
    for by_envelope in (False, True):
        pipeline = _rebuild_pipeline(account_id, by_envelope)
        cursor = await db[ENTRIES].aggregate(pipeline, session=session)
        buckets += await cursor.to_list(None)
    await db[COLLECTION].delete_many({"account_id": account_id}, session=session)
    if buckets:
        await db[COLLECTION].insert_many(buckets, session=session)
    await db[ACCOUNTS].update_one(
        {"_id": account_id}, {"$set": {"month_totals": True}}, session=session
    )
    return len(buckets) + await rebuild_payee_totals(db, account_id, session)


class MonthTotals:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.buckets: AsyncCollection[dict[str, Any]] = MonthTotalDocument.get_pymongo_collection()
        self.payees: AsyncCollection[dict[str, Any]] = (
            PayeeMonthTotalDocument.get_pymongo_collection()
        )

    def bound(self, session: Session) -> MonthTotals:
        """These figures read in `session` (e.g. a snapshot shared by several reads)."""
        other = copy.copy(self)
        other.session = session
        return other

    async def add(self, entries: Iterable[TransactionRecord]) -> None:
        """Count new entries; call in the transaction that inserts them."""
        entries = list(entries)
        updates = [
            UpdateOne(
                {"account_id": account_id, "envelope_id": envelope_id, "month": month,
                 "kind": kind, "flow": flow},
                {"$inc": {"total": total, "entries": count}},
                upsert=True,
            )
            for (account_id, envelope_id, month, kind, flow), (total, count)
            in increments(entries).items()
        ]  # fmt: skip
        if updates:
            await self.buckets.bulk_write(updates, ordered=False, session=self.session)
        if payees := _payee_updates(payee_increments(entries)):
            await self.payees.bulk_write(payees, ordered=False, session=self.session)

    async def find(
        self,
        account_id: ObjectId,
        envelope_id: ObjectId | None,
        first_month: date | None,
        last_month: date | None,
        kinds: tuple[str, ...],
    ) -> list[FlowSum]:
        """Per flow, the sum and count (as `EntryRepository.totals` gives) of whole months
        `first_month`..`last_month` (None: open-ended)."""
        query: dict[str, Any] = {"account_id": account_id, "envelope_id": envelope_id}
        months: dict[str, Any] = {}
        if first_month is not None:
            months["$gte"] = month_datetime(first_month)
        if last_month is not None:
            months["$lte"] = month_datetime(last_month)
        if months:
            query["month"] = months
        if kinds:
            query["kind"] = {"$in": list(kinds)}
        projection = {"_id": 0, "flow": 1, "total": 1, "entries": 1}
        rows = await self.buckets.find(query, projection, session=self.session).to_list(None)
        return [FlowSum(r["flow"], r["total"], r["entries"]) for r in rows]


class MonthTotalsBackfill:
    """Fills in the figures of every account that predates them (at start-up)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def run(self) -> int:
        """One transaction per account (under the account's lock, so no entry slips in
        between). Returns how many accounts were filled in."""
        done = 0
        accounts = self.db.db[ACCOUNTS]
        behind = {"$or": [{"month_totals": {"$ne": True}}, {"payee_totals": {"$ne": True}}]}
        async for row in accounts.find(behind, {"_id": 1}):
            try:
                await self._fill(row["_id"])
            except PyMongoError:
                log.exception("could not fill in the month totals of account %s", row["_id"])
                continue
            done += 1
        return done

    @transactional
    async def _fill(self, account_id: ObjectId) -> None:
        async with self.db.transaction() as tx:
            await self.db.db[ACCOUNTS].update_one(
                {"_id": account_id}, {"$inc": {"version": 1}}, session=tx.session
            )
            await rebuild_month_totals(self.db.db, account_id, tx.session)
            await tx.commit()
