"""History pages and totals of the seeded account, through the API and with PyMongo.

Page N of `transactions(first: 50)` is asked for with the cursor of the last row of page
N-1, computed once from a raw query with `encode_cursor(row, HISTORY_SORT)`; a check
compares that cursor with what walking through the API gives for page 2, and the first
entry of every measured page with the raw page. The raw page is the keyset find that
`app/persistence/keyset.py fetch_page` runs: 51 rows after the cursor, in history order.

Totals go through the shipped Totals query for one month, one year and all time; the raw
baseline is the aggregate over the entries that totals ran before the per-month figures
(`EntryRepository.totals`: $match on the account and booking-date range, $group by flow).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.keyset import encode_cursor
from app.persistence.repositories.entries import HISTORY_SORT
from bench.gql import Api, Household, operation
from bench.loadgen import Connection, Operation, failed, graphql_request

PAGE_SIZE = 50
Row = dict[str, Any]
PERIODS = {
    "month": (date(2020, 6, 1), date(2020, 6, 30)),
    "year": (date(2020, 1, 1), date(2020, 12, 31)),
    "all": (None, None),
}


@dataclass(frozen=True)
class PageTarget:
    number: int
    after: Row | None  # the sort key (booking_date, seq) of the last row of the page before

    @property
    def cursor(self) -> str | None:
        return encode_cursor(self.after, HISTORY_SORT) if self.after else None


async def page_target(entries: AsyncCollection[Row], house: Household, number: int) -> PageTarget:
    if number == 1:
        return PageTarget(1, None)
    rows = (
        await entries.find(
            {"account_id": house.account_id}, {"_id": 0, "booking_date": 1, "seq": 1}
        )
        .sort(HISTORY_SORT)
        .skip((number - 1) * PAGE_SIZE - 1)
        .limit(1)
        .to_list()
    )
    return PageTarget(number, rows[0])


def keyset_query(house: Household, after: Row | None) -> Row:
    """The filter `fetch_page` builds for the rows strictly after `after` in history order."""
    query: Row = {"account_id": house.account_id}
    if after is None:
        return query
    beyond = {"$or": [
        {"booking_date": {"$lt": after["booking_date"]}},
        {"booking_date": after["booking_date"], "seq": {"$lt": after["seq"]}},
    ]}  # fmt: skip
    return {"$and": [query, beyond]}


def raw_page(entries: AsyncCollection[Row], house: Household, target: PageTarget) -> Operation:
    query = keyset_query(house, target.after)

    async def run() -> bool:
        rows = await entries.find(query).sort(HISTORY_SORT).limit(PAGE_SIZE + 1).to_list()
        return len(rows) > 0

    return run


def _transactions_variables(house: Household, cursor: str | None) -> Row:
    return {"id": house.account_gid, "first": PAGE_SIZE, "after": cursor}


def api_page(connection: Connection, port: int, house: Household, target: PageTarget) -> Operation:
    request = graphql_request(
        "127.0.0.1", port, house.token, operation("ledger/Transactions"),
        _transactions_variables(house, target.cursor),
    )  # fmt: skip

    async def run() -> bool:
        status, body = await connection.send(request)
        return not failed(status, body) and b'"edges"' in body

    return run


async def check_pages(
    api: Api, entries: AsyncCollection[Row], house: Household, targets: list[PageTarget]
) -> dict[str, Any]:
    """The computed cursor equals the one walking gives; each page starts where raw does."""
    first = await api.call("ledger/Transactions", _transactions_variables(house, None), house.token)
    walked = first["account"]["transactions"]["pageInfo"]["endCursor"]
    computed = (await page_target(entries, house, 2)).cursor
    starts = {}
    for target in targets:
        data = await api.call(
            "ledger/Transactions", _transactions_variables(house, target.cursor), house.token
        )
        edges = data["account"]["transactions"]["edges"]
        rows = (
            await entries.find(keyset_query(house, target.after)).sort(HISTORY_SORT).limit(1)
            .to_list()
        )  # fmt: skip
        starts[str(target.number)] = {
            "api_first_sequence": edges[0]["node"]["sequence"] if edges else None,
            "raw_first_sequence": rows[0]["seq"] if rows else None,
            "rows": len(edges),
        }
    same_starts = all(s["api_first_sequence"] == s["raw_first_sequence"] for s in starts.values())
    return {
        "page2_cursor_matches_walk": computed == walked,
        "pages_start_like_raw": same_starts,
        "pages": starts,
    }


def _filter(period: str) -> Row | None:
    first, last = PERIODS[period]
    if first is None or last is None:
        return None
    return {"dateFrom": first.isoformat(), "dateTo": last.isoformat()}


def api_totals(connection: Connection, port: int, house: Household, period: str) -> Operation:
    variables = {"id": house.account_gid, "filter": _filter(period)}
    request = graphql_request("127.0.0.1", port, house.token, operation("ledger/Totals"), variables)

    async def run() -> bool:
        status, body = await connection.send(request)
        return not failed(status, body) and b'"count"' in body

    return run


def _totals_pipeline(house: Household, period: str) -> list[Row]:
    first, last = PERIODS[period]
    match: Row = {"account_id": house.account_id}
    if first is not None and last is not None:
        match["booking_date"] = {
            "$gte": datetime(first.year, first.month, first.day, tzinfo=UTC),
            "$lte": datetime(last.year, last.month, last.day, tzinfo=UTC),
        }
    return [
        {"$match": match},
        {"$group": {"_id": "$flow", "sum": {"$sum": "$amount"}, "n": {"$sum": 1}}},
        {"$project": {"_id": 0, "flow": "$_id", "sum": 1, "n": 1}},
    ]


def raw_totals(entries: AsyncCollection[Row], house: Household, period: str) -> Operation:
    pipeline = _totals_pipeline(house, period)

    async def run() -> bool:
        cursor = await entries.aggregate(pipeline)
        return bool(await cursor.to_list(None))

    return run


async def check_totals(api: Api, entries: AsyncCollection[Row], house: Household) -> Row:
    """The API's count (from per-month figures) equals the raw aggregate's, per period."""
    found: Row = {}
    for period in PERIODS:
        data = await api.call(
            "ledger/Totals", {"id": house.account_gid, "filter": _filter(period)}, house.token
        )
        cursor = await entries.aggregate(_totals_pipeline(house, period))
        groups = await cursor.to_list(None)
        raw_count = sum(g["n"] for g in groups)
        found[period] = {
            "api_count": data["account"]["totals"]["count"],
            "raw_count": raw_count,
            "same": data["account"]["totals"]["count"] == raw_count,
        }
    return found
