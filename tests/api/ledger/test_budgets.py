"""Budgeting over GraphQL against the real replica set: plans with their history, goals, the
budget view of every cadence (checked against sums computed here from the stored entries,
with entries on the periods' edges), filling envelopes, the household view, and every
refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

import app.services.ledger.budgets as budgets_module
from app.domain.cadences import LAST_DAY, Cadence, CadenceKind
from app.graphql.relay import decode_id
from tests.ledger_client import Member

# The example operations these tests run (each one is sent below).
BUDGET_OPERATIONS = {
    "SetBudgetCadence", "SetPlan", "RemovePlan", "SetGoal", "RemoveGoal", "FundEnvelopes",
    "Budget", "HouseholdBudget",
}  # fmt: skip
TODAY = date(2026, 3, 18)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Budget periods are chosen by today's date: pin it."""
    monkeypatch.setattr(budgets_module, "today", lambda: TODAY)


ON_TODAY = TODAY.isoformat()  # entries "this period" are booked on the pinned day


async def _account(
    member: Member, *names: str, opening: str = "0", **extra: Any
) -> tuple[str, dict[str, str]]:
    account = await member.open_account(openingBalance=opening, envelopeNames=list(names), **extra)
    return account["id"], await member.envelope_ids(account["id"])


def _d(text: str) -> Decimal:
    return Decimal(text)


def _stored_id(global_id: str, type_name: str) -> Any:
    return decode_id(global_id, type_name, "id")


def expected_figures(
    mongo: Any, account_id: str, start: date, end: date
) -> dict[Any, dict[str, int]]:
    """Per envelope, from the stored entries: start balance, funded, spent (minor units)."""
    oid = _stored_id(account_id, "Account")
    s = datetime(start.year, start.month, start.day, tzinfo=UTC)
    e = datetime(end.year, end.month, end.day, tzinfo=UTC)
    found: dict[Any, dict[str, int]] = {}
    for entry in mongo.transactions.find({"account_id": oid}):
        booked = entry["booking_date"].replace(tzinfo=UTC)
        for line in entry["lines"]:
            figures = found.setdefault(line["envelope_id"], {"start": 0, "funded": 0, "spent": 0})
            if booked < s:
                figures["start"] += line["amount"]
            elif booked < e:
                if entry["flow"] == "expense":
                    figures["spent"] -= line["amount"]
                else:
                    figures["funded"] += line["amount"]
    return found


def cents(amount: str) -> int:
    return int(_d(amount) * 100)


CADENCES: list[tuple[dict[str, Any], date, date]] = [
    # (cadence input, expected start and end of the period holding TODAY)
    ({"kind": "MONTHLY"}, date(2026, 3, 1), date(2026, 4, 1)),
    ({"kind": "MONTHLY", "days": [25]}, date(2026, 2, 25), date(2026, 3, 25)),
    ({"kind": "MONTHLY", "lastDay": True}, date(2026, 2, 28), date(2026, 3, 31)),
    ({"kind": "SEMI_MONTHLY"}, date(2026, 3, 15), date(2026, 4, 1)),
    ({"kind": "SEMI_MONTHLY", "days": [15], "lastDay": True}, date(2026, 3, 15), date(2026, 3, 31)),
    ({"kind": "WEEKLY"}, date(2026, 3, 16), date(2026, 3, 23)),
    ({"kind": "FORTNIGHTLY", "anchor": "2026-01-02"}, date(2026, 3, 13), date(2026, 3, 27)),
    ({"kind": "QUARTERLY", "anchor": "2025-02-10"}, date(2026, 2, 10), date(2026, 5, 10)),
    ({"kind": "YEARLY", "anchor": "2020-04-06"}, date(2025, 4, 6), date(2026, 4, 6)),
]


@pytest.mark.parametrize(("cadence", "start", "end"), CADENCES)
async def test_budget_view_matches_the_stored_entries_for_every_cadence(
    ana: Member, mongo: Any, cadence: dict[str, Any], start: date, end: date
) -> None:
    account_id, ids = await _account(ana, "Rent", "Food", opening="5000.00")
    changed = await ana.do("SetBudgetCadence", accountId=account_id, cadence=cadence)
    assert changed["account"]["budgetCadence"]["kind"] == cadence["kind"]
    await ana.do("SetPlan", accountId=account_id, envelopeId=ids["Food"], amount="400.00")
    # Entries on both edges of the period, inside it, and months before and after it.
    day = timedelta(days=1)
    edges = [start - day, start, start + day, end - day, end, end + day]
    edges += [start - timedelta(days=40), end + timedelta(days=35), start - timedelta(days=400)]
    for i, booked in enumerate(edges):
        await ana.do(
            "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Food"], amount=f"{10 + i}.00", bookingDate=booked.isoformat(),
        )  # fmt: skip
        await ana.do(
            "RecordExpense", accountId=account_id, envelopeId=ids["Food"],
            amount=f"{1 + i}.25", bookingDate=booked.isoformat(),
        )  # fmt: skip
        await ana.do(
            "RecordIncome", accountId=account_id, amount="3.00", bookingDate=booked.isoformat(),
            allocations=[{"envelopeId": ids["Rent"], "amount": "2.00"}],
        )  # fmt: skip
    refund = await ana.do(
        "RecordExpense", accountId=account_id, envelopeId=ids["Food"], amount="7.00",
        bookingDate=start.isoformat(),
    )  # fmt: skip
    await ana.do("UndoTransaction", id=refund["transaction"]["id"])  # a refund of spending

    budget = (await ana.query("Budget", id=account_id))["account"]["budget"]
    assert (budget["period"]["start"], budget["period"]["end"]) == (str(start), str(end))
    assert budget["period"]["lastDay"] == str(end - day)
    expected = expected_figures(mongo, account_id, start, end)
    rows = {e["envelope"]["name"]: e for e in budget["envelopes"]}
    assert set(rows) == {"Rent", "Food"}
    for name in ("Rent", "Food"):
        want = expected[_stored_id(ids[name], "Envelope")]
        got = rows[name]
        assert cents(got["startBalance"]["amount"]) == want["start"], name
        assert cents(got["funded"]["amount"]) == want["funded"], name
        assert cents(got["spent"]["amount"]) == want["spent"], name
        end_balance = want["start"] + want["funded"] - want["spent"]
        assert cents(got["endBalance"]["amount"]) == end_balance, name
    available = expected[_stored_id(ids["Available"], "Envelope")]
    avail_end = available["start"] + available["funded"] - available["spent"]
    assert cents(budget["available"]["amount"]) == avail_end
    assert cents(budget["availableAtStart"]["amount"]) == available["start"]
    # The plan asks 400 per period of the account's cadence (the plan took it as default).
    assert rows["Food"]["planned"]["amount"] == "400.00"
    still = 40000 - expected[_stored_id(ids["Food"], "Envelope")]["funded"]
    assert still > 0
    assert cents(rows["Food"]["needed"]["amount"]) == still
    # Filling gives Food exactly that, booked in the period, and then nothing is needed.
    filled = await ana.do("FundEnvelopes", accountId=account_id, idempotencyKey="fill")
    lines = {
        x["envelope"]["name"]: cents(x["amount"]["amount"]) for x in filled["transaction"]["lines"]
    }
    assert lines == {"Food": still, "Available": -still}
    assert start <= date.fromisoformat(filled["transaction"]["bookingDate"]) < end
    after = (await ana.query("Budget", id=account_id))["account"]["budget"]
    assert after["needed"]["amount"] == "0.00"
    food_after = expected_figures(mongo, account_id, start, end)[
        _stored_id(ids["Food"], "Envelope")
    ]
    assert food_after["funded"] == 40000
    # The previous period, named by its start, holds its own entries.
    previous = budget["period"]["previousStart"]
    before = (await ana.query("Budget", id=account_id, period=previous))["account"]["budget"]
    assert before["period"]["end"] == str(start)
    prev_start = date.fromisoformat(previous)
    want = expected_figures(mongo, account_id, prev_start, start)
    food = next(e for e in before["envelopes"] if e["envelope"]["name"] == "Food")
    assert cents(food["funded"]["amount"]) == want[_stored_id(ids["Food"], "Envelope")]["funded"]
    assert food["planned"]["amount"] == "0.00"  # the plan applies from the current period on


async def test_plan_cadence_counts_its_starts_in_the_budget_period(ana: Member) -> None:
    account_id, ids = await _account(ana, "Bus", "Insurance", "Phone")
    await ana.do(
        "SetPlan", accountId=account_id, envelopeId=ids["Bus"], amount="10.00",
        cadence={"kind": "WEEKLY"},
    )  # fmt: skip
    await ana.do(
        "SetPlan", accountId=account_id, envelopeId=ids["Insurance"], amount="600.00",
        cadence={"kind": "YEARLY", "anchor": "2025-03-01"},
    )  # fmt: skip
    plan = await ana.do(
        "SetPlan", accountId=account_id, envelopeId=ids["Phone"], amount="15.00",
        cadence={"kind": "SEMI_MONTHLY"}, rollover="SWEEP",
    )  # fmt: skip
    assert plan["envelope"]["plan"] == {
        "amount": {"amount": "15.00", "currency": "EUR"},
        "rollover": "SWEEP",
        "since": "2026-03-01",
        "cadence": {
            "kind": "SEMI_MONTHLY", "anchor": None, "days": [1, 15], "lastDay": False,
            "description": "Twice a month, on the 1st and the 15th",
        },
    }  # fmt: skip
    budget = (await ana.query("Budget", id=account_id))["account"]["budget"]
    planned = {e["envelope"]["name"]: e["planned"]["amount"] for e in budget["envelopes"]}
    # March 2026 has five Mondays; the insurance year starts on 1 March; two half-months.
    assert planned == {"Bus": "50.00", "Insurance": "600.00", "Phone": "30.00"}
    assert budget["planned"]["amount"] == "680.00"
    april = (await ana.query("Budget", id=account_id, period="2026-04-01"))["account"]["budget"]
    planned = {e["envelope"]["name"]: e["planned"]["amount"] for e in april["envelopes"]}
    assert planned == {"Bus": "40.00", "Insurance": "0.00", "Phone": "30.00"}


async def test_plan_history_keeps_earlier_periods(
    ana: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, ids = await _account(ana, "Food")
    food = ids["Food"]
    await ana.do("SetPlan", accountId=account_id, envelopeId=food, amount="600.00")
    await ana.do("SetPlan", accountId=account_id, envelopeId=food, amount="650.00")  # same period
    monkeypatch.setattr(budgets_module, "today", lambda: date(2026, 5, 2))
    await ana.do("SetPlan", accountId=account_id, envelopeId=food, amount="700.00")
    monkeypatch.setattr(budgets_module, "today", lambda: date(2026, 7, 9))
    removed = await ana.do("RemovePlan", accountId=account_id, envelopeId=food)
    assert removed["envelope"]["plan"] is None

    async def planned(period: str) -> str:
        budget = (await ana.query("Budget", id=account_id, period=period))["account"]["budget"]
        [row] = budget["envelopes"]
        return str(row["planned"]["amount"])

    assert await planned("2026-02-01") == "0.00"
    assert await planned("2026-03-01") == "650.00"
    assert await planned("2026-04-01") == "650.00"
    assert await planned("2026-05-01") == "700.00"
    assert await planned("2026-06-01") == "700.00"
    assert await planned("2026-07-01") == "0.00"


async def test_fund_envelopes_previews_then_fills_in_priority_order(
    ana: Member, mongo: Any
) -> None:
    account_id, ids = await _account(ana, "Rent", "Food", "Holidays", "Fun", opening="0")
    for name, amount in (("Rent", "900.00"), ("Food", "400.00"), ("Fun", "100.00")):
        await ana.do("SetPlan", accountId=account_id, envelopeId=ids[name], amount=amount)
    await ana.do(
        "SetGoal", accountId=account_id, envelopeId=ids["Holidays"], kind="SAVE",
        target="1000.00", targetDate="2026-12-31", priority=2,
    )  # fmt: skip
    await ana.do(
        "SetGoal", accountId=account_id, envelopeId=ids["Rent"], kind="PER_PERIOD",
        target="900.00", priority=1,
    )  # fmt: skip
    await ana.do("RecordIncome", accountId=account_id, amount="1500.00", bookingDate=ON_TODAY)
    await ana.do(  # Food already got 150 this period
        "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
        toEnvelopeId=ids["Food"], amount="150.00", bookingDate=ON_TODAY,
    )  # fmt: skip
    entries_before = mongo.transactions.count_documents({})
    preview = await ana.do("FundEnvelopes", accountId=account_id, dryRun=True)
    assert preview["dryRun"] is True
    assert preview["transaction"] is None
    assert mongo.transactions.count_documents({}) == entries_before  # nothing written
    assert (await ana.balances(account_id))["Available"] == "1350.00"
    # The preview's account is the account as it is, not as it would be after filling.
    assert preview["account"]["available"]["balance"]["amount"] == "1350.00"
    shown = {e["name"]: e["balance"]["amount"] for e in preview["account"]["envelopes"]}
    assert shown == {name: amount for name, amount in (await ana.balances(account_id)).items()
                     if name in shown}  # fmt: skip
    # Rent (priority 1) 900, Holidays (priority 2) 1000 over Mar..Dec = 10 periods: 100,
    # then the plans in board order: Food 400 - 150 = 250, Fun 100: only 100 of 350 left.
    shares = [
        (e["envelope"]["name"], e["needed"]["amount"], e["assigned"]["amount"],
         e["shortfall"]["amount"])
        for e in preview["envelopes"]
    ]  # fmt: skip
    assert shares == [
        ("Rent", "900.00", "900.00", "0.00"),
        ("Holidays", "100.00", "100.00", "0.00"),
        ("Food", "250.00", "250.00", "0.00"),
        ("Fun", "100.00", "100.00", "0.00"),
    ]
    await ana.do(
        "RecordExpense", accountId=account_id, envelopeId=ids["Available"], amount="1000.00"
    )
    preview = await ana.do("FundEnvelopes", accountId=account_id, dryRun=True)
    shares = [(e["envelope"]["name"], e["assigned"]["amount"], e["shortfall"]["amount"])
              for e in preview["envelopes"]]  # fmt: skip
    assert shares == [
        ("Rent", "350.00", "550.00"),
        ("Holidays", "0.00", "100.00"),
        ("Food", "0.00", "250.00"),
        ("Fun", "0.00", "100.00"),
    ]
    assert preview["shortfall"]["amount"] == "1000.00"
    await ana.do("RecordIncome", accountId=account_id, amount="1000.00")

    done = await ana.do("FundEnvelopes", accountId=account_id, idempotencyKey="fill-march")
    assert done["dryRun"] is False
    entry = done["transaction"]
    assert entry["kind"] == "MOVE"
    assert entry["bookingDate"] == str(TODAY)
    lines = {x["envelope"]["name"]: x["amount"]["amount"] for x in entry["lines"]}
    assert lines == {
        "Rent": "900.00", "Holidays": "100.00", "Food": "250.00", "Fun": "100.00",
        "Available": "-1350.00",
    }  # fmt: skip
    balances = await ana.balances(account_id)
    assert balances["Available"] == "0.00"
    assert balances["Food"] == "400.00"
    again = await ana.do("FundEnvelopes", accountId=account_id, idempotencyKey="fill-march")
    assert again["transaction"]["id"] == entry["id"]  # replayed, not done twice
    assert await ana.balances(account_id) == balances
    conflict = await ana.refused(
        "FundEnvelopes", accountId=account_id, period="2026-04-01", idempotencyKey="fill-march"
    )
    assert conflict["code"] == "CONFLICT"
    budget = (await ana.query("Budget", id=account_id))["account"]["budget"]
    assert budget["needed"]["amount"] == "0.00"
    nothing = await ana.do("FundEnvelopes", accountId=account_id)
    assert nothing["transaction"] is None
    assert nothing["assigned"]["amount"] == "0.00"


async def test_goals_show_progress_and_pace(ana: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    account_id, ids = await _account(ana, "Car", "Buffer", "Gifts", opening="5000.00")
    await ana.do(
        "SetGoal", accountId=account_id, envelopeId=ids["Car"], kind="SAVE",
        target="1200.00", targetDate="2026-08-31",
    )  # fmt: skip
    await ana.do(
        "SetGoal", accountId=account_id, envelopeId=ids["Buffer"], kind="KEEP_AT_LEAST",
        target="500.00",
    )  # fmt: skip
    await ana.do(
        "SetGoal", accountId=account_id, envelopeId=ids["Gifts"], kind="PER_PERIOD",
        target="50.00",
    )  # fmt: skip
    for month in ("2025-12-10", "2026-01-10", "2026-02-10"):  # a pace of 100 a month
        await ana.do(
            "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Car"], amount="100.00", bookingDate=month,
        )  # fmt: skip
    await ana.do(
        "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
        toEnvelopeId=ids["Buffer"], amount="600.00", bookingDate=ON_TODAY,
    )  # fmt: skip
    budget = (await ana.query("Budget", id=account_id))["account"]["budget"]
    goals = {e["envelope"]["name"]: e["goal"] for e in budget["envelopes"]}
    car = goals["Car"]
    # 900 left at the start of March over Mar..Aug (6 periods): 150 a period; at 100 a month
    # the last 900 take 9 more periods: reached at the end of December.
    assert car["status"] == "BEHIND"
    assert car["percent"] == 25
    assert car["neededThisPeriod"]["amount"] == "150.00"
    assert car["stillNeeded"]["amount"] == "150.00"
    assert car["projectedDate"] == "2026-12-31"
    assert goals["Buffer"]["status"] == "REACHED"
    assert goals["Buffer"]["percent"] == 100
    assert goals["Gifts"]["status"] == "BEHIND"
    assert goals["Gifts"]["stillNeeded"]["amount"] == "50.00"
    await ana.do(
        "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
        toEnvelopeId=ids["Car"], amount="150.00", bookingDate=ON_TODAY,
    )  # fmt: skip
    budget = (await ana.query("Budget", id=account_id))["account"]["budget"]
    car = next(e["goal"] for e in budget["envelopes"] if e["envelope"]["name"] == "Car")
    assert car["status"] == "ON_TRACK"
    assert car["stillNeeded"]["amount"] == "0.00"
    await ana.do(
        "MoveMoney", accountId=account_id, fromEnvelopeId=ids["Available"],
        toEnvelopeId=ids["Car"], amount="750.00", bookingDate=ON_TODAY,
    )  # fmt: skip
    budget = (await ana.query("Budget", id=account_id))["account"]["budget"]
    car = next(e["goal"] for e in budget["envelopes"] if e["envelope"]["name"] == "Car")
    assert car["status"] == "REACHED"
    assert car["percent"] == 100
    removed = await ana.do("RemoveGoal", accountId=account_id, envelopeId=ids["Car"])
    assert removed["envelope"]["goal"] is None


async def test_household_budget_groups_accounts_by_currency(ana: Member, ben: Member) -> None:
    joint, ids = await _account(ana, "Food", opening="100.00")
    await ana.do("SetPlan", accountId=joint, envelopeId=ids["Food"], amount="30.00")
    await _account(ana, "Travel", opening="50.00", name="Savings")
    await _account(ana, opening="20.00", name="Dollars", currency="USD")
    await _account(ben, "Other", opening="999.00")  # not Ana's
    # The opening entries are booked on the real today: look at the periods holding it.
    real_today = datetime.now(UTC).date().isoformat()
    found = (await ana.query("HouseholdBudget", date=real_today))["householdBudget"]
    assert [c["currency"] for c in found] == ["EUR", "USD"]
    eur, usd = found
    assert eur["available"] == {"amount": "150.00", "currency": "EUR"}
    assert eur["planned"]["amount"] == "30.00"
    assert eur["needed"]["amount"] == "30.00"
    assert len(eur["accounts"]) == 2
    assert usd["available"]["amount"] == "20.00"
    assert eur["overspentEnvelopes"] == 0


async def test_refusals_change_nothing(ana: Member, ben: Member, mongo: Any) -> None:
    account_id, ids = await _account(ana, "Food", "Old", opening="100.00")
    await ana.do("ArchiveEnvelope", accountId=account_id, envelopeId=ids["Old"])
    before = mongo.accounts.find_one({"_id": _stored_id(account_id, "Account")})

    async def refused(name: str, **input: Any) -> tuple[str, list[str] | None]:
        error = await ana.refused(name, accountId=account_id, **input)
        return error["code"], error["field"]

    food, available = ids["Food"], ids["Available"]
    assert await refused("SetPlan", envelopeId=available, amount="10") == (
        "VALIDATION", ["envelopeId"])  # fmt: skip
    assert await refused("SetGoal", envelopeId=available, kind="SAVE", target="1") == (
        "VALIDATION", ["envelopeId"])  # fmt: skip
    assert await refused("SetPlan", envelopeId=ids["Old"], amount="10") == (
        "VALIDATION", ["envelopeId"])  # fmt: skip
    assert await refused("SetPlan", envelopeId=food, amount="0") == ("VALIDATION", ["amount"])
    assert await refused("SetPlan", envelopeId=food, amount="-5") == ("VALIDATION", ["amount"])
    assert await refused("SetPlan", envelopeId=food, amount="1.234") == ("VALIDATION", ["amount"])
    assert await refused(
        "SetPlan", envelopeId=food, amount="5", cadence={"kind": "SEMI_MONTHLY", "days": [15, 31]}
    ) == ("VALIDATION", ["cadence", "days"])
    assert await refused(
        "SetPlan", envelopeId=food, amount="5", cadence={"kind": "MONTHLY", "days": [29]}
    ) == ("VALIDATION", ["cadence", "days"])
    assert await refused(
        "SetBudgetCadence", cadence={"kind": "YEARLY", "anchor": "2026-01-31"}
    ) == ("VALIDATION", ["cadence", "anchor"])
    assert await refused("SetBudgetCadence", cadence={"kind": "WEEKLY", "days": [3]}) == (
        "VALIDATION",
        ["cadence", "days"],
    )
    assert await refused(
        "SetGoal", envelopeId=food, kind="SAVE", target="100", targetDate="2026-03-17"
    ) == ("VALIDATION", ["targetDate"])
    assert await refused(
        "SetGoal", envelopeId=food, kind="KEEP_AT_LEAST", target="100", targetDate="2027-01-01"
    ) == ("VALIDATION", ["targetDate"])
    assert await refused("SetGoal", envelopeId=food, kind="SAVE", target="0") == (
        "VALIDATION", ["target"])  # fmt: skip
    assert await refused("SetGoal", envelopeId=food, kind="SAVE", target="5", priority=0) == (
        "VALIDATION", ["priority"])  # fmt: skip
    assert await refused("FundEnvelopes", period="2026-03-02") == ("VALIDATION", ["period"])
    # Ids that are not the caller's behave exactly as made-up ones.
    other, other_ids = await _account(ben, "Theirs")
    made_up = "QWNjb3VudDo2NWYwMDAwMDAwMDAwMDAwMDAwMDAwMDA"  # Account:65f000000000000000000000
    for account in (other, made_up):
        error = await ana.refused("SetPlan", accountId=account, envelopeId=food, amount="5")
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["accountId"])
        error = await ana.refused("FundEnvelopes", accountId=account)
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["accountId"])
    error = await ana.refused(
        "SetPlan", accountId=account_id, envelopeId=other_ids["Theirs"], amount="5"
    )
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["envelopeId"])
    reply = await ana.send("Budget", {"id": account_id, "period": "2026-03-05"})
    assert reply.errors
    assert reply.errors[0]["extensions"]["code"] == "VALIDATION"
    after = mongo.accounts.find_one({"_id": _stored_id(account_id, "Account")})
    assert {k: v for k, v in after.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"
    }
    # Viewers read the budget but change nothing; editors fill envelopes, not plans.
    await ana.do("ShareAccount", accountId=account_id, email="ben@example.com", role="VIEWER")
    assert (await ben.query("Budget", id=account_id))["account"]["budget"]["period"]
    for name, input in (
        ("SetPlan", {"envelopeId": food, "amount": "5"}),
        ("RemovePlan", {"envelopeId": food}),
        ("SetGoal", {"envelopeId": food, "kind": "SAVE", "target": "5"}),
        ("RemoveGoal", {"envelopeId": food}),
        ("SetBudgetCadence", {"cadence": {"kind": "WEEKLY"}}),
        ("FundEnvelopes", {"dryRun": True}),
    ):
        error = await ben.refused(name, accountId=account_id, **input)
        assert error["code"] == "FORBIDDEN", name
    await ana.do("ChangeMemberRole", accountId=account_id, userId=ben.user["id"], role="EDITOR")
    assert (await ben.refused("SetPlan", accountId=account_id, envelopeId=food, amount="5"))[
        "code"
    ] == "FORBIDDEN"
    await ben.do("FundEnvelopes", accountId=account_id)


def test_cadence_table_matches_the_rules() -> None:
    """The expected periods above, from the rules themselves (a guard on the table)."""
    rules = [
        Cadence.make(CadenceKind.MONTHLY),
        Cadence.make(CadenceKind.MONTHLY, days=(25,)),
        Cadence.make(CadenceKind.MONTHLY, days=(LAST_DAY,)),
        Cadence.make(CadenceKind.SEMI_MONTHLY),
        Cadence.make(CadenceKind.SEMI_MONTHLY, days=(15, LAST_DAY)),
        Cadence.make(CadenceKind.WEEKLY),
        Cadence.make(CadenceKind.FORTNIGHTLY, anchor=date(2026, 1, 2)),
        Cadence.make(CadenceKind.QUARTERLY, anchor=date(2025, 2, 10)),
        Cadence.make(CadenceKind.YEARLY, anchor=date(2020, 4, 6)),
    ]
    for rule, (_, start, end) in zip(rules, CADENCES, strict=True):
        period = rule.period_of(TODAY)
        assert (period.start, period.end) == (start, end)
