"""The candidate methods of a monthly spending forecast: each predicts the next months of a
series from its past (floats, inside the statistics only; amounts are made integers once, in
`app.domain.forecast`).

- LAST_VALUE: the last month again.
- SEASONAL_NAIVE: the same month a year before (needs 12 months).
- MOVING_AVERAGE_3 / _6: the mean of the last 3 / 6 months.
- EXPONENTIAL_SMOOTHING: simple exponential smoothing (statsmodels), its level.
- HOLT_WINTERS: additive seasonal exponential smoothing without trend, period 12
  (statsmodels), from two full years on.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from enum import StrEnum

import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing, SimpleExpSmoothing

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


def _exponential_smoothing(past: Sequence[float], steps: int) -> list[float]:
    data = np.asarray(past, dtype=float)
    if np.ptp(data) == 0:  # a constant series: its level is the value (no fit needed)
        return [float(data[-1])] * steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = SimpleExpSmoothing(data, initialization_method="estimated").fit()
        return _finite(fitted.forecast(steps), steps)


def _holt_winters(past: Sequence[float], steps: int) -> list[float]:
    data = np.asarray(past, dtype=float)
    if np.ptp(data) == 0:
        return [float(data[-1])] * steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
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


def predict(method: ForecastMethod, past: Sequence[float], steps: int) -> list[float]:
    """The next `steps` months after `past` by `method` (ArithmeticError: no forecast)."""
    predictor, needs = CANDIDATES[method]
    if len(past) < needs:
        raise ArithmeticError(f"{method} needs {needs} months")
    return predictor(past, steps)
