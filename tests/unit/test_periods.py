"""Cutting a date range into whole months and ragged edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.periods import DayRange, cut_into_months, month_start, next_month

FAR_PAST = date(2020, 1, 1)
FAR_FUTURE = date(2030, 12, 31)


def days_of(cut_first: date | None, cut_last: date | None, whole_months: bool) -> set[date]:
    first = cut_first or FAR_PAST
    last = next_month(cut_last) - timedelta(days=1) if whole_months and cut_last else cut_last
    last = last or FAR_FUTURE
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def covered(first: date | None, last: date | None) -> list[set[date]]:
    cut = cut_into_months(first, last)
    parts = [days_of(edge.first, edge.last, whole_months=False) for edge in cut.edges]
    if cut.months is not None:
        assert cut.months.first is None or cut.months.first.day == 1
        assert cut.months.last is None or cut.months.last.day == 1
        parts.append(days_of(cut.months.first, cut.months.last, whole_months=True))
    return parts


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 1, 15), date(2024, 3, 31)),
        (date(2024, 1, 1), date(2024, 3, 14)),
        (date(2024, 1, 2), date(2024, 1, 30)),
        (date(2024, 1, 31), date(2024, 2, 1)),
        (date(2023, 12, 15), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2024, 2, 29)),
        (None, date(2024, 5, 17)),
        (date(2024, 5, 17), None),
        (None, None),
    ],
)
def test_the_parts_cover_the_range_exactly_once(first: date | None, last: date | None) -> None:
    parts = covered(first, last)
    union: set[date] = set().union(*parts)
    assert sum(len(p) for p in parts) == len(union)  # disjoint
    assert union == days_of(first, last, whole_months=False)


def test_every_short_range_over_two_years_is_cut_exactly() -> None:
    start = date(2023, 11, 1)
    for offset in range(0, 800, 3):
        first = start + timedelta(days=offset)
        for length in (0, 1, 13, 27, 28, 30, 31, 45, 61, 400):
            last = first + timedelta(days=length)
            parts = covered(first, last)
            union: set[date] = set().union(*parts)
            assert sum(len(p) for p in parts) == len(union), (first, last)
            assert union == days_of(first, last, whole_months=False), (first, last)


def test_a_whole_year_is_twelve_months_and_no_edge() -> None:
    cut = cut_into_months(date(2025, 1, 1), date(2025, 12, 31))
    assert cut.months == DayRange(date(2025, 1, 1), date(2025, 12, 1))
    assert cut.edges == ()


def test_a_range_inside_one_month_is_one_edge() -> None:
    cut = cut_into_months(date(2025, 3, 4), date(2025, 3, 20))
    assert cut.months is None
    assert cut.edges == (DayRange(date(2025, 3, 4), date(2025, 3, 20)),)


def test_all_time_is_every_month() -> None:
    assert cut_into_months(None, None).months == DayRange(None, None)
    assert cut_into_months(None, None).edges == ()


def test_month_arithmetic_crosses_the_year() -> None:
    assert next_month(date(2024, 12, 31)) == date(2025, 1, 1)
    assert month_start(date(2024, 2, 29)) == date(2024, 2, 1)
