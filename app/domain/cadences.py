"""Budget periods: the cadences a family budgets by, and the periods each one cuts the
calendar into.

A cadence tiles the calendar: every day lies in exactly one of its periods, and a period ends
where the next one starts. Periods are half-open day ranges `[start, end)` over `date`s, so
there is no time of day and no daylight-saving shift to get wrong.

- weekly / fortnightly: 7 / 14 days from an anchor date (any period start);
- semi-monthly: two days of the month (default the 1st and the 15th), the second may be the
  last day of the month;
- monthly: one day of the month (1-28, or the last day);
- quarterly / yearly: 3 / 12 months from an anchor date whose day is 1-28.

Days of the month above 28 are refused except as "the last day": the 30th does not exist in
February, and a cadence that moves its day around is not a cadence a family can reason about.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from app.core.errors import ValidationError

LAST_DAY = -1  # "the last day of the month", wherever a day of the month is asked for
MAX_DAY = 28
DEFAULT_ANCHOR = date(2024, 1, 1)  # a Monday, and the first day of a year
# Budgets are about the years a family lives in: days outside these are refused (and the
# calendar arithmetic near year 1 or 9999 cannot overflow).
FIRST_DAY, LAST_BUDGET_DAY = date(1900, 1, 1), date(2199, 12, 31)


def check_day(day: date, field: list[str]) -> date:
    if not FIRST_DAY <= day <= LAST_BUDGET_DAY:
        raise ValidationError(
            f"A day from {FIRST_DAY.year} to {LAST_BUDGET_DAY.year}.", field=field
        )
    return day


class CadenceKind(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    SEMI_MONTHLY = "semi_monthly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


_WEEKS = {CadenceKind.WEEKLY: 7, CadenceKind.FORTNIGHTLY: 14}
_MONTHS = {CadenceKind.QUARTERLY: 3, CadenceKind.YEARLY: 12}


@dataclass(frozen=True, order=True)
class Period:
    """The days `start` ≤ day < `end`."""

    start: date
    end: date

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _day_of(year: int, month: int, day: int) -> date:
    if day == LAST_DAY:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass(frozen=True)
class Cadence:
    """How often a period starts. `anchor` is a period start (weekly, fortnightly, quarterly,
    yearly); `days` the days of the month periods start on (monthly: one, semi-monthly: two;
    `LAST_DAY` for the last day)."""

    kind: CadenceKind
    anchor: date = DEFAULT_ANCHOR
    days: tuple[int, ...] = ()

    @classmethod
    def make(
        cls,
        kind: CadenceKind,
        anchor: date | None = None,
        days: tuple[int, ...] | None = None,
        field: str = "cadence",
    ) -> Cadence:
        """A checked cadence, with the defaults filled in; VALIDATION on an impossible one."""
        if kind in _WEEKS or kind in _MONTHS:
            if days:
                raise ValidationError(
                    f"A {kind.value.replace('_', '-')} cadence takes an anchor date, "
                    "not days of the month.",
                    field=[field, "days"],
                )
            anchor = check_day(anchor or DEFAULT_ANCHOR, [field, "anchor"])
            if kind in _MONTHS and anchor.day > MAX_DAY:
                raise ValidationError(
                    f"The anchor's day must be 1-{MAX_DAY}, so that every period has it.",
                    field=[field, "anchor"],
                )
            return cls(kind, anchor, ())
        if anchor is not None:
            raise ValidationError(
                "A monthly or semi-monthly cadence takes days of the month, not an anchor.",
                field=[field, "anchor"],
            )
        if kind is CadenceKind.MONTHLY:
            days = days or (1,)
            if len(days) != 1:
                raise ValidationError("A monthly cadence has one day.", field=[field, "days"])
        else:
            days = days or (1, 15)
            if len(days) != 2:
                raise ValidationError("A semi-monthly cadence has two days.", field=[field, "days"])
        for day in days:
            if day != LAST_DAY and not 1 <= day <= MAX_DAY:
                raise ValidationError(
                    f"A day of the month is 1-{MAX_DAY}, or the last day.",
                    field=[field, "days"],
                )
        if len(days) == 2 and (
            days[0] == LAST_DAY
            or (days[1] != LAST_DAY and days[1] <= days[0])
            or (days[1] == LAST_DAY and days[0] >= MAX_DAY)  # 28 February would start twice
        ):
            raise ValidationError(
                "The second day must come after the first.", field=[field, "days"]
            )
        return cls(kind, DEFAULT_ANCHOR, tuple(days))

    # --- periods ------------------------------------------------------------------------

    def period_of(self, day: date) -> Period:
        """The period `day` falls in."""
        start = self._start_of(day)
        return Period(start, self._next_start(start))

    def is_start(self, day: date) -> bool:
        return self._start_of(day) == day

    def next(self, period: Period) -> Period:
        return Period(period.end, self._next_start(period.end))

    def previous(self, period: Period) -> Period:
        return self.period_of(period.start - timedelta(days=1))

    def periods(self, first: date, until: date) -> Iterator[Period]:
        """The periods from the one holding `first` up to the one holding `until` - 1 day,
        in order (none when `until` ≤ `first`)."""
        if until <= first:
            return
        period = self.period_of(first)
        while period.start < until:
            yield period
            period = self.next(period)

    def starts_within(self, period: Period) -> int:
        """How many periods of this cadence start within `period` (of any cadence); by
        arithmetic, so that a span of decades costs no more than a week."""
        if period.end <= period.start:
            return 0
        if self.kind in _WEEKS:
            length = _WEEKS[self.kind]
            return _count_steps(
                (period.start - self.anchor).days, (period.end - self.anchor).days, length
            )
        if self.kind in _MONTHS:
            # Starts are anchor + k·step months; their day is the anchor's (1-28), so the
            # k-th start falls in month index m(k) on a fixed day.
            step, first = _MONTHS[self.kind], _month_number(self.anchor)
            return _count_monthly(period, self.anchor.day, first, step)
        return sum(_count_monthly(period, day) for day in self.days)

    def after(self, period: Period, count: int) -> Period:
        """The period `count` periods after `period` (one of this cadence's)."""
        if count <= 0:
            return period
        if self.kind in _WEEKS:
            shift = timedelta(days=_WEEKS[self.kind] * count)
            return Period(period.start + shift, period.end + shift)
        if self.kind in _MONTHS:
            start = period.start + relativedelta(months=_MONTHS[self.kind] * count)
            return Period(start, self._next_start(start))
        # Every month holds one start per day of `days`: whole months, then single steps.
        months, rest = divmod(count, len(self.days))
        start = period.start
        position = next(
            i for i, d in enumerate(self.days) if _day_of(start.year, start.month, d) == start
        )
        year, month = divmod(_month_number(start) + months, 12)
        moved = _day_of(year, month + 1, self.days[position])
        found = Period(moved, self._next_start(moved))
        for _ in range(rest):
            found = self.next(found)
        return found

    def _start_of(self, day: date) -> date:
        if self.kind in _WEEKS:
            length = _WEEKS[self.kind]
            return self.anchor + timedelta(days=((day - self.anchor).days // length) * length)
        if self.kind in _MONTHS:
            step = _MONTHS[self.kind]
            months = (day.year - self.anchor.year) * 12 + day.month - self.anchor.month
            start = self.anchor + relativedelta(months=(months // step) * step)
            if start > day:
                start -= relativedelta(months=step)
            return start
        # Days of the month: the latest start on or before `day`, this month or the last.
        candidates = [_day_of(day.year, day.month, d) for d in self.days]
        earlier = [c for c in candidates if c <= day]
        if earlier:
            return max(earlier)
        year, month = _month_before(day.year, day.month)
        return _day_of(year, month, self.days[-1])

    def _next_start(self, start: date) -> date:
        if self.kind in _WEEKS:
            return start + timedelta(days=_WEEKS[self.kind])
        if self.kind in _MONTHS:
            return start + relativedelta(months=_MONTHS[self.kind])
        later = [c for c in (_day_of(start.year, start.month, d) for d in self.days) if c > start]
        if later:
            return min(later)
        year, month = _month_after(start.year, start.month)
        return _day_of(year, month, self.days[0])


def _count_steps(first: int, until: int, length: int) -> int:
    """How many multiples of `length` lie in [first, until)."""
    return max(0, -(-until // length) - -(-first // length))


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def _count_monthly(period: Period, day: int, first: int = 0, step: int = 1) -> int:
    """How many days `day` (or `LAST_DAY`) of months first + k·step lie in `period`."""

    def starts_before(limit: date) -> int:
        """Starts strictly before `limit`, counted from the month number `first` on
        (negative counts for months before it)."""
        month = _month_number(limit)
        year, number = divmod(month, 12)
        on = _day_of(year, number + 1, day)
        last_month = month if on < limit else month - 1  # the last month whose start is early
        return (last_month - first) // step + 1

    return max(0, starts_before(period.end) - starts_before(period.start))


MONTHLY = Cadence(CadenceKind.MONTHLY, DEFAULT_ANCHOR, (1,))
