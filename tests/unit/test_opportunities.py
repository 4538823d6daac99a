"""Savings opportunities as pure rules: recurring charges (and their near misses), envelopes
above their usual, idle money in Available, goals reached sooner."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from app.domain.opportunities import Charge, Interval, OpportunityKind, amount_bucket
from app.domain.opportunities.idle import (
    AvailableChange,
    GoalPace,
    end_of_day_balances,
    goals_sooner,
    idle_money,
    months_to_reach,
)
from app.domain.opportunities.recurring import recurring_charges
from app.domain.opportunities.spending import EnvelopeSpending, above_usual

TODAY = date(2026, 6, 15)


def monthly(payee: str, amounts: list[int], last: date = date(2026, 6, 3)) -> list[Charge]:
    """One charge a month ending on `last`, the amounts oldest first."""
    count = len(amounts)
    return [
        Charge(f"{payee}-{i}", last - relativedelta(months=count - 1 - i), amount, payee)
        for i, amount in enumerate(amounts)
    ]


def every(payee: str, days: int, count: int, amount: int, last: date) -> list[Charge]:
    return [
        Charge(f"{payee}-{i}", last - timedelta(days=days * (count - 1 - i)), amount, payee)
        for i in range(count)
    ]


class TestRecurringCharges:
    def test_a_monthly_subscription_is_found_with_its_yearly_cost(self) -> None:
        [found] = recurring_charges(monthly("NETFLIX.COM", [1299] * 5), "EUR", TODAY)
        assert found.kind is OpportunityKind.RECURRING_CHARGE
        assert found.interval is Interval.MONTHLY
        assert found.amount_at_stake == 1299 * 12
        assert found.latest_amount == 1299
        assert found.based_on == ("NETFLIX.COM-4", "NETFLIX.COM-3", "NETFLIX.COM-2",
                                  "NETFLIX.COM-1", "NETFLIX.COM-0")  # fmt: skip
        assert found.next_expected == date(2026, 7, 3)
        assert "155.88 EUR a year" in found.explanation

    def test_weekly_quarterly_and_yearly_rhythms_are_told_apart(self) -> None:
        charges = [
            *every("Gym", 7, 6, 900, TODAY - timedelta(days=2)),
            *every("Water board", 91, 4, 8000, TODAY - timedelta(days=20)),
            *every("Home insurance", 365, 3, 42000, TODAY - timedelta(days=100)),
        ]
        found = {o.payee: o for o in recurring_charges(charges, "EUR", TODAY)}
        assert found["Gym"].interval is Interval.WEEKLY
        assert found["Gym"].amount_at_stake == 900 * 52
        assert found["Water board"].interval is Interval.QUARTERLY
        assert found["Water board"].amount_at_stake == 8000 * 4
        assert found["Home insurance"].interval is Interval.YEARLY
        assert found["Home insurance"].amount_at_stake == 42000
        # The costliest first.
        assert [o.payee for o in recurring_charges(charges, "EUR", TODAY)] == [
            "Gym", "Home insurance", "Water board"
        ]  # fmt: skip

    def test_bank_noise_in_payees_still_makes_one_series(self) -> None:
        charges = [
            Charge(1, date(2026, 3, 4), 999, "SPOTIFY P1234567 STOCKHOLM SE"),
            Charge(2, date(2026, 4, 4), 999, "Spotify"),
            Charge(3, date(2026, 5, 5), 999, "SPOTIFY 05/05"),
            Charge(4, date(2026, 6, 4), 999, "spotify"),
        ]
        [found] = recurring_charges(charges, "EUR", TODAY)
        assert found.based_on == (4, 3, 2, 1)

    def test_a_price_rise_is_noted_and_the_latest_amount_counts(self) -> None:
        [found] = recurring_charges(monthly("Streamly", [999, 999, 999, 1299]), "EUR", TODAY)
        assert found.previous_amount == 999
        assert found.latest_amount == 1299
        assert found.amount_at_stake == 1299 * 12
        assert "The price rose from 9.99 EUR" in found.explanation

    def test_small_variations_within_ten_percent_are_the_same_charge(self) -> None:
        [found] = recurring_charges(monthly("Power", [6000, 6400, 5900, 6300]), "EUR", TODAY)
        assert found.previous_amount is None
        assert found.amount_at_stake == 6300 * 12

    def test_two_charges_are_not_yet_a_series(self) -> None:
        assert recurring_charges(monthly("Newcomer", [500, 500]), "EUR", TODAY) == []

    def test_irregular_days_are_not_a_series(self) -> None:
        days = [date(2026, 2, 1), date(2026, 2, 20), date(2026, 4, 2), date(2026, 4, 11),
                date(2026, 6, 1)]  # fmt: skip
        charges = [Charge(i, d, 2500, "Corner shop") for i, d in enumerate(days)]
        assert recurring_charges(charges, "EUR", TODAY) == []

    def test_a_payee_with_amounts_all_over_the_place_is_not_a_series(self) -> None:
        amounts = [1250, 8730, 3100, 15400, 4420, 990]
        assert recurring_charges(monthly("Supermarket", amounts), "EUR", TODAY) == []

    def test_a_supermarket_visited_every_other_day_is_no_subscription(self) -> None:
        # Some amount turns up at about any interval among so many; none is a habit.
        amounts = [1500 + (i * 7919) % 9000 for i in range(200)]
        charges = [
            Charge(i, TODAY - timedelta(days=2 * i), amount, "Supermarket")
            for i, amount in enumerate(amounts)
        ]
        assert recurring_charges(charges, "EUR", TODAY) == []

    def test_two_price_changes_end_the_series(self) -> None:
        found = recurring_charges(monthly("Jumpy", [1000, 1400, 1900]), "EUR", TODAY)
        assert found == []

    def test_a_cancelled_subscription_is_no_longer_an_opportunity(self) -> None:
        # The last charge was in February: March's is overdue by far more than a month.
        charges = monthly("Old magazine", [700] * 6, last=date(2026, 2, 10))
        assert recurring_charges(charges, "EUR", TODAY) == []
        # One month late is still running.
        charges = monthly("Late magazine", [700] * 6, last=date(2026, 4, 20))
        assert len(recurring_charges(charges, "EUR", TODAY)) == 1

    def test_charges_without_a_payee_are_never_a_series(self) -> None:
        charges = [Charge(i, date(2026, m, 1), 1000, None) for i, m in enumerate(range(1, 7))]
        assert recurring_charges(charges, "EUR", TODAY) == []

    def test_a_subscription_among_one_off_purchases_of_the_same_payee(self) -> None:
        charges = [
            *monthly("Amazon", [899] * 4),
            Charge("one-off-1", date(2026, 4, 17), 4599, "AMAZON"),
            Charge("one-off-2", date(2026, 6, 10), 2350, "Amazon"),
        ]
        [found] = recurring_charges(charges, "EUR", TODAY)
        assert found.latest_amount == 899
        assert "one-off-2" not in found.based_on


def spending(months: dict[date, int], name: str = "Groceries") -> EnvelopeSpending:
    charges = [Charge(f"{m}", m + timedelta(days=4), amount) for m, amount in months.items()]
    return EnvelopeSpending("env", name, months, charges)


def last_months(*amounts: int, through: date = date(2026, 5, 1)) -> dict[date, int]:
    """Month spending oldest first, the last one in `through`'s month."""
    count = len(amounts)
    return {through - relativedelta(months=count - 1 - i): a for i, a in enumerate(amounts)}


class TestAboveUsual:
    def test_the_last_full_month_above_its_usual(self) -> None:
        months = last_months(40000, 42000, 39000, 41000, 40000, 43000, 55000)
        [found] = above_usual([spending(months)], TODAY, "EUR")
        assert found.kind is OpportunityKind.ABOVE_USUAL
        assert found.usual == 40500
        assert found.spent == 55000
        assert found.amount_at_stake == 14500
        assert found.month == date(2026, 5, 1)
        assert found.based_on == ("2026-05-01",)
        assert "in May 2026" in found.explanation

    def test_the_current_month_counts_once_it_is_above_already(self) -> None:
        months = last_months(*[4000] * 7, 9000, through=date(2026, 6, 1))
        [found] = above_usual([spending(months)], TODAY, "EUR")
        assert found.month == date(2026, 6, 1)
        assert found.amount_at_stake == 5000
        assert "so far this month" in found.explanation

    def test_ten_percent_above_is_still_usual(self) -> None:
        months = last_months(40000, 40000, 40000, 40000, 40000, 40000, 44000)
        assert above_usual([spending(months)], TODAY, "EUR") == []

    def test_a_few_units_more_is_not_worth_a_word(self) -> None:
        months = last_months(1399, 1399, 1399, 1399, 1599, 1599, 1599)  # a price rise: +2.00
        assert above_usual([spending(months)], TODAY, "EUR") == []

    def test_an_envelope_without_a_habit_has_no_usual(self) -> None:
        months = last_months(0, 0, 0, 0, 100, 200, 90000)
        assert above_usual([spending(months)], TODAY, "EUR") == []


class TestIdleMoney:
    def test_available_history_is_its_balance_less_later_changes(self) -> None:
        changes = [
            AvailableChange("income", date(2026, 6, 10), 1000),
            AvailableChange("future", date(2026, 6, 20), -300),
        ]
        balances = end_of_day_balances(5000, changes, date(2026, 6, 9), date(2026, 6, 15))
        assert balances[date(2026, 6, 9)] == 5000 + 300 - 1000
        assert balances[date(2026, 6, 10)] == 5300
        assert balances[date(2026, 6, 15)] == 5300

    def test_the_lowest_balance_of_four_weeks_is_idle(self) -> None:
        changes = [
            AvailableChange("pay", TODAY - timedelta(days=60), 250000),
            AvailableChange("fill", TODAY - timedelta(days=10), -100000),
            AvailableChange("refund", TODAY - timedelta(days=3), 5000),
        ]
        found = idle_money(155000, changes, TODAY, "EUR")
        assert found is not None
        assert found.kind is OpportunityKind.IDLE_MONEY
        assert found.amount_at_stake == 150000
        # From the pay on, Available never held less than the amount at stake.
        assert found.since == TODAY - timedelta(days=60)
        assert found.based_on == ("refund", "fill", "pay")
        assert "since 2026-04-16 (8 weeks)" in found.explanation

    def test_an_available_emptied_within_the_weeks_is_not_idle(self) -> None:
        changes = [
            AvailableChange("pay", TODAY - timedelta(days=40), 250000),
            AvailableChange("spent", TODAY - timedelta(days=12), -250000),
            AvailableChange("pay again", TODAY - timedelta(days=11), 250000),
        ]
        assert idle_money(250000, changes, TODAY, "EUR") is None

    def test_small_change_is_not_worth_an_opportunity(self) -> None:
        assert idle_money(4999, [], TODAY, "EUR") is None
        assert idle_money(5000, [], TODAY, "EUR") is not None


class TestGoalsSooner:
    def test_months_to_reach(self) -> None:
        assert months_to_reach(0, 0) == 0
        assert months_to_reach(1000, 0) is None
        assert months_to_reach(1000, 300) == 4

    def test_the_idle_money_brings_a_goal_closer(self) -> None:
        pay = AvailableChange("pay", TODAY - timedelta(days=50), 60000)
        idle = idle_money(60000, [pay], TODAY, "EUR")
        assert idle is not None
        goal = GoalPace("holiday", "Holiday", target=200000, balance=20000, pace=20000)
        [found] = goals_sooner(idle, [goal], "EUR")
        assert found.kind is OpportunityKind.GOAL_SOONER
        # 1,800 short at 200 a month: 9 months; with the 600 moved in: 6 months.
        assert found.months_sooner == 3
        assert found.amount_at_stake == 60000
        assert found.based_on == ("pay",)

    def test_a_goal_without_a_pace_is_reached_at_once_or_not_at_all(self) -> None:
        idle = idle_money(60000, [], TODAY, "EUR")
        assert idle is not None
        small = GoalPace("bike", "Bike", target=50000, balance=10000, pace=0)
        large = GoalPace("car", "Car", target=900000, balance=0, pace=0)
        [found] = goals_sooner(idle, [small, large], "EUR")
        assert found.envelope_id == "bike"
        assert found.amount_at_stake == 40000  # only what the goal is short of
        assert found.months_sooner is None  # from never to at once
        assert "at once" in found.explanation

    def test_reached_goals_and_too_small_a_difference_are_left_out(self) -> None:
        idle = idle_money(5000, [], TODAY, "EUR")
        assert idle is not None
        reached = GoalPace("a", "Reached", target=1000, balance=1000, pace=100)
        slight = GoalPace("b", "Slight", target=1_000_000, balance=0, pace=100_000)
        assert goals_sooner(idle, [reached, slight], "EUR") == []


def test_amount_buckets_keep_two_significant_digits() -> None:
    assert amount_bucket(12345) == 12000
    assert amount_bucket(99) == 99
    assert amount_bucket(150000) == 150000
