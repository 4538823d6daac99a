"""The cash-flow picture of a period, computed from recorded entries: income sources →
accounts → envelopes → top payees (the rest grouped), transfers between accounts, every
account node balanced, other currencies left out and listed, and only your own accounts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ledger_client import Member

CASH_FLOW_OPERATIONS = {"CashFlow"}
MARCH = {"from": "2026-03-01", "to": "2026-03-31", "currency": "EUR"}
# `march`'s links from income to envelopes (without the payees)
MARCH_TO_ENVELOPES = {
    ("Acme", "Checking"): "2000.00",
    ("Gift", "Checking"): "100.00",
    ("Checking", "Savings"): "500.00",
    ("Checking", "Kept in accounts"): "510.00",
    ("Savings", "Kept in accounts"): "500.00",
    ("Checking", "Food"): "150.00",
    ("Checking", "Rent"): "900.00",
    ("Checking", "Fun"): "40.00",
}


async def household(member: Member) -> dict[str, Any]:
    """A EUR checking account with envelopes Food, Rent and Fun, a EUR savings account and a
    USD account; their ids and the envelope ids."""
    checking = await member.open_account(
        name="Checking", openingBalance="1000.00", envelopeNames=["Food", "Rent", "Fun"]
    )
    savings = await member.open_account(name="Savings", type="SAVINGS")
    dollars = await member.open_account(name="Dollars", currency="USD", openingBalance="50.00")
    ids = await member.envelope_ids(checking["id"])
    return {"checking": checking["id"], "savings": savings["id"], "usd": dollars["id"], **ids}


async def income(member: Member, account: str, payee: str, amount: str, day: str) -> None:
    await member.do("RecordIncome", accountId=account, payee=payee, amount=amount, bookingDate=day)


async def spend(
    member: Member, ids: dict[str, Any], envelope: str, payee: str, amount: str, day: str
) -> dict[str, Any]:
    await member.do(
        "MoveMoney",
        accountId=ids["checking"],
        fromEnvelopeId=ids["Available"],
        toEnvelopeId=ids[envelope],
        amount=amount,
    )
    payload = await member.do(
        "RecordExpense",
        accountId=ids["checking"],
        envelopeId=ids[envelope],
        payee=payee,
        amount=amount,
        bookingDate=day,
    )
    entry: dict[str, Any] = payload["transaction"]
    return entry


async def march(member: Member) -> dict[str, Any]:
    """A month of Ana's: two incomes, five expenses (one undone), a transfer to savings, one
    expense the month before, and income in dollars."""
    ids = await household(member)
    await income(member, ids["checking"], "Acme", "2000.00", "2026-03-05")
    await income(member, ids["checking"], "Gift", "100.00", "2026-03-09")
    await spend(member, ids, "Food", "Market", "120.00", "2026-03-10")
    await spend(member, ids, "Food", "Bakery", "30.00", "2026-03-11")
    await spend(member, ids, "Rent", "Landlord", "900.00", "2026-03-01")
    await spend(member, ids, "Fun", "Cinema", "40.00", "2026-03-31")
    undone = await spend(member, ids, "Fun", "Arcade", "20.00", "2026-03-20")
    await member.do("UndoTransaction", id=undone["id"])
    await spend(member, ids, "Food", "Market", "75.00", "2026-02-27")
    await member.do(
        "TransferMoney",
        fromAccountId=ids["checking"],
        toAccountId=ids["savings"],
        amount="500.00",
        bookingDate="2026-03-15",
    )
    await income(member, ids["usd"], "Dollar job", "300.00", "2026-03-06")
    return ids


async def cash_flow(member: Member, **variables: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await member.query("CashFlow", **{**MARCH, **variables}))["cashFlow"]
    return found


def links(picture: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(source label, target label) → amount."""
    nodes = picture["nodes"]
    found = {}
    for link in picture["links"]:
        assert link["value"]["currency"] == picture["currency"]
        found[(nodes[link["source"]]["label"], nodes[link["target"]]["label"])] = link["value"][
            "amount"
        ]
    return found


def cents(amount: str) -> int:
    whole, _, frac = amount.partition(".")
    return int(whole) * 100 + int(frac or 0)


def balance_of(picture: dict[str, Any], index: int) -> tuple[int, int]:
    inflow = sum(cents(k["value"]["amount"]) for k in picture["links"] if k["target"] == index)
    outflow = sum(cents(k["value"]["amount"]) for k in picture["links"] if k["source"] == index)
    return inflow, outflow


class TestCashFlow:
    async def test_the_month_is_drawn_from_income_to_payees_with_the_rest_grouped(
        self, ana: Member
    ) -> None:
        await march(ana)
        picture = await cash_flow(ana, topPayees=2)
        assert links(picture) == {
            **MARCH_TO_ENVELOPES,
            ("Food", "Market"): "120.00",
            ("Food", "Other payees"): "30.00",
            ("Rent", "Landlord"): "900.00",
            ("Fun", "Other payees"): "40.00",
        }
        kinds = {node["label"]: node["kind"] for node in picture["nodes"]}
        assert kinds == {
            "Acme": "INCOME", "Gift": "INCOME", "Checking": "ACCOUNT", "Savings": "ACCOUNT",
            "Kept in accounts": "TO_BALANCE", "Food": "ENVELOPE", "Rent": "ENVELOPE",
            "Fun": "ENVELOPE", "Market": "PAYEE", "Landlord": "PAYEE",
            "Other payees": "OTHER_PAYEES",
        }  # fmt: skip

    async def test_every_account_and_envelope_node_balances(self, ana: Member) -> None:
        await march(ana)
        picture = await cash_flow(ana)
        for i, node in enumerate(picture["nodes"]):
            if node["kind"] in ("ACCOUNT", "ENVELOPE"):
                inflow, outflow = balance_of(picture, i)
                assert inflow == outflow, node

    async def test_spending_beyond_income_is_drawn_from_the_balance(self, ana: Member) -> None:
        ids = await household(ana)
        await spend(ana, ids, "Rent", "Landlord", "300.00", "2026-03-02")
        await income(ana, ids["checking"], "Acme", "100.00", "2026-03-03")
        assert links(await cash_flow(ana)) == {
            ("Acme", "Checking"): "100.00",
            ("From balance", "Checking"): "200.00",
            ("Checking", "Rent"): "300.00",
            ("Rent", "Landlord"): "300.00",
        }

    async def test_transfers_both_ways_are_one_netted_link(self, ana: Member) -> None:
        ids = await household(ana)
        for source, target, amount in (
            ("checking", "savings", "400.00"),
            ("savings", "checking", "150.00"),
        ):
            await ana.do(
                "TransferMoney",
                fromAccountId=ids[source],
                toAccountId=ids[target],
                amount=amount,
                bookingDate="2026-03-04",
            )
        assert links(await cash_flow(ana)) == {
            ("From balance", "Checking"): "250.00",
            ("Checking", "Savings"): "250.00",
            ("Savings", "Kept in accounts"): "250.00",
        }

    async def test_accounts_in_other_currencies_are_left_out_and_listed(self, ana: Member) -> None:
        ids = await household(ana)
        await income(ana, ids["usd"], "Dollar job", "300.00", "2026-03-06")
        await ana.do(
            "TransferMoney",
            fromAccountId=ids["checking"],
            toAccountId=ids["usd"],
            amount="100.00",
            receivedAmount="110.00",
            bookingDate="2026-03-07",
        )
        picture = await cash_flow(ana)
        assert links(picture) == {
            ("From balance", "Checking"): "100.00",
            ("Checking", "Transfers out"): "100.00",
        }
        assert [a["name"] for a in picture["excludedAccounts"]] == ["Dollars"]
        dollars = await cash_flow(ana, currency="USD")
        assert links(dollars) == {
            ("Dollar job", "Dollars"): "300.00",
            ("Transfers in", "Dollars"): "110.00",
            ("Dollars", "Kept in accounts"): "410.00",
        }

    async def test_a_period_with_nothing_in_it_is_an_empty_picture(self, ana: Member) -> None:
        await march(ana)
        picture = await cash_flow(ana, **{"from": "2025-01-01", "to": "2025-01-31"})
        assert picture["nodes"] == []
        assert picture["links"] == []
        assert (picture["from"], picture["to"]) == ("2025-01-01", "2025-01-31")

    async def test_no_top_payees_groups_every_payee(self, ana: Member) -> None:
        await march(ana)
        picture = await cash_flow(ana, topPayees=0)
        payees = [n["label"] for n in picture["nodes"] if n["kind"] in ("PAYEE", "OTHER_PAYEES")]
        assert payees == ["Other payees"]


class TestCashFlowRefusals:
    @pytest.mark.parametrize(
        "variables",
        [
            {"from": "2026-03-31", "to": "2026-03-01"},
            {"from": "2000-01-01", "to": "2026-03-01"},
            {"topPayees": 51},
            {"topPayees": -1},
            {"currency": "EURO"},
        ],
    )
    async def test_bad_arguments_are_validation_errors(
        self, ana: Member, variables: dict[str, Any]
    ) -> None:
        reply = await ana.send("CashFlow", {**MARCH, **variables})
        assert reply.error_codes() == ["VALIDATION"], reply.body


class TestCashFlowAcrossUsers:
    async def test_another_users_entries_are_not_in_your_picture(
        self, ana: Member, ben: Member
    ) -> None:
        await march(ana)
        picture = await cash_flow(ben)
        assert picture["nodes"] == []
        assert picture["excludedAccounts"] == []

    async def test_a_shared_account_is_in_its_viewers_picture(
        self, ana: Member, ben: Member
    ) -> None:
        ids = await march(ana)
        await ana.do(
            "ShareAccount", accountId=ids["savings"], email=ben.user["email"], role="VIEWER"
        )
        assert links(await cash_flow(ben)) == {
            ("Transfers in", "Savings"): "500.00",
            ("Savings", "Kept in accounts"): "500.00",
        }
