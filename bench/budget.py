"""The budget view of the seeded account (1,000,000 entries), through the API.

The account gets 30 envelopes with plans (the seeded eight plus 22 new, empty ones) and five
saving goals with a date (their pace reads the three periods before), once. Then the shipped
`Budget` query asks for two months of the seeded history (8,000-odd entries each), each
compared with the single-envelope totals query of the same month (`Totals` filtered by one
envelope):
- "latest": December 2024, the last month of the history: what the current period of an
  account with ten years behind it costs (the view sums the per-month figures from the
  period on, so the current period reads a month or two of them). The targets judge this one.
- "deep": June 2020, four and a half years back: the figures of every later month are summed
  (by the server), so a period far back costs more; reported, not judged.
A check compares the view's funded and spent of every envelope with an aggregate over the
month's entries, for both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from bench.gql import Api, Household, operation, raw_id
from bench.loadgen import Connection, Operation, failed, graphql_request

Row = dict[str, Any]
ENVELOPES = 30
PERIODS = {
    "latest": (date(2024, 12, 1), date(2025, 1, 1)),
    "deep": (date(2020, 6, 1), date(2020, 7, 1)),
}
GOALS = 5


async def prepare(api: Api, accounts: AsyncCollection[Row], house: Household) -> None:
    """Plans on 30 envelopes and five goals (idempotent: a rerun finds them). The plans are
    set through the API, so they apply from the current period on; their history is then
    moved back to 2015 in the stored account (a seeding shortcut, as for the entries), so
    that June 2020 has them too."""
    data = await api.call("ledger/Account", {"id": house.account_gid}, house.token)
    envelopes = {
        e["name"]: e["id"] for e in data["account"]["envelopes"] if e["name"] != "Available"
    }
    missing = [f"Planned {i:02}" for i in range(ENVELOPES - len(envelopes))]
    missing = [name for name in missing if name not in envelopes]
    if len(envelopes) < ENVELOPES and missing:
        made = await api.call(
            "ledger/CreateEnvelopes",
            {"input": {"accountId": house.account_gid, "names": missing}},
            house.token,
        )
        envelopes.update({e["name"]: e["id"] for e in made["createEnvelopes"]["envelopes"]})
    for i, envelope_id in enumerate(sorted(envelopes.values())[:ENVELOPES]):
        plan = {"accountId": house.account_gid, "envelopeId": envelope_id,
                "amount": f"{50 + i}.00"}  # fmt: skip
        await api.call("ledger/SetPlan", {"input": plan}, house.token)
        if i < GOALS:
            goal = {"accountId": house.account_gid, "envelopeId": envelope_id, "kind": "SAVE",
                    "target": "5000.00", "targetDate": "2035-12-31", "priority": i + 1}  # fmt: skip
            await api.call("ledger/SetGoal", {"input": goal}, house.token)
    await accounts.update_one(
        {"_id": house.account_id},
        {"$set": {"envelopes.$[planned].plans.0.since": datetime(2015, 1, 1, tzinfo=UTC)}},
        array_filters=[{"planned.plans.0": {"$exists": True}}],
    )


def api_budget(connection: Connection, port: int, house: Household, period: str) -> Operation:
    variables = {"id": house.account_gid, "period": PERIODS[period][0].isoformat()}
    request = graphql_request("127.0.0.1", port, house.token, operation("ledger/Budget"), variables)

    async def run() -> bool:
        status, body = await connection.send(request)
        return not failed(status, body) and b'"endBalance"' in body

    return run


def api_envelope_totals(
    connection: Connection, port: int, house: Household, period: str
) -> Operation:
    """The single-envelope totals query of the same month."""
    first, until = PERIODS[period]
    last = date.fromordinal(until.toordinal() - 1)
    filter_ = {"envelopeId": house.envelope_gids["Food"], "dateFrom": first.isoformat(),
               "dateTo": last.isoformat()}  # fmt: skip
    variables = {"id": house.account_gid, "filter": filter_}
    request = graphql_request("127.0.0.1", port, house.token, operation("ledger/Totals"), variables)

    async def run() -> bool:
        status, body = await connection.send(request)
        return not failed(status, body) and b'"count"' in body

    return run


async def check_budget(
    api: Api, entries: AsyncCollection[Row], house: Household, period: str
) -> Row:
    """Funded and spent of every envelope in the view equal an aggregate over the entries."""
    first, until = PERIODS[period]
    data = await api.call(
        "ledger/Budget", {"id": house.account_gid, "period": first.isoformat()}, house.token
    )
    budget = data["account"]["budget"]
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(until.year, until.month, until.day, tzinfo=UTC)
    cursor = await entries.aggregate([
        {"$match": {"account_id": house.account_id, "booking_date": {"$gte": start, "$lt": end}}},
        {"$unwind": "$lines"},
        {"$group": {"_id": {"envelope": "$lines.envelope_id",
                            "spent": {"$eq": ["$flow", "expense"]}},
                    "sum": {"$sum": "$lines.amount"}}},
    ])  # fmt: skip
    raw: dict[Any, dict[bool, int]] = {}
    for row in await cursor.to_list(None):
        raw.setdefault(row["_id"]["envelope"], {})[row["_id"]["spent"]] = row["sum"]
    mismatches = []
    for row in budget["envelopes"]:
        envelope = raw_id(row["envelope"]["id"])
        want = raw.get(envelope, {})
        funded, spent = _minor(row["funded"]["amount"]), _minor(row["spent"]["amount"])
        if (funded, spent) != (want.get(False, 0), -want.get(True, 0)):
            mismatches.append(row["envelope"]["name"])
    return {
        "envelopes": len(budget["envelopes"]),
        "planned_envelopes": sum(1 for e in budget["envelopes"] if e["plan"]),
        "entries_in_period": await entries.count_documents(
            {"account_id": house.account_id, "booking_date": {"$gte": start, "$lt": end}}
        ),
        "figures_match_raw_aggregate": not mismatches,
        "mismatched": mismatches,
    }


def _minor(amount: str) -> int:
    return int(Decimal(amount) * 100)
