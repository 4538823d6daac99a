"""Money mutations: moveMoney and recordExpense through the API, next to the same database
work done with PyMongo directly.

Every concurrent worker owns one account (a household does not have dozens of people writing
to one account at the same moment; contention on one account is a different question). The
API run sends the shipped MoveMoney / RecordExpense documents; a move goes Rent → Fun and
back, so balances never run out, and an expense takes 0.01 from Food.

The raw run repeats what the service writes for one such change, in one transaction with
read concern snapshot and write concern majority (`app/persistence/unit_of_work.py`):
lock the account by `$inc version` (find_one_and_update), `$set` its envelopes, balance,
seq and updated_at, insert the entry, and upsert the per-month figures (`month_totals`) of
the account and of each envelope the entry touches, and for spending the month's figure of
its payee (`payee_month_totals`, one more bulk write, as the service does). It keeps the same
documents consistent, so API and raw runs can take turns on the same accounts.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient, ReadPreference, ReturnDocument, UpdateOne, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.read_concern import ReadConcern

from bench.gql import Api, Household, fund, gather_limited, open_household, operation
from bench.loadgen import (
    Connection,
    Operation,
    Probe,
    closed_loop,
    graphql_request,
    http_operation,
)
from bench.stats import Sample

ENVELOPES = ["Rent", "Food", "Fun"]
Row = dict[str, Any]


async def households(api: Api, count: int, run_id: str) -> list[Household]:
    """One funded account per worker, created through the API."""

    async def one(i: int) -> Household:
        household = await open_household(api, f"load-{run_id}-{i}@bench.example", ENVELOPES)
        await fund(api, household, "1000000.00", {"Rent": "400000.00", "Food": "400000.00"})
        return household

    return list(await gather_limited(8, [one(i) for i in range(count)]))


def _move_requests(port: int, house: Household) -> list[bytes]:
    document = operation("ledger/MoveMoney")
    rent, fun = house.envelope_gids["Rent"], house.envelope_gids["Fun"]
    return [
        graphql_request("127.0.0.1", port, house.token, document, {"input": {
            "accountId": house.account_gid, "fromEnvelopeId": a, "toEnvelopeId": b,
            "amount": "1.00"}})
        for a, b in ((rent, fun), (fun, rent))
    ]  # fmt: skip


def _expense_requests(port: int, house: Household) -> list[bytes]:
    variables = {"input": {
        "accountId": house.account_gid, "envelopeId": house.envelope_gids["Food"],
        "amount": "0.01", "payee": "Bakery"}}  # fmt: skip
    return [graphql_request("127.0.0.1", port, house.token, operation("ledger/RecordExpense"),
                            variables)]  # fmt: skip


async def api_run(
    port: int, houses: list[Household], kind: str, warmup: float, duration: float, probe: Probe
) -> Sample:
    build = _move_requests if kind == "move" else _expense_requests
    connections = [await Connection.open("127.0.0.1", port) for _ in houses]
    try:
        operations = [
            http_operation(c, build(port, h)) for c, h in zip(connections, houses, strict=True)
        ]
        return await closed_loop(operations, warmup, duration, probe)
    finally:
        for connection in connections:
            await connection.close()


class RawLedger:
    """The service's writes for one move or expense, with PyMongo and nothing else."""

    def __init__(self, client: AsyncMongoClient[Row], db: AsyncDatabase[Row]) -> None:
        self.client = client
        self.accounts = db["accounts"]
        self.entries = db["transactions"]
        self.month_totals = db["month_totals"]
        self.payee_totals = db["payee_month_totals"]

    def operation(self, house: Household, kind: str) -> Operation:
        if kind == "move":
            rent, fun = house.envelope_id("Rent"), house.envelope_id("Fun")
            turns = itertools.cycle([[(rent, -100), (fun, 100)], [(fun, -100), (rent, 100)]])
            size, payee = 100, None
        else:
            turns = itertools.cycle([[(house.envelope_id("Food"), -1)]])
            size, payee = 1, "Bakery"

        async def run() -> bool:
            lines = next(turns)

            async def change(session: AsyncClientSession) -> None:
                await self._change(session, house, kind, lines, size, payee)

            async with self.client.start_session() as session:
                await session.with_transaction(
                    change,
                    read_concern=ReadConcern("snapshot"),
                    write_concern=WriteConcern("majority"),
                    read_preference=ReadPreference.PRIMARY,
                )
            return True

        return run

    async def _change(
        self, session: AsyncClientSession, house: Household, kind: str,
        lines: list[tuple[ObjectId, int]], size: int, payee: str | None,
    ) -> None:  # fmt: skip
        row = await self.accounts.find_one_and_update(
            {"_id": house.account_id, "member_ids": house.user_id},
            {"$inc": {"version": 1}},
            session=session,
            return_document=ReturnDocument.AFTER,
        )
        if row is None:
            raise RuntimeError("account not found")
        by_id = {e["id"]: e for e in row["envelopes"]}
        for envelope_id, amount in lines:
            if by_id[envelope_id]["balance"] + amount < 0:
                raise RuntimeError("insufficient funds")  # aborts, as the service would
            by_id[envelope_id]["balance"] += amount
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        amount = sum(a for _, a in lines)
        seq, balance = row["seq"] + 1, row["balance"] + amount
        await self.accounts.update_one(
            {"_id": house.account_id},
            {"$set": {"envelopes": row["envelopes"], "balance": balance, "seq": seq,
                      "updated_at": now}},
            session=session,
        )  # fmt: skip
        booking = datetime(now.year, now.month, now.day, tzinfo=UTC)
        entry = _entry(house, kind, seq, booking, amount, size, lines, payee, balance, now)
        await self.entries.insert_many([entry], ordered=True, session=session)
        month = datetime(now.year, now.month, 1, tzinfo=UTC)
        buckets = [(None, amount), *lines]
        await self.month_totals.bulk_write(
            [
                UpdateOne(
                    {"account_id": house.account_id, "envelope_id": envelope_id,
                     "month": month, "kind": kind, "flow": kind},
                    {"$inc": {"total": total, "entries": 1}},
                    upsert=True,
                )
                for envelope_id, total in buckets
            ],
            ordered=False,
            session=session,
        )  # fmt: skip
        if kind == "expense":  # spending is also counted per payee (`MonthTotals.add`)
            key = (payee or "").strip().casefold()
            await self.payee_totals.bulk_write(
                [UpdateOne({"account_id": house.account_id, "month": month, "payee": key},
                           {"$inc": {"total": amount, "entries": 1},
                            "$setOnInsert": {"name": payee}}, upsert=True)],
                ordered=False,
                session=session,
            )  # fmt: skip


def _entry(
    house: Household, kind: str, seq: int, booking: datetime, amount: int, size: int,
    lines: list[tuple[ObjectId, int]], payee: str | None, balance: int, now: datetime,
) -> Row:  # fmt: skip
    """An entry document exactly as `LockedAccount.record` shapes it."""
    return {
        "_id": ObjectId(), "account_id": house.account_id, "seq": seq, "kind": kind,
        "flow": kind, "booking_date": booking, "amount": amount, "size": size,
        "currency": "EUR",
        "lines": [{"envelope_id": e, "amount": a} for e, a in lines],
        "envelope_ids": list(dict.fromkeys(e for e, _ in lines)),
        "payee": payee, "memo": None, "tags": [], "balance_after": balance,
        "recorded_by": house.user_id, "recorded_at": now, "reverses": None,
        "reversed_by": None, "counterpart_id": None, "counterpart_account_id": None,
        "payment_source_id": None, "idempotency_key": None,
    }  # fmt: skip


async def raw_run(
    raw: RawLedger, houses: list[Household], kind: str, warmup: float, duration: float,
    probe: Probe,
) -> Sample:  # fmt: skip
    return await closed_loop([raw.operation(h, kind) for h in houses], warmup, duration, probe)
