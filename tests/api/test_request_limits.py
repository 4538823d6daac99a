"""Request limits over HTTP: rate limits per client IP and per user (counted in MongoDB, so
they hold across API processes), the cost estimate of every request, and the execution
timeout. The rate limiters get a settable clock so windows pass without waiting."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.devtools.localmongo import start_replica_set
from tests.conftest import ApiFactory, make_settings, running_api
from tests.graphql_client import ME, GraphQLClient
from tests.ledger_client import Member, operation
from tests.settable_clock import Clock

PING = "{ __typename }"
OPEN = {"input": {"name": "Joint", "type": "CHECKING", "currency": "EUR"}}
START = 60 * 40_000_000 + 15.0  # 15 s into a minute, far in the future (TTL never fires)


def limited(clock: Clock, app: FastAPI) -> None:
    app.state.rate_limiter.clock = clock


@asynccontextmanager
async def client_from(app: FastAPI, ip: str) -> AsyncIterator[GraphQLClient]:
    """Another client of the same running app, from another address."""
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://envelopes.test") as http:
        yield GraphQLClient(http)


def limits(per_ip: int = 1000, per_user: int = 1000, **overrides: Any) -> dict[str, Any]:
    return {
        "rate_limit_enabled": True,
        "rate_limit_per_ip_per_minute": per_ip,
        "rate_limit_per_user_per_minute": per_user,
        **overrides,
    }


async def statuses(gql: GraphQLClient, count: int, token: str | None = None) -> list[int]:
    return [(await gql.execute(PING, token=token)).status for _ in range(count)]


class TestRateLimits:
    async def test_two_api_processes_share_one_counter(self, make_api: ApiFactory) -> None:
        clock = Clock(START)
        async with (
            make_api(**limits(per_ip=3)) as (one, gql_one),
            make_api(**limits(per_ip=3)) as (two, gql_two),
        ):
            limited(clock, one)
            limited(clock, two)
            assert await statuses(gql_one, 2) + await statuses(gql_two, 1) == [200] * 3
            assert (await gql_two.execute(PING)).status == 429
            assert (await gql_one.execute(PING)).status == 429

    async def test_a_refusal_is_a_graphql_error_with_retry_after(
        self, make_api: ApiFactory
    ) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_ip=2)) as (app, gql):
            limited(clock, app)
            assert await statuses(gql, 2) == [200, 200]
            refused = await gql.execute(ME)
        # Two requests 15 s into the minute: they weigh on the next minute too, until
        # 2 * (share of it still in the last 60 s) + 1 ≤ 2, i.e. 30 s into it.
        assert refused.status == 429
        assert refused.headers["retry-after"] == "75"
        assert refused.headers["x-request-id"]
        assert refused.body["errors"] == [
            {
                "message": "Too many requests. Try again in 75 seconds.",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": 75},
            }
        ]
        assert refused.body["extensions"]["cost"] == {"requested": 0, "maximum": 5000}

    async def test_retry_after_is_exactly_when_the_next_request_fits(
        self, make_api: ApiFactory
    ) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_ip=2)) as (app, gql):
            limited(clock, app)
            await statuses(gql, 2)
            wait = int((await gql.execute(PING)).headers["retry-after"])
            clock.now += wait - 1
            assert (await gql.execute(PING)).status == 429
            clock.now += 1
            assert (await gql.execute(PING)).status == 200

    async def test_the_window_resets(self, make_api: ApiFactory) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_ip=3)) as (app, gql):
            limited(clock, app)
            assert await statuses(gql, 4) == [200, 200, 200, 429]
            clock.now += 120  # two minutes on, nothing of the old counts weighs any more
            assert await statuses(gql, 4) == [200, 200, 200, 429]

    async def test_refused_requests_are_not_counted(self, make_api: ApiFactory) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_ip=3)) as (app, gql):
            limited(clock, app)
            assert await statuses(gql, 10) == [200] * 3 + [429] * 7
            clock.now += 60 + 20  # a third of the old minute has slid out: one request fits
            assert await statuses(gql, 2) == [200, 429]

    async def test_the_user_limit_holds_across_addresses(self, make_api: ApiFactory) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_user=3)) as (app, gql):
            limited(clock, app)
            token = (await gql.register("ana@example.com"))["accessToken"]
            async with client_from(app, "203.0.113.1") as a, client_from(app, "203.0.113.2") as b:
                assert await statuses(gql, 1, token) + await statuses(a, 2, token) == [200] * 3
                assert (await b.execute(ME, token=token)).status == 429
                assert (await b.execute(PING)).status == 200  # the address itself is fine

    async def test_the_address_limit_holds_across_users(self, make_api: ApiFactory) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_ip=3)) as (app, gql):
            limited(clock, app)
            async with client_from(app, "203.0.113.1") as a, client_from(app, "203.0.113.2") as b:
                ana = (await a.register("ana@example.com"))["accessToken"]
                ben = (await b.register("ben@example.com"))["accessToken"]
            assert await statuses(gql, 2, ana) + await statuses(gql, 1, ben) == [200] * 3
            assert (await gql.execute(ME, token=ben)).status == 429

    async def test_an_invalid_token_counts_for_the_address_only(self, make_api: ApiFactory) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_user=1)) as (app, gql):
            limited(clock, app)
            token = (await gql.register("ana@example.com"))["accessToken"]
            assert await statuses(gql, 2, token) == [200, 429]
            tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
            reply = await gql.execute(ME, token=tampered)
        assert reply.status == 200
        assert reply.error_codes() == ["UNAUTHENTICATED"]

    async def test_health_checks_and_playground_assets_are_not_limited(
        self, make_api: ApiFactory
    ) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_ip=1)) as (app, gql):
            limited(clock, app)
            assert await statuses(gql, 2) == [200, 429]
            for path in ("/healthz", "/readyz", "/playground/init.js"):
                assert (await gql.http.get(path)).status_code == 200, path

    async def test_a_lease_admits_exactly_the_limit_with_few_round_trips(
        self, make_api: ApiFactory, mongo: Any
    ) -> None:
        """At 150 a minute a process counts 3 requests per round trip (a 50th)."""
        clock = Clock(START)
        async with make_api(**limits(per_ip=150)) as (app, gql):
            limited(clock, app)
            mongo.command("profile", 2)
            try:
                assert await statuses(gql, 151) == [200] * 150 + [429]
            finally:
                mongo.command("profile", 0)
        hits = mongo["system.profile"].count_documents({"ns": {"$regex": r"\.request_counters$"}})
        mongo["system.profile"].drop()
        [counter] = mongo["request_counters"].find()
        assert counter["n"] == 150
        assert 50 <= hits <= 52  # 150 / 3, and the refused one

    async def test_leases_of_two_processes_never_admit_more_than_the_limit(
        self, make_api: ApiFactory, mongo: Any
    ) -> None:
        clock = Clock(START)
        async with (
            make_api(**limits(per_ip=100)) as (one, gql_one),
            make_api(**limits(per_ip=100)) as (two, gql_two),
        ):
            limited(clock, one)
            limited(clock, two)
            answers = []
            for _ in range(60):
                answers += await statuses(gql_one, 1) + await statuses(gql_two, 1)
            # Each process holds at most a lease of 2 it has not used yet.
            assert 100 - 2 * 2 <= answers.count(200) <= 100
            assert answers[-4:] == [429] * 4
        [counter] = mongo["request_counters"].find()
        assert counter["n"] == 100

    async def test_a_lease_lapses_with_its_window(self, make_api: ApiFactory) -> None:
        clock = Clock(START)
        async with make_api(**limits(per_ip=100)) as (app, gql):
            limited(clock, app)
            assert await statuses(gql, 99) == [200] * 99  # the last round trip leased 2
            clock.now += 120
            assert await statuses(gql, 101) == [200] * 100 + [429]

    async def test_turned_off_nothing_is_counted(self, make_api: ApiFactory, mongo: Any) -> None:
        async with make_api(**limits(per_ip=1, rate_limit_enabled=False)) as (_, gql):
            assert await statuses(gql, 3) == [200] * 3
        assert mongo["request_counters"].count_documents({}) == 0

    async def test_counters_expire_by_themselves(self, make_api: ApiFactory, mongo: Any) -> None:
        async with make_api(**limits()) as (_, gql):
            await gql.execute(PING)
        [counter] = mongo["request_counters"].find()
        assert counter["_id"] == "ip:198.51.100.7"
        ttl = mongo["request_counters"].index_information()["expiry_ttl"]
        assert ttl["expireAfterSeconds"] == 0


async def test_a_database_outage_lets_requests_through_to_unavailable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rs = start_replica_set(tmp_path / "outage", members=1)
    settings = make_settings(
        rs.uri, "envelopes_limits_outage", server_selection_timeout_ms=500, **limits()
    )
    try:
        async with running_api(settings) as (_, gql):
            token = (await gql.register("ana@example.com"))["accessToken"]
            rs.kill_member(0)
            started = time.monotonic()
            with caplog.at_level(logging.WARNING, logger="envelopes.rate_limit"):
                replies = [await gql.execute(ME, token=token) for _ in range(2)]
                replies.append(await gql.execute(operation("OpenAccount"), OPEN, token=token))
            waited = time.monotonic() - started
    finally:
        rs.stop()
    for reply in replies:
        assert reply.status == 200
        assert reply.error_codes() == ["UNAVAILABLE"]
    # Not a speed check: without a known primary a request's budget is the server-selection
    # timeout (0.5 s here), not the request timeout (60 s in the tests).
    assert waited < 20
    # One warning, then the limiter stands aside instead of waiting on every request.
    [warning] = [r.getMessage() for r in caplog.records if r.name == "envelopes.rate_limit"]
    assert warning.startswith("rate limiter skipped for 5.0s: ")


class TestQueryCost:
    async def test_every_response_reports_its_cost(self, gql: GraphQLClient) -> None:
        signed_up = await gql.execute(
            operation("Register"),
            {"input": {"email": "ana@example.com", "password": "x" * 12, "displayName": "Ana"}},
        )
        token = signed_up.data["register"]["accessToken"]
        me = await gql.execute(operation("Me"), {"first": 5}, token=token)
        invalid = await gql.execute("{ nope }")
        unparsable = await gql.execute("{ me { id ")
        # register: the payload, its user and 10 for the userErrors list
        assert signed_up.body["extensions"]["cost"] == {"requested": 12, "maximum": 5000}
        # me, its sessions connection, 5 edges with 5 nodes, pageInfo
        assert me.body["extensions"]["cost"] == {"requested": 13, "maximum": 5000}
        for reply in (invalid, unparsable):
            assert reply.body["extensions"]["cost"] == {"requested": 0, "maximum": 5000}

    async def test_page_sizes_from_variables_count(self, gql: GraphQLClient) -> None:
        token = (await gql.register("ana@example.com"))["accessToken"]
        small = await gql.execute(operation("Me"), {"first": 1}, token=token)
        large = await gql.execute(operation("Me"), {"first": 100}, token=token)
        assert small.body["extensions"]["cost"]["requested"] == 1 + 1 + 1 + 1 + 1
        assert large.body["extensions"]["cost"]["requested"] == 1 + 1 + 100 + 100 + 1

    async def test_a_request_over_the_maximum_runs_nothing(self, make_api: ApiFactory) -> None:
        async with make_api(max_query_cost=100) as (_, gql):
            ana = await Member.register(gql, "ana@example.com")
            costly = """mutation($input: OpenAccountInput!) { openAccount(input: $input) {
                account { id transactions(first: 50) { edges { node { id } } } } } }"""
            reply = await gql.execute(
                costly,
                {"input": {"name": "Joint", "type": "CHECKING", "currency": "EUR"}},
                token=ana.token,
            )
            accounts = await gql.execute("{ accounts { id } }", token=ana.token)
        assert reply.status == 200
        assert reply.body["data"] is None
        [error] = reply.errors
        assert error["extensions"] == {"code": "QUERY_TOO_COSTLY"}
        assert error["message"].startswith("The request's estimated cost is 103; the maximum")
        assert reply.body["extensions"]["cost"] == {"requested": 103, "maximum": 100}
        assert accounts.data["accounts"] == []


class TestTimeout:
    """Each app runs alone: Beanie binds the documents of a process to the client of the
    app started last, so the tests start one app after the other."""

    async def test_a_query_out_of_time_gets_code_timeout(self, make_api: ApiFactory) -> None:
        async with make_api() as (_, gql):
            token = (await gql.register("ana@example.com"))["accessToken"]
        async with make_api(request_timeout_seconds=0.000001) as (_, hurried):
            reply = await hurried.execute(ME, token=token)
        assert reply.status == 200
        assert reply.error_codes() == ["TIMEOUT"]
        assert "idempotencyKey" in reply.errors[0]["message"]
        assert reply.body["data"] is None

    async def test_a_money_mutation_out_of_time_changes_nothing_and_can_be_retried(
        self, make_api: ApiFactory
    ) -> None:
        async with make_api() as (_, gql):
            ana = await Member.register(gql, "ana@example.com")
            account = await ana.open_account(openingBalance="100.00")
        income = {"accountId": account["id"], "amount": "10.00", "idempotencyKey": "pay-1"}
        async with make_api(request_timeout_seconds=0.000001) as (_, hurried):
            timed_out = await hurried.execute(
                operation("RecordIncome"), {"input": income}, token=ana.token
            )
        async with make_api() as (_, gql):
            ana.gql = gql
            unchanged = await ana.balances(account["id"])
            retried = await ana.do("RecordIncome", **income)
            repeated = await ana.do("RecordIncome", **income)
            after = await ana.balances(account["id"])
        assert timed_out.error_codes() == ["TIMEOUT"]
        assert unchanged == {"Available": "100.00", "*": "100.00"}
        assert retried["transaction"]["sequence"] == repeated["transaction"]["sequence"] == 2
        assert after == {"Available": "110.00", "*": "110.00"}

    async def test_a_timeout_anywhere_in_a_transfer_never_half_applies_it(
        self, make_api: ApiFactory
    ) -> None:
        async with make_api() as (_, gql):
            ana = await Member.register(gql, "ana@example.com")
            source = await ana.open_account(name="Checking", openingBalance="100.00")
            target = await ana.open_account(name="Savings")
        outcomes = []
        # From "before the first query" to "enough time": the deadline falls somewhere in
        # authentication, the transaction or its commit.
        for step, seconds in enumerate((0.000001, 0.002, 0.006, 0.015, 0.04, 5)):
            transfer = {
                "fromAccountId": source["id"],
                "toAccountId": target["id"],
                "amount": "1.00",
                "idempotencyKey": f"transfer-{step}",
            }
            async with make_api(request_timeout_seconds=seconds) as (_, hurried):
                reply = await hurried.execute(
                    operation("TransferMoney"), {"input": transfer}, token=ana.token
                )
            outcomes.append(reply.error_codes())
            # The client's retry, same key, at once: a transaction cut short must not keep
            # the accounts locked (Database.transaction ends it on the server).
            async with make_api(request_timeout_seconds=5) as (_, gql):
                ana.gql = gql
                await ana.do("TransferMoney", **transfer)
        async with make_api() as (_, gql):
            ana.gql = gql
            balances = [await ana.balances(source["id"]), await ana.balances(target["id"])]
        # Cut before, inside or after the commit (then only reading the payload failed):
        # either way the client sees TIMEOUT and nothing else.
        assert {code for codes in outcomes for code in codes} == {"TIMEOUT"}
        assert outcomes[0] == ["TIMEOUT"]
        assert outcomes[-1] == []
        # Every transfer happened exactly once, both legs of it.
        assert [b["*"] for b in balances] == ["94.00", "6.00"]
