"""A household's stored records, for its backup and its restore.

`RECORD_TYPES` is the registry of what a backup holds: the account itself, then one entry per
collection of an account's records, in the order they follow their account in a file. Each
names its collection, its stored shape (from which its JSON `Codec` is derived), the fields
holding user ids (written by email in the file's user table, re-linked on restore), its order
in the file and, when a restore must adjust a record, a `fix`. A new collection of an
account's records is one more `RecordType` in `PER_ACCOUNT`; one keyed by the owner (settings,
rules of the household) is one in `PER_OWNER`, with `key="owner_id"` (or its user field).

Derived data is not in the file: `member_ids` (mirrors `members`), the per-month figures
(`month_totals`, summed again from the restored entries), idempotency keys (a user's, 30 days).

A restore writes an account hidden (no `member_ids`, so no query of any member finds it; no
`next_sweep`, so the sweeper passes it by; `restore_job_id` set) with all its records, and
`publish` makes every account of the restore visible in one transaction; `discard` removes
what a failed restore wrote.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from bson import ObjectId
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from app.persistence.backup_codec import Codec, Remap
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.auth import UserProfile
from app.persistence.documents.entries import TransactionRecord
from app.persistence.documents.imports import CsvMappingDocument
from app.persistence.documents.month_totals import MonthTotalDocument, PayeeMonthTotalDocument
from app.persistence.documents.opportunities import DismissedOpportunityDocument
from app.persistence.documents.payment_sources import PaymentSourceDocument
from app.persistence.documents.reconciliations import ReconciliationDocument
from app.persistence.documents.restore_jobs import RestoreJobDocument, RestoreStatus
from app.persistence.documents.rules import RuleDocument
from app.persistence.documents.schedules import ScheduleRecord
from app.persistence.mongo import Database
from app.persistence.repositories.month_totals import month_of, rebuild_payee_totals
from app.persistence.transactions import Session, transactional

ACCOUNTS, USERS, JOBS = "accounts", "users", RestoreJobDocument.Settings.name
HIDDEN = "restore_job_id"
# Stored beside the shape, not part of it: derived (`member_ids`), or a hidden account's marker.
NOT_BACKED_UP = ("member_ids", HIDDEN, "revision_id")


@dataclass(frozen=True)
class RestoreScope:
    """How a restore rewrites ids: the household's own (`ids`), users' (`users`), and the
    accounts (new ids) the restore writes."""

    ids: Remap
    users: Remap
    accounts: frozenset[ObjectId]


Fix = Callable[[dict[str, Any], RestoreScope], None]
# (envelope or None for the whole account, month, kind, flow) → (sum, count) of one account
MonthBuckets = dict[tuple[ObjectId | None, datetime, str, str], tuple[int, int]]


def add_to_buckets(buckets: MonthBuckets, entry: dict[str, Any]) -> None:
    """Count an entry (a stored row) in its account's per-month figures."""
    month, kind, flow = month_of(entry["booking_date"]), entry["kind"], entry["flow"]
    for envelope_id, amount in [(None, entry["amount"])] + [
        (line["envelope_id"], line["amount"]) for line in entry["lines"]
    ]:
        key = (envelope_id, month, kind, flow)
        total, count = buckets.get(key, (0, 0))
        buckets[key] = (total + amount, count + 1)


@dataclass(frozen=True)
class RecordType:
    name: str  # the record's `type` in a backup file
    collection: str
    model: type[BaseModel]
    users: tuple[str, ...] = ()  # dotted paths of the fields holding user ids
    order: tuple[str, ...] = ("_id",)  # ascending, within one account (or owner)
    key: str = "account_id"  # the field naming the account (or the owner) it belongs to
    fix: Fix | None = None
    # An ordering field (0, 1, 2…) the restored rows continue after the owner's own rows.
    append: str | None = None
    keep: Callable[[dict[str, Any]], None] | None = None  # a stored row, before it is written

    @cached_property
    def codec(self) -> Codec:
        return Codec(self.model, self.users)

    def encode(self, row: dict[str, Any]) -> dict[str, Any]:
        for name in NOT_BACKED_UP:
            row.pop(name, None)
        if self.keep is not None:
            self.keep(row)
        return self.codec.encode(row)

    def decode(self, record: dict[str, Any], scope: RestoreScope) -> dict[str, Any]:
        """The row to store; ValueError (or TypeError, KeyError) when the record is not one
        of this type."""
        row = self.codec.decode(record, scope.ids, scope.users)
        if self.fix is not None:
            self.fix(row, scope)
        self.model.model_validate(row)
        return row


def _transfer_within(row: dict[str, Any], scope: RestoreScope) -> None:
    """A transfer with an account that is not in the backup keeps its amount and envelopes,
    but names no counterpart (there is none on the target)."""
    if row.get("counterpart_account_id") not in scope.accounts:
        row["counterpart_account_id"] = row["counterpart_id"] = None


def _paused(row: dict[str, Any], scope: RestoreScope) -> None:
    """A restored schedule starts paused where the backup left it: its copy may still run
    where the backup came from, and it must not post the same movement twice."""
    row["paused"] = True


def _hidden(row: dict[str, Any], scope: RestoreScope) -> None:
    """An account is written with no `member_ids` (no member finds it) until published."""
    row["member_ids"] = []


def _import_identity(row: dict[str, Any]) -> None:
    """The account's identity in import ids travels with it (its id changes on restore)."""
    row["import_key"] = row.get("import_key") or str(row["_id"])


_OBJECT_ID = re.compile(r"\b[0-9a-f]{24}\b")


def _opportunity_key(row: dict[str, Any], scope: RestoreScope) -> None:
    """A dismissed opportunity's key may name an envelope by id: remapped like every id of the
    household, so the restored account keeps it dismissed."""
    row["key"] = _OBJECT_ID.sub(lambda found: str(scope.ids(found[0])), row["key"])


ACCOUNT = RecordType(
    "account",
    ACCOUNTS,
    AccountRecord,
    ("owner_id", "members.user_id"),
    key="_id",
    fix=_hidden,
    keep=_import_identity,
)
PER_ACCOUNT: list[RecordType] = [
    RecordType("entry", "transactions", TransactionRecord, ("recorded_by",), ("seq",),
               fix=_transfer_within),
    RecordType("paymentSource", "payment_sources", PaymentSourceDocument,
               order=("created_at", "_id")),
    RecordType("reconciliation", "reconciliations", ReconciliationDocument,
               ("reconciled_by", "reopened_by"), ("reconciled_at", "_id")),
    RecordType("schedule", "schedules", ScheduleRecord, ("created_by",),
               ("created_at", "_id"), fix=_paused),
    # The CSV mappings saved per account and header (suggested for the next file).
    RecordType("csvMapping", "csv_mappings", CsvMappingDocument, order=("header_key", "_id")),
    # The savings opportunities dismissed ("I know, keep it"); ids in their keys remapped.
    RecordType("dismissedOpportunity", "dismissed_opportunities", DismissedOpportunityDocument,
               ("dismissed_by",), ("dismissed_at", "_id"), fix=_opportunity_key),
]  # fmt: skip
# The owner's categorisation rules: their envelope and account references are remapped like
# every id of the household; restored, they join the restorer's rules after their own (the
# order among the restored ones kept). The auto-filing threshold is not backed up: the target
# household keeps its own setting.
PER_OWNER: list[RecordType] = [
    RecordType(
        "rule",
        "rules",
        RuleDocument,
        ("owner_id",),
        ("position", "_id"),
        key="owner_id",
        append="position",
    ),
]
ENTRY = PER_ACCOUNT[0]


def record_types() -> dict[str, RecordType]:
    """Every record type of a file, by name."""
    return {kind.name: kind for kind in [ACCOUNT, *PER_ACCOUNT, *PER_OWNER]}


@dataclass(frozen=True)
class EntryFigures:
    count: int
    total: int
    first_seq: int
    last_seq: int


class HouseholdStore:
    def __init__(self, db: Database) -> None:
        self.database = db
        self.db: AsyncDatabase[dict[str, Any]] = db.db

    # --- backup: reads in one snapshot session ----------------------------------------------

    async def owned_accounts(
        self, owner_id: ObjectId, account_ids: list[ObjectId] | None, session: Session
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"owner_id": owner_id, HIDDEN: {"$exists": False}}
        if account_ids is not None:
            query["_id"] = {"$in": account_ids}
        cursor = self.db[ACCOUNTS].find(query, session=session).sort("created_at", 1)
        return await cursor.to_list(None)

    async def users_named(
        self, accounts: list[dict[str, Any]], owner_id: ObjectId, session: Session
    ) -> dict[ObjectId, UserProfile | None]:
        """Every user the records name (members, who recorded, who reconciled…), with
        their profile (None: no longer a user)."""
        account_ids = [a["_id"] for a in accounts]
        found: set[ObjectId] = {owner_id}
        for account in accounts:
            found.update(m["user_id"] for m in account["members"])
        scopes = [(kind, account_ids) for kind in PER_ACCOUNT]
        scopes += [(kind, [owner_id]) for kind in PER_OWNER]
        for kind, keys in scopes:
            for path in kind.users:
                values = await self.db[kind.collection].distinct(
                    path, {kind.key: {"$in": keys}}, session=session
                )
                found.update(v for v in values if isinstance(v, ObjectId))
        rows = self.db[USERS].find({"_id": {"$in": list(found)}}, UserProfile.PROJECTION)
        profiles = {row["_id"]: UserProfile.model_validate(row) async for row in rows}
        return {user_id: profiles.get(user_id) for user_id in sorted(found)}

    async def records(
        self, kind: RecordType, key: ObjectId, session: Session, batch: int = 2000
    ) -> AsyncIterator[dict[str, Any]]:
        """The records of one account (or owner), encoded, in the file's order."""
        cursor = (
            self.db[kind.collection]
            .find({kind.key: key}, session=session, batch_size=batch)
            .sort([(name, 1) for name in kind.order])
        )
        async for row in cursor:
            yield kind.encode(row)

    # --- restore ------------------------------------------------------------------------------

    async def emails(self, keys: Iterable[str]) -> dict[str, ObjectId]:
        """The users of this instance with these email keys (lower-cased addresses)."""
        rows = self.db[USERS].find({"email_key": {"$in": list(keys)}}, {"email_key": 1})
        return {row["email_key"]: row["_id"] async for row in rows}

    async def insert_hidden(self, account: dict[str, Any], job_id: ObjectId) -> None:
        hidden = {**account, "member_ids": [], "next_sweep": None, "sweep_from": None}
        hidden["month_totals"] = True  # written by `write_totals` before it is published
        hidden["payee_totals"] = True
        hidden[HIDDEN] = job_id
        await self.db[ACCOUNTS].insert_one(hidden)

    async def insert(self, kind: RecordType, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.db[kind.collection].insert_many(rows, ordered=False)

    async def entry_figures(self, account_id: ObjectId) -> EntryFigures:
        pipeline: list[dict[str, Any]] = [
            {"$match": {"account_id": account_id}},
            {"$group": {"_id": None, "n": {"$sum": 1}, "total": {"$sum": "$amount"},
                        "first": {"$min": "$seq"}, "last": {"$max": "$seq"}}},
        ]  # fmt: skip
        rows = await (await self.db[ENTRY.collection].aggregate(pipeline)).to_list(None)
        if not rows:
            return EntryFigures(0, 0, 0, 0)
        row = rows[0]
        return EntryFigures(row["n"], row["total"], row["first"], row["last"])

    async def write_totals(self, account_id: ObjectId, totals: MonthBuckets) -> None:
        """The hidden account's per-month figures, summed from its entries as they were
        written (see `app.persistence.repositories.month_totals`): the same documents
        `rebuild_month_totals` makes, without reading a million entries again."""
        rows = [
            {"account_id": account_id, "envelope_id": envelope_id, "month": month, "kind": kind,
             "flow": flow, "total": total, "entries": count}
            for (envelope_id, month, kind, flow), (total, count) in totals.items()
        ]  # fmt: skip
        collection = self.db[MonthTotalDocument.Settings.name]
        await collection.delete_many({"account_id": account_id})
        if rows:
            await collection.insert_many(rows, ordered=False)
        # The spending per payee is summed by the server (a restore is rare; its entries are
        # written already, and nobody else writes to the hidden account).
        await rebuild_payee_totals(self.db, account_id)

    @transactional
    async def publish(
        self,
        job_id: ObjectId,
        visible: dict[ObjectId, dict[str, Any]],
        done: dict[str, Any],
        owned: dict[str, list[dict[str, Any]]],
    ) -> None:
        """Make the restore's hidden accounts visible and its job done (`done`: the job's
        fields), all in one transaction, if the job is still running: `visible` holds the
        fields each account gets back (`member_ids`, `next_sweep`, `sweep_from`); `owned` the
        rows of the owner's records (`PER_OWNER`, by type), written in that transaction."""
        async with self.database.transaction() as tx:
            types = record_types()
            for name, rows in owned.items():
                if rows:
                    await self._append(types[name], rows, tx.session)
                    await self.db[types[name].collection].insert_many(rows, session=tx.session)
            job = await self.db[JOBS].update_one(
                {"_id": job_id, "status": RestoreStatus.RESTORING.value},
                {"$set": done},
                session=tx.session,
            )
            if job.modified_count != 1:
                raise LookupError(f"restore {job_id} is no longer running")
            for account_id, fields in visible.items():
                shown = await self.db[ACCOUNTS].update_one(
                    {"_id": account_id, HIDDEN: job_id},
                    {"$set": fields, "$unset": {HIDDEN: ""}},
                    session=tx.session,
                )
                if shown.modified_count != 1:
                    raise LookupError(f"hidden account {account_id} is gone")
            await tx.commit()

    async def _append(self, kind: RecordType, rows: list[dict[str, Any]], session: Any) -> None:
        """Number the rows of an ordered type after the owner's own (read in the transaction
        that writes them)."""
        if kind.append is None:
            return
        field, owner = kind.append, rows[0][kind.key]
        last = await self.db[kind.collection].find_one(
            {kind.key: owner}, {field: 1}, sort=[(field, -1)], session=session
        )
        start = 0 if last is None else last[field] + 1
        for i, row in enumerate(sorted(rows, key=lambda r: (r[field], r["_id"]))):
            row[field] = start + i

    async def discard(self, job_id: ObjectId) -> None:
        """Remove every hidden account of the restore and all it wrote for them."""
        rows = self.db[ACCOUNTS].find({HIDDEN: job_id}, {"_id": 1})
        account_ids = [row["_id"] async for row in rows]
        if not account_ids:
            return
        collections = [kind.collection for kind in PER_ACCOUNT]
        collections.append(MonthTotalDocument.Settings.name)
        collections.append(PayeeMonthTotalDocument.Settings.name)
        for name in collections:
            await self.db[name].delete_many({"account_id": {"$in": account_ids}})
        await self.db[ACCOUNTS].delete_many({HIDDEN: job_id})
