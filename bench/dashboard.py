"""The dashboard of the seeded household (1,000,000 entries), through the API.

The history user's household is its checking account (the million entries, 2015-2024) and
its savings account, plus a small USD account opened here, with exchange rates USD→EUR
recorded monthly over 2024 (so every figure converts, and the rate table has some size).
The shipped `insight/Dashboard` query asks for the twelve months of 2024: net worth and
income vs expense per month, spending by envelope and by payee (top 10), plan vs actual, the
largest changes of December (against June to November), every account. It reads only the
per-month figures (`month_totals`, `payee_month_totals`): its cost does not grow with the
number of entries, only with the months, accounts, envelopes and payees.

A check compares the net worth at the end of 2024 with an aggregate over the entries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.persistence.repositories.month_totals import rebuild_payee_totals
from bench.gql import Api, Household, operation
from bench.loadgen import Connection, Operation, failed, graphql_request, sequential
from bench.phases import Plan, Rig, figure
from bench.report import Target, target
from bench.seed import History
from bench.stats import Sample, percentile, repeated

Row = dict[str, Any]
RANGE = {"from": "2024-01-01", "to": "2024-12-31"}
USD_ACCOUNT = "Dollars (dashboard bench)"
USD_BALANCE = "1234.56"
RATES = [(date(2024, month, 1), f"0.9{month:02}") for month in range(1, 13)]


async def prepare(api: Api, db: AsyncDatabase[Row], house: Household, savings: Household) -> None:
    """Payee figures for a history seeded before they existed (a seeding shortcut), the USD
    account, the rates and the base currency; idempotent: a rerun finds them."""
    for account_id in (house.account_id, savings.account_id):
        found = await db["accounts"].find_one({"_id": account_id}, {"payee_totals": 1})
        if not (found or {}).get("payee_totals"):
            await rebuild_payee_totals(db, account_id)
    data = await api.call("ledger/Accounts", {}, house.token)
    names = [a["name"] for a in _accounts(data)]
    if USD_ACCOUNT not in names:
        await api.call(
            "ledger/OpenAccount",
            {"input": {"name": USD_ACCOUNT, "type": "SAVINGS", "currency": "USD",
                       "openingBalance": USD_BALANCE, "envelopeNames": ["Trips"]}},
            house.token,
        )  # fmt: skip
    for day, rate in RATES:
        variables = {"input": {"from": "USD", "to": "EUR", "date": day.isoformat(), "rate": rate}}
        await api.call("insight/RecordExchangeRate", variables, house.token)
    await api.call("insight/SetBaseCurrency", {"input": {"currency": "EUR"}}, house.token)


def _accounts(data: Row) -> list[Row]:
    found: list[Row] = data["accounts"]
    return found


def api_dashboard(connection: Connection, port: int, house: Household) -> Operation:
    request = graphql_request("127.0.0.1", port, house.token, operation("insight/Dashboard"), RANGE)

    async def run() -> bool:
        status, body = await connection.send(request)
        return not failed(status, body) and b'"netWorth"' in body

    return run


async def check(api: Api, db: AsyncDatabase[Row], house: Household, savings: Household) -> Row:
    """The dashboard's net worth at the end of 2024 equals the entries' sum up to then (the
    two EUR accounts) plus the USD account converted at December's rate."""
    data = await api.call("insight/Dashboard", RANGE, house.token)
    board = data["dashboard"]
    december = board["netWorth"][-1]
    end = datetime(2025, 1, 1, tzinfo=UTC)
    ids = [house.account_id, savings.account_id]
    cursor = await db["transactions"].aggregate([
        {"$match": {"account_id": {"$in": ids}, "booking_date": {"$lt": end}}},
        {"$group": {"_id": None, "total": {"$sum": "$amount"}}},
    ])  # fmt: skip
    rows = await cursor.to_list(None)
    euros = Decimal(rows[0]["total"] if rows else 0) / 100
    dollars = await _usd_at_end_of_2024(db, house)
    want = euros + (dollars * Decimal(RATES[-1][1])).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    got = None if december["total"] is None else Decimal(december["total"]["amount"])
    return {
        "net_worth_end_2024": str(got),
        "net_worth_from_entries": str(want),
        "net_worth_matches_entries": got == want,
        "missing": december["missing"],
        "envelopes_with_spending": len(board["spendingByEnvelope"]),
        "payees": len(board["spendingByPayee"]),
    }


async def _usd_at_end_of_2024(db: AsyncDatabase[Row], house: Household) -> Decimal:
    """The USD account is opened today: nothing of it is booked in 2024."""
    account = await db["accounts"].find_one({"owner_id": house.user_id, "currency": "USD"})
    if account is None:
        return Decimal(0)
    end = datetime(2025, 1, 1, tzinfo=UTC)
    cursor = await db["transactions"].aggregate([
        {"$match": {"account_id": account["_id"], "booking_date": {"$lt": end}}},
        {"$group": {"_id": None, "total": {"$sum": "$amount"}}},
    ])  # fmt: skip
    rows = await cursor.to_list(None)
    return Decimal(rows[0]["total"] if rows else 0) / 100


async def dashboard(plan: Plan, rig: Rig, seeded: History) -> tuple[Row, list[Target], Row]:
    """The dashboard of 2024 for the seeded household, one request at a time."""
    house, savings = seeded.checking, seeded.savings
    await prepare(rig.api, rig.db, house, savings)
    checks = {"dashboard": await check(rig.api, rig.db, house, savings)}
    connection = await Connection.open("127.0.0.1", rig.port)
    samples: list[Sample] = []
    try:
        for _ in range(plan.repeat):
            run = api_dashboard(connection, rig.port, house)
            sample = await sequential(run, 10, plan.requests, rig.probe)
            samples.append(sample)
            s = sample.summary()
            print(f"  dashboard api: p50 {s['p50_ms']:.1f} ms, p90 {s['p90_ms']:.1f} ms, "
                  f"p99 {s['p99_ms']:.1f} ms, {s['failures']} failed", flush=True)  # fmt: skip
    finally:
        await connection.close()
    found = figure(samples)
    found["p95_ms"] = repeated([{"p95": percentile(s.latencies_ms, 95)} for s in samples], "p95")
    targets = [
        target("dashboard, 12 months (household of 1M entries): API p50",
               found["p50_ms"]["values"], 100, "<=", "ms"),
    ]  # fmt: skip
    return {"runs": found}, targets, checks
