"""The benchmark's MongoDB: a 1-member replica set under `.data/bench/<seed key>`, kept
between runs so that the million-entry history is seeded once.

The seed key names the seed version, the number of entries and a digest of the modules
that define how entries and per-month figures are stored; when any of them changes, the
old folder is removed and the history is seeded again. The household that owns the history
is remembered in the `bench_meta` collection; what the mutation benchmark creates is
removed at the end of a run, so the cached database does not grow.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from bench.gql import Api, Household
from bench.infra import ROOT
from bench.seed import History

SEED_VERSION = 1
DATA = ROOT / ".data" / "bench"
DATABASE = "envelopes_bench"
SHAPE_MODULES = [
    ROOT / "app" / "persistence" / "documents" / "entries.py",
    ROOT / "app" / "persistence" / "repositories" / "month_totals.py",
    ROOT / "bench" / "seed.py",
]
Row = dict[str, Any]


def seed_key(entries: int) -> str:
    digest = hashlib.sha256()
    for module in SHAPE_MODULES:
        digest.update(module.read_bytes() if module.exists() else b"")
    return f"v{SEED_VERSION}-{entries}-{digest.hexdigest()[:12]}"


def mongo_folder(entries: int, reseed: bool) -> Path:
    """The folder for this seed; stale folders of the same size are removed."""
    key = seed_key(entries)
    folder = DATA / key
    for old in DATA.glob(f"v*-{entries}-*"):
        if old != folder or reseed:
            shutil.rmtree(old, ignore_errors=True)
    return folder


def _household_row(house: Household) -> Row:
    row = asdict(house)
    row.pop("token")
    return row


async def remember(db: AsyncDatabase[Row], history: History) -> None:
    await db["bench_meta"].replace_one(
        {"_id": "history"},
        {"_id": "history", "email": history.email, "entries": history.entries,
         "savings_entries": history.savings_entries, "seed_seconds": history.seconds,
         "seed_steps": history.steps,
         "checking": _household_row(history.checking),
         "savings": _household_row(history.savings)},
        upsert=True,
    )  # fmt: skip


async def recall(db: AsyncDatabase[Row], api: Api, entries: int) -> History | None:
    """The seeded history of an earlier run (signed in again), or None."""
    row = await db["bench_meta"].find_one({"_id": "history"})
    if row is None or row["entries"] != entries:
        return None
    checking = Household(token="", **row["checking"])
    seeded = await db["transactions"].count_documents({"account_id": checking.account_id})
    if seeded != entries:
        return None
    token = await api.login(row["email"])
    return History(
        email=row["email"],
        checking=Household(**(row["checking"] | {"token": token})),
        savings=Household(**(row["savings"] | {"token": token})),
        entries=row["entries"],
        savings_entries=row["savings_entries"],
        seconds=row["seed_seconds"],
        steps=row.get("seed_steps", {}),
    )


async def forget(db: AsyncDatabase[Row], households: list[Household]) -> None:
    """Remove what the mutation and catch-up benchmarks created (users, accounts, entries,
    figures, schedules)."""
    accounts = [h.account_id for h in households]
    users: list[ObjectId] = [h.user_id for h in households]
    for name in ("transactions", "month_totals", "schedules"):
        await db[name].delete_many({"account_id": {"$in": accounts}})
    await db["accounts"].delete_many({"_id": {"$in": accounts}})
    await db["users"].delete_many({"_id": {"$in": users}})
