"""Catching up due scheduled occurrences after downtime.

Ten households each get an account (10,000.00, of which 5,000.00 moved to "Bills") and ten
automatic daily schedules that started 120 days ago and end after 100 occurrences: seven
incomes with an allocation and three expenses of 1.00 from Bills. That is 10,000 due
occurrences (1,000 with `--quick`: one schedule per household). They are created through the
benchmark's API process, whose scheduler is off (`ENVELOPES_SCHEDULER_ENABLED=false`, see
`bench/infra.py`). Then a fresh API process starts with its scheduler on (a pass every
second, the default batch of 500) and works the backlog off; the benchmark watches the
accounts' sequence numbers (one per posting) until every occurrence is in.

Reported: postings per second from the first pass to the last posting, and the API
process's CPU per posting (from /proc over the same window). A check then confirms that
every schedule posted exactly its 100 occurrences, that no idempotency key was used twice,
and that every account's balance = Σ envelopes = Σ entries.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bench.gql import Api, Household, open_household
from bench.infra import ApiProcess, cpu_seconds

Row = dict[str, Any]
HOUSEHOLDS = 10
OCCURRENCES = 100
INCOMES, EXPENSES = 7, 3


async def prepare(api: Api, run_id: str, quick: bool) -> list[Household]:
    """The households and their schedules (see the module docstring)."""
    start = (datetime.now(UTC).date() - timedelta(days=120)).isoformat()
    rule = {"frequency": "DAILY", "startDate": start, "endAfter": OCCURRENCES}
    houses = []
    for n in range(HOUSEHOLDS):
        house = await open_household(api, f"catchup-{run_id}-{n}@example.com", ["Bills", "Food"])
        await api.call(
            "ledger/RecordIncome",
            {"input": {"accountId": house.account_gid, "amount": "10000.00",
                       "allocations": [{"envelopeId": house.envelope_gids["Bills"],
                                        "amount": "5000.00"}]}},
            house.token,
        )  # fmt: skip
        kinds = ["INCOME"] if quick else ["INCOME"] * INCOMES + ["EXPENSE"] * EXPENSES
        for i, kind in enumerate(kinds):
            schedule: Row = {"accountId": house.account_gid, "name": f"{kind.title()} {i}",
                             "kind": kind, "recurrence": rule}  # fmt: skip
            if kind == "INCOME":
                schedule |= {"amount": "25.00", "allocations": [
                    {"envelopeId": house.envelope_gids["Food"], "amount": "10.00"}]}  # fmt: skip
            else:
                schedule |= {"amount": "1.00", "envelopeId": house.envelope_gids["Bills"]}
            await api.call("ledger/CreateSchedule", {"input": schedule}, house.token)
        houses.append(house)
    return houses


async def _postings(db: AsyncDatabase[Row], houses: list[Household], base: dict[Any, int]) -> int:
    rows = (
        await db["accounts"]
        .find({"_id": {"$in": [h.account_id for h in houses]}}, {"seq": 1})
        .to_list(None)
    )
    return sum(row["seq"] - base[row["_id"]] for row in rows)


async def run(
    db: AsyncDatabase[Row], houses: list[Household], env: dict[str, str], log: Path,
    give_up_after: float = 900,
) -> Row:  # fmt: skip
    """Start a scheduling API process and time it working off the backlog."""
    accounts = db["accounts"]
    rows = await accounts.find({"_id": {"$in": [h.account_id for h in houses]}}).to_list(None)
    base = {row["_id"]: row["seq"] for row in rows}
    due = (
        await db["schedules"].count_documents(
            {"account_id": {"$in": [h.account_id for h in houses]}}
        )
        * OCCURRENCES
    )
    worker_env = env | {
        "ENVELOPES_SCHEDULER_ENABLED": "true",
        "ENVELOPES_SCHEDULER_INTERVAL_SECONDS": "1",
    }
    api = ApiProcess.start(worker_env, log)
    try:
        cpu_before, began = cpu_seconds(api.pid), time.perf_counter()
        first_at = None
        done = 0
        while done < due and time.perf_counter() - began < give_up_after:
            await asyncio.sleep(0.1)
            done = await _postings(db, houses, base)
            if done and first_at is None:
                first_at = time.perf_counter()
        finished, cpu = time.perf_counter(), cpu_seconds(api.pid) - cpu_before
    finally:
        api.stop()
    window = finished - began
    return {
        "due": due,
        "posted": done,
        "seconds_from_ready": round(window, 2),
        "seconds_first_to_last": round(finished - (first_at or began), 2),
        "rate_per_s": round(done / window, 1) if window else float("nan"),
        "api_cpu_ms_per_posting": round(cpu * 1000 / done, 3) if done else float("nan"),
    }


async def check(db: AsyncDatabase[Row], houses: list[Household]) -> Row:
    ids = [h.account_id for h in houses]
    schedules = (
        await db["schedules"]
        .find({"account_id": {"$in": ids}}, {"posted_count": 1, "failed_count": 1})
        .to_list(None)
    )
    keys = await db["transactions"].aggregate([
        {"$match": {"account_id": {"$in": ids}, "idempotency_key": {"$regex": "^schedule:"}}},
        {"$group": {"_id": "$idempotency_key", "n": {"$sum": 1}}},
        {"$group": {"_id": None, "keys": {"$sum": 1}, "most": {"$max": "$n"}}},
    ])  # fmt: skip
    [found] = await keys.to_list(None) or [{"keys": 0, "most": 0}]
    consistent = True
    for account in await db["accounts"].find({"_id": {"$in": ids}}).to_list(None):
        entries = await db["transactions"].aggregate([
            {"$match": {"account_id": account["_id"]}},
            {"$group": {"_id": None, "sum": {"$sum": "$amount"}, "n": {"$sum": 1}}},
        ])  # fmt: skip
        [total] = await entries.to_list(None)
        envelopes = sum(e["balance"] for e in account["envelopes"] if not e.get("deleted"))
        consistent &= account["balance"] == envelopes == total["sum"]
        consistent &= account["seq"] == total["n"]
    return {
        "every_schedule_posted_all": all(
            s["posted_count"] == OCCURRENCES and s["failed_count"] == 0 for s in schedules
        ),
        "posting_keys": found["keys"],
        "key_used_at_most_once": found["most"] <= 1,
        "accounts_consistent": consistent,
    }
