"""Savings opportunities over GraphQL against the real replica set: a back-dated history with
a monthly streaming subscription (whose price rose), a yearly insurance, a weekly gym, a
noisy shop that must not count as recurring, an envelope above its usual, money idle in
Available and a goal it would reach sooner; dismissing; refusals and other users."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

import app.services.insights.opportunities as opportunities_module
from tests.api.ledger.test_backup import backup, every_account, records, restored, rewrite
from tests.ledger_client import Member

# The example operations these tests run (each one is sent below).
OPPORTUNITY_OPERATIONS = {"SavingsOpportunities", "DismissOpportunity"}
TODAY = date(2026, 6, 15)

NOISY = [("2026-01-05", "12.40"), ("2026-01-29", "48.10"), ("2026-03-02", "7.99"),
         ("2026-03-19", "23.50"), ("2026-05-08", "61.00"), ("2026-06-01", "15.25")]  # fmt: skip
GROCERIES = [("2025-11-07", "400.00"), ("2025-12-12", "420.00"), ("2026-01-09", "380.00"),
             ("2026-02-14", "410.00"), ("2026-03-06", "400.00"), ("2026-04-11", "390.00"),
             ("2026-05-16", "560.00"), ("2026-06-02", "100.00")]  # fmt: skip


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opportunities are computed for today: pin it (the history is booked before it)."""
    monkeypatch.setattr(opportunities_module, "today", lambda: TODAY)


class Household:
    """Ana's checking account and its back-dated history (see the module docstring)."""

    def __init__(self, member: Member, account_id: str, envelopes: dict[str, str]) -> None:
        self.member, self.id, self.envelopes = member, account_id, envelopes
        self.entries: dict[str, list[str]] = {}  # payee → entry ids, oldest first

    async def spend(self, envelope: str, payee: str, day: date | str, amount: str) -> str:
        payload = await self.member.do(
            "RecordExpense", accountId=self.id, envelopeId=self.envelopes[envelope],
            payee=payee, amount=amount, bookingDate=str(day),
        )  # fmt: skip
        entry_id: str = payload["transaction"]["id"]
        self.entries.setdefault(payee, []).append(entry_id)
        return entry_id

    async def move(self, to: str, day: str, amount: str, source: str = "Available") -> str:
        payload = await self.member.do(
            "MoveMoney", accountId=self.id, fromEnvelopeId=self.envelopes[source],
            toEnvelopeId=self.envelopes[to], amount=amount, bookingDate=day,
        )  # fmt: skip
        entry_id: str = payload["transaction"]["id"]
        self.entries.setdefault(f"move to {to}", []).append(entry_id)
        return entry_id

    async def opportunities(
        self, member: Member | None = None, account_id: str | None = None
    ) -> list[dict[str, Any]]:
        reader = member or self.member
        account = (await reader.query("SavingsOpportunities", id=account_id or self.id))["account"]
        found: list[dict[str, Any]] = account["savingsOpportunities"]
        return found


async def record_history(ana: Member) -> Household:
    names = ["Streaming", "Insurance", "Gym", "Fun", "Groceries", "Holiday"]
    account = await ana.open_account(envelopeNames=names, allowOverdraft=True)
    household = Household(ana, account["id"], await ana.envelope_ids(account["id"]))
    await ana.do("RecordIncome", accountId=household.id, amount="20000.00", payee="Employer",
                 bookingDate="2023-05-01")  # fmt: skip
    for month in range(12):  # 2025-07-03 to 2026-06-03; the price rose in March
        day = date(2025, 7, 3) + relativedelta(months=month)
        price = "13.99" if day < date(2026, 3, 1) else "15.99"
        await household.spend("Streaming", "NETFLIX.COM", day, price)
    for year in (2024, 2025, 2026):
        await household.spend("Insurance", "Home Insurance Co", date(year, 2, 10), "420.00")
    for week in range(10):  # Fridays, 2026-04-10 to 2026-06-12
        await household.spend("Gym", "City Gym", date(2026, 4, 10) + timedelta(weeks=week), "9.00")
    for day, amount in NOISY:
        await household.spend("Fun", "Corner Shop", day, amount)
    for day, amount in GROCERIES:
        await household.spend("Groceries", "Fresh Market", day, amount)
    await ana.do("SetGoal", accountId=household.id, envelopeId=household.envelopes["Holiday"],
                 kind="SAVE", target="3000.00")  # fmt: skip
    for day in ("2026-03-10", "2026-04-10", "2026-05-10"):
        await household.move("Holiday", day, "100.00")
    await household.move("Fun", "2026-06-01", "2000.00")
    return household


def by_kind(found: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in found if o["kind"] == kind]


def amount(money: dict[str, str] | None) -> str | None:
    return None if money is None else money["amount"]


@pytest.fixture
async def household(ana: Member) -> Household:
    return await record_history(ana)


class TestSavingsOpportunities:
    async def test_recurring_charges_with_their_yearly_cost_costliest_first(
        self, household: Household
    ) -> None:
        recurring = by_kind(await household.opportunities(), "RECURRING_CHARGE")
        assert [(o["payee"], o["interval"], amount(o["amountAtStake"])) for o in recurring] == [
            ("City Gym", "WEEKLY", "468.00"),
            ("Home Insurance Co", "YEARLY", "420.00"),
            ("NETFLIX.COM", "MONTHLY", "191.88"),
        ]
        gym, insurance, netflix = recurring
        assert gym["nextExpected"] == "2026-06-19"
        assert insurance["nextExpected"] == "2027-02-10"
        assert [e["id"] for e in insurance["basedOn"]] == household.entries["Home Insurance Co"][
            ::-1
        ]
        # The price rise is noted; the latest price counts.
        assert amount(netflix["latestAmount"]) == "15.99"
        assert amount(netflix["previousAmount"]) == "13.99"
        assert "The price rose from 13.99 EUR" in netflix["explanation"]
        assert netflix["basedOnCount"] == 12
        assert [e["id"] for e in netflix["basedOn"]] == household.entries["NETFLIX.COM"][::-1]

    async def test_a_noisy_payee_is_not_a_subscription(self, household: Household) -> None:
        payees = {o["payee"] for o in await household.opportunities()}
        assert "Corner Shop" not in payees
        assert "Fresh Market" not in payees

    async def test_an_envelope_above_its_usual(self, household: Household) -> None:
        [above] = by_kind(await household.opportunities(), "ABOVE_USUAL")
        assert above["envelope"]["name"] == "Groceries"
        assert above["month"] == "2026-05-01"
        # The six months before May: 400, 420, 380, 410, 400, 390: a median of 400.
        assert amount(above["usual"]) == "400.00"
        assert amount(above["spent"]) == "560.00"
        assert amount(above["amountAtStake"]) == "160.00"
        [may] = [e["id"] for e in above["basedOn"]]
        assert may == household.entries["Fresh Market"][6]

    async def test_money_idle_in_available(self, household: Household) -> None:
        [idle] = by_kind(await household.opportunities(), "IDLE_MONEY")
        # 20,000 less 300 for the holiday and 2,000 for fun, untouched since 1 June.
        assert amount(idle["amountAtStake"]) == "17700.00"
        assert idle["since"] == str(TODAY - timedelta(days=91))
        moves = household.entries["move to Holiday"][1:] + household.entries["move to Fun"]
        assert [e["id"] for e in idle["basedOn"]] == moves[::-1]

    async def test_a_goal_the_idle_money_would_reach_sooner(self, household: Household) -> None:
        [goal] = by_kind(await household.opportunities(), "GOAL_SOONER")
        assert goal["envelope"]["name"] == "Holiday"
        # 2,700 short at 100 a month: 27 months; the idle money covers it at once.
        assert goal["monthsSooner"] == 27
        assert amount(goal["amountAtStake"]) == "2700.00"
        assert "at once" in goal["explanation"]

    async def test_every_member_reads_them_and_other_users_get_not_found(
        self, household: Household, ana: Member, ben: Member
    ) -> None:
        reply = await ben.send("SavingsOpportunities", {"id": household.id})
        assert reply.body["data"] == {"account": None}
        assert reply.error_codes() == ["NOT_FOUND"]
        await ana.do("ShareAccount", accountId=household.id, email="ben@example.com",
                     role="VIEWER")  # fmt: skip
        assert len(await household.opportunities(ben)) == 6


class TestDismissing:
    async def test_a_dismissed_opportunity_stays_away(self, household: Household) -> None:
        found = await household.opportunities()
        [netflix] = [o for o in found if o["payee"] == "NETFLIX.COM"]
        payload = await household.member.do(
            "DismissOpportunity", accountId=household.id, key=netflix["key"]
        )
        keys = {o["key"] for o in payload["account"]["savingsOpportunities"]}
        assert keys == {o["key"] for o in found} - {netflix["key"]}
        assert netflix["key"] not in {o["key"] for o in await household.opportunities()}
        # Again: nothing changes.
        await household.member.do("DismissOpportunity", accountId=household.id, key=netflix["key"])

    async def test_it_comes_back_when_its_facts_change(self, household: Household) -> None:
        [idle] = by_kind(await household.opportunities(), "IDLE_MONEY")
        await household.member.do("DismissOpportunity", accountId=household.id, key=idle["key"])
        assert by_kind(await household.opportunities(), "IDLE_MONEY") == []
        await household.move("Fun", "2026-06-14", "5000.00")
        [back] = by_kind(await household.opportunities(), "IDLE_MONEY")
        assert amount(back["amountAtStake"]) == "12700.00"

    async def test_an_unknown_key_is_not_found(self, household: Household) -> None:
        error = await household.member.refused(
            "DismissOpportunity", accountId=household.id, key="idle_money:1"
        )
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["key"])

    async def test_an_empty_key_is_refused(self, household: Household) -> None:
        error = await household.member.refused("DismissOpportunity", accountId=household.id, key="")
        assert (error["code"], error["field"]) == ("VALIDATION", ["key"])

    async def test_viewers_cannot_dismiss_and_other_users_get_not_found(
        self, household: Household, ana: Member, ben: Member
    ) -> None:
        [idle] = by_kind(await household.opportunities(), "IDLE_MONEY")
        error = await ben.refused("DismissOpportunity", accountId=household.id, key=idle["key"])
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["accountId"])
        await ana.do("ShareAccount", accountId=household.id, email="ben@example.com",
                     role="VIEWER")  # fmt: skip
        error = await ben.refused("DismissOpportunity", accountId=household.id, key=idle["key"])
        assert error["code"] == "FORBIDDEN"
        assert len(by_kind(await household.opportunities(), "IDLE_MONEY")) == 1


class TestBackup:
    async def test_dismissed_opportunities_travel_with_a_backup(
        self, household: Household, ben: Member
    ) -> None:
        found = await household.opportunities()
        [above] = by_kind(found, "ABOVE_USUAL")  # its key names the envelope by id
        [idle] = by_kind(found, "IDLE_MONEY")
        for key in (above["key"], idle["key"]):
            await household.member.do("DismissOpportunity", accountId=household.id, key=key)
        rows = records(await backup(household.member))
        assert sum(1 for r in rows if r["type"] == "dismissedOpportunity") == 2
        await restored(ben, rewrite(rows, checksum=False))
        [restored_id] = list(await every_account(ben))
        kinds = {o["kind"] for o in await household.opportunities(ben, restored_id)}
        assert kinds == {"RECURRING_CHARGE", "GOAL_SOONER"}
