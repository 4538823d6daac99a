"""Live subscriptions over `graphql-transport-ws`, against two real API processes on one
database: a change made through one process reaches subscribers on the other."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import MongoClient
from websockets.exceptions import ConnectionClosed

from app.graphql.relay import to_global_id
from tests.api.ledger.categorising import budget, fund
from tests.api.ledger.test_imports import csv_file, dry_run
from tests.api_process import (
    ApiProcess,
    end_orphaned_transactions,
    process_environment,
    start_api,
    stop,
)
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member
from tests.live_client import WAIT_SECONDS, LiveSocket, live_socket, opened

PAGE = """transactions(first: 100) { edges { node { lines { envelope { id } amount { amount } }
  amount { amount } balanceAfter { amount } recordedBy { id } } } }"""
COSTLY = f"""subscription($id: ID!) {{ accountChanged(accountId: $id) {{
  account {{ one: {PAGE} two: {PAGE} }} entries {{ id }} }} }}"""  # over the default 5,000
LIVE_OPERATIONS = {"AccountChanged", "ImportProgress", "AlertRaised"}
NOT_AN_ACCOUNT = to_global_id("Account", "65a9f3d2e1b2c3d4e5f6a7b8")
NOT_A_JOB = to_global_id("ImportJob", "65a9f3d2e1b2c3d4e5f6a7b8")


@pytest.fixture(scope="module")
def apis(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ApiProcess]]:
    """Two API processes on one fresh database."""
    name = f"envelopes_live_{uuid.uuid4().hex[:8]}"
    log = tmp_path_factory.mktemp("live") / "api.log"
    env = process_environment(mongo_uri, name)
    started = [start_api(env, log), start_api(env, log)]
    yield started
    for api in started:
        stop(api)
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, tz_aware=True)
    end_orphaned_transactions(client)
    client.drop_database(name)
    client.close()


@pytest.fixture
async def through_a(apis: list[ApiProcess]) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=apis[0].url, timeout=60) as http:
        yield GraphQLClient(http)


async def someone(gql: GraphQLClient, name: str = "Ana") -> Member:
    return await Member.register(gql, f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com", name)


async def expense(member: Member, account_id: str, amount: str, payee: str) -> dict[str, Any]:
    return await member.do(
        "RecordExpense", accountId=account_id, amount=amount, payee=payee,
        envelopeId=(await member.envelope_ids(account_id))["Available"],
    )  # fmt: skip


async def first_state(socket: LiveSocket, op_id: str) -> dict[str, Any]:
    change: dict[str, Any] = (await socket.data(op_id))["accountChanged"]
    assert change["entries"] == []
    return change


class TestAuthentication:
    @pytest.mark.parametrize(
        "params",
        [None, {"authorization": "Bearer not-a-token"}, {"authorization": "Basic abc"}],
    )
    async def test_a_socket_without_a_valid_token_is_closed_with_4403(
        self, apis: list[ApiProcess], params: dict[str, Any] | None
    ) -> None:
        async with opened(apis[0].url, params) as connection:
            with pytest.raises(ConnectionClosed) as closed:
                await connection.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403

    async def test_a_subscription_before_the_connection_is_acknowledged_is_4401(
        self, apis: list[ApiProcess]
    ) -> None:
        from websockets.asyncio.client import connect

        from tests.live_client import PROTOCOL, socket_url

        async with connect(socket_url(apis[0].url), subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
            subscribe = {"id": "1", "type": "subscribe", "payload": {"query": "subscription { x }"}}
            await connection.send(json.dumps(subscribe))
            with pytest.raises(ConnectionClosed) as closed:
                await connection.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401

    async def test_queries_are_not_served_over_the_socket(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana = await someone(through_a)
        async with live_socket(apis[0].url, ana.token) as socket:
            op = await socket.subscribe("Me")
            message = await socket.message(op)
        assert message["type"] == "error", message
        [error] = message["payload"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", error

    async def test_the_socket_is_closed_when_its_token_expires(
        self, mongo_uri: str, tmp_path: Path
    ) -> None:
        name = f"envelopes_live_ttl_{uuid.uuid4().hex[:8]}"
        env = process_environment(mongo_uri, name, ACCESS_TOKEN_TTL_SECONDS="2")
        api = start_api(env, tmp_path / "api.log")
        try:
            async with httpx.AsyncClient(base_url=api.url, timeout=60) as http:
                ana = await someone(GraphQLClient(http))
                account = await ana.open_account()
            async with live_socket(api.url, ana.token) as socket:
                op = await socket.subscribe("AccountChanged", accountId=account["id"])
                await first_state(socket, op)
                with contextlib.suppress(ConnectionClosed):  # the reader ends with the socket
                    await asyncio.wait_for(socket.reader, WAIT_SECONDS)
                closed = (socket.connection.close_code, socket.connection.close_reason)
        finally:
            stop(api)
            client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri)
            client.drop_database(name)
            client.close()
        assert closed == (4403, "Token expired")


class TestLimits:
    async def test_a_subscription_over_the_cost_limit_is_refused(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana = await someone(through_a)
        account = await ana.open_account()
        async with live_socket(apis[0].url, ana.token) as socket:
            op = await socket.subscribe_document(COSTLY, id=account["id"])
            message = await socket.message(op)
        assert message["type"] == "next", message
        [error] = message["payload"]["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", error
        assert error["message"].startswith("The request's estimated cost is")


class TestAccountChanged:
    async def test_it_starts_with_the_account_then_sends_each_change_with_its_entries(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana = await someone(through_a)
        account = await ana.open_account(openingBalance="100.00")
        async with live_socket(apis[0].url, ana.token) as socket:
            op = await socket.subscribe("AccountChanged", accountId=account["id"])
            start = await first_state(socket, op)
            assert start["account"]["balance"]["amount"] == "100.00"
            await expense(ana, account["id"], "12.50", "Bakery")
            change = (await socket.data(op))["accountChanged"]
        assert change["account"]["balance"]["amount"] == "87.50"
        [entry] = change["entries"]
        assert (entry["kind"], entry["payee"], entry["amount"]["amount"]) == (
            "EXPENSE", "Bakery", "-12.50",
        )  # fmt: skip
        assert entry["recordedBy"]["displayName"] == "Ana"

    async def test_a_change_through_one_process_reaches_a_subscriber_on_another(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana = await someone(through_a)
        account = await ana.open_account(openingBalance="50.00")
        async with live_socket(apis[1].url, ana.token) as socket:
            op = await socket.subscribe("AccountChanged", accountId=account["id"])
            await first_state(socket, op)
            for i in range(3):
                await expense(ana, account["id"], "1.00", f"Shop {i}")
            seen: list[dict[str, Any]] = []
            while len(seen) < 3:
                seen += (await socket.data(op))["accountChanged"]["entries"]
        assert [e["payee"] for e in seen] == ["Shop 0", "Shop 1", "Shop 2"]
        assert [e["sequence"] for e in seen] == [2, 3, 4]

    async def test_a_member_removed_gets_not_found_and_the_subscription_ends(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana, ben = await someone(through_a), await someone(through_a, "Ben")
        account = await ana.open_account(openingBalance="10.00")
        await ana.do(
            "ShareAccount", accountId=account["id"], email=ben.user["email"], role="VIEWER"
        )
        async with live_socket(apis[1].url, ben.token) as socket:
            op = await socket.subscribe("AccountChanged", accountId=account["id"])
            await first_state(socket, op)
            await ana.do("RemoveMember", accountId=account["id"], userId=ben.user["id"])
            ended = await socket.message(op)
            assert ended["type"] == "next", ended
            [error] = ended["payload"]["errors"]
            assert error["extensions"]["code"] == "NOT_FOUND"
            assert (await socket.message(op))["type"] == "complete"

    async def test_another_users_account_answers_like_one_that_does_not_exist(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana, eve = await someone(through_a), await someone(through_a, "Eve")
        account = await ana.open_account()
        theirs = await refusal(apis[0], eve, "AccountChanged", accountId=account["id"])
        made_up = await refusal(apis[0], eve, "AccountChanged", accountId=NOT_AN_ACCOUNT)
        assert theirs == made_up
        assert [e["extensions"]["code"] for e in theirs] == ["NOT_FOUND"]
        garbage = await refusal(apis[0], eve, "AccountChanged", accountId="bm9wZQ==")
        assert [e["extensions"]["code"] for e in garbage] == ["NOT_FOUND"]


async def refusal(api: ApiProcess, member: Member, name: str, **variables: Any) -> Any:
    """The errors a subscription is refused with (its first and only message, then complete)."""
    async with live_socket(api.url, member.token) as socket:
        op = await socket.subscribe(name, **variables)
        message = await socket.message(op)
        assert message["type"] == "next", message
        assert message["payload"]["data"] is None, message
        assert (await socket.message(op))["type"] == "complete"
    return message["payload"]["errors"]


class TestAlertRaised:
    async def test_a_member_gets_their_alert_as_it_is_raised(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana = await someone(through_a)
        account, ids = await budget(ana, opening="100.00", names=("Food",), allowOverdraft=True)
        await fund(ana, account, ids, Food="10")
        async with live_socket(apis[1].url, ana.token) as socket:
            alerts = await socket.subscribe("AlertRaised")
            # Subscriptions start in the order they were sent: once this later one has
            # answered, the alert subscription is listening.
            await first_state(socket, await socket.subscribe("AccountChanged", accountId=account))
            await ana.do(
                "RecordExpense", accountId=account, envelopeId=ids["Food"], amount="15.00",
                payee="Market",
            )  # fmt: skip
            alert = (await socket.data(alerts))["alertRaised"]
        assert alert["kind"] == "ENVELOPE_OVERSPENT"
        assert alert["envelope"]["name"] == "Food"
        assert alert["amount"] == {"amount": "-5.00", "currency": "EUR"}
        assert alert["account"]["id"] == account


class TestImportProgress:
    async def test_it_follows_a_commit_until_done(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana = await someone(through_a)
        account = await ana.open_account(openingBalance="100.00")
        rows = [(date(2026, 1, 1 + i), f"-{i + 1}.00", f"Payee {i}") for i in range(20)]
        job = await dry_run(ana, account["id"], csv_file(*rows), "s.csv")
        async with live_socket(apis[1].url, ana.token) as socket:
            op = await socket.subscribe("ImportProgress", jobId=job["id"])
            statuses = [(await socket.data(op))["importProgress"]["status"]]
            await ana.do("CommitImport", jobId=job["id"])
            while True:
                message = await socket.message(op)
                if message["type"] == "complete":
                    break
                statuses.append(message["payload"]["data"]["importProgress"]["status"])
        assert statuses[0] == "PREVIEW"
        assert statuses[-1] == "DONE"

    async def test_another_users_job_is_not_found(
        self, apis: list[ApiProcess], through_a: GraphQLClient
    ) -> None:
        ana, eve = await someone(through_a), await someone(through_a, "Eve")
        account = await ana.open_account()
        job = await dry_run(ana, account["id"], csv_file((date(2026, 1, 1), "-1", "X")), "a.csv")
        theirs = await refusal(apis[0], eve, "ImportProgress", jobId=job["id"])
        made_up = await refusal(apis[0], eve, "ImportProgress", jobId=NOT_A_JOB)
        assert theirs == made_up
        assert [e["extensions"]["code"] for e in theirs] == ["NOT_FOUND"]
