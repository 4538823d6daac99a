"""Requests leave nothing behind: after many queries and money mutations, no executor of a
finished request is still alive. The plain-field executor keeps compiled plans between
requests; an earlier version raised one shared exception instance to step aside, whose
traceback grew by every raise and kept every such request's frames (about 100 KB each)."""

from __future__ import annotations

import gc

from app.graphql.engine.fast_execution import PlainFieldExecutor
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member


def live_executors() -> int:
    gc.collect()
    return sum(type(o) is PlainFieldExecutor for o in gc.get_objects())


async def test_no_executor_outlives_its_request(gql: GraphQLClient) -> None:
    # Other tests of the session may hold a few (in kept tracebacks); these 60 add none.
    before = live_executors()
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
        page = await ana.query("Transactions", id=account["id"], first=50)
        # One entry alone: its recorder is not loaded ahead, so graphql-core executes the
        # entry again after the fast path stepped aside (a raised signal, each time).
        entry_id = page["account"]["transactions"]["edges"][0]["node"]["id"]
        await ana.query("Transaction", id=entry_id)
    assert live_executors() <= before
