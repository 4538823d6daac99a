"""Reconciliation through GraphQL: clearing entries, reconciling with a bank statement (with and
without an adjustment), the refusals of reconciled entries, reopening, roles, other users' ids
and idempotency keys. Every refusal is checked to leave the account and its entries (cleared
statuses included) exactly as they were."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from bson import ObjectId

from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

# The example operations of this feature (each is run here).
RECONCILIATION_OPERATIONS = {"SetTransactionsCleared", "ReconcileAccount", "ReopenReconciliation"}

Row = dict[str, Any]
TODAY = datetime.now(UTC).date()


# --- helpers ---------------------------------------------------------------------------------


def unknown_id(type_name: str) -> str:
    raw = f"{type_name}:{ObjectId()}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


async def entries(member: Member, account_id: str) -> list[Row]:
    """The account's entries in recording order."""
    page = await member.query("Transactions", id=account_id, first=100)
    nodes = [edge["node"] for edge in page["account"]["transactions"]["edges"]]
    return sorted(nodes, key=lambda e: e["sequence"])


async def statuses(member: Member, account_id: str) -> dict[int, str]:
    return {e["sequence"]: e["cleared"] for e in await entries(member, account_id)}


async def state(member: Member, account_id: str) -> tuple[Row, list[Row]]:
    return await member.account(account_id), await entries(member, account_id)


@asynccontextmanager
async def unchanged(member: Member, *account_ids: str) -> AsyncIterator[None]:
    """Assert that whatever runs inside changes no account, entry or cleared status."""
    before = [await state(member, a) for a in account_ids]
    yield
    assert [await state(member, a) for a in account_ids] == before


async def budget(
    member: Member, opening: str = "100.00", **input: Any
) -> tuple[str, dict[str, str]]:
    account = await member.open_account(openingBalance=opening, envelopeNames=["Food"], **input)
    return account["id"], await member.envelope_ids(account["id"])


async def record(member: Member, name: str, account_id: str, amount: str, **input: Any) -> Row:
    payload = await member.do(name, accountId=account_id, amount=amount, **input)
    entry: Row = payload["transaction"]
    return entry


async def clear(member: Member, *ids: str, cleared: bool = True) -> Row:
    return await member.do("SetTransactionsCleared", ids=list(ids), cleared=cleared)


async def opening_id(member: Member, account_id: str) -> str:
    entry_id: str = (await entries(member, account_id))[0]["id"]
    return entry_id


def amount(value: Row) -> Decimal:
    return Decimal(value["amount"])


async def assert_invariants(member: Member, account_id: str) -> None:
    """balance = Σ envelopes = Σ entries; cleared balance = Σ cleared and reconciled entries."""
    account = await member.account(account_id)
    found = await entries(member, account_id)
    balance = amount(account["balance"])
    assert balance == sum(amount(e["balance"]) for e in account["envelopes"])
    assert balance == sum(amount(e["amount"]) for e in found)
    assert amount(account["clearedBalance"]) == sum(
        amount(e["amount"]) for e in found if e["cleared"] != "UNCLEARED"
    )


# --- setTransactionsCleared -----------------------------------------------------------------


class TestSetTransactionsCleared:
    async def test_entries_start_uncleared_and_clearing_moves_the_cleared_balance(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        income = await record(ana, "RecordIncome", account, "50.00")
        expense = await record(ana, "RecordExpense", account, "20.00", envelopeId=ids["Available"])
        assert await statuses(ana, account) == {1: "UNCLEARED", 2: "UNCLEARED", 3: "UNCLEARED"}

        opening = await opening_id(ana, account)
        payload = await clear(ana, opening, expense["id"], opening)

        assert [(t["sequence"], t["cleared"]) for t in payload["transactions"]] == [
            (1, "CLEARED"),
            (3, "CLEARED"),
        ]
        assert payload["account"]["clearedBalance"] == {"amount": "80.00", "currency": "EUR"}
        assert payload["account"]["balance"]["amount"] == "130.00"
        assert await statuses(ana, account) == {1: "CLEARED", 2: "UNCLEARED", 3: "CLEARED"}

        again = await clear(ana, opening, income["id"])  # one already cleared: no change to it
        assert again["account"]["clearedBalance"]["amount"] == "130.00"
        back = await clear(ana, expense["id"], cleared=False)
        assert back["transactions"][0]["cleared"] == "UNCLEARED"
        assert back["account"]["clearedBalance"]["amount"] == "150.00"
        await assert_invariants(ana, account)

    async def test_refusals_change_nothing(self, ana: Member, ben: Member) -> None:
        account, _ = await budget(ana)
        other, _ = await budget(ana)
        income = await record(ana, "RecordIncome", account, "5.00")
        elsewhere = await opening_id(ana, other)
        bens, _ = await budget(ben)
        bens_entry = await opening_id(ben, bens)

        async with unchanged(ana, account, other):
            assert (await ana.refused("SetTransactionsCleared", ids=[], cleared=True)) == {
                "field": ["ids"],
                "message": "Give 1 to 100 entries.",
                "code": "VALIDATION",
            }
            many = [unknown_id("Transaction") for _ in range(101)]
            error = await ana.refused("SetTransactionsCleared", ids=many, cleared=True)
            assert error["code"] == "VALIDATION"

            made_up = await ana.refused(
                "SetTransactionsCleared", ids=[income["id"], unknown_id("Transaction")],
                cleared=True,
            )  # fmt: skip
            assert made_up == {
                "field": ["ids", "1"], "message": "No such transaction.", "code": "NOT_FOUND"
            }  # fmt: skip
            malformed = await ana.refused(
                "SetTransactionsCleared", ids=[income["id"], "nonsense"], cleared=True
            )
            assert malformed == made_up
            wrong_type = await ana.refused(
                "SetTransactionsCleared", ids=[income["id"], account], cleared=True
            )
            assert wrong_type == made_up
            # Another user's entry: exactly the answer of an id that does not exist.
            theirs = await ana.refused(
                "SetTransactionsCleared", ids=[income["id"], bens_entry], cleared=True
            )
            assert theirs == made_up
            assert await ana.refused("SetTransactionsCleared", ids=[bens_entry], cleared=True) == {
                "field": ["ids", "0"],
                "message": "No such transaction.",
                "code": "NOT_FOUND",
            }

            two_accounts = await ana.refused(
                "SetTransactionsCleared", ids=[income["id"], elsewhere], cleared=True
            )
            assert two_accounts == {
                "field": ["ids", "1"],
                "message": "All the entries must be of one account.",
                "code": "VALIDATION",
            }
        async with unchanged(ben, bens):
            await ben.refused("SetTransactionsCleared", ids=[income["id"]], cleared=True)


# --- reconcileAccount -----------------------------------------------------------------------


class TestReconcileAccount:
    async def test_matching_statement_reconciles_the_cleared_entries_through_its_date(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)  # the opening entry is booked today
        opening = await opening_id(ana, account)
        old = await record(ana, "RecordExpense", account, "10.00", envelopeId=ids["Available"],
                           bookingDate=day(5))  # fmt: skip
        mid = await record(ana, "RecordIncome", account, "30.00", bookingDate=day(3))
        late = await record(ana, "RecordIncome", account, "40.00", bookingDate=day(1))
        pending = await record(ana, "RecordIncome", account, "7.00", bookingDate=day(4))
        await clear(ana, opening, old["id"], mid["id"], late["id"])
        # Cleared: 160.00 in all; booked on or before 2 days ago: -10.00 + 30.00.

        payload = await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(2), statementBalance="20.00"
        )

        assert payload["adjustment"] is None
        assert payload["difference"] is None
        reconciled = payload["account"]
        assert reconciled["reconciledBalance"] == {"amount": "20.00", "currency": "EUR"}
        assert reconciled["reconciledThrough"] == day(2)
        assert reconciled["clearedBalance"]["amount"] == "160.00"
        assert reconciled["balance"]["amount"] == "167.00"
        last = reconciled["lastReconciliation"]
        assert last["statementDate"] == day(2)
        assert last["statementBalance"] == {"amount": "20.00", "currency": "EUR"}
        assert last["entryCount"] == 2
        assert last["reconciledBy"]["displayName"] == "Ana"
        assert last["adjustment"] is None
        assert await statuses(ana, account) == {
            1: "CLEARED", 2: "RECONCILED", 3: "RECONCILED", 4: "CLEARED", 5: "UNCLEARED"
        }  # fmt: skip

        # The next statement takes what was cleared since, even when booked earlier.
        await clear(ana, pending["id"])
        later = await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(0), statementBalance="167.00"
        )
        assert later["account"]["lastReconciliation"]["entryCount"] == 3
        assert later["account"]["reconciledThrough"] == day(0)
        assert set((await statuses(ana, account)).values()) == {"RECONCILED"}
        await assert_invariants(ana, account)

    async def test_a_mismatch_is_refused_with_the_difference_and_changes_nothing(
        self, ana: Member
    ) -> None:
        account, _ = await budget(ana)
        await clear(ana, await opening_id(ana, account))

        async with unchanged(ana, account):
            payload = await ana.attempt(
                "ReconcileAccount", accountId=account, statementDate=day(0),
                statementBalance="112.34", idempotencyKey="statement-1",
            )  # fmt: skip
            assert payload["difference"] == {"amount": "12.34", "currency": "EUR"}
            assert payload["account"] is None
            assert payload["adjustment"] is None
            [error] = payload["userErrors"]
            assert error["code"] == "BALANCE_MISMATCH"
            assert error["field"] == ["statementBalance"]
            assert "100.00 EUR" in error["message"]
            assert "12.34 EUR" in error["message"]

            below = await ana.attempt(
                "ReconcileAccount", accountId=account, statementDate=day(0), statementBalance="0"
            )
            assert below["difference"] == {"amount": "-100.00", "currency": "EUR"}
            assert below["userErrors"][0]["code"] == "BALANCE_MISMATCH"

        # The key of a refused request was not used up: the same request may succeed later.
        income = await record(ana, "RecordIncome", account, "12.34")
        await clear(ana, income["id"])
        done = await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(0),
            statementBalance="112.34", idempotencyKey="statement-1",
        )  # fmt: skip
        assert done["account"]["reconciledBalance"]["amount"] == "112.34"

    @pytest.mark.parametrize(
        ("statement", "gap", "available"),
        [
            pytest.param("103.21", "3.21", "83.21", id="bank-shows-more"),
            pytest.param("50.00", "-50.00", "30.00", id="bank-shows-less"),
            pytest.param("-15.00", "-115.00", "-35.00", id="below-zero-without-overdraft"),
        ],
    )
    async def test_adjust_records_the_exact_difference_and_reconciles(
        self, ana: Member, statement: str, gap: str, available: str
    ) -> None:
        account, ids = await budget(ana)
        await ana.do(
            "MoveMoney", accountId=account, fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Food"], amount="20.00",
        )  # fmt: skip
        await clear(ana, await opening_id(ana, account))

        payload = await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(0),
            statementBalance=statement, adjust=True,
        )  # fmt: skip

        adjustment = payload["adjustment"]
        assert adjustment["kind"] == "ADJUSTMENT"
        assert adjustment["amount"] == {"amount": gap, "currency": "EUR"}
        assert adjustment["lines"] == [
            {
                "envelope": {"id": ids["Available"], "name": "Available"},
                "amount": {"amount": gap, "currency": "EUR"},
            }
        ]
        assert adjustment["bookingDate"] == day(0)  # the statement date
        assert adjustment["cleared"] == "RECONCILED"
        assert adjustment["sequence"] == 3
        assert adjustment["recordedBy"]["displayName"] == "Ana"
        assert adjustment["memo"] == "Reconciliation adjustment"
        reconciled = payload["account"]
        assert reconciled["balance"]["amount"] == statement
        assert reconciled["clearedBalance"]["amount"] == statement
        assert reconciled["reconciledBalance"]["amount"] == statement
        assert reconciled["lastReconciliation"]["entryCount"] == 2
        assert reconciled["lastReconciliation"]["adjustment"] == {"id": adjustment["id"]}
        envelopes = {e["name"]: e["balance"]["amount"] for e in reconciled["envelopes"]}
        assert envelopes == {"Available": available, "Food": "20.00"}
        await assert_invariants(ana, account)
        # The adjustment counts in the net of the totals only.
        totals = (await ana.query("Totals", id=account))["account"]["totals"]
        assert totals["net"]["amount"] == statement
        assert totals["income"]["amount"] == "0.00"
        assert totals["expense"]["amount"] == "0.00"

    async def test_adjust_without_a_difference_records_nothing(self, ana: Member) -> None:
        account, _ = await budget(ana)
        await clear(ana, await opening_id(ana, account))
        payload = await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(0),
            statementBalance="100", adjust=True,
        )  # fmt: skip
        assert payload["adjustment"] is None
        assert len(await entries(ana, account)) == 1

    async def test_a_credit_card_reconciles_below_zero(self, ana: Member) -> None:
        card = await ana.open_account(name="Card", type="CREDIT_CARD", openingBalance="-250.00")
        await clear(ana, await opening_id(ana, card["id"]))
        payload = await ana.do(
            "ReconcileAccount", accountId=card["id"], statementDate=day(0),
            statementBalance="-250.00",
        )  # fmt: skip
        assert payload["account"]["reconciledBalance"]["amount"] == "-250.00"

    @pytest.mark.parametrize(
        ("fields", "field", "code"),
        [
            pytest.param({"statementBalance": "ten"}, ["statementBalance"], "VALIDATION",
                         id="words"),
            pytest.param({"statementBalance": "1.234"}, ["statementBalance"], "VALIDATION",
                         id="too-many-decimals"),
            pytest.param({"statementBalance": "10000000000000.00"}, ["statementBalance"],
                         "VALIDATION", id="too-large"),
            pytest.param({"statementDate": "1899-12-31"}, ["statementDate"], "VALIDATION",
                         id="before-1900"),
            pytest.param({"statementDate": (TODAY + timedelta(days=400)).isoformat()},
                         ["statementDate"], "VALIDATION", id="too-far-ahead"),
            pytest.param({"accountId": unknown_id("Account")}, ["accountId"], "NOT_FOUND",
                         id="made-up-account"),
            pytest.param({"accountId": "nonsense"}, ["accountId"], "NOT_FOUND", id="malformed"),
            pytest.param({"idempotencyKey": ""}, ["idempotencyKey"], "VALIDATION",
                         id="empty-key"),
        ],
    )  # fmt: skip
    async def test_bad_input_is_refused_and_changes_nothing(
        self, ana: Member, fields: Row, field: list[str], code: str
    ) -> None:
        account, _ = await budget(ana)
        await clear(ana, await opening_id(ana, account))
        request = {"accountId": account, "statementDate": day(0), "statementBalance": "100.00"}
        async with unchanged(ana, account):
            error = await ana.refused("ReconcileAccount", **{**request, **fields})
        assert (error["field"], error["code"]) == (field, code), error

    async def test_a_statement_before_the_last_reconciliation_is_refused(self, ana: Member) -> None:
        account, _ = await budget(ana)
        await clear(ana, await opening_id(ana, account))
        # The opening entry is booked today: nothing is cleared through 3 days ago.
        await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(3), statementBalance="0"
        )
        async with unchanged(ana, account):
            error = await ana.refused(
                "ReconcileAccount", accountId=account, statementDate=day(4), statementBalance="0"
            )
        assert error["code"] == "VALIDATION"
        assert error["field"] == ["statementDate"]
        assert day(3) in error["message"]
        # The same date again is a new statement (nothing more cleared: nothing reconciled).
        again = await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(3), statementBalance="0"
        )
        assert again["account"]["lastReconciliation"]["entryCount"] == 0

    async def test_a_closed_account_is_not_reconciled(self, ana: Member) -> None:
        account = (await ana.open_account(name="Empty"))["id"]
        await ana.do("CloseAccount", accountId=account)
        async with unchanged(ana, account):
            error = await ana.refused(
                "ReconcileAccount", accountId=account, statementDate=day(0), statementBalance="0"
            )
        assert error == {
            "field": ["accountId"],
            "message": "The account is closed: reopen it first.",
            "code": "VALIDATION",
        }

    async def test_a_repeated_key_answers_the_first_result(self, ana: Member) -> None:
        account, _ = await budget(ana)
        await clear(ana, await opening_id(ana, account))
        request = {
            "accountId": account, "statementDate": day(1), "statementBalance": "95.00",
            "adjust": True, "idempotencyKey": "statement-may",
        }  # fmt: skip
        first = await ana.do("ReconcileAccount", **request)
        second = await ana.do("ReconcileAccount", **request)

        assert second["adjustment"]["id"] == first["adjustment"]["id"]
        assert second["account"] == first["account"]
        assert [e["kind"] for e in await entries(ana, account)] == ["OPENING", "ADJUSTMENT"]
        async with unchanged(ana, account):
            error = await ana.refused("ReconcileAccount", **{**request, "statementBalance": "96"})
        assert error["code"] == "CONFLICT"
        assert error["field"] == ["idempotencyKey"]


# --- reconciled entries, and reopening ------------------------------------------------------


class TestReconciledEntries:
    async def test_reconciled_entries_refuse_undo_and_status_changes_until_reopened(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        expense = await record(ana, "RecordExpense", account, "25.00",
                               envelopeId=ids["Available"])  # fmt: skip
        await clear(ana, await opening_id(ana, account), expense["id"])
        adjusted = await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(0),
            statementBalance="70.00", adjust=True,
        )  # fmt: skip
        adjustment = adjusted["adjustment"]

        async with unchanged(ana, account):
            for entry_id, sequence in ((expense["id"], 2), (adjustment["id"], 3)):
                refusal = {
                    "field": ["id"],
                    "message": f"Entry #{sequence} is reconciled: reopen the account's "
                    "reconciliation first.",
                    "code": "RECONCILED",
                }
                assert await ana.refused("UndoTransaction", id=entry_id) == refusal
                for cleared in (False, True):
                    assert await ana.refused(
                        "SetTransactionsCleared", ids=[entry_id], cleared=cleared
                    ) == {**refusal, "field": ["ids", "0"]}

        reopened = await ana.do("ReopenReconciliation", accountId=account)
        after = reopened["account"]
        assert after["reconciledBalance"] == {"amount": "0.00", "currency": "EUR"}
        assert after["reconciledThrough"] is None
        assert after["lastReconciliation"] is None
        assert after["clearedBalance"]["amount"] == "70.00"  # still cleared, adjustment too
        assert await statuses(ana, account) == {1: "CLEARED", 2: "CLEARED", 3: "CLEARED"}

        undone = await ana.do("UndoTransaction", id=adjustment["id"])
        assert undone["reversals"][0]["amount"]["amount"] == "5.00"
        assert undone["accounts"][0]["balance"]["amount"] == "75.00"
        await ana.do("UndoTransaction", id=expense["id"])
        reversal = (await entries(ana, account))[-1]
        assert reversal["kind"] == "REVERSAL"
        assert reversal["cleared"] == "UNCLEARED"
        await assert_invariants(ana, account)

    async def test_a_transfer_with_a_reconciled_leg_cannot_be_undone(self, ana: Member) -> None:
        checking, _ = await budget(ana)
        savings, _ = await budget(ana, opening="0")
        transfer = await ana.do(
            "TransferMoney", fromAccountId=checking, toAccountId=savings, amount="40.00"
        )
        await clear(ana, transfer["incoming"]["id"])
        await ana.do(
            "ReconcileAccount", accountId=savings, statementDate=day(0), statementBalance="40"
        )
        async with unchanged(ana, checking, savings):
            error = await ana.refused("UndoTransaction", id=transfer["outgoing"]["id"])
        assert error["code"] == "RECONCILED"

    async def test_reopen_restores_the_reconciliation_before(self, ana: Member) -> None:
        account, _ = await budget(ana, opening="0")
        first_pay = await record(ana, "RecordIncome", account, "100.00", bookingDate=day(12))
        await clear(ana, first_pay["id"])
        await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(10), statementBalance="100"
        )
        income = await record(ana, "RecordIncome", account, "8.00", bookingDate=day(5))
        await clear(ana, income["id"])
        await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(2), statementBalance="108"
        )

        first = await ana.do("ReopenReconciliation", accountId=account)
        account_now = first["account"]
        assert account_now["reconciledBalance"]["amount"] == "100.00"
        assert account_now["reconciledThrough"] == day(10)
        assert account_now["lastReconciliation"] == {
            "statementDate": day(10),
            "statementBalance": {"amount": "100.00", "currency": "EUR"},
            "entryCount": 1,
        }
        assert await statuses(ana, account) == {1: "UNCLEARED", 2: "RECONCILED", 3: "CLEARED"}

        second = await ana.do("ReopenReconciliation", accountId=account)
        assert second["account"]["lastReconciliation"] is None
        assert await statuses(ana, account) == {1: "UNCLEARED", 2: "CLEARED", 3: "CLEARED"}
        async with unchanged(ana, account):
            assert await ana.refused("ReopenReconciliation", accountId=account) == {
                "field": ["accountId"],
                "message": "The account has no reconciliation to reopen.",
                "code": "CONFLICT",
            }

    async def test_a_repeated_reopen_key_reopens_once(self, ana: Member) -> None:
        account, _ = await budget(ana)  # nothing cleared: statements of zero reconcile
        for through in (day(4), day(2)):
            await ana.do(
                "ReconcileAccount", accountId=account, statementDate=through, statementBalance="0"
            )
        first = await ana.do("ReopenReconciliation", accountId=account, idempotencyKey="reopen")
        second = await ana.do("ReopenReconciliation", accountId=account, idempotencyKey="reopen")
        assert first == second
        assert second["account"]["reconciledThrough"] == day(4)


# --- who may ---------------------------------------------------------------------------------


class TestRolesAndOtherUsers:
    async def test_viewers_are_forbidden_and_editors_may(
        self, gql: GraphQLClient, ana: Member, ben: Member
    ) -> None:
        cleo = await Member.register(gql, "cleo@example.com", "Cleo")
        account, _ = await budget(ana)
        opening = await opening_id(ana, account)
        await ana.do("ShareAccount", accountId=account, email="ben@example.com", role="EDITOR")
        await ana.do("ShareAccount", accountId=account, email="cleo@example.com", role="VIEWER")

        async with unchanged(ana, account):
            for name, input in (
                ("SetTransactionsCleared", {"ids": [opening], "cleared": True}),
                ("ReconcileAccount", {"accountId": account, "statementDate": day(0),
                                      "statementBalance": "0", "adjust": True}),
                ("ReopenReconciliation", {"accountId": account}),
            ):  # fmt: skip
                error = await cleo.refused(name, **input)
                assert error["code"] == "FORBIDDEN", (name, error)

        await clear(ben, opening)
        await ben.do(
            "ReconcileAccount", accountId=account, statementDate=day(0), statementBalance="100"
        )
        last = (await ben.do("ReopenReconciliation", accountId=account))["account"]
        assert last["reconciledThrough"] is None
        # Viewers see the statuses and balances.
        seen = await cleo.account(account)
        assert seen["clearedBalance"]["amount"] == "100.00"

    async def test_another_users_account_is_not_found_like_a_made_up_one(
        self, ana: Member, ben: Member
    ) -> None:
        account, _ = await budget(ana)
        await clear(ana, await opening_id(ana, account))
        await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(0), statementBalance="100"
        )
        reconcile = {"statementDate": day(0), "statementBalance": "100", "adjust": True}

        async with unchanged(ana, account):
            for name, input in (
                ("ReconcileAccount", reconcile),
                ("ReopenReconciliation", {}),
            ):
                theirs = await ben.attempt(name, accountId=account, **input)
                made_up = await ben.attempt(name, accountId=unknown_id("Account"), **input)
                assert theirs == made_up
                assert theirs["userErrors"] == [
                    {"field": ["accountId"], "message": "No such account.", "code": "NOT_FOUND"}
                ]


# --- history, old entries, concurrency -----------------------------------------------------


class TestHistoryAndConcurrency:
    async def test_history_filters_by_cleared_status_and_old_entries_read_uncleared(
        self, ana: Member, mongo: Any
    ) -> None:
        account, _ = await budget(ana)
        income = await record(ana, "RecordIncome", account, "20.00")
        await record(ana, "RecordIncome", account, "3.00")
        await clear(ana, await opening_id(ana, account))
        await ana.do(
            "ReconcileAccount", accountId=account, statementDate=day(0), statementBalance="100"
        )
        await clear(ana, income["id"])
        # An entry written before reconciliation existed has no status stored.
        mongo.transactions.update_one({"seq": 3}, {"$unset": {"cleared": ""}})

        async def sequences(*cleared: str) -> list[int]:
            page = await ana.query(
                "Transactions", id=account, first=10, filter={"cleared": list(cleared)}
            )
            return sorted(e["node"]["sequence"] for e in page["account"]["transactions"]["edges"])

        assert await sequences("UNCLEARED") == [3]
        assert await sequences("CLEARED") == [2]
        assert await sequences("CLEARED", "RECONCILED") == [1, 2]
        assert (await statuses(ana, account))[3] == "UNCLEARED"
        totals = await ana.query("Totals", id=account, filter={"cleared": ["CLEARED"]})
        assert totals["account"]["totals"]["net"]["amount"] == "20.00"
        assert totals["account"]["totals"]["count"] == 1

    async def test_an_undo_racing_a_reconciliation_never_leaves_a_reconciled_entry_undone(
        self, ana: Member
    ) -> None:
        for _ in range(5):
            account, ids = await budget(ana)
            expense = await record(ana, "RecordExpense", account, "10.00",
                                   envelopeId=ids["Available"])  # fmt: skip
            await clear(ana, await opening_id(ana, account), expense["id"])
            undo, reconcile = await asyncio.gather(
                ana.attempt("UndoTransaction", id=expense["id"]),
                ana.attempt(
                    "ReconcileAccount",
                    accountId=account,
                    statementDate=day(0),
                    statementBalance="90.00",
                ),
            )
            assert reconcile["userErrors"] == []  # the reversal is uncleared: still 90.00
            found = await entries(ana, account)
            if undo["userErrors"]:
                assert undo["userErrors"][0]["code"] == "RECONCILED"
                assert [e["undone"] for e in found] == [False, False]
            else:
                assert found[1]["undone"] is True
                assert found[1]["cleared"] == "RECONCILED"  # undone, then reconciled: allowed
                assert found[2]["cleared"] == "UNCLEARED"
            await assert_invariants(ana, account)


# --- every example operation, in one story ---------------------------------------------------


async def test_the_reconciliation_operations_in_a_month_of_a_household(ana: Member) -> None:
    account, ids = await budget(ana, opening="1000.00")
    rent = await record(ana, "RecordExpense", account, "700.00", envelopeId=ids["Available"],
                        payee="Landlord", bookingDate=day(6))  # fmt: skip
    salary = await record(ana, "RecordIncome", account, "2000.00", bookingDate=day(3))
    cleared = await ana.do(
        "SetTransactionsCleared", ids=[await opening_id(ana, account), rent["id"], salary["id"]],
        cleared=True,
    )  # fmt: skip
    assert cleared["account"]["clearedBalance"]["amount"] == "2300.00"

    reconciled = await ana.do(
        "ReconcileAccount", accountId=account, statementDate=day(0), statementBalance="2299.10",
        adjust=True, idempotencyKey="statement-2",
    )  # fmt: skip
    assert reconciled["adjustment"]["amount"]["amount"] == "-0.90"  # bank fees
    assert reconciled["account"]["lastReconciliation"]["entryCount"] == 4

    reopened = await ana.do("ReopenReconciliation", accountId=account)
    assert reopened["account"]["reconciledThrough"] is None
    await assert_invariants(ana, account)
