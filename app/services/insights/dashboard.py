"""The dashboard: the household as the caller sees it, in their base currency, read from the
per-month figures (never by scanning entries).

Scope: every account the caller is a member of (theirs and those shared with them, closed
ones too: they held money in the past). Months are whole calendar months, given by any day
in them. Conversion (`app.domain.exchange`) uses the caller's rates on the month's last day,
for a month-end balance and for a month's flows alike; a figure needing a rate that is
missing has no value and names the currencies it lacks.

- Net worth at a month's end: each account's balance now, less the sum of its entries booked
  in later months (future-dated ones included), converted and summed.
- Income and expense per month: the entries of flow *income* and *expense* (so undos and
  refunds net out); transfers and moves between the caller's envelopes are neither.
- Spending (flow *expense*, shown positive) by envelope and by payee over a range of months.
- Plan vs actual per envelope: what its plan asked for in the account's budget periods that
  start in the range (plans have history: each period its own version), against its spending.
- Largest changes: envelopes whose spending in a month differs most from their usual
  (`app.domain.usual`), ranked by the difference in the base currency (those whose rate is
  missing after the others).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from app.core import clock
from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.budgets import plan_for
from app.domain.cadences import check_day
from app.domain.exchange import Converted, RateTable
from app.domain.periods import month_start, next_month
from app.domain.usual import USUAL_MONTHS, largest_changes, previous_months, usual
from app.persistence.documents.accounts import AccountRecord
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.dashboard_figures import (
    DashboardFigures,
    EnvelopeMonth,
    MonthFlow,
)
from app.services.insights.exchange_rates import ExchangeRateService
from app.services.insights.figures import (
    MAX_FIRST,
    Amount,
    EnvelopeChange,
    EnvelopeSpending,
    IncomeExpense,
    MonthRange,
    NetWorth,
    PayeeSpending,
    PlanVsActual,
    month_end,
)

INCOME, SPENDING = "income", "expense"
T = TypeVar("T")


@dataclass
class Household:
    """What one dashboard request reads once: the caller's accounts, rates, base currency."""

    viewer: Viewer
    base: str
    accounts: list[AccountRecord]
    rates: RateTable
    by_id: dict[ObjectId, AccountRecord] = field(init=False)
    # The reads of this request, shared by the fields asking for the same figures (net worth
    # and income both read the accounts' month figures; three fields the envelopes').
    reads: dict[tuple[object, ...], asyncio.Future[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {a.id: a for a in self.accounts}

    async def once(self, key: tuple[object, ...], read: Callable[[], Awaitable[T]]) -> T:
        """`read()` the first time `key` is asked for in this request; its answer after."""
        found = self.reads.get(key)
        if found is None:
            found = self.reads[key] = asyncio.ensure_future(read())
        result: T = await found
        return result

    def convert(self, into: Converted, minor: int, account_id: ObjectId, month: date) -> None:
        currency = self.by_id[account_id].currency
        into.add(self.rates.convert(minor, currency, month_end(month)), currency)


class DashboardService:
    def __init__(
        self, accounts: AccountRepository, rates: ExchangeRateService, figures: DashboardFigures
    ) -> None:
        self.accounts, self.rates, self.figures = accounts, rates, figures

    def today(self) -> date:
        return clock.today()

    async def household(self, viewer: Viewer) -> Household:
        accounts = await self.accounts.of_member(viewer.user_id, include_closed=True)
        base = await self.rates.base_currency(viewer)
        table = RateTable(base, await self.rates.domain_rates(viewer))
        return Household(viewer, base, accounts, table)

    async def _flows(self, house: Household, since: date) -> list[MonthFlow]:
        ids = list(house.by_id)
        return await house.once(("flows", since), lambda: self.figures.account_flows(ids, since))

    async def _spending(self, house: Household, first: date, last: date) -> list[EnvelopeMonth]:
        ids = list(house.by_id)
        return await house.once(
            ("spending", first, last), lambda: self.figures.envelope_spending(ids, first, last)
        )

    def balances(self, house: Household) -> list[tuple[AccountRecord, Amount]]:
        """Every account with its balance now in the base currency (today's rate)."""
        today, found = self.today(), []
        for account in house.accounts:
            total = Converted()
            total.add(
                house.rates.convert(account.balance, account.currency, today), account.currency
            )
            found.append((account, Amount.of(total)))
        return found

    async def net_worth(self, house: Household, months: MonthRange) -> list[NetWorth]:
        """Per month of the range, the converted sum of the month-end balances."""
        later: dict[ObjectId, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        for row in await self._flows(house, months.first):
            later[row.account_id][row.month] += row.total
        found = []
        for month in months.months():
            total = Converted()
            for account in house.accounts:
                after = sum(t for m, t in later[account.id].items() if m > month)
                house.convert(total, account.balance - after, account.id, month)
            found.append(NetWorth(month, Amount.of(total)))
        return found

    async def income_vs_expense(self, house: Household, months: MonthRange) -> list[IncomeExpense]:
        income: dict[date, Converted] = defaultdict(Converted)
        expense: dict[date, Converted] = defaultdict(Converted)
        for row in await self._flows(house, months.first):
            if row.month > months.last or row.flow not in (INCOME, SPENDING):
                continue
            into, sign = (income, 1) if row.flow == INCOME else (expense, -1)
            house.convert(into[row.month], sign * row.total, row.account_id, row.month)
        return [
            IncomeExpense(m, Amount.of(income[m]), Amount.of(expense[m])) for m in months.months()
        ]

    async def spending_by_envelope(
        self, house: Household, months: MonthRange
    ) -> list[EnvelopeSpending]:
        """Every envelope that spent in the range, the most (in the base currency) first."""
        spent: dict[tuple[ObjectId, ObjectId], int] = defaultdict(int)
        converted: dict[tuple[ObjectId, ObjectId], Converted] = defaultdict(Converted)
        for row in await self._spending(house, months.first, months.last):
            key = (row.account_id, row.envelope_id)
            spent[key] -= row.total
            house.convert(converted[key], -row.total, row.account_id, row.month)
        found = []
        for key, amount in spent.items():
            account = house.by_id[key[0]]
            envelope = account.envelope(key[1])
            if envelope is not None and amount:
                found.append(EnvelopeSpending(account, envelope, amount, Amount.of(converted[key])))
        return sorted(found, key=lambda s: _rank(s.converted, s.spent))

    async def spending_by_payee(
        self, house: Household, months: MonthRange, first: int
    ) -> list[PayeeSpending]:
        """The `first` payees the household spent most with in the range (case-insensitive:
        "Lidl" and "LIDL" are one payee)."""
        _check_first(first)
        converted: dict[str, Converted] = defaultdict(Converted)
        names: dict[str, str | None] = {}
        rows = await self.figures.payee_spending(list(house.by_id), months.first, months.last)
        for row in rows:
            names.setdefault(row.key, row.name)
            house.convert(converted[row.key], -row.total, row.account_id, row.month)
        found = [
            PayeeSpending(names[key] if key else None, Amount.of(total))
            for key, total in converted.items()
            if total.missing or total.total
        ]
        return sorted(found, key=lambda s: _rank(s.spent, 0))[:first]

    async def plan_vs_actual(self, house: Household, months: MonthRange) -> list[PlanVsActual]:
        """Every live envelope with a plan or spending in the range, by account and board."""
        actual: dict[ObjectId, int] = defaultdict(int)
        for row in await self._spending(house, months.first, months.last):
            actual[row.envelope_id] -= row.total
        until = next_month(months.last)
        found = []
        for account in house.accounts:
            periods = [
                p for p in account.cadence().periods(months.first, until)
                if p.start >= months.first
            ]  # fmt: skip
            for envelope in account.live_envelopes():
                history = envelope.plan_history()
                planned = 0
                for period in periods:
                    plan = plan_for(history, period)
                    planned += 0 if plan is None else plan.planned(period)
                if planned or actual[envelope.id]:
                    found.append(PlanVsActual(account, envelope, planned, actual[envelope.id]))
        return found

    async def largest_changes(
        self, house: Household, month: date, first: int
    ) -> list[EnvelopeChange]:
        """The `first` envelopes whose spending in `month` strays most from their usual."""
        _check_first(first)
        month = month_start(check_day(month, ["month"]))
        window = previous_months(month, USUAL_MONTHS)
        spent: dict[tuple[ObjectId, ObjectId], dict[date, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        for row in await self._spending(house, window[0], month):
            spent[(row.account_id, row.envelope_id)][row.month] -= row.total
        candidates = []
        for account in house.accounts:
            for envelope in account.live_envelopes():
                by_month = spent.get((account.id, envelope.id), {})
                typical = usual(by_month, month)
                candidates.append(((account, envelope), by_month.get(month, 0), typical))
        changes = []
        for change in largest_changes(candidates, len(candidates)):
            account, envelope = change.key
            total = Converted()
            house.convert(total, change.difference, account.id, month)
            changes.append(
                EnvelopeChange(account, envelope, month, change.this_month, change.usual,
                               change.difference, Amount.of(total))
            )  # fmt: skip
        return sorted(changes, key=_rank_change)[:first]


def _rank(amount: Amount, native: int) -> tuple[int, int]:
    """Most first; figures missing a rate after the others (by their own amount)."""
    return (1, -native) if amount.minor is None else (0, -amount.minor)


def _rank_change(change: EnvelopeChange) -> tuple[int, int]:
    minor = change.converted.minor
    return (1, -abs(change.difference)) if minor is None else (0, -abs(minor))


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_FIRST:
        raise ValidationError(f"first: 1 to {MAX_FIRST}.", field=["first"])
