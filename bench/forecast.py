"""Forecasts, measured: how the chosen method does against the seasonal-naive and last-value
baselines on a generated household history, and what a forecast of 30 envelopes costs.

    .venv/bin/python -m bench.forecast          # the comparison table only (no MongoDB, ~10 s)
    ./bench/run.sh --only forecast              # the table and the speed, in the report

The history (`monthly_history`, seeded): five years of a family's spending, made day by day
and summed per month as the per-month figures do: rent (a rise every spring), groceries
(weekly shops, more in December, less in August, noise), utilities (a monthly bill with a
winter peak, noise), transport (a season ticket each September plus fuel), holidays (one or
two trips a year in varying months, a deposit months before), eating out (noise, December
parties), clothing (sales in January and July), subscriptions (steady, with a price change),
gifts (December, birthdays). Scored exactly as the API does (`app.domain.forecast`): one-step
rolling-origin backtest over the last 12 months, MAE in currency units, MASE.

The speed part opens an account with 30 envelopes through the API, books four years of
monthly spending into it (back-dated, through `recordExpense`, so the per-month figures are
the real ones), then times the shipped `AccountForecast` query (every envelope's forecast of
6 months and a 90-day projected balance): the first request (which learns every envelope:
the cold cost) once, then `plan.requests` warm ones.
"""

from __future__ import annotations

import math
import random
import time
from datetime import date, timedelta
from typing import Any

from app.domain.forecast import add_months, backtest, learned
from app.domain.forecast_methods import ForecastMethod
from bench.gql import Api, fund, gather_limited, open_household, operation
from bench.loadgen import Connection, failed, graphql_request, sequential
from bench.phases import Plan, Rig, figure
from bench.report import Target, target
from bench.stats import Sample

Row = dict[str, Any]
SEEDS = (3, 17, 42)
YEARS = 5
ENVELOPES = 30
SPEED_MONTHS = 48
GOAL_MS = 300.0


def _cents(value: float) -> int:
    return max(round(value * 100), 0)


def _major(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02}"


def monthly_history(seed: int, years: int = YEARS, first: date = date(2021, 1, 1)) -> Row:
    """Per envelope, what the family spent in each month (minor units), from `first`."""
    rng = random.Random(seed)  # noqa: S311 - seeded generated data, not a secret
    months = [add_months(first, i) for i in range(years * 12)]
    spent: dict[str, list[int]] = {}

    def book(name: str, index: int, amount: float) -> None:
        spent.setdefault(name, [0] * len(months))[index] += _cents(amount)

    trips = {
        year: sorted(rng.sample(range(12), rng.choice((1, 2, 2)))) for year in range(years + 1)
    }
    for i, month in enumerate(months):
        year, m = i // 12, month.month
        book("Rent", i, 950 * 1.03 ** (year + (m >= 4)))  # a rise every April
        days = (add_months(month, 1) - month).days
        season = 1.3 if m == 12 else 0.9 if m == 8 else 1.0
        for _shop in range(0, days, 7):  # weekly shops
            book("Groceries", i, rng.gauss(95, 18) * season * (1 + 0.02 * year))
            if rng.random() < 0.4:
                book("Groceries", i, rng.gauss(15, 5))  # a top-up
        winter = 1 + 0.8 * math.cos((m - 1) / 12 * 2 * math.pi)  # January highest
        book("Utilities", i, 70 * winter * rng.gauss(1, 0.08) + 25)
        book("Transport", i, (1100 if m == 9 else 0) + sum(rng.gauss(55, 12) for _ in range(2)))
        for trip in trips[year]:
            if trip == m - 1:
                book("Holidays", i, rng.gauss(1600, 400))
            if (trip + 5) % 12 == m - 1 and rng.random() < 0.7:
                book("Holidays", i, 300)  # a deposit
        book("Eating out", i, sum(rng.gauss(35, 12) for _ in range(rng.randint(2, 6))))
        if m == 12:
            book("Eating out", i, rng.gauss(120, 30))
        book("Clothing", i, rng.gauss(180, 40) if m in (1, 7) else rng.gauss(40, 25))
        book("Subscriptions", i, 42.97 if month < date(2023, 6, 1) else 47.97)
        book("Gifts", i, rng.gauss(450, 80) if m == 12 else (60 if rng.random() < 0.3 else 0))
    return {"months": months, "spent": spent}


def _score(series: list[int], method: ForecastMethod) -> Row:
    found = backtest([float(v) for v in series], method)
    if found is None:
        return {"mae": None, "mase": None}
    return {
        "mae": round(found.mae / 100, 2),
        "mase": None if found.mase is None else round(found.mase, 3),
    }


def comparison(seed: int) -> list[Row]:
    """Per envelope: the chosen method against seasonal naive and last value."""
    history = monthly_history(seed)
    rows = []
    for name, series in history["spent"].items():
        chosen = learned(series, add_months(history["months"][-1], 1))
        assert chosen is not None  # noqa: S101 (five years)
        assert chosen.backtest is not None  # noqa: S101
        # Out of sample: the method chosen a year earlier, scored on the last 12 months.
        earlier = learned(series[:-12], history["months"][-12])
        assert earlier is not None  # noqa: S101 (four years)
        rows.append(
            {
                "seed": seed,
                "earlier": earlier.method.value,
                "earlier_on_last_year": _score(series, earlier.method),
                "envelope": name,
                "chosen": chosen.method.value,
                "chosen_mae": round(chosen.backtest.mae / 100, 2),
                "chosen_mase": (
                    None if chosen.backtest.mase is None else round(chosen.backtest.mase, 3)
                ),
                "seasonal_naive": _score(series, ForecastMethod.SEASONAL_NAIVE),
                "last_value": _score(series, ForecastMethod.LAST_VALUE),
            }
        )
    return rows


def table(rows: list[Row]) -> list[str]:
    def num(value: float | None) -> str:
        return "n/a" if value is None else f"{value:,.2f}"

    lines = [
        "| Seed | Envelope | Chosen method | MAE | MASE | Seasonal naive MAE | MASE "
        "| Last value MAE | MASE | Chosen a year earlier | its MAE | MASE |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        sn, lv, held = r["seasonal_naive"], r["last_value"], r["earlier_on_last_year"]
        lines.append(
            f"| {r['seed']} | {r['envelope']} | {r['chosen']} | {num(r['chosen_mae'])} "
            f"| {num(r['chosen_mase'])} | {num(sn['mae'])} | {num(sn['mase'])} "
            f"| {num(lv['mae'])} | {num(lv['mase'])} | {r['earlier']} "
            f"| {num(held['mae'])} | {num(held['mase'])} |"
        )
    return lines


def summary(rows: list[Row]) -> Row:
    """How often the chosen method's MAE is at most each baseline's, and the mean MASEs."""
    n = len(rows)
    not_worse_sn = sum(r["chosen_mae"] <= r["seasonal_naive"]["mae"] for r in rows)
    not_worse_lv = sum(r["chosen_mae"] <= r["last_value"]["mae"] for r in rows)

    held_out = [r["earlier_on_last_year"]["mae"] for r in rows]
    out_sn = sum(h <= r["seasonal_naive"]["mae"] for h, r in zip(held_out, rows, strict=True))
    out_lv = sum(h <= r["last_value"]["mae"] for h, r in zip(held_out, rows, strict=True))

    def mean(values: list[float | None]) -> float:
        found = [v for v in values if v is not None]
        return round(sum(found) / len(found), 3) if found else float("nan")

    return {
        "series": n,
        "chosen_not_worse_than_seasonal_naive": not_worse_sn,
        "chosen_not_worse_than_last_value": not_worse_lv,
        "mean_mase_chosen": mean([r["chosen_mase"] for r in rows]),
        "held_out_not_worse_than_seasonal_naive": out_sn,
        "held_out_not_worse_than_last_value": out_lv,
        "mean_mase_held_out": mean([r["earlier_on_last_year"]["mase"] for r in rows]),
        "mean_mase_seasonal_naive": mean([r["seasonal_naive"]["mase"] for r in rows]),
        "mean_mase_last_value": mean([r["last_value"]["mase"] for r in rows]),
    }


# --- speed through the API ----------------------------------------------------------------


async def _seed_account(api: Api, run_id: str) -> tuple[Any, date]:
    """An account of 30 envelopes with four years of monthly spending, through the API."""
    history = monthly_history(SEEDS[0])
    names = list(history["spent"])
    names += [f"Misc {i:02}" for i in range(ENVELOPES - len(names))]
    house = await open_household(api, f"forecast-{run_id}@example.com", names)
    today = date.today()  # noqa: DTZ011 (the API's today is the machine's too)
    first = add_months(date(today.year, today.month, 1), -SPEED_MONTHS)
    rng = random.Random(SEEDS[0])  # noqa: S311
    calls = []
    needed: dict[str, int] = {}
    for e, name in enumerate(names):
        series = history["spent"].get(name) or [
            _cents(rng.gauss(80 + 5 * e, 25)) for _ in range(SPEED_MONTHS)
        ]
        for i in range(SPEED_MONTHS):
            amount = series[-SPEED_MONTHS:][i]
            if amount <= 0:
                continue
            needed[name] = needed.get(name, 0) + amount
            booked = add_months(first, i) + timedelta(days=(i + e) % 27)
            expense = {"accountId": house.account_gid, "envelopeId": house.envelope_gids[name],
                       "amount": _major(amount),
                       "bookingDate": booked.isoformat(), "payee": "Bench"}  # fmt: skip
            calls.append(api.call("ledger/RecordExpense", {"input": expense}, house.token))
    await fund(api, house, _major(sum(needed.values())), {n: _major(v) for n, v in needed.items()})
    await gather_limited(4, calls)
    return house, first


async def forecast(plan: Plan, rig: Rig, run_id: str) -> tuple[Row, list[Target], Row]:
    """The bench part: (results, targets, checks)."""
    rows = [row for seed in SEEDS for row in comparison(seed)]
    for line in table(rows):
        print(f"  {line}", flush=True)
    overall = summary(rows)
    print(f"  forecast: {overall}", flush=True)
    house, _first = await _seed_account(rig.api, run_id)
    variables = {"id": house.account_gid, "months": 6, "days": 90}
    request = graphql_request(
        "127.0.0.1", rig.port, house.token, operation("ledger/AccountForecast"), variables
    )
    connection = await Connection.open("127.0.0.1", rig.port)
    samples: list[Sample] = []
    try:
        began = time.perf_counter()
        status, body = await connection.send(request)
        cold_ms = (time.perf_counter() - began) * 1000
        assert not failed(status, body), body[:500]  # noqa: S101
        print(f"  forecast: first request (learns 30 envelopes) {cold_ms:.0f} ms", flush=True)

        async def run() -> bool:
            status, body = await connection.send(request)
            return not failed(status, body) and b'"projection"' in body

        for _ in range(plan.repeat):
            sample = await sequential(run, 5, plan.requests, rig.probe)
            samples.append(sample)
            print(f"  forecast 30 envelopes: p50 {sample.summary()['p50_ms']} ms", flush=True)
    finally:
        await connection.close()
    data = await rig.api.call("ledger/AccountForecast", variables, house.token)
    methods: dict[str, int] = {}
    for envelope in data["account"]["envelopes"]:
        method = envelope["forecast"]["method"]
        methods[method] = methods.get(method, 0) + 1
    run_figure = figure(samples)
    targets = [
        target("forecast for 30 envelopes (AccountForecast, warm): API p50",
               run_figure["p50_ms"]["values"], GOAL_MS, "<=", "ms"),
    ]  # fmt: skip
    found = {
        "comparison": rows,
        "summary": overall,
        "cold_first_request_ms": round(cold_ms, 1),
        "warm": run_figure,
        "methods_chosen": methods,
    }
    # The 30 envelopes and Available.
    checks = {"forecast_every_envelope_answered": sum(methods.values()) == ENVELOPES + 1}
    return found, targets, checks


def markdown(found: Row) -> list[str]:
    s = found["summary"]
    return [
        "",
        "## Forecast: chosen method against the baselines",
        "",
        *table(found["comparison"]),
        "",
        f"Over {s['series']} series: the chosen method's MAE is at most the seasonal naive's "
        f"in {s['chosen_not_worse_than_seasonal_naive']} and at most the last value's in "
        f"{s['chosen_not_worse_than_last_value']}; mean MASE {s['mean_mase_chosen']} "
        f"(seasonal naive {s['mean_mase_seasonal_naive']}, last value "
        f"{s['mean_mase_last_value']}). Chosen in-sample, so never worse by construction; "
        f"out of sample (the method chosen a year earlier, scored on the last 12 months): at "
        f"most the seasonal naive's MAE in {s['held_out_not_worse_than_seasonal_naive']}, the "
        f"last value's in {s['held_out_not_worse_than_last_value']}, mean MASE "
        f"{s['mean_mase_held_out']}. First request (learning 30 envelopes): "
        f"{found['cold_first_request_ms']} ms; methods chosen: {found['methods_chosen']}.",
    ]


def main() -> None:
    rows = [row for seed in SEEDS for row in comparison(seed)]
    print("\n".join(table(rows)))
    print(summary(rows))


if __name__ == "__main__":
    main()
