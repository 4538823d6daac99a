"""Forecasts learned from a household's own history.

**Envelope spending.** An envelope's series is what it spent in each complete month (minor
units; net of refunds and undos; a month with nothing is 0), from the first month it was
used to the month before the current one. Every candidate method
(`app.domain.forecast_methods`) is backtested by *rolling origin* over the last (up to) 12
months: from each origin month `t`, the method sees the months before `t` and predicts `t`
(one step ahead; the smoothing methods' parameters are estimated on the months before the
first origin, see `forecast_methods.one_step`). The method with the lowest mean absolute
error (MAE) is chosen; a tie goes to the simpler method. The MASE is that MAE over the
in-sample MAE of the seasonal naive forecast (lag 12) on the whole series when it holds 24
months or more, else of the naive (last value, lag 1) forecast; it is None when that scale
is 0 (a perfectly regular series).

The band of a month `h` steps ahead is the point plus the 10 % and 90 % empirical quantiles
of the backtest's signed errors, widened by `sqrt(h)`. Spending is never forecast below 0.
The statistics run on floats; every amount is made an integer once, at the end (round half
to even).

**Too little history** (fewer than `MIN_MONTHS` months): nothing is learned. The forecast
says so and stands on the plan (its amount per period times the periods it starts in the
month) and the envelope's scheduled expenses in the month, whichever is more; without
either, the mean of the months seen (0 without any).

**Projected balance** (`project`): from today's balance, day by day, adding every scheduled
occurrence on its due date, and taking off each envelope's forecast spending not already
covered by its schedules, spread evenly over the days of its month (for the current month:
what is left of the forecast after this month's spending so far, at most its share of the
days left, over those days).
The band adds up the envelopes' bands (as if they all ran high or low together: a
conservative band).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.forecast_methods import (
    CANDIDATES,
    FIT_ERRORS,
    SEASON,
    ForecastMethod,
    one_step,
)
from app.domain.periods import month_start, next_month

BACKTEST_MONTHS = 12
MIN_MONTHS = 6  # of history, to learn anything
MIN_TRAINING = 3  # months a backtest origin sees at least
MAX_STEPS = 13  # months forecast: 12 to show, and the 13th a year's projection reaches
LOW_QUANTILE, HIGH_QUANTILE = 0.1, 0.9


@dataclass(frozen=True)
class Backtest:
    method: ForecastMethod
    origins: int  # how many months were predicted
    mae: float  # minor units
    mase: float | None
    scaled_by: ForecastMethod  # the in-sample method the MASE is scaled by
    errors: tuple[float, ...] = ()  # actual - predicted, one per origin (signed)
    ahead: tuple[float, ...] = ()  # the MAX_STEPS months after the series, by the same model


@dataclass(frozen=True)
class ForecastPoint:
    month: date  # first day
    expected: int
    low: int
    high: int


@dataclass(frozen=True)
class SpendingForecast:
    method: ForecastMethod
    reason: str | None  # why it is not learned (or what it stands on)
    points: tuple[ForecastPoint, ...]  # MAX_STEPS months from the first month forecast
    backtest: Backtest | None  # of the chosen method
    compared: tuple[Backtest, ...] = ()  # every candidate's backtest, best first

    def first(self, months: int) -> tuple[ForecastPoint, ...]:
        return self.points[:months]


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, until: date) -> int:
    """How many months from `first` (a month) up to, not including, `until`."""
    return (until.year - first.year) * 12 + until.month - first.month


def monthly_series(spent: Mapping[date, int], first: date | None, until: date) -> list[int]:
    """What was spent in each month from `first` to the month before `until` (months with
    nothing: 0); empty when `first` is None or not before `until`."""
    if first is None:
        return []
    return [spent.get(add_months(first, i), 0) for i in range(months_between(first, until))]


def _mean_abs(values: Sequence[float]) -> float:
    return math.fsum(abs(v) for v in values) / len(values) if values else 0.0


def mase_scale(series: Sequence[float]) -> tuple[ForecastMethod, float]:
    """The in-sample MAE the MASE divides by: seasonal naive from 24 months on, else naive."""
    lag, method = (
        (SEASON, ForecastMethod.SEASONAL_NAIVE)
        if len(series) >= 2 * SEASON
        else (1, ForecastMethod.LAST_VALUE)
    )
    diffs = [series[i] - series[i - lag] for i in range(lag, len(series))]
    return method, _mean_abs(diffs)


def first_origin(length: int) -> int:
    return max(MIN_TRAINING, length - BACKTEST_MONTHS)


def backtest(series: Sequence[float], method: ForecastMethod) -> Backtest | None:
    """`method`'s one-step-ahead rolling-origin backtest over the last (up to) 12 months of
    `series`; None when the method cannot predict from the first origin."""
    start = first_origin(len(series))
    if start >= len(series) or CANDIDATES[method][1] > start:
        return None
    try:
        predicted, ahead = one_step(method, series, start, MAX_STEPS)
    except FIT_ERRORS:
        return None
    errors = [actual - p for actual, p in zip(series[start:], predicted, strict=True)]
    scaled_by, scale = mase_scale(series)
    mae = _mean_abs(errors)
    mase = None if scale == 0 else mae / scale
    return Backtest(method, len(errors), mae, mase, scaled_by, tuple(errors), tuple(ahead))


def quantile(values: Sequence[float], q: float) -> float:
    """The `q` empirical quantile (linear between the order statistics)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def to_minor(value: float) -> int:
    """An amount computed in floats, made an integer once: round half to even."""
    return round(value)


def learned(series: Sequence[int], first_month: date) -> SpendingForecast | None:
    """The forecast of the `MAX_STEPS` months from `first_month` (the month after the
    series), by the method with the best backtest; None with too little history."""
    if len(series) < MIN_MONTHS:
        return None
    values = [float(v) for v in series]
    tried = [b for m in CANDIDATES if (b := backtest(values, m)) is not None]
    if not tried:
        return None
    order = list(CANDIDATES)
    tried.sort(key=lambda b: (b.mae, order.index(b.method)))
    best = tried[0]
    low = min(quantile(best.errors, LOW_QUANTILE), 0.0)
    high = max(quantile(best.errors, HIGH_QUANTILE), 0.0)
    points = []
    for step, value in enumerate(best.ahead):
        widen = math.sqrt(step + 1)
        expected = max(to_minor(value), 0)
        points.append(
            ForecastPoint(
                add_months(first_month, step),
                expected,
                min(max(to_minor(value + low * widen), 0), expected),
                max(to_minor(value + high * widen), expected),
            )
        )
    return SpendingForecast(best.method, None, tuple(points), best, tuple(tried))


def fallback(
    series: Sequence[int],
    first_month: date,
    planned: Sequence[int],
    scheduled: Sequence[int],
) -> SpendingForecast:
    """Too little history: per month, the plan or the scheduled expenses, whichever is more
    (`planned[i]`, `scheduled[i]` for the month `i` after `first_month`), else the mean of
    the months seen."""
    seen = len(series)
    has_plan, has_schedule = any(planned), any(scheduled)
    if has_plan or has_schedule:
        on = " and ".join(
            what for what, used in (("plan", has_plan), ("schedules", has_schedule)) if used
        )
        history = (
            f"Only {seen} of the {MIN_MONTHS} months of history needed to learn from"
            if seen
            else "No spending history to learn from yet"
        )
        reason = f"{history}: using the {on}."
        values = [max(p, s) for p, s in zip(planned, scheduled, strict=True)]
    elif seen:
        reason = (
            f"Only {seen} of the {MIN_MONTHS} months needed to learn, and no plan or schedule: "
            "using the mean of the months seen."
        )
        values = [to_minor(math.fsum(series) / seen)] * len(planned)
    else:
        reason = "No spending history, plan or schedule yet."
        values = [0] * len(planned)
    points = tuple(
        ForecastPoint(add_months(first_month, i), max(v, 0), max(v, 0), max(v, 0))
        for i, v in enumerate(values)
    )
    return SpendingForecast(ForecastMethod.INSUFFICIENT_HISTORY, reason, points, None)


# --- the projected balance -----------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledAmount:
    """An occurrence of a schedule in the horizon: its due date and its signed effect on the
    account's balance (envelope: the envelope it spends from, for an expense)."""

    due: date
    amount: int
    envelope_id: object | None = None


@dataclass(frozen=True)
class EnvelopeOutlook:
    """What the projection needs of one envelope: its forecast, and what it has spent in the
    current month so far."""

    envelope_id: object
    forecast: SpendingForecast
    spent_this_month: int


@dataclass(frozen=True)
class BalancePoint:
    day: date
    balance: int
    low: int
    high: int


@dataclass
class Projection:
    points: list[BalancePoint] = field(default_factory=list)

    @property
    def lowest(self) -> BalancePoint:
        return min(self.points, key=lambda p: (p.low, p.day))


def spread(total: int, days: int) -> list[int]:
    """`total` over `days` days in integers that add up to it exactly (the remainder on the
    first days)."""
    if days <= 0:
        return []
    each, extra = divmod(total, days)
    return [each + (1 if i < extra else 0) for i in range(days)]


def _rest_of_month(expected: int, spent: int, left_days: int, month_days: int) -> int:
    """What is still to be spent in the current month: what the forecast leaves after the
    spending so far, but at most its share of the days left (a month that has been quiet so
    far is not all spent on its last day). Integer arithmetic."""
    return max(0, min(expected - spent, expected * left_days // month_days))


def project(
    today: date,
    balance: int,
    days: int,
    scheduled: Sequence[ScheduledAmount],
    envelopes: Sequence[EnvelopeOutlook],
) -> Projection:
    """The balance at the end of today and of each of the next `days` days."""
    last = today + timedelta(days=days)
    # Per day: (expected, low, high) spending of the envelopes, as negative balance changes.
    change: dict[date, list[int]] = {}

    def add(day: date, expected: int, low: int, high: int) -> None:
        found = change.setdefault(day, [0, 0, 0])
        found[0] += expected
        found[1] += low
        found[2] += high

    for occurrence in scheduled:
        day = max(occurrence.due, today)
        if day <= last:
            add(day, occurrence.amount, occurrence.amount, occurrence.amount)

    this_month = month_start(today)
    for outlook in envelopes:
        for point in outlook.forecast.points:
            if point.month > last:
                break
            month_end = next_month(point.month) - timedelta(days=1)
            covered = sum(
                -o.amount
                for o in scheduled
                if o.envelope_id == outlook.envelope_id
                and o.amount < 0
                and month_start(max(o.due, today)) == point.month
            )
            first = point.month
            length = (month_end - first).days + 1
            values = [max(v - covered, 0) for v in (point.expected, point.low, point.high)]
            if point.month == this_month:
                first = today + timedelta(days=1)
                if first > month_end:
                    continue
                left_days, month_days = (month_end - first).days + 1, length
                length = left_days
                values = [
                    _rest_of_month(v, outlook.spent_this_month, left_days, month_days)
                    for v in values
                ]
            left = values
            # A lower spending is a higher balance: the low balance takes the high spending.
            for day, e, lo, hi in zip(
                (first + timedelta(days=i) for i in range(length)),
                spread(left[0], length),
                spread(left[1], length),
                spread(left[2], length),
                strict=True,
            ):
                if day > last:
                    break
                add(day, -e, -hi, -lo)

    points: list[BalancePoint] = []
    expected = low = high = balance
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        found = change.get(day)
        if found:
            expected, low, high = expected + found[0], low + found[1], high + found[2]
        points.append(BalancePoint(day, expected, low, high))
    return Projection(points)
