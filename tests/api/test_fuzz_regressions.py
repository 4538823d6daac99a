"""Failures the GraphQL fuzzer (tests/fuzz) found, each kept as a plain regression test."""

from __future__ import annotations

import pytest

from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

THOUSANDS_OF_DIGITS = "9" * 5000


@pytest.fixture
async def ana(gql: GraphQLClient) -> Member:
    return await Member.register(gql, "ana@example.com", "Ana")


class TestAmountsOfThousandsOfDigits:
    """Python refuses int() of more than 4,300 digits: such an amount was an unexpected
    error (INTERNAL) instead of the VALIDATION of any other too-large amount."""

    async def test_a_movement_refuses_it_as_too_large(self, ana: Member) -> None:
        account = await ana.open_account(openingBalance="10.00")
        error = await ana.refused(
            "RecordIncome", accountId=account["id"], amount=THOUSANDS_OF_DIGITS
        )
        assert error == {
            "field": ["amount"],
            "message": "The amount is too large.",
            "code": "VALIDATION",
        }
        assert await ana.balances(account["id"]) == {"Available": "10.00", "*": "10.00"}

    async def test_leading_zeros_do_not_count(self, ana: Member) -> None:
        account = await ana.open_account()
        await ana.do("RecordIncome", accountId=account["id"], amount="0" * 5000 + "12.50")
        assert (await ana.balances(account["id"]))["*"] == "12.50"

    async def test_a_history_filter_refuses_it_as_too_large(self, ana: Member) -> None:
        account = await ana.open_account()
        reply = await ana.send(
            "Totals", {"id": account["id"], "filter": {"minAmount": THOUSANDS_OF_DIGITS}}
        )
        assert reply.error_codes() == ["VALIDATION"], reply.body
        assert reply.errors[0]["message"] == "The amount is too large."


class TestMalformedDates:
    """Strawberry's Date scalar answered with Python's own text ("Invalid isoformat string:
    'x'"); the API's Date says what it expects instead."""

    async def test_a_booking_date_that_is_no_date_gets_the_apis_own_message(
        self, ana: Member
    ) -> None:
        account = await ana.open_account(openingBalance="10.00")
        reply = await ana.send(
            "RecordIncome",
            {"input": {"accountId": account["id"], "amount": "1.00", "bookingDate": "31/05"}},
        )
        assert reply.error_codes() == ["GRAPHQL_VALIDATION_FAILED"], reply.body
        message = reply.errors[0]["message"]
        assert 'Send dates as "YYYY-MM-DD"' in message
        assert "isoformat" not in message

    async def test_a_valid_date_still_books_on_that_day(self, ana: Member) -> None:
        account = await ana.open_account(openingBalance="10.00")
        payload = await ana.do(
            "RecordIncome", accountId=account["id"], amount="1.00", bookingDate="2024-05-31"
        )
        assert payload["transaction"]["bookingDate"] == "2024-05-31"
