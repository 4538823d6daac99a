"""The usual spending of an envelope (median of the 6 full months before) and the largest
changes from it."""

from __future__ import annotations

from datetime import date

from app.domain.usual import largest_changes, median, previous_months, usual


def test_the_previous_months_are_the_six_full_months_before_across_a_year_end() -> None:
    assert previous_months(date(2025, 3, 15)) == [
        date(2024, 9, 1),
        date(2024, 10, 1),
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]


def test_the_median_of_an_odd_count_is_the_middle_amount() -> None:
    assert median([500, 100, 300]) == 300


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two_rounded_half_to_even() -> None:
    assert median([100, 201]) == 150  # 150.5 → 150 (even)
    assert median([100, 203]) == 152  # 151.5 → 152 (even)
    assert median([-100, -201]) == -150  # -150.5 → -150
    assert median([1, 2, 3, 4]) == 2  # 2.5 → 2


def test_no_amounts_have_no_median() -> None:
    assert median([]) is None


def test_a_month_without_spending_counts_as_zero() -> None:
    spent = {date(2025, 1, 1): 9000, date(2025, 2, 1): 9000}
    assert usual(spent, date(2025, 3, 1)) == 0  # four of six months are 0


def test_the_usual_is_the_median_of_the_six_months_before_not_the_month_itself() -> None:
    spent = {date(2024, m, 1): 100 * m for m in range(1, 13)}
    # July 2024: January..June = 100..600 → (300 + 400) / 2
    assert usual(spent, date(2024, 7, 1)) == 350


def test_months_before_the_start_are_left_out_and_none_left_means_no_usual() -> None:
    spent = {date(2025, 2, 1): 4000}
    assert usual(spent, date(2025, 3, 1), since=date(2025, 2, 10)) == 4000
    assert usual(spent, date(2025, 3, 1), since=date(2025, 3, 5)) is None


def test_the_largest_changes_come_first_by_absolute_difference() -> None:
    found = largest_changes(
        [("food", 50_000, 30_000), ("fun", 1_000, 40_000), ("rent", 90_000, 90_000)], first=5
    )
    assert [(c.key, c.difference) for c in found] == [("fun", -39_000), ("food", 20_000)]


def test_candidates_without_a_usual_are_not_changes_and_first_caps_the_list() -> None:
    found = largest_changes([("a", 10, None), ("b", 30, 0), ("c", 20, 0), ("d", 10, 0)], first=2)
    assert [c.key for c in found] == ["b", "c"]
