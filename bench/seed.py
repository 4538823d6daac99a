"""A household with a long history, written straight into MongoDB in bulk.

The user and two accounts (checking with eight envelopes, savings) are created through the
API; then `entries` entries (the opening entry included) are generated and inserted with
`insert_many`, shaped exactly as `LockedAccount.record` writes them: incomes split over
envelopes, expenses (some split), moves between envelopes and transfers to the savings
account (two linked legs). Booking dates spread over ten years, some of them back-dated by a
few days, so booking order and recording order differ as in real use. Sequence numbers are
gapless, `balance_after` is the running balance, no envelope goes below zero. Afterwards the
accounts get their final balances, envelopes and seq, and
`app.persistence.repositories.month_totals.rebuild_month_totals` computes the per-month figures.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from app.persistence.repositories.month_totals import rebuild_month_totals
from bench.gql import Api, Household, open_household

Row = dict[str, Any]
ENVELOPES = ["Rent", "Food", "Transport", "Utilities", "Fun", "Holidays", "Health", "Gifts"]
FIRST_DAY = datetime(2015, 1, 1, tzinfo=UTC)
DAYS = 3652  # 2015-01-01 .. 2024-12-31
PAYEES = [
    "Supermarket", "Bakery", "Pharmacy", "Railways", "Petrol station", "Landlord", "Power Co",
    "Water Board", "Cinema", "Bookshop", "Restaurant", "Café", "Dentist", "Toy shop",
    "Airline", "Hotel", "Market", "Butcher", "Bike shop", "Internet Co",
]  # fmt: skip
BATCH = 5000


@dataclass
class History:
    """What was seeded; kept with the cached database so a later run can find it again."""

    email: str
    checking: Household
    savings: Household
    entries: int
    savings_entries: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step of seeding


class _Writer:
    """Generates one account's entries and keeps its running state. Envelopes are known by
    their position in `names` while generating (cheaper than hashing ObjectIds a million
    times); lines are (position, amount) pairs with distinct positions."""

    def __init__(self, house: Household, names: list[str], seq: int) -> None:
        self.house = house
        self.account_id = house.account_id
        self.user_id = house.user_id
        self.ids = [house.envelope_id(n) for n in names]
        self.balances = [0] * len(names)
        self.seq = seq
        self.balance = 0

    def final_balances(self) -> dict[ObjectId, int]:
        return dict(zip(self.ids, self.balances, strict=True))

    def entry(self, kind: str, day: datetime, at: datetime, lines: list[tuple[int, int]],
              payee: str | None = None, memo: str | None = None, tags: list[str] | None = None,
              ) -> Row:  # fmt: skip
        amount = 0
        for envelope, part in lines:
            self.balances[envelope] += part
            amount += part
        self.seq += 1
        self.balance += amount
        size = abs(amount) if amount else lines[-1][1]  # a move: the amount moved
        ids = self.ids
        return {
            "_id": ObjectId(), "account_id": self.account_id, "seq": self.seq, "kind": kind,
            "flow": kind, "booking_date": day, "amount": amount, "size": size,
            "currency": "EUR",
            "lines": [{"envelope_id": ids[e], "amount": a} for e, a in lines],
            "envelope_ids": [ids[e] for e, _ in lines],
            "payee": payee, "memo": memo, "tags": tags or [], "balance_after": self.balance,
            "recorded_by": self.user_id, "recorded_at": at, "reverses": None,
            "reversed_by": None, "counterpart_id": None, "counterpart_account_id": None,
            "payment_source_id": None, "idempotency_key": None,
        }  # fmt: skip


def _generate(checking: _Writer, savings: _Writer, count: int) -> Iterator[list[Row]]:
    """Batches of entries (both accounts) until `checking` has `count` more entries.
    Checking's envelopes: 0 is Available, 1..8 the spending envelopes; savings: 0."""
    rng = random.Random(20240101)  # noqa: S311 (test data, not secrets)
    draw = rng.random
    spend = len(ENVELOPES)
    days = [FIRST_DAY + timedelta(days=d) for d in range(DAYS)]
    balances = checking.balances
    batch: list[Row] = []
    for i in range(count):
        day_index = i * DAYS // count
        at = days[day_index] + timedelta(seconds=36000 + i % 36000)
        day = days[max(0, day_index - int(draw() * 6))] if draw() < 0.1 else days[day_index]
        roll = draw()
        source = 1 + int(draw() * spend)
        amount = 100 + int(draw() * 11900)
        if roll < 0.03 or balances[source] < amount:
            pay = 200000 + int(draw() * 200000)
            targets = [1 + e for e in rng.sample(range(spend), 3)]
            if balances[source] < amount and source not in targets:
                targets.append(source)
            lines = [(e, pay // 5) for e in targets]
            lines.append((0, pay - len(targets) * (pay // 5)))
            batch.append(checking.entry("income", day, at, lines, payee="Employer"))
        elif roll < 0.75:
            lines = [(source, -amount)]
            other = 1 + int(draw() * spend)
            if roll < 0.10 and other != source and balances[other] >= amount:
                lines = [(source, -(amount // 2)), (other, -(amount - amount // 2))]
            memo = "weekly shop" if roll < 0.2 else None
            tags = ["groceries"] if roll < 0.15 else None
            payee = PAYEES[int(draw() * len(PAYEES))]
            batch.append(checking.entry("expense", day, at, lines, payee, memo, tags))
        elif roll < 0.90:
            target = 1 + (source + int(draw() * (spend - 1))) % spend  # any other envelope
            batch.append(checking.entry("move", day, at, [(source, -amount), (target, amount)]))
        else:
            out = checking.entry("transfer", day, at, [(source, -amount)])
            into = savings.entry("transfer", day, at, [(0, amount)])
            out["counterpart_id"], into["counterpart_id"] = into["_id"], out["_id"]
            out["counterpart_account_id"] = savings.account_id
            into["counterpart_account_id"] = checking.account_id
            batch += [out, into]
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _insert(db: AsyncDatabase[Row], batches: Iterator[list[Row]]) -> None:
    """Insert batches, two in flight, so generating the next overlaps MongoDB's work."""
    entries = db["transactions"]
    pending: list[asyncio.Task[Any]] = []
    for batch in batches:
        pending.append(asyncio.create_task(entries.insert_many(batch, ordered=False)))
        if len(pending) >= 2:
            await pending.pop(0)
        await asyncio.sleep(0)
    await asyncio.gather(*pending)


async def _finish_account(db: AsyncDatabase[Row], writer: _Writer) -> None:
    row = await db["accounts"].find_one({"_id": writer.account_id})
    if row is None:
        raise RuntimeError("seeded account vanished")
    balances = writer.final_balances()
    for envelope in row["envelopes"]:
        envelope["balance"] = balances.get(envelope["id"], envelope["balance"])
    await db["accounts"].update_one(
        {"_id": writer.account_id},
        {"$set": {"envelopes": row["envelopes"], "balance": writer.balance, "seq": writer.seq,
                  "updated_at": datetime.now(UTC)}, "$inc": {"version": 1}},
    )  # fmt: skip
    # The account was opened today, but its history starts ten years ago: so does the
    # opening entry (it must stay the oldest entry in booking order too).
    await db["transactions"].update_one(
        {"account_id": writer.account_id, "seq": 1},
        {"$set": {"booking_date": FIRST_DAY, "recorded_at": FIRST_DAY}},
    )
    await rebuild_month_totals(db, writer.account_id)


async def seed(api: Api, db: AsyncDatabase[Row], entries: int, run_id: str) -> History:
    """Create the household through the API and give its checking account `entries`
    entries in total (the opening entry is #1)."""
    began = time.perf_counter()
    email = f"history-{run_id}@bench.example"
    checking = await open_household(api, email, ENVELOPES)
    savings = await open_household(
        api, email, [], "SAVINGS", token_and_user=(checking.token, checking.user_id)
    )
    check_writer = _Writer(checking, ["Available", *ENVELOPES], seq=1)
    save_writer = _Writer(savings, ["Available"], seq=1)
    steps = {"accounts": time.perf_counter() - began}
    await _insert(db, _generate(check_writer, save_writer, entries - 1))
    steps["insert"] = time.perf_counter() - began - sum(steps.values())
    await _finish_account(db, check_writer)
    await _finish_account(db, save_writer)
    steps["month_totals"] = time.perf_counter() - began - sum(steps.values())
    await db.client.admin.command("fsync")  # settle the bulk load before measuring
    steps["fsync"] = time.perf_counter() - began - sum(steps.values())
    return History(
        email, checking, savings, check_writer.seq, save_writer.seq,
        time.perf_counter() - began, {k: round(v, 2) for k, v in steps.items()},
    )  # fmt: skip
