"""The planning model of a household: nodes and flows created, changed and deleted by its
members; refused: a flow to itself, a cycle (also when two flows that close it are added at
once), amounts ≤ 0, another household's node, money in another currency; seeded from the
ledger."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.graphql.relay import to_global_id
from tests.api.ledger.test_cash_flow import MARCH_TO_ENVELOPES, links, march
from tests.ledger_client import Member

PLANNING_OPERATIONS = {
    "PlanningModel",
    "CreatePlanningNode",
    "UpdatePlanningNode",
    "DeletePlanningNode",
    "CreatePlanningFlow",
    "UpdatePlanningFlow",
    "DeletePlanningFlow",
    "SeedPlanningFromLedger",
}


async def node(member: Member, label: str, kind: str = "ACCOUNT", **more: Any) -> str:
    payload = await member.do("CreatePlanningNode", kind=kind, label=label, **more)
    node_id: str = payload["node"]["id"]
    return node_id


async def flow(
    member: Member, source: str, target: str, amount: str = "100.00", **more: Any
) -> str:
    payload = await member.do(
        "CreatePlanningFlow", **{"from": source, "to": target, "amount": amount, **more}
    )
    flow_id: str = payload["flow"]["id"]
    return flow_id


async def model(member: Member, **variables: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await member.query("PlanningModel", **variables))["planningModel"]
    return found


async def chain(member: Member) -> dict[str, str]:
    """Salary → Checking → Rent, and Checking → Savings, in EUR."""
    ids = {
        "salary": await node(member, "Salary", "INCOME", amount="3000.00", currency="EUR"),
        "checking": await node(member, "Checking", institution="Bank", balance="-12.50"),
        "rent": await node(member, "Rent", "EXPENSE"),
        "savings": await node(member, "Savings", "SAVINGS", apy="4.250"),
    }
    ids["pay"] = await flow(member, ids["salary"], ids["checking"], "3000.00", label="Pay")
    ids["rent_flow"] = await flow(member, ids["checking"], ids["rent"], "1200.00")
    ids["save"] = await flow(member, ids["checking"], ids["savings"], "500.00")
    return ids


class TestPlanningNodes:
    async def test_a_node_keeps_every_field_as_given(self, ana: Member) -> None:
        payload = await ana.do(
            "CreatePlanningNode",
            kind="SAVINGS",
            label="  Rainy   day ",
            institution="Bank",
            amount="250.00",
            balance="-10.5",
            currency="eur",
            apy="4.2500",
            metadata=[{"key": "goal", "value": "a roof"}],
        )
        assert payload["node"] == {
            "id": payload["node"]["id"],
            "kind": "SAVINGS",
            "label": "Rainy day",
            "institution": "Bank",
            "amount": {"amount": "250.00", "currency": "EUR"},
            "balance": {"amount": "-10.50", "currency": "EUR"},
            "apy": "4.25",
            "metadata": [{"key": "goal", "value": "a roof"}],
        }
        found = await model(ana)
        assert found["currency"] == "EUR"
        assert found["canEdit"] is True
        assert [n["label"] for n in found["nodes"]] == ["Rainy day"]

    async def test_an_update_sets_every_field(self, ana: Member) -> None:
        node_id = await node(ana, "Checking", institution="Bank", amount="5", currency="EUR")
        payload = await ana.do("UpdatePlanningNode", id=node_id, kind="DEBT", label="Loan")
        assert payload["node"]["kind"] == "DEBT"
        assert payload["node"]["label"] == "Loan"
        assert payload["node"]["institution"] is None
        assert payload["node"]["amount"] is None

    async def test_deleting_a_node_deletes_its_flows_with_it(self, ana: Member) -> None:
        ids = await chain(ana)
        payload = await ana.do("DeletePlanningNode", id=ids["checking"])
        assert payload["deletedNodeId"] == ids["checking"]
        assert sorted(payload["deletedFlowIds"]) == sorted(
            [ids["pay"], ids["rent_flow"], ids["save"]]
        )
        found = await model(ana)
        assert [n["label"] for n in found["nodes"]] == ["Salary", "Rent", "Savings"]
        assert found["flows"] == []
        assert found["sankey"] == {"nodes": [], "links": []}

    @pytest.mark.parametrize(
        ("fields", "path"),
        [
            ({"label": "  "}, ["label"]),
            ({"label": "x" * 81}, ["label"]),
            ({"apy": "-1"}, ["apy"]),
            ({"apy": "4.12345"}, ["apy"]),
            ({"apy": "1001"}, ["apy"]),
            ({"amount": "0", "currency": "EUR"}, ["amount"]),
            ({"amount": "-5", "currency": "EUR"}, ["amount"]),
            ({"amount": "1.234", "currency": "EUR"}, ["amount"]),
            ({"amount": "5"}, ["currency"]),
            ({"amount": "5", "currency": "EURO"}, ["currency"]),
            ({"metadata": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]},
             ["metadata", "1", "key"]),
        ],
    )  # fmt: skip
    async def test_bad_fields_are_refused_with_their_path(
        self, ana: Member, fields: dict[str, Any], path: list[str]
    ) -> None:
        error = await ana.refused(
            "CreatePlanningNode", **{"kind": "INCOME", "label": "Pay", **fields}
        )
        assert (error["code"], error["field"]) == ("VALIDATION", path)
        assert (await model(ana))["nodes"] == []

    async def test_money_in_another_currency_than_the_models_is_refused(self, ana: Member) -> None:
        await node(ana, "Pay", "INCOME", amount="10", currency="EUR")
        error = await ana.refused(
            "CreatePlanningNode", kind="INCOME", label="Dollars", amount="10", currency="USD"
        )
        assert (error["code"], error["field"]) == ("VALIDATION", ["currency"])


class TestPlanningFlows:
    async def test_flows_are_drawn_as_the_models_sankey(self, ana: Member) -> None:
        await chain(ana)
        found = await model(ana)
        assert found["flows"][0]["label"] == "Pay"
        assert links(found["sankey"] | {"currency": "EUR"}) == {
            ("Salary", "Checking"): "3000.00",
            ("Checking", "Rent"): "1200.00",
            ("Checking", "Savings"): "500.00",
        }
        assert [n["id"] for n in found["sankey"]["nodes"]] == [n["id"] for n in found["nodes"]]

    async def test_a_flow_to_itself_is_refused(self, ana: Member) -> None:
        ids = await chain(ana)
        error = await ana.refused(
            "CreatePlanningFlow", **{"from": ids["rent"], "to": ids["rent"], "amount": "1"}
        )
        assert (error["code"], error["field"]) == ("VALIDATION", ["to"])

    @pytest.mark.parametrize("amount", ["0", "-1.00", "0.001", "lots"])
    async def test_an_amount_that_is_not_above_zero_is_refused(
        self, ana: Member, amount: str
    ) -> None:
        ids = await chain(ana)
        error = await ana.refused(
            "CreatePlanningFlow", **{"from": ids["rent"], "to": ids["savings"], "amount": amount}
        )
        assert (error["code"], error["field"]) == ("VALIDATION", ["amount"])

    async def test_a_flow_that_closes_a_cycle_is_refused(self, ana: Member) -> None:
        ids = await chain(ana)
        error = await ana.refused(
            "CreatePlanningFlow", **{"from": ids["savings"], "to": ids["salary"], "amount": "1"}
        )
        assert error["code"] == "CYCLE"
        assert len((await model(ana))["flows"]) == 3

    async def test_an_update_that_closes_a_cycle_is_refused(self, ana: Member) -> None:
        ids = await chain(ana)
        error = await ana.refused(
            "UpdatePlanningFlow",
            id=ids["save"],
            **{"from": ids["rent"], "to": ids["checking"], "amount": "1"},
        )
        assert error["code"] == "CYCLE"

    async def test_an_update_changes_the_flow(self, ana: Member) -> None:
        ids = await chain(ana)
        payload = await ana.do(
            "UpdatePlanningFlow",
            id=ids["save"],
            **{"from": ids["salary"], "to": ids["savings"], "amount": "12.34", "label": "Direct"},
        )
        assert payload["flow"] == {
            "id": ids["save"],
            "fromId": ids["salary"],
            "toId": ids["savings"],
            "amount": {"amount": "12.34", "currency": "EUR"},
            "label": "Direct",
        }

    async def test_a_deleted_flow_is_gone(self, ana: Member) -> None:
        ids = await chain(ana)
        payload = await ana.do("DeletePlanningFlow", id=ids["save"])
        assert payload["deletedFlowId"] == ids["save"]
        assert ids["save"] not in [f["id"] for f in (await model(ana))["flows"]]

    async def test_a_flow_in_another_currency_is_refused(self, ana: Member) -> None:
        ids = await chain(ana)
        error = await ana.refused(
            "CreatePlanningFlow",
            **{"from": ids["rent"], "to": ids["savings"], "amount": "1", "currency": "USD"},
        )
        assert (error["code"], error["field"]) == ("VALIDATION", ["currency"])

    async def test_two_flows_that_together_close_a_cycle_do_not_both_commit(
        self, ana: Member
    ) -> None:
        for _ in range(3):
            a = await node(ana, "A")
            b = await node(ana, "B")
            await flow(ana, a, b, currency="EUR")
            c = await node(ana, "C")
            results = await asyncio.gather(
                ana.attempt("CreatePlanningFlow", **{"from": b, "to": c, "amount": "1"}),
                ana.attempt("CreatePlanningFlow", **{"from": c, "to": a, "amount": "1"}),
            )
            codes = sorted(e["code"] for r in results for e in r["userErrors"])
            assert codes == ["CYCLE"], results
        flows = (await model(ana))["flows"]
        assert len(flows) == 6


class TestPlanningAcrossHouseholds:
    async def test_another_households_node_is_not_found(self, ana: Member, ben: Member) -> None:
        mine = await chain(ana)
        theirs = await node(ben, "Ben's", "EXPENSE")
        error = await ana.refused(
            "CreatePlanningFlow", **{"from": mine["checking"], "to": theirs, "amount": "1"}
        )
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["to"])
        for name, fields in (
            ("UpdatePlanningNode", {"id": theirs, "kind": "INCOME", "label": "Mine now"}),
            ("DeletePlanningNode", {"id": theirs}),
            ("DeletePlanningFlow", {"id": mine["save"]}),
            ("UpdatePlanningFlow", {"id": mine["save"], "from": mine["salary"],
                                    "to": mine["rent"], "amount": "1"}),
        ):  # fmt: skip
            who = ben if "Flow" in name else ana
            error = await who.refused(name, **fields)
            assert error["code"] == "NOT_FOUND", name
        assert (await model(ben))["flows"] == []
        node_reply = await ana.send("Node", {"id": theirs})
        assert node_reply.data["node"] is None

    async def test_a_missing_node_is_not_found_like_another_households(self, ana: Member) -> None:
        ids = await chain(ana)
        missing = str(to_global_id("PlanningNode", "0" * 24))
        error = await ana.refused(
            "CreatePlanningFlow", **{"from": ids["rent"], "to": missing, "amount": "1"}
        )
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["to"])

    async def test_members_read_the_model_and_editors_change_it(
        self, ana: Member, ben: Member
    ) -> None:
        ids = await chain(ana)
        account = await ana.open_account()
        await ana.do(
            "ShareAccount", accountId=account["id"], email=ben.user["email"], role="VIEWER"
        )
        shared = await model(ben, accountId=account["id"])
        assert shared["canEdit"] is False
        assert len(shared["nodes"]) == 4
        error = await ben.refused("DeletePlanningFlow", id=ids["save"])
        assert error["code"] == "FORBIDDEN"
        error = await ben.refused(
            "CreatePlanningNode", accountId=account["id"], kind="INCOME", label="Bonus"
        )
        assert error["code"] == "FORBIDDEN"
        ben_id = await user_id(ana, account["id"], ben)
        await ana.do("ChangeMemberRole", accountId=account["id"], userId=ben_id, role="EDITOR")
        await ben.do("CreatePlanningNode", accountId=account["id"], kind="INCOME", label="Bonus")
        await ben.do("DeletePlanningFlow", id=ids["save"])
        assert len((await model(ana))["nodes"]) == 5
        assert (await model(ben))["nodes"] == []  # Ben's own household is another one


async def user_id(owner: Member, account_id: str, member: Member) -> str:
    account = await owner.account(account_id)
    [found] = [m["profile"]["id"] for m in account["members"] if m["email"] == member.user["email"]]
    return str(found)


class TestSeedPlanning:
    async def test_the_ledgers_month_becomes_the_model(self, ana: Member) -> None:
        await march(ana)
        seed = {"from": "2026-03-01", "to": "2026-03-31", "currency": "EUR"}
        found = (await ana.do("SeedPlanningFromLedger", **seed))["model"]
        kinds = {n["label"]: n["kind"] for n in found["nodes"]}
        assert kinds == {
            "Acme": "INCOME", "Gift": "INCOME", "Checking": "ACCOUNT", "Savings": "SAVINGS",
            "Kept in accounts": "SAVINGS", "Food": "EXPENSE", "Rent": "EXPENSE", "Fun": "EXPENSE",
        }  # fmt: skip
        assert links(found["sankey"] | {"currency": "EUR"}) == MARCH_TO_ENVELOPES
        checking = next(n for n in found["nodes"] if n["label"] == "Checking")
        assert checking["amount"] == {"amount": "2100.00", "currency": "EUR"}
        stored = await model(ana)
        assert [n["id"] for n in stored["nodes"]] == [n["id"] for n in found["nodes"]]
        assert stored["flows"] == found["flows"]
        assert stored["sankey"] == found["sankey"]

    async def test_seeding_a_model_that_is_not_empty_needs_replace(self, ana: Member) -> None:
        await march(ana)
        await chain(ana)
        seed = {"from": "2026-03-01", "to": "2026-03-31", "currency": "EUR"}
        error = await ana.refused("SeedPlanningFromLedger", **seed)
        assert (error["code"], error["field"]) == ("CONFLICT", ["replace"])
        assert len((await model(ana))["nodes"]) == 4
        await ana.do("SeedPlanningFromLedger", **seed, replace=True)
        labels = [n["label"] for n in (await model(ana))["nodes"]]
        assert "Salary" not in labels
        assert "Acme" in labels

    async def test_a_picture_larger_than_a_plan_is_refused(self, ana: Member) -> None:
        account = await ana.open_account()
        for i in range(201):  # 201 income sources: with the account, more than 200 nodes
            await ana.do(
                "RecordIncome",
                accountId=account["id"],
                payee=f"Client {i}",
                amount="1.00",
                bookingDate="2026-03-02",
            )
        seed = {"from": "2026-03-01", "to": "2026-03-31", "currency": "EUR"}
        error = await ana.refused("SeedPlanningFromLedger", **seed)
        assert (error["code"], error["field"]) == ("VALIDATION", ["to"])
        assert (await model(ana))["nodes"] == []
