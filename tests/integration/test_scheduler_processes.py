"""Exactly once across processes: three real API processes (uvicorn, as in production) run
the scheduler against one replica set, with many schedules whose start dates lie in the
past (so catch-up posts them), some bound to fail for want of money. The process holding
the lease is SIGKILLed mid-run and another started. Afterwards every due occurrence is in
the ledger exactly once or recorded as failed with its reason, never both, and every
account's balance is the sum of its envelopes and of its entries.

A short lease (1.5 s) also lets passes of two processes overlap now and then (a pass that
outlasts its lease): the idempotency keys, not the lease, must keep postings single.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import MongoClient

from app.persistence.documents.schedules import ScheduleRecord
from tests.api_process import end_orphaned_transactions, process_environment, start_api, stop
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

pytestmark = pytest.mark.slow

DAYS_BACK = 40


@pytest.fixture
def database(mongo_uri: str) -> Iterator[tuple[str, Any]]:
    name = f"envelopes_sched_{uuid.uuid4().hex[:8]}"
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, tz_aware=True)
    yield name, client[name]
    end_orphaned_transactions(client)
    client.drop_database(name)
    client.close()


def environment(mongo_uri: str, database: str) -> dict[str, str]:
    return process_environment(
        mongo_uri,
        database,
        REQUEST_TIMEOUT_SECONDS="60",
        SCHEDULER_ENABLED="true",
        SCHEDULER_INTERVAL_SECONDS="0.1",
        SCHEDULER_LEASE_SECONDS="1.5",
        SCHEDULER_BATCH_SIZE="60",
    )


async def _household(url: str) -> None:
    """Ana's accounts and schedules, created through the first process."""
    today = datetime.now(UTC).date()
    start = (today - timedelta(days=DAYS_BACK)).isoformat()
    daily = {"frequency": "DAILY", "startDate": start}
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        ana = await Member.register(GraphQLClient(http), "ana@example.com", "Ana")
        main = await ana.open_account(
            name="Main", openingBalance="100000.00", envelopeNames=["Bills", "Limited"]
        )
        savings = await ana.open_account(name="Savings", type="SAVINGS")
        ids = await ana.envelope_ids(main["id"])
        for name, amount in (("Bills", "5000"), ("Limited", "100")):
            await ana.do(
                "MoveMoney", accountId=main["id"], fromEnvelopeId=ids["Available"],
                toEnvelopeId=ids[name], amount=amount,
            )  # fmt: skip
        specs: list[dict[str, Any]] = []
        specs += [{"kind": "INCOME", "amount": f"{i + 1}.00", "recurrence": daily}
                  for i in range(12)]  # fmt: skip
        specs += [{"kind": "EXPENSE", "amount": "2.50", "envelopeId": ids["Bills"],
                   "recurrence": daily} for _ in range(4)]  # fmt: skip
        # 100 in Limited pays three of these: every later occurrence fails.
        specs += [{"kind": "EXPENSE", "amount": "30", "envelopeId": ids["Limited"],
                   "recurrence": daily} for _ in range(2)]  # fmt: skip
        specs += [{"kind": "TRANSFER", "amount": "1.25", "toAccountId": savings["id"],
                   "recurrence": daily} for _ in range(2)]  # fmt: skip
        weekly = {"frequency": "WEEKLY", "weekend": "BEFORE",
                  "startDate": (today - timedelta(days=200)).isoformat()}  # fmt: skip
        specs += [{"kind": "MOVE", "amount": "1", "fromEnvelopeId": ids["Available"],
                   "toEnvelopeId": ids["Bills"], "recurrence": weekly}]  # fmt: skip
        for i, spec in enumerate(specs):
            await ana.do("CreateSchedule", accountId=main["id"], name=f"S{i}", **spec)


def _entries_posted(db: Any) -> int:
    return int(db.transactions.count_documents({"idempotency_key": {"$regex": "^schedule:"}}))


def _all_caught_up(db: Any) -> bool:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return db.schedules.count_documents({"next_due": {"$lte": today}}) == 0


def _holder_pid(db: Any) -> int | None:
    lease = db.leases.find_one({"_id": "scheduler"})
    return int(lease["holder"].split(":")[1]) if lease else None


def test_three_processes_post_every_due_occurrence_exactly_once(
    mongo_uri: str, database: tuple[str, Any], tmp_path: Path
) -> None:
    name, db = database
    env = environment(mongo_uri, name)
    log = tmp_path / "api.log"
    apis = [start_api(env, log) for _ in range(3)]
    killed = None
    try:
        asyncio.run(_household(apis[0].url))
        # Mid-run: some postings done, many to go. Kill whoever holds the lease.
        deadline = time.monotonic() + 120
        while _entries_posted(db) < 150 and time.monotonic() < deadline:
            time.sleep(0.02)
        holder = _holder_pid(db)
        victim = next(api for api in apis if api.process.pid == holder)
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait()
        killed = _entries_posted(db)
        apis.remove(victim)
        apis.append(start_api(env, log))
        deadline = time.monotonic() + 300
        while not _all_caught_up(db):
            assert time.monotonic() < deadline, "the scheduler did not catch up"
            time.sleep(0.2)
        time.sleep(1)  # let a pass in flight finish its bookkeeping
    finally:
        for api in apis:
            stop(api)
    assert killed is not None
    assert killed < _entries_posted(db), "the kill came after the work was done"
    _check_exactly_once(db)
    _check_invariants(db)


def _check_exactly_once(db: Any) -> None:
    today = datetime.now(UTC).date()
    entries_by_key: Counter[str] = Counter()
    for entry in db.transactions.find({"idempotency_key": {"$regex": "^schedule:"}}):
        entries_by_key[entry["idempotency_key"]] += 1
    failures = successes_limited = 0
    for row in db.schedules.find():
        schedule = ScheduleRecord.model_validate(row)
        expected = schedule.rule().between(schedule.rule().start - timedelta(days=3), today)
        assert expected, schedule.name
        legs = 2 if schedule.kind == "transfer" else 1
        results = {r.scheduled.date(): r for r in schedule.results}
        assert len(schedule.results) == len(results) == len(expected), schedule.name
        posted = 0
        for occurrence in expected:
            key = f"schedule:{schedule.id}:{occurrence.scheduled.isoformat()}"
            result = results[occurrence.scheduled]
            assert result.due.date() == occurrence.due
            if result.status == "posted":
                assert entries_by_key.pop(key) == legs, key
                assert len(result.entry_ids) == legs
                posted += 1
            else:
                assert result.status == "failed", result
                assert key not in entries_by_key, key
                assert result.code == "INSUFFICIENT_FUNDS", result
                assert result.reason
                assert "Limited" in result.reason
                failures += 1
        assert schedule.posted_count == posted
        assert schedule.failed_count == len(expected) - posted
        if schedule.amount == 3000 and schedule.kind == "expense":
            successes_limited += posted
        for entry_id in (i for r in schedule.results for i in r.entry_ids):
            entry = db.transactions.find_one({"_id": entry_id})
            assert entry["idempotency_key"].startswith(f"schedule:{schedule.id}:")
    assert entries_by_key == Counter(), "entries no schedule accounts for"
    assert successes_limited == 3
    assert failures == 2 * (DAYS_BACK + 1) - 3


def _check_invariants(db: Any) -> None:
    for account in db.accounts.find():
        live = sum(e["balance"] for e in account["envelopes"] if not e.get("deleted"))
        entries = list(db.transactions.find({"account_id": account["_id"]}))
        assert account["balance"] == live == sum(e["amount"] for e in entries), account["name"]
        assert sorted(e["seq"] for e in entries) == list(range(1, len(entries) + 1))
        for envelope in account["envelopes"]:
            lines = sum(
                line["amount"]
                for e in entries
                for line in e["lines"]
                if line["envelope_id"] == envelope["id"]
            )
            assert envelope["balance"] == lines, envelope["name"]
            assert envelope["balance"] >= 0
