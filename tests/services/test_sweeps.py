"""Sweeps of *sweep* envelopes at period end: once per account and period, oldest first,
even when several processes sweep at the same time."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest

import app.services.ledger.budgets as budgets_module
from app.core.viewer import Viewer
from app.domain.entries import EntryDetails
from app.persistence.repositories.accounts import AccountRepository
from app.services.container import Services
from app.services.ledger.commands import (
    CadenceSpec,
    EnvelopeRef,
    Move,
    SetBudgetCadence,
    SetPlan,
)
from app.services.scheduling.worker import Scheduler
from tests.services.conftest import balances
from tests.services.test_movements import envelope_id, open_account

MARCH = date(2026, 3, 10)


def day(year: int, month: int, dom: int) -> datetime:
    """A day as stored: UTC midnight."""
    return datetime(year, month, dom, tzinfo=UTC)


@pytest.fixture(autouse=True)
def in_march(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budgets_module, "today", lambda: MARCH)


async def _sweeping_account(services: Services, ana: Viewer) -> tuple[Any, Any, Any]:
    opened = await open_account(services, ana, "EUR", "100.00", "Fun", "Rent")
    account = opened.accounts[0]
    fun, rent = envelope_id(opened, "Fun"), envelope_id(opened, "Rent")
    await services.budgets.set_plan(ana, SetPlan(account.id, fun, "20.00", None, "sweep"))
    await services.budgets.set_plan(ana, SetPlan(account.id, rent, "50.00", None, "keep"))
    for envelope, amount in ((fun, "30.00"), (rent, "50.00")):
        details = EntryDetails(booking_date=date(2026, 3, 5))
        await services.movements.move(
            ana, Move(account.id, envelope_id(opened, "Available"), envelope, amount, details)
        )
    return account.id, fun, rent


async def test_the_leftover_goes_back_once_at_period_end(
    services: Services, ana: Viewer, mongo: Any
) -> None:
    account_id, _fun, _rent = await _sweeping_account(services, ana)
    stored = mongo.accounts.find_one({"_id": account_id})
    assert stored["next_sweep"] == day(2026, 4, 1)

    assert await services.sweeps.run_due(date(2026, 3, 31), limit=10) == 0  # not yet
    assert await services.sweeps.run_due(date(2026, 4, 1), limit=10) == 1
    assert balances(mongo, account_id) == {
        "Available": 5000, "Fun": 0, "Rent": 5000, "(account)": 10000,
    }  # fmt: skip
    [sweep] = mongo.transactions.find({"account_id": account_id, "memo": {"$regex": "swept"}})
    assert sweep["booking_date"] == day(2026, 3, 31)  # in the period it closes
    assert [line["amount"] for line in sweep["lines"]] == [-3000, 3000]
    assert mongo.accounts.find_one({"_id": account_id})["next_sweep"] == day(2026, 5, 1)
    assert await services.sweeps.run_due(date(2026, 4, 1), limit=10) == 0  # exactly once


async def test_missed_periods_are_swept_oldest_first_and_racing_sweepers_sweep_once(
    services: Services, ana: Viewer, mongo: Any
) -> None:
    account_id, _fun, _rent = await _sweeping_account(services, ana)
    # Three periods missed (downtime), and three processes catching up at once.
    done = await asyncio.gather(
        *(services.sweeps.run_due(date(2026, 6, 2), limit=10) for _ in range(3))
    )
    assert sum(done) == 3  # March, April and May: each swept by one of them
    sweeps = list(mongo.transactions.find({"account_id": account_id, "memo": {"$regex": "swept"}}))
    assert [s["booking_date"] for s in sweeps] == [day(2026, 3, 31)]  # then nothing left
    assert mongo.accounts.find_one({"_id": account_id})["next_sweep"] == day(2026, 7, 1)
    assert balances(mongo, account_id)["Fun"] == 0


async def test_a_sweep_follows_the_account_cadence_and_stops_without_sweep_plans(
    services: Services, ana: Viewer, mongo: Any
) -> None:
    account_id, fun, _rent = await _sweeping_account(services, ana)
    await services.budgets.set_cadence(ana, SetBudgetCadence(account_id, CadenceSpec("weekly")))
    # Weeks from Monday 9 March: the sweep of that week is due on Monday 16 March.
    assert mongo.accounts.find_one({"_id": account_id})["next_sweep"] == day(2026, 3, 16)
    assert await services.sweeps.run_due(date(2026, 3, 16), limit=10) == 1
    [sweep] = mongo.transactions.find({"account_id": account_id, "memo": {"$regex": "swept"}})
    assert sweep["booking_date"] == day(2026, 3, 15)
    assert mongo.accounts.find_one({"_id": account_id})["next_sweep"] == day(2026, 3, 23)
    await services.budgets.remove_plan(ana, EnvelopeRef(account_id, fun))
    assert mongo.accounts.find_one({"_id": account_id})["next_sweep"] is None
    assert await services.sweeps.run_due(date(2026, 12, 1), limit=10) == 0


async def test_the_apps_scheduler_sweeps(services: Services, ana: Viewer, mongo: Any) -> None:
    """Sweeps are one of the scheduler's kinds of due work: a pass on 1 April sweeps March."""
    account_id, _fun, _rent = await _sweeping_account(services, ana)
    assert services.sweeps in services.scheduler.works
    scheduler = Scheduler(
        services.scheduler.works,
        services.scheduler.leases,
        services.scheduler.settings,
        lambda: date(2026, 4, 1),
    )
    assert await scheduler.run_pass() == 1
    assert balances(mongo, account_id)["Fun"] == 0
    assert await scheduler.run_pass() == 0


async def test_only_the_leftover_at_the_period_end_is_swept_and_not_asked_for_again(
    services: Services, ana: Viewer, mongo: Any
) -> None:
    """Money put in for April (booked 1 April) before March's sweep stays; March's budget
    then shows the sweep apart, and needs nothing more."""
    account_id, fun, _rent = await _sweeping_account(services, ana)
    available = next(e["id"] for e in mongo.accounts.find_one({"_id": account_id})["envelopes"]
                     if e["name"] == "Available")  # fmt: skip
    april = EntryDetails(booking_date=date(2026, 4, 1))
    await services.movements.move(ana, Move(account_id, available, fun, "20.00", april))
    assert await services.sweeps.run_due(date(2026, 4, 1), limit=10) == 1
    [sweep] = mongo.transactions.find({"account_id": account_id, "kind": "sweep"})
    assert [line["amount"] for line in sweep["lines"]] == [-3000, 3000]  # not the April 20
    assert sweep["size"] == 3000
    assert balances(mongo, account_id)["Fun"] == 2000
    record = await AccountRepository().for_member(account_id, ana.user_id)
    assert record is not None
    march = await services.budgets.budget(ana, record, date(2026, 3, 1))
    row = next(e for e in march.envelopes if e.envelope.id == fun)
    assert (row.figures.funded, row.figures.swept, row.figures.end) == (3000, 3000, 0)
    assert row.needed == 0  # the plan's 20 came in; the sweep is not asked for again


async def test_catch_up_steps_over_a_period_without_a_sweep_plan(
    services: Services, ana: Viewer, mongo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, fun, _rent = await _sweeping_account(services, ana)  # March sweeps
    monkeypatch.setattr(budgets_module, "today", lambda: date(2026, 4, 10))
    await services.budgets.set_plan(ana, SetPlan(account_id, fun, "20.00", None, "keep"))
    monkeypatch.setattr(budgets_module, "today", lambda: date(2026, 5, 10))
    await services.budgets.set_plan(ana, SetPlan(account_id, fun, "20.00", None, "sweep"))
    # The worker was down all along: March is swept, April (keep) stepped over, May is next.
    assert await services.sweeps.run_due(date(2026, 5, 12), limit=10) == 1
    assert mongo.accounts.find_one({"_id": account_id})["next_sweep"] == day(2026, 6, 1)


async def test_a_due_sweep_keeps_its_period_when_the_cadence_changes(
    services: Services, ana: Viewer, mongo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, _fun, _rent = await _sweeping_account(services, ana)
    monkeypatch.setattr(budgets_module, "today", lambda: date(2026, 4, 1))  # March's sweep due
    await services.budgets.set_cadence(ana, SetBudgetCadence(account_id, CadenceSpec("weekly")))
    assert await services.sweeps.run_due(date(2026, 4, 1), limit=10) == 1
    [sweep] = mongo.transactions.find({"account_id": account_id, "kind": "sweep"})
    assert sweep["booking_date"] == day(2026, 3, 31)  # March's last day, not a week's
    # Then weeks: the week holding 1 April (Monday 30 March - 5 April) is next.
    assert mongo.accounts.find_one({"_id": account_id})["next_sweep"] == day(2026, 4, 6)
