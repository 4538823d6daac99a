"""Money idle in Available, and the goals it would reach sooner.

Available's history is derived from its balance now and the entries that changed it: at the
end of a day it held its balance now less every change of Available booked after that day
(future-dated entries included). Over the last `IDLE_WEEKS` weeks its lowest end-of-day
balance is money nobody needed all that time; when that is at least `MIN_IDLE_UNITS` units
of the currency, it is idle. The amount at stake is that lowest balance, and the idle run
started on the earliest day (at most `LOOKBACK_DAYS` back) from which Available never held
less.

A saving goal (a target to reach) that is not reached yet and that the idle money would help:
at the recent pace (its average funding over the last months) it is reached in
ceil(short / pace) months, never without a pace; with the idle money moved in, the shortfall
is smaller by it. The opportunity is the months saved (or "reached now" against "never"),
the amount at stake the part of the idle money the goal would take.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.money import MINOR_DIGITS, format_amount
from app.domain.opportunities import Opportunity, OpportunityKind, amount_bucket

IDLE_WEEKS = 4
LOOKBACK_DAYS = 91
MIN_IDLE_UNITS = 50


@dataclass(frozen=True)
class AvailableChange:
    """One entry's signed change of Available."""

    id: Hashable
    day: date
    amount: int


def end_of_day_balances(
    balance_now: int, changes: Sequence[AvailableChange], first: date, last: date
) -> dict[date, int]:
    """Available at the end of each day from `first` to `last` (see the module docstring);
    `changes` must hold every change booked after `first`."""
    after: dict[date, int] = {}
    for change in changes:
        after[change.day] = after.get(change.day, 0) + change.amount
    later = sum(amount for day, amount in after.items() if day > last)
    balances = {}
    day = last
    while day >= first:
        balances[day] = balance_now - later
        later += after.get(day, 0)
        day -= timedelta(days=1)
    return balances


def idle_money(
    balance_now: int, changes: Sequence[AvailableChange], today: date, currency: str
) -> Opportunity | None:
    """Available's idle money, if there is enough of it (see the module docstring)."""
    first = today - timedelta(days=LOOKBACK_DAYS)
    balances = end_of_day_balances(balance_now, changes, first, today)
    window_start = today - timedelta(weeks=IDLE_WEEKS) + timedelta(days=1)
    lowest = min(b for day, b in balances.items() if day >= window_start)
    minimum: int = MIN_IDLE_UNITS * 10 ** MINOR_DIGITS[currency]
    if lowest < minimum:
        return None
    since = window_start
    while since - timedelta(days=1) >= first and balances[since - timedelta(days=1)] >= lowest:
        since -= timedelta(days=1)
    weeks = (today - since).days // 7
    shown = f"{format_amount(lowest, currency)} {currency}"
    based_on = sorted(
        (c for c in changes if since <= c.day <= today), key=lambda c: c.day, reverse=True
    )
    return Opportunity(
        kind=OpportunityKind.IDLE_MONEY,
        key=f"{OpportunityKind.IDLE_MONEY}:{amount_bucket(lowest)}",
        title="Money idle in Ready to assign",
        explanation=(
            f"Ready to assign (Available) has held at least {shown} since {since.isoformat()} "
            f"({weeks} weeks) without it being needed: it could fill an envelope or a goal, "
            "or earn interest."
        ),
        amount_at_stake=lowest,
        based_on=tuple(c.id for c in based_on),
        since=since,
    )


@dataclass(frozen=True)
class GoalPace:
    envelope_id: Hashable
    name: str
    target: int
    balance: int
    pace: int  # the recent funding per month (minor units)
    target_date: date | None = None


def months_to_reach(short: int, pace: int) -> int | None:
    """Months at `pace` until `short` is covered; None when never."""
    if short <= 0:
        return 0
    if pace <= 0:
        return None
    return -(-short // pace)


def goals_sooner(idle: Opportunity, goals: Sequence[GoalPace], currency: str) -> list[Opportunity]:
    """The goals the idle money would reach sooner, the most months saved first (a goal never
    reached at its pace counts as the most)."""
    found = []
    for goal in goals:
        short = goal.target - goal.balance
        if short <= 0:
            continue
        now = months_to_reach(short, goal.pace)
        moved = min(idle.amount_at_stake, short)
        then = months_to_reach(short - moved, goal.pace)
        if then is None or (now is not None and now - then < 1):
            continue
        found.append(_opportunity(idle, goal, moved, now, then, currency))
    found.sort(key=lambda o: (-(o.months_sooner or 10**6), o.title))
    return found


def _opportunity(
    idle: Opportunity, goal: GoalPace, moved: int, now: int | None, then: int, currency: str
) -> Opportunity:
    def shown(amount: int) -> str:
        return f"{format_amount(amount, currency)} {currency}"

    if now is None:
        pace = "At its recent pace (nothing put in lately) it is never reached"
    else:
        pace = f"At its recent pace of {shown(goal.pace)} a month it is reached in {now} months"
    result = "at once" if then == 0 else f"in {then} months"
    return Opportunity(
        kind=OpportunityKind.GOAL_SOONER,
        key=f"{OpportunityKind.GOAL_SOONER}:{goal.envelope_id}:{amount_bucket(moved)}",
        title=f"{goal.name}: reach the goal sooner",
        explanation=(
            f"{goal.name} holds {shown(goal.balance)} of its {shown(goal.target)} target. "
            f"{pace}; with {shown(moved)} of the idle money moved in, {result}."
        ),
        amount_at_stake=moved,
        based_on=idle.based_on,
        envelope_id=goal.envelope_id,
        since=idle.since,
        months_sooner=None if now is None else now - then,
    )
