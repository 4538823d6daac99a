"""Alerts as pure rules: the kinds of events, what a user's settings ask for, and when a
change raises an alert.

Every rule fires on a *transition*, so the same state never raises twice: an envelope going
from zero or more to below zero; spending in a period crossing the set share of the period's
plan; a goal going from on track (or reached) to behind; the account's balance crossing
below a threshold. A large transaction is one entry above the threshold; undos, openings,
moves and recategorisations are never "large".

A user without settings has the defaults: every kind on, plan share `DEFAULT_PLAN_SHARE` %
(the whole plan: "exceeded" means spent more than planned), no thresholds. What the members
of an account want together (`Watch`) is kept on the account, so that a change can tell
from the account alone whether anything may be raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import ValidationError
from app.domain.budgets import Figures, GoalStatus
from app.domain.entries import EntryKind

DEFAULT_PLAN_SHARE = 100  # percent
MIN_PLAN_SHARE, MAX_PLAN_SHARE = 1, 1000


class EventKind(StrEnum):
    TRANSACTION_RECORDED = "transaction.recorded"
    ENVELOPE_OVERSPENT = "envelope.overspent"
    PLAN_EXCEEDED = "plan.exceeded"
    GOAL_BEHIND = "goal.behind"
    BALANCE_LOW = "balance.low"
    TRANSACTION_LARGE = "transaction.large"
    SCHEDULE_FAILED = "schedule.failed"
    IMPORT_FINISHED = "import.finished"
    IMPORT_FAILED = "import.failed"
    WEBHOOK_DISABLED = "webhook.disabled"


class AlertKind(StrEnum):
    """The kinds of event that make alerts, which a user turns on and off (every one but
    transaction.recorded, which is for webhooks)."""

    ENVELOPE_OVERSPENT = EventKind.ENVELOPE_OVERSPENT.value
    PLAN_EXCEEDED = EventKind.PLAN_EXCEEDED.value
    GOAL_BEHIND = EventKind.GOAL_BEHIND.value
    BALANCE_LOW = EventKind.BALANCE_LOW.value
    TRANSACTION_LARGE = EventKind.TRANSACTION_LARGE.value
    SCHEDULE_FAILED = EventKind.SCHEDULE_FAILED.value
    IMPORT_FINISHED = EventKind.IMPORT_FINISHED.value
    IMPORT_FAILED = EventKind.IMPORT_FAILED.value
    WEBHOOK_DISABLED = EventKind.WEBHOOK_DISABLED.value


ALERT_KINDS: tuple[EventKind, ...] = tuple(EventKind(k.value) for k in AlertKind)
# Kinds that only a threshold turns on (absent threshold: off, whatever the switch says).
THRESHOLD_KINDS = frozenset({EventKind.BALANCE_LOW, EventKind.TRANSACTION_LARGE})
NEVER_LARGE = frozenset(
    {EntryKind.REVERSAL, EntryKind.OPENING, EntryKind.MOVE, EntryKind.RECATEGORISE,
     EntryKind.SWEEP}
)  # fmt: skip


@dataclass(frozen=True)
class Preferences:
    """One member's settings as they apply to one account (thresholds in its minor units)."""

    kinds_off: frozenset[str] = frozenset()
    plan_share: int = DEFAULT_PLAN_SHARE
    balance_below: int | None = None
    transaction_above: int | None = None

    def wants(self, kind: str) -> bool:
        if kind in self.kinds_off or kind == EventKind.TRANSACTION_RECORDED:
            return False
        if kind == EventKind.BALANCE_LOW:
            return self.balance_below is not None
        if kind == EventKind.TRANSACTION_LARGE:
            return self.transaction_above is not None
        return kind in EventKind._value2member_map_


@dataclass(frozen=True)
class Watch:
    """What the members of an account want of its changes together: the kinds at least one
    wants, the highest balance threshold, the lowest large-transaction threshold, and the
    lowest plan share of those who want plan.exceeded."""

    kinds: frozenset[str]
    balance_below: int | None
    transaction_above: int | None
    plan_share: int | None


def watch_of(members: Iterable[Preferences]) -> Watch:
    members = list(members)
    kinds = frozenset(k.value for k in ALERT_KINDS if any(p.wants(k) for p in members))
    floors = [
        p.balance_below
        for p in members
        if p.balance_below is not None and p.wants(EventKind.BALANCE_LOW)
    ]
    ceilings = [
        p.transaction_above
        for p in members
        if p.transaction_above is not None and p.wants(EventKind.TRANSACTION_LARGE)
    ]
    shares = [p.plan_share for p in members if p.wants(EventKind.PLAN_EXCEEDED)]
    return Watch(
        kinds,
        max(floors) if floors else None,
        min(ceilings) if ceilings else None,
        min(shares) if shares else None,
    )


DEFAULT_WATCH = watch_of([Preferences()])


def check_plan_share(share: int, field: list[str]) -> int:
    if not MIN_PLAN_SHARE <= share <= MAX_PLAN_SHARE:
        raise ValidationError(
            f"The plan share is a percentage from {MIN_PLAN_SHARE} to {MAX_PLAN_SHARE}.",
            field=field,
        )
    return share


def check_kind(kind: str, field: list[str]) -> EventKind:
    try:
        found = EventKind(kind)
    except ValueError:
        found = None
    if found is None or found not in ALERT_KINDS:
        known = ", ".join(k.value for k in ALERT_KINDS)
        raise ValidationError(f"Unknown alert kind '{kind}': one of {known}.", field=field)
    return found


# --- the transitions -------------------------------------------------------------------


def went_overspent(before: int, after: int) -> bool:
    """An envelope's balance went from zero or more to below zero."""
    return before >= 0 > after


def went_below(before: int, after: int, threshold: int) -> bool:
    """A balance crossed below `threshold` (it was at or above it)."""
    return before >= threshold > after


def exceeded_share(spent_before: int, spent_after: int, planned: int, share: int) -> bool:
    """Spending in a period went past `share` % of the period's plan (`planned` > 0)."""
    if planned <= 0:
        return False
    limit = planned * share
    return spent_before * 100 <= limit < spent_after * 100


def may_exceed(spent_before: int, spent_after: int, planned: int, lowest_share: int) -> bool:
    """Whether spending that grew may have crossed the share of some member, whose shares
    are `lowest_share` or more: it is past the lowest one now (each member's own share
    is checked with `exceeded_share`)."""
    return planned > 0 and spent_after > spent_before and spent_after * 100 > planned * lowest_share


def fell_behind(before: GoalStatus, after: GoalStatus) -> bool:
    """A goal went from reached or on track to behind."""
    return before is not GoalStatus.BEHIND and after is GoalStatus.BEHIND


def is_large(kind: EntryKind, size: int, threshold: int) -> bool:
    """An entry above `threshold` (its size, as entered); never an undo, an opening or a
    movement between envelopes."""
    return kind not in NEVER_LARGE and size > threshold


@dataclass(frozen=True)
class PeriodChange:
    """What one change did to an envelope's figures of a period (see `app.domain.budgets`):
    its lines booked before the period (they move the start), and in it, by flow."""

    start: int = 0
    funded: int = 0
    spent: int = 0
    swept: int = 0

    def plus(self, line_amount: int, flow: EntryKind, before_period: bool) -> PeriodChange:
        if before_period:
            return PeriodChange(self.start + line_amount, self.funded, self.spent, self.swept)
        if flow is EntryKind.EXPENSE:
            return PeriodChange(self.start, self.funded, self.spent - line_amount, self.swept)
        if flow is EntryKind.SWEEP:
            return PeriodChange(self.start, self.funded, self.spent, self.swept - line_amount)
        return PeriodChange(self.start, self.funded + line_amount, self.spent, self.swept)


def figures_before(after: Figures, change: PeriodChange) -> Figures:
    """An envelope's figures of a period before a change, from those after it."""
    return Figures(
        start=after.start - change.start,
        funded=after.funded - change.funded,
        spent=after.spent - change.spent,
        swept=after.swept - change.swept,
    )
