"""An import survives the death of its API process: real API processes (uvicorn, as in
production) over one replica set. A large CSV (with rows typed by hand to be matched, rows
repeated on purpose and malformed rows) is imported; the process committing it is SIGKILLed
mid-commit, another process is started, and the job resumes — by itself (the scheduler of the
new process takes the orphaned job over once its lease has run out) or on request
(`resumeImport`). Afterwards every row is in the ledger exactly once: one entry per import
id, the matched rows as the hand-typed entries and nothing else, the malformed rows reported,
and the account's balance the sum of its envelopes and of its entries.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from bson import ObjectId
from pymongo import MongoClient

from tests.api_process import (
    ApiProcess,
    end_orphaned_transactions,
    process_environment,
    start_api,
    stop,
)
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

pytestmark = pytest.mark.slow

ROWS = 12_000
MALFORMED_EVERY = 997  # a row with a broken amount
MATCHED = (3001, 6002, 9003)  # rows typed by hand first
TODAY = datetime.now(UTC).date()


@pytest.fixture
def database(mongo_uri: str) -> Iterator[tuple[str, Any]]:
    name = f"envelopes_import_{uuid.uuid4().hex[:8]}"
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, tz_aware=True)
    yield name, client[name]
    end_orphaned_transactions(client)
    client.drop_database(name)
    client.close()


def environment(mongo_uri: str, database: str, scheduler: bool) -> dict[str, str]:
    return process_environment(
        mongo_uri,
        database,
        REQUEST_TIMEOUT_SECONDS="60",
        SCHEDULER_ENABLED="true" if scheduler else "false",
        SCHEDULER_INTERVAL_SECONDS="0.2",
        SCHEDULER_LEASE_SECONDS="1",
        IMPORT_LEASE_SECONDS="2",
        IMPORT_BATCH_SIZE="250",
    )


def booking_day(i: int) -> date:
    return TODAY - timedelta(days=300 - i % 300)


def statement() -> bytes:
    """ROWS rows: every 10th repeats the row before it (two real coffees), some malformed."""
    lines = ["Date,Amount,Payee"]
    for i in range(ROWS):
        if i % MALFORMED_EVERY == MALFORMED_EVERY - 1:
            lines.append(f"{booking_day(i)},twelve,Broken {i}")
            continue
        n = i - 1 if i % 10 == 9 else i
        lines.append(f"{booking_day(n)},-{1 + n % 50}.{n % 100:02d},Shop {n}")
    return ("\n".join(lines) + "\n").encode()


def kill(api: ApiProcess) -> None:
    os.killpg(api.process.pid, signal.SIGKILL)
    api.process.wait()


async def _start(url: str) -> tuple[str, str]:
    """Ana, her account with the hand-typed rows, and the import started: (token, job)."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        ana = await Member.register(GraphQLClient(http), "ana@example.com", "Ana")
        account = (await ana.open_account(name="Main", openingBalance="100000.00"))["id"]
        available = (await ana.envelope_ids(account))["Available"]
        for i in MATCHED:
            await ana.do(
                "RecordExpense", accountId=account, envelopeId=available,
                amount=f"{1 + i % 50}.{i % 100:02d}", payee=f"Shop {i}",
                bookingDate=booking_day(i).isoformat(),
            )  # fmt: skip
        file_id = await ana.upload(statement(), "big.csv")
        job = await ana.do("StartImport", accountId=account, fileId=file_id, dryRun=False)
        return ana.token, job["job"]["id"]


def wait_for_commit_midway(db: Any) -> dict[str, Any]:
    """The job once its commit has booked some batches, not all."""
    for _ in range(6000):
        job = db.import_jobs.find_one()
        if job["status"] == "running" and job["cursor"] >= 500:
            return dict(job)
        assert job["status"] not in ("done", "failed"), job
        time.sleep(0.01)
    raise AssertionError("the commit did not start")


async def _finish(url: str, token: str, job_id: str, on_request: bool) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        ana = Member(GraphQLClient(http), token, {})
        for _ in range(3000):
            if on_request:  # until it is taken over (the dead process's lease runs out)
                await ana.attempt("ResumeImport", jobId=job_id)
            job = (await ana.query("ImportJob", id=job_id))["importJob"]
            if job["status"] in ("DONE", "FAILED"):
                return job
            await asyncio.sleep(0.1)
    raise AssertionError(f"the job did not finish: {job}")  # pragma: no cover


@pytest.mark.parametrize("on_request", [False, True], ids=["by itself", "on request"])
def test_an_import_killed_mid_commit_resumes_and_books_every_row_once(
    mongo_uri: str, database: tuple[str, Any], tmp_path: Path, on_request: bool
) -> None:
    name, db = database
    first = start_api(environment(mongo_uri, name, scheduler=True), tmp_path / "first.log")
    try:
        token, job_id = asyncio.run(_start(first.url))
        midway = wait_for_commit_midway(db)
    finally:
        kill(first)
    left = db.import_jobs.find_one({"_id": midway["_id"]})
    assert left["status"] == "running"
    assert 0 < left["cursor"] < left["total"], "killed too late to prove anything"

    second = start_api(
        environment(mongo_uri, name, scheduler=not on_request), tmp_path / "second.log"
    )
    try:
        job = asyncio.run(_finish(second.url, token, job_id, on_request))
    finally:
        stop(second)

    malformed = ROWS // MALFORMED_EVERY
    assert job["status"] == "DONE", job
    assert job["counts"]["errors"] == malformed
    assert job["counts"]["matched"] == len(MATCHED)
    assert job["counts"]["rows"] == ROWS - malformed
    assert job["counts"]["new"] == ROWS - malformed - len(MATCHED)
    assert job["rowsDone"] == job["rowsTotal"] == ROWS

    account_id = db.accounts.find_one()["_id"]
    assert isinstance(account_id, ObjectId)
    entries = list(db.transactions.find({"account_id": account_id}))
    import_ids = [e["import_id"] for e in entries if e.get("import_id")]
    assert len(import_ids) == len(set(import_ids)) == ROWS - malformed
    typed = [e for e in entries if e["seq"] in range(2, 2 + len(MATCHED))]
    assert [e["import_id"].startswith("hash:") for e in typed] == [True] * len(MATCHED)
    assert [e["needs_review"] for e in typed] == [True] * len(MATCHED)
    assert len(entries) == 1 + len(MATCHED) + (ROWS - malformed - len(MATCHED))
    account = db.accounts.find_one({"_id": account_id})
    live = [e["balance"] for e in account["envelopes"] if not e.get("deleted")]
    assert account["balance"] == sum(live) == sum(e["amount"] for e in entries)
    assert sorted(e["seq"] for e in entries) == list(range(1, len(entries) + 1))
