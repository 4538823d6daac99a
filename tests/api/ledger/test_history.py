"""Reading the ledger: the keyset-paged history of an account, its filters, its totals, and
single entries by id (`transaction` and `node`)."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

import pytest
from bson import ObjectId

from app.core.tokens_b64 import b64url_encode
from app.graphql.relay import from_global_id, to_global_id
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

PAGE = 100
HISTORY_SIZE = 1000

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Transaction { sequence kind amount { amount currency } payee }
  }
}
"""
SHARE = "ShareAccount"


def raw(global_id: str) -> ObjectId:
    decoded = from_global_id(global_id)
    assert decoded is not None, global_id
    return ObjectId(decoded[1])


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def sequences(connection: dict[str, Any]) -> list[int]:
    return [edge["node"]["sequence"] for edge in connection["edges"]]


async def register(gql: GraphQLClient, name: str) -> Member:
    return await Member.register(gql, f"{name.lower()}@example.com", name)


async def history(member: Member, account_id: str, **variables: Any) -> dict[str, Any]:
    data = await member.query("Transactions", id=account_id, **variables)
    connection: dict[str, Any] = data["account"]["transactions"]
    return connection


async def history_errors(member: Member, account_id: str, **variables: Any) -> list[Any]:
    reply = await member.send("Transactions", {"id": account_id, **variables})
    assert reply.status == 200
    assert reply.body["data"] == {"account": None}, reply.body
    return reply.errors


async def totals(member: Member, account_id: str, **filter: Any) -> dict[str, Any]:
    data = await member.query("Totals", id=account_id, filter=filter or None)
    found: dict[str, Any] = data["account"]["totals"]
    return {key: value if key == "count" else value["amount"] for key, value in found.items()}


async def open_long_history(member: Member, mongo: Any, size: int = HISTORY_SIZE) -> str:
    """An account of `size` entries: a few recorded through the API, the rest stored directly
    in the shape the app writes, booked on past days (several per day, out of recording
    order), with the account's sequence, balance and Available balance kept consistent."""
    account = await member.open_account(name="Everyday", openingBalance="10.00")
    for i in range(3):
        await member.do("RecordIncome", accountId=account["id"], amount="1.00", payee=f"API {i}")
    account_id = raw(account["id"])
    stored = mongo.accounts.find_one({"_id": account_id})
    template = mongo.transactions.find_one({"account_id": account_id, "kind": "income"})
    available = next(e for e in stored["envelopes"] if e["builtin"])
    rng = random.Random(20240601)
    today = datetime.now(UTC).date()
    balance = stored["balance"]
    rows = []
    for seq in range(stored["seq"] + 1, size + 1):
        amount = 100 + seq
        balance += amount
        day = today - timedelta(days=rng.randint(1, 150))
        rows.append(
            {
                **template,
                "_id": ObjectId(),
                "seq": seq,
                "booking_date": midnight(day),
                "amount": amount,
                "size": amount,
                "lines": [{"envelope_id": available["id"], "amount": amount}],
                "envelope_ids": [available["id"]],
                "payee": f"Payer {seq}",
                "tags": [],
                "balance_after": balance,
            }
        )
    mongo.transactions.insert_many(rows)
    added = balance - stored["balance"]
    mongo.accounts.update_one(
        {"_id": account_id, "envelopes.id": available["id"]},
        {
            "$set": {
                "seq": size,
                "balance": balance,
                "envelopes.$.balance": available["balance"] + added,
            }
        },
    )
    return str(account["id"])


def stored_order(mongo: Any, account_id: str) -> list[int]:
    """The history order computed independently: booking date desc, then sequence desc."""
    rows = mongo.transactions.find({"account_id": raw(account_id)}, {"seq": 1, "booking_date": 1})
    ordered = sorted(rows, key=lambda r: (r["booking_date"], r["seq"]), reverse=True)
    return [r["seq"] for r in ordered]


class TestPagingThroughALongHistory:
    @pytest.fixture
    async def ana(self, gql: GraphQLClient) -> Member:
        return await register(gql, "Ana")

    async def test_walking_forward_yields_every_entry_once_in_order(
        self, ana: Member, mongo: Any
    ) -> None:
        account_id = await open_long_history(ana, mongo)
        expected = stored_order(mongo, account_id)
        assert len(expected) == HISTORY_SIZE
        walked: list[int] = []
        days: list[str] = []
        infos = []
        after = None
        for _ in range(HISTORY_SIZE // PAGE + 2):
            page = await history(ana, account_id, first=PAGE, after=after)
            walked += sequences(page)
            days += [edge["node"]["bookingDate"] for edge in page["edges"]]
            infos.append(page["pageInfo"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert walked == expected
        assert days == sorted(days, reverse=True)
        assert len(set(days)) < HISTORY_SIZE / 5  # many entries share a booking date
        assert len(infos) == HISTORY_SIZE // PAGE
        assert [i["hasNextPage"] for i in infos] == [True] * 9 + [False]
        assert [i["hasPreviousPage"] for i in infos] == [False] + [True] * 9

    async def test_walking_backward_yields_every_entry_once_in_order(
        self, ana: Member, mongo: Any
    ) -> None:
        account_id = await open_long_history(ana, mongo)
        expected = stored_order(mongo, account_id)
        walked: list[int] = []
        infos = []
        before = None
        for _ in range(HISTORY_SIZE // PAGE + 2):
            page = await history(ana, account_id, last=PAGE, before=before)
            assert len(page["edges"]) == PAGE
            walked = sequences(page) + walked
            infos.append(page["pageInfo"])
            if not page["pageInfo"]["hasPreviousPage"]:
                break
            before = page["pageInfo"]["startCursor"]
        assert walked == expected
        assert len(infos) == HISTORY_SIZE // PAGE
        assert [i["hasPreviousPage"] for i in infos] == [True] * 9 + [False]
        assert [i["hasNextPage"] for i in infos] == [False] + [True] * 9

    async def test_entries_booked_during_a_walk_neither_repeat_nor_hide_older_ones(
        self, ana: Member, mongo: Any
    ) -> None:
        account_id = await open_long_history(ana, mongo)
        expected = stored_order(mongo, account_id)
        walked: list[int] = []
        after = None
        for i in range(HISTORY_SIZE // PAGE + 2):
            page = await history(ana, account_id, first=PAGE, after=after)
            walked += sequences(page)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
            await ana.do("RecordIncome", accountId=account_id, amount="2.00", payee=f"Late {i}")
        assert walked == expected
        assert len(set(walked)) == len(walked)
        newest = await history(ana, account_id, first=PAGE)
        late = list(range(HISTORY_SIZE + 9, HISTORY_SIZE, -1))
        assert sequences(newest)[: len(late)] == late

    async def test_a_page_between_two_cursors_continues_exactly_where_the_last_one_ended(
        self, ana: Member, mongo: Any
    ) -> None:
        account_id = await open_long_history(ana, mongo, size=250)
        expected = stored_order(mongo, account_id)
        first = await history(ana, account_id, first=PAGE)
        second = await history(ana, account_id, first=PAGE, after=first["pageInfo"]["endCursor"])
        back = await history(ana, account_id, last=PAGE, before=second["pageInfo"]["startCursor"])
        assert sequences(first) == expected[:PAGE]
        assert sequences(second) == expected[PAGE : 2 * PAGE]
        assert sequences(back) == expected[:PAGE]
        assert [e["cursor"] for e in back["edges"]] == [e["cursor"] for e in first["edges"]]
        assert second["pageInfo"]["startCursor"] == second["edges"][0]["cursor"]
        assert second["pageInfo"]["endCursor"] == second["edges"][-1]["cursor"]


class TestPageInfoAndConnectionArguments:
    @pytest.fixture
    async def ana(self, gql: GraphQLClient) -> Member:
        return await register(gql, "Ana")

    @pytest.fixture
    async def account_id(self, ana: Member) -> str:
        account = await ana.open_account(openingBalance="50.00")
        for amount in ("1.00", "2.00", "3.00", "4.00"):
            await ana.do("RecordIncome", accountId=account["id"], amount=amount)
        return str(account["id"])

    async def test_a_page_holding_the_whole_history_has_neither_next_nor_previous(
        self, ana: Member, account_id: str
    ) -> None:
        page = await history(ana, account_id, first=PAGE)
        assert sequences(page) == [5, 4, 3, 2, 1]
        assert page["pageInfo"]["hasNextPage"] is False
        assert page["pageInfo"]["hasPreviousPage"] is False

    async def test_the_first_page_of_a_longer_history_has_a_next_page(
        self, ana: Member, account_id: str
    ) -> None:
        page = await history(ana, account_id, first=2)
        assert sequences(page) == [5, 4]
        assert page["pageInfo"]["hasNextPage"] is True
        assert page["pageInfo"]["hasPreviousPage"] is False

    async def test_the_page_reaching_the_oldest_entry_has_no_next_page(
        self, ana: Member, account_id: str
    ) -> None:
        first = await history(ana, account_id, first=3)
        rest = await history(ana, account_id, first=3, after=first["pageInfo"]["endCursor"])
        assert sequences(rest) == [2, 1]
        assert rest["pageInfo"]["hasNextPage"] is False
        assert rest["pageInfo"]["hasPreviousPage"] is True

    async def test_the_last_page_counted_from_the_end_has_a_previous_page(
        self, ana: Member, account_id: str
    ) -> None:
        page = await history(ana, account_id, last=2)
        assert sequences(page) == [2, 1]
        assert page["pageInfo"]["hasPreviousPage"] is True
        assert page["pageInfo"]["hasNextPage"] is False

    async def test_the_page_reaching_the_newest_entry_going_backward_has_no_previous_page(
        self, ana: Member, account_id: str
    ) -> None:
        last = await history(ana, account_id, last=3)
        rest = await history(ana, account_id, last=3, before=last["pageInfo"]["startCursor"])
        assert sequences(rest) == [5, 4]
        assert rest["pageInfo"]["hasPreviousPage"] is False
        assert rest["pageInfo"]["hasNextPage"] is True

    async def test_without_arguments_a_page_holds_twenty_entries(
        self, ana: Member, mongo: Any
    ) -> None:
        account_id = await open_long_history(ana, mongo, size=30)
        page = await history(ana, account_id)
        assert len(page["edges"]) == 20
        assert page["pageInfo"]["hasNextPage"] is True

    async def test_an_empty_result_has_no_cursors(self, ana: Member, account_id: str) -> None:
        page = await history(ana, account_id, first=10, filter={"payee": "nobody at all"})
        assert page["edges"] == []
        assert page["pageInfo"] == {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        }

    async def test_a_page_of_exactly_one_hundred_is_allowed(
        self, ana: Member, account_id: str
    ) -> None:
        assert len((await history(ana, account_id, last=PAGE))["edges"]) == 5

    @pytest.mark.parametrize(
        "arguments",
        [
            {"first": 101},
            {"last": 101},
            {"first": -1},
            {"first": 2, "last": 2},
            {"last": 2, "after": "x"},
            {"first": 2, "before": "x"},
        ],
        ids=["first-101", "last-101", "negative-first", "first-and-last", "last-after", "before"],
    )
    async def test_bad_connection_arguments_are_a_validation_error(
        self, ana: Member, account_id: str, arguments: dict[str, Any]
    ) -> None:
        [error] = await history_errors(ana, account_id, **arguments)
        assert error["extensions"]["code"] == "VALIDATION"
        assert error["path"] == ["account", "transactions"]

    @pytest.mark.parametrize(
        "cursor",
        [
            "garbage",
            "!!!",
            b64url_encode(b"not json"),
            b64url_encode(b'{"a": 1}'),
            b64url_encode(b"[1]"),
            b64url_encode(b'[{"d": "yesterday"}, 3]'),
            b64url_encode(b'[{"o": "not an object id"}, 3]'),
            b64url_encode(json.dumps([{"d": "2024-01-01T00:00:00+00:00"}, 10**30]).encode()),
        ],
        ids=[
            "word",
            "symbols",
            "not-json",
            "not-a-list",
            "too-short",
            "bad-date",
            "bad-object-id",
            "huge-number",
        ],
    )
    async def test_a_garbage_cursor_is_a_validation_error(
        self, ana: Member, account_id: str, cursor: str
    ) -> None:
        for arguments in ({"first": 2, "after": cursor}, {"last": 2, "before": cursor}):
            [error] = await history_errors(ana, account_id, **arguments)
            assert error["extensions"]["code"] == "VALIDATION", error
            assert error["message"] == "Invalid cursor."


class TestFilteringTheHistory:
    """A month of entries (opening today; the rest in March-April 2024):

    seq  kind     amount  envelopes         payee            memo
    1    opening  1000    Available         —                —
    2    income    500    Food,Rent,Avail.  ACME Payroll     March salary        2024-03-01
    3    expense   42.50  Food              Corner Market    weekly shop         2024-03-05
    4    expense  120     Food 20, Rent 100 Landlord & Co    rent + groceries    2024-03-10
    5    move      30     Available → Fun   —                fun money           2024-03-10
    6    expense    9.99  Fun               Cinema.*         movie night         2024-03-15
    7    expense   15     Food              farmers MARKET   —                   2024-03-31
    8    expense    5     Food              Bakery           near the Market sq. 2024-04-01
    """

    @pytest.fixture
    async def ana(self, gql: GraphQLClient) -> Member:
        return await register(gql, "Ana")

    @pytest.fixture
    async def book(self, ana: Member) -> dict[str, str]:
        account = await ana.open_account(
            openingBalance="1000.00", envelopeNames=["Food", "Rent", "Fun"]
        )
        account_id = account["id"]
        ids = await ana.envelope_ids(account_id)
        await ana.do(
            "RecordIncome", accountId=account_id, amount="500", payee="ACME Payroll",
            memo="March salary", bookingDate="2024-03-01",
            allocations=[
                {"envelopeId": ids["Food"], "amount": "200"},
                {"envelopeId": ids["Rent"], "amount": "200"},
            ],
        )  # fmt: skip
        await ana.do(
            "RecordExpense", accountId=account_id, amount="42.50", envelopeId=ids["Food"],
            payee="Corner Market", memo="weekly shop", bookingDate="2024-03-05",
        )  # fmt: skip
        await ana.do(
            "RecordExpense", accountId=account_id, amount="120", payee="Landlord & Co",
            memo="rent + groceries", bookingDate="2024-03-10",
            splits=[
                {"envelopeId": ids["Food"], "amount": "20"},
                {"envelopeId": ids["Rent"], "amount": "100"},
            ],
        )  # fmt: skip
        await ana.do(
            "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Fun"], amount="30", memo="fun money", bookingDate="2024-03-10",
        )  # fmt: skip
        await ana.do(
            "RecordExpense", accountId=account_id, amount="9.99", envelopeId=ids["Fun"],
            payee="Cinema.*", memo="movie night", bookingDate="2024-03-15",
        )  # fmt: skip
        await ana.do(
            "RecordExpense", accountId=account_id, amount="15", envelopeId=ids["Food"],
            payee="farmers MARKET", bookingDate="2024-03-31",
        )  # fmt: skip
        await ana.do(
            "RecordExpense", accountId=account_id, amount="5", envelopeId=ids["Food"],
            payee="Bakery", memo="near the Market square", bookingDate="2024-04-01",
        )  # fmt: skip
        return {"account": account_id, **ids}

    async def matching(self, ana: Member, book: dict[str, str], **filter: Any) -> list[int]:
        return sequences(await history(ana, book["account"], first=PAGE, filter=filter))

    async def test_without_a_filter_every_entry_comes_newest_booking_date_first(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book) == [1, 8, 7, 6, 5, 4, 3, 2]

    async def test_a_date_range_includes_both_of_its_ends(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        found = await self.matching(ana, book, dateFrom="2024-03-05", dateTo="2024-03-15")
        assert found == [6, 5, 4, 3]

    async def test_a_date_range_of_one_day_holds_that_days_entries(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, dateFrom="2024-03-10", dateTo="2024-03-10") == [5, 4]

    async def test_only_a_start_date_reads_everything_from_that_day_on(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, dateFrom="2024-03-31") == [1, 8, 7]

    async def test_only_an_end_date_reads_everything_up_to_that_day(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, dateTo="2024-03-05") == [3, 2]

    async def test_a_start_date_after_the_end_date_is_a_validation_error(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        errors = await history_errors(
            ana,
            book["account"],
            first=10,
            filter={"dateFrom": "2024-03-10", "dateTo": "2024-03-01"},
        )
        assert [e["extensions"]["code"] for e in errors] == ["VALIDATION"]

    @pytest.mark.parametrize(
        ("envelope", "expected"),
        [("Food", [8, 7, 4, 3, 2]), ("Rent", [4, 2]), ("Fun", [6, 5]), ("Available", [1, 5, 2])],
    )
    async def test_an_envelope_filter_reads_the_entries_that_changed_that_envelope(
        self, ana: Member, book: dict[str, str], envelope: str, expected: list[int]
    ) -> None:
        assert await self.matching(ana, book, envelopeId=book[envelope]) == expected

    async def test_an_envelope_of_another_account_is_not_found(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        other = await ana.open_account(name="Savings", envelopeNames=["Trip"])
        trip = (await ana.envelope_ids(other["id"]))["Trip"]
        errors = await history_errors(ana, book["account"], first=10, filter={"envelopeId": trip})
        assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]

    async def test_a_malformed_envelope_id_is_not_found(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        errors = await history_errors(
            ana, book["account"], first=10, filter={"envelopeId": "not-an-id"}
        )
        assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]

    async def test_a_kinds_filter_reads_only_those_kinds(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, kinds=["EXPENSE"]) == [8, 7, 6, 4, 3]
        assert await self.matching(ana, book, kinds=["INCOME", "MOVE"]) == [5, 2]
        assert await self.matching(ana, book, kinds=["TRANSFER"]) == []

    async def test_a_payee_filter_matches_part_of_the_payee_in_any_case(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, payee="market") == [7, 3]
        assert await self.matching(ana, book, payee="PAYROLL") == [2]

    async def test_a_payee_filter_ignores_the_memo(self, ana: Member, book: dict[str, str]) -> None:
        assert await self.matching(ana, book, payee="salary") == []

    async def test_an_amount_range_includes_both_ends_of_the_entered_amount(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, minAmount="15", maxAmount="120") == [7, 5, 4, 3]

    async def test_a_minimum_amount_alone_compares_decimals_exactly(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, minAmount="42.5") == [1, 4, 3, 2]
        assert await self.matching(ana, book, minAmount="42.51") == [1, 4, 2]

    async def test_a_maximum_amount_alone_reads_the_small_entries(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, maxAmount="9.99") == [8, 6]

    async def test_an_amount_that_is_not_a_decimal_is_a_validation_error(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        errors = await history_errors(ana, book["account"], first=10, filter={"minAmount": "ten"})
        assert [e["extensions"]["code"] for e in errors] == ["VALIDATION"]

    async def test_a_text_filter_matches_the_payee_or_the_memo_in_any_case(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, text="market") == [8, 7, 3]
        assert await self.matching(ana, book, text="SALARY") == [2]

    async def test_a_text_filter_treats_regex_characters_literally(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        assert await self.matching(ana, book, text=".*") == [6]
        assert await self.matching(ana, book, text="+") == [4]
        assert await self.matching(ana, book, payee="(") == []

    async def test_conditions_combine_so_that_every_one_must_hold(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        found = await self.matching(
            ana, book, kinds=["EXPENSE"], envelopeId=book["Food"], dateFrom="2024-03-06"
        )
        assert found == [8, 7, 4]
        assert await self.matching(ana, book, text="market", maxAmount="10") == [8]
        assert await self.matching(ana, book, payee="market", dateTo="2024-03-30") == [3]

    async def test_a_filtered_history_pages_with_cursors_too(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        filter = {"envelopeId": book["Food"]}
        first = await history(ana, book["account"], first=2, filter=filter)
        rest = await history(
            ana, book["account"], first=10, after=first["pageInfo"]["endCursor"], filter=filter
        )
        assert sequences(first) == [8, 7]
        assert sequences(rest) == [4, 3, 2]
        assert first["pageInfo"]["hasNextPage"] is True
        assert rest["pageInfo"]["hasNextPage"] is False


class TestTotals:
    @pytest.fixture
    async def ana(self, gql: GraphQLClient) -> Member:
        return await register(gql, "Ana")

    @pytest.fixture
    async def book(self, ana: Member) -> dict[str, Any]:
        account = await ana.open_account(
            openingBalance="1000.00", envelopeNames=["Food", "Rent", "Fun"]
        )
        account_id = account["id"]
        ids = await ana.envelope_ids(account_id)
        entries: dict[str, Any] = {}
        entries["salary"] = await ana.do(
            "RecordIncome", accountId=account_id, amount="500", payee="ACME",
            bookingDate="2024-03-01",
            allocations=[
                {"envelopeId": ids["Food"], "amount": "200"},
                {"envelopeId": ids["Rent"], "amount": "200"},
            ],
        )  # fmt: skip
        entries["market"] = await ana.do(
            "RecordExpense", accountId=account_id, amount="42.50", envelopeId=ids["Food"],
            payee="Market", bookingDate="2024-03-05",
        )  # fmt: skip
        entries["split"] = await ana.do(
            "RecordExpense", accountId=account_id, amount="120", payee="Landlord",
            bookingDate="2024-03-10",
            splits=[
                {"envelopeId": ids["Food"], "amount": "20"},
                {"envelopeId": ids["Rent"], "amount": "100"},
            ],
        )  # fmt: skip
        entries["move"] = await ana.do(
            "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Fun"], amount="30", bookingDate="2024-03-10",
        )  # fmt: skip
        entries["cinema"] = await ana.do(
            "RecordExpense", accountId=account_id, amount="9.99", envelopeId=ids["Fun"],
            payee="Cinema", bookingDate="2024-03-15",
        )  # fmt: skip
        return {"account": account_id, "ids": ids, "entries": entries}

    async def test_totals_sum_income_expense_and_net_of_every_entry(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        found = await totals(ana, book["account"])
        assert found == {
            "income": "500.00",
            "expense": "172.49",
            "transfers": "0.00",
            "net": "1327.51",
            "count": 6,
        }
        assert found["net"] == (await ana.balances(book["account"]))["*"]

    async def test_totals_carry_the_account_currency(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        data = await ana.query("Totals", id=book["account"], filter=None)
        assert {v["currency"] for k, v in data["account"]["totals"].items() if k != "count"} == {
            "EUR"
        }

    async def test_totals_follow_the_filter(self, ana: Member, book: dict[str, Any]) -> None:
        assert await totals(ana, book["account"], kinds=["EXPENSE"]) == {
            "income": "0.00",
            "expense": "172.49",
            "transfers": "0.00",
            "net": "-172.49",
            "count": 3,
        }
        assert await totals(ana, book["account"], dateFrom="2024-03-05", dateTo="2024-03-10") == {
            "income": "0.00",
            "expense": "162.50",
            "transfers": "0.00",
            "net": "-162.50",
            "count": 3,
        }

    async def test_totals_of_nothing_are_zero(self, ana: Member, book: dict[str, Any]) -> None:
        assert await totals(ana, book["account"], payee="nobody") == {
            "income": "0.00",
            "expense": "0.00",
            "transfers": "0.00",
            "net": "0.00",
            "count": 0,
        }

    async def test_an_undone_expense_no_longer_counts(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        await ana.do("UndoTransaction", id=book["entries"]["market"]["transaction"]["id"])
        found = await totals(ana, book["account"])
        assert found["expense"] == "129.99"
        assert found["income"] == "500.00"
        assert found["net"] == "1370.01"
        assert found["count"] == 7
        assert found["net"] == (await ana.balances(book["account"]))["*"]

    async def test_an_undone_income_no_longer_counts(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        payday = await ana.do("RecordIncome", accountId=book["account"], amount="80")
        await ana.do("UndoTransaction", id=payday["transaction"]["id"])
        found = await totals(ana, book["account"])
        assert found["income"] == "500.00"
        assert found["net"] == "1327.51"

    async def test_an_undone_expense_in_a_date_range_nets_out_within_it(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        await ana.do("UndoTransaction", id=book["entries"]["market"]["transaction"]["id"])
        found = await totals(ana, book["account"], dateFrom="2024-03-05", dateTo="2024-03-05")
        assert found["expense"] == "0.00"
        assert found["net"] == "0.00"
        assert found["count"] == 2

    async def test_with_an_envelope_only_its_share_of_a_split_counts(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        ids = book["ids"]
        balances = await ana.balances(book["account"])
        rent = await totals(ana, book["account"], envelopeId=ids["Rent"])
        assert rent == {
            "income": "200.00",
            "expense": "100.00",
            "transfers": "0.00",
            "net": "100.00",
            "count": 2,
        }
        food = await totals(ana, book["account"], envelopeId=ids["Food"])
        assert food["expense"] == "62.50"
        assert food["net"] == balances["Food"] == "137.50"
        fun = await totals(ana, book["account"], envelopeId=ids["Fun"])
        assert fun == {
            "income": "0.00",
            "expense": "9.99",
            "transfers": "0.00",
            "net": "20.01",
            "count": 2,
        }
        assert fun["net"] == balances["Fun"]

    async def test_with_an_envelope_an_undone_split_no_longer_counts(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        await ana.do("UndoTransaction", id=book["entries"]["split"]["transaction"]["id"])
        rent = await totals(ana, book["account"], envelopeId=book["ids"]["Rent"])
        assert rent["expense"] == "0.00"
        assert rent["net"] == "200.00"
        assert rent["count"] == 3

    async def test_transfers_count_out_negative_and_in_positive(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        savings = await ana.open_account(name="Savings", type="SAVINGS")
        await ana.do(
            "TransferMoney", fromAccountId=book["account"], toAccountId=savings["id"],
            amount="100",
        )  # fmt: skip
        out = await totals(ana, book["account"])
        assert out["transfers"] == "-100.00"
        assert out["expense"] == "172.49"
        assert out["net"] == "1227.51"
        into = await totals(ana, savings["id"])
        assert into == {
            "income": "0.00",
            "expense": "0.00",
            "transfers": "100.00",
            "net": "100.00",
            "count": 2,
        }

    async def test_an_envelope_of_another_account_is_not_found(
        self, ana: Member, book: dict[str, Any]
    ) -> None:
        other = await ana.open_account(name="Savings", envelopeNames=["Trip"])
        trip = (await ana.envelope_ids(other["id"]))["Trip"]
        reply = await ana.send("Totals", {"id": book["account"], "filter": {"envelopeId": trip}})
        assert reply.error_codes() == ["NOT_FOUND"]


class TestReadingOneTransaction:
    @pytest.fixture
    async def ana(self, gql: GraphQLClient) -> Member:
        return await register(gql, "Ana")

    @pytest.fixture
    async def ben(self, gql: GraphQLClient) -> Member:
        return await register(gql, "Ben")

    @pytest.fixture
    async def account(self, ana: Member) -> dict[str, Any]:
        return await ana.open_account(openingBalance="100.00", envelopeNames=["Food"])

    @pytest.fixture
    async def expense(self, ana: Member, account: dict[str, Any]) -> dict[str, Any]:
        ids = await ana.envelope_ids(account["id"])
        await ana.do(
            "MoveMoney", accountId=account["id"], fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Food"], amount="40",
        )  # fmt: skip
        payload = await ana.do(
            "RecordExpense", accountId=account["id"], amount="12.34", envelopeId=ids["Food"],
            payee="Corner Market", memo="milk", tags=["weekly"],
        )  # fmt: skip
        entry: dict[str, Any] = payload["transaction"]
        return entry

    async def test_the_owner_reads_an_entry_by_id(
        self, ana: Member, expense: dict[str, Any]
    ) -> None:
        found = (await ana.query("Transaction", id=expense["id"]))["transaction"]
        assert found["id"] == expense["id"]
        assert found["sequence"] == 3
        assert found["kind"] == "EXPENSE"
        assert found["amount"] == {"amount": "-12.34", "currency": "EUR"}
        assert found["balanceAfter"] == {"amount": "87.66", "currency": "EUR"}
        assert found["payee"] == "Corner Market"
        assert found["memo"] == "milk"
        assert found["tags"] == ["weekly"]
        assert found["undone"] is False
        assert found["lines"] == expense["lines"]
        assert found["reverses"] is None
        assert found["reversedBy"] is None

    async def test_the_owner_reads_an_entry_as_a_node(
        self, ana: Member, expense: dict[str, Any]
    ) -> None:
        reply = await ana.gql.execute(NODE, {"id": expense["id"]}, token=ana.token)
        assert reply.data["node"] == {
            "__typename": "Transaction",
            "id": expense["id"],
            "sequence": 3,
            "kind": "EXPENSE",
            "amount": {"amount": "-12.34", "currency": "EUR"},
            "payee": "Corner Market",
        }

    async def test_another_users_entry_is_not_found_like_a_missing_one(
        self, ben: Member, expense: dict[str, Any]
    ) -> None:
        theirs = await ben.send("Transaction", {"id": expense["id"]})
        missing = await ben.send(
            "Transaction", {"id": to_global_id("Transaction", str(ObjectId()))}
        )
        garbage = await ben.send("Transaction", {"id": "garbage"})
        account_id = await ben.send(
            "Transaction", {"id": to_global_id("Account", str(raw(expense["id"])))}
        )
        replies = [theirs, missing, garbage, account_id]
        assert [r.body["data"] for r in replies] == [{"transaction": None}] * 4
        assert [r.error_codes() for r in replies] == [["NOT_FOUND"]] * 4
        assert len({r.errors[0]["message"] for r in replies}) == 1

    async def test_another_users_entry_is_a_null_node(
        self, ana: Member, ben: Member, expense: dict[str, Any]
    ) -> None:
        for node_id in (expense["id"], "garbage", to_global_id("Transaction", "nope")):
            reply = await ben.gql.execute(NODE, {"id": node_id}, token=ben.token)
            assert reply.data == {"node": None}
        mine = await ana.gql.execute(NODE, {"id": "garbage"}, token=ana.token)
        assert mine.data == {"node": None}

    async def test_a_member_of_a_shared_account_reads_its_entries(
        self, ana: Member, ben: Member, account: dict[str, Any], expense: dict[str, Any]
    ) -> None:
        await ana.do(SHARE, accountId=account["id"], email="ben@example.com", role="VIEWER")
        found = (await ben.query("Transaction", id=expense["id"]))["transaction"]
        assert found["id"] == expense["id"]
        reply = await ben.gql.execute(NODE, {"id": expense["id"]}, token=ben.token)
        assert reply.data["node"]["id"] == expense["id"]

    async def test_balance_after_is_the_running_balance_in_recording_order(
        self, ana: Member, account: dict[str, Any]
    ) -> None:
        account_id = account["id"]
        available = (await ana.envelope_ids(account_id))["Available"]
        await ana.do("RecordIncome", accountId=account_id, amount="50", bookingDate="2024-01-10")
        await ana.do(
            "RecordExpense", accountId=account_id, amount="30", envelopeId=available,
            bookingDate="2023-12-24",
        )  # fmt: skip
        await ana.do("RecordIncome", accountId=account_id, amount="7.25", bookingDate="2024-06-01")
        spent = await ana.do(
            "RecordExpense", accountId=account_id, amount="0.25", envelopeId=available,
            bookingDate="2024-01-01",
        )  # fmt: skip
        await ana.do("UndoTransaction", id=spent["transaction"]["id"])
        nodes = [e["node"] for e in (await history(ana, account_id, first=PAGE))["edges"]]
        assert [n["sequence"] for n in nodes] == [1, 4, 2, 6, 5, 3]
        by_sequence = sorted(nodes, key=lambda n: n["sequence"])
        running = list(accumulate(Decimal(n["amount"]["amount"]) for n in by_sequence))
        assert [Decimal(n["balanceAfter"]["amount"]) for n in by_sequence] == running
        assert [n["balanceAfter"]["amount"] for n in by_sequence] == [
            "100.00", "150.00", "120.00", "127.25", "127.00", "127.25",
        ]  # fmt: skip

    async def test_recorded_by_is_the_member_who_recorded_the_entry(
        self, ana: Member, ben: Member, account: dict[str, Any], expense: dict[str, Any]
    ) -> None:
        await ana.do(SHARE, accountId=account["id"], email="ben@example.com", role="EDITOR")
        payload = await ben.do("RecordIncome", accountId=account["id"], amount="5")
        by_ben = (await ana.query("Transaction", id=payload["transaction"]["id"]))["transaction"]
        by_ana = (await ben.query("Transaction", id=expense["id"]))["transaction"]
        assert by_ben["recordedBy"]["id"] == ben.user["id"]
        assert by_ben["recordedBy"]["displayName"] == "Ben"
        assert by_ben["recordedBy"]["avatarColor"] == ben.user["avatarColor"]
        assert by_ana["recordedBy"]["id"] == ana.user["id"]
        assert by_ana["recordedBy"]["displayName"] == "Ana"
        page = await history(ana, account["id"], first=1)
        assert page["edges"][0]["node"]["recordedBy"]["displayName"] == "Ben"
