"""The pure budgeting rules: plan history, what a plan asks in a period, goals, and how
filling shares out Available."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.domain.budgets import (
    Figures,
    Goal,
    GoalKind,
    GoalStatus,
    Need,
    Plan,
    PlanVersion,
    changed_history,
    goal_progress,
    pace_of,
    periods_to_reach,
    plan_for,
    share_out,
)
from app.domain.cadences import Cadence, CadenceKind, Period

MONTHLY = Cadence.make(CadenceKind.MONTHLY)
MARCH = Period(date(2026, 3, 1), date(2026, 4, 1))


def test_a_plan_asks_once_per_own_period_starting_in_the_budget_period() -> None:
    weekly = Plan(1000, Cadence.make(CadenceKind.WEEKLY))  # Mondays
    assert weekly.planned(MARCH) == 5000  # 2, 9, 16, 23 and 30 March
    yearly = Plan(60000, Cadence.make(CadenceKind.YEARLY, anchor=date(2020, 3, 1)))
    assert yearly.planned(MARCH) == 60000
    assert yearly.planned(Period(date(2026, 4, 1), date(2026, 5, 1))) == 0
    with pytest.raises(ValidationError):
        Plan(0, MONTHLY)


def test_plan_history_applies_changes_from_their_period_on() -> None:
    food = Plan(60000, MONTHLY)
    more = Plan(70000, MONTHLY)
    history = changed_history([], date(2026, 3, 1), food)
    history = changed_history(history, date(2026, 3, 1), Plan(65000, MONTHLY))  # same period
    history = changed_history(history, date(2026, 5, 1), more)
    history = changed_history(history, date(2026, 7, 1), None)
    assert [v.since for v in history] == [date(2026, 3, 1), date(2026, 5, 1), date(2026, 7, 1)]

    def month(start: date) -> Period:
        return MONTHLY.period_of(start)

    assert plan_for(history, month(date(2026, 2, 1))) is None
    assert plan_for(history, month(date(2026, 4, 1))) == Plan(65000, MONTHLY)
    assert plan_for(history, month(date(2026, 6, 1))) == more
    assert plan_for(history, month(date(2027, 1, 1))) is None
    # After a change to weekly budgets, the week holding a version's first day has it.
    week = Cadence.make(CadenceKind.WEEKLY).period_of(date(2026, 4, 30))  # 27 Apr - 3 May
    assert plan_for(history, week) == more
    assert changed_history([], date(2026, 3, 1), None) == []
    # A plan removed in the period it was set in leaves no trace: it never applied.
    assert changed_history([PlanVersion(date(2026, 3, 1), food)], date(2026, 3, 1), None) == []


@given(
    st.lists(st.integers(0, 10_000), max_size=8),
    st.integers(-500, 50_000),
    st.lists(st.integers(1, 5), min_size=8, max_size=8),
)
def test_sharing_out_never_gives_more_than_there_is_or_than_needed(
    amounts: list[int], available: int, priorities: list[int]
) -> None:
    needs = [Need(i, a, priorities[i], i) for i, a in enumerate(amounts)]
    shares = share_out(needs, available)
    assert sum(s.assigned for s in shares) == min(max(0, available), sum(amounts))
    assert all(0 <= s.assigned <= s.needed for s in shares)
    # In order: once one envelope is short, every later one gets nothing.
    short = [i for i, s in enumerate(shares) if s.shortfall > 0]
    if short:
        assert all(s.assigned == 0 for s in shares[short[0] + 1 :])
    order = [(n.priority, n.position) for n in needs]
    assert [(priorities[s.envelope_id], s.envelope_id) for s in shares] == sorted(order)  # type: ignore[index]


def test_saving_goal_needs_the_rest_spread_over_the_periods_left() -> None:
    goal = Goal.make(GoalKind.SAVE, 120000, date(2026, 8, 31), None, date(2026, 3, 18))
    figures = Figures(start=30000, funded=0, spent=0)
    progress = goal_progress(goal, figures, MARCH, 6, None)
    assert (progress.needed_this_period, progress.still_needed) == (15000, 15000)
    assert (progress.status, progress.progress) == (GoalStatus.BEHIND, 25)
    funded = goal_progress(goal, Figures(30000, 15000, 0), MARCH, 6, None)
    assert (funded.status, funded.still_needed) == (GoalStatus.ON_TRACK, 0)
    reached = goal_progress(goal, Figures(120000, 0, 0), MARCH, 6, None)
    assert (reached.status, reached.progress, reached.projected) == (
        GoalStatus.REACHED, 100, MARCH.start)  # fmt: skip
    assert pace_of([10000, 10000, 7000]) == 9000
    assert pace_of([]) == 0
    assert periods_to_reach(goal, 30000, 10000) == 9
    assert periods_to_reach(goal, 30000, 0) is None


def test_other_goal_kinds() -> None:
    keep = Goal.make(GoalKind.KEEP_AT_LEAST, 50000, None, 5, date(2026, 3, 1))
    low = goal_progress(keep, Figures(20000, 10000, 0), MARCH, 1, None)
    assert (low.status, low.still_needed, low.progress) == (GoalStatus.BEHIND, 20000, 60)
    monthly = Goal.make(GoalKind.PER_PERIOD, 5000, None, None, date(2026, 3, 1))
    part = goal_progress(monthly, Figures(0, 2000, 0), MARCH, 1, None)
    assert (part.status, part.still_needed, part.progress) == (GoalStatus.BEHIND, 3000, 40)


@pytest.mark.parametrize(
    ("kind", "target", "day", "priority", "field"),
    [
        (GoalKind.SAVE, 0, None, None, "target"),
        (GoalKind.SAVE, 10, date(2026, 3, 17), None, "targetDate"),
        (GoalKind.PER_PERIOD, 10, date(2027, 1, 1), None, "targetDate"),
        (GoalKind.SAVE, 10, None, 0, "priority"),
        (GoalKind.SAVE, 10, None, 1001, "priority"),
    ],
)
def test_impossible_goals_are_refused(
    kind: GoalKind, target: int, day: date | None, priority: int | None, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Goal.make(kind, target, day, priority, date(2026, 3, 18))
    assert refused.value.field == [field]


def test_spending_from_savings_is_asked_back() -> None:
    goal = Goal.make(GoalKind.SAVE, 100000, None, None, date(2026, 3, 1))
    # Reached at the start, then 500 spent: 300 short of the target, behind.
    progress = goal_progress(goal, Figures(start=120000, funded=0, spent=50000), MARCH, 1, None)
    assert (progress.status, progress.still_needed) == (GoalStatus.BEHIND, 30000)
    keep = Goal.make(GoalKind.KEEP_AT_LEAST, 50000, None, None, date(2026, 3, 1))
    dipped = goal_progress(keep, Figures(start=50000, funded=0, spent=20000), MARCH, 1, None)
    assert dipped.still_needed == 20000
    assert dipped.needed_this_period >= dipped.still_needed
