"""Categorisation rules through GraphQL: stored and edited by their owner, read by the members
of the accounts they apply to, applied when an entry is recorded without an envelope, and
applied to existing entries (dry run, then as corrections)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.ledger.categorising import (
    allocation,
    assert_invariants,
    budget,
    create_rule,
    entries,
    expense,
    fund,
    payee_rule,
)
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

RULE_OPERATIONS = {
    "Rules",
    "CreateRule",
    "UpdateRule",
    "DeleteRule",
    "ReorderRules",
    "ApplyRules",
}


@pytest.fixture
async def cleo(gql: GraphQLClient) -> Member:
    return await Member.register(gql, "cleo@example.com", "Cleo")


async def share(owner: Member, account_id: str, other: Member, role: str) -> None:
    await owner.do("ShareAccount", accountId=account_id, email=other.user["email"], role=role)


async def rule_names(member: Member, account_id: str | None = None) -> list[str]:
    found = (await member.query("Rules", accountId=account_id))["rules"]
    return [rule["name"] for rule in found]


class TestCreateRule:
    async def test_a_rule_is_stored_with_its_conditions_and_actions_as_given(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        rule = await create_rule(
            ana,
            name="Groceries",
            combine="ANY",
            stop=True,
            accountIds=[account],
            conditions=[
                {"type": "PAYEE", "operator": "MATCHES", "value": "tesco*|aldi*"},
                {"type": "AMOUNT", "minimum": "0.50", "maximum": "200"},
                {"type": "KIND", "kind": "EXPENSE"},
            ],
            actions=[
                {"type": "SPLIT", "parts": [
                    {"envelopeId": ids["Food"], "percent": "62.5"},
                    {"envelopeId": ids["Fun"], "percent": "37.5"},
                ]},
                {"type": "RENAME_PAYEE", "payee": "  Super   market "},
                {"type": "ADD_TAGS", "tags": ["food", "Food", "weekly"]},
            ],
        )  # fmt: skip

        assert rule["position"] == 0
        assert rule["mine"] is True
        assert (rule["combine"], rule["stop"], rule["accountIds"]) == ("ANY", True, [account])
        assert [c["type"] for c in rule["conditions"]] == ["PAYEE", "AMOUNT", "KIND"]
        assert rule["conditions"][1]["minimum"] == "0.50"
        assert rule["conditions"][1]["maximum"] == "200"
        assert rule["actions"][0]["parts"] == [
            {"envelopeId": ids["Food"], "percent": "62.5"},
            {"envelopeId": ids["Fun"], "percent": "37.5"},
        ]
        assert rule["actions"][1]["payee"] == "Super market"
        assert rule["actions"][2]["tags"] == ["food", "weekly"]
        assert (await ana.query("Rules"))["rules"] == [rule]

    async def test_new_rules_come_last(self, ana: Member) -> None:
        _, ids = await budget(ana)
        for name in ("One", "Two", "Three"):
            await create_rule(ana, **payee_rule(name, name, ids["Food"]))
        assert await rule_names(ana) == ["One", "Two", "Three"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"actions": []}, ["actions"]),
            ({"name": "  "}, ["name"]),
            ({"conditions": [{"type": "PAYEE", "operator": "MATCHES", "value": "a||b"}]},
             ["conditions", "0", "value"]),
            ({"conditions": [{"type": "PAYEE", "operator": "CONTAINS"}]},
             ["conditions", "0", "value"]),
            ({"conditions": [{"type": "MEMO", "value": "x"}]}, ["conditions", "0", "operator"]),
            ({"conditions": [{"type": "AMOUNT", "minimum": "5", "maximum": "1"}]},
             ["conditions", "0", "maximum"]),
            ({"conditions": [{"type": "AMOUNT", "minimum": "-1"}]},
             ["conditions", "0", "minimum"]),
            ({"conditions": [{"type": "AMOUNT"}]}, ["conditions", "0", "minimum"]),
            ({"conditions": [{"type": "KIND", "kind": "MOVE"}]}, ["conditions", "0", "kind"]),
            ({"actions": [{"type": "SET_ENVELOPE"}]}, ["actions", "0", "envelopeId"]),
            ({"actions": [{"type": "RENAME_PAYEE", "payee": " "}]}, ["actions", "0", "payee"]),
            ({"actions": [{"type": "ADD_TAGS", "tags": []}]}, ["actions", "0", "tags"]),
        ],
    )  # fmt: skip
    async def test_a_bad_part_is_refused_with_its_path(
        self, ana: Member, change: dict[str, Any], field: list[str]
    ) -> None:
        _, ids = await budget(ana)
        error = await ana.refused("CreateRule", **(payee_rule("R", "x", ids["Food"]) | change))
        assert (error["code"], error["field"]) == ("VALIDATION", field)
        assert await rule_names(ana) == []

    async def test_a_split_must_add_up_to_a_hundred(self, ana: Member) -> None:
        _, ids = await budget(ana)
        parts = [{"envelopeId": ids["Food"], "percent": "50"},
                 {"envelopeId": ids["Fun"], "percent": "49.99"}]  # fmt: skip
        error = await ana.refused(
            "CreateRule", name="R", actions=[{"type": "SPLIT", "parts": parts}]
        )
        assert (error["code"], error["field"]) == ("VALIDATION", ["actions", "0", "parts"])
        parts[1]["percent"] = "49.999"
        error = await ana.refused(
            "CreateRule", name="R", actions=[{"type": "SPLIT", "parts": parts}]
        )
        assert error["field"] == ["actions", "0", "parts", "1", "percent"]

    async def test_envelopes_and_accounts_of_others_are_refused(
        self, ana: Member, ben: Member
    ) -> None:
        ana_account, ana_ids = await budget(ana)
        _, ben_ids = await budget(ben)
        error = await ben.refused("CreateRule", **payee_rule("R", "x", ana_ids["Food"]))
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["actions", "0", "envelopeId"])
        error = await ben.refused(
            "CreateRule", **payee_rule("R", "x", ben_ids["Food"], accountIds=[ana_account])
        )
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["accountIds", "0"])
        # A member of Ana's account still cannot write rules for it: hers apply there.
        await share(ana, ana_account, ben, "ADMIN")
        error = await ben.refused(
            "CreateRule", **payee_rule("R", "x", ana_ids["Food"], accountIds=[ana_account])
        )
        assert (error["code"], error["field"]) == ("FORBIDDEN", ["accountIds", "0"])
        assert await rule_names(ben) == []

    async def test_an_envelope_outside_the_rules_accounts_is_refused(self, ana: Member) -> None:
        first, _ = await budget(ana)
        _, other = await budget(ana, name="Savings")
        error = await ana.refused(
            "CreateRule", **payee_rule("R", "x", other["Food"], accountIds=[first])
        )
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["actions", "0", "envelopeId"])


class TestChangingRules:
    async def test_update_replaces_every_field(self, ana: Member) -> None:
        _, ids = await budget(ana)
        rule = await create_rule(ana, **payee_rule("Old", "x", ids["Food"]))
        payload = await ana.do("UpdateRule", id=rule["id"], **payee_rule("New", "y", ids["Fun"]))
        assert payload["rule"]["name"] == "New"
        assert payload["rule"]["actions"][0]["envelopeId"] == ids["Fun"]
        assert payload["rule"]["conditions"][0]["value"] == "y"
        assert (await ana.query("Rules"))["rules"] == [payload["rule"]]

    async def test_reorder_and_delete(self, ana: Member) -> None:
        _, ids = await budget(ana)
        a, b, c = [await create_rule(ana, **payee_rule(n, n, ids["Food"])) for n in "ABC"]
        payload = await ana.do("ReorderRules", ids=[c["id"], a["id"], b["id"]])
        assert [(r["name"], r["position"]) for r in payload["rules"]] == [
            ("C", 0), ("A", 1), ("B", 2),
        ]  # fmt: skip
        assert await rule_names(ana) == ["C", "A", "B"]
        deleted = await ana.do("DeleteRule", id=a["id"])
        assert deleted["deletedRuleId"] == a["id"]
        assert await rule_names(ana) == ["C", "B"]
        error = await ana.refused("ReorderRules", ids=[c["id"]])
        assert (error["code"], error["field"]) == ("VALIDATION", ["ids"])
        error = await ana.refused("ReorderRules", ids=[c["id"], b["id"], b["id"]])
        assert error["code"] == "VALIDATION"

    async def test_only_the_owner_changes_a_rule(
        self, ana: Member, ben: Member, cleo: Member
    ) -> None:
        account, ids = await budget(ana)
        rule = await create_rule(ana, **payee_rule("Mine", "x", ids["Food"]))
        await share(ana, account, cleo, "ADMIN")
        # Cleo (a member) reads the rule but may not change it; Ben cannot even see it.
        assert await rule_names(cleo, account) == ["Mine"]
        assert (await cleo.query("Rules", accountId=account))["rules"][0]["mine"] is False
        spec = payee_rule("Hers", "x", ids["Food"])
        for member, code in ((cleo, "FORBIDDEN"), (ben, "NOT_FOUND")):
            error = await member.refused("UpdateRule", id=rule["id"], **spec)
            assert (error["code"], error["field"]) == (code, ["id"])
            error = await member.refused("DeleteRule", id=rule["id"])
            assert (error["code"], error["field"]) == (code, ["id"])
            error = await member.refused("ReorderRules", ids=[rule["id"]])
            assert (error["code"], error["field"]) == (code, ["ids", "0"])
        assert await rule_names(ana) == ["Mine"]

    async def test_the_rules_of_an_account_are_its_owners_for_members_only(
        self, ana: Member, ben: Member
    ) -> None:
        account, ids = await budget(ana)
        other, other_ids = await budget(ana, name="Other")
        await create_rule(ana, **payee_rule("All", "x", ids["Food"]))
        await create_rule(ana, **payee_rule("Here", "x", ids["Food"], accountIds=[account]))
        await create_rule(ana, **payee_rule("There", "x", other_ids["Food"], accountIds=[other]))
        assert await rule_names(ana, account) == ["All", "Here"]
        reply = await ben.send("Rules", {"accountId": account})
        assert reply.error_codes() == ["NOT_FOUND"]
        assert await rule_names(ben) == []


class TestRulesWhenRecording:
    async def test_an_expense_without_an_envelope_is_categorised_by_the_rules(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="100.00", Fun="100.00")
        await create_rule(
            ana,
            name="Clean the payee",
            conditions=[{"type": "PAYEE", "operator": "STARTS_WITH", "value": "card 1234"}],
            actions=[{"type": "RENAME_PAYEE", "payee": "Tesco"}],
        )
        await create_rule(
            ana,
            name="Tesco",
            conditions=[{"type": "PAYEE", "operator": "EQUALS", "value": "tesco"}],
            actions=[
                {"type": "SPLIT", "parts": [{"envelopeId": ids["Food"], "percent": "66.67"},
                                            {"envelopeId": ids["Fun"], "percent": "33.33"}]},
                {"type": "ADD_TAGS", "tags": ["groceries"]},
            ],
            stop=True,
        )  # fmt: skip
        await create_rule(ana, **payee_rule("Never reached", "tesco", ids["Rent"]))

        entry = await expense(ana, account, "10.00", payee="CARD 1234 TESCO*STORES", tags=["x"])

        assert entry["payee"] == "Tesco"
        assert entry["tags"] == ["x", "groceries"]
        assert allocation(entry) == {"Food": "-6.67", "Fun": "-3.33"}
        await assert_invariants(ana, account)

    async def test_without_a_rule_it_comes_from_available_and_is_not_flagged(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await create_rule(ana, **payee_rule("Rent", "landlord", ids["Rent"]))
        entry = await expense(ana, account, "5.00", payee="Bakery")
        assert allocation(entry) == {"Available": "-5.00"}
        [row] = [e for e in await entries(ana, account) if e["id"] == entry["id"]]
        reply = await ana.query("ReviewQueue", accountId=account)
        assert reply["reviewQueue"]["edges"] == []
        assert row["payee"] == "Bakery"

    async def test_an_explicit_envelope_is_never_overridden(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Fun="10.00")
        await create_rule(ana, **payee_rule("Food", "bakery", ids["Food"]))
        entry = await expense(ana, account, "5.00", payee="Bakery", envelopeId=ids["Fun"])
        assert allocation(entry) == {"Fun": "-5.00"}

    async def test_income_without_allocations_follows_the_rules(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await create_rule(
            ana,
            name="Salary",
            conditions=[{"type": "KIND", "kind": "INCOME"},
                        {"type": "AMOUNT", "minimum": "1000"}],
            actions=[{"type": "SET_ENVELOPE", "envelopeId": ids["Rent"]}],
        )  # fmt: skip
        big = await ana.do("RecordIncome", accountId=account, amount="1500.00", payee="Employer")
        small = await ana.do("RecordIncome", accountId=account, amount="20.00", payee="Refund")
        assert allocation(big["transaction"]) == {"Rent": "1500.00"}
        assert allocation(small["transaction"]) == {"Available": "20.00"}
        await assert_invariants(ana, account)

    async def test_an_editor_recording_into_a_shared_account_gets_its_owners_rules(
        self, ana: Member, ben: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="50.00")
        await share(ana, account, ben, "EDITOR")
        _, ben_ids = await budget(ben)
        await create_rule(ana, **payee_rule("Ana's", "market", ids["Food"]))
        await create_rule(ben, **payee_rule("Ben's", "market", ben_ids["Fun"]))
        entry = await expense(ben, account, "4.00", payee="Market")
        assert allocation(entry) == {"Food": "-4.00"}

    async def test_a_rule_for_another_account_does_not_apply(self, ana: Member) -> None:
        account, _ids = await budget(ana)
        other, other_ids = await budget(ana, name="Other")
        await fund(ana, other, other_ids, Food="50.00")
        await create_rule(ana, **payee_rule("Other", "market", other_ids["Food"],
                                            accountIds=[other]))  # fmt: skip
        assert allocation(await expense(ana, account, "4.00", payee="Market")) == {
            "Available": "-4.00"
        }
        assert allocation(await expense(ana, other, "4.00", payee="Market")) == {"Food": "-4.00"}

    async def test_an_archived_envelope_in_a_rule_leaves_the_money_in_available(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await create_rule(ana, **payee_rule("Fun", "cinema", ids["Fun"]))
        await ana.do("ArchiveEnvelope", accountId=account, envelopeId=ids["Fun"])
        entry = await expense(ana, account, "4.00", payee="Cinema")
        assert allocation(entry) == {"Available": "-4.00"}


class TestApplyRules:
    async def test_a_dry_run_lists_the_changes_and_changes_nothing(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="100.00")
        bakery = await expense(ana, account, "5.00", payee="Bakery")
        await expense(ana, account, "7.00", payee="Cinema")
        await create_rule(ana, **payee_rule("Food", "bakery", ids["Food"]))
        before = await entries(ana, account)

        payload = await ana.do("ApplyRules", accountId=account, dryRun=True)

        [change] = payload["changes"]
        assert change["transaction"]["id"] == bakery["id"]
        assert allocation(change) == {"Food": "-5.00"}
        assert change["correction"] is None
        assert 'Rule "Food" applied' in change["explanation"]
        assert payload["examined"] == 2
        assert payload["hasMore"] is False
        assert await entries(ana, account) == before

    async def test_applying_records_corrections_and_a_second_run_finds_nothing(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="100.00")
        bakery = await expense(ana, account, "5.00", payee="Bakery")
        await create_rule(ana, **payee_rule("Food", "bakery", ids["Food"]))

        payload = await ana.do("ApplyRules", accountId=account, dryRun=False)

        [change] = payload["changes"]
        assert change["refusal"] is None
        correction = change["correction"]
        assert correction["kind"] == "RECATEGORISE"
        assert {x["envelope"]["name"]: x["amount"]["amount"] for x in correction["lines"]} == {
            "Available": "5.00", "Food": "-5.00",
        }  # fmt: skip
        balances = await ana.balances(account)
        assert (balances["Food"], balances["Available"]) == ("95.00", "400.00")
        again = await ana.do("ApplyRules", accountId=account, dryRun=False)
        assert again["changes"] == []
        [row] = [e for e in await entries(ana, account) if e["id"] == bakery["id"]]
        assert row["undone"] is False
        await assert_invariants(ana, account)

    async def test_an_entry_that_cannot_be_moved_is_reported_and_left_alone(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await expense(ana, account, "5.00", payee="Bakery")  # Food is empty
        await create_rule(ana, **payee_rule("Food", "bakery", ids["Food"]))
        payload = await ana.do("ApplyRules", accountId=account, dryRun=False)
        [change] = payload["changes"]
        assert change["correction"] is None
        assert change["refusal"]["code"] == "INSUFFICIENT_FUNDS"
        await assert_invariants(ana, account)

    async def test_only_uncategorised_false_also_moves_categorised_entries(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="20.00", Fun="20.00")
        await expense(ana, account, "5.00", payee="Bakery", envelopeId=ids["Fun"])
        await create_rule(ana, **payee_rule("Food", "bakery", ids["Food"]))
        default = await ana.do("ApplyRules", accountId=account)
        assert default["changes"] == []
        every = await ana.do("ApplyRules", accountId=account, onlyUncategorised=False)
        assert [allocation(c) for c in every["changes"]] == [{"Food": "-5.00"}]

    async def test_roles_and_refusals(self, ana: Member, ben: Member) -> None:
        account, _ = await budget(ana)
        await share(ana, account, ben, "VIEWER")
        assert (await ben.do("ApplyRules", accountId=account))["changes"] == []
        error = await ben.refused("ApplyRules", accountId=account, dryRun=False)
        assert error["code"] == "FORBIDDEN"
        error = await ana.refused(
            "ApplyRules", accountId=account, since="2024-02-01", until="2024-01-01"
        )
        assert (error["code"], error["field"]) == ("VALIDATION", ["since"])
