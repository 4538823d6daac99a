"""Forecasts of an account (see `app.domain.forecast`): each envelope's spending in the next
months, learned from its own history with the method its backtest chose, and the account's
balance projected day by day.

Every member reads them (the caller has read the account already). Learning is the costly
part (statsmodels fits per backtest origin), so the chosen method, its backtest and its
forecast are kept in memory per process, keyed by the account, the envelope, the month
forecast from, and the series itself: a change of any month's figures is a new series, so
nothing stale is ever served, and the months to come do not bust the cache. New series are
learned in a worker thread (all of an account's at once), off the event loop.

One account's figures are read once for concurrent requests of it at the same version
(every change of an account bumps its version in the change's transaction), and the
result is kept for a few seconds (`RECENT_SECONDS`): the 30 `Envelope.forecast` fields of
one query share one read.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.core import clock
from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.domain.budgets import plan_for
from app.domain.cadences import Period
from app.domain.forecast import (
    MAX_STEPS,
    EnvelopeOutlook,
    Projection,
    ScheduledAmount,
    SpendingForecast,
    add_months,
    fallback,
    learned,
    monthly_series,
    project,
)
from app.domain.periods import month_start
from app.domain.schedules import ScheduleKind
from app.persistence.documents.accounts import AccountRecord, EnvelopeRecord
from app.persistence.documents.schedules import ScheduleRecord
from app.persistence.repositories.forecast_figures import EnvelopeMonths, ForecastFigures
from app.persistence.repositories.payment_sources import PaymentSourceRepository
from app.services.scheduling.schedules import ScheduleService

MIN_MONTHS, MAX_MONTHS = 1, 12
MIN_DAYS, MAX_DAYS = 1, 365
CACHE_SIZE = 20_000  # learned envelope series per process
RECENT_SECONDS = 5.0
MAX_OCCURRENCES = 400  # per schedule in a horizon (a daily one over a year)


def today() -> date:
    """The day forecasts count from (a module function, so tests can pin it)."""
    return clock.today()


def check_months(months: int) -> int:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValidationError(
            f"months must be between {MIN_MONTHS} and {MAX_MONTHS}.", field=["months"]
        )
    return months


def check_days(days: int) -> int:
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(f"days must be between {MIN_DAYS} and {MAX_DAYS}.", field=["days"])
    return days


@dataclass(frozen=True)
class Occurrence:
    """A scheduled occurrence the projection includes: its schedule, due date and signed
    effect on the account's balance (minor units)."""

    schedule: ScheduleRecord
    due: date
    amount: int
    envelope_id: ObjectId | None = None


@dataclass(frozen=True)
class AccountForecasts:
    account: AccountRecord
    today: date
    envelopes: dict[ObjectId, SpendingForecast]
    spent_this_month: dict[ObjectId, int]
    schedules: list[ScheduleRecord]  # of the account, and transfers into it
    expected_payday: dict[ObjectId, int]  # payment source -> its expected amount


@dataclass(frozen=True)
class BalanceProjection:
    projection: Projection
    occurrences: list[Occurrence]


class ForecastService:
    def __init__(
        self,
        schedules: ScheduleService,
        figures: ForecastFigures,
        sources: PaymentSourceRepository,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.schedules = schedules
        self.figures = figures
        self.sources = sources
        self.cache_size = cache_size
        self._learned: OrderedDict[tuple[object, ...], SpendingForecast | None] = OrderedDict()
        self._recent: dict[tuple[object, ...], tuple[float, asyncio.Future[AccountForecasts]]] = {}

    # --- reads --------------------------------------------------------------------------

    async def envelope(
        self, account: AccountRecord, envelope_id: ObjectId, months: int
    ) -> tuple[SpendingForecast, int] | None:
        """The forecast of one envelope (None: not a live envelope of the account) and how
        many of its months to show."""
        check_months(months)
        found = await self.of_account(account)
        forecast = found.envelopes.get(envelope_id)
        return None if forecast is None else (forecast, months)

    async def projection(self, account: AccountRecord, days: int) -> BalanceProjection:
        check_days(days)
        found = await self.of_account(account)
        day = found.today
        occurrences = self._occurrences(found, day + timedelta(days=days))
        outlooks = [
            EnvelopeOutlook(envelope_id, forecast, found.spent_this_month.get(envelope_id, 0))
            for envelope_id, forecast in found.envelopes.items()
        ]
        scheduled = [ScheduledAmount(o.due, o.amount, o.envelope_id) for o in occurrences]
        result = project(day, account.balance, days, scheduled, outlooks)
        return BalanceProjection(result, occurrences)

    async def of_account(self, account: AccountRecord) -> AccountForecasts:
        """Every live envelope's forecast, read once for concurrent asks at one version."""
        day = today()
        key = (account.id, account.version, day)
        now = time.monotonic()
        for old, (at, _) in list(self._recent.items()):
            if now - at > RECENT_SECONDS:
                del self._recent[old]
        recent = self._recent.get(key)
        if recent is None:
            future = asyncio.ensure_future(self._compute(account, day))
            recent = self._recent[key] = (now, future)
        try:
            return await asyncio.shield(recent[1])
        except BaseException:
            self._recent.pop(key, None)  # a failed read is not kept
            raise

    # --- the work -------------------------------------------------------------------------

    async def _compute(self, account: AccountRecord, day: date) -> AccountForecasts:
        spending, schedules, incoming, sources = await asyncio.gather(
            self.figures.spending(account.id),
            self.schedules.of_account(account),
            self.figures.transfers_into(account.id),
            self.sources.of_account(account.id),
        )
        running = [s for s in schedules if not s.paused]
        this_month = month_start(day)
        months = [add_months(this_month, i) for i in range(MAX_STEPS)]
        planned_by_month = _scheduled_spending(running, months)
        envelopes = account.live_envelopes()
        series: dict[ObjectId, tuple[list[int], date | None]] = {}
        for envelope in envelopes:
            found = spending.get(envelope.id)
            first = found.first if found else None
            series[envelope.id] = (monthly_series(_spent(found), first, this_month), first)
        missing = [
            (envelope.id, s)
            for envelope in envelopes
            if (key := self._key(account.id, envelope.id, this_month, s := series[envelope.id][0]))
            not in self._learned
        ]
        if missing:
            done = await asyncio.to_thread(
                lambda: [(e, s, learned(s, this_month)) for e, s in missing]
            )
            for envelope_id, values, result in done:
                self._remember(self._key(account.id, envelope_id, this_month, values), result)
        forecasts: dict[ObjectId, SpendingForecast] = {}
        for envelope in envelopes:
            values = series[envelope.id][0]
            key = self._key(account.id, envelope.id, this_month, values)
            result = self._learned.get(key)
            if result is not None:
                self._learned.move_to_end(key)
            else:
                result = fallback(
                    values,
                    this_month,
                    _planned(envelope, months),
                    [planned_by_month.get((envelope.id, m), 0) for m in months],
                )
            forecasts[envelope.id] = result
        spent_now = {
            envelope_id: found.spent.get(this_month, 0) for envelope_id, found in spending.items()
        }
        return AccountForecasts(
            account,
            day,
            forecasts,
            spent_now,
            running + [s for s in incoming if s.account_id != account.id],
            {source.id: source.expected_amount for source in sources},
        )

    @staticmethod
    def _key(
        account_id: ObjectId, envelope_id: ObjectId, month: date, values: Sequence[int]
    ) -> tuple[object, ...]:
        return (account_id, envelope_id, month, tuple(values))

    def _remember(self, key: tuple[object, ...], result: SpendingForecast | None) -> None:
        self._learned[key] = result
        self._learned.move_to_end(key)
        while len(self._learned) > self.cache_size:
            self._learned.popitem(last=False)

    def _occurrences(self, found: AccountForecasts, last: date) -> list[Occurrence]:
        account = found.account
        result: list[Occurrence] = []
        for schedule in found.schedules:
            for upcoming in self.schedules.upcoming(schedule, last, MAX_OCCURRENCES):
                if upcoming.skipped:
                    continue
                due = max(upcoming.occurrence.due, found.today)
                for amount, envelope_id in _effects(schedule, account, found.expected_payday):
                    result.append(Occurrence(schedule, due, amount, envelope_id))
        result.sort(key=lambda o: (o.due, o.schedule.name, str(o.schedule.id)))
        return result


def _spent(found: EnvelopeMonths | None) -> dict[date, int]:
    return {} if found is None else found.spent


def _planned(envelope: EnvelopeRecord, months: list[date]) -> list[int]:
    """What the envelope's plan asks for in each month (its amount times the plan periods
    starting in the month)."""
    history = envelope.plan_history()
    found = []
    for month in months:
        period = Period(month, add_months(month, 1))
        plan = plan_for(history, period)
        found.append(0 if plan is None else plan.amount * plan.cadence.starts_within(period))
    return found


def _scheduled_spending(
    schedules: list[ScheduleRecord], months: list[date]
) -> dict[tuple[ObjectId, date], int]:
    """Per envelope and month: the scheduled expenses from it."""
    found: dict[tuple[ObjectId, date], int] = {}
    if not months:
        return found
    first, last = months[0], add_months(months[-1], 1) - timedelta(days=1)
    for schedule in schedules:
        if schedule.kind is not ScheduleKind.EXPENSE:
            continue
        parts = (
            [(s.envelope_id, s.amount) for s in schedule.splits]
            if schedule.splits is not None
            else [(schedule.envelope_id, schedule.amount or 0)]
        )
        skipped = schedule.skipped_days()
        for occurrence in schedule.rule().between(first, last):
            if occurrence.scheduled in skipped:
                continue
            month = month_start(occurrence.due)
            for envelope_id, amount in parts:
                if envelope_id is not None:
                    key = (envelope_id, month)
                    found[key] = found.get(key, 0) + amount
    return found


def _effects(
    schedule: ScheduleRecord, account: AccountRecord, expected: dict[ObjectId, int]
) -> list[tuple[int, ObjectId | None]]:
    """What one occurrence does to the account's balance: (signed amount, the envelope an
    expense spends from), per envelope for a split expense."""
    amount = schedule.amount or 0
    match schedule.kind:
        case ScheduleKind.INCOME:
            return [(amount, None)]
        case ScheduleKind.PAYDAY:
            if schedule.amount is None and schedule.payment_source_id is not None:
                amount = expected.get(schedule.payment_source_id, 0)
            return [(amount, None)]
        case ScheduleKind.EXPENSE:
            if schedule.splits is not None:
                return [(-s.amount, s.envelope_id) for s in schedule.splits]
            return [(-amount, schedule.envelope_id)]
        case ScheduleKind.MOVE:
            return []  # between the account's own envelopes: the balance stays
        case _:
            if schedule.account_id == account.id:
                return [(-amount, None)]
            if schedule.received_amount is not None:
                if schedule.received_currency == account.currency:
                    return [(schedule.received_amount, None)]
                return []
            return [(amount, None)] if schedule.currency == account.currency else []
