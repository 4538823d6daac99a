"""Households: sharing an account, member roles, ownership, and what each role may do.

viewer reads; editor also records, moves, transfers and undoes; admin also manages envelopes,
payment sources, members and the account's settings; only the owner closes, reopens and
hands over the account. A non-member gets the same NOT_FOUND as for a missing account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from bson import ObjectId

from app.graphql.relay import to_global_id
from tests.graphql_client import GraphQLClient, Response
from tests.ledger_client import Member

# --- helpers ---------------------------------------------------------------------------------


async def register(gql: GraphQLClient, name: str) -> Member:
    return await Member.register(gql, f"{name.lower()}@example.com", name)


async def share(owner: Member, account_id: str, member: Member, role: str) -> dict[str, Any]:
    payload = await owner.do(
        "ShareAccount", accountId=account_id, email=member.user["email"], role=role
    )
    account: dict[str, Any] = payload["account"]
    return account


async def read_account(member: Member, account_id: str) -> Response:
    return await member.send("Account", {"id": account_id})


def assert_not_found(reply: Response) -> None:
    assert reply.error_codes() == ["NOT_FOUND"], reply.body
    assert reply.body["data"] == {"account": None}


def roles_by_email(account: dict[str, Any]) -> dict[str, str]:
    return {m["email"]: m["role"] for m in account["members"]}


async def snapshot(member: Member, account_id: str) -> dict[str, Any]:
    """Everything a client can see of an account: settings, envelopes, members, entries."""
    account = await member.account(account_id)
    page = await member.query("Transactions", id=account_id, first=100)
    entries = [edge["node"] for edge in page["account"]["transactions"]["edges"]]
    return {"account": account, "entries": entries}


def missing_account_id() -> str:
    return str(to_global_id("Account", str(ObjectId())))


@dataclass
class Household:
    """Ana owns a funded account and an empty spare one; Ben has one role in both; Cleo is
    registered but no member."""

    ana: Member
    ben: Member
    cleo: Member
    account_id: str
    spare_id: str
    envelopes: dict[str, str]


async def household(gql: GraphQLClient, role: str = "EDITOR") -> Household:
    ana = await register(gql, "Ana")
    ben = await register(gql, "Ben")
    cleo = await register(gql, "Cleo")
    account = await ana.open_account(openingBalance="100.00", envelopeNames=["Food", "Rent"])
    spare = await ana.open_account(name="Spare")
    await share(ana, account["id"], ben, role)
    await share(ana, spare["id"], ben, role)
    envelopes = await ana.envelope_ids(account["id"])
    return Household(ana, ben, cleo, account["id"], spare["id"], envelopes)


# --- shareAccount ----------------------------------------------------------------------------


class TestShareAccount:
    async def test_an_owner_shares_by_email_in_any_case_and_the_member_sees_the_account(
        self, gql: GraphQLClient
    ) -> None:
        ana = await register(gql, "Ana")
        ben = await register(gql, "Ben")
        account = await ana.open_account(name="Family", openingBalance="50")

        payload = await ana.do(
            "ShareAccount", accountId=account["id"], email="  BEN@Example.COM ", role="EDITOR"
        )

        members = payload["account"]["members"]
        assert [(m["email"], m["role"]) for m in members] == [
            ("ana@example.com", "OWNER"),
            ("ben@example.com", "EDITOR"),
        ]
        assert members[1]["profile"]["id"] == ben.user["id"]
        listed = (await ben.query("Accounts"))["accounts"]
        assert [(a["id"], a["name"], a["myRole"]) for a in listed] == [
            (account["id"], "Family", "EDITOR")
        ]
        seen = await ben.account(account["id"])
        assert seen["myRole"] == "EDITOR"
        assert seen["balance"]["amount"] == "50.00"

    async def test_an_admin_may_share_the_account_too(self, gql: GraphQLClient) -> None:
        home = await household(gql, "ADMIN")

        account = await share(home.ben, home.account_id, home.cleo, "VIEWER")

        assert roles_by_email(account)["cleo@example.com"] == "VIEWER"
        assert (await home.cleo.account(home.account_id))["myRole"] == "VIEWER"

    async def test_an_unknown_email_is_not_found_and_adds_nobody(self, gql: GraphQLClient) -> None:
        home = await household(gql)

        error = await home.ana.refused(
            "ShareAccount", accountId=home.account_id, email="nobody@example.com", role="VIEWER"
        )

        assert error["code"] == "NOT_FOUND"
        assert error["field"] == ["email"]
        account = await home.ana.account(home.account_id)
        assert set(roles_by_email(account)) == {"ana@example.com", "ben@example.com"}

    async def test_sharing_with_someone_already_a_member_is_a_conflict_and_keeps_the_role(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "EDITOR")

        error = await home.ana.refused(
            "ShareAccount", accountId=home.account_id, email="BEN@example.com", role="ADMIN"
        )

        assert error["code"] == "CONFLICT"
        assert error["field"] == ["email"]
        account = await home.ana.account(home.account_id)
        assert roles_by_email(account) == {"ana@example.com": "OWNER", "ben@example.com": "EDITOR"}

    async def test_sharing_with_the_owner_themself_is_a_conflict(self, gql: GraphQLClient) -> None:
        home = await household(gql)

        error = await home.ana.refused(
            "ShareAccount", accountId=home.account_id, email="ana@example.com", role="VIEWER"
        )

        assert error["code"] == "CONFLICT"
        assert roles_by_email(await home.ana.account(home.account_id))["ana@example.com"] == "OWNER"

    async def test_the_owner_role_cannot_be_given_by_sharing(self, gql: GraphQLClient) -> None:
        home = await household(gql)

        error = await home.ana.refused(
            "ShareAccount", accountId=home.account_id, email=home.cleo.user["email"], role="OWNER"
        )

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["role"]
        assert_not_found(await read_account(home.cleo, home.account_id))

    @pytest.mark.parametrize("role", ["EDITOR", "VIEWER"])
    async def test_editors_and_viewers_may_not_share(self, gql: GraphQLClient, role: str) -> None:
        home = await household(gql, role)

        error = await home.ben.refused(
            "ShareAccount", accountId=home.account_id, email=home.cleo.user["email"], role="VIEWER"
        )

        assert error["code"] == "FORBIDDEN"
        assert_not_found(await read_account(home.cleo, home.account_id))
        assert len((await home.ana.account(home.account_id))["members"]) == 2

    async def test_a_non_member_sharing_gets_the_answer_of_a_missing_account(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql)
        dan = await register(gql, "Dan")

        refused = await home.cleo.refused(
            "ShareAccount", accountId=home.account_id, email=dan.user["email"], role="VIEWER"
        )
        missing = await home.cleo.refused(
            "ShareAccount", accountId=missing_account_id(), email=dan.user["email"], role="VIEWER"
        )

        assert refused["code"] == "NOT_FOUND"
        assert refused == missing
        assert_not_found(await read_account(dan, home.account_id))


# --- changeMemberRole ------------------------------------------------------------------------


class TestChangeMemberRole:
    async def test_an_admin_turns_an_editor_into_a_viewer_who_then_cannot_record(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "EDITOR")
        await share(home.ana, home.account_id, home.cleo, "ADMIN")

        payload = await home.cleo.do(
            "ChangeMemberRole", accountId=home.account_id, userId=home.ben.user["id"], role="VIEWER"
        )

        assert roles_by_email(payload["account"])["ben@example.com"] == "VIEWER"
        assert (await home.ben.account(home.account_id))["myRole"] == "VIEWER"
        error = await home.ben.refused("RecordIncome", accountId=home.account_id, amount="5")
        assert error["code"] == "FORBIDDEN"

    async def test_the_owner_promotes_a_viewer_to_admin_who_then_may_share(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "VIEWER")

        payload = await home.ana.do(
            "ChangeMemberRole", accountId=home.account_id, userId=home.ben.user["id"], role="ADMIN"
        )

        assert roles_by_email(payload["account"])["ben@example.com"] == "ADMIN"
        account = await share(home.ben, home.account_id, home.cleo, "EDITOR")
        assert roles_by_email(account)["cleo@example.com"] == "EDITOR"

    async def test_an_admin_may_not_change_the_owner(self, gql: GraphQLClient) -> None:
        home = await household(gql, "ADMIN")

        error = await home.ben.refused(
            "ChangeMemberRole", accountId=home.account_id, userId=home.ana.user["id"], role="VIEWER"
        )

        assert error["code"] == "FORBIDDEN"
        assert (await home.ana.account(home.account_id))["myRole"] == "OWNER"

    async def test_the_owner_may_not_change_their_own_role(self, gql: GraphQLClient) -> None:
        home = await household(gql, "ADMIN")

        error = await home.ana.refused(
            "ChangeMemberRole", accountId=home.account_id, userId=home.ana.user["id"], role="ADMIN"
        )

        assert error["code"] == "FORBIDDEN"
        assert (await home.ana.account(home.account_id))["myRole"] == "OWNER"

    async def test_the_owner_role_cannot_be_given_by_a_role_change(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "ADMIN")

        error = await home.ana.refused(
            "ChangeMemberRole", accountId=home.account_id, userId=home.ben.user["id"], role="OWNER"
        )

        assert error["code"] == "VALIDATION"
        assert error["field"] == ["role"]
        account = await home.ana.account(home.account_id)
        assert roles_by_email(account) == {"ana@example.com": "OWNER", "ben@example.com": "ADMIN"}

    async def test_a_user_who_is_not_a_member_is_not_found(self, gql: GraphQLClient) -> None:
        home = await household(gql)

        error = await home.ana.refused(
            "ChangeMemberRole", accountId=home.account_id, userId=home.cleo.user["id"], role="ADMIN"
        )

        assert error["code"] == "NOT_FOUND"
        assert error["field"] == ["userId"]
        assert_not_found(await read_account(home.cleo, home.account_id))

    async def test_an_editor_may_not_change_roles(self, gql: GraphQLClient) -> None:
        home = await household(gql, "EDITOR")
        await share(home.ana, home.account_id, home.cleo, "VIEWER")

        error = await home.ben.refused(
            "ChangeMemberRole", accountId=home.account_id, userId=home.cleo.user["id"], role="ADMIN"
        )

        assert error["code"] == "FORBIDDEN"
        assert (await home.cleo.account(home.account_id))["myRole"] == "VIEWER"


# --- removeMember ----------------------------------------------------------------------------


class TestRemoveMember:
    async def test_a_removed_member_no_longer_finds_the_account(self, gql: GraphQLClient) -> None:
        home = await household(gql, "EDITOR")
        income = await home.ben.do("RecordIncome", accountId=home.account_id, amount="5")

        payload = await home.ana.do(
            "RemoveMember", accountId=home.account_id, userId=home.ben.user["id"]
        )

        assert roles_by_email(payload["account"]) == {"ana@example.com": "OWNER"}
        assert_not_found(await read_account(home.ben, home.account_id))
        listed = (await home.ben.query("Accounts"))["accounts"]
        assert [a["id"] for a in listed] == [home.spare_id]
        entry = await home.ben.send("Transaction", {"id": income["transaction"]["id"]})
        assert entry.error_codes() == ["NOT_FOUND"]
        error = await home.ben.refused("RecordIncome", accountId=home.account_id, amount="5")
        assert error["code"] == "NOT_FOUND"

    async def test_an_admin_removes_another_member(self, gql: GraphQLClient) -> None:
        home = await household(gql, "ADMIN")
        await share(home.ana, home.account_id, home.cleo, "VIEWER")

        payload = await home.ben.do(
            "RemoveMember", accountId=home.account_id, userId=home.cleo.user["id"]
        )

        assert set(roles_by_email(payload["account"])) == {"ana@example.com", "ben@example.com"}
        assert_not_found(await read_account(home.cleo, home.account_id))

    async def test_an_admin_may_not_remove_the_owner(self, gql: GraphQLClient) -> None:
        home = await household(gql, "ADMIN")

        error = await home.ben.refused(
            "RemoveMember", accountId=home.account_id, userId=home.ana.user["id"]
        )

        assert error["code"] == "FORBIDDEN"
        assert (await home.ana.account(home.account_id))["myRole"] == "OWNER"

    async def test_the_owner_may_not_remove_themself(self, gql: GraphQLClient) -> None:
        home = await household(gql)

        error = await home.ana.refused(
            "RemoveMember", accountId=home.account_id, userId=home.ana.user["id"]
        )

        assert error["code"] == "FORBIDDEN"
        assert (await home.ana.account(home.account_id))["myRole"] == "OWNER"

    async def test_removing_someone_who_is_not_a_member_is_not_found(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql)

        error = await home.ana.refused(
            "RemoveMember", accountId=home.account_id, userId=home.cleo.user["id"]
        )

        assert error["code"] == "NOT_FOUND"
        assert error["field"] == ["userId"]

    async def test_an_editor_may_not_remove_members(self, gql: GraphQLClient) -> None:
        home = await household(gql, "EDITOR")
        await share(home.ana, home.account_id, home.cleo, "VIEWER")

        error = await home.ben.refused(
            "RemoveMember", accountId=home.account_id, userId=home.cleo.user["id"]
        )

        assert error["code"] == "FORBIDDEN"
        assert (await home.cleo.account(home.account_id))["myRole"] == "VIEWER"


# --- leaveAccount ----------------------------------------------------------------------------


class TestLeaveAccount:
    async def test_a_member_leaves_and_no_longer_finds_the_account(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "VIEWER")

        payload = await home.ben.do("LeaveAccount", accountId=home.account_id)

        assert payload["accountId"] == home.account_id
        assert_not_found(await read_account(home.ben, home.account_id))
        account = await home.ana.account(home.account_id)
        assert roles_by_email(account) == {"ana@example.com": "OWNER"}

    async def test_the_owner_cannot_leave(self, gql: GraphQLClient) -> None:
        home = await household(gql)

        error = await home.ana.refused("LeaveAccount", accountId=home.account_id)

        assert error["code"] == "CONFLICT"
        assert error["field"] == ["accountId"]
        assert (await home.ana.account(home.account_id))["myRole"] == "OWNER"

    async def test_a_non_member_leaving_gets_the_answer_of_a_missing_account(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql)

        refused = await home.cleo.refused("LeaveAccount", accountId=home.account_id)
        missing = await home.cleo.refused("LeaveAccount", accountId=missing_account_id())

        assert refused["code"] == "NOT_FOUND"
        assert refused == missing


# --- transferOwnership -----------------------------------------------------------------------


class TestTransferOwnership:
    async def test_the_owner_hands_over_and_becomes_an_admin(self, gql: GraphQLClient) -> None:
        home = await household(gql, "EDITOR")

        payload = await home.ana.do(
            "TransferOwnership", accountId=home.account_id, userId=home.ben.user["id"]
        )

        assert payload["account"]["myRole"] == "ADMIN"
        assert [(m["email"], m["role"]) for m in payload["account"]["members"]] == [
            ("ben@example.com", "OWNER"),
            ("ana@example.com", "ADMIN"),
        ]
        assert (await home.ben.account(home.account_id))["myRole"] == "OWNER"
        assert (await home.ana.account(home.account_id))["myRole"] == "ADMIN"

    async def test_afterwards_only_the_new_owner_may_close_the_account(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "VIEWER")
        await home.ana.do("TransferOwnership", accountId=home.spare_id, userId=home.ben.user["id"])

        error = await home.ana.refused("CloseAccount", accountId=home.spare_id)
        assert error["code"] == "FORBIDDEN"
        assert (await home.ana.account(home.spare_id))["closed"] is False

        closed = await home.ben.do("CloseAccount", accountId=home.spare_id)
        assert closed["account"]["closed"] is True

    async def test_the_previous_owner_may_then_leave(self, gql: GraphQLClient) -> None:
        home = await household(gql, "ADMIN")
        await home.ana.do(
            "TransferOwnership", accountId=home.account_id, userId=home.ben.user["id"]
        )

        await home.ana.do("LeaveAccount", accountId=home.account_id)

        assert_not_found(await read_account(home.ana, home.account_id))
        account = await home.ben.account(home.account_id)
        assert roles_by_email(account) == {"ben@example.com": "OWNER"}

    async def test_the_new_owner_must_already_be_a_member(self, gql: GraphQLClient) -> None:
        home = await household(gql)

        error = await home.ana.refused(
            "TransferOwnership", accountId=home.account_id, userId=home.cleo.user["id"]
        )

        assert error["code"] == "NOT_FOUND"
        assert error["field"] == ["userId"]
        assert (await home.ana.account(home.account_id))["myRole"] == "OWNER"
        assert_not_found(await read_account(home.cleo, home.account_id))

    async def test_an_admin_may_not_transfer_ownership(self, gql: GraphQLClient) -> None:
        home = await household(gql, "ADMIN")
        await share(home.ana, home.account_id, home.cleo, "EDITOR")

        error = await home.ben.refused(
            "TransferOwnership", accountId=home.account_id, userId=home.cleo.user["id"]
        )

        assert error["code"] == "FORBIDDEN"
        account = await home.ana.account(home.account_id)
        assert roles_by_email(account) == {
            "ana@example.com": "OWNER",
            "ben@example.com": "ADMIN",
            "cleo@example.com": "EDITOR",
        }

    async def test_handing_the_account_to_oneself_is_a_conflict(self, gql: GraphQLClient) -> None:
        home = await household(gql)

        error = await home.ana.refused(
            "TransferOwnership", accountId=home.account_id, userId=home.ana.user["id"]
        )

        assert error["code"] == "CONFLICT"
        assert (await home.ana.account(home.account_id))["myRole"] == "OWNER"


# --- the permission matrix -------------------------------------------------------------------

Write = tuple[str, Callable[[Household, str], dict[str, Any]], str]


def _writes() -> list[Write]:
    """(operation, its input, the account it changes: "main" or "spare")."""
    return [
        ("RecordIncome", lambda h, _: {"accountId": h.account_id, "amount": "10"}, "main"),
        (
            "RecordExpense",
            lambda h, _: {
                "accountId": h.account_id,
                "amount": "1",
                "envelopeId": h.envelopes["Food"],
            },
            "main",
        ),
        (
            "MoveMoney",
            lambda h, _: {
                "accountId": h.account_id,
                "fromEnvelopeId": h.envelopes["Available"],
                "toEnvelopeId": h.envelopes["Rent"],
                "amount": "2",
            },
            "main",
        ),
        ("UndoTransaction", lambda _, expense: {"id": expense}, "main"),
        ("CreateEnvelopes", lambda h, _: {"accountId": h.account_id, "names": ["Fun"]}, "main"),
        (
            "CreatePaymentSource",
            lambda h, _: {"accountId": h.account_id, "name": "Salary", "expectedAmount": "100"},
            "main",
        ),
        (
            "ShareAccount",
            lambda h, _: {
                "accountId": h.account_id,
                "email": h.cleo.user["email"],
                "role": "VIEWER",
            },
            "main",
        ),
        ("UpdateAccount", lambda h, _: {"accountId": h.account_id, "name": "Renamed"}, "main"),
        ("CloseAccount", lambda h, _: {"accountId": h.spare_id}, "spare"),
    ]


RECORDING = {"RecordIncome", "RecordExpense", "MoveMoney", "UndoTransaction"}
MANAGING = {"CreateEnvelopes", "CreatePaymentSource", "ShareAccount", "UpdateAccount"}
ALLOWED = {
    "VIEWER": set(),
    "EDITOR": RECORDING,
    "ADMIN": RECORDING | MANAGING,
    "OWNER": RECORDING | MANAGING | {"CloseAccount"},
}


class TestPermissionMatrix:
    @pytest.mark.parametrize("role", ["VIEWER", "EDITOR", "ADMIN", "OWNER"])
    async def test_each_role_may_do_exactly_its_writes_and_a_refused_one_changes_nothing(
        self, gql: GraphQLClient, role: str
    ) -> None:
        home = await household(gql, "VIEWER" if role == "OWNER" else role)
        actor = home.ana if role == "OWNER" else home.ben
        ana = home.ana
        await ana.do(
            "MoveMoney",
            accountId=home.account_id,
            fromEnvelopeId=home.envelopes["Available"],
            toEnvelopeId=home.envelopes["Food"],
            amount="20",
        )
        expense = await ana.do(
            "RecordExpense",
            accountId=home.account_id,
            amount="5",
            envelopeId=home.envelopes["Food"],
        )
        expense_id = expense["transaction"]["id"]

        outcomes: dict[str, str] = {}
        for name, make_input, target in _writes():
            account_id = home.account_id if target == "main" else home.spare_id
            before = await snapshot(ana, account_id)
            payload = await actor.attempt(name, **make_input(home, expense_id))
            errors = payload["userErrors"]
            outcomes[name] = "allowed" if errors == [] else errors[0]["code"]
            if errors:
                assert await snapshot(ana, account_id) == before, name
            else:
                assert await snapshot(ana, account_id) != before, name

        assert outcomes == {
            name: "allowed" if name in ALLOWED[role] else "FORBIDDEN" for name, _, _ in _writes()
        }


class TestOnlyAdminsManage:
    @pytest.mark.parametrize("role", ["VIEWER", "EDITOR"])
    async def test_envelope_and_payment_source_management_is_forbidden_below_admin(
        self, gql: GraphQLClient, role: str
    ) -> None:
        home = await household(gql, role)
        ids = home.envelopes
        source = await home.ana.do(
            "CreatePaymentSource", accountId=home.account_id, name="Salary", expectedAmount="100"
        )
        source_id = source["paymentSource"]["id"]
        await home.ana.do("ArchiveEnvelope", accountId=home.account_id, envelopeId=ids["Rent"])
        attempts: list[tuple[str, dict[str, Any]]] = [
            ("RenameEnvelope", {"envelopeId": ids["Food"], "name": "Groceries"}),
            ("ReorderEnvelopes", {"envelopeIds": [ids["Rent"], ids["Food"], ids["Available"]]}),
            ("ArchiveEnvelope", {"envelopeId": ids["Food"]}),
            ("UnarchiveEnvelope", {"envelopeId": ids["Rent"]}),
            ("DeleteEnvelope", {"envelopeId": ids["Food"]}),
        ]
        before = await snapshot(home.ana, home.account_id)

        codes = {
            name: (await home.ben.refused(name, accountId=home.account_id, **values))["code"]
            for name, values in attempts
        }
        codes["UpdatePaymentSource"] = (
            await home.ben.refused(
                "UpdatePaymentSource", id=source_id, name="Bonus", expectedAmount="5"
            )
        )["code"]
        codes["DeletePaymentSource"] = (
            await home.ben.refused("DeletePaymentSource", id=source_id)
        )["code"]

        assert codes == dict.fromkeys(codes, "FORBIDDEN")
        assert await snapshot(home.ana, home.account_id) == before
        kept = await home.ana.query("PaymentSource", id=source_id)
        assert kept["paymentSource"]["name"] == "Salary"


# --- what viewers read -----------------------------------------------------------------------


class TestViewersRead:
    async def test_a_viewer_reads_the_account_its_entries_totals_and_members(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "VIEWER")
        income = await home.ana.do(
            "RecordIncome", accountId=home.account_id, amount="40", payee="Employer"
        )
        await home.ana.do(
            "RecordExpense",
            accountId=home.account_id,
            amount="15",
            envelopeId=home.envelopes["Available"],
        )

        account = await home.ben.account(home.account_id)
        assert account["myRole"] == "VIEWER"
        assert account["balance"]["amount"] == "125.00"
        assert [e["name"] for e in account["envelopes"]] == ["Available", "Food", "Rent"]
        assert roles_by_email(account) == {"ana@example.com": "OWNER", "ben@example.com": "VIEWER"}

        page = await home.ben.query("Transactions", id=home.account_id, first=10)
        kinds = [e["node"]["kind"] for e in page["account"]["transactions"]["edges"]]
        assert kinds == ["EXPENSE", "INCOME", "OPENING"]

        totals = (await home.ben.query("Totals", id=home.account_id))["account"]["totals"]
        assert totals["income"]["amount"] == "40.00"
        assert totals["expense"]["amount"] == "15.00"
        assert totals["count"] == 3

        source = await home.ana.do(
            "CreatePaymentSource", accountId=home.account_id, name="Salary", expectedAmount="900"
        )
        source_id = source["paymentSource"]["id"]
        read = (await home.ben.query("PaymentSource", id=source_id))["paymentSource"]
        assert (read["name"], read["expectedAmount"]["amount"]) == ("Salary", "900.00")
        listed = (await home.ben.account(home.account_id))["paymentSources"]
        assert listed == [{"id": source_id, "name": "Salary"}]

        entry = (await home.ben.query("Transaction", id=income["transaction"]["id"]))["transaction"]
        assert entry["kind"] == "INCOME"
        assert entry["payee"] == "Employer"
        assert entry["amount"]["amount"] == "40.00"

    async def test_a_viewer_sees_the_shared_account_in_the_account_list(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "VIEWER")

        listed = (await home.ben.query("Accounts"))["accounts"]

        assert {(a["id"], a["myRole"]) for a in listed} == {
            (home.account_id, "VIEWER"),
            (home.spare_id, "VIEWER"),
        }

    async def test_a_non_member_reads_nothing_just_as_for_a_missing_account(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql)
        income = await home.ana.do("RecordIncome", accountId=home.account_id, amount="5")

        refused = await read_account(home.cleo, home.account_id)
        missing = await read_account(home.cleo, missing_account_id())

        assert_not_found(refused)
        assert_not_found(missing)
        assert [e["message"] for e in refused.errors] == [e["message"] for e in missing.errors]
        entry = await home.cleo.send("Transaction", {"id": income["transaction"]["id"]})
        assert entry.error_codes() == ["NOT_FOUND"]
        listed = (await home.cleo.query("Accounts"))["accounts"]
        assert listed == []

    async def test_a_non_member_writing_gets_the_answer_of_a_missing_account(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql)
        before = await snapshot(home.ana, home.account_id)

        refused = await home.cleo.refused("RecordIncome", accountId=home.account_id, amount="5")
        missing = await home.cleo.refused(
            "RecordIncome", accountId=missing_account_id(), amount="5"
        )

        assert refused["code"] == "NOT_FOUND"
        assert refused == missing
        assert await snapshot(home.ana, home.account_id) == before


# --- profiles --------------------------------------------------------------------------------


class TestProfiles:
    async def test_each_entry_shows_the_profile_of_the_member_who_recorded_it(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "EDITOR")
        await home.ana.do("RecordIncome", accountId=home.account_id, amount="30")
        await home.ben.do(
            "RecordExpense",
            accountId=home.account_id,
            amount="12",
            envelopeId=home.envelopes["Available"],
        )

        page = await home.ana.query("Transactions", id=home.account_id, first=10)

        recorders = [
            (e["node"]["kind"], e["node"]["recordedBy"])
            for e in page["account"]["transactions"]["edges"]
        ]

        def profile(member: Member) -> dict[str, Any]:
            user = member.user
            return {
                "id": user["id"],
                "displayName": user["displayName"],
                "avatarColor": user["avatarColor"],
            }

        assert recorders == [
            ("EXPENSE", profile(home.ben)),
            ("INCOME", profile(home.ana)),
            ("OPENING", profile(home.ana)),
        ]
        assert profile(home.ben)["displayName"] == "Ben"

    async def test_the_member_list_shows_email_role_and_profile_owner_first(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "EDITOR")
        await share(home.ana, home.account_id, home.cleo, "ADMIN")
        await home.ana.do(
            "TransferOwnership", accountId=home.account_id, userId=home.cleo.user["id"]
        )

        account = await home.ben.account(home.account_id)

        members = [
            (m["email"], m["role"], m["profile"]["displayName"], m["profile"]["avatarColor"])
            for m in account["members"]
        ]
        assert members[0] == (
            "cleo@example.com",
            "OWNER",
            "Cleo",
            home.cleo.user["avatarColor"],
        )
        assert sorted(members[1:]) == [
            ("ana@example.com", "ADMIN", "Ana", home.ana.user["avatarColor"]),
            ("ben@example.com", "EDITOR", "Ben", home.ben.user["avatarColor"]),
        ]
        assert {m["profile"]["id"] for m in account["members"]} == {
            home.ana.user["id"],
            home.ben.user["id"],
            home.cleo.user["id"],
        }
        assert all(m["addedAt"] for m in account["members"])


# --- transfers across accounts ---------------------------------------------------------------


class TestTransferNeedsEditRightsOnBothAccounts:
    async def test_an_editor_of_one_account_and_viewer_of_the_other_cannot_transfer(
        self, gql: GraphQLClient
    ) -> None:
        ana = await register(gql, "Ana")
        ben = await register(gql, "Ben")
        first = await ana.open_account(name="A", openingBalance="100")
        second = await ana.open_account(name="B", openingBalance="10")
        await share(ana, first["id"], ben, "EDITOR")
        await share(ana, second["id"], ben, "VIEWER")
        before = [await snapshot(ana, first["id"]), await snapshot(ana, second["id"])]

        there = await ben.refused(
            "TransferMoney", fromAccountId=first["id"], toAccountId=second["id"], amount="25"
        )
        back = await ben.refused(
            "TransferMoney", fromAccountId=second["id"], toAccountId=first["id"], amount="5"
        )

        assert there["code"] == "FORBIDDEN"
        assert back["code"] == "FORBIDDEN"
        after = [await snapshot(ana, first["id"]), await snapshot(ana, second["id"])]
        assert after == before

    async def test_an_editor_of_both_accounts_may_transfer(self, gql: GraphQLClient) -> None:
        ana = await register(gql, "Ana")
        ben = await register(gql, "Ben")
        first = await ana.open_account(name="A", openingBalance="100")
        second = await ana.open_account(name="B", openingBalance="10")
        await share(ana, first["id"], ben, "EDITOR")
        await share(ana, second["id"], ben, "ADMIN")

        payload = await ben.do(
            "TransferMoney", fromAccountId=first["id"], toAccountId=second["id"], amount="25"
        )

        assert payload["fromAccount"]["balance"]["amount"] == "75.00"
        assert payload["toAccount"]["balance"]["amount"] == "35.00"
        assert payload["outgoing"]["recordedBy"]["id"] == ben.user["id"]

    async def test_undoing_a_transfer_needs_edit_rights_on_both_accounts(
        self, gql: GraphQLClient
    ) -> None:
        ana = await register(gql, "Ana")
        ben = await register(gql, "Ben")
        first = await ana.open_account(name="A", openingBalance="100")
        second = await ana.open_account(name="B")
        transfer = await ana.do(
            "TransferMoney", fromAccountId=first["id"], toAccountId=second["id"], amount="30"
        )
        await share(ana, first["id"], ben, "EDITOR")
        await share(ana, second["id"], ben, "VIEWER")
        before = [await snapshot(ana, first["id"]), await snapshot(ana, second["id"])]

        error = await ben.refused("UndoTransaction", id=transfer["outgoing"]["id"])

        assert error["code"] == "FORBIDDEN"
        after = [await snapshot(ana, first["id"]), await snapshot(ana, second["id"])]
        assert after == before


# --- the owner-only operations ---------------------------------------------------------------


class TestOwnerOnly:
    async def test_an_admin_may_neither_close_nor_reopen_the_account(
        self, gql: GraphQLClient
    ) -> None:
        home = await household(gql, "ADMIN")

        refused_close = await home.ben.refused("CloseAccount", accountId=home.spare_id)
        await home.ana.do("CloseAccount", accountId=home.spare_id)
        refused_reopen = await home.ben.refused("ReopenAccount", accountId=home.spare_id)

        assert refused_close["code"] == "FORBIDDEN"
        assert refused_reopen["code"] == "FORBIDDEN"
        assert (await home.ana.account(home.spare_id))["closed"] is True
        reopened = await home.ana.do("ReopenAccount", accountId=home.spare_id)
        assert reopened["account"]["closed"] is False
