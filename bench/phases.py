"""The measured parts of a run: each returns its results and the targets it judges."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench import budget as bud
from bench import catchup
from bench import history as hist
from bench import mutations as mut
from bench.gql import Api, Household
from bench.loadgen import Connection, Probe, budgeted, sequential
from bench.report import Target, target
from bench.seed import History
from bench.stats import Sample, median, repeated

Row = dict[str, Any]


@dataclass(frozen=True)
class Plan:
    repeat: int
    parts: frozenset[str]
    quick: bool
    keep: bool
    entries: int
    reseed: bool
    concurrency: tuple[int, ...] = (1, 8, 32)

    @property
    def warmup(self) -> float:
        return 0.4 if self.quick else 2.0

    @property
    def duration(self) -> float:
        return 0.8 if self.quick else 6.0

    @property
    def requests(self) -> int:
        return 30 if self.quick else 200

    @property
    def pages(self) -> list[int]:
        last = max(1, self.entries // hist.PAGE_SIZE)  # the last full page
        return sorted({min(n, last) for n in (1, 100, 10_000)})


@dataclass(frozen=True)
class Rig:
    """What the parts run against."""

    api: Api
    port: int
    client: AsyncMongoClient[Row]
    db: AsyncDatabase[Row]
    probe: Probe


def figure(samples: list[Sample]) -> Row:
    summaries = [s.summary() for s in samples]
    processes = summaries[0]["cpu_ms_per_op"] if summaries else {}
    cpu = [{n: s["cpu_ms_per_op"].get(n, float("nan")) for n in processes} for s in summaries]
    return {
        "cpu_ms_per_op": {name: repeated(cpu, name) for name in processes},
        "rate_per_s": repeated(summaries, "rate_per_s"),
        "p50_ms": repeated(summaries, "p50_ms"),
        "p99_ms": repeated(summaries, "p99_ms"),
        "failures": sum(s.failures for s in samples),
        "slowest_ms": max((s.slowest_ms for s in samples), default=float("nan")),
        "requests": samples[0].ops if samples else 0,
        "runs": summaries,
    }


def _ratios(top: list[float], bottom: list[float], scale: float = 1.0) -> Row:
    values = [
        round(scale * a / b, 3) if b else float("nan") for a, b in zip(top, bottom, strict=True)
    ]
    return {"median": round(median(values), 3), "values": values}


async def mutations(
    plan: Plan, rig: Rig, run_id: str, created: list[Household]
) -> tuple[Row, list[Target], Row]:
    """moveMoney and recordExpense at each concurrency: API, then raw (order alternating
    by repeat), each with its own warm-up."""
    houses = await mut.households(rig.api, max(plan.concurrency), run_id)
    created += houses
    raw = mut.RawLedger(rig.client, rig.db)
    timing = (plan.warmup, plan.duration, rig.probe)
    samples: dict[tuple[str, int, str], list[Sample]] = {}
    for repeat in range(plan.repeat):
        for kind in ("move", "expense"):
            for level in plan.concurrency:
                workers = houses[:level]
                for side in ("api", "raw") if repeat % 2 == 0 else ("raw", "api"):
                    if side == "api":
                        sample = await mut.api_run(rig.port, workers, kind, *timing)
                    else:
                        sample = await mut.raw_run(raw, workers, kind, *timing)
                    samples.setdefault((kind, level, side), []).append(sample)
                    print(f"  {kind:7} c={level:<2} {side}: {_brief(sample)}", flush=True)
    runs: Row = {}
    for kind in ("move", "expense"):
        for level in plan.concurrency:
            api_s, raw_s = samples[(kind, level, "api")], samples[(kind, level, "raw")]
            runs.setdefault(kind, {})[str(level)] = {
                "api": figure(api_s),
                "raw": figure(raw_s),
                "api_to_raw_pct": _ratios([s.rate for s in api_s], [s.rate for s in raw_s], 100),
            }
    level = 8 if 8 in plan.concurrency else plan.concurrency[-1]
    names = (("move", "moveMoney"), ("expense", "recordExpense"))
    targets = [
        *(target(f"{name} API/raw rate at concurrency {level}",
                 runs[kind][str(level)]["api_to_raw_pct"]["values"], 60, ">=", "%")
          for kind, name in names),
        *(target(f"{name} API process CPU per mutation at concurrency {level}",
                 runs[kind][str(level)]["api"]["cpu_ms_per_op"]["api"]["values"], 3.5, "<=",
                 " ms")
          for kind, name in names),
    ]  # fmt: skip
    checks = {"mutation_accounts_consistent": await consistent(rig.db, houses)}
    return {"runs": runs}, targets, checks


async def consistent(db: AsyncDatabase[Row], houses: list[Household]) -> bool:
    """balance = Σ envelopes = Σ entries, seq = entry count, figures = Σ entries."""
    for house in houses:
        account = await db["accounts"].find_one({"_id": house.account_id})
        if account is None:
            return False
        entries = await (
            await db["transactions"].aggregate([
                {"$match": {"account_id": house.account_id}},
                {"$group": {"_id": None, "sum": {"$sum": "$amount"}, "n": {"$sum": 1}}},
            ])
        ).to_list(None)  # fmt: skip
        figures = await (
            await db["month_totals"].aggregate([
                {"$match": {"account_id": house.account_id, "envelope_id": None}},
                {"$group": {"_id": None, "sum": {"$sum": "$total"}, "n": {"$sum": "$entries"}}},
            ])
        ).to_list(None)  # fmt: skip
        envelope_sum = sum(e["balance"] for e in account["envelopes"] if not e.get("deleted"))
        facts = (account["balance"], envelope_sum, entries[0]["sum"], figures[0]["sum"])
        if len(set(facts)) != 1 or not account["seq"] == entries[0]["n"] == figures[0]["n"]:
            return False
    return True


def _brief(sample: Sample) -> str:
    s = sample.summary()
    cpu = " ".join(f"{k} {v:.2f}" for k, v in s["cpu_ms_per_op"].items())
    text = f"{s['rate_per_s']:>7.1f}/s p50 {s['p50_ms']:.2f} ms p99 {s['p99_ms']:.2f} ms"
    text += f"  (CPU ms/op: {cpu})"
    return text + (f" FAILURES {s['failures']}" if s["failures"] else "")


async def pages(plan: Plan, rig: Rig, seeded: History) -> tuple[Row, list[Target], Row]:
    house, entries, port = seeded.checking, rig.db["transactions"], rig.port
    targets_ = [await hist.page_target(entries, house, n) for n in plan.pages]
    checks = {"history_pages": await hist.check_pages(rig.api, entries, house, targets_)}
    connection = await Connection.open("127.0.0.1", port)
    samples: dict[tuple[int, str], list[Sample]] = {}
    try:
        for _ in range(plan.repeat):
            for page in targets_:
                for side in ("api", "raw"):
                    op = (hist.api_page(connection, port, house, page) if side == "api"
                          else hist.raw_page(entries, house, page))  # fmt: skip
                    sample = await sequential(op, 10, plan.requests, rig.probe)
                    samples.setdefault((page.number, side), []).append(sample)
                    print(f"  page {page.number:<6} {side}: {_brief(sample)}", flush=True)
    finally:
        await connection.close()
    runs: Row = {}
    for page in targets_:
        api_s, raw_s = samples[(page.number, "api")], samples[(page.number, "raw")]
        runs[str(page.number)] = {
            "api": figure(api_s),
            "raw": figure(raw_s),
            "api_to_raw_p50": _ratios([s.summary()["p50_ms"] for s in api_s],
                                      [s.summary()["p50_ms"] for s in raw_s]),
        }  # fmt: skip
    first, deep = str(plan.pages[0]), str(plan.pages[-1])
    targets = [
        target(f"page {int(deep):,} p50 / page 1 p50",
               _ratios(runs[deep]["api"]["p50_ms"]["values"],
                       runs[first]["api"]["p50_ms"]["values"])["values"], 1.5, "<=", "x"),
        *(target(f"page {int(n):,} API p50 / raw p50", run["api_to_raw_p50"]["values"], 3,
                 "<=", "x") for n, run in runs.items()),
        *(target(f"page {int(n):,} API process CPU per page",
                 run["api"]["cpu_ms_per_op"]["api"]["values"], 4.5, "<=", " ms")
          for n, run in runs.items()),
    ]  # fmt: skip
    return {"entries": seeded.entries, "runs": runs}, targets, checks


async def totals(plan: Plan, rig: Rig, seeded: History) -> tuple[Row, list[Target], Row]:
    house, entries, port = seeded.checking, rig.db["transactions"], rig.port
    checks = {"totals_match_raw_aggregate": await hist.check_totals(rig.api, entries, house)}
    connection = await Connection.open("127.0.0.1", port)
    samples: dict[tuple[str, str], list[Sample]] = {}
    try:
        for _ in range(plan.repeat):
            for period in hist.PERIODS:
                api_op = hist.api_totals(connection, port, house, period)
                sample = await sequential(api_op, 10, plan.requests, rig.probe)
                samples.setdefault((period, "api"), []).append(sample)
                print(f"  totals {period:5} api: {_brief(sample)}", flush=True)
                raw_op = hist.raw_totals(entries, house, period)
                budget = 1.0 if plan.quick else 5.0
                sample = await budgeted(raw_op, plan.requests, budget, 3, rig.probe)
                samples.setdefault((period, "raw"), []).append(sample)
                print(f"  totals {period:5} raw: {_brief(sample)}", flush=True)
    finally:
        await connection.close()
    runs = {
        period: {"api": figure(samples[(period, "api")]), "raw": figure(samples[(period, "raw")])}
        for period in hist.PERIODS
    }
    targets = [
        target(f"totals, one {period}: API p50", runs[period]["api"]["p50_ms"]["values"], 20,
               "<=", "ms")
        for period in ("month", "year")
    ]  # fmt: skip
    return {"runs": runs}, targets, checks


def _p50_ratios(top: list[Sample], bottom: list[Sample]) -> list[float]:
    return [t.summary()["p50_ms"] / b.summary()["p50_ms"] for t, b in zip(top, bottom, strict=True)]


async def budget(plan: Plan, rig: Rig, seeded: History) -> tuple[Row, list[Target], Row]:
    """The budget view of two months of the seeded account against the single-envelope
    totals query of the same month, interleaved in every repeat (see `bench/budget.py`)."""
    house, port = seeded.checking, rig.port
    await bud.prepare(rig.api, rig.db["accounts"], house)
    entries = rig.db["transactions"]
    checks = {
        f"budget_view_{period}": await bud.check_budget(rig.api, entries, house, period)
        for period in bud.PERIODS
    }
    connection = await Connection.open("127.0.0.1", port)
    samples: dict[str, list[Sample]] = {}
    try:
        for _ in range(plan.repeat):
            for period in bud.PERIODS:
                for name, make in (("budget", bud.api_budget),
                                   ("totals", bud.api_envelope_totals)):  # fmt: skip
                    operation = make(connection, port, house, period)
                    sample = await sequential(operation, 10, plan.requests, rig.probe)
                    samples.setdefault(f"{period} {name}", []).append(sample)
                    print(f"  {period:6} {name:7} api: {_brief(sample)}", flush=True)
    finally:
        await connection.close()
    runs = {name: figure(found) for name, found in samples.items()}
    ratios = {
        period: _p50_ratios(samples[f"{period} budget"], samples[f"{period} totals"])
        for period in bud.PERIODS
    }
    targets = [
        target("budget view, latest month (30 planned envelopes, 1M entries): API p50",
               runs["latest budget"]["p50_ms"]["values"], 20, "<=", "ms"),
        target("budget view p50 / single-envelope totals p50, latest month", ratios["latest"],
               1.5, "<=", "x"),
    ]  # fmt: skip
    return {"runs": runs, "budget_to_totals_p50": ratios}, targets, checks


async def catch_up(
    plan: Plan, rig: Rig, run_id: str, created: list[Household], env: dict[str, str], log: Path
) -> tuple[Row, list[Target], Row]:
    """Due scheduled occurrences worked off by a fresh scheduling process (no target in the
    issue: reported)."""
    houses = await catchup.prepare(rig.api, run_id, plan.quick)
    created.extend(houses)
    found = await catchup.run(rig.db, houses, env, log)
    print(
        f"  {found['posted']:,} of {found['due']:,} occurrences in "
        f"{found['seconds_from_ready']} s: {found['rate_per_s']}/s, "
        f"API CPU {found['api_cpu_ms_per_posting']} ms per posting",
        flush=True,
    )
    return found, [], {"catch_up": await catchup.check(rig.db, houses)}
