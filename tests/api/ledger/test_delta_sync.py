"""Delta sync through GraphQL (real MongoDB): `changes(since:)` walked while writers run, the
stamp (`rev`) of every path that changes an entry, a schedule or a payment source, tombstones,
cross-user isolation, and bad cursors.

A `Replica` is what a client keeps: it applies each page by id (tombstones remove) and
counts the deliveries of each object state. Entries only move forward in these tests
(recorded, then cleared, reconciled or undone; never back), so two deliveries of the same
entry in the same state would be one change delivered twice.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from typing import Any

from tests.api.ledger.test_money_movements import budget, fund
from tests.ledger_client import Member

Row = dict[str, Any]
SYNC_OPERATIONS = {"Changes"}


class Replica:
    """A client's local copy, built from pages of changes."""

    def __init__(self) -> None:
        self.accounts: dict[str, Row] = {}
        self.transactions: dict[str, Row] = {}
        self.schedules: dict[str, Row] = {}
        self.sources: dict[str, Row] = {}
        self.removed: list[tuple[str, str]] = []
        self.deliveries: Counter[str] = Counter()
        self.cursor: str | None = None
        self.pages = 0

    def apply(self, page: Row) -> None:
        self.pages += 1
        for account in page["accounts"]:
            self.accounts[account["id"]] = account
        for kind, rows in (
            ("Transaction", page["transactions"]),
            ("Schedule", page["schedules"]),
            ("PaymentSource", page["paymentSources"]),
        ):
            for row in rows:
                self._held(kind)[row["id"]] = row
                self.deliveries[json.dumps([kind, row], sort_keys=True)] += 1
        for tombstone in page["tombstones"]:
            self._remove(tombstone["type"], tombstone["id"])
        self.cursor = page["cursor"]

    def _held(self, kind: str) -> dict[str, Row]:
        return {
            "Transaction": self.transactions,
            "Schedule": self.schedules,
            "PaymentSource": self.sources,
            "Account": self.accounts,
        }[kind]

    def _remove(self, kind: str, object_id: str) -> None:
        self.removed.append((kind, object_id))
        if kind == "Envelope":  # the account it was in came along with the tombstone
            assert all(object_id not in envelope_ids(a) for a in self.accounts.values())
            return
        self._held(kind).pop(object_id, None)
        if kind == "Account":
            for held in (self.transactions, self.sources):
                for key in [k for k, row in held.items() if row["accountId"] == object_id]:
                    del held[key]
            for key in [k for k, s in self.schedules.items() if s["account"]["id"] == object_id]:
                del self.schedules[key]

    def repeats(self) -> list[str]:
        return [state for state, n in self.deliveries.items() if n > 1]

    def content(self) -> tuple[Any, ...]:
        return (self.accounts, self.transactions, self.schedules, self.sources)


def envelope_ids(account: Row) -> set[str]:
    return {e["id"] for e in account["envelopes"]}


async def page(member: Member, since: str | None, first: int | None = None) -> Row:
    variables: Row = {"since": since}
    if first is not None:
        variables["first"] = first
    reply = await member.send("Changes", variables)
    assert reply.errors == [], reply.errors
    found: Row = reply.data["changes"]
    return found


async def sync(member: Member, replica: Replica | None = None, first: int = 50) -> Replica:
    """Walk the pages until none waits."""
    replica = replica or Replica()
    while True:
        found = await page(member, replica.cursor, first)
        replica.apply(found)
        if not found["hasMore"]:
            return replica


async def delta(member: Member, replica: Replica) -> Row:
    """One page from where `replica` stands, applied; it must be the last one."""
    found = await page(member, replica.cursor, 1000)
    replica.apply(found)
    assert not found["hasMore"]
    return found


# --- the walk while writes happen ----------------------------------------------------------


class Writers:
    """Concurrent writers over HTTP, each keeping what it did."""

    def __init__(self, ana: Member, accounts: list[str], ids: dict[str, dict[str, str]]):
        self.ana, self.accounts, self.ids = ana, accounts, ids
        self.expenses: list[str] = []
        self.moves: list[str] = []
        self.undone: set[str] = set()
        self.reversals: list[str] = []
        self.cleared: set[str] = set()
        self.schedules: set[str] = set()
        self.deleted_schedules: set[str] = set()
        self.deleted_envelopes: set[str] = set()
        self.rng = random.Random(7)

    async def spend(self, count: int) -> None:
        for i in range(count):
            account = self.accounts[i % 2]
            envelope = self.ids[account]["Food" if i % 3 else "Rent"]
            payload = await self.ana.do(
                "RecordExpense", accountId=account, amount="1.25", envelopeId=envelope,
                payee=f"Shop {i}",
            )  # fmt: skip
            self.expenses.append(payload["transaction"]["id"])
            await asyncio.sleep(0)

    async def move(self, count: int) -> None:
        for i in range(count):
            account = self.accounts[i % 2]
            ids = self.ids[account]
            payload = await self.ana.do(
                "MoveMoney", accountId=account, fromEnvelopeId=ids["Available"],
                toEnvelopeId=ids["Food"], amount="0.50",
            )  # fmt: skip
            self.moves.append(payload["transaction"]["id"])

    async def undo(self, count: int) -> None:
        while len(self.undone) < count:
            candidates = [e for e in self.expenses if e not in self.undone | self.cleared]
            if not candidates:
                await asyncio.sleep(0.01)
                continue
            target = self.rng.choice(candidates)
            self.undone.add(target)  # claimed first: the clearing writer leaves it alone
            payload = await self.ana.do("UndoTransaction", id=target)
            self.reversals += [r["id"] for r in payload["reversals"]]

    async def clear(self, count: int) -> None:
        while len(self.cleared) < count:
            candidates = [e for e in self.moves if e not in self.cleared]
            if not candidates:
                await asyncio.sleep(0.01)
                continue
            chosen = candidates[0]  # (entries of one account at a time)
            self.cleared.add(chosen)
            await self.ana.do("SetTransactionsCleared", ids=[chosen], cleared=True)

    async def schedule(self, count: int) -> None:
        account = self.accounts[0]
        for i in range(count):
            payload = await self.ana.do(
                "CreateSchedule", accountId=account, name=f"Bill {i}", kind="EXPENSE",
                amount="3.00", envelopeId=self.ids[account]["Rent"],
                recurrence={"frequency": "MONTHLY", "startDate": "2030-01-01"},
            )  # fmt: skip
            self.schedules.add(payload["schedule"]["id"])
            if i % 2:
                victim = payload["schedule"]["id"]
                await self.ana.do("DeleteSchedule", id=victim)
                self.schedules.discard(victim)
                self.deleted_schedules.add(victim)

    async def churn_envelopes(self, count: int) -> None:
        account = self.accounts[1]
        for i in range(count):
            payload = await self.ana.do("CreateEnvelopes", accountId=account, names=[f"Tmp {i}"])
            [created] = payload["envelopes"]
            await self.ana.do("DeleteEnvelope", accountId=account, envelopeId=created["id"])
            self.deleted_envelopes.add(created["id"])


async def test_a_client_walking_changes_while_writers_run_ends_with_exactly_what_they_did(
    ana: Member,
) -> None:
    accounts, ids = [], {}
    for name in ("Checking", "Savings"):
        account_id, envelope_ids_ = await budget(ana, "1000.00", name=name)
        await fund(ana, account_id, envelope_ids_, "Food", "300.00")
        await fund(ana, account_id, envelope_ids_, "Rent", "300.00")
        accounts.append(account_id)
        ids[account_id] = envelope_ids_
    writers = Writers(ana, accounts, ids)
    replica = Replica()
    work = asyncio.gather(
        writers.spend(24), writers.move(16), writers.undo(8), writers.clear(8),
        writers.schedule(6), writers.churn_envelopes(3),
    )  # fmt: skip
    running = asyncio.ensure_future(work)
    while not running.done():  # the client syncs in small pages while the writes go on
        replica.apply(await page(ana, replica.cursor, 5))
    await running
    await sync(ana, replica, first=5)

    fresh = await sync(ana, first=7)
    assert replica.content() == fresh.content()
    assert replica.repeats() == []
    assert replica.pages > fresh.pages
    # What the writers did, as the ordinary queries show it, is what the replica holds.
    for account_id in accounts:
        account = (await ana.query("Accounts"))["accounts"]
        [shown] = [a for a in account if a["id"] == account_id]
        assert replica.accounts[account_id]["balance"] == shown["balance"]
        history = await all_entries(ana, account_id)
        held = [t for t in replica.transactions.values() if t["accountId"] == account_id]
        assert sorted(t["id"] for t in held) == sorted(e["id"] for e in history)
        by_id = {e["id"]: e for e in history}
        for t in held:
            assert t["undone"] == by_id[t["id"]]["undone"]
            assert t["cleared"] == by_id[t["id"]]["cleared"]
    held = replica.transactions
    assert {i for i, t in held.items() if t["undone"]} == writers.undone
    assert {i for i, t in held.items() if t["cleared"] == "CLEARED"} == writers.cleared
    assert set(writers.reversals) <= set(held)
    assert len(held) == 2 * 3 + len(writers.expenses) + len(writers.moves) + len(writers.undone)
    assert set(replica.schedules) == writers.schedules
    removed = set(replica.removed)
    assert {("Schedule", i) for i in writers.deleted_schedules} <= removed
    assert {("Envelope", i) for i in writers.deleted_envelopes} <= removed
    live = set().union(*(envelope_ids(a) for a in replica.accounts.values()))
    assert not live & writers.deleted_envelopes


async def all_entries(member: Member, account_id: str) -> list[Row]:
    found, after = [], None
    while True:
        reply = await member.query("Transactions", id=account_id, first=100, after=after)
        connection = reply["account"]["transactions"]
        found += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return found
        after = connection["pageInfo"]["endCursor"]
