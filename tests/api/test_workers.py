"""One API run as deployed, `python -m app.serve` with two worker processes on one port:
what must hold across processes still holds when requests land on either worker.

Each test holds one HTTP connection per worker (a connection stays with the worker that
accepted it; /healthz says which pid that is, checked again after the test's requests), so
it knows which worker served what. The same properties between separate API processes (or
two apps in one test process) are proved in test_request_limits.py, test_open_logins.py,
test_subscriptions.py and tests/integration/test_scheduler_processes.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import MongoClient

from tests.api.test_subscriptions import expense, first_state
from tests.api_process import (
    ApiProcess,
    end_orphaned_transactions,
    process_environment,
    start_api,
    stop,
    worker_pids,
)
from tests.graphql_client import LOGOUT, ME, GraphQLClient
from tests.integration import test_scheduler_processes as scheduler
from tests.ledger_client import Member
from tests.live_client import live_socket

WORKERS = 2
PER_USER = 30  # under 100 a minute: counted request by request, so exact (no leases)
LOGIN_CHECK_CACHE_SECONDS = 0.5
ONE_CONNECTION = httpx.Limits(max_connections=1)


@dataclass
class Worker:
    """A client whose connection is held by one worker process."""

    pid: int
    gql: GraphQLClient

    async def still_serving(self) -> None:
        """The connection did not move: the requests sent through it went to `pid`."""
        assert (await self.gql.http.get("/healthz")).json()["pid"] == self.pid

    def member(self, member: Member) -> Member:
        """`member`, sending their requests through this worker."""
        return Member(self.gql, member.token, member.user)


def database(mongo_uri: str, prefix: str) -> tuple[str, MongoClient[dict[str, Any]]]:
    name = f"envelopes_{prefix}_{uuid.uuid4().hex[:8]}"
    return name, MongoClient(mongo_uri, tz_aware=True)


def drop(client: MongoClient[dict[str, Any]], name: str) -> None:
    end_orphaned_transactions(client)
    client.drop_database(name)
    client.close()


@pytest.fixture(scope="module")
def api(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    name, client = database(mongo_uri, "workers")
    env = process_environment(
        mongo_uri, name,
        RATE_LIMIT_ENABLED="true",
        RATE_LIMIT_PER_USER_PER_MINUTE=str(PER_USER),
        RATE_LIMIT_PER_IP_PER_MINUTE="100000",  # every test's requests come from 127.0.0.1
        LOGIN_CHECK_CACHE_SECONDS=str(LOGIN_CHECK_CACHE_SECONDS),
    )  # fmt: skip
    started = start_api(env, tmp_path_factory.mktemp("workers") / "api.log", workers=WORKERS)
    yield started
    stop(started)
    drop(client, name)


@pytest.fixture
async def workers(api: ApiProcess) -> AsyncIterator[list[Worker]]:
    async with AsyncExitStack() as stack:
        yield await one_client_per_worker(api, stack)


async def one_client_per_worker(api: ApiProcess, stack: AsyncExitStack) -> list[Worker]:
    """New connections until every worker holds one (the kernel picks who accepts each)."""
    expected = await ready_workers(api)
    found: dict[int, Worker] = {}
    for _ in range(200):
        http = httpx.AsyncClient(base_url=api.url, timeout=60, limits=ONE_CONNECTION)
        pid = (await http.get("/healthz")).json()["pid"]
        if pid in found:
            await http.aclose()
            continue
        stack.push_async_callback(http.aclose)
        found[pid] = Worker(pid, GraphQLClient(http))
        if len(found) == WORKERS:
            break
    assert set(found) == expected
    return list(found.values())


async def ready_workers(api: ApiProcess) -> set[int]:
    """The pids of the API's workers once there are WORKERS of them and all are serving
    (a replacement is started at once, and accepts connections once its app has started)."""
    deadline = time.monotonic() + 60
    while len(pids := worker_pids(api)) != WORKERS or not await all_answer(api, pids):
        assert time.monotonic() < deadline, f"workers not ready: {pids}"
        await asyncio.sleep(0.2)
    return pids


async def all_answer(api: ApiProcess, pids: set[int]) -> bool:
    seen: set[int] = set()
    async with httpx.AsyncClient(base_url=api.url, timeout=10) as http:
        for _ in range(100):
            # A fresh connection per request, so that any worker may take it.
            reply = await http.get("/healthz", headers={"Connection": "close"})
            seen.add(reply.json()["pid"])
            if seen == pids:
                return True
    return False


def worker_holding(local_port: int, api: ApiProcess, pids: set[int]) -> int:
    """The worker holding the server end of our connection from `local_port`: its socket's
    inode (in /proc/net/tcp) among the worker's open files."""
    inode = next(
        fields[9]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if (fields := line.split())
        and int(fields[1].split(":")[1], 16) == api.port
        and int(fields[2].split(":")[1], 16) == local_port
    )
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if fd.readlink().name == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker holds the connection from port {local_port}")


async def someone(gql: GraphQLClient) -> Member:
    return await Member.register(gql, f"ana-{uuid.uuid4().hex[:8]}@example.com", "Ana")


async def me_status(worker: Worker, token: str) -> int:
    return (await worker.gql.execute(ME, token=token)).status


async def me_code(worker: Worker, token: str) -> str | None:
    reply = await worker.gql.execute(ME, token=token)
    return reply.errors[0]["extensions"]["code"] if reply.body.get("errors") else None


async def away_from_a_minute_boundary() -> None:
    """Rate-limit windows are wall-clock minutes; a test near the end of one waits for the
    next, so that its burst falls in one window (a sliding minute would otherwise let a
    request or two more through)."""
    second = datetime.now(UTC).second
    if second >= 50:
        await asyncio.sleep(61 - second)


async def test_every_worker_answers_and_is_a_process_of_its_own(
    api: ApiProcess, workers: list[Worker]
) -> None:
    assert len({w.pid for w in workers}) == WORKERS
    assert api.process.pid not in {w.pid for w in workers}


async def test_the_user_limit_holds_across_workers(api: ApiProcess) -> None:
    await away_from_a_minute_boundary()  # before connecting: an idle connection is closed
    async with AsyncExitStack() as stack:
        one, two = workers = await one_client_per_worker(api, stack)
        ana = await someone(one.gql)
        answers: dict[int, list[int]] = {one.pid: [], two.pid: []}
        for _ in range(PER_USER):
            for worker in workers:
                answers[worker.pid].append(await me_status(worker, ana.token))
        for worker in workers:
            await worker.still_serving()
    # Alone, each worker would have let all of its PER_USER requests through.
    half = PER_USER // 2
    assert answers == {pid: [200] * half + [429] * half for pid in (one.pid, two.pid)}


async def test_a_sign_out_on_one_worker_is_refused_by_the_other_within_the_setting(
    workers: list[Worker],
) -> None:
    one, two = workers
    signed = await one.gql.register(f"ben-{uuid.uuid4().hex[:8]}@example.com")
    token = signed["accessToken"]
    assert await me_code(two, token) is None  # two now remembers the login as open
    await one.gql.execute(LOGOUT, {"input": {"refreshToken": signed["refreshToken"]}})
    assert await me_code(one, token) == "UNAUTHENTICATED"
    await asyncio.sleep(LOGIN_CHECK_CACHE_SECONDS)  # what two may remember it for
    assert await me_code(two, token) == "UNAUTHENTICATED"
    for worker in workers:
        await worker.still_serving()


async def test_a_change_through_one_worker_reaches_a_subscriber_on_the_other(
    api: ApiProcess, workers: list[Worker]
) -> None:
    ana = await someone(workers[0].gql)
    account = await ana.open_account(openingBalance="50.00")
    async with live_socket(api.url, ana.token) as socket:
        local_port = socket.connection.local_address[1]
        subscriber = worker_holding(local_port, api, {w.pid for w in workers})
        [other] = [w for w in workers if w.pid != subscriber]
        op = await socket.subscribe("AccountChanged", accountId=account["id"])
        await first_state(socket, op)
        for i in range(3):
            await expense(other.member(ana), account["id"], "1.00", f"Shop {i}")
        seen: list[dict[str, Any]] = []
        while len(seen) < 3:
            seen += (await socket.data(op))["accountChanged"]["entries"]
    assert [e["payee"] for e in seen] == ["Shop 0", "Shop 1", "Shop 2"]
    await other.still_serving()


async def test_a_worker_that_dies_is_replaced_and_the_other_serves_meanwhile(
    api: ApiProcess,
) -> None:
    before = await ready_workers(api)
    victim, survivor = sorted(before)
    os.kill(victim, signal.SIGKILL)
    async with httpx.AsyncClient(base_url=api.url, timeout=60) as http:
        reply = await http.get("/healthz", headers={"Connection": "close"})
    assert reply.json()["pid"] in {survivor} | (worker_pids(api) - before)
    after = await ready_workers(api)
    assert survivor in after
    assert victim not in after


@pytest.mark.slow
async def test_two_workers_post_every_due_occurrence_once_and_a_dead_one_is_replaced(
    mongo_uri: str, tmp_path: Path
) -> None:
    """The scheduler runs in every worker; the lease lets one work at a time. The worker
    holding it is SIGKILLed mid-run: the supervisor starts another, the other worker takes
    the lease over, and every due occurrence is still posted exactly once."""
    name, client = database(mongo_uri, "sched_workers")
    db = client[name]
    api = start_api(scheduler.environment(mongo_uri, name), tmp_path / "api.log", workers=2)
    try:
        before = await ready_workers(api)
        await scheduler._household(api.url)
        deadline = time.monotonic() + 120
        while scheduler._entries_posted(db) < 150:
            assert time.monotonic() < deadline, "the scheduler did not start posting"
            await asyncio.sleep(0.02)
        holder = scheduler._holder_pid(db)
        assert holder is not None
        assert holder in before  # a worker holds the lease, not the supervisor
        os.kill(holder, signal.SIGKILL)
        killed_at = scheduler._entries_posted(db)
        after = await ready_workers(api)
        assert holder not in after
        assert len(after & before) == WORKERS - 1
        deadline = time.monotonic() + 300
        while not scheduler._all_caught_up(db):
            assert time.monotonic() < deadline, "the scheduler did not catch up"
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)  # let a pass in flight finish its bookkeeping
        stop(api)
        assert killed_at < scheduler._entries_posted(db), "the kill came after the work was done"
        scheduler._check_exactly_once(db)
        scheduler._check_invariants(db)
    finally:
        stop(api)
        drop(client, name)
