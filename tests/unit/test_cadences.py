"""The periods of every cadence tile the calendar: no gap, no overlap, and every day in
exactly one period; plus the refusals of impossible cadences."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.domain.cadences import LAST_DAY, Cadence, CadenceKind, Period

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
month_days = st.one_of(st.integers(1, 28), st.just(LAST_DAY))


@st.composite
def cadences(draw: st.DrawFn) -> Cadence:
    kind = draw(st.sampled_from(list(CadenceKind)))
    if kind in (CadenceKind.WEEKLY, CadenceKind.FORTNIGHTLY):
        return Cadence.make(kind, anchor=draw(days))
    if kind in (CadenceKind.QUARTERLY, CadenceKind.YEARLY):
        return Cadence.make(kind, anchor=draw(days).replace(day=draw(st.integers(1, 28))))
    if kind is CadenceKind.MONTHLY:
        return Cadence.make(kind, days=(draw(month_days),))
    first = draw(st.integers(1, 27))
    second = draw(st.one_of(st.integers(first + 1, 28), st.just(LAST_DAY)))
    return Cadence.make(kind, days=(first, second))


@settings(max_examples=300)
@given(cadences(), days, st.integers(1, 400))
def test_periods_tile_the_calendar(cadence: Cadence, first: date, span: int) -> None:
    until = first + timedelta(days=span)
    periods = list(cadence.periods(first, until))
    assert periods[0].start <= first < periods[0].end
    assert periods[-1].start < until <= periods[-1].end
    for before, after in itertools.pairwise(periods):
        assert before.end == after.start  # no gap, no overlap
    for period in periods:
        assert period.start < period.end
        assert cadence.is_start(period.start)
        assert cadence.period_of(period.last) == period
        assert cadence.previous(cadence.next(period)) == period
    day = first
    while day < until:  # every day in exactly one period
        assert sum(day in p for p in periods) == 1
        assert cadence.period_of(day).start <= day
        day += timedelta(days=1)


@settings(max_examples=200)
@given(cadences(), cadences(), days)
def test_starts_within_counts_each_start_once(own: Cadence, other: Cadence, day: date) -> None:
    """Splitting a range into the periods of another cadence counts every start once."""
    outer = Period(day, day + timedelta(days=366))
    inner = list(other.periods(outer.start, outer.end))
    pieces = [Period(max(p.start, outer.start), min(p.end, outer.end)) for p in inner]
    assert sum(own.starts_within(p) for p in pieces) == own.starts_within(outer)
    assert own.starts_within(outer) == sum(
        1 for p in own.periods(outer.start, outer.end) if p.start >= outer.start
    )


@settings(max_examples=300)
@given(cadences(), days, st.integers(0, 800), st.integers(0, 60))
def test_counting_and_jumping_agree_with_walking(
    cadence: Cadence, day: date, span: int, steps: int
) -> None:
    """The arithmetic shortcuts give what stepping period by period gives."""
    outer = Period(day, day + timedelta(days=span))
    walked = sum(1 for p in cadence.periods(outer.start, outer.end) if p.start >= outer.start)
    assert cadence.starts_within(outer) == walked
    period = cadence.period_of(day)
    stepped = period
    for _ in range(steps):
        stepped = cadence.next(stepped)
    assert cadence.after(period, steps) == stepped


def test_the_usual_cadences() -> None:
    monthly = Cadence.make(CadenceKind.MONTHLY)
    assert monthly.period_of(date(2024, 2, 29)) == Period(date(2024, 2, 1), date(2024, 3, 1))
    last = Cadence.make(CadenceKind.MONTHLY, days=(LAST_DAY,))
    assert last.period_of(date(2024, 3, 15)) == Period(date(2024, 2, 29), date(2024, 3, 31))
    semi = Cadence.make(CadenceKind.SEMI_MONTHLY)
    assert semi.period_of(date(2023, 12, 31)) == Period(date(2023, 12, 15), date(2024, 1, 1))
    pay = Cadence.make(CadenceKind.SEMI_MONTHLY, days=(15, LAST_DAY))
    assert pay.period_of(date(2023, 2, 28)) == Period(date(2023, 2, 28), date(2023, 3, 15))
    fortnight = Cadence.make(CadenceKind.FORTNIGHTLY, anchor=date(2024, 1, 5))
    assert fortnight.period_of(date(2023, 12, 31)) == Period(date(2023, 12, 22), date(2024, 1, 5))
    quarter = Cadence.make(CadenceKind.QUARTERLY, anchor=date(2024, 2, 10))
    assert quarter.period_of(date(2024, 1, 9)) == Period(date(2023, 11, 10), date(2024, 2, 10))
    yearly = Cadence.make(CadenceKind.YEARLY, anchor=date(2020, 4, 6))
    assert yearly.period_of(date(2025, 4, 5)) == Period(date(2024, 4, 6), date(2025, 4, 6))
    weekly = Cadence.make(CadenceKind.WEEKLY)
    assert weekly.starts_within(Period(date(2024, 1, 1), date(2024, 2, 1))) == 5  # Mondays


@pytest.mark.parametrize(
    ("kind", "anchor", "days", "field"),
    [
        (CadenceKind.SEMI_MONTHLY, None, (15, 31), "days"),
        (CadenceKind.SEMI_MONTHLY, None, (15, 10), "days"),
        (CadenceKind.SEMI_MONTHLY, None, (LAST_DAY, 10), "days"),
        (CadenceKind.SEMI_MONTHLY, None, (28, LAST_DAY), "days"),
        (CadenceKind.SEMI_MONTHLY, None, (15,), "days"),
        (CadenceKind.MONTHLY, None, (0,), "days"),
        (CadenceKind.MONTHLY, None, (29,), "days"),
        (CadenceKind.MONTHLY, None, (1, 15), "days"),
        (CadenceKind.MONTHLY, date(2024, 1, 1), None, "anchor"),
        (CadenceKind.WEEKLY, None, (1,), "days"),
        (CadenceKind.YEARLY, date(2024, 1, 30), None, "anchor"),
    ],
)
def test_impossible_cadences_are_refused(
    kind: CadenceKind, anchor: date | None, days: tuple[int, ...] | None, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Cadence.make(kind, anchor=anchor, days=days)
    assert refused.value.field == ["cadence", field]
