"""Budgeting as pure rules: plans with their history, goals, what an envelope still needs in
a period, and how filling envelopes shares out Available.

An account budgets by periods of its cadence (`app.domain.cadences`; monthly from the 1st
unless the family chooses another). An envelope's **plan** is an amount per period of the
plan's own cadence: in an account period it asks for the amount once for every plan period
that *starts* in it (a weekly 50 in a month with five Mondays asks 250; a yearly 1,200 asks
for it in the month the year starts). A change of plan applies from the account's current
period on; earlier periods keep the plan they had.

Figures of an envelope in a period (all exact, from the entries booked in it):
- *funded*: money put in (income allocations, moves in, transfers in) net of money taken out
  the same ways: everything that is not spending;
- *spent*: expenses net of refunds and undos;
- balance at the start and at the end: end = start + funded - spent.

A **goal** says what the envelope should hold: save up to a target (by a date, or whenever),
keep at least a target, or receive a fixed contribution every period. Filling envelopes gives
each envelope what its plan and its goal still need this period — the larger of the two, so a
plan that pays for a goal is not counted twice — in goal priority order, then the board's
order, while Available lasts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.core.errors import ValidationError
from app.domain.cadences import Cadence, Period

MAX_PLAN_VERSIONS = 120
DEFAULT_PRIORITY = 100
MIN_PRIORITY, MAX_PRIORITY = 1, 1000
PACE_PERIODS = 3  # the recent pace of a goal: the average of the last three periods
MAX_SWEEP_LOOKAHEAD = 10_000  # periods stepped over looking for the next sweep (daily: 27 y)


class Rollover(StrEnum):
    KEEP = "keep"  # leftover stays in the envelope (the envelope method's default)
    SWEEP = "sweep"  # at period end the leftover goes back to Available, once


class GoalKind(StrEnum):
    SAVE = "save"  # reach the target (by the date, when there is one)
    KEEP_AT_LEAST = "keep_at_least"  # never hold less than the target
    PER_PERIOD = "per_period"  # put the target in every period


class GoalStatus(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"


@dataclass(frozen=True)
class Plan:
    amount: int
    cadence: Cadence
    rollover: Rollover = Rollover.KEEP

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValidationError("A plan's amount must be more than zero.", field=["amount"])

    def planned(self, period: Period) -> int:
        """What the plan asks for in `period` (a period of the account's cadence)."""
        return self.amount * self.cadence.starts_within(period)


@dataclass(frozen=True)
class PlanVersion:
    """The plan in effect from `since` (an account period's start); None: no plan."""

    since: date
    plan: Plan | None


def version_for(history: Sequence[PlanVersion], period: Period) -> PlanVersion | None:
    """The plan's version in effect in an account period: the latest one that started
    before the period ends. (Versions start on period starts; after a change of the
    account's cadence a version may start inside a period, and then governs it.)"""
    found = None
    for version in history:
        if version.since >= period.end:
            break
        found = version
    return found


def plan_for(history: Sequence[PlanVersion], period: Period) -> Plan | None:
    """The plan in effect in an account period."""
    version = version_for(history, period)
    return None if version is None else version.plan


def sweeps_in(histories: Sequence[Sequence[PlanVersion]], period: Period) -> bool:
    """Does some envelope's plan in `period` sweep its leftover back at the period's end?"""
    return any(
        (plan := plan_for(history, period)) is not None and plan.rollover is Rollover.SWEEP
        for history in histories
    )


def next_sweep(
    histories: Sequence[Sequence[PlanVersion]], cadence: Cadence, first: Period, today: date
) -> Period | None:
    """The first period from `first` on, up to the one holding `today`, whose plans sweep;
    None when none does (missed periods without a sweep plan are stepped over)."""
    period = first
    for _ in range(MAX_SWEEP_LOOKAHEAD):
        if sweeps_in(histories, period):
            return period
        if period.end > today:
            return None
        period = cadence.next(period)
    return None


def changed_history(
    history: Sequence[PlanVersion], since: date, plan: Plan | None
) -> list[PlanVersion]:
    """The history with `plan` in effect from `since` on (the current period's start): a
    version from the same period is replaced, later ones (none, normally) dropped."""
    kept = [v for v in history if v.since < since]
    if not kept and plan is None:
        return []
    kept.append(PlanVersion(since, plan))
    return kept[-MAX_PLAN_VERSIONS:]


@dataclass(frozen=True)
class Goal:
    kind: GoalKind
    target: int
    target_date: date | None = None
    priority: int = DEFAULT_PRIORITY

    @classmethod
    def make(
        cls,
        kind: GoalKind,
        target: int,
        target_date: date | None,
        priority: int | None,
        today: date,
    ) -> Goal:
        if target <= 0:
            raise ValidationError("A goal's target must be more than zero.", field=["target"])
        if target_date is not None:
            if kind is not GoalKind.SAVE:
                raise ValidationError("Only a saving goal has a target date.", field=["targetDate"])
            if target_date < today:
                raise ValidationError("The target date is in the past.", field=["targetDate"])
        priority = DEFAULT_PRIORITY if priority is None else priority
        if not MIN_PRIORITY <= priority <= MAX_PRIORITY:
            raise ValidationError(
                f"A priority is {MIN_PRIORITY} (first) to {MAX_PRIORITY}.", field=["priority"]
            )
        return cls(kind, target, target_date, priority)


@dataclass(frozen=True)
class Figures:
    """An envelope's money in one period (see the module docstring)."""

    start: int
    funded: int
    spent: int
    swept: int = 0  # leftover swept back to Available at the period's end

    @property
    def end(self) -> int:
        return self.start + self.funded - self.spent - self.swept


@dataclass(frozen=True)
class GoalProgress:
    status: GoalStatus
    progress: int  # percent, 0-100
    needed_this_period: int  # what the goal asks for in this period in all
    still_needed: int  # what is left of that after this period's funding
    projected: date | None  # when the target is reached at the recent pace; None: never


def goal_progress(
    goal: Goal,
    figures: Figures,
    period: Period,
    periods_left: int,
    pace_projection: date | None,
) -> GoalProgress:
    """`periods_left`: account periods from this one to the one holding the target date
    (at least 1); `pace_projection`: when the target is reached at the recent pace (see
    `projected_date`)."""
    balance = figures.end
    if goal.kind is GoalKind.PER_PERIOD:
        still = max(0, goal.target - figures.funded)
        status = GoalStatus.REACHED if still == 0 else GoalStatus.BEHIND
        return GoalProgress(status, _percent(figures.funded, goal.target), goal.target, still, None)
    if goal.kind is GoalKind.KEEP_AT_LEAST:
        still = max(0, goal.target - balance)
        needed = max(still, goal.target - figures.start)
        status = GoalStatus.REACHED if still == 0 else GoalStatus.BEHIND
        return GoalProgress(status, _percent(balance, goal.target), needed, still, None)
    remaining_at_start = max(0, goal.target - figures.start)
    if goal.target_date is None:
        needed = remaining_at_start
    else:
        needed = -(-remaining_at_start // max(1, periods_left))  # ceiling division
    # What this period asks, plus what was spent from the savings in it, less what came in;
    # never more than the target is short of.
    still = max(0, min(needed + figures.spent - figures.funded, goal.target - balance))
    if balance >= goal.target:
        status = GoalStatus.REACHED
    elif still == 0 or (
        goal.target_date is not None
        and pace_projection is not None
        and pace_projection <= goal.target_date
    ):
        status = GoalStatus.ON_TRACK
    else:
        status = GoalStatus.BEHIND
    projected = period.start if balance >= goal.target else pace_projection
    return GoalProgress(status, _percent(balance, goal.target), needed, still, projected)


def pace_of(recent_funding: Sequence[int]) -> int:
    """The recent pace: the average funding of the last periods (minor units, rounded
    down)."""
    return sum(recent_funding) // len(recent_funding) if recent_funding else 0


def periods_to_reach(goal: Goal, balance: int, pace: int) -> int | None:
    """How many more periods at `pace` until the target is held; None when never."""
    if balance >= goal.target:
        return 0
    if pace <= 0:
        return None
    return -(-(goal.target - balance) // pace)


def _percent(part: int, whole: int) -> int:
    return max(0, min(100, part * 100 // whole))


@dataclass(frozen=True)
class Need:
    """What one envelope still needs this period, with its place in the funding order."""

    envelope_id: object
    amount: int
    priority: int
    position: int


@dataclass(frozen=True)
class Share:
    envelope_id: object
    needed: int
    assigned: int

    @property
    def shortfall(self) -> int:
        return self.needed - self.assigned


def share_out(needs: Sequence[Need], available: int) -> list[Share]:
    """Fill the needs in priority order (then board order) while `available` lasts: the
    first ones fully, the next one partly, the rest not at all."""
    left = max(0, available)
    shares = []
    for need in sorted(needs, key=lambda n: (n.priority, n.position)):
        assigned = min(need.amount, left)
        left -= assigned
        shares.append(Share(need.envelope_id, need.amount, assigned))
    return shares
