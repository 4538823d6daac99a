"""The recurrence maths (`app.domain.recurrence`): examples of every frequency across month
ends and leap years, the refusals, and property tests that every occurrence of a range is
produced exactly once, whatever way the range is cut."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.domain.recurrence import LAST_DAY, Frequency, Occurrence, Recurrence, WeekendRule

D = date


def scheduled(rule: Recurrence, first: date, last: date) -> list[date]:
    return [o.scheduled for o in rule.between(first, last)]


# --- examples --------------------------------------------------------------------------------


def test_once_is_the_start_date_only() -> None:
    rule = Recurrence(Frequency.ONCE, D(2024, 3, 9))
    assert scheduled(rule, D(2024, 1, 1), D(2025, 1, 1)) == [D(2024, 3, 9)]
    assert rule.after(D(2024, 3, 9)) is None


def test_every_n_days_and_weeks() -> None:
    days = Recurrence(Frequency.DAILY, D(2024, 2, 27), interval=2)
    assert scheduled(days, D(2024, 2, 1), D(2024, 3, 5)) == [
        D(2024, 2, 27), D(2024, 2, 29), D(2024, 3, 2), D(2024, 3, 4),
    ]  # fmt: skip
    weeks = Recurrence(Frequency.WEEKLY, D(2024, 12, 24), interval=2)
    assert scheduled(weeks, D(2024, 12, 1), D(2025, 1, 31)) == [
        D(2024, 12, 24), D(2025, 1, 7), D(2025, 1, 21),
    ]  # fmt: skip


def test_monthly_day_31_falls_on_the_last_day_of_shorter_months() -> None:
    rule = Recurrence(Frequency.MONTHLY, D(2023, 12, 31))
    assert scheduled(rule, D(2023, 12, 1), D(2024, 4, 30)) == [
        D(2023, 12, 31), D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30),
    ]  # fmt: skip
    thirtieth = Recurrence(Frequency.MONTHLY, D(2025, 1, 1), day_of_month=30)
    assert scheduled(thirtieth, D(2025, 1, 1), D(2025, 3, 31)) == [
        D(2025, 1, 30), D(2025, 2, 28), D(2025, 3, 30),
    ]  # fmt: skip


def test_monthly_on_the_last_day_and_every_n_months() -> None:
    last = Recurrence(Frequency.MONTHLY, D(2024, 1, 1), day_of_month=LAST_DAY)
    assert scheduled(last, D(2024, 1, 1), D(2024, 3, 31)) == [
        D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31),
    ]  # fmt: skip
    quarterly = Recurrence(Frequency.MONTHLY, D(2024, 1, 15), interval=3)
    assert scheduled(quarterly, D(2024, 1, 1), D(2024, 12, 31)) == [
        D(2024, 1, 15), D(2024, 4, 15), D(2024, 7, 15), D(2024, 10, 15),
    ]  # fmt: skip


def test_semi_monthly_pairs() -> None:
    rule = Recurrence(Frequency.SEMI_MONTHLY, D(2024, 1, 20), days_of_month=(15, LAST_DAY))
    assert scheduled(rule, D(2024, 1, 1), D(2024, 2, 29)) == [
        D(2024, 1, 31), D(2024, 2, 15), D(2024, 2, 29),
    ]  # fmt: skip


def test_yearly_on_29_february_falls_on_28_february_in_other_years() -> None:
    rule = Recurrence(Frequency.YEARLY, D(2024, 2, 29))
    assert scheduled(rule, D(2024, 1, 1), D(2028, 12, 31)) == [
        D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28), D(2027, 2, 28), D(2028, 2, 29),
    ]  # fmt: skip


def test_ends_after_a_count_or_on_a_date() -> None:
    counted = Recurrence(Frequency.MONTHLY, D(2024, 1, 10), count=3)
    assert scheduled(counted, D(2020, 1, 1), D(2030, 1, 1)) == [
        D(2024, 1, 10), D(2024, 2, 10), D(2024, 3, 10),
    ]  # fmt: skip
    assert counted.after(D(2024, 3, 10)) is None
    dated = Recurrence(Frequency.WEEKLY, D(2024, 1, 1), until=D(2024, 1, 15))
    assert scheduled(dated, D(2020, 1, 1), D(2030, 1, 1)) == [
        D(2024, 1, 1), D(2024, 1, 8), D(2024, 1, 15),
    ]  # fmt: skip


def test_weekend_rule_moves_saturday_and_sunday() -> None:
    saturday = D(2024, 6, 1)
    before = Recurrence(Frequency.MONTHLY, saturday, weekend=WeekendRule.BEFORE)
    after = Recurrence(Frequency.MONTHLY, saturday, weekend=WeekendRule.AFTER)
    as_is = Recurrence(Frequency.MONTHLY, saturday)
    assert before.after(None) == Occurrence(saturday, D(2024, 5, 31))
    assert after.after(None) == Occurrence(saturday, D(2024, 6, 3))
    assert as_is.after(None) == Occurrence(saturday, saturday)
    # A range holds the occurrences *due* in it: the Friday before is in May.
    assert before.between(D(2024, 5, 31), D(2024, 5, 31)) == [Occurrence(saturday, D(2024, 5, 31))]
    assert before.between(D(2024, 6, 1), D(2024, 6, 30)) == []


def test_daily_weekend_days_both_fall_due_on_monday_as_two_occurrences() -> None:
    rule = Recurrence(Frequency.DAILY, D(2024, 6, 7), weekend=WeekendRule.AFTER)
    assert rule.between(D(2024, 6, 7), D(2024, 6, 10)) == [
        Occurrence(D(2024, 6, 7), D(2024, 6, 7)),
        Occurrence(D(2024, 6, 8), D(2024, 6, 10)),
        Occurrence(D(2024, 6, 9), D(2024, 6, 10)),
        Occurrence(D(2024, 6, 10), D(2024, 6, 10)),
    ]


def test_far_off_dates_match_a_walk_from_the_start() -> None:
    for rule in [
        Recurrence(Frequency.DAILY, D(1950, 3, 1), interval=3),
        Recurrence(Frequency.WEEKLY, D(1950, 3, 1), interval=2, weekend=WeekendRule.AFTER),
        Recurrence(Frequency.MONTHLY, D(1950, 1, 31), interval=5),
        Recurrence(Frequency.SEMI_MONTHLY, D(1950, 1, 20), days_of_month=(10, LAST_DAY)),
        Recurrence(Frequency.YEARLY, D(1952, 2, 29), interval=3),
    ]:
        walked = [o for o in rule.between(rule.start, D(2030, 12, 31)) if o.due >= D(2020, 1, 1)]
        assert rule.between(D(2020, 1, 1), D(2030, 12, 31)) == walked
        later = rule.first_due_from(D(2025, 6, 1))
        assert later == next(o for o in walked if o.due >= D(2025, 6, 1))


def test_upcoming_and_first_due_from() -> None:
    rule = Recurrence(Frequency.WEEKLY, D(2024, 1, 1))
    assert [o.scheduled for o in rule.upcoming(None, D(2024, 1, 20), 10)] == [
        D(2024, 1, 1), D(2024, 1, 8), D(2024, 1, 15),
    ]  # fmt: skip
    assert [o.scheduled for o in rule.upcoming(D(2024, 1, 1), D(2024, 12, 31), 2)] == [
        D(2024, 1, 8), D(2024, 1, 15),
    ]  # fmt: skip
    assert rule.first_due_from(D(2024, 1, 9)) == Occurrence(D(2024, 1, 15), D(2024, 1, 15))
    assert rule.is_scheduled(D(2024, 1, 8))
    assert not rule.is_scheduled(D(2024, 1, 9))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interval": 0}, "interval"),
        ({"interval": -2}, "interval"),
        ({"frequency": Frequency.SEMI_MONTHLY, "days_of_month": (15, 31)}, "daysOfMonth"),
        ({"frequency": Frequency.SEMI_MONTHLY, "days_of_month": (15, 15)}, "daysOfMonth"),
        ({"frequency": Frequency.SEMI_MONTHLY, "days_of_month": (20, 5)}, "daysOfMonth"),
        ({"frequency": Frequency.SEMI_MONTHLY, "days_of_month": (28, LAST_DAY)}, "daysOfMonth"),
        ({"frequency": Frequency.SEMI_MONTHLY, "days_of_month": (LAST_DAY, 5)}, "daysOfMonth"),
        ({"frequency": Frequency.SEMI_MONTHLY, "days_of_month": (1,)}, "daysOfMonth"),
        ({"frequency": Frequency.SEMI_MONTHLY}, "daysOfMonth"),
        ({"frequency": Frequency.SEMI_MONTHLY, "days_of_month": (1, 15), "interval": 2},
         "interval"),
        ({"day_of_month": 32}, "dayOfMonth"),
        ({"day_of_month": 0}, "dayOfMonth"),
        ({"frequency": Frequency.DAILY, "day_of_month": 3}, "dayOfMonth"),
        ({"days_of_month": (1, 15)}, "daysOfMonth"),
        ({"until": D(2023, 12, 31)}, "endDate"),
        ({"count": 0}, "endAfter"),
        ({"count": 2, "until": D(2025, 1, 1)}, "endDate"),
        ({"start": D(1899, 12, 31)}, "startDate"),
        ({"frequency": Frequency.ONCE, "interval": 2}, "interval"),
        ({"frequency": Frequency.ONCE, "count": 1}, "endDate"),
        ({"day_of_month": 31, "until": D(2024, 1, 30)}, "endDate"),
    ],
)  # fmt: skip
def test_impossible_rules_are_refused(changes: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"frequency": Frequency.MONTHLY, "start": D(2024, 1, 1)}
    with pytest.raises(ValidationError) as refused:
        Recurrence(**(values | changes))  # type: ignore[arg-type]
    assert refused.value.field == ["recurrence", field]


# --- properties ------------------------------------------------------------------------------

starts = st.dates(min_value=D(1995, 1, 1), max_value=D(2035, 12, 31))
days_of_month = st.one_of(st.integers(1, 31), st.just(LAST_DAY))
semi_pairs = st.tuples(st.integers(1, 27), st.one_of(st.integers(2, 28), st.just(LAST_DAY))).filter(
    lambda p: p[1] == LAST_DAY or p[0] < p[1]
)


@st.composite
def rules(draw: st.DrawFn) -> Recurrence:
    frequency = draw(st.sampled_from(Frequency))
    start = draw(starts)
    values: dict[str, object] = {"weekend": draw(st.sampled_from(WeekendRule))}
    if frequency in (Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.YEARLY):
        values["interval"] = draw(st.integers(1, 5 if frequency is not Frequency.DAILY else 40))
    if frequency is Frequency.MONTHLY:
        values["day_of_month"] = draw(st.one_of(st.none(), days_of_month))
    if frequency is Frequency.SEMI_MONTHLY:
        values["days_of_month"] = draw(semi_pairs)
    end = draw(st.sampled_from(["never", "count", "until"]))
    if frequency is Frequency.ONCE:
        end = "never"
    if end == "count":
        values["count"] = draw(st.integers(1, 40))
    elif end == "until":
        values["until"] = start + timedelta(days=draw(st.integers(0, 900)))
    try:
        return Recurrence(frequency, start, **values)  # type: ignore[arg-type]
    except ValidationError:  # e.g. an end date before the first day-31 occurrence
        values.pop("until")
        return Recurrence(frequency, start, **values)  # type: ignore[arg-type]


def _range(draw: st.DrawFn, rule: Recurrence) -> tuple[date, date]:
    first = rule.start + timedelta(days=draw(st.integers(-40, 400)))
    return first, first + timedelta(days=draw(st.integers(0, 800)))


@settings(max_examples=150, deadline=None)
@given(rule=rules(), data=st.data())
def test_cutting_a_range_anywhere_gives_the_same_occurrences(
    rule: Recurrence, data: st.DataObject
) -> None:
    first, last = _range(data.draw, rule)
    whole = rule.between(first, last)
    cuts = sorted(data.draw(st.lists(st.integers(0, (last - first).days), max_size=6, unique=True)))
    pieces: list[Occurrence] = []
    start = first
    for cut in cuts:
        end = first + timedelta(days=cut)
        if end < start:
            continue
        pieces += rule.between(start, end)
        start = end + timedelta(days=1)
    pieces += rule.between(start, last)
    assert pieces == whole


@settings(max_examples=150, deadline=None)
@given(rule=rules(), data=st.data())
def test_occurrences_are_sorted_unique_in_range_and_never_on_a_weekend(
    rule: Recurrence, data: st.DataObject
) -> None:
    first, last = _range(data.draw, rule)
    found = rule.between(first, last)
    names = [o.scheduled for o in found]
    assert names == sorted(set(names))  # strictly increasing: no duplicates
    dues = [o.due for o in found]
    assert dues == sorted(dues)  # the weekend rule keeps the order
    assert all(first <= o.due <= last for o in found)
    assert all(o.scheduled >= rule.start for o in found)
    if rule.until is not None:
        assert all(o.scheduled <= rule.until for o in found)
    for occurrence in found:
        assert occurrence.due == rule.due_date(occurrence.scheduled)
        assert abs((occurrence.due - occurrence.scheduled).days) <= 2
        if rule.weekend is not WeekendRule.AS_IS:
            assert occurrence.due.weekday() < 5
        else:
            assert occurrence.due == occurrence.scheduled


@settings(max_examples=100, deadline=None)
@given(rule=rules(), data=st.data())
def test_walking_one_by_one_gives_every_occurrence(rule: Recurrence, data: st.DataObject) -> None:
    first, last = _range(data.draw, rule)
    walked: list[Occurrence] = []
    current = rule.first_due_from(first)
    while current is not None and current.due <= last:
        walked.append(current)
        assert rule.is_scheduled(current.scheduled)
        current = rule.after(current.scheduled)
    assert walked == rule.between(first, last)
    if rule.count is not None:
        assert len(rule.between(rule.start - timedelta(days=3), D(2999, 1, 1))) == rule.count


@settings(max_examples=100, deadline=None)
@given(rule=rules(), data=st.data())
def test_months_and_leap_days_are_right(rule: Recurrence, data: st.DataObject) -> None:
    first, last = _range(data.draw, rule)
    names = [o.scheduled for o in rule.between(first, last)]
    if rule.frequency is Frequency.MONTHLY:
        months = [d.year * 12 + d.month for d in names]
        start_month = rule.start.year * 12 + rule.start.month
        assert all((m - start_month) % rule.interval == 0 for m in months)
        assert all(b - a == rule.interval for a, b in itertools.pairwise(months))
        wanted = rule.day_of_month or rule.start.day
        for day in names:
            month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)
            expected = month_end.day if wanted == LAST_DAY else min(wanted, month_end.day)
            assert day.day == expected
    if rule.frequency is Frequency.YEARLY:
        assert all(d.month == rule.start.month for d in names)
        assert all((d.year - rule.start.year) % rule.interval == 0 for d in names)
        assert all(d.day == rule.start.day or (d.month, d.day) == (2, 28) for d in names)
    if rule.frequency in (Frequency.DAILY, Frequency.WEEKLY):
        step = rule.interval * (7 if rule.frequency is Frequency.WEEKLY else 1)
        assert all((d - rule.start).days % step == 0 for d in names)
