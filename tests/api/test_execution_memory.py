"""Requests leave nothing behind: after many queries and money mutations, no executor of a
finished request is still alive (the plain-field executor keeps compiled plans between
requests; an earlier version of it also kept every request's executor, about 100 KB each)."""

from __future__ import annotations

import gc

from app.graphql.fast_execution import PlainFieldExecutor
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member


def live_executors() -> int:
    gc.collect()
    return sum(isinstance(o, PlainFieldExecutor) for o in gc.get_objects())


async def test_no_executor_outlives_its_request(gql: GraphQLClient) -> None:
    ana = await Member.register(gql, "ana@example.com", "Ana")
    account = await ana.open_account(openingBalance="100.00", envelopeNames=["Food"])
    ids = await ana.envelope_ids(account["id"])
    for _ in range(20):
        await ana.do(
            "MoveMoney", accountId=account["id"], fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Food"], amount="0.01",
        )  # fmt: skip
        await ana.do(
            "RecordExpense", accountId=account["id"], envelopeId=ids["Food"], amount="0.01"
        )
        await ana.query("Transactions", id=account["id"], first=50)
    assert live_executors() == 0
