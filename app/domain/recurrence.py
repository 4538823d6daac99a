"""When a schedule falls due: recurrence rules over dates (never datetimes, so no time zone
or daylight-saving change can move an occurrence), built on python-dateutil's `rrule`.

A rule produces *scheduled dates*; the weekend rule then gives each its *due date* (a
Saturday or Sunday moved to the Friday before or the Monday after, or kept as is). An
occurrence is named by its scheduled date, which no two occurrences share; the weekend rule
may give two of them the same due date (a daily schedule's Saturday and Sunday both fall due
on Monday), never changes their order and never yields a weekend day.

Frequencies:

- ONCE: the start date only.
- DAILY / WEEKLY: every `interval` days / weeks from the start date (weekly: its weekday).
- SEMI_MONTHLY: two days of every month (`days_of_month`, ascending, each 1..28 or
  `LAST_DAY`), every month: a day above 28 would not exist in every month.
- MONTHLY: one day (`day_of_month`, 1..31 or `LAST_DAY`) every `interval` months from the
  start month; a day a month does not have falls on that month's last day (31 → 30 April,
  28/29 February).
- YEARLY: the start date's month and day every `interval` years; 29 February falls on
  28 February in other years.

The end is never, after `count` occurrences, or on a date (`until`, inclusive, bounding the
scheduled dates). No occurrence is scheduled before the start date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule

from app.core.errors import ValidationError
from app.domain.entries import EARLIEST_BOOKING

LAST_DAY = -1
MAX_INTERVAL = 366
MAX_COUNT = 10_000
LATEST_DATE = date(2999, 12, 31)
# The weekend rule moves a date by at most two days.
_SHIFT = timedelta(days=2)


class Frequency(StrEnum):
    ONCE = "once"
    DAILY = "daily"
    WEEKLY = "weekly"
    SEMI_MONTHLY = "semi_monthly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class WeekendRule(StrEnum):
    AS_IS = "as_is"
    BEFORE = "before"  # the Friday before
    AFTER = "after"  # the Monday after


@dataclass(frozen=True, order=True)
class Occurrence:
    """One occurrence: the date the rule gives it (its name) and the date it falls due."""

    scheduled: date
    due: date


@dataclass(frozen=True)
class Recurrence:
    frequency: Frequency
    start: date
    interval: int = 1
    day_of_month: int | None = None  # MONTHLY; default: the start date's day
    days_of_month: tuple[int, ...] = ()  # SEMI_MONTHLY: two days
    count: int | None = None  # end after this many occurrences
    until: date | None = None  # end on this date (inclusive)
    weekend: WeekendRule = WeekendRule.AS_IS

    def __post_init__(self) -> None:
        _check(self)

    # --- queries -----------------------------------------------------------------------------

    def between(self, first: date, last: date) -> list[Occurrence]:
        """Every occurrence due on a day of [first, last], in order."""
        if last < first:
            return []
        found: list[Occurrence] = []
        for scheduled in self._scheduled_from(first - _SHIFT):
            due = self.due_date(scheduled)
            if due > last:  # due dates never go down
                break
            if due >= first:
                found.append(Occurrence(scheduled, due))
        return found

    def after(self, scheduled: date | None) -> Occurrence | None:
        """The occurrence following the one scheduled on `scheduled` (the first one for
        None), or None when the rule has ended."""
        start = self.start if scheduled is None else scheduled + timedelta(days=1)
        for day in self._scheduled_from(start):
            return Occurrence(day, self.due_date(day))
        return None

    def first_due_from(self, day: date) -> Occurrence | None:
        """The first occurrence due on `day` or later."""
        for scheduled in self._scheduled_from(day - _SHIFT):
            due = self.due_date(scheduled)
            if due >= day:
                return Occurrence(scheduled, due)
        return None

    def upcoming(self, after: date | None, last: date, limit: int) -> list[Occurrence]:
        """At most `limit` occurrences after the one scheduled on `after` (from the first
        for None) that fall due by `last`."""
        found: list[Occurrence] = []
        start = self.start if after is None else after + timedelta(days=1)
        for scheduled in self._scheduled_from(start):
            due = self.due_date(scheduled)
            if due > last or len(found) >= limit:
                break
            found.append(Occurrence(scheduled, due))
        return found

    def is_scheduled(self, day: date) -> bool:
        return self.after(day - timedelta(days=1)) == Occurrence(day, self.due_date(day))

    def due_date(self, scheduled: date) -> date:
        weekday = scheduled.weekday()  # Monday 0 … Sunday 6
        if weekday < 5 or self.weekend is WeekendRule.AS_IS:
            return scheduled
        if self.weekend is WeekendRule.BEFORE:
            return scheduled - timedelta(days=weekday - 4)
        return scheduled + timedelta(days=7 - weekday)

    # --- generation ----------------------------------------------------------------------------

    def _scheduled_from(self, day: date) -> Iterator[date]:
        """The scheduled dates on `day` or later, in order."""
        if self.frequency is Frequency.ONCE:
            if day <= self.start:
                yield self.start
            return
        day = max(day, self.start)
        for moment in self._rule(self._origin(day)).xafter(_moment(day), inc=True):
            yield moment.date()

    def _origin(self, day: date) -> date:
        """Where the rule may start counting to find the dates from `day` on: the start
        date, or (without a count, which counts from the start) the latest date on or
        before `day` that is in step with it, so far-off dates cost no walk from the start."""
        start = self.start
        if self.count is not None or day <= start:
            return start
        match self.frequency:
            case Frequency.DAILY | Frequency.WEEKLY:
                step = self.interval * (7 if self.frequency is Frequency.WEEKLY else 1)
                return start + timedelta(days=(day - start).days // step * step)
            case Frequency.MONTHLY | Frequency.SEMI_MONTHLY:
                months = (day.year - start.year) * 12 + day.month - start.month
                months -= months % self.interval
                if months == 0:
                    return start
                index = start.year * 12 + start.month - 1 + months
                return date(index // 12, index % 12 + 1, 1)
            case _:  # YEARLY
                years = day.year - start.year
                years -= years % self.interval
                return start if years == 0 else date(start.year + years, 1, 1)

    def _rule(self, origin: date) -> rrule:
        frequency: Literal[0, 1, 2, 3, 4, 5, 6] = DAILY
        months, days, position = None, None, None
        match self.frequency:
            case Frequency.WEEKLY:
                frequency = WEEKLY
            case Frequency.SEMI_MONTHLY:
                frequency, days = MONTHLY, self.days_of_month
            case Frequency.MONTHLY:
                day = self.day_of_month if self.day_of_month is not None else self.start.day
                frequency, (days, position) = MONTHLY, _day_or_last(day)
            case Frequency.YEARLY:
                frequency, months = YEARLY, self.start.month
                days, position = _day_or_last(self.start.day)
        return rrule(
            frequency,
            dtstart=_moment(origin),
            interval=self.interval,
            count=self.count,
            until=_moment(self.until) if self.until is not None else None,
            bymonth=months,
            bymonthday=days,
            bysetpos=position,
            cache=False,
        )


def _day_or_last(day: int) -> tuple[tuple[int, ...], int | None]:
    """`bymonthday` and `bysetpos` for day `day` of a month, or its last day if shorter."""
    if day == LAST_DAY or day <= 28:
        return (day,), None
    return tuple(range(28, day + 1)), -1


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)  # noqa: DTZ001 (a date, no time zone)


def _check(rule: Recurrence) -> None:
    def refuse(message: str, field: str) -> None:
        raise ValidationError(message, field=["recurrence", field])

    if not EARLIEST_BOOKING <= rule.start <= LATEST_DATE:
        refuse("The start date must be after 1900.", "startDate")
    if not 1 <= rule.interval <= MAX_INTERVAL:
        refuse(f"The interval is 1 to {MAX_INTERVAL}.", "interval")
    if rule.count is not None and rule.until is not None:
        refuse("End after a number of occurrences or on a date, not both.", "endDate")
    if rule.count is not None and not 1 <= rule.count <= MAX_COUNT:
        refuse(f"A schedule ends after 1 to {MAX_COUNT} occurrences.", "endAfter")
    if rule.until is not None and not rule.start <= rule.until <= LATEST_DATE:
        refuse("The end date cannot be before the start date.", "endDate")
    frequency = rule.frequency
    if frequency is Frequency.ONCE and (rule.count is not None or rule.until is not None):
        refuse("A one-off schedule has no end.", "endDate")
    if frequency in (Frequency.ONCE, Frequency.SEMI_MONTHLY) and rule.interval != 1:
        refuse(f"A {frequency.replace('_', '-')} schedule has no interval.", "interval")
    if frequency is not Frequency.MONTHLY and rule.day_of_month is not None:
        refuse("A day of the month goes with a monthly schedule.", "dayOfMonth")
    day = rule.day_of_month
    if frequency is Frequency.MONTHLY and day is not None and not (1 <= day <= 31 or day == -1):
        refuse("The day of the month is 1 to 31, or -1 for the last day.", "dayOfMonth")
    if frequency is Frequency.SEMI_MONTHLY:
        days = rule.days_of_month
        order = [32 if d == LAST_DAY else d for d in days]
        valid = len(days) == 2 and all(1 <= d <= 28 or d == LAST_DAY for d in days)
        if not valid or order[0] >= order[1] or (days[1] == LAST_DAY and days[0] > 27):
            refuse(
                "A semi-monthly schedule takes two days of the month in order: 1 to 28, or -1 "
                "for the last day as the second (later days do not exist in every month, and "
                "the 28th is February's last).",
                "daysOfMonth",
            )
    elif rule.days_of_month:
        refuse("Two days of the month go with a semi-monthly schedule.", "daysOfMonth")
    if rule.until is not None and rule.after(None) is None:
        refuse("The schedule ends before its first occurrence.", "endDate")
