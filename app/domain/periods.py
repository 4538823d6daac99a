"""Booking periods: a date range cut into the whole months inside it and the days left over.

Totals over whole months come from per-month figures; only the days at the ragged edges of a
range are summed from the entries themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

_DAY = timedelta(days=1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s month."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class DayRange:
    """Inclusive; None means open-ended on that side."""

    first: date | None
    last: date | None


@dataclass(frozen=True)
class RangeCut:
    """`months`: the first days of the first and last whole month inside the range (None:
    open-ended), or None when no whole month fits. `edges`: the day ranges outside them."""

    months: DayRange | None
    edges: tuple[DayRange, ...]


def cut_into_months(first: date | None, last: date | None) -> RangeCut:
    """Split the inclusive range [first, last] into whole months and ragged edges: 15 January
    to 31 March is the months February and March plus the edge 15 to 31 January."""
    whole_from = None if first is None else first if first.day == 1 else next_month(first)
    # The first day of the last whole month: the month of `last` if `last` ends it.
    whole_to = None
    if last is not None:
        after = last + timedelta(days=1)
        whole_to = month_start(last) if after.day == 1 else month_start(month_start(last) - _DAY)
    if whole_from is not None and whole_to is not None and whole_from > whole_to:
        return RangeCut(months=None, edges=(DayRange(first, last),))
    edges = []
    if first is not None and whole_from is not None and first < whole_from:
        edges.append(DayRange(first, whole_from - _DAY))
    if last is not None and whole_to is not None and next_month(whole_to) <= last:
        edges.append(DayRange(next_month(whole_to), last))
    return RangeCut(months=DayRange(whole_from, whole_to), edges=tuple(edges))
