"""Money movements through GraphQL: income, expenses, moves, transfers, undo, payment sources
and paydays, and idempotency keys. Every refusal is checked to leave the balances and the
ledger exactly as they were."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId

from tests.ledger_client import Member

Ids = dict[str, str]
Row = dict[str, Any]


# --- helpers ---------------------------------------------------------------------------------


def unknown_id(type_name: str) -> str:
    """A well-formed global id of an object that does not exist."""
    raw = f"{type_name}:{ObjectId()}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def lines(entry: Row) -> list[tuple[str, str]]:
    """An entry's lines as (envelope name, signed amount), in order."""
    return [(x["envelope"]["name"], x["amount"]["amount"]) for x in entry["lines"]]


async def entries(member: Member, account_id: str) -> list[Row]:
    page = await member.query("Transactions", id=account_id, first=100)
    return [edge["node"] for edge in page["account"]["transactions"]["edges"]]


async def entry(member: Member, entry_id: str) -> Row:
    found: Row = (await member.query("Transaction", id=entry_id))["transaction"]
    return found


async def state(member: Member, *account_ids: str) -> list[tuple[dict[str, str], int]]:
    """Per account: the envelope balances (and "*") and the number of ledger entries."""
    return [(await member.balances(a), len(await entries(member, a))) for a in account_ids]


@asynccontextmanager
async def unchanged(member: Member, *account_ids: str) -> AsyncIterator[None]:
    """Assert that whatever runs inside changes no balance and writes no entry."""
    before = await state(member, *account_ids)
    yield
    assert await state(member, *account_ids) == before


async def budget(
    member: Member, opening: str = "100.00", envelopes: tuple[str, ...] = ("Food", "Rent"),
    **input: Any,
) -> tuple[str, Ids]:  # fmt: skip
    """A EUR checking account (no overdraft) with `opening` in Available; its envelope ids."""
    account = await member.open_account(
        openingBalance=opening, envelopeNames=list(envelopes), **input
    )
    return account["id"], await member.envelope_ids(account["id"])


async def fund(member: Member, account_id: str, ids: Ids, name: str, amount: str) -> None:
    """Move `amount` from Available into envelope `name`."""
    await member.do(
        "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
        toEnvelopeId=ids[name], amount=amount,
    )  # fmt: skip


def allocation(envelope_id: str, amount: str) -> dict[str, str]:
    return {"envelopeId": envelope_id, "amount": amount}


async def query_error_codes(member: Member, name: str, **variables: Any) -> list[str]:
    """The codes of the top-level errors of a query (for NOT_FOUND answers)."""
    reply = await member.send(name, variables)
    return reply.error_codes()


BAD_AMOUNTS = [
    pytest.param("0", id="zero"),
    pytest.param("0.00", id="zero-with-cents"),
    pytest.param("-5", id="negative"),
    pytest.param("1.234", id="too-many-decimals"),
    pytest.param("ten", id="words"),
    pytest.param("", id="empty"),
    pytest.param("1e3", id="exponent"),
    pytest.param("12,50", id="decimal-comma"),
    pytest.param("10000000000000.00", id="too-large"),
]
# A zero and a sub-cent amount: the same parser serves every movement.
SOME_BAD_AMOUNTS = [BAD_AMOUNTS[0], BAD_AMOUNTS[3]]


# --- recordIncome ------------------------------------------------------------------------------


class TestRecordIncome:
    async def test_income_without_allocations_lands_in_available(self, ana: Member) -> None:
        account, ids = await budget(ana)

        payload = await ana.do("RecordIncome", accountId=account, amount="50")

        income = payload["transaction"]
        assert income["kind"] == "INCOME"
        assert income["sequence"] == 2
        assert income["amount"] == {"amount": "50.00", "currency": "EUR"}
        assert income["balanceAfter"] == {"amount": "150.00", "currency": "EUR"}
        assert income["lines"] == [
            {
                "envelope": {"id": ids["Available"], "name": "Available"},
                "amount": {"amount": "50.00", "currency": "EUR"},
            }
        ]
        assert income["undone"] is False
        assert income["recordedBy"]["displayName"] == "Ana"
        assert payload["account"]["balance"] == {"amount": "150.00", "currency": "EUR"}
        assert await ana.balances(account) == {
            "Available": "150.00", "Food": "0.00", "Rent": "0.00", "*": "150.00"
        }  # fmt: skip

    async def test_allocations_fill_their_envelopes_and_the_remainder_goes_to_available(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)

        payload = await ana.do(
            "RecordIncome", accountId=account, amount="100",
            allocations=[allocation(ids["Food"], "30"), allocation(ids["Rent"], "45.5")],
        )  # fmt: skip

        assert lines(payload["transaction"]) == [
            ("Food", "30.00"), ("Rent", "45.50"), ("Available", "24.50")
        ]  # fmt: skip
        assert payload["transaction"]["amount"]["amount"] == "100.00"
        assert await ana.balances(account) == {
            "Available": "124.50", "Food": "30.00", "Rent": "45.50", "*": "200.00"
        }  # fmt: skip

    async def test_allocations_may_take_the_whole_amount_leaving_nothing_for_available(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)

        payload = await ana.do(
            "RecordIncome", accountId=account, amount="60",
            allocations=[allocation(ids["Food"], "20"), allocation(ids["Rent"], "40")],
        )  # fmt: skip

        assert lines(payload["transaction"]) == [("Food", "20.00"), ("Rent", "40.00")]
        assert await ana.balances(account) == {
            "Available": "100.00", "Food": "20.00", "Rent": "40.00", "*": "160.00"
        }  # fmt: skip

    async def test_allocations_adding_up_to_more_than_the_income_are_refused(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordIncome", accountId=account, amount="50",
                allocations=[allocation(ids["Food"], "30"), allocation(ids["Rent"], "20.01")],
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["allocations"]

    async def test_the_same_envelope_allocated_twice_is_refused(self, ana: Member) -> None:
        account, ids = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordIncome", accountId=account, amount="50",
                allocations=[allocation(ids["Food"], "10"), allocation(ids["Food"], "5")],
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["allocations", "1", "envelopeId"]

    async def test_an_archived_envelope_takes_no_income(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await ana.do("ArchiveEnvelope", accountId=account, envelopeId=ids["Food"])

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordIncome", accountId=account, amount="50",
                allocations=[allocation(ids["Food"], "10")],
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["allocations", "0", "envelopeId"]

    async def test_an_envelope_of_another_account_is_not_found(self, ana: Member) -> None:
        account, _ = await budget(ana)
        _, other_ids = await budget(ana, name="Savings")

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordIncome", accountId=account, amount="50",
                allocations=[allocation(other_ids["Food"], "10")],
            )  # fmt: skip

        assert error["code"] == "NOT_FOUND"
        assert error["field"] == ["allocations", "0", "envelopeId"]

    @pytest.mark.parametrize("amount", BAD_AMOUNTS)
    async def test_an_amount_that_is_not_a_positive_amount_in_cents_is_refused(
        self, ana: Member, amount: str
    ) -> None:
        account, _ = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused("RecordIncome", accountId=account, amount=amount)

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["amount"]

    async def test_a_bad_allocation_amount_names_its_field(self, ana: Member) -> None:
        account, ids = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordIncome", accountId=account, amount="50",
                allocations=[allocation(ids["Food"], "10"), allocation(ids["Rent"], "-1")],
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["allocations", "1", "amount"]

    async def test_trailing_zeros_beyond_the_cents_are_accepted(self, ana: Member) -> None:
        account, _ = await budget(ana)

        payload = await ana.do("RecordIncome", accountId=account, amount=" 12.500 ")

        assert payload["transaction"]["amount"]["amount"] == "12.50"

    async def test_an_amount_sent_as_a_json_number_is_rejected(self, ana: Member) -> None:
        account, _ = await budget(ana)

        async with unchanged(ana, account):
            reply = await ana.send("RecordIncome", {"input": {"accountId": account, "amount": 50}})

        assert reply.errors
        assert reply.body.get("data") is None

    async def test_a_foreign_account_is_answered_like_a_missing_one(
        self, ana: Member, ben: Member
    ) -> None:
        bens_account, _ = await budget(ben)

        async with unchanged(ben, bens_account):
            foreign = await ana.refused("RecordIncome", accountId=bens_account, amount="10")
        missing = await ana.refused("RecordIncome", accountId=unknown_id("Account"), amount="10")
        malformed = await ana.refused("RecordIncome", accountId="not-an-id", amount="10")

        assert foreign == missing == malformed
        assert foreign["code"] == "NOT_FOUND"
        assert foreign["field"] == ["accountId"]


# --- recordExpense -----------------------------------------------------------------------------


class TestRecordExpense:
    async def test_an_expense_comes_out_of_one_envelope(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "40")

        payload = await ana.do(
            "RecordExpense", accountId=account, amount="10.25", envelopeId=ids["Food"]
        )

        spent = payload["transaction"]
        assert spent["kind"] == "EXPENSE"
        assert spent["amount"] == {"amount": "-10.25", "currency": "EUR"}
        assert spent["balanceAfter"]["amount"] == "89.75"
        assert lines(spent) == [("Food", "-10.25")]
        assert await ana.balances(account) == {
            "Available": "60.00", "Food": "29.75", "Rent": "0.00", "*": "89.75"
        }  # fmt: skip

    async def test_an_expense_may_empty_its_envelope_exactly(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "40")

        await ana.do("RecordExpense", accountId=account, amount="40.00", envelopeId=ids["Food"])

        assert (await ana.balances(account))["Food"] == "0.00"

    async def test_splits_take_each_part_from_its_envelope(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "40")
        await fund(ana, account, ids, "Rent", "30")

        payload = await ana.do(
            "RecordExpense", accountId=account, amount="35",
            splits=[allocation(ids["Food"], "20"), allocation(ids["Rent"], "15")],
        )  # fmt: skip

        assert payload["transaction"]["amount"]["amount"] == "-35.00"
        assert lines(payload["transaction"]) == [("Food", "-20.00"), ("Rent", "-15.00")]
        assert await ana.balances(account) == {
            "Available": "30.00", "Food": "20.00", "Rent": "15.00", "*": "65.00"
        }  # fmt: skip

    @pytest.mark.parametrize(
        "parts",
        [pytest.param(("20", "14.99"), id="short"), pytest.param(("20", "15.01"), id="over")],
    )
    async def test_splits_that_do_not_add_up_to_the_amount_are_refused(
        self, ana: Member, parts: tuple[str, str]
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "40")
        await fund(ana, account, ids, "Rent", "30")

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordExpense", accountId=account, amount="35",
                splits=[allocation(ids["Food"], parts[0]), allocation(ids["Rent"], parts[1])],
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["splits"]

    async def test_an_expense_naming_neither_an_envelope_nor_splits_comes_from_available(
        self, ana: Member
    ) -> None:
        # With no rule of the owner's to choose an envelope (tests/api/ledger/test_rules.py).
        account, _ = await budget(ana)

        payload = await ana.do("RecordExpense", accountId=account, amount="5")

        [line] = payload["transaction"]["lines"]
        assert (line["envelope"]["name"], line["amount"]["amount"]) == ("Available", "-5.00")

    async def test_an_expense_naming_both_an_envelope_and_splits_is_refused(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordExpense", accountId=account, amount="5", envelopeId=ids["Available"],
                splits=[allocation(ids["Available"], "5")],
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["envelopeId"]

    async def test_the_same_envelope_split_twice_is_refused(self, ana: Member) -> None:
        account, ids = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordExpense", accountId=account, amount="10",
                splits=[allocation(ids["Available"], "5"), allocation(ids["Available"], "5")],
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["splits", "1", "envelopeId"]

    async def test_spending_more_than_the_envelope_holds_is_refused_without_overdraft(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)  # the account holds 100, Food only 20
        await fund(ana, account, ids, "Food", "20")

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordExpense", accountId=account, amount="20.01", envelopeId=ids["Food"]
            )

        assert error["code"] == "INSUFFICIENT_FUNDS"
        assert error["field"] == ["amount"]
        assert "Food" in error["message"]

    async def test_a_split_overdrawing_one_envelope_applies_none_of_its_parts(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "40")
        await fund(ana, account, ids, "Rent", "10")

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordExpense", accountId=account, amount="35",
                splits=[allocation(ids["Food"], "20"), allocation(ids["Rent"], "15")],
            )  # fmt: skip

        assert error["code"] == "INSUFFICIENT_FUNDS"

    async def test_on_a_credit_card_the_envelope_may_go_below_zero(self, ana: Member) -> None:
        card = await ana.open_account(name="Card", type="CREDIT_CARD", envelopeNames=["Food"])
        assert card["allowOverdraft"] is True
        ids = await ana.envelope_ids(card["id"])

        payload = await ana.do(
            "RecordExpense", accountId=card["id"], amount="30", envelopeId=ids["Food"]
        )

        assert payload["transaction"]["balanceAfter"]["amount"] == "-30.00"
        assert await ana.balances(card["id"]) == {
            "Available": "0.00", "Food": "-30.00", "*": "-30.00"
        }  # fmt: skip

    async def test_payee_memo_tags_and_booking_date_are_stored_and_returned(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        details = {
            "payee": "Corner Market",
            "memo": "weekly shop",
            "tags": ["groceries", "weekly"],
            "bookingDate": "2024-03-15",
        }

        payload = await ana.do(
            "RecordExpense", accountId=account, amount="12.30", envelopeId=ids["Available"],
            **details,
        )  # fmt: skip

        returned = payload["transaction"]
        stored = await entry(ana, returned["id"])
        for found in (returned, stored):
            assert {k: found[k] for k in details} == details
        assert stored["amount"]["amount"] == "-12.30"

    async def test_text_is_trimmed_and_tags_are_deduplicated_ignoring_case(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)

        payload = await ana.do(
            "RecordExpense", accountId=account, amount="1", envelopeId=ids["Available"],
            payee="  Bakery  ", memo="   ", tags=[" bread ", "Bread", "treats"],
        )  # fmt: skip

        spent = payload["transaction"]
        assert spent["payee"] == "Bakery"
        assert spent["memo"] is None
        assert spent["tags"] == ["bread", "treats"]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            pytest.param("payee", "p" * 201, id="payee-too-long"),
            pytest.param("memo", "m" * 1001, id="memo-too-long"),
            pytest.param("tags", [f"tag{i}" for i in range(21)], id="too-many-tags"),
            pytest.param("tags", ["   "], id="blank-tag"),
            pytest.param("bookingDate", "1899-12-31", id="booked-before-1900"),
        ],
    )
    async def test_details_out_of_bounds_are_refused(
        self, ana: Member, field: str, value: Any
    ) -> None:
        account, ids = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordExpense", accountId=account, amount="1", envelopeId=ids["Available"],
                **{field: value},
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == [field]

    async def test_the_booking_date_defaults_to_today(self, ana: Member) -> None:
        account, ids = await budget(ana)

        payload = await ana.do(
            "RecordExpense", accountId=account, amount="1", envelopeId=ids["Available"]
        )

        assert payload["transaction"]["bookingDate"] == datetime.now(UTC).date().isoformat()

    async def test_a_viewer_may_not_record_an_expense(self, ana: Member, ben: Member) -> None:
        account, ids = await budget(ana)
        await ana.do("ShareAccount", accountId=account, email="ben@example.com", role="VIEWER")

        async with unchanged(ana, account):
            error = await ben.refused(
                "RecordExpense", accountId=account, amount="5", envelopeId=ids["Available"]
            )

        assert error["code"] == "FORBIDDEN"

    async def test_concurrent_expenses_never_overdraw_an_envelope(self, ana: Member) -> None:
        account, ids = await budget(ana)  # 100 in Available

        replies = await asyncio.gather(
            *(
                ana.attempt(
                    "RecordExpense", accountId=account, amount="15", envelopeId=ids["Available"]
                )
                for _ in range(10)
            )
        )

        codes = sorted(e["code"] for r in replies for e in r["userErrors"])
        assert codes == ["INSUFFICIENT_FUNDS"] * 4
        assert await state(ana, account) == [
            ({"Available": "10.00", "Food": "0.00", "Rent": "0.00", "*": "10.00"}, 7)
        ]


# --- moveMoney ---------------------------------------------------------------------------------


class TestMoveMoney:
    async def test_moving_money_between_envelopes_keeps_the_account_balance(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)

        payload = await ana.do(
            "MoveMoney", accountId=account, fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Food"], amount="40", memo="groceries budget",
        )  # fmt: skip

        move = payload["transaction"]
        assert move["kind"] == "MOVE"
        assert move["amount"]["amount"] == "0.00"
        assert move["memo"] == "groceries budget"
        assert lines(move) == [("Available", "-40.00"), ("Food", "40.00")]
        assert await ana.balances(account) == {
            "Available": "60.00", "Food": "40.00", "Rent": "0.00", "*": "100.00"
        }  # fmt: skip

    async def test_moving_into_the_same_envelope_is_refused(self, ana: Member) -> None:
        account, ids = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "MoveMoney", accountId=account, fromEnvelopeId=ids["Available"],
                toEnvelopeId=ids["Available"], amount="1",
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["toEnvelopeId"]

    async def test_moving_more_than_the_envelope_holds_is_refused(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "40")

        async with unchanged(ana, account):
            error = await ana.refused(
                "MoveMoney", accountId=account, fromEnvelopeId=ids["Food"],
                toEnvelopeId=ids["Rent"], amount="40.01",
            )  # fmt: skip

        assert error["code"] == "INSUFFICIENT_FUNDS"

    async def test_an_envelope_of_another_account_is_not_found(
        self, ana: Member, ben: Member
    ) -> None:
        account, ids = await budget(ana)
        _, savings_ids = await budget(ana, name="Savings")
        _, bens_ids = await budget(ben)

        async with unchanged(ana, account):
            into_other = await ana.refused(
                "MoveMoney", accountId=account, fromEnvelopeId=ids["Available"],
                toEnvelopeId=savings_ids["Food"], amount="1",
            )  # fmt: skip
            out_of_foreign = await ana.refused(
                "MoveMoney", accountId=account, fromEnvelopeId=bens_ids["Available"],
                toEnvelopeId=ids["Food"], amount="1",
            )  # fmt: skip

        assert into_other["code"] == out_of_foreign["code"] == "NOT_FOUND"
        assert into_other["field"] == ["toEnvelopeId"]
        assert out_of_foreign["field"] == ["fromEnvelopeId"]

    @pytest.mark.parametrize("amount", SOME_BAD_AMOUNTS)
    async def test_a_move_of_a_bad_amount_is_refused(self, ana: Member, amount: str) -> None:
        account, ids = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "MoveMoney", accountId=account, fromEnvelopeId=ids["Available"],
                toEnvelopeId=ids["Food"], amount=amount,
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["amount"]


# --- transferMoney -----------------------------------------------------------------------------


class TestTransferMoney:
    async def test_a_transfer_in_one_currency_moves_the_same_amount_as_two_linked_entries(
        self, ana: Member
    ) -> None:
        checking, _ = await budget(ana)
        savings = (await ana.open_account(name="Savings", type="SAVINGS"))["id"]

        payload = await ana.do(
            "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="40",
            memo="rainy day",
        )  # fmt: skip

        out, into = payload["outgoing"], payload["incoming"]
        assert out["kind"] == into["kind"] == "TRANSFER"
        assert out["amount"] == {"amount": "-40.00", "currency": "EUR"}
        assert into["amount"] == {"amount": "40.00", "currency": "EUR"}
        assert out["memo"] == into["memo"] == "rainy day"
        assert out["counterpart"] == {"id": into["id"]}
        assert into["counterpart"] == {"id": out["id"]}
        assert (await entry(ana, out["id"]))["counterpart"] == {"id": into["id"]}
        assert (await entry(ana, into["id"]))["counterpart"] == {"id": out["id"]}
        assert payload["fromAccount"] == {
            "id": checking, "balance": {"amount": "60.00", "currency": "EUR"}
        }  # fmt: skip
        assert payload["toAccount"] == {
            "id": savings, "balance": {"amount": "40.00", "currency": "EUR"}
        }  # fmt: skip
        assert (await ana.balances(checking))["Available"] == "60.00"
        assert (await ana.balances(savings))["Available"] == "40.00"

    async def test_a_transfer_may_name_the_envelopes_on_both_sides(self, ana: Member) -> None:
        checking, ids = await budget(ana)
        await fund(ana, checking, ids, "Food", "30")
        savings, savings_ids = await budget(ana, opening="0", envelopes=("Trips",), name="Savings")

        await ana.do(
            "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="25",
            fromEnvelopeId=ids["Food"], toEnvelopeId=savings_ids["Trips"],
        )  # fmt: skip

        assert await ana.balances(checking) == {
            "Available": "70.00", "Food": "5.00", "Rent": "0.00", "*": "75.00"
        }  # fmt: skip
        assert await ana.balances(savings) == {"Available": "0.00", "Trips": "25.00", "*": "25.00"}

    async def test_between_currencies_exactly_the_received_amount_is_credited(
        self, ana: Member
    ) -> None:
        euros, _ = await budget(ana)
        dollars = (await ana.open_account(name="Dollars", currency="USD"))["id"]

        payload = await ana.do(
            "TransferMoney", fromAccountId=euros, toAccountId=dollars, amount="50",
            receivedAmount="54.37",
        )  # fmt: skip

        assert payload["outgoing"]["amount"] == {"amount": "-50.00", "currency": "EUR"}
        assert payload["incoming"]["amount"] == {"amount": "54.37", "currency": "USD"}
        assert await ana.balances(euros) == {
            "Available": "50.00", "Food": "0.00", "Rent": "0.00", "*": "50.00"
        }  # fmt: skip
        assert await ana.balances(dollars) == {"Available": "54.37", "*": "54.37"}

    async def test_between_currencies_the_received_amount_is_required(self, ana: Member) -> None:
        euros, _ = await budget(ana)
        dollars = (await ana.open_account(name="Dollars", currency="USD"))["id"]

        async with unchanged(ana, euros, dollars):
            error = await ana.refused(
                "TransferMoney", fromAccountId=euros, toAccountId=dollars, amount="50"
            )

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["receivedAmount"]

    async def test_the_received_amount_follows_the_target_currency_decimals(
        self, ana: Member
    ) -> None:
        euros, _ = await budget(ana)
        yen = (await ana.open_account(name="Yen", currency="JPY"))["id"]

        async with unchanged(ana, euros, yen):
            error = await ana.refused(
                "TransferMoney", fromAccountId=euros, toAccountId=yen, amount="50",
                receivedAmount="8000.5",
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["receivedAmount"]

    async def test_in_one_currency_a_different_received_amount_is_refused(
        self, ana: Member
    ) -> None:
        checking, _ = await budget(ana)
        savings = (await ana.open_account(name="Savings", type="SAVINGS"))["id"]

        async with unchanged(ana, checking, savings):
            error = await ana.refused(
                "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="40",
                receivedAmount="39.99",
            )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["receivedAmount"]

    async def test_in_one_currency_the_same_received_amount_is_accepted(self, ana: Member) -> None:
        checking, _ = await budget(ana)
        savings = (await ana.open_account(name="Savings", type="SAVINGS"))["id"]

        payload = await ana.do(
            "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="40",
            receivedAmount="40.00",
        )  # fmt: skip

        assert payload["incoming"]["amount"]["amount"] == "40.00"

    async def test_a_transfer_to_the_same_account_is_refused(self, ana: Member) -> None:
        checking, _ = await budget(ana)

        async with unchanged(ana, checking):
            error = await ana.refused(
                "TransferMoney", fromAccountId=checking, toAccountId=checking, amount="10"
            )

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["toAccountId"]

    async def test_a_target_account_that_is_not_visible_is_not_found(
        self, ana: Member, ben: Member
    ) -> None:
        checking, _ = await budget(ana)
        bens_account, _ = await budget(ben)

        async with unchanged(ana, checking), unchanged(ben, bens_account):
            foreign = await ana.refused(
                "TransferMoney", fromAccountId=checking, toAccountId=bens_account, amount="10"
            )
            missing = await ana.refused(
                "TransferMoney", fromAccountId=checking, toAccountId=unknown_id("Account"),
                amount="10",
            )  # fmt: skip

        assert foreign == missing
        assert foreign["code"] == "NOT_FOUND"
        assert foreign["field"] == ["toAccountId"]

    async def test_a_transfer_beyond_the_source_envelope_changes_neither_account(
        self, ana: Member
    ) -> None:
        checking, _ = await budget(ana)
        savings = (await ana.open_account(name="Savings", type="SAVINGS"))["id"]

        async with unchanged(ana, checking, savings):
            error = await ana.refused(
                "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="100.01"
            )

        assert error["code"] == "INSUFFICIENT_FUNDS"


# --- undoTransaction ---------------------------------------------------------------------------


class TestUndoTransaction:
    async def test_a_reversal_restores_the_balances_and_is_linked_both_ways(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "40")
        before = await ana.balances(account)
        spent = await ana.do(
            "RecordExpense", accountId=account, amount="15", envelopeId=ids["Food"], payee="Shop"
        )
        original = spent["transaction"]["id"]

        payload = await ana.do("UndoTransaction", id=original)

        [reversal] = payload["reversals"]
        assert reversal["kind"] == "REVERSAL"
        assert reversal["amount"]["amount"] == "15.00"
        assert lines(reversal) == [("Food", "15.00")]
        assert reversal["payee"] == "Shop"
        assert reversal["reverses"] == {"id": original, "undone": True}
        assert payload["accounts"][0]["balance"]["amount"] == "100.00"
        assert await ana.balances(account) == before
        undone = await entry(ana, original)
        assert undone["undone"] is True
        assert undone["reversedBy"] == {"id": reversal["id"]}
        assert (await entry(ana, reversal["id"]))["reverses"] == {"id": original}

    async def test_undoing_an_entry_twice_is_a_conflict(self, ana: Member) -> None:
        account, _ = await budget(ana)
        income = await ana.do("RecordIncome", accountId=account, amount="10")
        await ana.do("UndoTransaction", id=income["transaction"]["id"])

        async with unchanged(ana, account):
            error = await ana.refused("UndoTransaction", id=income["transaction"]["id"])

        assert error["code"] == "CONFLICT"
        assert error["field"] == ["id"]

    async def test_the_opening_entry_cannot_be_undone(self, ana: Member) -> None:
        account, _ = await budget(ana)
        [opening] = await entries(ana, account)
        assert opening["kind"] == "OPENING"

        async with unchanged(ana, account):
            error = await ana.refused("UndoTransaction", id=opening["id"])

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["id"]

    async def test_undoing_income_already_spent_is_refused_without_overdraft(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana, opening="0")
        income = await ana.do("RecordIncome", accountId=account, amount="50")
        await ana.do("RecordExpense", accountId=account, amount="30", envelopeId=ids["Available"])

        async with unchanged(ana, account):
            error = await ana.refused("UndoTransaction", id=income["transaction"]["id"])

        assert error["code"] == "INSUFFICIENT_FUNDS"
        assert (await entry(ana, income["transaction"]["id"]))["undone"] is False

    async def test_undoing_a_reversal_redoes_the_original(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "40")
        spent = await ana.do(
            "RecordExpense", accountId=account, amount="15", envelopeId=ids["Food"]
        )
        after_original = await ana.balances(account)
        [reversal] = (await ana.do("UndoTransaction", id=spent["transaction"]["id"]))["reversals"]

        payload = await ana.do("UndoTransaction", id=reversal["id"])

        [redo] = payload["reversals"]
        assert redo["reverses"] == {"id": reversal["id"], "undone": True}
        assert lines(redo) == [("Food", "-15.00")]
        assert await ana.balances(account) == after_original
        assert after_original["Food"] == "25.00"
        assert (await entry(ana, reversal["id"]))["reversedBy"] == {"id": redo["id"]}

    async def test_undoing_one_leg_of_a_transfer_reverses_both_accounts(self, ana: Member) -> None:
        checking, _ = await budget(ana)
        savings = (await ana.open_account(name="Savings", type="SAVINGS"))["id"]
        before = await state(ana, checking, savings)
        transfer = await ana.do(
            "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="40"
        )
        out, into = transfer["outgoing"]["id"], transfer["incoming"]["id"]

        payload = await ana.do("UndoTransaction", id=into)

        reversals = {r["reverses"]["id"]: r for r in payload["reversals"]}
        assert set(reversals) == {out, into}
        assert reversals[out]["amount"] == {"amount": "40.00", "currency": "EUR"}
        assert reversals[into]["amount"] == {"amount": "-40.00", "currency": "EUR"}
        assert reversals[out]["counterpart"] == {"id": reversals[into]["id"]}
        assert reversals[into]["counterpart"] == {"id": reversals[out]["id"]}
        assert [b for b, _ in await state(ana, checking, savings)] == [b for b, _ in before]
        assert (await entry(ana, out))["undone"] is True
        assert (await entry(ana, into))["undone"] is True

    async def test_undoing_the_other_leg_of_an_undone_transfer_is_a_conflict(
        self, ana: Member
    ) -> None:
        checking, _ = await budget(ana)
        savings = (await ana.open_account(name="Savings", type="SAVINGS"))["id"]
        transfer = await ana.do(
            "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="40"
        )
        await ana.do("UndoTransaction", id=transfer["incoming"]["id"])

        async with unchanged(ana, checking, savings):
            error = await ana.refused("UndoTransaction", id=transfer["outgoing"]["id"])

        assert error["code"] == "CONFLICT"

    async def test_undoing_the_reversal_of_a_transfer_redoes_both_legs(self, ana: Member) -> None:
        checking, _ = await budget(ana)
        savings = (await ana.open_account(name="Savings", type="SAVINGS"))["id"]
        transfer = await ana.do(
            "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="40"
        )
        after_transfer = [b for b, _ in await state(ana, checking, savings)]
        undo = await ana.do("UndoTransaction", id=transfer["outgoing"]["id"])

        redo = await ana.do("UndoTransaction", id=undo["reversals"][0]["id"])

        assert len(redo["reversals"]) == 2
        assert {r["reverses"]["id"] for r in redo["reversals"]} == {
            r["id"] for r in undo["reversals"]
        }
        assert [b for b, _ in await state(ana, checking, savings)] == after_transfer
        assert [b["*"] for b in after_transfer] == ["60.00", "40.00"]

    async def test_a_transaction_that_is_missing_or_foreign_is_not_found(
        self, ana: Member, ben: Member
    ) -> None:
        bens_account, _ = await budget(ben)
        bens_income = await ben.do("RecordIncome", accountId=bens_account, amount="5")

        async with unchanged(ben, bens_account):
            foreign = await ana.refused("UndoTransaction", id=bens_income["transaction"]["id"])
        missing = await ana.refused("UndoTransaction", id=unknown_id("Transaction"))

        assert foreign == missing
        assert foreign["code"] == "NOT_FOUND"
        assert foreign["field"] == ["id"]


# --- payment sources ---------------------------------------------------------------------------


async def salary(member: Member, payer: str | None = "ACME Corp") -> tuple[str, Ids, Row]:
    """An empty account with Rent, Food and Fun, and a 2000 salary filling them in that order."""
    account, ids = await budget(member, opening="0", envelopes=("Rent", "Food", "Fun"))
    created = await member.do(
        "CreatePaymentSource", accountId=account, name="Salary", payer=payer,
        expectedAmount="2000",
        allocations=[
            allocation(ids["Rent"], "1000"), allocation(ids["Food"], "400"),
            allocation(ids["Fun"], "100"),
        ],
    )  # fmt: skip
    return account, ids, created["paymentSource"]


class TestPaymentSources:
    async def test_a_payment_source_is_created_with_its_allocations_in_order(
        self, ana: Member
    ) -> None:
        account, ids, source = await salary(ana)

        assert source["name"] == "Salary"
        assert source["payer"] == "ACME Corp"
        assert source["expectedAmount"] == {"amount": "2000.00", "currency": "EUR"}
        assert source["allocations"] == [
            {"envelope": {"id": ids["Rent"], "name": "Rent"}, "amount": {"amount": "1000.00"}},
            {"envelope": {"id": ids["Food"], "name": "Food"}, "amount": {"amount": "400.00"}},
            {"envelope": {"id": ids["Fun"], "name": "Fun"}, "amount": {"amount": "100.00"}},
        ]
        assert (await ana.query("PaymentSource", id=source["id"]))["paymentSource"] == source
        assert (await ana.account(account))["paymentSources"] == [
            {"id": source["id"], "name": "Salary"}
        ]

    async def test_allocations_may_add_up_to_exactly_the_expected_amount(self, ana: Member) -> None:
        account, ids = await budget(ana)

        payload = await ana.do(
            "CreatePaymentSource", accountId=account, name="Pension", expectedAmount="300",
            allocations=[allocation(ids["Food"], "100"), allocation(ids["Rent"], "200")],
        )  # fmt: skip

        assert payload["paymentSource"]["payer"] is None
        assert len(payload["paymentSource"]["allocations"]) == 2

    async def test_allocations_above_the_expected_amount_are_refused(self, ana: Member) -> None:
        account, ids = await budget(ana)

        error = await ana.refused(
            "CreatePaymentSource", accountId=account, name="Pension", expectedAmount="300",
            allocations=[allocation(ids["Food"], "100"), allocation(ids["Rent"], "200.01")],
        )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["allocations"]
        assert (await ana.account(account))["paymentSources"] == []

    async def test_a_payment_source_is_replaced_by_an_update(self, ana: Member) -> None:
        _, ids, source = await salary(ana)

        payload = await ana.do(
            "UpdatePaymentSource", id=source["id"], name="New job", expectedAmount="2500.50",
            allocations=[allocation(ids["Fun"], "250")],
        )  # fmt: skip

        updated = payload["paymentSource"]
        assert updated == {
            "id": source["id"],
            "name": "New job",
            "payer": None,
            "expectedAmount": {"amount": "2500.50", "currency": "EUR"},
            "allocations": [
                {"envelope": {"id": ids["Fun"], "name": "Fun"}, "amount": {"amount": "250.00"}}
            ],
        }
        assert (await ana.query("PaymentSource", id=source["id"]))["paymentSource"] == updated

    async def test_an_update_with_allocations_above_the_expected_amount_is_refused(
        self, ana: Member
    ) -> None:
        _, ids, source = await salary(ana)

        error = await ana.refused(
            "UpdatePaymentSource", id=source["id"], name="Salary", expectedAmount="1000",
            allocations=[allocation(ids["Rent"], "1000"), allocation(ids["Food"], "0.01")],
        )  # fmt: skip

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["allocations"]
        assert (await ana.query("PaymentSource", id=source["id"]))["paymentSource"] == source

    async def test_a_deleted_payment_source_is_gone_but_its_paydays_stay(self, ana: Member) -> None:
        account, _, source = await salary(ana)
        payday = await ana.do("RecordPayday", paymentSourceId=source["id"])

        payload = await ana.do("DeletePaymentSource", id=source["id"])

        assert payload["deletedPaymentSourceId"] == source["id"]
        assert payload["account"] == {"id": account, "paymentSources": []}
        assert await query_error_codes(ana, "PaymentSource", id=source["id"]) == ["NOT_FOUND"]
        assert (await entry(ana, payday["transaction"]["id"]))["amount"]["amount"] == "2000.00"
        assert (await ana.balances(account))["*"] == "2000.00"

    async def test_deleting_a_missing_payment_source_is_not_found(self, ana: Member) -> None:
        error = await ana.refused("DeletePaymentSource", id=unknown_id("PaymentSource"))

        assert error["code"] == "NOT_FOUND"
        assert error["field"] == ["id"]

    async def test_another_members_payment_source_is_not_found(
        self, ana: Member, ben: Member
    ) -> None:
        _, _, source = await salary(ben)

        assert await query_error_codes(ana, "PaymentSource", id=source["id"]) == ["NOT_FOUND"]
        error = await ana.refused("DeletePaymentSource", id=source["id"])
        assert error["code"] == "NOT_FOUND"
        assert (await ben.query("PaymentSource", id=source["id"]))["paymentSource"] == source


# --- recordPayday ------------------------------------------------------------------------------


class TestRecordPayday:
    async def test_the_expected_pay_fills_each_allocation_and_the_rest_goes_to_available(
        self, ana: Member
    ) -> None:
        account, _, source = await salary(ana)

        payload = await ana.do("RecordPayday", paymentSourceId=source["id"])

        payday = payload["transaction"]
        assert payday["kind"] == "INCOME"
        assert payday["amount"] == {"amount": "2000.00", "currency": "EUR"}
        assert lines(payday) == [
            ("Rent", "1000.00"), ("Food", "400.00"), ("Fun", "100.00"), ("Available", "500.00")
        ]  # fmt: skip
        assert await ana.balances(account) == {
            "Available": "500.00", "Rent": "1000.00", "Food": "400.00", "Fun": "100.00",
            "*": "2000.00",
        }  # fmt: skip

    async def test_a_larger_pay_puts_the_extra_into_available(self, ana: Member) -> None:
        account, _, source = await salary(ana)

        await ana.do("RecordPayday", paymentSourceId=source["id"], amount="2300.50")

        assert await ana.balances(account) == {
            "Available": "800.50", "Rent": "1000.00", "Food": "400.00", "Fun": "100.00",
            "*": "2300.50",
        }  # fmt: skip

    async def test_a_short_pay_fills_the_envelopes_in_the_templates_order(
        self, ana: Member
    ) -> None:
        account, _, source = await salary(ana)

        payload = await ana.do("RecordPayday", paymentSourceId=source["id"], amount="1200")

        assert lines(payload["transaction"]) == [("Rent", "1000.00"), ("Food", "200.00")]
        assert await ana.balances(account) == {
            "Available": "0.00", "Rent": "1000.00", "Food": "200.00", "Fun": "0.00",
            "*": "1200.00",
        }  # fmt: skip

    async def test_a_pay_below_the_first_allocation_fills_only_part_of_it(
        self, ana: Member
    ) -> None:
        account, _, source = await salary(ana)

        payload = await ana.do("RecordPayday", paymentSourceId=source["id"], amount="600")

        assert lines(payload["transaction"]) == [("Rent", "600.00")]
        assert (await ana.balances(account))["Rent"] == "600.00"

    async def test_the_payee_defaults_to_the_payer(self, ana: Member) -> None:
        _, _, source = await salary(ana)

        payload = await ana.do("RecordPayday", paymentSourceId=source["id"])

        assert payload["transaction"]["payee"] == "ACME Corp"

    async def test_without_a_payer_the_payee_is_the_source_name(self, ana: Member) -> None:
        _, _, source = await salary(ana, payer=None)

        payload = await ana.do("RecordPayday", paymentSourceId=source["id"])

        assert payload["transaction"]["payee"] == "Salary"

    async def test_a_given_payee_wins_over_the_payer(self, ana: Member) -> None:
        _, _, source = await salary(ana)

        payload = await ana.do(
            "RecordPayday", paymentSourceId=source["id"], payee="ACME Bonus", memo="Q1"
        )

        assert (payload["transaction"]["payee"], payload["transaction"]["memo"]) == (
            "ACME Bonus", "Q1"
        )  # fmt: skip

    @pytest.mark.parametrize("amount", SOME_BAD_AMOUNTS)
    async def test_a_payday_of_a_bad_amount_is_refused(self, ana: Member, amount: str) -> None:
        account, _, source = await salary(ana)

        async with unchanged(ana, account):
            error = await ana.refused("RecordPayday", paymentSourceId=source["id"], amount=amount)

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["amount"]

    async def test_a_payday_of_a_missing_or_foreign_source_is_not_found(
        self, ana: Member, ben: Member
    ) -> None:
        bens_account, _, source = await salary(ben)

        async with unchanged(ben, bens_account):
            foreign = await ana.refused("RecordPayday", paymentSourceId=source["id"])
        missing = await ana.refused("RecordPayday", paymentSourceId=unknown_id("PaymentSource"))

        assert foreign == missing
        assert foreign["code"] == "NOT_FOUND"
        assert foreign["field"] == ["paymentSourceId"]


# --- idempotency keys --------------------------------------------------------------------------


class TestIdempotencyKeys:
    async def test_repeating_an_income_with_its_key_applies_it_once(self, ana: Member) -> None:
        account, _ = await budget(ana)
        request = {"accountId": account, "amount": "25", "idempotencyKey": "income-2024-03"}

        first = await ana.do("RecordIncome", **request)
        after_first = await state(ana, account)
        second = await ana.do("RecordIncome", **request)

        assert second["transaction"]["id"] == first["transaction"]["id"]
        assert second["transaction"]["sequence"] == 2
        assert after_first == [
            ({"Available": "125.00", "Food": "0.00", "Rent": "0.00", "*": "125.00"}, 2)
        ]
        assert await state(ana, account) == after_first

    async def test_repeating_a_transfer_with_its_key_moves_the_money_once(
        self, ana: Member
    ) -> None:
        checking, _ = await budget(ana)
        savings = (await ana.open_account(name="Savings", type="SAVINGS"))["id"]
        request = {
            "fromAccountId": checking, "toAccountId": savings, "amount": "40",
            "idempotencyKey": "transfer-1",
        }  # fmt: skip

        first = await ana.do("TransferMoney", **request)
        second = await ana.do("TransferMoney", **request)

        assert second["outgoing"]["id"] == first["outgoing"]["id"]
        assert second["incoming"]["id"] == first["incoming"]["id"]
        assert [(b["*"], n) for b, n in await state(ana, checking, savings)] == [
            ("60.00", 2), ("40.00", 2)
        ]  # fmt: skip

    async def test_repeating_an_undo_with_its_key_replays_instead_of_conflicting(
        self, ana: Member
    ) -> None:
        account, _ = await budget(ana)
        income = await ana.do("RecordIncome", accountId=account, amount="10")
        request = {"id": income["transaction"]["id"], "idempotencyKey": "undo-1"}

        first = await ana.do("UndoTransaction", **request)
        second = await ana.do("UndoTransaction", **request)

        assert [r["id"] for r in second["reversals"]] == [r["id"] for r in first["reversals"]]
        assert await state(ana, account) == [
            ({"Available": "100.00", "Food": "0.00", "Rent": "0.00", "*": "100.00"}, 3)
        ]

    async def test_the_same_key_with_a_different_input_is_a_conflict(self, ana: Member) -> None:
        account, _ = await budget(ana)
        await ana.do("RecordIncome", accountId=account, amount="25", idempotencyKey="k-1")

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordIncome", accountId=account, amount="26", idempotencyKey="k-1"
            )

        assert error["code"] == "CONFLICT"
        assert error["field"] == ["idempotencyKey"]

    async def test_the_same_key_for_another_operation_is_a_conflict(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await ana.do("RecordIncome", accountId=account, amount="25", idempotencyKey="k-1")

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordExpense", accountId=account, amount="25", envelopeId=ids["Available"],
                idempotencyKey="k-1",
            )  # fmt: skip

        assert error["code"] == "CONFLICT"
        assert error["field"] == ["idempotencyKey"]

    async def test_a_refused_request_does_not_use_up_its_key(self, ana: Member) -> None:
        account, ids = await budget(ana)
        request = {
            "accountId": account, "amount": "30", "envelopeId": ids["Food"],
            "idempotencyKey": "groceries-1",
        }  # fmt: skip
        assert (await ana.refused("RecordExpense", **request))["code"] == "INSUFFICIENT_FUNDS"
        await fund(ana, account, ids, "Food", "30")

        payload = await ana.do("RecordExpense", **request)

        assert payload["account"]["balance"]["amount"] == "70.00"

    async def test_a_repeat_replays_even_where_doing_it_again_would_be_refused(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, "Food", "30")
        request = {
            "accountId": account, "amount": "30", "envelopeId": ids["Food"],
            "idempotencyKey": "groceries-all",
        }  # fmt: skip
        first = await ana.do("RecordExpense", **request)  # Food is empty now

        async with unchanged(ana, account):
            second = await ana.do("RecordExpense", **request)

        assert second["transaction"]["id"] == first["transaction"]["id"]
        assert second["account"]["balance"]["amount"] == "70.00"

    async def test_keys_belong_to_each_member(self, ana: Member, ben: Member) -> None:
        anas, _ = await budget(ana)
        bens, _ = await budget(ben)
        await ana.do("RecordIncome", accountId=anas, amount="25", idempotencyKey="shared")

        payload = await ben.do("RecordIncome", accountId=bens, amount="25", idempotencyKey="shared")

        assert payload["account"]["balance"]["amount"] == "125.00"

    @pytest.mark.parametrize("key", ["", "x" * 201, "tab\there"])
    async def test_a_malformed_key_is_refused(self, ana: Member, key: str) -> None:
        account, _ = await budget(ana)

        async with unchanged(ana, account):
            error = await ana.refused(
                "RecordIncome", accountId=account, amount="5", idempotencyKey=key
            )

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["idempotencyKey"]

    async def test_ten_concurrent_requests_with_one_key_take_effect_once(self, ana: Member) -> None:
        account, ids = await budget(ana)
        request = {
            "accountId": account, "amount": "25", "idempotencyKey": "payday-rush",
            "allocations": [allocation(ids["Food"], "5")],
        }  # fmt: skip

        replies = await asyncio.gather(*(ana.attempt("RecordIncome", **request) for _ in range(10)))

        assert [r["userErrors"] for r in replies] == [[]] * 10
        assert len({r["transaction"]["id"] for r in replies}) == 1
        assert await state(ana, account) == [
            ({"Available": "120.00", "Food": "5.00", "Rent": "0.00", "*": "125.00"}, 2)
        ]
