"""A history page read with its account (`app.graphql.ledger.history.prefetch`): one round trip
for `account(id) { transactions(…) }`, answering exactly what the ordinary way answers.

The ordinary way is forced with `filter: {}` (a filter that keeps every entry): each page is
asked for both ways and compared whole. MongoDB's profiler shows which way a request took."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.ledger.test_history import (
    HISTORY_SIZE,
    SHARE,
    open_long_history,
    raw,
    register,
    stored_order,
)
from tests.graphql_client import GraphQLClient, Response
from tests.ledger_client import Member, operation

PAGE = 100
EVERYTHING: dict[str, Any] = {}  # a filter: the ordinary way, same entries


@pytest.fixture
async def ana(gql: GraphQLClient) -> Member:
    return await register(gql, "Ana")


@pytest.fixture
async def ben(gql: GraphQLClient) -> Member:
    return await register(gql, "Ben")


@pytest.fixture
def profiled(mongo: Any) -> Iterator[Any]:
    """The test database with MongoDB's profiler recording every operation."""
    mongo.command("profile", 2)
    try:
        yield mongo
    finally:
        mongo.command("profile", 0)
        mongo.drop_collection("system.profile")  # capped: the emptying after the test skips it


def reads_of(mongo: Any, account_id: str) -> dict[str, int]:
    """How the account's history was read so far: aggregations of the account (joined with a
    page), finds of its entries."""
    account = raw(account_id)
    joined = mongo.system.profile.count_documents(
        {"command.aggregate": "accounts", "command.pipeline.0.$match._id": account}
    )
    pages = mongo.system.profile.count_documents(
        {"command.find": "transactions", "command.filter.account_id": account}
    ) + mongo.system.profile.count_documents(
        {"command.find": "transactions", "command.filter.$and.0.account_id": account}
    )
    return {"joined": joined, "entry_finds": pages}


async def both_ways(member: Member, account_id: str, **variables: Any) -> dict[str, Any]:
    """The page asked for with the account, and the ordinary way: the same answer."""
    joined = await member.send("Transactions", {"id": account_id, **variables})
    ordinary = await member.send(
        "Transactions", {"id": account_id, **variables, "filter": EVERYTHING}
    )
    assert joined.status == ordinary.status == 200
    assert joined.body == ordinary.body
    return joined.body


class TestTheSamePages:
    async def test_walking_forward_and_backward(self, ana: Member, mongo: Any) -> None:
        account_id = await open_long_history(ana, mongo)
        expected = stored_order(mongo, account_id)
        walked: list[int] = []
        after = None
        while True:
            body = await both_ways(ana, account_id, first=PAGE, after=after)
            page = body["data"]["account"]["transactions"]
            walked += [edge["node"]["sequence"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert walked == expected
        assert len(walked) == HISTORY_SIZE
        backward: list[int] = []
        before = None
        while True:
            body = await both_ways(ana, account_id, last=PAGE, before=before)
            page = body["data"]["account"]["transactions"]
            backward = [edge["node"]["sequence"] for edge in page["edges"]] + backward
            if not page["pageInfo"]["hasPreviousPage"]:
                break
            before = page["pageInfo"]["startCursor"]
        assert backward == expected

    async def test_default_and_empty_pages(self, ana: Member) -> None:
        account = await ana.open_account(name="Everyday", openingBalance="10.00")
        await ana.do("RecordIncome", accountId=account["id"], amount="1.00", payee="Pay")
        body = await both_ways(ana, account["id"])
        assert len(body["data"]["account"]["transactions"]["edges"]) == 2
        body = await both_ways(ana, account["id"], first=0)
        assert body["data"]["account"]["transactions"]["edges"] == []

    async def test_every_member_shows_as_who_recorded(self, ana: Member, ben: Member) -> None:
        account = await ana.open_account(name="Shared", openingBalance="10.00")
        await ana.do(SHARE, accountId=account["id"], email="ben@example.com", role="EDITOR")
        await ben.do("RecordIncome", accountId=account["id"], amount="5")
        for member in (ana, ben):
            body = await both_ways(member, account["id"], first=10)
            recorders = [
                edge["node"]["recordedBy"]["displayName"]
                for edge in body["data"]["account"]["transactions"]["edges"]
            ]
            assert recorders == ["Ben", "Ana"]

    async def test_the_fields_that_read_the_whole_entry(self, ana: Member) -> None:
        """`importId`, `accountId`, the linked entries and `suggestion` read the entry's
        record, made from the stored row when first asked for."""
        account = await ana.open_account(name="Everyday", openingBalance="50.00")
        savings = await ana.open_account(name="Savings", type="SAVINGS")
        await ana.do("RecordIncome", accountId=account["id"], amount="10.00", tags=["pay"])
        spent = await ana.do("RecordExpense", accountId=account["id"], amount="2.50", payee="Cafe")
        await ana.do("UndoTransaction", id=spent["transaction"]["id"])
        await ana.do(
            "TransferMoney", fromAccountId=account["id"], toAccountId=savings["id"], amount="5"
        )
        document = """query Whole($id: ID!, $filter: TransactionFilter) { account(id: $id) {
          transactions(first: 20, filter: $filter) { edges { cursor node {
            id sequence kind tags undone cleared needsReview importId accountId
            reverses { id } reversedBy { id sequence } counterpart { id accountId }
            corrects { id } correctedBy { id } suggestion { confidence }
            recordedBy { displayName } } } } } }"""
        replies = [
            await ana.gql.execute(document, {"id": account["id"], "filter": f}, token=ana.token)
            for f in (None, EVERYTHING)
        ]
        assert replies[0].body == replies[1].body
        nodes = [e["node"] for e in replies[0].data["account"]["transactions"]["edges"]]
        assert [n["kind"] for n in nodes] == [
            "TRANSFER", "REVERSAL", "EXPENSE", "INCOME", "OPENING",
        ]  # fmt: skip
        assert nodes[0]["counterpart"]["accountId"] == savings["id"]
        assert nodes[1]["reverses"] == {"id": nodes[2]["id"]}
        assert nodes[2]["reversedBy"] == {"id": nodes[1]["id"], "sequence": nodes[1]["sequence"]}
        assert nodes[3]["tags"] == ["pay"]
        assert {n["accountId"] for n in nodes} == {account["id"]}


class TestTheSameErrors:
    async def test_an_account_that_is_not_yours(self, ana: Member, ben: Member) -> None:
        account = await ana.open_account(name="Mine", openingBalance="10.00")
        body = await both_ways(ben, account["id"], first=10)
        assert body["data"] == {"account": None}
        assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]

    @pytest.mark.parametrize(
        "variables",
        [
            {"first": 10, "after": "not a cursor"},
            {"last": 10, "before": "W10"},
            {"first": 10, "last": 10},
            {"first": 101},
            {"before": "W10"},
        ],
    )
    async def test_bad_arguments(self, ana: Member, variables: dict[str, Any]) -> None:
        account = await ana.open_account(name="Mine", openingBalance="10.00")
        body = await both_ways(ana, account["id"], **variables)
        assert body["data"] == {"account": None}
        assert [e["extensions"]["code"] for e in body["errors"]] == ["VALIDATION"]


class TestWhichWay:
    async def test_a_page_is_read_with_its_account(self, ana: Member, profiled: Any) -> None:
        account = await ana.open_account(name="Everyday", openingBalance="10.00")
        before = reads_of(profiled, account["id"])
        await ana.query("Transactions", id=account["id"], first=10)
        after = reads_of(profiled, account["id"])
        assert after["joined"] == before["joined"] + 1
        assert after["entry_finds"] == before["entry_finds"]
        await ana.query("Transactions", id=account["id"], first=10, filter=EVERYTHING)
        ordinary = reads_of(profiled, account["id"])
        assert ordinary["joined"] == after["joined"]
        assert ordinary["entry_finds"] == after["entry_finds"] + 1

    @pytest.mark.parametrize(
        "document",
        [
            # two pages of one account: each read the ordinary way
            """query Two($id: ID!) { account(id: $id) {
                 newest: transactions(first: 1) { edges { node { sequence } } }
                 oldest: transactions(last: 1) { edges { node { sequence } } } } }""",
            # a directive decides whether the page is asked for
            """query Maybe($id: ID!, $show: Boolean = true) { account(id: $id) {
                 newest: transactions(first: 1) @include(if: $show) { edges { node { sequence } } }
                 oldest: transactions(last: 1) { edges { node { sequence } } } } }""",
        ],
    )
    async def test_what_is_not_one_plain_page_goes_the_ordinary_way(
        self, ana: Member, profiled: Any, document: str
    ) -> None:
        account = await ana.open_account(name="Everyday", openingBalance="10.00")
        await ana.do("RecordIncome", accountId=account["id"], amount="1.00")
        before = reads_of(profiled, account["id"])
        reply = await ana.gql.execute(document, {"id": account["id"]}, token=ana.token)
        assert reply.status == 200
        assert "errors" not in reply.body, reply.body
        assert reply.data["account"] == {
            "newest": {"edges": [{"node": {"sequence": 2}}]},
            "oldest": {"edges": [{"node": {"sequence": 1}}]},
        }
        after = reads_of(profiled, account["id"])
        assert after == {"joined": before["joined"], "entry_finds": before["entry_finds"] + 2}

    async def test_a_page_in_fragments_is_read_with_its_account(
        self, ana: Member, profiled: Any
    ) -> None:
        account = await ana.open_account(name="Everyday", openingBalance="10.00")
        document = """
          query Paged($id: ID!) { account(id: $id) { ...Page ... on Node { id } } }
          fragment Page on Account { ... on Account { transactions(first: 5) {
            edges { node { sequence } } pageInfo { hasNextPage } } } }
        """
        before = reads_of(profiled, account["id"])
        reply: Response = await ana.gql.execute(document, {"id": account["id"]}, token=ana.token)
        assert reply.data["account"]["transactions"] == {
            "edges": [{"node": {"sequence": 1}}],
            "pageInfo": {"hasNextPage": False},
        }
        after = reads_of(profiled, account["id"])
        assert after == {"joined": before["joined"] + 1, "entry_finds": before["entry_finds"]}


def test_the_shipped_history_document_is_the_one_compared() -> None:
    assert "transactions(first: $first, after: $after" in operation("Transactions")
