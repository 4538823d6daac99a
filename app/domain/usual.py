"""What is usual for an envelope's spending, and how far a month strays from it.

The usual spending of a month is the median of the `USUAL_MONTHS` (6) full months before it,
a month without spending counting as 0 (so an envelope used once in half a year is usually
0). Amounts are integer minor units; the median of an even count is the mean of the middle
two, rounded half to even, so it stays in minor units. A month with no history before it has
no usual (None): nothing to compare with, so it is never a "largest change".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

USUAL_MONTHS = 6
K = TypeVar("K", bound=Hashable)


def previous_months(month: date, count: int = USUAL_MONTHS) -> list[date]:
    """The first days of the `count` full months before `month`'s, oldest first."""
    found: list[date] = []
    year, number = month.year, month.month
    for _ in range(count):
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
        found.append(date(year, number, 1))
    return found[::-1]


def _half_even(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient


def median(amounts: Sequence[int]) -> int | None:
    """The median in minor units (the mean of the middle two rounded half to even); None
    for no amounts."""
    if not amounts:
        return None
    ordered = sorted(amounts)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return _half_even(ordered[middle - 1] + ordered[middle], 2)


def usual(by_month: dict[date, int], month: date, since: date | None = None) -> int | None:
    """The usual amount for `month`: the median of the 6 full months before it (a missing
    month counts 0). Months before `since` (e.g. before the envelope existed) are left out;
    None when none is left."""
    months = [m for m in previous_months(month) if since is None or m >= since.replace(day=1)]
    return median([by_month.get(m, 0) for m in months])


@dataclass(frozen=True)
class Change(Generic[K]):
    """How far `key`'s amount this month is from its usual one (`difference` = this - usual)."""

    key: K
    this_month: int
    usual: int
    difference: int


def largest_changes(candidates: Iterable[tuple[K, int, int | None]], first: int) -> list[Change[K]]:
    """The `first` candidates (key, this month, usual) whose amount differs most from the
    usual, by absolute difference (ties: the larger amount this month first, then the input
    order); candidates without a usual and those exactly as usual are left out."""
    changes = [
        Change(key, amount, typical, amount - typical)
        for key, amount, typical in candidates
        if typical is not None and amount != typical
    ]
    ranked = sorted(changes, key=lambda c: (-abs(c.difference), -abs(c.this_month)))
    return ranked[:first]
