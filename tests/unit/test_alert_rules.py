"""The alert rules: transitions only (the same state never raises twice), what a member's
settings ask for, and what the members of an account want together."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.domain.alerts import (
    ALERT_KINDS,
    DEFAULT_WATCH,
    AlertKind,
    EventKind,
    PeriodChange,
    Preferences,
    check_kind,
    check_plan_share,
    exceeded_share,
    fell_behind,
    figures_before,
    is_large,
    may_exceed,
    watch_of,
    went_below,
    went_overspent,
)
from app.domain.budgets import Figures, GoalStatus
from app.domain.entries import EntryKind


@pytest.mark.parametrize(
    ("before", "after", "raised"),
    [(10, -1, True), (0, -1, True), (10, 0, False), (-1, -5, False), (-5, 3, False), (5, 4, False)],
)
def test_overspent_is_the_crossing_below_zero(before: int, after: int, raised: bool) -> None:
    assert went_overspent(before, after) is raised


@pytest.mark.parametrize(
    ("before", "after", "raised"),
    [(600, 400, True), (500, 499, True), (500, 500, False), (499, 100, False), (400, 600, False)],
)
def test_below_a_threshold_is_crossing_it(before: int, after: int, raised: bool) -> None:
    assert went_below(before, after, 500) is raised


@pytest.mark.parametrize(
    ("before", "after", "share", "raised"),
    [
        (9_000, 10_001, 100, True),  # past the whole plan
        (9_000, 10_000, 100, False),  # exactly the plan is not past it
        (10_000, 10_001, 100, True),
        (10_001, 12_000, 100, False),  # past it already
        (4_000, 5_001, 50, True),
        (4_000, 6_000, 150, False),
        (14_000, 15_001, 150, True),
    ],
)
def test_exceeding_a_share_of_the_plan(before: int, after: int, share: int, raised: bool) -> None:
    assert exceeded_share(before, after, 10_000, share) is raised


def test_no_plan_amount_never_exceeds() -> None:
    assert exceeded_share(0, 100, 0, 100) is False
    assert may_exceed(0, 100, 0, 100) is False


def test_a_change_may_exceed_any_share_at_or_above_the_lowest() -> None:
    # Past the lowest share (50 %) already, spending more may cross a member's 100 %.
    assert may_exceed(6_000, 12_000, 10_000, 50) is True
    assert exceeded_share(6_000, 12_000, 10_000, 50) is False
    assert exceeded_share(6_000, 12_000, 10_000, 100) is True
    assert may_exceed(3_000, 4_000, 10_000, 50) is False  # below every share
    assert may_exceed(12_000, 11_000, 10_000, 50) is False  # a refund crosses nothing


@pytest.mark.parametrize(
    ("before", "after", "raised"),
    [
        (GoalStatus.ON_TRACK, GoalStatus.BEHIND, True),
        (GoalStatus.REACHED, GoalStatus.BEHIND, True),
        (GoalStatus.BEHIND, GoalStatus.BEHIND, False),
        (GoalStatus.BEHIND, GoalStatus.ON_TRACK, False),
        (GoalStatus.REACHED, GoalStatus.ON_TRACK, False),
    ],
)
def test_a_goal_falls_behind_once(before: GoalStatus, after: GoalStatus, raised: bool) -> None:
    assert fell_behind(before, after) is raised


@pytest.mark.parametrize("kind", list(EntryKind))
def test_large_is_above_the_threshold_and_never_an_undo_or_a_move(kind: EntryKind) -> None:
    ordinary = kind in {EntryKind.INCOME, EntryKind.EXPENSE, EntryKind.TRANSFER,
                        EntryKind.ADJUSTMENT}  # fmt: skip
    assert is_large(kind, 10_001, 10_000) is ordinary
    assert is_large(kind, 10_000, 10_000) is False


def test_the_figures_before_a_change() -> None:
    change = (
        PeriodChange()
        .plus(-500, EntryKind.EXPENSE, before_period=False)
        .plus(200, EntryKind.EXPENSE, before_period=False)  # a refund
        .plus(1_000, EntryKind.MOVE, before_period=False)
        .plus(-300, EntryKind.SWEEP, before_period=False)
        .plus(-50, EntryKind.EXPENSE, before_period=True)  # back-dated: moves the start
    )
    assert change == PeriodChange(start=-50, funded=1_000, spent=300, swept=300)
    after = Figures(start=950, funded=3_000, spent=1_300, swept=300)
    assert figures_before(after, change) == Figures(start=1_000, funded=2_000, spent=1_000)


def test_defaults_want_every_kind_but_those_needing_a_threshold() -> None:
    default = Preferences()
    assert [k for k in ALERT_KINDS if default.wants(k)] == [
        k for k in ALERT_KINDS if k not in (EventKind.BALANCE_LOW, EventKind.TRANSACTION_LARGE)
    ]
    assert not default.wants(EventKind.TRANSACTION_RECORDED)  # for webhooks only
    assert DEFAULT_WATCH.plan_share == 100
    assert (DEFAULT_WATCH.balance_below, DEFAULT_WATCH.transaction_above) == (None, None)


def test_a_watch_sums_up_the_members() -> None:
    ana = Preferences(balance_below=50_000, transaction_above=20_000, plan_share=80)
    ben = Preferences(kinds_off=frozenset({"plan.exceeded"}), balance_below=80_000,
                      transaction_above=30_000, plan_share=10)  # fmt: skip
    cleo = Preferences(kinds_off=frozenset({"balance.low"}), balance_below=90_000)
    watch = watch_of([ana, ben, cleo])
    assert watch.balance_below == 80_000  # the highest of those who want it
    assert watch.transaction_above == 20_000  # the lowest
    assert watch.plan_share == 80  # ben does not want plan alerts
    assert watch_of([]).kinds == frozenset()
    off = Preferences(kinds_off=frozenset(k.value for k in ALERT_KINDS))
    assert watch_of([off]).kinds == frozenset()


def test_settings_are_checked() -> None:
    assert check_plan_share(1, ["planShare"]) == 1
    assert check_kind("import.failed", ["k"]) is EventKind.IMPORT_FAILED
    for share in (0, 1001):
        with pytest.raises(ValidationError):
            check_plan_share(share, ["planShare"])
    for kind in ("transaction.recorded", "nope"):
        with pytest.raises(ValidationError):
            check_kind(kind, ["k"])
    assert [k.value for k in AlertKind] == [k.value for k in ALERT_KINDS]
