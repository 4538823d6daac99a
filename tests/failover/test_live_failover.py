"""A live subscription held through a primary kill of a 3-member replica set: while changes
keep coming through one API process, a subscriber on another stays connected and receives
every committed change's entries exactly once, in order (the change stream resumes after
the last event it handed on)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import MongoClient

from app.devtools.localmongo import ReplicaSet
from tests.api_process import end_orphaned_transactions, process_environment, start_api, stop
from tests.failover.test_failover import _until_healthy, three_members
from tests.failover.traffic import TrafficLog, settle
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member
from tests.live_client import LiveSocket, live_socket

__all__ = ["three_members"]  # the fixture, shared with the money test

WARM_UP = 3.0  # seconds of changes before the kill
AFTER_KILL = 12.0  # seconds of changes after it (the member is restarted meanwhile)
DOWN_SECONDS = 4.0


async def _writer(member: Member, account_id: str, log: TrafficLog, stop: asyncio.Event) -> None:
    """Incomes of 1.00, one at a time, each settled (retried with its key until definite)."""
    i = 0
    while not stop.is_set():
        i += 1
        key = f"live-{i}-{uuid.uuid4()}"
        input = {"accountId": account_id, "amount": "1.00", "payee": f"n{i}", "idempotencyKey": key}
        await settle(member, "RecordIncome", input, 100, log)


async def _kill_and_restart(rs: ReplicaSet) -> None:
    await asyncio.sleep(WARM_UP)
    await _until_healthy(rs)
    primary = await asyncio.to_thread(rs.wait_for_primary)
    await asyncio.to_thread(rs.kill_member, primary)
    await asyncio.sleep(DOWN_SECONDS)
    await asyncio.to_thread(rs.start_member, primary)
    await asyncio.sleep(AFTER_KILL - DOWN_SECONDS)


async def _received_through(socket: LiveSocket, op: str, last: int) -> list[dict[str, Any]]:
    """The entries the subscriber receives until it has seen sequence `last`."""
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["sequence"] < last:
        seen += (await socket.data(op))["accountChanged"]["entries"]
    return seen


@pytest.mark.slow
async def test_a_subscriber_misses_nothing_and_gets_nothing_twice_through_a_primary_kill(
    three_members: ReplicaSet, tmp_path: Path
) -> None:
    rs = three_members
    database = f"envelopes_live_failover_{uuid.uuid4().hex[:8]}"
    env = process_environment(rs.uri, database, REQUEST_TIMEOUT_SECONDS="3")
    writer_api, live_api = (start_api(env, tmp_path / "api.log") for _ in range(2))
    log = TrafficLog()
    try:
        async with httpx.AsyncClient(base_url=writer_api.url, timeout=60) as http:
            ana = await Member.register(GraphQLClient(http), "ana@example.com", "Ana")
            account = await ana.open_account(openingBalance="10.00")
            async with live_socket(live_api.url, ana.token) as socket:
                op = await socket.subscribe("AccountChanged", accountId=account["id"])
                await socket.data(op)  # the account as it is: subscribed
                done = asyncio.Event()
                writer = asyncio.create_task(_writer(ana, account["id"], log, done))
                await _kill_and_restart(rs)
                done.set()
                await writer
                with MongoClient(rs.uri, tz_aware=True) as mongo:
                    committed = [
                        (row["seq"], row["payee"])
                        for row in mongo[database]
                        .transactions.find({"kind": {"$ne": "opening"}})
                        .sort("seq", 1)
                    ]
                received = await _received_through(socket, op, committed[-1][0])
    finally:
        for api in (writer_api, live_api):
            stop(api)
        with MongoClient(rs.uri, tz_aware=True) as mongo:
            end_orphaned_transactions(mongo)
            mongo.drop_database(database)

    assert log.undecided == []
    assert len(committed) == len(log.acknowledged) >= 20
    assert [(e["sequence"], e["payee"]) for e in received] == committed
