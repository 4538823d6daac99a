"""The spending forecast's methods, backtest, choice, band and fallback, and the projected
balance, on synthetic series whose answers are known."""

from __future__ import annotations

import random
from datetime import date

import pytest

from app.domain.forecast import (
    MAX_STEPS,
    EnvelopeOutlook,
    ScheduledAmount,
    backtest,
    fallback,
    learned,
    mase_scale,
    monthly_series,
    project,
    quantile,
    spread,
)
from app.domain.forecast_methods import ForecastMethod, one_step, predict

NEXT = date(2026, 11, 1)


def seasonal(years: int, noise: int = 0, seed: int = 1) -> list[int]:
    """Winter-heavy spending (a heating bill) repeating every 12 months, plus noise."""
    rng = random.Random(seed)
    shape = [300, 280, 220, 150, 90, 60, 50, 55, 80, 140, 230, 290]
    return [s * 100 + rng.randint(-noise, noise) for _ in range(years) for s in shape]


def test_the_methods_predict_what_they_say() -> None:
    past = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0]
    assert predict(ForecastMethod.LAST_VALUE, past, 2) == [12.0, 12.0]
    assert predict(ForecastMethod.SEASONAL_NAIVE, past, 13)[:2] == [1.0, 2.0]
    assert predict(ForecastMethod.SEASONAL_NAIVE, past, 13)[12] == 1.0
    assert predict(ForecastMethod.MOVING_AVERAGE_3, past, 1) == [11.0]
    assert predict(ForecastMethod.MOVING_AVERAGE_6, past, 1) == [9.5]
    with pytest.raises(ArithmeticError):
        predict(ForecastMethod.HOLT_WINTERS, past, 1)  # needs two years


def test_a_constant_series_has_no_error_and_the_simplest_method() -> None:
    series = [4200] * 36  # from two years before the first origin: every method qualifies
    for method in ForecastMethod:
        if method is ForecastMethod.INSUFFICIENT_HISTORY:
            continue
        found = backtest([float(v) for v in series], method)
        assert found is not None, method
        assert found.mae == 0, method
        assert found.mase is None  # the scale is 0 too: undefined, not invented
    forecast = learned(series, NEXT)
    assert forecast is not None
    assert forecast.method is ForecastMethod.LAST_VALUE
    assert forecast.backtest is not None
    assert forecast.backtest.origins == 12
    assert all((p.expected, p.low, p.high) == (4200, 4200, 4200) for p in forecast.points)


def test_a_seasonal_series_chooses_seasonal_naive() -> None:
    series = seasonal(3)
    forecast = learned(series, NEXT)
    assert forecast is not None
    assert forecast.method is ForecastMethod.SEASONAL_NAIVE
    assert forecast.backtest is not None
    assert forecast.backtest.mae == 0
    assert forecast.backtest.mase is None  # exactly periodic: the seasonal scale is 0 too
    assert forecast.backtest.scaled_by is ForecastMethod.SEASONAL_NAIVE
    # The next months are last year's: the series ended in October, so November comes next.
    assert [p.expected for p in forecast.points][:12] == series[-12:]
    assert forecast.points[12].expected == series[-12]  # a year on
    assert [p.month for p in forecast.points][:3] == [NEXT, date(2026, 12, 1), date(2027, 1, 1)]
    # The other candidates were tried and did worse.
    assert {b.method for b in forecast.compared} >= {
        ForecastMethod.LAST_VALUE,
        ForecastMethod.MOVING_AVERAGE_3,
        ForecastMethod.HOLT_WINTERS,
    }
    assert all(b.mae > 0 for b in forecast.compared[1:])


def test_backtest_errors_by_hand() -> None:
    # 6 months: origins 3, 4, 5 (each sees at least three months); last value predicts the
    # month before: errors 10, -20, 30.
    series = [100.0, 100.0, 100.0, 110.0, 90.0, 120.0]
    found = backtest(series, ForecastMethod.LAST_VALUE)
    assert found is not None
    assert found.errors == (10.0, -20.0, 30.0)
    assert found.origins == 3
    assert found.mae == pytest.approx(20.0)
    # Fewer than 24 months: scaled by the in-sample naive MAE, (0+0+10+20+30)/5 = 12.
    assert mase_scale(series) == (ForecastMethod.LAST_VALUE, 12.0)
    assert found.mase == pytest.approx(20 / 12)
    # Seasonal naive needs a year before the first origin: not a candidate here.
    assert backtest(series, ForecastMethod.SEASONAL_NAIVE) is None


def test_the_band_holds_the_point_widens_with_the_horizon_and_is_integer() -> None:
    forecast = learned(seasonal(4, noise=2000, seed=5), NEXT)
    assert forecast is not None
    assert forecast.backtest is not None
    assert forecast.backtest.mae > 0
    widths = [p.high - p.low for p in forecast.points]
    assert all(isinstance(v, int) for p in forecast.points for v in (p.expected, p.low, p.high))
    assert all(p.low <= p.expected <= p.high for p in forecast.points)
    assert widths[-1] > widths[0]
    assert len(forecast.points) == MAX_STEPS


def test_too_little_history_falls_back_to_plan_and_schedules() -> None:
    assert learned([1000] * 5, NEXT) is None
    planned = [5000] * 12
    scheduled = [0] * 12
    scheduled[1] = 7000  # a bill bigger than the plan in December
    found = fallback([1000] * 5, NEXT, planned, scheduled)
    assert found.method is ForecastMethod.INSUFFICIENT_HISTORY
    assert found.reason is not None
    assert (
        found.reason
        == "Only 5 of the 6 months of history needed to learn from: using the plan and schedules."
    )
    assert found.backtest is None
    assert [p.expected for p in found.points][:3] == [5000, 7000, 5000]
    # Without a plan or schedule: the mean of the months seen, and it says so.
    mean = fallback([1000, 2000, 4000], NEXT, [0] * 12, [0] * 12)
    assert mean.points[0].expected == 2333
    assert mean.reason is not None
    assert "mean of the months seen" in mean.reason
    nothing = fallback([], NEXT, [0] * 12, [0] * 12)
    assert nothing.points[0].expected == 0


def test_monthly_series_fills_empty_months_with_zero() -> None:
    spent = {date(2026, 1, 1): 500, date(2026, 3, 1): 700}
    assert monthly_series(spent, date(2026, 1, 1), date(2026, 5, 1)) == [500, 0, 700, 0]
    assert monthly_series(spent, None, date(2026, 5, 1)) == []


def test_quantile_and_spread() -> None:
    assert quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert quantile([0.0, 10.0], 0.1) == pytest.approx(1.0)
    assert spread(100, 3) == [34, 33, 33]
    assert sum(spread(-7, 3)) == -7
    assert spread(5, 0) == []


def test_projection_adds_schedules_and_spreads_the_forecast_over_the_month() -> None:
    today = date(2026, 11, 20)  # ten days left in November
    forecast = fallback([], date(2026, 11, 1), [3000] * 12, [0] * 12)
    outlook = EnvelopeOutlook("food", forecast, spent_this_month=1000)
    # Spent more than the forecast already: nothing more this month.
    assert project(today, 0, 10, [], [EnvelopeOutlook("x", forecast, 5000)]).points[-1].balance == 0
    rent = ScheduledAmount(date(2026, 12, 1), -50000, "rent")
    pay = ScheduledAmount(date(2026, 11, 25), 200000)
    found = project(today, 10000, 15, [rent, pay], [outlook])
    assert len(found.points) == 16
    assert found.points[0].balance == 10000  # today, as it stands
    by_day = {p.day: p.balance for p in found.points}
    # Of November's 3000, 2000 are not spent yet, but the ten days left are a third of the
    # month: 1000 over them, 100 a day.
    assert by_day[date(2026, 11, 21)] == 9900
    assert by_day[date(2026, 11, 25)] == 10000 - 5 * 100 + 200000
    assert by_day[date(2026, 11, 30)] == 10000 - 1000 + 200000
    # December: the rent on the 1st and 3000 over 31 days (97 on the first 24, 96 after).
    assert by_day[date(2026, 12, 1)] == 209000 - 50000 - 97
    assert found.lowest.day == date(2026, 11, 24)
    assert found.lowest.balance == 9600
    assert all(p.low == p.balance == p.high for p in found.points)  # no band without error


def test_projection_band_comes_from_the_envelope_bands() -> None:
    forecast = learned(seasonal(4, noise=2000, seed=5), date(2026, 11, 1))
    assert forecast is not None
    found = project(date(2026, 11, 1), 0, 60, [], [EnvelopeOutlook("x", forecast, 0)])
    assert all(p.low <= p.balance <= p.high for p in found.points)
    assert found.points[-1].high - found.points[-1].low > 0
    # By the end of December: November from the 2nd on (29 of its 30 days) and December.
    november = spread(forecast.points[0].expected * 29 // 30, 29)
    assert found.points[-1].day == date(2026, 12, 31)
    assert found.points[-1].balance == -sum(november) - forecast.points[1].expected


@pytest.mark.parametrize(
    "method", [ForecastMethod.EXPONENTIAL_SMOOTHING, ForecastMethod.HOLT_WINTERS]
)
def test_the_smoothing_backtest_never_sees_the_month_it_predicts(method: ForecastMethod) -> None:
    series = [float(v) for v in seasonal(4, noise=3000, seed=9)]
    predicted, ahead = one_step(method, series, 36, 3)
    assert len(predicted) == 12
    assert len(ahead) == 3
    changed = list(series)
    changed[40] += 50_000.0  # a month inside the backtest
    again, _ = one_step(method, changed, 36)
    assert again[:5] == predicted[:5]  # the origins up to and including month 40
    assert again[5] != predicted[5]  # month 41 is predicted from month 40
