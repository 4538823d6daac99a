"""Accounts and their envelopes through GraphQL: open, list, read, update, close, reopen;
create, rename, reorder, archive, unarchive and delete envelopes. Every refusal is checked
to leave the ledger exactly as it was."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from bson import ObjectId

from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member, operation

NO_ACCOUNT = "No such account."
NO_ENVELOPE = "No such envelope in this account."


# --- helpers -------------------------------------------------------------------------------


def global_id(type_name: str, raw: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).decode().rstrip("=")


def missing_id(type_name: str = "Account") -> str:
    """A well-formed id of an object that does not exist."""
    return global_id(type_name, str(ObjectId()))


async def snapshot(member: Member, account_id: str) -> tuple[dict[str, Any], list[Any]]:
    """Everything a refusal must leave untouched: the account and its entries."""
    account = await member.account(account_id)
    page = await member.query("Transactions", id=account_id, first=100)
    entries = [
        (e["node"]["sequence"], e["node"]["kind"], e["node"]["amount"]["amount"])
        for e in page["account"]["transactions"]["edges"]
    ]
    return account, entries


async def entries(member: Member, account_id: str) -> list[dict[str, Any]]:
    page = await member.query("Transactions", id=account_id, first=100)
    return [e["node"] for e in page["account"]["transactions"]["edges"]]


async def account_names(member: Member, include_closed: bool = False) -> list[str]:
    data = await member.query("Accounts", includeClosed=include_closed)
    return [a["name"] for a in data["accounts"]]


async def fund(member: Member, account_id: str, **amounts: str) -> None:
    """Income straight into the named envelopes (Available included)."""
    ids = await member.envelope_ids(account_id)
    for name, amount in amounts.items():
        allocations = [] if name == "Available" else [{"envelopeId": ids[name], "amount": amount}]
        await member.do(
            "RecordIncome", accountId=account_id, amount=amount, allocations=allocations
        )


async def share(owner: Member, account_id: str, other: Member, role: str) -> None:
    await owner.do("ShareAccount", accountId=account_id, email=other.user["email"], role=role)


def envelope_view(account: dict[str, Any]) -> list[tuple[str, str, bool]]:
    return [(e["name"], e["balance"]["amount"], e["archived"]) for e in account["envelopes"]]


@pytest.fixture
async def household(ana: Member) -> dict[str, Any]:
    """Ana's checking account: 100.00 in Available, Food and Rent empty."""
    return await ana.open_account(openingBalance="100.00", envelopeNames=["Food", "Rent"])


# --- openAccount ---------------------------------------------------------------------------


class TestOpenAccount:
    async def test_a_checking_account_opens_with_its_balance_in_available(
        self, ana: Member
    ) -> None:
        payload = await ana.do(
            "OpenAccount",
            name="  Daily   Checking ",
            type="CHECKING",
            currency="EUR",
            institution="Good Bank",
            onBudget=False,
            openingBalance="100.5",
            envelopeNames=["Food", "Rent"],
        )
        account = payload["account"]
        assert account["name"] == "Daily Checking"
        assert account["type"] == "CHECKING"
        assert account["institution"] == "Good Bank"
        assert account["currency"] == "EUR"
        assert account["onBudget"] is False
        assert account["allowOverdraft"] is False
        assert account["closed"] is False
        assert account["closedAt"] is None
        assert account["myRole"] == "OWNER"
        assert account["balance"] == {"amount": "100.50", "currency": "EUR"}
        assert [
            (e["name"], e["balance"]["amount"], e["isAvailable"], e["archived"])
            for e in account["envelopes"]
        ] == [
            ("Available", "100.50", True, False),
            ("Food", "0.00", False, False),
            ("Rent", "0.00", False, False),
        ]

    async def test_the_opening_balance_is_the_first_entry_of_kind_opening(
        self, ana: Member
    ) -> None:
        payload = await ana.do(
            "OpenAccount", name="Savings", type="SAVINGS", currency="EUR", openingBalance="250"
        )
        opening = payload["openingTransaction"]
        assert opening["sequence"] == 1
        assert opening["kind"] == "OPENING"
        assert opening["amount"] == {"amount": "250.00", "currency": "EUR"}
        [entry] = await entries(ana, payload["account"]["id"])
        assert entry["id"] == opening["id"]
        assert entry["balanceAfter"]["amount"] == "250.00"
        assert [
            (line["envelope"]["name"], line["amount"]["amount"]) for line in entry["lines"]
        ] == [("Available", "250.00")]

    async def test_an_account_opened_without_a_balance_starts_at_zero(self, ana: Member) -> None:
        payload = await ana.do("OpenAccount", name="Wallet", type="CASH", currency="EUR")
        assert payload["account"]["balance"]["amount"] == "0.00"
        assert await ana.balances(payload["account"]["id"]) == {"Available": "0.00", "*": "0.00"}
        assert payload["openingTransaction"]["sequence"] == 1
        assert payload["openingTransaction"]["amount"]["amount"] == "0.00"

    async def test_each_account_type_opens_with_its_default_overdraft(self, ana: Member) -> None:
        defaults = {
            "CHECKING": False,
            "SAVINGS": False,
            "CREDIT_CARD": True,
            "CASH": False,
            "LOAN": True,
            "OTHER": False,
        }
        opened = {}
        for account_type in defaults:
            account = await ana.open_account(name=account_type.title(), type=account_type)
            opened[account["type"]] = account["allowOverdraft"]
        assert opened == defaults

    async def test_an_explicit_overdraft_choice_overrides_the_default(self, ana: Member) -> None:
        checking = await ana.open_account(type="CHECKING", allowOverdraft=True)
        loan = await ana.open_account(name="Loan", type="LOAN", allowOverdraft=False)
        assert (checking["allowOverdraft"], loan["allowOverdraft"]) == (True, False)

    async def test_amounts_take_the_decimals_of_the_currency(self, ana: Member) -> None:
        cases = [
            ("EUR", "12.5", "EUR", "12.50"),
            ("EUR", "7.100", "EUR", "7.10"),
            ("JPY", "1500", "JPY", "1500"),
            ("JPY", "1500.00", "JPY", "1500"),
            ("KWD", "1.234", "KWD", "1.234"),
            ("usd", " 3 ", "USD", "3.00"),
        ]
        for currency, opening, code, shown in cases:
            account = await ana.open_account(currency=currency, openingBalance=opening)
            money = {"amount": shown, "currency": code}
            assert account["currency"] == code, currency
            assert account["balance"] == money, opening
            assert account["envelopes"][0]["balance"] == money, opening

    async def test_the_largest_amount_is_accepted(self, ana: Member) -> None:
        account = await ana.open_account(openingBalance="9999999999999.99")
        assert account["balance"]["amount"] == "9999999999999.99"

    async def test_credit_cards_and_loans_open_below_zero(self, ana: Member) -> None:
        for account_type in ["CREDIT_CARD", "LOAN"]:
            payload = await ana.do(
                "OpenAccount",
                name=account_type,
                type=account_type,
                currency="EUR",
                openingBalance="-250.00",
            )
            assert payload["openingTransaction"]["amount"]["amount"] == "-250.00"
            assert await ana.balances(payload["account"]["id"]) == {
                "Available": "-250.00",
                "*": "-250.00",
            }

    async def test_other_accounts_cannot_open_below_zero(self, ana: Member) -> None:
        for account_type in ["CHECKING", "SAVINGS", "CASH", "OTHER"]:
            error = await ana.refused(
                "OpenAccount", name="Plain", type=account_type, currency="EUR", openingBalance="-1"
            )
            assert error == {
                "field": ["openingBalance"],
                "message": "Only credit card and loan accounts open below zero.",
                "code": "VALIDATION",
            }, account_type
        assert await account_names(ana, include_closed=True) == []

    async def test_an_unknown_currency_is_refused(self, ana: Member) -> None:
        for currency in ["XYZ", "EURO", "", "€"]:
            error = await ana.refused("OpenAccount", name="X", type="CHECKING", currency=currency)
            assert error["code"] == "VALIDATION", currency
            assert error["field"] == ["currency"], currency
            assert error["message"] == f"Unknown currency '{currency}': use an ISO 4217 code."
        assert await account_names(ana, include_closed=True) == []

    async def test_an_amount_with_too_many_decimals_for_its_currency_is_refused(
        self, ana: Member
    ) -> None:
        cases = [
            ("EUR", "12.345", "EUR amounts take at most 2 decimals."),
            ("JPY", "1.5", "JPY amounts take no decimals."),
            ("KWD", "1.2345", "KWD amounts take at most 3 decimals."),
        ]
        for currency, opening, message in cases:
            error = await ana.refused(
                "OpenAccount", name="X", type="CHECKING", currency=currency, openingBalance=opening
            )
            assert error == {"field": ["openingBalance"], "message": message, "code": "VALIDATION"}
        assert await account_names(ana, include_closed=True) == []

    async def test_an_opening_balance_that_is_not_a_decimal_is_refused(self, ana: Member) -> None:
        for opening in ["abc", "12,50", "1e3", "", ".", "1.", "--1", "0x10", "NaN", "Infinity"]:
            error = await ana.refused(
                "OpenAccount", name="X", type="CHECKING", currency="EUR", openingBalance=opening
            )
            assert error == {
                "field": ["openingBalance"],
                "message": f"'{opening}' is not a decimal amount such as 12.50.",
                "code": "VALIDATION",
            }
        assert await account_names(ana, include_closed=True) == []

    async def test_an_opening_balance_beyond_the_maximum_is_refused(self, ana: Member) -> None:
        cases = [
            ("EUR", "10000000000000000"),
            ("EUR", "10000000000000.00"),
            ("EUR", "-10000000000000"),
            ("JPY", "1000000000000000"),
        ]
        for currency, opening in cases:
            error = await ana.refused(
                "OpenAccount",
                name="X",
                type="CREDIT_CARD",
                currency=currency,
                openingBalance=opening,
            )
            assert error == {
                "field": ["openingBalance"],
                "message": "The amount is too large.",
                "code": "VALIDATION",
            }, opening
        assert await account_names(ana, include_closed=True) == []

    async def test_an_amount_sent_as_a_json_number_is_a_client_error(self, ana: Member) -> None:
        reply = await ana.send(
            "OpenAccount",
            {"input": {"name": "X", "type": "CHECKING", "currency": "EUR", "openingBalance": 12.5}},
        )
        assert reply.error_codes() == ["GRAPHQL_VALIDATION_FAILED"]
        assert "as strings" in reply.errors[0]["message"]
        assert await account_names(ana, include_closed=True) == []

    async def test_duplicate_envelope_names_are_refused(self, ana: Member) -> None:
        cases = [
            (["Food", "food"], "Food"),
            (["Food", " FOOD "], "Food"),
            (["available"], "Available"),
            (["Rent", "Available"], "Available"),
        ]
        for names, taken in cases:
            error = await ana.refused(
                "OpenAccount", name="X", type="CHECKING", currency="EUR", envelopeNames=names
            )
            assert error == {
                "field": ["envelopeNames"],
                "message": f"An envelope is already named '{taken}'.",
                "code": "VALIDATION",
            }, names
        assert await account_names(ana, include_closed=True) == []

    async def test_a_blank_envelope_name_is_refused(self, ana: Member) -> None:
        error = await ana.refused(
            "OpenAccount", name="X", type="CHECKING", currency="EUR", envelopeNames=["Food", "  "]
        )
        assert error == {
            "field": ["envelopeNames"],
            "message": "The name cannot be empty.",
            "code": "VALIDATION",
        }
        assert await account_names(ana, include_closed=True) == []

    async def test_a_blank_or_too_long_account_name_is_refused(self, ana: Member) -> None:
        for name, message in [
            ("   ", "The name cannot be empty."),
            ("x" * 101, "At most 100 characters."),
        ]:
            error = await ana.refused("OpenAccount", name=name, type="CHECKING", currency="EUR")
            assert error == {"field": ["name"], "message": message, "code": "VALIDATION"}
        assert await account_names(ana, include_closed=True) == []

    async def test_a_too_long_institution_is_refused(self, ana: Member) -> None:
        error = await ana.refused(
            "OpenAccount", name="X", type="CHECKING", currency="EUR", institution="b" * 201
        )
        assert error["code"] == "VALIDATION"
        assert error["field"] == ["institution"]

    async def test_repeating_a_request_with_its_idempotency_key_opens_one_account(
        self, ana: Member
    ) -> None:
        request = {
            "name": "Checking",
            "type": "CHECKING",
            "currency": "EUR",
            "openingBalance": "40",
            "idempotencyKey": "open-checking-1",
        }
        first = await ana.do("OpenAccount", **request)
        again = await ana.do("OpenAccount", **request)
        assert again["account"]["id"] == first["account"]["id"]
        assert again["openingTransaction"]["id"] == first["openingTransaction"]["id"]
        accounts = (await ana.query("Accounts"))["accounts"]
        assert [(a["id"], a["balance"]["amount"]) for a in accounts] == [
            (first["account"]["id"], "40.00")
        ]
        assert len(await entries(ana, first["account"]["id"])) == 1

    async def test_an_idempotency_key_reused_for_another_request_is_a_conflict(
        self, ana: Member
    ) -> None:
        first = await ana.open_account(name="Checking", idempotencyKey="key-1")
        error = await ana.refused(
            "OpenAccount", name="Savings", type="SAVINGS", currency="EUR", idempotencyKey="key-1"
        )
        assert error["code"] == "CONFLICT"
        assert error["field"] == ["idempotencyKey"]
        accounts = (await ana.query("Accounts"))["accounts"]
        assert [a["id"] for a in accounts] == [first["id"]]

    async def test_the_same_idempotency_key_of_two_users_opens_two_accounts(
        self, ana: Member, ben: Member
    ) -> None:
        mine = await ana.open_account(idempotencyKey="shared-key")
        theirs = await ben.open_account(idempotencyKey="shared-key")
        assert mine["id"] != theirs["id"]
        assert [a["id"] for a in (await ben.query("Accounts"))["accounts"]] == [theirs["id"]]

    async def test_an_empty_idempotency_key_is_refused(self, ana: Member) -> None:
        error = await ana.refused(
            "OpenAccount", name="X", type="CHECKING", currency="EUR", idempotencyKey=""
        )
        assert error["code"] == "VALIDATION"
        assert error["field"] == ["idempotencyKey"]
        assert await account_names(ana, include_closed=True) == []

    async def test_opening_an_account_needs_a_signed_in_user(self, gql: GraphQLClient) -> None:
        reply = await gql.execute(
            operation("OpenAccount"),
            {"input": {"name": "X", "type": "CHECKING", "currency": "EUR"}},
        )
        assert reply.error_codes() == ["UNAUTHENTICATED"]


# --- accounts / account ------------------------------------------------------------------


class TestListAccounts:
    async def test_my_accounts_are_listed_in_the_order_opened(
        self, ana: Member, ben: Member
    ) -> None:
        await ana.open_account(name="Checking", openingBalance="10")
        await ana.open_account(name="Card", type="CREDIT_CARD", currency="USD")
        await ben.open_account(name="Ben's")
        accounts = (await ana.query("Accounts"))["accounts"]
        assert [
            (a["name"], a["type"], a["currency"], a["closed"], a["myRole"], a["balance"]["amount"])
            for a in accounts
        ] == [
            ("Checking", "CHECKING", "EUR", False, "OWNER", "10.00"),
            ("Card", "CREDIT_CARD", "USD", False, "OWNER", "0.00"),
        ]

    async def test_closed_accounts_are_hidden_unless_asked_for(self, ana: Member) -> None:
        await ana.open_account(name="Open")
        closed = await ana.open_account(name="Closed")
        await ana.do("CloseAccount", accountId=closed["id"])
        assert await account_names(ana) == ["Open"]
        listed = (await ana.query("Accounts", includeClosed=True))["accounts"]
        assert [(a["name"], a["closed"]) for a in listed] == [("Open", False), ("Closed", True)]

    async def test_archived_envelopes_are_left_out_of_the_list(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        [account] = (await ana.query("Accounts"))["accounts"]
        assert [e["name"] for e in account["envelopes"]] == ["Available", "Food"]


class TestReadAccount:
    async def test_my_account_shows_its_details_and_its_owner(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        account = await ana.account(household["id"])
        assert account["id"] == household["id"]
        assert account["name"] == "Checking"
        assert account["myRole"] == "OWNER"
        assert [(m["email"], m["role"]) for m in account["members"]] == [
            ("ana@example.com", "OWNER")
        ]
        assert account["members"][0]["profile"]["displayName"] == "Ana"
        assert account["paymentSources"] == []
        assert envelope_view(account) == [
            ("Available", "100.00", False),
            ("Food", "0.00", False),
            ("Rent", "0.00", False),
        ]

    async def test_another_users_account_and_a_garbage_id_are_both_not_found(
        self, ana: Member, ben: Member
    ) -> None:
        bens = await ben.open_account(name="Ben's", openingBalance="5")
        bens_envelope = bens["envelopes"][0]["id"]
        answers = []
        for account_id in [bens["id"], missing_id(), "garbage", bens_envelope, ""]:
            reply = await ana.send("Account", {"id": account_id})
            assert reply.body["data"] == {"account": None}, account_id
            answers.append([(e["message"], e["extensions"]["code"]) for e in reply.errors])
        assert answers == [[(NO_ACCOUNT, "NOT_FOUND")]] * 5


# --- updateAccount -----------------------------------------------------------------------


class TestUpdateAccount:
    async def test_name_institution_and_flags_change(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        payload = await ana.do(
            "UpdateAccount",
            accountId=household["id"],
            name=" Joint  checking ",
            institution="Other Bank",
            onBudget=False,
            allowOverdraft=True,
        )
        expected = {
            "id": household["id"],
            "name": "Joint checking",
            "institution": "Other Bank",
            "onBudget": False,
            "allowOverdraft": True,
        }
        assert payload["account"] == expected
        stored = await ana.account(household["id"])
        assert {k: stored[k] for k in expected} == expected

    async def test_fields_left_out_stay_as_they_were(self, ana: Member) -> None:
        account = await ana.open_account(
            name="Checking", institution="Good Bank", onBudget=False, allowOverdraft=True
        )
        payload = await ana.do("UpdateAccount", accountId=account["id"], name="Renamed")
        assert payload["account"] == {
            "id": account["id"],
            "name": "Renamed",
            "institution": "Good Bank",
            "onBudget": False,
            "allowOverdraft": True,
        }

    async def test_overdraft_can_be_turned_off_when_no_envelope_is_below_zero(
        self, ana: Member
    ) -> None:
        card = await ana.open_account(name="Card", type="CREDIT_CARD")
        payload = await ana.do("UpdateAccount", accountId=card["id"], allowOverdraft=False)
        assert payload["account"]["allowOverdraft"] is False
        assert (await ana.account(card["id"]))["allowOverdraft"] is False

    async def test_overdraft_cannot_be_turned_off_while_an_envelope_is_below_zero(
        self, ana: Member
    ) -> None:
        account = await ana.open_account(allowOverdraft=True, envelopeNames=["Food"])
        ids = await ana.envelope_ids(account["id"])
        await ana.do("RecordExpense", accountId=account["id"], amount="10", envelopeId=ids["Food"])
        before = await snapshot(ana, account["id"])
        error = await ana.refused(
            "UpdateAccount", accountId=account["id"], name="Renamed", allowOverdraft=False
        )
        assert error == {
            "field": ["allowOverdraft"],
            "message": "Envelopes below zero: Food; cover them first.",
            "code": "VALIDATION",
        }
        assert await snapshot(ana, account["id"]) == before
        assert (await ana.account(account["id"]))["allowOverdraft"] is True

    async def test_a_bad_name_or_institution_is_refused(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        before = await snapshot(ana, household["id"])
        cases = [
            ({"name": "  "}, "name", "The name cannot be empty."),
            ({"name": "n" * 101}, "name", "At most 100 characters."),
            ({"institution": "i" * 201}, "institution", "At most 200 characters."),
        ]
        for change, field, message in cases:
            error = await ana.refused(
                "UpdateAccount", accountId=household["id"], onBudget=False, **change
            )
            assert error == {"field": [field], "message": message, "code": "VALIDATION"}
        assert await snapshot(ana, household["id"]) == before


# --- closeAccount / reopenAccount --------------------------------------------------------


class TestCloseAccount:
    async def test_an_account_with_every_envelope_at_zero_closes(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do(
            "RecordExpense", accountId=household["id"], amount="100", envelopeId=ids["Available"]
        )
        payload = await ana.do("CloseAccount", accountId=household["id"])
        assert payload["account"]["id"] == household["id"]
        assert payload["account"]["closed"] is True
        assert payload["account"]["closedAt"] is not None
        stored = await ana.account(household["id"])
        assert stored["closed"] is True
        assert stored["closedAt"] is not None
        assert await account_names(ana) == []

    async def test_the_closing_time_answered_is_the_one_stored(self, ana: Member) -> None:
        account = await ana.open_account()
        payload = await ana.do("CloseAccount", accountId=account["id"])
        stored = await ana.account(account["id"])
        assert payload["account"]["closedAt"] == stored["closedAt"]

    async def test_an_account_holding_money_does_not_close(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        await fund(ana, household["id"], Food="5")
        before = await snapshot(ana, household["id"])
        error = await ana.refused("CloseAccount", accountId=household["id"])
        assert error == {
            "field": ["accountId"],
            "message": "Only an account whose envelopes are all at zero can be closed; "
            "not empty: Available, Food.",
            "code": "VALIDATION",
        }
        assert await snapshot(ana, household["id"]) == before
        assert await account_names(ana) == ["Checking"]

    async def test_an_account_at_zero_overall_but_with_a_negative_envelope_does_not_close(
        self, ana: Member
    ) -> None:
        account = await ana.open_account(allowOverdraft=True, envelopeNames=["Food"])
        ids = await ana.envelope_ids(account["id"])
        await ana.do(
            "MoveMoney",
            accountId=account["id"],
            fromEnvelopeId=ids["Food"],
            toEnvelopeId=ids["Available"],
            amount="3",
        )
        assert await ana.balances(account["id"]) == {
            "Available": "3.00",
            "Food": "-3.00",
            "*": "0.00",
        }
        before = await snapshot(ana, account["id"])
        error = await ana.refused("CloseAccount", accountId=account["id"])
        assert error["code"] == "VALIDATION"
        assert "Available, Food" in error["message"]
        assert await snapshot(ana, account["id"]) == before

    async def test_a_closed_account_does_not_close_again(self, ana: Member) -> None:
        account = await ana.open_account()
        await ana.do("CloseAccount", accountId=account["id"])
        before = await snapshot(ana, account["id"])
        error = await ana.refused("CloseAccount", accountId=account["id"])
        assert error == {
            "field": ["accountId"],
            "message": "The account is closed: reopen it first.",
            "code": "VALIDATION",
        }
        assert await snapshot(ana, account["id"]) == before

    async def test_a_closed_account_refuses_income_and_expenses(self, ana: Member) -> None:
        account = await ana.open_account(envelopeNames=["Food"])
        ids = await ana.envelope_ids(account["id"])
        await ana.do("CloseAccount", accountId=account["id"])
        before = await snapshot(ana, account["id"])
        income = await ana.refused("RecordIncome", accountId=account["id"], amount="10")
        expense = await ana.refused(
            "RecordExpense", accountId=account["id"], amount="1", envelopeId=ids["Food"]
        )
        for error in (income, expense):
            assert error == {
                "field": ["accountId"],
                "message": "The account is closed: reopen it first.",
                "code": "VALIDATION",
            }
        assert await snapshot(ana, account["id"]) == before


class TestReopenAccount:
    async def test_a_reopened_account_is_listed_and_takes_money_again(self, ana: Member) -> None:
        account = await ana.open_account(name="Checking")
        await ana.do("CloseAccount", accountId=account["id"])
        payload = await ana.do("ReopenAccount", accountId=account["id"])
        assert payload["account"] == {"id": account["id"], "closed": False, "closedAt": None}
        assert await account_names(ana) == ["Checking"]
        income = await ana.do("RecordIncome", accountId=account["id"], amount="10")
        assert income["transaction"]["sequence"] == 2
        assert await ana.balances(account["id"]) == {"Available": "10.00", "*": "10.00"}

    async def test_an_open_account_cannot_be_reopened(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        before = await snapshot(ana, household["id"])
        error = await ana.refused("ReopenAccount", accountId=household["id"])
        assert error == {
            "field": ["accountId"],
            "message": "The account is open.",
            "code": "VALIDATION",
        }
        assert await snapshot(ana, household["id"]) == before


# --- createEnvelopes ---------------------------------------------------------------------


class TestCreateEnvelopes:
    async def test_new_envelopes_are_added_at_the_end_in_the_given_order(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        payload = await ana.do(
            "CreateEnvelopes", accountId=household["id"], names=["Travel", " Gifts  for  kids "]
        )
        assert [(e["name"], e["balance"]) for e in payload["envelopes"]] == [
            ("Travel", {"amount": "0.00", "currency": "EUR"}),
            ("Gifts for kids", {"amount": "0.00", "currency": "EUR"}),
        ]
        names = ["Available", "Food", "Rent", "Travel", "Gifts for kids"]
        assert [e["name"] for e in payload["account"]["envelopes"]] == names
        ids = await ana.envelope_ids(household["id"])
        assert list(ids) == names
        assert [ids["Travel"], ids["Gifts for kids"]] == [e["id"] for e in payload["envelopes"]]
        assert (await ana.balances(household["id"]))["*"] == "100.00"

    async def test_a_taken_or_blank_name_refuses_the_whole_batch(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        before = await snapshot(ana, household["id"])
        cases = [
            (["food"], "An envelope is already named 'Food'."),
            (["New", "FOOD"], "An envelope is already named 'Food'."),
            (["New", " new "], "An envelope is already named 'New'."),
            (["AVAILABLE"], "An envelope is already named 'Available'."),
            (["New", "  "], "The name cannot be empty."),
            (["New", "x" * 101], "At most 100 characters."),
        ]
        for names, message in cases:
            error = await ana.refused("CreateEnvelopes", accountId=household["id"], names=names)
            assert error == {"field": ["names"], "message": message, "code": "VALIDATION"}
        assert await snapshot(ana, household["id"]) == before

    async def test_the_name_of_an_archived_envelope_stays_taken(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        error = await ana.refused("CreateEnvelopes", accountId=household["id"], names=["rent"])
        assert error["code"] == "VALIDATION"
        assert error["message"] == "An envelope is already named 'Rent'."

    async def test_the_name_of_a_deleted_envelope_can_be_used_again(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("DeleteEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        payload = await ana.do("CreateEnvelopes", accountId=household["id"], names=["Rent"])
        [created] = payload["envelopes"]
        assert created["id"] != ids["Rent"]
        assert list(await ana.envelope_ids(household["id"])) == ["Available", "Food", "Rent"]

    async def test_an_account_holds_at_most_two_hundred_live_envelopes(self, ana: Member) -> None:
        account = await ana.open_account()
        names = [f"E{i}" for i in range(199)]
        await ana.do("CreateEnvelopes", accountId=account["id"], names=names)
        assert len(await ana.envelope_ids(account["id"])) == 200
        error = await ana.refused("CreateEnvelopes", accountId=account["id"], names=["One more"])
        assert error == {
            "field": ["names"],
            "message": "An account holds at most 200 envelopes.",
            "code": "VALIDATION",
        }
        assert len(await ana.envelope_ids(account["id"])) == 200
        ids = await ana.envelope_ids(account["id"])
        await ana.do("DeleteEnvelope", accountId=account["id"], envelopeId=ids["E0"])
        await ana.do("CreateEnvelopes", accountId=account["id"], names=["In its place"])
        assert list(await ana.envelope_ids(account["id"]))[-1] == "In its place"


# --- renameEnvelope ----------------------------------------------------------------------


class TestRenameEnvelope:
    async def test_an_envelope_is_renamed_and_keeps_its_id_and_money(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        await fund(ana, household["id"], Food="20")
        ids = await ana.envelope_ids(household["id"])
        payload = await ana.do(
            "RenameEnvelope", accountId=household["id"], envelopeId=ids["Food"], name="Groceries"
        )
        assert [(e["id"], e["name"]) for e in payload["account"]["envelopes"]] == [
            (ids["Available"], "Available"),
            (ids["Food"], "Groceries"),
            (ids["Rent"], "Rent"),
        ]
        assert await ana.balances(household["id"]) == {
            "Available": "100.00",
            "Groceries": "20.00",
            "Rent": "0.00",
            "*": "120.00",
        }

    async def test_available_can_be_renamed_and_stays_the_builtin_envelope(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do(
            "RenameEnvelope",
            accountId=household["id"],
            envelopeId=ids["Available"],
            name="To assign",
        )
        account = await ana.account(household["id"])
        first = account["envelopes"][0]
        assert (first["id"], first["name"], first["isAvailable"]) == (
            ids["Available"],
            "To assign",
            True,
        )
        assert first["balance"]["amount"] == "100.00"

    async def test_an_envelope_may_change_the_case_of_its_own_name(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do(
            "RenameEnvelope", accountId=household["id"], envelopeId=ids["Food"], name="FOOD"
        )
        assert list(await ana.envelope_ids(household["id"])) == ["Available", "FOOD", "Rent"]

    async def test_a_taken_or_bad_name_is_refused(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        before = await snapshot(ana, household["id"])
        cases = [
            ("rent", "An envelope is already named 'Rent'."),
            (" AVAILABLE ", "An envelope is already named 'Available'."),
            ("   ", "The name cannot be empty."),
            ("x" * 101, "At most 100 characters."),
        ]
        for name, message in cases:
            error = await ana.refused(
                "RenameEnvelope", accountId=household["id"], envelopeId=ids["Food"], name=name
            )
            assert error == {"field": ["name"], "message": message, "code": "VALIDATION"}
        assert await snapshot(ana, household["id"]) == before

    async def test_an_envelope_of_another_account_or_a_deleted_one_is_not_found(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        other = await ana.open_account(name="Savings", envelopeNames=["Holiday"])
        holiday = (await ana.envelope_ids(other["id"]))["Holiday"]
        rent = (await ana.envelope_ids(household["id"]))["Rent"]
        await ana.do("DeleteEnvelope", accountId=household["id"], envelopeId=rent)
        before = await snapshot(ana, household["id"])
        unknown = [holiday, rent, missing_id("Envelope"), "garbage", household["id"]]
        answers = [
            await ana.refused(
                "RenameEnvelope", accountId=household["id"], envelopeId=envelope_id, name="X"
            )
            for envelope_id in unknown
        ]
        expected = {"field": ["envelopeId"], "message": NO_ENVELOPE, "code": "NOT_FOUND"}
        assert answers == [expected] * len(unknown)
        assert await snapshot(ana, household["id"]) == before
        assert list(await ana.envelope_ids(other["id"])) == ["Available", "Holiday"]


# --- reorderEnvelopes --------------------------------------------------------------------


class TestReorderEnvelopes:
    async def test_envelopes_take_the_new_order_archived_ones_included(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Food"])
        order = [ids["Rent"], ids["Food"], ids["Available"]]
        payload = await ana.do("ReorderEnvelopes", accountId=household["id"], envelopeIds=order)
        assert [e["name"] for e in payload["account"]["envelopes"]] == [
            "Rent",
            "Food",
            "Available",
        ]
        account = await ana.account(household["id"])
        assert envelope_view(account) == [
            ("Rent", "0.00", False),
            ("Food", "0.00", True),
            ("Available", "100.00", False),
        ]

    async def test_deleted_envelopes_are_not_listed(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("DeleteEnvelope", accountId=household["id"], envelopeId=ids["Food"])
        await ana.do(
            "ReorderEnvelopes",
            accountId=household["id"],
            envelopeIds=[ids["Rent"], ids["Available"]],
        )
        assert list(await ana.envelope_ids(household["id"])) == ["Rent", "Available"]
        error = await ana.refused(
            "ReorderEnvelopes",
            accountId=household["id"],
            envelopeIds=[ids["Available"], ids["Food"], ids["Rent"]],
        )
        assert error["code"] == "VALIDATION"

    async def test_an_order_not_listing_every_envelope_once_is_refused(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        other = await ana.open_account(name="Savings", envelopeNames=["Holiday"])
        ids = await ana.envelope_ids(household["id"])
        ids["Holiday"] = (await ana.envelope_ids(other["id"]))["Holiday"]
        before = await snapshot(ana, household["id"])
        orders = [
            ["Available", "Food"],
            ["Available", "Food", "Rent", "Rent"],
            ["Available", "Food", "Rent", "Holiday"],
            ["Available", "Food", "Holiday"],
            [],
        ]
        for order in orders:
            error = await ana.refused(
                "ReorderEnvelopes", accountId=household["id"], envelopeIds=[ids[n] for n in order]
            )
            assert error == {
                "field": ["envelopeIds"],
                "message": "List every envelope of the account exactly once.",
                "code": "VALIDATION",
            }, order
        assert await snapshot(ana, household["id"]) == before
        assert list(await ana.envelope_ids(other["id"])) == ["Available", "Holiday"]

    async def test_leaving_out_an_archived_envelope_is_refused(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        before = await snapshot(ana, household["id"])
        error = await ana.refused(
            "ReorderEnvelopes",
            accountId=household["id"],
            envelopeIds=[ids["Food"], ids["Available"]],
        )
        assert error["code"] == "VALIDATION"
        assert await snapshot(ana, household["id"]) == before

    async def test_a_garbage_envelope_id_is_not_found(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        before = await snapshot(ana, household["id"])
        error = await ana.refused(
            "ReorderEnvelopes",
            accountId=household["id"],
            envelopeIds=[ids["Food"], ids["Available"], "garbage"],
        )
        assert error["code"] == "NOT_FOUND"
        assert error["field"] == ["envelopeIds"]
        assert await snapshot(ana, household["id"]) == before


# --- archiveEnvelope / unarchiveEnvelope -------------------------------------------------


class TestArchiveEnvelope:
    async def test_an_empty_envelope_is_archived_and_hidden_by_default(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        payload = await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        assert [(e["id"], e["archived"]) for e in payload["account"]["envelopes"]] == [
            (ids["Available"], False),
            (ids["Food"], False),
            (ids["Rent"], True),
        ]
        assert envelope_view(await ana.account(household["id"]))[-1] == ("Rent", "0.00", True)
        [listed] = (await ana.query("Accounts"))["accounts"]
        assert [e["name"] for e in listed["envelopes"]] == ["Available", "Food"]

    async def test_a_non_empty_envelope_or_available_is_not_archived(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        await fund(ana, household["id"], Food="1")
        ids = await ana.envelope_ids(household["id"])
        before = await snapshot(ana, household["id"])
        cases = [
            ("Food", "Only an empty envelope can be archived: move its money first."),
            ("Available", "Available cannot be archived."),
        ]
        for name, message in cases:
            error = await ana.refused(
                "ArchiveEnvelope", accountId=household["id"], envelopeId=ids[name]
            )
            assert error == {"field": ["envelopeId"], "message": message, "code": "VALIDATION"}
        assert await snapshot(ana, household["id"]) == before

    async def test_an_empty_available_is_not_archived_either(self, ana: Member) -> None:
        account = await ana.open_account()
        ids = await ana.envelope_ids(account["id"])
        error = await ana.refused(
            "ArchiveEnvelope", accountId=account["id"], envelopeId=ids["Available"]
        )
        assert error["message"] == "Available cannot be archived."
        assert (await ana.account(account["id"]))["envelopes"][0]["archived"] is False

    async def test_an_envelope_below_zero_is_not_archived(self, ana: Member) -> None:
        account = await ana.open_account(allowOverdraft=True, envelopeNames=["Food"])
        ids = await ana.envelope_ids(account["id"])
        await ana.do("RecordExpense", accountId=account["id"], amount="2", envelopeId=ids["Food"])
        error = await ana.refused(
            "ArchiveEnvelope", accountId=account["id"], envelopeId=ids["Food"]
        )
        assert error["code"] == "VALIDATION"
        assert await ana.balances(account["id"]) == {
            "Available": "0.00",
            "Food": "-2.00",
            "*": "-2.00",
        }

    async def test_an_archived_envelope_refuses_money(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        account_id = household["id"]
        ids = await ana.envelope_ids(account_id)
        await ana.do("ArchiveEnvelope", accountId=account_id, envelopeId=ids["Rent"])
        before = await snapshot(ana, account_id)
        expense = await ana.refused(
            "RecordExpense", accountId=account_id, amount="1", envelopeId=ids["Rent"]
        )
        move_in = await ana.refused(
            "MoveMoney",
            accountId=account_id,
            fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Rent"],
            amount="1",
        )
        move_out = await ana.refused(
            "MoveMoney",
            accountId=account_id,
            fromEnvelopeId=ids["Rent"],
            toEnvelopeId=ids["Available"],
            amount="1",
        )
        income = await ana.refused(
            "RecordIncome",
            accountId=account_id,
            amount="5",
            allocations=[{"envelopeId": ids["Rent"], "amount": "5"}],
        )
        message = "Envelope 'Rent' is archived: unarchive it first."
        assert [(e["code"], e["message"], e["field"]) for e in (expense, move_in, move_out)] == [
            ("VALIDATION", message, ["envelopeId"]),
            ("VALIDATION", message, ["toEnvelopeId"]),
            ("VALIDATION", message, ["fromEnvelopeId"]),
        ]
        assert (income["code"], income["message"]) == ("VALIDATION", message)
        assert await snapshot(ana, account_id) == before

    async def test_an_envelope_of_another_account_is_not_found(
        self, ana: Member, ben: Member, household: dict[str, Any]
    ) -> None:
        bens = await ben.open_account(envelopeNames=["Toys"])
        toys = (await ben.envelope_ids(bens["id"]))["Toys"]
        before = await snapshot(ana, household["id"])
        error = await ana.refused("ArchiveEnvelope", accountId=household["id"], envelopeId=toys)
        assert error == {"field": ["envelopeId"], "message": NO_ENVELOPE, "code": "NOT_FOUND"}
        assert await snapshot(ana, household["id"]) == before
        assert envelope_view(await ben.account(bens["id"]))[-1] == ("Toys", "0.00", False)


class TestUnarchiveEnvelope:
    async def test_an_unarchived_envelope_is_listed_and_takes_money_again(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        payload = await ana.do(
            "UnarchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"]
        )
        assert [(e["id"], e["archived"]) for e in payload["account"]["envelopes"]] == [
            (ids["Available"], False),
            (ids["Food"], False),
            (ids["Rent"], False),
        ]
        await ana.do(
            "MoveMoney",
            accountId=household["id"],
            fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Rent"],
            amount="30",
        )
        assert await ana.balances(household["id"]) == {
            "Available": "70.00",
            "Food": "0.00",
            "Rent": "30.00",
            "*": "100.00",
        }

    async def test_a_deleted_envelope_cannot_be_unarchived(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        await ana.do("DeleteEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        error = await ana.refused(
            "UnarchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"]
        )
        assert error == {"field": ["envelopeId"], "message": NO_ENVELOPE, "code": "NOT_FOUND"}
        assert list(await ana.envelope_ids(household["id"])) == ["Available", "Food"]


# --- deleteEnvelope ----------------------------------------------------------------------


class TestDeleteEnvelope:
    async def test_an_empty_envelope_is_deleted_without_an_entry(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        payload = await ana.do("DeleteEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        assert payload["deletedEnvelopeId"] == ids["Rent"]
        assert payload["remainderMove"] is None
        assert [e["name"] for e in payload["account"]["envelopes"]] == ["Available", "Food"]
        assert await ana.balances(household["id"]) == {
            "Available": "100.00",
            "Food": "0.00",
            "*": "100.00",
        }
        assert [e["sequence"] for e in await entries(ana, household["id"])] == [1]

    async def test_an_archived_empty_envelope_is_deleted(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        await ana.do("DeleteEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        assert list(await ana.envelope_ids(household["id"])) == ["Available", "Food"]

    async def test_the_remainder_moves_to_the_chosen_envelope_in_one_entry(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        account_id = household["id"]
        await fund(ana, account_id, Food="30.25")
        ids = await ana.envelope_ids(account_id)
        payload = await ana.do(
            "DeleteEnvelope",
            accountId=account_id,
            envelopeId=ids["Food"],
            moveRemainderTo=ids["Rent"],
        )
        move = payload["remainderMove"]
        assert move["kind"] == "MOVE"
        assert move["amount"]["amount"] == "0.00"
        assert [
            (line["envelope"]["id"], line["envelope"]["deleted"], line["amount"]["amount"])
            for line in move["lines"]
        ] == [(ids["Food"], True, "-30.25"), (ids["Rent"], False, "30.25")]
        assert payload["account"]["balance"]["amount"] == "130.25"
        assert await ana.balances(account_id) == {
            "Available": "100.00",
            "Rent": "30.25",
            "*": "130.25",
        }
        history = await entries(ana, account_id)
        assert [(e["sequence"], e["kind"]) for e in history] == [
            (3, "MOVE"),
            (2, "INCOME"),
            (1, "OPENING"),
        ]
        assert history[0]["id"] == move["id"]
        assert history[0]["memo"] == "Remainder of deleted envelope 'Food'"

    async def test_an_overdrawn_envelope_is_covered_by_the_chosen_envelope(
        self, ana: Member
    ) -> None:
        account = await ana.open_account(
            openingBalance="50", allowOverdraft=True, envelopeNames=["Food"]
        )
        ids = await ana.envelope_ids(account["id"])
        await ana.do("RecordExpense", accountId=account["id"], amount="8", envelopeId=ids["Food"])
        payload = await ana.do(
            "DeleteEnvelope",
            accountId=account["id"],
            envelopeId=ids["Food"],
            moveRemainderTo=ids["Available"],
        )
        assert sorted(
            (line["envelope"]["id"], line["amount"]["amount"])
            for line in payload["remainderMove"]["lines"]
        ) == sorted([(ids["Available"], "-8.00"), (ids["Food"], "8.00")])
        assert await ana.balances(account["id"]) == {"Available": "42.00", "*": "42.00"}

    async def test_a_deleted_envelope_leaves_the_payment_sources_that_filled_it(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        account_id = household["id"]
        ids = await ana.envelope_ids(account_id)
        source = await ana.do(
            "CreatePaymentSource",
            accountId=account_id,
            name="Salary",
            expectedAmount="100",
            allocations=[
                {"envelopeId": ids["Food"], "amount": "20"},
                {"envelopeId": ids["Rent"], "amount": "30"},
            ],
        )
        source_id = source["paymentSource"]["id"]
        await ana.do("DeleteEnvelope", accountId=account_id, envelopeId=ids["Food"])
        stored = (await ana.query("PaymentSource", id=source_id))["paymentSource"]
        assert [(a["envelope"]["name"], a["amount"]["amount"]) for a in stored["allocations"]] == [
            ("Rent", "30.00")
        ]
        await ana.do("RecordPayday", paymentSourceId=source_id)
        assert await ana.balances(account_id) == {
            "Available": "170.00",
            "Rent": "30.00",
            "*": "200.00",
        }

    async def test_a_non_empty_envelope_without_a_target_is_not_deleted(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        await fund(ana, household["id"], Food="5")
        ids = await ana.envelope_ids(household["id"])
        before = await snapshot(ana, household["id"])
        error = await ana.refused(
            "DeleteEnvelope", accountId=household["id"], envelopeId=ids["Food"]
        )
        assert error == {
            "field": ["envelopeId"],
            "message": "The envelope is not empty: pass moveRemainderTo, or move its money first.",
            "code": "VALIDATION",
        }
        assert await snapshot(ana, household["id"]) == before

    async def test_available_is_never_deleted(self, ana: Member, household: dict[str, Any]) -> None:
        ids = await ana.envelope_ids(household["id"])
        before = await snapshot(ana, household["id"])
        for target in [None, ids["Food"]]:
            error = await ana.refused(
                "DeleteEnvelope",
                accountId=household["id"],
                envelopeId=ids["Available"],
                moveRemainderTo=target,
            )
            assert error == {
                "field": ["envelopeId"],
                "message": "Available cannot be deleted.",
                "code": "VALIDATION",
            }
        assert await snapshot(ana, household["id"]) == before

    async def test_the_remainder_cannot_move_to_the_envelope_itself(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        await fund(ana, household["id"], Food="5")
        ids = await ana.envelope_ids(household["id"])
        before = await snapshot(ana, household["id"])
        error = await ana.refused(
            "DeleteEnvelope",
            accountId=household["id"],
            envelopeId=ids["Food"],
            moveRemainderTo=ids["Food"],
        )
        assert error == {
            "field": ["moveRemainderTo"],
            "message": "Move the remainder to another envelope.",
            "code": "VALIDATION",
        }
        assert await snapshot(ana, household["id"]) == before

    async def test_the_remainder_cannot_move_to_an_archived_envelope(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        await fund(ana, household["id"], Food="5")
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        before = await snapshot(ana, household["id"])
        error = await ana.refused(
            "DeleteEnvelope",
            accountId=household["id"],
            envelopeId=ids["Food"],
            moveRemainderTo=ids["Rent"],
        )
        assert error == {
            "field": ["moveRemainderTo"],
            "message": "Envelope 'Rent' is archived: unarchive it first.",
            "code": "VALIDATION",
        }
        assert await snapshot(ana, household["id"]) == before

    async def test_the_remainder_cannot_move_to_an_envelope_of_another_account(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        other = await ana.open_account(name="Savings", envelopeNames=["Holiday"])
        holiday = (await ana.envelope_ids(other["id"]))["Holiday"]
        await fund(ana, household["id"], Food="5")
        ids = await ana.envelope_ids(household["id"])
        before = await snapshot(ana, household["id"])
        for target in [holiday, missing_id("Envelope"), "garbage"]:
            error = await ana.refused(
                "DeleteEnvelope",
                accountId=household["id"],
                envelopeId=ids["Food"],
                moveRemainderTo=target,
            )
            assert error == {
                "field": ["moveRemainderTo"],
                "message": NO_ENVELOPE,
                "code": "NOT_FOUND",
            }
        assert await snapshot(ana, household["id"]) == before
        assert await ana.balances(other["id"]) == {
            "Available": "0.00",
            "Holiday": "0.00",
            "*": "0.00",
        }

    async def test_an_envelope_of_another_account_or_a_deleted_one_is_not_found(
        self, ana: Member, ben: Member, household: dict[str, Any]
    ) -> None:
        bens = await ben.open_account(envelopeNames=["Toys"])
        toys = (await ben.envelope_ids(bens["id"]))["Toys"]
        mine = await ana.open_account(name="Savings", envelopeNames=["Holiday"])
        holiday = (await ana.envelope_ids(mine["id"]))["Holiday"]
        rent = (await ana.envelope_ids(household["id"]))["Rent"]
        await ana.do("DeleteEnvelope", accountId=household["id"], envelopeId=rent)
        before = await snapshot(ana, household["id"])
        for envelope_id in [toys, holiday, rent, missing_id("Envelope"), "garbage"]:
            error = await ana.refused(
                "DeleteEnvelope", accountId=household["id"], envelopeId=envelope_id
            )
            assert error == {"field": ["envelopeId"], "message": NO_ENVELOPE, "code": "NOT_FOUND"}
        assert await snapshot(ana, household["id"]) == before
        assert list(await ben.envelope_ids(bens["id"])) == ["Available", "Toys"]
        assert list(await ana.envelope_ids(mine["id"])) == ["Available", "Holiday"]


# --- roles ---------------------------------------------------------------------------------

MANAGERS_ONLY = "Only the account's admins and owner can do this."
OWNER_ONLY = "Only the account's owner can do this."


class TestHouseholdRoles:
    @pytest.mark.parametrize("role", ["EDITOR", "VIEWER"])
    async def test_members_below_admin_may_not_manage_the_account_or_its_envelopes(
        self, ana: Member, ben: Member, household: dict[str, Any], role: str
    ) -> None:
        ids = await ana.envelope_ids(household["id"])
        await ana.do("ArchiveEnvelope", accountId=household["id"], envelopeId=ids["Rent"])
        await share(ana, household["id"], ben, role)
        before = await snapshot(ana, household["id"])
        attempts = [
            ("UpdateAccount", {"name": "Mine"}, MANAGERS_ONLY),
            ("CreateEnvelopes", {"names": ["Mine"]}, MANAGERS_ONLY),
            ("RenameEnvelope", {"envelopeId": ids["Food"], "name": "Mine"}, MANAGERS_ONLY),
            (
                "ReorderEnvelopes",
                {"envelopeIds": [ids["Rent"], ids["Food"], ids["Available"]]},
                MANAGERS_ONLY,
            ),
            ("ArchiveEnvelope", {"envelopeId": ids["Food"]}, MANAGERS_ONLY),
            ("UnarchiveEnvelope", {"envelopeId": ids["Rent"]}, MANAGERS_ONLY),
            ("DeleteEnvelope", {"envelopeId": ids["Food"]}, MANAGERS_ONLY),
            ("CloseAccount", {}, OWNER_ONLY),
            ("ReopenAccount", {}, OWNER_ONLY),
        ]
        for name, extra, message in attempts:
            error = await ben.refused(name, accountId=household["id"], **extra)
            assert (error["code"], error["message"]) == ("FORBIDDEN", message), name
        assert await snapshot(ana, household["id"]) == before

    async def test_an_admin_manages_settings_and_envelopes_but_only_the_owner_closes(
        self, ana: Member, ben: Member
    ) -> None:
        account = await ana.open_account(name="Shared", envelopeNames=["Food"])
        await share(ana, account["id"], ben, "ADMIN")
        renamed = await ben.do("UpdateAccount", accountId=account["id"], name="Family")
        assert renamed["account"]["name"] == "Family"
        created = await ben.do("CreateEnvelopes", accountId=account["id"], names=["Toys"])
        assert [e["name"] for e in created["envelopes"]] == ["Toys"]
        error = await ben.refused("CloseAccount", accountId=account["id"])
        assert (error["code"], error["message"]) == ("FORBIDDEN", OWNER_ONLY)
        await ana.do("CloseAccount", accountId=account["id"])
        error = await ben.refused("ReopenAccount", accountId=account["id"])
        assert (error["code"], error["message"]) == ("FORBIDDEN", OWNER_ONLY)
        stored = await ana.account(account["id"])
        assert (stored["name"], stored["closed"]) == ("Family", True)
        assert [e["name"] for e in stored["envelopes"]] == ["Available", "Food", "Toys"]


# --- unknown and foreign accounts in every mutation of this area -------------------------


def area_mutations(envelopes: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every mutation of this area, with an input that would suit the account it names."""
    toys, available = envelopes["Toys"], envelopes["Available"]
    return [
        ("UpdateAccount", {"name": "Taken over", "allowOverdraft": True}),
        ("CloseAccount", {}),
        ("ReopenAccount", {}),
        ("CreateEnvelopes", {"names": ["Intruder"]}),
        ("RenameEnvelope", {"envelopeId": toys, "name": "Intruder"}),
        ("ReorderEnvelopes", {"envelopeIds": [toys, available]}),
        ("ArchiveEnvelope", {"envelopeId": toys}),
        ("UnarchiveEnvelope", {"envelopeId": toys}),
        ("DeleteEnvelope", {"envelopeId": toys}),
        ("DeleteEnvelope", {"envelopeId": toys, "moveRemainderTo": available}),
    ]


class TestUnknownAccounts:
    async def test_every_mutation_refuses_another_users_account_like_a_missing_one(
        self, ana: Member, ben: Member
    ) -> None:
        bens = await ben.open_account(name="Ben's", envelopeNames=["Toys"])
        envelopes = await ben.envelope_ids(bens["id"])
        before = await snapshot(ben, bens["id"])
        expected = {"field": ["accountId"], "message": NO_ACCOUNT, "code": "NOT_FOUND"}
        for name, extra in area_mutations(envelopes):
            for account_id in [bens["id"], missing_id(), "garbage", envelopes["Toys"], ""]:
                error = await ana.refused(name, accountId=account_id, **extra)
                assert error == expected, (name, account_id)
        assert await snapshot(ben, bens["id"]) == before

    async def test_a_closed_account_of_another_user_is_not_found_either(
        self, ana: Member, ben: Member
    ) -> None:
        bens = await ben.open_account()
        await ben.do("CloseAccount", accountId=bens["id"])
        error = await ana.refused("ReopenAccount", accountId=bens["id"])
        assert error == {"field": ["accountId"], "message": NO_ACCOUNT, "code": "NOT_FOUND"}
        assert (await ben.account(bens["id"]))["closed"] is True
