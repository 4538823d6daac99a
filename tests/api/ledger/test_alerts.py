"""Alerts over GraphQL against the real replica set: each kind raised exactly once by the
real change that causes it (on the transition, never again for the same state), not raised
when its kind is off, never doubled by a repeated or retried change, never left behind by a
change that aborts; recipients and their settings; the viewer's alerts only; marking read;
paging."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from fastapi import FastAPI
from pymongo.errors import OperationFailure

from app.services.alerts.events import AccountEvent
from app.services.container import Services
from tests.api.ledger.test_imports import csv_file, day, dry_run, imported, settled
from tests.api.ledger.test_money_movements import budget, fund, unknown_id
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

ALERT_OPERATIONS = {
    "Alerts", "UnreadAlertCount", "MarkAlertsRead", "AlertSettings", "UpdateAlertSettings",
}  # fmt: skip
Row = dict[str, Any]


@pytest.fixture
def services(api: tuple[FastAPI, GraphQLClient]) -> Services:
    found: Services = api[0].state.services
    return found


async def alerts(member: Member, **variables: Any) -> list[Row]:
    page = (await member.query("Alerts", first=100, **variables))["alerts"]
    return [edge["node"] for edge in page["edges"]]


async def kinds(member: Member) -> list[str]:
    """The member's alerts' kinds, oldest first."""
    return [a["kind"] for a in reversed(await alerts(member))]


async def overdraft_budget(member: Member, opening: str = "100.00") -> tuple[str, dict[str, str]]:
    return await budget(member, opening=opening, allowOverdraft=True)


async def spend(member: Member, account: str, envelope: str, amount: str, **more: Any) -> Row:
    return await member.do(
        "RecordExpense", accountId=account, envelopeId=envelope, amount=amount, **more
    )


async def settings(member: Member, **input: Any) -> Row:
    found: Row = (await member.do("UpdateAlertSettings", **input))["settings"]
    return found


async def share(owner: Member, account: str, other: Member, role: str = "VIEWER") -> None:
    await owner.do("ShareAccount", accountId=account, email=other.user["email"], role=role)


ALL_KINDS = [
    "ENVELOPE_OVERSPENT", "PLAN_EXCEEDED", "GOAL_BEHIND", "BALANCE_LOW", "TRANSACTION_LARGE",
    "SCHEDULE_FAILED", "IMPORT_FINISHED", "IMPORT_FAILED", "WEBHOOK_DISABLED",
]  # fmt: skip


class TestEachKind:
    async def test_an_envelope_going_below_zero_raises_once_per_crossing(self, ana: Member) -> None:
        account, ids = await overdraft_budget(ana)
        await fund(ana, account, ids, "Food", "10")
        await spend(ana, account, ids["Food"], "4")
        assert await kinds(ana) == []
        spent = await spend(ana, account, ids["Food"], "15", payee="Market")
        await spend(ana, account, ids["Food"], "1")  # still below zero: nothing new
        [alert] = await alerts(ana)
        assert alert["kind"] == "ENVELOPE_OVERSPENT"
        assert alert["read"] is False
        assert alert["amount"] == {"amount": "-9.00", "currency": "EUR"}
        assert alert["envelope"] == {"id": ids["Food"], "name": "Food"}
        assert alert["account"]["id"] == account
        assert [e["id"] for e in alert["entries"]] == [spent["transaction"]["id"]]
        assert "Food" in alert["message"]
        assert "-9.00 EUR" in alert["message"]
        await fund(ana, account, ids, "Food", "20")  # back above zero, then below again
        await spend(ana, account, ids["Food"], "30")
        assert await kinds(ana) == ["ENVELOPE_OVERSPENT", "ENVELOPE_OVERSPENT"]

    async def test_spending_past_the_share_of_the_plan_raises_once(self, ana: Member) -> None:
        account, ids = await budget(ana, opening="500.00")
        await ana.do("SetPlan", accountId=account, envelopeId=ids["Food"], amount="100.00")
        await fund(ana, account, ids, "Food", "300")
        await spend(ana, account, ids["Food"], "60")
        await spend(ana, account, ids["Food"], "40")  # exactly the plan: not past it
        assert await kinds(ana) == []
        await spend(ana, account, ids["Food"], "0.01")
        await spend(ana, account, ids["Food"], "50")
        [alert] = await alerts(ana)
        assert alert["kind"] == "PLAN_EXCEEDED"
        assert alert["amount"]["amount"] == "100.01"
        assert "100.00 EUR plan" in alert["message"]

    async def test_the_plan_share_is_each_members_own(self, ana: Member, ben: Member) -> None:
        account, ids = await budget(ana, opening="500.00")
        await share(ana, account, ben)
        await settings(ben, planShare=50)
        await ana.do("SetPlan", accountId=account, envelopeId=ids["Food"], amount="100.00")
        await fund(ana, account, ids, "Food", "300")
        await spend(ana, account, ids["Food"], "60")
        assert (await kinds(ana), await kinds(ben)) == ([], ["PLAN_EXCEEDED"])
        await spend(ana, account, ids["Food"], "60")
        assert (await kinds(ana), await kinds(ben)) == (["PLAN_EXCEEDED"], ["PLAN_EXCEEDED"])
        assert "past your 50 %" in (await alerts(ben))[0]["message"]

    async def test_a_goal_falling_behind_raises_once(self, ana: Member) -> None:
        account, ids = await budget(ana, opening="500.00", envelopes=("Buffer",))
        await ana.do(
            "SetGoal", accountId=account, envelopeId=ids["Buffer"], kind="KEEP_AT_LEAST",
            target="100.00",
        )  # fmt: skip
        await fund(ana, account, ids, "Buffer", "150")
        await spend(ana, account, ids["Buffer"], "50")  # still holds 100: reached
        assert await kinds(ana) == []
        await spend(ana, account, ids["Buffer"], "30")
        await spend(ana, account, ids["Buffer"], "5")
        [alert] = await alerts(ana)
        assert alert["kind"] == "GOAL_BEHIND"
        assert alert["amount"]["amount"] == "30.00"  # still needed to hold 100 again

    async def test_a_saving_goal_with_a_date_falling_behind_raises_once(self, ana: Member) -> None:
        account, ids = await budget(ana, opening="500.00", envelopes=("Trip",))
        await ana.do(
            "SetGoal", accountId=account, envelopeId=ids["Trip"], kind="SAVE",
            target="100.00", targetDate=str(day(0)),
        )  # fmt: skip
        await fund(ana, account, ids, "Trip", "100")
        await spend(ana, account, ids["Trip"], "10")
        await spend(ana, account, ids["Trip"], "5")
        [alert] = await alerts(ana)
        assert alert["kind"] == "GOAL_BEHIND"
        assert alert["amount"]["amount"] == "10.00"

    async def test_the_balance_crossing_below_a_threshold_raises_once(self, ana: Member) -> None:
        account, ids = await budget(ana, opening="100.00")
        await spend(ana, account, ids["Available"], "10")
        assert await kinds(ana) == []  # no threshold: off
        changed = await settings(ana, thresholds=[{"accountId": account, "balanceBelow": "50"}])
        assert changed["thresholds"][0]["balanceBelow"] == {"amount": "50.00", "currency": "EUR"}
        await spend(ana, account, ids["Available"], "30")  # 60
        await spend(ana, account, ids["Available"], "15")  # 45: crossed
        await spend(ana, account, ids["Available"], "5")  # 40
        [alert] = await alerts(ana)
        assert alert["kind"] == "BALANCE_LOW"
        assert alert["amount"]["amount"] == "45.00"
        assert "below 50.00 EUR" in alert["message"]

    async def test_a_transaction_above_the_threshold_raises_but_not_its_undo(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana, opening="1000.00")
        await settings(ana, thresholds=[{"accountId": account, "transactionAbove": "100"}])
        await spend(ana, account, ids["Available"], "100")  # not above
        large = await spend(ana, account, ids["Available"], "250", payee="Garage")
        await ana.do("UndoTransaction", id=large["transaction"]["id"])
        await fund(ana, account, ids, "Food", "500")  # a move is never "large"
        [alert] = await alerts(ana)
        assert alert["kind"] == "TRANSACTION_LARGE"
        assert alert["amount"]["amount"] == "250.00"
        assert "Garage" in alert["message"]
        await ana.do("RecordIncome", accountId=account, amount="300")
        assert await kinds(ana) == ["TRANSACTION_LARGE", "TRANSACTION_LARGE"]

    async def test_a_failed_scheduled_posting_raises_once(
        self, ana: Member, services: Services
    ) -> None:
        account, ids = await budget(ana, opening="0")
        await ana.do(
            "CreateSchedule", accountId=account, name="Rent", kind="EXPENSE", amount="10",
            envelopeId=ids["Rent"], recurrence={"frequency": "MONTHLY", "startDate": str(day(0))},
        )  # fmt: skip
        assert await services.scheduler.run_pass() == 1
        assert await services.scheduler.run_pass() == 0
        [alert] = await alerts(ana)
        assert alert["kind"] == "SCHEDULE_FAILED"
        assert alert["amount"]["amount"] == "10.00"
        assert "Rent" in alert["message"]

    async def test_an_import_finishing_and_one_failing_raise_once(self, ana: Member) -> None:
        account, _ = await budget(ana, opening="0")
        await imported(ana, account, csv_file((day(1), "-1.00", "Kiosk"), (day(2), "5", "Pay")))
        [finished] = await alerts(ana)
        assert finished["kind"] == "IMPORT_FINISHED"
        assert "2 new" in finished["message"]
        good = csv_file(*[(day(1), "-1.00", f"Shop {i}") for i in range(50)])
        broken = good + f'{day(1)},"-1.00,'.encode() + b"x" * 200_000
        file_id = await ana.upload(broken + b"\n", "s.csv")
        job = (await ana.do("StartImport", accountId=account, fileId=file_id, dryRun=False))["job"]
        assert (await settled(ana, job["id"]))["status"] == "FAILED"
        assert await kinds(ana) == ["IMPORT_FINISHED", "IMPORT_FAILED"]
        # A dry run that ends in its preview is no "finished" import.
        await dry_run(ana, account, csv_file((day(3), "-2.00", "Cafe")), "t.csv")
        assert len(await alerts(ana)) == 2


class TestSettingsAndRecipients:
    async def test_defaults_and_a_kind_turned_off(self, ana: Member) -> None:
        found = (await ana.query("AlertSettings"))["alertSettings"]
        assert found == {"enabledKinds": ALL_KINDS, "planShare": 100, "thresholds": []}
        account, ids = await overdraft_budget(ana)
        on = [k for k in ALL_KINDS if k != "ENVELOPE_OVERSPENT"]
        assert (await settings(ana, enabledKinds=on))["enabledKinds"] == on
        await spend(ana, account, ids["Food"], "5")
        assert await kinds(ana) == []
        await settings(ana, enabledKinds=ALL_KINDS)
        await spend(ana, account, ids["Rent"], "5")
        assert await kinds(ana) == ["ENVELOPE_OVERSPENT"]

    async def test_every_member_who_wants_it_gets_their_own(
        self, ana: Member, ben: Member, gql: GraphQLClient
    ) -> None:
        cleo = await Member.register(gql, "cleo@example.com", "Cleo")
        account, ids = await overdraft_budget(ana)
        await share(ana, account, ben, "VIEWER")
        await share(ana, account, cleo, "EDITOR")
        await settings(cleo, enabledKinds=["IMPORT_FAILED"])
        await spend(ana, account, ids["Food"], "5")
        assert await kinds(ana) == await kinds(ben) == ["ENVELOPE_OVERSPENT"]
        assert await kinds(cleo) == []
        assert (await alerts(ana))[0]["id"] != (await alerts(ben))[0]["id"]
        # A member who left keeps their alerts but no longer sees the account.
        await ana.do("RemoveMember", accountId=account, userId=ben.user["id"])
        [kept] = await alerts(ben)
        assert (kept["account"], kept["envelope"], kept["entries"]) == (None, None, [])
        await spend(ana, account, ids["Rent"], "5")
        assert len(await alerts(ben)) == 1
        assert len(await alerts(ana)) == 2

    async def test_the_strictest_threshold_decides_and_each_member_gets_theirs(
        self, ana: Member, ben: Member
    ) -> None:
        account, ids = await budget(ana, opening="1000.00")
        await share(ana, account, ben)
        await settings(ana, thresholds=[{"accountId": account, "balanceBelow": "500"}])
        await settings(ben, thresholds=[{"accountId": account, "balanceBelow": "800"}])
        await spend(ana, account, ids["Available"], "300")  # 700: below ben's only
        assert (await kinds(ana), await kinds(ben)) == ([], ["BALANCE_LOW"])
        await spend(ana, account, ids["Available"], "300")  # 400: below ana's
        assert (await kinds(ana), await kinds(ben)) == (["BALANCE_LOW"], ["BALANCE_LOW"])
        # Thresholds removed: off again (and the account no longer watches for them).
        await settings(ana, thresholds=[{"accountId": account}])
        await settings(ben, thresholds=[{"accountId": account}])
        assert (await ana.query("AlertSettings"))["alertSettings"]["thresholds"] == []
        await ana.do("RecordIncome", accountId=account, amount="1000")
        await spend(ana, account, ids["Available"], "1300")
        assert (len(await alerts(ana)), len(await alerts(ben))) == (1, 1)

    @pytest.mark.parametrize(
        ("input", "code", "field"),
        [
            ({"planShare": 0}, "VALIDATION", ["planShare"]),
            ({"planShare": 1001}, "VALIDATION", ["planShare"]),
            ({"thresholds": [{"balanceBelow": "1.234"}]}, "VALIDATION",
             ["thresholds", "0", "balanceBelow"]),
            ({"thresholds": [{"transactionAbove": "0"}]}, "VALIDATION",
             ["thresholds", "0", "transactionAbove"]),
            ({"thresholds": [{"transactionAbove": "abc"}]}, "VALIDATION",
             ["thresholds", "0", "transactionAbove"]),
            ({"thresholds": [{}, {}]}, "VALIDATION", ["thresholds", "1", "accountId"]),
        ],
    )  # fmt: skip
    async def test_bad_settings_are_refused_and_change_nothing(
        self, ana: Member, input: Row, code: str, field: list[str]
    ) -> None:
        account, _ = await budget(ana)
        for threshold in input.get("thresholds", []):
            threshold["accountId"] = account
        before = (await ana.query("AlertSettings"))["alertSettings"]
        error = await ana.refused("UpdateAlertSettings", **input)
        assert (error["code"], error["field"]) == (code, field)
        assert (await ana.query("AlertSettings"))["alertSettings"] == before

    async def test_another_users_account_is_not_found(self, ana: Member, ben: Member) -> None:
        account, _ = await budget(ana)
        for account_id in (account, unknown_id("Account"), "garbage"):
            error = await ben.refused(
                "UpdateAlertSettings", thresholds=[{"accountId": account_id, "balanceBelow": "1"}]
            )
            assert (error["code"], error["field"]) == (
                "NOT_FOUND",
                ["thresholds", "0", "accountId"],
            )


class TestExactlyOnce:
    async def test_a_repeated_request_with_its_key_raises_nothing_more(self, ana: Member) -> None:
        account, ids = await overdraft_budget(ana)
        for _ in range(3):
            await spend(ana, account, ids["Food"], "5", idempotencyKey="same")
        assert await kinds(ana) == ["ENVELOPE_OVERSPENT"]

    async def test_a_change_run_again_after_a_conflict_raises_once(
        self, ana: Member, services: Services
    ) -> None:
        account, ids = await overdraft_budget(ana)
        services.alerts.hub.add(FailOnce(transient=True))
        await spend(ana, account, ids["Food"], "5")
        assert await kinds(ana) == ["ENVELOPE_OVERSPENT"]
        assert len((await ana.query("Transactions", id=account, first=10))["account"][
            "transactions"]["edges"]) == 2  # fmt: skip

    async def test_a_change_that_aborts_leaves_no_alert(
        self, ana: Member, services: Services
    ) -> None:
        account, ids = await overdraft_budget(ana)
        services.alerts.hub.add(FailOnce(transient=False))
        reply = await ana.send(
            "RecordExpense",
            {"input": {"accountId": account, "envelopeId": ids["Food"], "amount": "5"}},
        )
        assert reply.errors  # masked: "Unexpected error"
        assert await kinds(ana) == []
        assert (await ana.balances(account))["Food"] == "0.00"
        await spend(ana, account, ids["Food"], "5")  # the sink fails no more
        assert await kinds(ana) == ["ENVELOPE_OVERSPENT"]

    async def test_a_refused_change_raises_nothing(self, ana: Member) -> None:
        account, ids = await budget(ana)  # no overdraft
        error = await ana.refused("RecordExpense", accountId=account, envelopeId=ids["Food"],
                                  amount="5")  # fmt: skip
        assert error["code"] == "INSUFFICIENT_FUNDS"
        assert await kinds(ana) == []


class FailOnce:
    """A sink after the alerts' own that fails the first change it sees: with a transient
    error (MongoDB's label: the change runs again, whole) or a bug (the change aborts)."""

    def __init__(self, transient: bool) -> None:
        self.transient, self.failed = transient, False

    async def publish(self, session: object, events: Sequence[AccountEvent]) -> None:
        if self.failed:
            return
        self.failed = True
        if self.transient:
            raise OperationFailure(
                "write conflict", 112, {"errorLabels": ["TransientTransactionError"]}
            )
        raise RuntimeError("a sink that fails")


class TestReadingAndMarking:
    async def make(self, member: Member, count: int) -> tuple[str, dict[str, str]]:
        account, ids = await overdraft_budget(member, opening="0")
        for _ in range(count):
            await spend(member, account, ids["Food"], "1")
            await fund(member, account, ids, "Food", "1")
        return account, ids

    async def test_pages_newest_first_without_gaps_or_repeats(self, ana: Member) -> None:
        await self.make(ana, 5)
        seen: list[str] = []
        after = None
        while True:
            page = (await ana.query("Alerts", first=2, after=after))["alerts"]
            seen += [edge["node"]["id"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        everything = [a["id"] for a in await alerts(ana)]
        assert seen == everything
        assert len(set(seen)) == 5
        times = [a["createdAt"] for a in await alerts(ana)]
        assert times == sorted(times, reverse=True)

    async def test_marking_read_by_id_and_all(self, ana: Member) -> None:
        await self.make(ana, 3)
        assert (await ana.query("UnreadAlertCount"))["unreadAlertCount"] == 3
        first, *rest = await alerts(ana)
        marked = await ana.do("MarkAlertsRead", ids=[first["id"], first["id"]])
        assert [(a["id"], a["read"]) for a in marked["alerts"]] == [(first["id"], True)]
        assert marked["unreadAlertCount"] == 2
        unread = await alerts(ana, unreadOnly=True)
        assert [a["id"] for a in unread] == [a["id"] for a in rest]
        again = await ana.do("MarkAlertsRead", ids=[first["id"]])  # already read: unchanged
        assert again["alerts"][0]["readAt"] == marked["alerts"][0]["readAt"]
        assert (await ana.do("MarkAlertsRead", all=True))["unreadAlertCount"] == 0
        assert await alerts(ana, unreadOnly=True) == []
        assert all(a["read"] for a in await alerts(ana))

    async def test_marking_needs_ids_or_all(self, ana: Member) -> None:
        await self.make(ana, 1)
        for input in ({}, {"ids": [], "all": True}, {"all": False}):
            error = await ana.refused("MarkAlertsRead", **input)
            assert error["code"] == "VALIDATION"
        assert (await ana.query("UnreadAlertCount"))["unreadAlertCount"] == 1

    async def test_another_users_alert_is_like_none(self, ana: Member, ben: Member) -> None:
        await self.make(ana, 1)
        [mine] = await alerts(ana)
        assert await alerts(ben) == []
        assert (await ben.query("UnreadAlertCount"))["unreadAlertCount"] == 0
        for alert_id in (mine["id"], unknown_id("Alert")):
            error = await ben.refused("MarkAlertsRead", ids=[alert_id])
            assert (error["code"], error["field"]) == ("NOT_FOUND", ["ids", "0"])
            node = await ben.gql.execute(
                "query($id: ID!) { node(id: $id) { id } }", {"id": alert_id}, token=ben.token
            )
            assert node.data == {"node": None}
        assert (await ana.query("UnreadAlertCount"))["unreadAlertCount"] == 1
        node = await ana.gql.execute(
            "query($id: ID!) { node(id: $id) { id ... on Alert { kind } } }",
            {"id": mine["id"]}, token=ana.token,
        )  # fmt: skip
        assert node.data == {"node": {"id": mine["id"], "kind": "ENVELOPE_OVERSPENT"}}
