"""Forecasts over HTTP against real MongoDB: a household's recorded history (booked back-dated)
gives each envelope its method, backtested error and band; a new envelope says it has too
little history and stands on its plan; the projected balance adds the schedules and spends
the forecasts; a change of the history is a new forecast; arguments out of range are
VALIDATION errors; another user's ids are as good as nonexistent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.services.ledger import forecasts as forecasts_module
from tests.ledger_client import Member

FORECAST_OPERATIONS = {"AccountForecast", "EnvelopeForecast"}
TODAY = date(2026, 11, 15)
FIRST = date(2024, 11, 1)  # two years of history: November 2024 to October 2026
MONTHS = [date(2024 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(24)]
# Heating by calendar month (January first): a winter peak, the same every year.
HEATING = ["190.00", "170.00", "120.00", "60.00", "25.00", "10.00",
           "10.00", "10.00", "30.00", "80.00", "140.00", "180.00"]  # fmt: skip
Row = dict[str, Any]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forecasts count from today: pin it."""
    monkeypatch.setattr(forecasts_module, "today", lambda: TODAY)


async def household(ana: Member) -> tuple[str, dict[str, str]]:
    account = await ana.open_account(
        name="Home",
        openingBalance="5000.00",
        envelopeNames=["Rent", "Heating", "Groceries", "Gym"],
        allowOverdraft=True,
    )
    ids = await ana.envelope_ids(account["id"])
    for i, month in enumerate(MONTHS):
        for envelope, amount in (
            ("Rent", "800.00"),
            ("Heating", HEATING[month.month - 1]),
            ("Groceries", f"{300 + (i * 37) % 90}.{i % 10}0"),
        ):
            await ana.do(
                "RecordExpense", accountId=account["id"], envelopeId=ids[envelope],
                amount=amount, bookingDate=month.replace(day=3 + i % 20).isoformat(),
            )  # fmt: skip
    await ana.do("SetPlan", accountId=account["id"], envelopeId=ids["Gym"], amount="45.00")
    return account["id"], ids


async def forecast_of(ana: Member, account_id: str, **variables: Any) -> Row:
    found: Row = (await ana.query("AccountForecast", id=account_id, **variables))["account"]
    return found


def by_name(account: Row) -> dict[str, Row]:
    return {e["name"]: e["forecast"] for e in account["envelopes"]}


async def test_each_envelope_gets_its_method_error_and_band(ana: Member) -> None:
    account_id, _ids = await household(ana)
    found = by_name(await forecast_of(ana, account_id, months=3, days=30))

    rent = found["Rent"]  # the same every month: the last value, and no error at all
    assert rent["method"] == "LAST_VALUE"
    assert rent["backtest"]["mae"] == {"amount": "0.00", "currency": "EUR"}
    assert rent["backtest"]["origins"] == 12
    assert rent["backtest"]["scaledBy"] == "SEASONAL_NAIVE"  # 24 months of history
    assert [p["month"] for p in rent["points"]] == ["2026-11-01", "2026-12-01", "2027-01-01"]
    assert {(p["expected"]["amount"], p["low"]["amount"], p["high"]["amount"])
            for p in rent["points"]} == {("800.00", "800.00", "800.00")}  # fmt: skip

    heating = found["Heating"]  # a winter peak, every year: the same month a year before
    assert heating["method"] == "SEASONAL_NAIVE"
    assert heating["backtest"]["mae"]["amount"] == "0.00"
    assert [p["expected"]["amount"] for p in heating["points"]] == [
        HEATING[10],
        HEATING[11],
        HEATING[0],
    ]

    groceries = found["Groceries"]  # noisy: some error, stated, and a band around the point
    assert groceries["backtest"]["origins"] == 12
    assert Decimal(groceries["backtest"]["mae"]["amount"]) > 0
    assert groceries["backtest"]["mase"] is not None
    assert groceries["compared"][0] == groceries["backtest"]
    # Holt-Winters needs two years before the first origin, a year before the last month.
    assert {c["method"] for c in groceries["compared"]} == {
        "LAST_VALUE", "SEASONAL_NAIVE", "MOVING_AVERAGE_3", "MOVING_AVERAGE_6",
        "EXPONENTIAL_SMOOTHING",
    }  # fmt: skip
    maes = [Decimal(c["mae"]["amount"]) for c in groceries["compared"]]
    assert maes == sorted(maes)
    for point in groceries["points"]:
        low, expected, high = (Decimal(point[k]["amount"]) for k in ("low", "expected", "high"))
        assert low <= expected <= high
    assert Decimal(groceries["points"][-1]["high"]["amount"]) - Decimal(
        groceries["points"][-1]["low"]["amount"]
    ) > Decimal(groceries["points"][0]["high"]["amount"]) - Decimal(
        groceries["points"][0]["low"]["amount"]
    )

    gym = found["Gym"]  # new: no history, honestly said, on the plan
    assert gym["method"] == "INSUFFICIENT_HISTORY"
    assert "plan" in gym["reason"]
    assert gym["backtest"] is None
    assert [p["expected"]["amount"] for p in gym["points"]] == ["45.00"] * 3


async def test_one_envelope_by_its_id_and_a_changed_history_is_a_new_forecast(
    ana: Member,
) -> None:
    account_id, ids = await household(ana)
    node = (await ana.query("EnvelopeForecast", id=ids["Rent"], months=12))["node"]
    assert node["forecast"]["method"] == "LAST_VALUE"
    assert len(node["forecast"]["points"]) == 12
    # A refund back-dated into the history: the series changed, so does the forecast.
    await ana.do(
        "RecordExpense", accountId=account_id, envelopeId=ids["Rent"], amount="100.00",
        bookingDate="2026-10-20",
    )  # fmt: skip
    node = (await ana.query("EnvelopeForecast", id=ids["Rent"], months=1))["node"]
    assert Decimal(node["forecast"]["backtest"]["mae"]["amount"]) > 0


async def test_the_projected_balance_adds_schedules_and_spends_the_forecasts(
    ana: Member,
) -> None:
    account_id, ids = await household(ana)
    await ana.do(
        "CreateSchedule", accountId=account_id, name="Salary", kind="INCOME", amount="2500.00",
        recurrence={"frequency": "MONTHLY", "startDate": "2026-11-25"},
    )  # fmt: skip
    await ana.do(
        "CreateSchedule", accountId=account_id, name="Rent", kind="EXPENSE", amount="800.00",
        envelopeId=ids["Rent"], recurrence={"frequency": "MONTHLY", "startDate": "2026-12-01"},
    )  # fmt: skip
    account = await forecast_of(ana, account_id, months=2, days=30)
    projection = account["projection"]
    points = projection["points"]
    assert len(points) == 31
    assert points[0]["date"] == TODAY.isoformat()
    assert points[0]["balance"] == account["balance"]
    assert [(s["date"], s["name"], s["amount"]["amount"]) for s in projection["scheduled"]] == [
        ("2026-11-25", "Salary", "2500.00"),
        ("2026-12-01", "Rent", "-800.00"),
    ]
    balances = {p["date"]: Decimal(p["balance"]["amount"]) for p in points}
    # Between two schedules the balance only goes down (the forecast spending, day by day).
    assert balances["2026-11-24"] < balances["2026-11-16"] < balances["2026-11-15"]
    assert balances["2026-11-25"] > balances["2026-11-24"] + Decimal("2400")
    # November's rent was not spent yet this month: half of its 800 (the half of the month
    # left) is spread over the 15 days left; December's rent is the schedule (covering its
    # forecast), not spent twice.
    drop = balances["2026-11-24"] - balances["2026-11-25"] + Decimal("2500")
    assert drop > Decimal("400") / 15
    assert balances["2026-12-01"] < balances["2026-11-30"] - Decimal("800")
    assert balances["2026-12-01"] > balances["2026-11-30"] - Decimal("800") - Decimal("60")
    for point in points:
        low, balance, high = (Decimal(point[k]["amount"]) for k in ("low", "balance", "high"))
        assert low <= balance <= high
    lows = [Decimal(p["low"]["amount"]) for p in points]
    assert Decimal(projection["lowest"]["low"]["amount"]) == min(lows)


async def test_a_year_ahead_still_spends_in_its_last_days(ana: Member) -> None:
    account_id, _ids = await household(ana)
    points = (await forecast_of(ana, account_id, months=12, days=365))["projection"]["points"]
    assert len(points) == 366
    assert points[-1]["date"] == "2027-11-15"
    # Spending goes on to the very end (November 2027 is forecast too, not left out).
    assert Decimal(points[-1]["balance"]["amount"]) < Decimal(points[-2]["balance"]["amount"])


async def test_arguments_out_of_range_are_validation_errors(ana: Member) -> None:
    account = await ana.open_account(name="Small", envelopeNames=["Food"])
    ids = await ana.envelope_ids(account["id"])
    for name, variables in [
        ("AccountForecast", {"id": account["id"], "months": 0}),
        ("AccountForecast", {"id": account["id"], "months": 13}),
        ("AccountForecast", {"id": account["id"], "days": 0}),
        ("AccountForecast", {"id": account["id"], "days": 366}),
        ("EnvelopeForecast", {"id": ids["Food"], "months": -1}),
    ]:
        reply = await ana.send(name, variables)
        assert set(reply.error_codes()) == {"VALIDATION"}, (name, variables, reply.body)
    # A new account: nothing learned, and said so; the projection is today's balance.
    found = await forecast_of(ana, account["id"], months=1, days=1)
    food = by_name(found)["Food"]
    assert food["method"] == "INSUFFICIENT_HISTORY"
    assert food["reason"] == "No spending history, plan or schedule yet."
    assert [p["balance"] for p in found["projection"]["points"]] == [found["balance"]] * 2


async def test_another_users_ids_are_as_good_as_nonexistent(ana: Member, ben: Member) -> None:
    account_id, ids = await household(ana)
    assert (await ben.query("EnvelopeForecast", id=ids["Rent"]))["node"] is None
    reply = await ben.send("AccountForecast", {"id": account_id})
    assert reply.error_codes() == ["NOT_FOUND"]
    # A viewer of the account reads its forecasts.
    await ana.do("ShareAccount", accountId=account_id, email="ben@example.com", role="VIEWER")
    shared = by_name(await forecast_of(ben, account_id, months=1))
    assert shared["Rent"]["method"] == "LAST_VALUE"
