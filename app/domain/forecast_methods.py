"""The candidate methods of a monthly spending forecast: each predicts the next months of a
series from its past (floats, inside the statistics only; amounts are made integers once, in
`app.domain.forecast`).

- LAST_VALUE: the last month again.
- SEASONAL_NAIVE: the same month a year before (needs 12 months).
- MOVING_AVERAGE_3 / _6: the mean of the last 3 / 6 months.
- EXPONENTIAL_SMOOTHING: simple exponential smoothing (statsmodels), its level.
- HOLT_WINTERS: additive seasonal exponential smoothing without trend, period 12
  (statsmodels), from two full years on.

`one_step` gives a method's one-step-ahead predictions from a run of origins, as the backtest
needs them. The two smoothing methods estimate their parameters and initial states once, on
the months before the first origin, and then filter forward with them (statsmodels' fitted
values under fixed parameters are exactly the one-step forecasts from each origin): no month
at or after an origin is seen before it is predicted, and it costs two fits instead of one
per origin.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Callable, Sequence
from enum import StrEnum
from types import ModuleType
from typing import Any

import numpy as np

SEASON = 12
# What a method raises on a series it cannot fit (numpy's LinAlgError is a ValueError).
FIT_ERRORS = (ArithmeticError, ValueError)


class ForecastMethod(StrEnum):
    LAST_VALUE = "last_value"
    SEASONAL_NAIVE = "seasonal_naive"
    MOVING_AVERAGE_3 = "moving_average_3"
    MOVING_AVERAGE_6 = "moving_average_6"
    EXPONENTIAL_SMOOTHING = "exponential_smoothing"
    HOLT_WINTERS = "holt_winters"
    # Not learned: too little history, the plan and the schedules stand in.
    INSUFFICIENT_HISTORY = "insufficient_history"


Predictor = Callable[[Sequence[float], int], list[float]]


def _last_value(past: Sequence[float], steps: int) -> list[float]:
    return [float(past[-1])] * steps


def _seasonal_naive(past: Sequence[float], steps: int) -> list[float]:
    year = past[-SEASON:]
    return [float(year[h % SEASON]) for h in range(steps)]


def _moving_average(size: int) -> Predictor:
    def predict(past: Sequence[float], steps: int) -> list[float]:
        return [math.fsum(past[-size:]) / size] * steps

    return predict


def _finite(values: np.ndarray, steps: int) -> list[float]:
    found = [float(v) for v in values]
    if len(found) != steps or not all(math.isfinite(v) for v in found):
        raise ArithmeticError("the model gave no usable forecast")
    return found


def _smoothing() -> ModuleType:
    """statsmodels' exponential smoothing, imported when first needed: with scipy and pandas
    it is over 100 MB of memory that a process serving no forecast never loads."""
    return importlib.import_module("statsmodels.tsa.holtwinters")


def _exponential_smoothing(past: Sequence[float], steps: int) -> list[float]:
    data = np.asarray(past, dtype=float)
    if np.ptp(data) == 0:  # a constant series: its level is the value (no fit needed)
        return [float(data[-1])] * steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = _smoothing().SimpleExpSmoothing(data, initialization_method="estimated").fit()
        return _finite(fitted.forecast(steps), steps)


def _holt_winters(past: Sequence[float], steps: int) -> list[float]:
    data = np.asarray(past, dtype=float)
    if np.ptp(data) == 0:
        return [float(data[-1])] * steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = _smoothing().ExponentialSmoothing(
            data,
            trend=None,
            seasonal="add",
            seasonal_periods=SEASON,
            initialization_method="heuristic",
        )
        return _finite(model.fit().forecast(steps), steps)


# The candidates, simplest first (a tie goes to the simpler), with the history each needs.
CANDIDATES: dict[ForecastMethod, tuple[Predictor, int]] = {
    ForecastMethod.LAST_VALUE: (_last_value, 1),
    ForecastMethod.SEASONAL_NAIVE: (_seasonal_naive, SEASON),
    ForecastMethod.MOVING_AVERAGE_3: (_moving_average(3), 3),
    ForecastMethod.MOVING_AVERAGE_6: (_moving_average(6), 6),
    ForecastMethod.EXPONENTIAL_SMOOTHING: (_exponential_smoothing, 6),
    ForecastMethod.HOLT_WINTERS: (_holt_winters, 2 * SEASON),
}


def _filtered(
    method: ForecastMethod, past: Sequence[float], start: int, steps: int
) -> tuple[list[float], list[float]]:
    data = np.asarray(past, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method is ForecastMethod.EXPONENTIAL_SMOOTHING:
            fitted = (
                _smoothing()
                .SimpleExpSmoothing(data[:start], initialization_method="estimated")
                .fit()
            )
            params = fitted.params
            run = (
                _smoothing()
                .SimpleExpSmoothing(
                    data, initialization_method="known", initial_level=params["initial_level"]
                )
                .fit(smoothing_level=params["smoothing_level"], optimized=False)
            )
        else:
            seasonal: dict[str, Any] = {"seasonal": "add", "seasonal_periods": SEASON}
            fitted = (
                _smoothing()
                .ExponentialSmoothing(data[:start], initialization_method="heuristic", **seasonal)
                .fit()
            )
            params = fitted.params
            run = (
                _smoothing()
                .ExponentialSmoothing(
                    data,
                    initialization_method="known",
                    initial_level=params["initial_level"],
                    initial_seasonal=params["initial_seasons"],
                    **seasonal,
                )
                .fit(
                    smoothing_level=params["smoothing_level"],
                    smoothing_seasonal=params["smoothing_seasonal"],
                    optimized=False,
                )
            )
        predicted = _finite(np.asarray(run.fittedvalues)[start:], len(past) - start)
        return predicted, _finite(run.forecast(steps), steps) if steps else []


def one_step(
    method: ForecastMethod, past: Sequence[float], start: int, steps: int = 0
) -> tuple[list[float], list[float]]:
    """The one-step-ahead prediction of each month from `start` on, each made from the
    months before it, and the `steps` months after `past` by the same model (the smoothing
    methods: with the parameters of the backtest, so that its error is the forecast's).
    ArithmeticError: no forecast."""
    smoothing = method in (ForecastMethod.EXPONENTIAL_SMOOTHING, ForecastMethod.HOLT_WINTERS)
    training = past[:start]
    if smoothing and len(training) >= CANDIDATES[method][1] and np.ptp(training) > 0:
        return _filtered(method, past, start, steps)
    predicted = [predict(method, past[:origin], 1)[0] for origin in range(start, len(past))]
    return predicted, predict(method, past, steps) if steps else []


def predict(method: ForecastMethod, past: Sequence[float], steps: int) -> list[float]:
    """The next `steps` months after `past` by `method` (ArithmeticError: no forecast)."""
    predictor, needs = CANDIDATES[method]
    if len(past) < needs:
        raise ArithmeticError(f"{method} needs {needs} months")
    return predictor(past, steps)
