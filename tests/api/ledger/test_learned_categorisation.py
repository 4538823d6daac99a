"""The learned categorisation through the API: a household's model trained in the background
on its history, its suggestion on each entry, and the threshold the family sets.

Entries come from the generated household history (`app.devtools.household_history`), recorded
with `recordExpense`/`recordIncome` as a family would. Training runs in the background; the
tests wait for it with `services.learned.settle()` (the loop's `refresh` is the pass).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from app.core.ids import ObjectId
from app.devtools.household_history import household_history
from app.domain.conditions import Transaction
from app.domain.envelope_model import MIN_EXAMPLES
from app.graphql.relay import node_id
from app.persistence.repositories.accounts import AccountRepository
from app.services.categorisation.learned import RETRAIN_AFTER
from app.services.categorisation.proposals import Categoriser, NoRules, ProposalReason
from app.services.container import Services
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

LEARNED_OPERATIONS = {"CategorisationSettings", "SetAutoCategorise", "TransactionSuggestion"}
ENVELOPES = ["Groceries", "Household", "Dining out", "Transport", "Fun", "Utilities", "Kids"]

Row = dict[str, Any]
PAGE = """query($id: ID!) { account(id: $id) { id transactions(first: 60) { edges { node {
  id kind suggestion { envelope { id name } confidence } } } } } }"""


@pytest.fixture
def services(api: tuple[FastAPI, GraphQLClient]) -> Services:
    found: Services = api[0].state.services
    return found


async def open_budget(member: Member) -> tuple[str, dict[str, str]]:
    account = await member.open_account(
        openingBalance="90000.00", envelopeNames=ENVELOPES, allowOverdraft=True
    )
    return account["id"], await member.envelope_ids(account["id"])


async def record_history(member: Member, account_id: str, envelopes: dict[str, str], n: int) -> int:
    """The first `n` spending rows of the generated history whose envelope the account has."""
    rows = [r for r in household_history(seed=11) if r.amount < 0 and r.envelope in envelopes]
    for row in rows[:n]:
        await member.do(
            "RecordExpense",
            accountId=account_id,
            envelopeId=envelopes[row.envelope],
            amount=f"{-row.amount / 100:.2f}",
            payee=row.payee,
            bookingDate=row.day.isoformat(),
        )
    return len(rows[:n])


async def unfiled(member: Member, account_id: str, payee: str, amount: str = "4.20") -> str:
    """An expense recorded from Available (no envelope chosen); its id."""
    available = (await member.envelope_ids(account_id))["Available"]
    payload = await member.do(
        "RecordExpense", accountId=account_id, envelopeId=available, amount=amount, payee=payee
    )
    entry_id: str = payload["transaction"]["id"]
    return entry_id


async def suggestion(member: Member, entry_id: str) -> Row | None:
    found: Row | None = (await member.query("TransactionSuggestion", id=entry_id))["transaction"][
        "suggestion"
    ]
    return found


class TestSuggestions:
    async def test_a_suggestion_appears_once_the_household_has_enough_history(
        self, ana: Member, services: Services
    ) -> None:
        account_id, envelopes = await open_budget(ana)
        await record_history(ana, account_id, envelopes, 80)
        coffee = await unfiled(ana, account_id, "CARD 5521 COSTA COFFEE 03/11")

        assert await suggestion(ana, coffee) is None  # no model yet: its training starts
        await services.learned.settle()

        found = await suggestion(ana, coffee)
        assert found is not None
        assert found["envelope"] == {"id": envelopes["Dining out"], "name": "Dining out"}
        assert 0 < found["confidence"] <= 1
        settings = (await ana.query("CategorisationSettings"))["categorisationSettings"]
        assert settings["learnedFrom"] == 80

    async def test_a_page_of_entries_gets_the_suggestions_of_each_entry(
        self, ana: Member, services: Services
    ) -> None:
        account_id, envelopes = await open_budget(ana)
        await record_history(ana, account_id, envelopes, 40)
        await services.learned.train(_object_id(ana.user["id"]))
        payees = ["TFL TRAVEL CH", "CARD 5521 COSTA COFFEE 03/11", "LIDL GB LEEDS"]
        ids = [await unfiled(ana, account_id, payee) for payee in payees]

        reply = await ana.gql.execute(PAGE, {"id": account_id}, token=ana.token)
        edges = reply.data["account"]["transactions"]["edges"]
        on_page = {e["node"]["id"]: e["node"]["suggestion"] for e in edges}
        assert [on_page[i] for i in ids] == [await suggestion(ana, i) for i in ids]
        names = [on_page[i]["envelope"]["name"] for i in ids]
        assert names == ["Transport", "Dining out", "Groceries"]
        opening = next(e["node"] for e in edges if e["node"]["kind"] == "OPENING")
        assert opening["suggestion"] is None

    async def test_too_little_history_gives_no_suggestion(
        self, ana: Member, services: Services
    ) -> None:
        account_id, envelopes = await open_budget(ana)
        await record_history(ana, account_id, envelopes, MIN_EXAMPLES - 5)
        entry = await unfiled(ana, account_id, "TESCO STORES 2231")
        assert await suggestion(ana, entry) is None
        await services.learned.settle()

        assert await suggestion(ana, entry) is None
        settings = (await ana.query("CategorisationSettings"))["categorisationSettings"]
        assert settings["learnedFrom"] is None

    async def test_new_entries_retrain_the_model_in_the_background(
        self, ana: Member, services: Services
    ) -> None:
        account_id, envelopes = await open_budget(ana)
        learned = await record_history(ana, account_id, envelopes, 40)
        owner = await services.learned.train(_object_id(ana.user["id"]))
        assert owner.examples == learned
        vet = await unfiled(ana, account_id, "RIVERSIDE VETS 4411 LONDON GB")
        for _ in range(RETRAIN_AFTER):
            await ana.do(
                "RecordExpense",
                accountId=account_id,
                envelopeId=envelopes["Household"],
                amount="35.00",
                payee="RIVERSIDE VETS 4411 LONDON GB",
            )

        await suggestion(ana, vet)  # the account grew: retraining starts, the old model answers
        await services.learned.settle()

        found = await suggestion(ana, vet)
        assert found is not None
        assert found["envelope"]["name"] == "Household"
        settings = (await ana.query("CategorisationSettings"))["categorisationSettings"]
        assert settings["learnedFrom"] == learned + RETRAIN_AFTER

    async def test_the_background_pass_retrains_households_whose_entries_grew(
        self, ana: Member, ben: Member, services: Services
    ) -> None:
        account_id, envelopes = await open_budget(ana)
        learned = await record_history(ana, account_id, envelopes, 40)
        ben_account, ben_envelopes = await open_budget(ben)
        await record_history(ben, ben_account, ben_envelopes, 30)
        await services.learned.train(_object_id(ana.user["id"]))
        await services.learned.train(_object_id(ben.user["id"]))
        await record_history(ana, account_id, envelopes, RETRAIN_AFTER)  # only Ana's grew

        assert await services.learned.refresh() == 1
        assert await services.learned.refresh() == 0
        settings = (await ana.query("CategorisationSettings"))["categorisationSettings"]
        assert settings["learnedFrom"] == learned + RETRAIN_AFTER

    async def test_an_undone_entry_gets_no_suggestion(
        self, ana: Member, services: Services
    ) -> None:
        account_id, envelopes = await open_budget(ana)
        await record_history(ana, account_id, envelopes, 40)
        await services.learned.train(_object_id(ana.user["id"]))
        entry = await unfiled(ana, account_id, "CARD 5521 COSTA COFFEE 03/11")
        assert await suggestion(ana, entry) is not None
        await ana.do("UndoTransaction", id=entry)
        assert await suggestion(ana, entry) is None

    async def test_a_member_of_the_account_sees_the_owners_household_suggestion(
        self, ana: Member, ben: Member, services: Services
    ) -> None:
        account_id, envelopes = await open_budget(ana)
        await record_history(ana, account_id, envelopes, 40)
        await ana.do("ShareAccount", accountId=account_id, email="ben@example.com", role="VIEWER")
        await services.learned.train(_object_id(ana.user["id"]))
        entry = await unfiled(ana, account_id, "TFL TRAVEL CH")

        found = await suggestion(ben, entry)
        assert found is not None
        assert found["envelope"]["name"] == "Transport"
        # Ben's own household has no history: his settings say so.
        settings = (await ben.query("CategorisationSettings"))["categorisationSettings"]
        assert settings == {"threshold": None, "learnedFrom": None}


class TestThreshold:
    async def test_automatic_applying_is_off_until_the_family_sets_a_threshold(
        self, ana: Member
    ) -> None:
        settings = (await ana.query("CategorisationSettings"))["categorisationSettings"]
        assert settings["threshold"] is None

    @pytest.mark.parametrize(
        ("given", "shown"), [("90", "90"), ("92.5", "92.5"), ("75.25", "75.25"), ("100", "100")]
    )
    async def test_a_threshold_is_kept_as_a_percent(
        self, ana: Member, given: str, shown: str
    ) -> None:
        payload = await ana.do("SetAutoCategorise", threshold=given)
        assert payload["settings"]["threshold"] == shown
        settings = (await ana.query("CategorisationSettings"))["categorisationSettings"]
        assert settings["threshold"] == shown

    async def test_null_switches_it_off(self, ana: Member) -> None:
        await ana.do("SetAutoCategorise", threshold="80")
        payload = await ana.do("SetAutoCategorise", threshold=None)
        assert payload["settings"]["threshold"] is None

    @pytest.mark.parametrize("bad", ["0", "0.00", "100.01", "101", "-5", "abc", "90.125", ""])
    async def test_a_bad_threshold_is_refused_and_changes_nothing(
        self, ana: Member, bad: str
    ) -> None:
        await ana.do("SetAutoCategorise", threshold="85")
        error = await ana.refused("SetAutoCategorise", threshold=bad)
        assert error["code"] == "VALIDATION"
        assert error["field"] == ["threshold"]
        settings = (await ana.query("CategorisationSettings"))["categorisationSettings"]
        assert settings["threshold"] == "85"

    async def test_each_household_sets_its_own(self, ana: Member, ben: Member) -> None:
        await ana.do("SetAutoCategorise", threshold="95")
        ben_settings = (await ben.query("CategorisationSettings"))["categorisationSettings"]
        assert ben_settings["threshold"] is None

    async def test_signing_in_is_required(self, gql: GraphQLClient) -> None:
        reply = await gql.execute("{ categorisationSettings { threshold } }", {})
        assert reply.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_a_suggestion_applies_only_from_the_threshold(
        self, ana: Member, services: Services
    ) -> None:
        account_id, envelopes = await open_budget(ana)
        await record_history(ana, account_id, envelopes, 80)
        owner = _object_id(ana.user["id"])
        await services.learned.train(owner)
        account = await AccountRepository().for_member(_object_id(account_id), owner)
        assert account is not None
        row = Transaction(account.id, -420, payee="CARD 5521 COSTA COFFEE 03/11")
        categoriser = Categoriser(NoRules(), services.learned)

        [shown] = await categoriser.propose(account, [row])
        assert shown.reason is ProposalReason.NONE  # off: shown, not applied
        assert shown.suggestion is not None
        assert shown.suggestion.envelope_id == _object_id(envelopes["Dining out"])

        await ana.do("SetAutoCategorise", threshold="1")
        [applied] = await categoriser.propose(account, [row])
        assert applied.reason is ProposalReason.LEARNED
        assert applied.envelope_id == _object_id(envelopes["Dining out"])

        await ana.do("SetAutoCategorise", threshold="100")
        [unsure] = await categoriser.propose(account, [row])
        assert unsure.reason is ProposalReason.NONE


def _object_id(global_id: str) -> ObjectId:
    found = node_id(global_id)
    assert found is not None
    return found[1]
