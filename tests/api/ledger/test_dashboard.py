"""The dashboard over HTTP: every figure computed here from what the test recorded, in
several currencies, with a missing rate, counting an account shared with the caller and not
another user's own.

Ana (base EUR) has Home (EUR), Dollars (USD) and Yen (JPY, no rate). Ben shares his Shared
(GBP) account with her; his Private (EUR) account is not hers. Rates: USD→EUR 0.9 from
January and 0.8 from 15 April; EUR→GBP 1.25 (recorded the other way: GBP is used at 0.8).
Every entry is booked in March or April 2025; accounts are opened empty today, so their
balances at those month ends are the sums of those entries.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.services.ledger import budgets as budgets_module
from tests.ledger_client import Member

MARCH, APRIL = "2025-03-01", "2025-04-01"
RANGE = {"from": "2025-03-10", "to": "2025-04-30"}  # any day of each month


@pytest.fixture(autouse=True)
def plans_start_in_march(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan applies from the current budget period on: make March 2025 current."""
    monkeypatch.setattr(budgets_module, "today", lambda: date(2025, 3, 18))


def eur(amount: str | Decimal) -> dict[str, str]:
    return {"amount": f"{Decimal(amount):.2f}", "currency": "EUR"}


async def account(member: Member, name: str, currency: str, *envelopes: str) -> dict[str, Any]:
    opened = await member.open_account(
        name=name, currency=currency, envelopeNames=list(envelopes), allowOverdraft=True
    )
    return {"id": opened["id"], **(await member.envelope_ids(opened["id"]))}


async def income(member: Member, into: dict[str, Any], amount: str, day: str) -> None:
    await member.do("RecordIncome", accountId=into["id"], amount=amount, bookingDate=day,
                    payee="Employer")  # fmt: skip


async def spend(
    member: Member, into: dict[str, Any], envelope: str, amount: str, day: str, payee: str
) -> None:
    await member.do("RecordExpense", accountId=into["id"], envelopeId=into[envelope],
                    amount=amount, bookingDate=day, payee=payee)  # fmt: skip


async def rate(member: Member, source: str, target: str, day: str, value: str) -> None:
    await member.do("RecordExchangeRate", to=target, date=day, rate=value, **{"from": source})


@pytest.fixture
async def household(ana: Member, ben: Member) -> dict[str, dict[str, Any]]:
    home = await account(ana, "Home", "EUR", "Food", "Rent")
    dollars = await account(ana, "Dollars", "USD", "Travel")
    yen = await account(ana, "Yen", "JPY", "Gifts")
    shared = await account(ben, "Shared", "GBP", "Groceries")
    private = await account(ben, "Private", "EUR", "Secret")
    await ben.do("ShareAccount", accountId=shared["id"], email="ana@example.com", role="VIEWER")

    await income(ana, home, "2000.00", "2025-03-05")
    await spend(ana, home, "Rent", "800.00", "2025-03-01", "Landlord")
    await spend(ana, home, "Food", "120.50", "2025-03-10", "Lidl")
    await spend(ana, home, "Food", "30.25", "2025-04-02", "LIDL")
    await income(ana, dollars, "1000.00", "2025-03-03")
    await spend(ana, dollars, "Travel", "200.00", "2025-03-20", "lidl ")
    await income(ana, yen, "10000", "2025-04-10")
    await income(ben, shared, "100.00", "2025-03-15")
    await spend(ben, shared, "Groceries", "40.00", "2025-04-01", "Tesco")
    await income(ben, private, "5000.00", "2025-03-01")
    await spend(ben, private, "Secret", "999.00", "2025-04-01", "Landlord")

    await rate(ana, "USD", "EUR", "2025-01-01", "0.9")
    await rate(ana, "USD", "EUR", "2025-04-15", "0.8")
    await rate(ana, "EUR", "GBP", "2025-01-01", "1.25")
    await rate(ben, "EUR", "GBP", "2025-01-01", "2")  # Ben's rates are not Ana's
    await ana.do("SetPlan", accountId=home["id"], envelopeId=home["Food"], amount="100.00")
    return {"home": home, "dollars": dollars, "yen": yen, "shared": shared}


async def dashboard(member: Member, **variables: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await member.query("Dashboard", **{**RANGE, **variables}))["dashboard"]
    return found


class TestNetWorth:
    async def test_each_month_end_sums_every_visible_account_converted(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        found = await dashboard(ana)
        assert (found["baseCurrency"], found["from"], found["to"]) == ("EUR", MARCH, APRIL)
        march = Decimal("2000.00") - Decimal("800.00") - Decimal("120.50")  # Home
        march += (Decimal("1000.00") - Decimal("200.00")) * Decimal("0.9")  # Dollars
        march += Decimal("100.00") / Decimal("1.25")  # Shared; Yen holds nothing yet
        assert found["netWorth"][0] == {"month": MARCH, "total": eur(march), "missing": []}

    async def test_a_month_needing_a_missing_rate_has_no_number(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        april = (await dashboard(ana))["netWorth"][1]
        assert april == {"month": APRIL, "total": None, "missing": ["JPY"]}

    async def test_with_the_rate_recorded_the_month_has_its_number(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        await rate(ana, "JPY", "EUR", "2025-04-30", "0.0061")
        april = (await dashboard(ana))["netWorth"][1]
        total = Decimal("2000.00") - Decimal("800.00") - Decimal("120.50") - Decimal("30.25")
        total += Decimal("800.00") * Decimal("0.8")  # the USD rate of 15 April
        total += Decimal("60.00") / Decimal("1.25")
        total += Decimal("10000") * Decimal("0.0061")
        assert april == {"month": APRIL, "total": eur(total), "missing": []}


class TestIncomeAndExpense:
    async def test_each_months_flows_are_converted_and_summed(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        march, april = (await dashboard(ana))["incomeVsExpense"]
        income = Decimal("2000.00") + Decimal("900.00") + Decimal("80.00")
        expense = Decimal("800.00") + Decimal("120.50") + Decimal("200.00") * Decimal("0.9")
        assert march == {"month": MARCH, "income": eur(income), "expense": eur(expense),
                         "missing": []}  # fmt: skip
        expense = Decimal("30.25") + Decimal("40.00") / Decimal("1.25")
        assert april == {"month": APRIL, "income": None, "expense": eur(expense),
                         "missing": ["JPY"]}  # fmt: skip


class TestSpending:
    async def test_by_envelope_the_most_first_in_its_own_and_the_base_currency(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        rows = (await dashboard(ana))["spendingByEnvelope"]
        found = [
            (r["envelope"]["name"], r["spent"]["amount"], r["spent"]["currency"],
             r["converted"]["amount"])
            for r in rows
        ]  # fmt: skip
        assert found == [
            ("Rent", "800.00", "EUR", "800.00"),
            ("Travel", "200.00", "USD", "180.00"),
            ("Food", "150.75", "EUR", "150.75"),
            ("Groceries", "40.00", "GBP", "32.00"),
        ]

    async def test_by_envelope_for_another_period(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        rows = (await dashboard(ana, periodFrom=APRIL, periodTo=APRIL))["spendingByEnvelope"]
        assert [(r["envelope"]["name"], r["spent"]["amount"]) for r in rows] == [
            ("Groceries", "40.00"),
            ("Food", "30.25"),
        ]

    async def test_by_payee_case_insensitively_the_most_first(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        rows = (await dashboard(ana))["spendingByPayee"]
        found = [(r["payee"].strip().casefold(), r["spent"], r["missing"]) for r in rows]
        lidl = Decimal("120.50") + Decimal("30.25") + Decimal("180.00")
        assert found == [
            ("landlord", eur("800.00"), []),
            ("lidl", eur(lidl), []),
            ("tesco", eur("32.00"), []),
        ]
        assert len((await dashboard(ana, payees=1))["spendingByPayee"]) == 1

    async def test_a_period_before_any_spending_has_none(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        found = await dashboard(ana, periodFrom="2024-01-01", periodTo="2024-12-31")
        assert found["spendingByEnvelope"] == found["spendingByPayee"] == []


class TestPlanVsActual:
    async def test_a_plan_against_the_envelopes_spending(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        rows = (await dashboard(ana))["planVsActual"]
        by_name = {r["envelope"]["name"]: r for r in rows}
        food = by_name["Food"]
        money = [food[k]["amount"] for k in ("planned", "actual", "remaining")]
        assert money == ["200.00", "150.75", "49.25"]  # 100.00 in March and in April
        assert by_name["Rent"]["planned"]["amount"] == "0.00"
        assert by_name["Rent"]["actual"]["amount"] == "800.00"
        assert "Gifts" not in by_name  # neither planned nor spent


class TestLargestChanges:
    async def test_envelopes_ranked_by_how_far_they_stray_from_their_usual(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        rows = (await dashboard(ana, changes=10))["largestChanges"]
        found = [
            (r["envelope"]["name"], r["spent"]["amount"], r["usual"]["amount"],
             r["difference"]["amount"], r["convertedDifference"])
            for r in rows
        ]  # fmt: skip
        # April against October to March: Food and Rent usually spend 0 (one month of six).
        assert found == [
            ("Groceries", "40.00", "0.00", "40.00", eur("32.00")),
            ("Food", "30.25", "0.00", "30.25", eur("30.25")),
        ]

    async def test_a_month_after_a_steady_half_year(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        home = household["home"]
        for month in range(1, 7):  # 50.00 every month of 2024's first half, 90.00 in July
            await spend(ana, home, "Rent", "50.00", f"2024-{month:02}-05", "Landlord")
        await spend(ana, home, "Rent", "90.00", "2024-07-05", "Landlord")
        found = await dashboard(ana, **{"from": "2024-07-01", "to": "2024-07-31"})
        [change] = found["largestChanges"]
        assert change["envelope"]["name"] == "Rent"
        assert (change["usual"]["amount"], change["difference"]["amount"]) == ("50.00", "40.00")


class TestWhoCounts:
    async def test_the_sharing_owner_sees_only_what_they_are_a_member_of(
        self, ben: Member, household: dict[str, Any]
    ) -> None:
        found = await dashboard(ben)
        assert found["baseCurrency"] == "GBP"  # Ben's first account
        names = sorted(a["account"]["name"] for a in found["accounts"])
        assert names == ["Private", "Shared"]
        # Private (EUR) with Ben's own rate: EUR→GBP 2
        assert found["netWorth"][0]["total"] == {"amount": "10100.00", "currency": "GBP"}

    async def test_accounts_list_missing_rates_and_balances(
        self, ana: Member, household: dict[str, Any]
    ) -> None:
        rows = {a["account"]["name"]: a for a in (await dashboard(ana))["accounts"]}
        assert set(rows) == {"Home", "Dollars", "Yen", "Shared"}
        assert rows["Yen"]["balance"] == {"amount": "10000", "currency": "JPY"}
        assert (rows["Yen"]["converted"], rows["Yen"]["missing"]) == (None, ["JPY"])
        assert rows["Dollars"]["converted"] == eur(Decimal("800.00") * Decimal("0.8"))


class TestRefusals:
    @pytest.mark.parametrize(
        ("variables", "field"),
        [
            ({"from": "2025-05-01", "to": "2025-04-01"}, "to"),
            ({"from": "2010-01-01", "to": "2025-04-01"}, "to"),
            ({"payees": 0}, "first"),
            ({"changes": 101}, "first"),
        ],
    )
    async def test_bad_ranges_and_sizes_are_validation_errors(
        self, ana: Member, variables: dict[str, Any], field: str
    ) -> None:
        reply = await ana.send("Dashboard", {**RANGE, **variables})
        assert reply.error_codes() == ["VALIDATION"], reply.body
