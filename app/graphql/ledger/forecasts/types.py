"""An envelope's spending forecast as the API shows it (below `Envelope.forecast`)."""

from __future__ import annotations

from datetime import date

import strawberry

from app.domain.forecast import Backtest, ForecastPoint, SpendingForecast, to_minor
from app.domain.forecast_methods import ForecastMethod
from app.graphql.scalars import Money, money

# The domain's methods are the API's.
strawberry.enum(
    ForecastMethod,
    description="How a forecast was made. INSUFFICIENT_HISTORY: too little history to learn "
    "from; the plan and the schedules stand in (see `reason`).",
)


@strawberry.type(description="The spending expected in one month, with its band.")
class SpendingForecastPoint:
    month: date = strawberry.field(description="The month's first day.")
    expected: Money
    low: Money = strawberry.field(description="The band's low end (10 % of the backtest errors).")
    high: Money = strawberry.field(description="The band's high end (90 %).")

    @classmethod
    def of(cls, point: ForecastPoint, currency: str) -> SpendingForecastPoint:
        return cls(
            month=point.month,
            expected=money(point.expected, currency),
            low=money(point.low, currency),
            high=money(point.high, currency),
        )


@strawberry.type(
    description="A method's rolling-origin backtest: from each of the last (up to) 12 "
    "complete months, the method saw the months before and predicted that month (one step "
    "ahead)."
)
class ForecastBacktest:
    method: ForecastMethod
    origins: int = strawberry.field(description="How many months were predicted.")
    mae: Money = strawberry.field(description="The mean absolute error: the typical miss.")
    mase: float | None = strawberry.field(
        description="The MAE over the in-sample MAE of `scaledBy` (below 1: better than it); "
        "null when that is 0 (a perfectly regular series)."
    )
    scaled_by: ForecastMethod = strawberry.field(
        description="SEASONAL_NAIVE from 24 months of history, else LAST_VALUE."
    )

    @classmethod
    def of(cls, backtest: Backtest, currency: str) -> ForecastBacktest:
        return cls(
            method=backtest.method,
            origins=backtest.origins,
            mae=money(to_minor(backtest.mae), currency),
            mase=None if backtest.mase is None else round(backtest.mase, 3),
            scaled_by=backtest.scaled_by,
        )


@strawberry.type(
    description="An envelope's spending in the next months, from the current one, learned "
    "from its history by the method with the lowest backtest error."
)
class EnvelopeForecast:
    method: ForecastMethod
    reason: str | None = strawberry.field(description="Why nothing is learned yet, if so.")
    points: list[SpendingForecastPoint]
    backtest: ForecastBacktest | None = strawberry.field(
        description="The chosen method's backtest (null: not learned)."
    )
    compared: list[ForecastBacktest] = strawberry.field(
        description="Every candidate method's backtest, best first."
    )

    @classmethod
    def of(cls, forecast: SpendingForecast, months: int, currency: str) -> EnvelopeForecast:
        chosen = forecast.backtest
        return cls(
            method=forecast.method,
            reason=forecast.reason,
            points=[SpendingForecastPoint.of(p, currency) for p in forecast.first(months)],
            backtest=None if chosen is None else ForecastBacktest.of(chosen, currency),
            compared=[ForecastBacktest.of(b, currency) for b in forecast.compared],
        )
