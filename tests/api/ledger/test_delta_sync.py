"""Delta sync through GraphQL (real MongoDB): `changes(since:)` walked while writers run, the
stamp (`rev`) of every path that changes an entry, a schedule or a payment source, tombstones,
cross-user isolation, and bad cursors.

A `Replica` is what a client keeps: it applies each page by id (tombstones remove) and
counts the deliveries of each object state. In the walk, entries only move forward
(recorded, then cleared or undone; never back), so two deliveries of the same entry in the
same state would be one change delivered twice.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.core.ids import ObjectId
from app.services.container import Services
from app.services.sync import cursor as codec
from tests.api.ledger.test_money_movements import budget, fund
from tests.api.ledger.test_schedules import TODAY, services  # noqa: F401 (a fixture)
from tests.graphql_client import GraphQLClient
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


# A page the request-cost limit lets the example operation ask for (about 40 per object).
FULL_PAGE = 100


async def sync(member: Member, replica: Replica | None = None, first: int = FULL_PAGE) -> Replica:
    """Walk the pages until none waits."""
    replica = replica or Replica()
    while True:
        found = await page(member, replica.cursor, first)
        replica.apply(found)
        if not found["hasMore"]:
            return replica


async def delta(member: Member, replica: Replica) -> Row:
    """One page from where `replica` stands, applied; it must be the last one."""
    found = await page(member, replica.cursor, FULL_PAGE)
    replica.apply(found)
    assert not found["hasMore"]
    return found


# --- the walk while writes happen ----------------------------------------------------------


class Writers:
    """Concurrent writers over HTTP (and the scheduler's own passes), each keeping what it
    did. Entries only move forward: expenses may be undone, moves cleared and then
    reconciled; nothing is undone twice or uncleared."""

    def __init__(
        self, ana: Member, ben: Member, accounts: list[str], ids: dict[str, dict[str, str]]
    ) -> None:
        self.ana, self.ben, self.accounts, self.ids = ana, ben, accounts, ids
        self.expenses: list[str] = []
        self.moves: list[str] = []
        self.transfers: list[str] = []
        self.undone: set[str] = set()
        self.reversals: list[str] = []
        self.cleared: set[str] = set()
        self.adjustments: list[str] = []
        self.schedules: set[str] = set()
        self.deleted_schedules: set[str] = set()
        self.deleted_envelopes: set[str] = set()
        self.daily: str | None = None
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

    async def move(self, count: int) -> None:
        for i in range(count):
            account = self.accounts[i % 2]
            ids = self.ids[account]
            payload = await self.ana.do(
                "MoveMoney", accountId=account, fromEnvelopeId=ids["Available"],
                toEnvelopeId=ids["Food"], amount="0.50",
            )  # fmt: skip
            self.moves.append(payload["transaction"]["id"])

    async def transfer(self, count: int) -> None:
        for i in range(count):
            sender, receiver = self.accounts[i % 2], self.accounts[1 - i % 2]
            payload = await self.ana.do(
                "TransferMoney", fromAccountId=sender, toAccountId=receiver, amount="2.00"
            )
            self.transfers += [payload["outgoing"]["id"], payload["incoming"]["id"]]

    async def undo(self, count: int) -> None:
        while len(self.undone) < count:
            candidates = [e for e in self.expenses if e not in self.undone]
            if not candidates:
                await asyncio.sleep(0.01)
                continue
            target = self.rng.choice(candidates)
            self.undone.add(target)
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

    async def reconcile(self, count: int) -> None:
        """Reconcile what is cleared so far (many entries in one change), adjusting for
        what the clearing writer adds meanwhile."""
        today = iso(datetime.now(UTC).date())
        for i in range(count):
            await self._cleared_at_least(3 * (i + 1))  # something in both accounts
            account = self.accounts[i % 2]
            cleared = (await self.ana.account(account))["clearedBalance"]["amount"]
            payload = await self.ana.do(
                "ReconcileAccount", accountId=account, statementDate=today,
                statementBalance=cleared, adjust=True,
            )  # fmt: skip
            if payload["adjustment"] is not None:
                self.adjustments.append(payload["adjustment"]["id"])

    async def _cleared_at_least(self, count: int) -> None:
        while True:
            if len(self.cleared) >= count:
                return
            await asyncio.sleep(0.01)

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

    async def run_scheduler(self, app: Services, passes: int) -> None:
        """A daily schedule ten days overdue, posted by the scheduler's passes (postings
        and the schedule's bookkeeping, each in its own transaction)."""
        account = self.accounts[1]
        payload = await self.ana.do(
            "CreateSchedule", accountId=account, name="Daily", kind="EXPENSE", amount="0.10",
            envelopeId=self.ids[account]["Rent"],
            recurrence={"frequency": "DAILY", "startDate": iso(TODAY - timedelta(days=10))},
        )  # fmt: skip
        self.daily = payload["schedule"]["id"]
        self.schedules.add(self.daily)
        app.scheduler.settings.batch_size = 4  # several passes, several chunks each
        for _ in range(passes):
            await app.scheduler.run_pass()
            await asyncio.sleep(0.02)

    async def churn_envelopes(self, count: int) -> None:
        account = self.accounts[1]
        for i in range(count):
            payload = await self.ana.do("CreateEnvelopes", accountId=account, names=[f"Tmp {i}"])
            [created] = payload["envelopes"]
            await self.ana.do("DeleteEnvelope", accountId=account, envelopeId=created["id"])
            self.deleted_envelopes.add(created["id"])

    async def churn_membership(self) -> None:
        """Ben loses the shared account for a while, then gets it back."""
        shared = self.accounts[0]
        await asyncio.sleep(0.1)
        await self.ana.do("RemoveMember", accountId=shared, userId=self.ben.user["id"])
        await asyncio.sleep(0.2)
        await self.ana.do(
            "ShareAccount", accountId=shared, email=self.ben.user["email"], role="VIEWER"
        )


def check_whole(replica: Replica) -> None:
    """A replica with no page waiting holds every account as of one moment: its entries are
    numbered 1..n without a gap and add up to its balance."""
    for account_id, account in replica.accounts.items():
        held = [t for t in replica.transactions.values() if t["accountId"] == account_id]
        assert sorted(t["sequence"] for t in held) == list(range(1, len(held) + 1))
        total = sum(Decimal(t["amount"]["amount"]) for t in held)
        assert total == Decimal(account["balance"]["amount"]), account["name"]


async def walk(member: Member, replica: Replica, first: int, done: asyncio.Future[Any]) -> None:
    """Sync in pages of `first` while the writers run, checking each whole copy; then once
    more after they are done."""
    while True:
        finished = done.done()
        found = await page(member, replica.cursor, first)
        replica.apply(found)
        if not found["hasMore"]:
            check_whole(replica)
            if finished:
                return


async def test_clients_walking_changes_while_writers_run_end_with_exactly_what_they_did(
    ana: Member,
    ben: Member,
    services: Services,  # noqa: F811 (the fixture)
) -> None:
    accounts, ids = [], {}
    for name in ("Checking", "Savings"):
        account_id, envelope_ids_ = await budget(ana, "1000.00", name=name)
        await fund(ana, account_id, envelope_ids_, "Food", "300.00")
        await fund(ana, account_id, envelope_ids_, "Rent", "300.00")
        accounts.append(account_id)
        ids[account_id] = envelope_ids_
    await ana.do("ShareAccount", accountId=accounts[0], email=ben.user["email"], role="VIEWER")
    writers = Writers(ana, ben, accounts, ids)
    work = asyncio.ensure_future(
        asyncio.gather(
            writers.spend(30),
            writers.move(24),
            writers.transfer(8),
            writers.undo(10),
            writers.clear(14),
            writers.reconcile(4),
            writers.schedule(6),
            writers.run_scheduler(services, 4),
            writers.churn_envelopes(3),
            writers.churn_membership(),
        )
    )
    fast, slow, bens = Replica(), Replica(), Replica()
    await asyncio.gather(
        walk(ana, fast, 3, work), walk(ana, slow, 1, work), walk(ben, bens, 4, work)
    )
    await work

    fresh = await sync(ana, first=7)
    for replica in (fast, slow):
        assert replica.content() == fresh.content()
        assert replica.repeats() == []
        assert replica.pages > fresh.pages
    assert bens.content() == (await sync(ben)).content()
    # What the writers did, as the ordinary queries show it, is what the replicas hold.
    shown = {a["id"]: a for a in (await ana.query("Accounts"))["accounts"]}
    for account_id in accounts:
        assert fresh.accounts[account_id]["balance"] == shown[account_id]["balance"]
        history = {e["id"]: e for e in await all_entries(ana, account_id)}
        held = {i: t for i, t in fresh.transactions.items() if t["accountId"] == account_id}
        assert set(held) == set(history)
        for entry_id, entry in held.items():
            assert entry["undone"] == history[entry_id]["undone"]
            assert entry["cleared"] == history[entry_id]["cleared"]
    held = fresh.transactions
    assert {i for i, t in held.items() if t["undone"]} == writers.undone
    cleared = {i for i, t in held.items() if t["cleared"] != "UNCLEARED" and t["kind"] == "MOVE"}
    assert cleared == writers.cleared
    assert any(t["cleared"] == "RECONCILED" for t in held.values())
    assert set(writers.reversals) <= set(held)
    posted = [t for t in held.values() if t["payee"] is None and t["amount"]["amount"] == "-0.10"]
    assert len(posted) == 11  # the daily schedule's overdue occurrences, each once
    recorded = (
        writers.expenses + writers.moves + writers.transfers + writers.reversals
        + writers.adjustments
    )  # fmt: skip
    assert len(held) == 2 * 3 + len(recorded) + len(posted)
    assert writers.daily is not None
    assert fresh.schedules[writers.daily]["postedCount"] == 11
    assert set(fresh.schedules) == writers.schedules
    # Tombstones name only what was removed (a copy made after a removal needs none).
    for replica in (fast, slow):
        removed = set(replica.removed)
        assert {i for kind, i in removed if kind == "Schedule"} <= writers.deleted_schedules
        assert {i for kind, i in removed if kind == "Envelope"} <= writers.deleted_envelopes
        assert {kind for kind, _ in removed} <= {"Schedule", "Envelope"}
    live = set().union(*(envelope_ids(a) for a in fresh.accounts.values()))
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


# --- every write path is stamped: the next delta holds exactly what it changed -------------


def delivered(found: Row) -> dict[str, set[str]]:
    return {
        "accounts": {a["id"] for a in found["accounts"]},
        "transactions": {t["id"] for t in found["transactions"]},
        "schedules": {s["id"] for s in found["schedules"]},
        "paymentSources": {p["id"] for p in found["paymentSources"]},
        "tombstones": {(t["type"], t["id"]) for t in found["tombstones"]},
    }


def only(**expected: set[Any]) -> dict[str, set[Any]]:
    empty: dict[str, set[Any]] = {
        "accounts": set(), "transactions": set(), "schedules": set(), "paymentSources": set(),
        "tombstones": set(),
    }  # fmt: skip
    return {**empty, **expected}


def by_id(found: Row, kind: str) -> dict[str, Row]:
    return {row["id"]: row for row in found[kind]}


class TestEveryChangeIsDelivered:
    async def test_nothing_changed_gives_an_empty_page_and_the_same_cursor(
        self, ana: Member
    ) -> None:
        await budget(ana)
        replica = await sync(ana)
        cursor = replica.cursor
        assert delivered(await delta(ana, replica)) == only()
        assert replica.cursor == cursor

    async def test_an_expense_delivers_its_account_and_its_new_entry_only(
        self, ana: Member
    ) -> None:
        account_id, ids = await budget(ana)
        other, _ = await budget(ana, name="Other")
        replica = await sync(ana)
        spent = await ana.do("RecordExpense", accountId=account_id, amount="5.00",
                             envelopeId=ids["Available"])  # fmt: skip
        found = await delta(ana, replica)
        new = spent["transaction"]["id"]
        assert delivered(found) == only(accounts={account_id}, transactions={new})
        assert by_id(found, "accounts")[account_id]["balance"]["amount"] == "95.00"
        assert other in replica.accounts

    async def test_an_undo_delivers_the_reversal_and_the_entry_it_undid(self, ana: Member) -> None:
        account_id, ids = await budget(ana)
        spent = await ana.do("RecordExpense", accountId=account_id, amount="5.00",
                             envelopeId=ids["Available"])  # fmt: skip
        original = spent["transaction"]["id"]
        replica = await sync(ana)
        undo = await ana.do("UndoTransaction", id=original)
        [reversal] = [r["id"] for r in undo["reversals"]]
        found = await delta(ana, replica)
        assert delivered(found) == only(accounts={account_id}, transactions={original, reversal})
        assert by_id(found, "transactions")[original]["undone"] is True

    async def test_undoing_a_transfer_delivers_the_entries_of_both_accounts(
        self, ana: Member
    ) -> None:
        sender, _ = await budget(ana)
        receiver, _ = await budget(ana, name="Savings")
        sent = await ana.do("TransferMoney", fromAccountId=sender, toAccountId=receiver,
                            amount="10.00")  # fmt: skip
        outgoing, incoming = sent["outgoing"]["id"], sent["incoming"]["id"]
        replica = await sync(ana)
        undo = await ana.do("UndoTransaction", id=outgoing)
        reversals = {r["id"] for r in undo["reversals"]}
        found = await delta(ana, replica)
        assert delivered(found) == only(
            accounts={sender, receiver}, transactions={outgoing, incoming, *reversals}
        )
        undone = by_id(found, "transactions")
        assert undone[outgoing]["undone"]
        assert undone[incoming]["undone"]
        assert {undone[i]["accountId"] for i in (outgoing, incoming)} == {sender, receiver}

    async def test_clearing_reconciling_and_reopening_deliver_the_entries_they_change(
        self, ana: Member
    ) -> None:
        account_id, ids = await budget(ana)
        spent = await ana.do("RecordExpense", accountId=account_id, amount="5.00",
                             envelopeId=ids["Available"])  # fmt: skip
        entry_id = spent["transaction"]["id"]
        replica = await sync(ana)
        await ana.do("SetTransactionsCleared", ids=[entry_id], cleared=True)
        found = await delta(ana, replica)
        assert delivered(found) == only(accounts={account_id}, transactions={entry_id})
        assert by_id(found, "transactions")[entry_id]["cleared"] == "CLEARED"

        today = datetime.now(UTC).date()
        await ana.do("ReconcileAccount", accountId=account_id, statementDate=iso(today),
                     statementBalance="-5.00")  # fmt: skip
        found = await delta(ana, replica)
        assert delivered(found) == only(accounts={account_id}, transactions={entry_id})
        assert by_id(found, "transactions")[entry_id]["cleared"] == "RECONCILED"

        await ana.do("ReopenReconciliation", accountId=account_id)
        found = await delta(ana, replica)
        assert delivered(found) == only(accounts={account_id}, transactions={entry_id})
        assert by_id(found, "transactions")[entry_id]["cleared"] == "CLEARED"

    async def test_each_change_of_a_schedule_is_delivered_and_its_deletion_as_a_tombstone(
        self,
        ana: Member,
        services: Services,  # noqa: F811 (the fixture)
    ) -> None:
        account_id, ids = await budget(ana)
        replica = await sync(ana)
        spec = {"name": "Rent", "kind": "EXPENSE", "amount": "10.00",
                "envelopeId": ids["Available"],
                "recurrence": {"frequency": "MONTHLY", "startDate": iso(TODAY)}}  # fmt: skip
        schedule_id = (await ana.do("CreateSchedule", accountId=account_id, **spec))["schedule"][
            "id"
        ]
        assert delivered(await delta(ana, replica)) == only(
            accounts={account_id}, schedules={schedule_id}
        )
        for name, variables in [
            ("UpdateSchedule", {**spec, "id": schedule_id, "amount": "12.00"}),
            ("PauseSchedule", {"id": schedule_id}),
            ("ResumeSchedule", {"id": schedule_id}),
            ("SkipOccurrence", {"id": schedule_id}),
        ]:
            await ana.do(name, **variables)
            found = await delta(ana, replica)
            assert delivered(found) == only(accounts={account_id}, schedules={schedule_id}), name
        assert replica.schedules[schedule_id]["amount"]["amount"] == "12.00"

        posted = await ana.do("PostOccurrenceNow", id=schedule_id)
        found = await delta(ana, replica)
        new = {t["id"] for t in posted["transactions"]}
        assert delivered(found) == only(
            accounts={account_id}, schedules={schedule_id}, transactions=new
        )
        assert by_id(found, "schedules")[schedule_id]["postedCount"] == 1

        services.schedules.today = services.scheduler.today = lambda: TODAY + timedelta(days=92)
        assert await services.scheduler.run_pass() > 0  # the scheduler's postings, kept
        found = await delta(ana, replica)
        assert delivered(found)["schedules"] == {schedule_id}
        assert by_id(found, "schedules")[schedule_id]["postedCount"] > 1

        await ana.do("DeleteSchedule", id=schedule_id)
        found = await delta(ana, replica)
        assert delivered(found) == only(
            accounts={account_id}, tombstones={("Schedule", schedule_id)}
        )
        assert schedule_id not in replica.schedules

    async def test_payment_sources_and_deleted_envelopes_are_delivered_with_tombstones(
        self, ana: Member
    ) -> None:
        account_id, ids = await budget(ana, envelopes=("Food", "Fun"))
        replica = await sync(ana)
        fun = [{"envelopeId": ids["Fun"], "amount": "10.00"}]
        created = await ana.do("CreatePaymentSource", accountId=account_id, name="ACME",
                               expectedAmount="100.00", allocations=fun)  # fmt: skip
        source_id = created["paymentSource"]["id"]
        found = await delta(ana, replica)
        assert delivered(found) == only(accounts={account_id}, paymentSources={source_id})
        assert by_id(found, "paymentSources")[source_id]["accountId"] == account_id

        await ana.do("UpdatePaymentSource", id=source_id, name="ACME Corp",
                     expectedAmount="120.00", allocations=fun)  # fmt: skip
        found = await delta(ana, replica)
        assert delivered(found) == only(accounts={account_id}, paymentSources={source_id})

        await ana.do("DeleteEnvelope", accountId=account_id, envelopeId=ids["Fun"])
        found = await delta(ana, replica)
        assert delivered(found) == only(
            accounts={account_id}, paymentSources={source_id},
            tombstones={("Envelope", ids["Fun"])},
        )  # fmt: skip
        assert ids["Fun"] not in envelope_ids(replica.accounts[account_id])

        await ana.do("DeletePaymentSource", id=source_id)
        found = await delta(ana, replica)
        assert delivered(found) == only(
            accounts={account_id}, tombstones={("PaymentSource", source_id)}
        )
        assert replica.sources == {}

    async def test_entries_written_before_stamps_existed_are_in_a_full_copy_once(
        self, ana: Member, mongo: Any
    ) -> None:
        account_id, ids = await budget(ana)
        for i in range(5):
            await ana.do("RecordExpense", accountId=account_id, amount="1.00",
                         envelopeId=ids["Available"], payee=f"Old {i}")  # fmt: skip
        await ana.do("CreateSchedule", accountId=account_id, name="Old", kind="EXPENSE",
                     amount="1.00", envelopeId=ids["Available"],
                     recurrence={"frequency": "MONTHLY", "startDate": "2030-01-01"})  # fmt: skip
        for collection in ("transactions", "schedules"):
            mongo[collection].update_many({}, {"$unset": {"rev": ""}})
        replica = await sync(ana, first=2)
        assert len(replica.transactions) == 5 + 1
        assert len(replica.schedules) == 1
        assert replica.repeats() == []
        spent = await ana.do("RecordExpense", accountId=account_id, amount="1.00",
                             envelopeId=ids["Available"])  # fmt: skip
        found = await delta(ana, replica)
        assert delivered(found)["transactions"] == {spent["transaction"]["id"]}


def iso(day: date) -> str:
    return day.isoformat()


class TestPages:
    async def test_a_page_holds_at_most_first_objects_but_an_accounts_own_part_comes_whole(
        self, ana: Member
    ) -> None:
        busy, ids = await budget(ana)
        later = {"frequency": "MONTHLY", "startDate": "2030-01-01"}
        for i in range(5):
            await ana.do("CreateSchedule", accountId=busy, name=f"Bill {i}", kind="EXPENSE",
                         amount="1.00", envelopeId=ids["Available"], recurrence=later)  # fmt: skip
        await budget(ana, name="Quiet")
        replica, sizes = Replica(), []
        while True:
            found = await page(ana, replica.cursor, 3)
            replica.apply(found)
            parts = ("accounts", "transactions", "schedules", "paymentSources", "tombstones")
            sizes.append(sum(len(found[part]) for part in parts))
            if sizes[-1] > 3:  # one account and its schedules, alone on their page
                assert (len(found["accounts"]), len(found["schedules"])) == (1, 5)
                assert sizes[-1] == 6
            if not found["hasMore"]:
                break
        assert sizes.count(6) == 1
        assert all(size <= 3 for size in sizes if size != 6)
        assert replica.content() == (await sync(ana)).content()
        assert replica.repeats() == []


# --- membership, other users, bad input ----------------------------------------------------


class TestWhoSeesWhat:
    async def test_losing_access_yields_a_tombstone_and_nothing_of_the_account_after(
        self, ana: Member, ben: Member
    ) -> None:
        shared, ids = await budget(ana)
        own, _ = await budget(ben, name="Ben's")
        await ana.do("ShareAccount", accountId=shared, email=ben.user["email"], role="VIEWER")
        replica = await sync(ben)
        assert set(replica.accounts) == {shared, own}
        assert any(t["accountId"] == shared for t in replica.transactions.values())

        await ana.do("RemoveMember", accountId=shared, userId=ben.user["id"])
        found = await delta(ben, replica)
        assert delivered(found) == only(tombstones={("Account", shared)})
        assert set(replica.accounts) == {own}
        assert all(t["accountId"] == own for t in replica.transactions.values())

        await ana.do("RecordExpense", accountId=shared, amount="1.00", envelopeId=ids["Available"])
        assert delivered(await delta(ben, replica)) == only()

    async def test_another_users_cursor_answers_like_one_naming_no_account(
        self, ana: Member, ben: Member
    ) -> None:
        anas, _ = await budget(ana)
        bens, _ = await budget(ben, name="Ben's")
        theirs = (await sync(ana)).cursor
        made_up = codec.encode({ObjectId(): codec.Position(7, 7)})
        found, control = await page(ben, theirs), await page(ben, made_up)
        assert delivered(found)["tombstones"] == {("Account", anas)}
        assert delivered(found)["accounts"] == {bens}
        assert {t["accountId"] for t in found["transactions"]} == {bens}
        assert len(control["tombstones"]) == 1
        assert {**found, "tombstones": []} == {**control, "tombstones": []}

    # No list selected: the request-cost limit lets any page size through to the service.
    LEAN = (
        "query($since: String, $first: Int!) { changes(since: $since, first: $first) { cursor } }"
    )

    @pytest.mark.parametrize(
        ("variables", "field"),
        [
            pytest.param({"since": "not a cursor"}, "since", id="garbage"),
            pytest.param({"since": "W1tdXQ"}, "since", id="valid-base64-wrong-shape"),
            pytest.param({"since": "WzIsW11d"}, "since", id="unknown-format"),
            pytest.param({"since": "x" * 200_000}, "since", id="too-long"),
            pytest.param({"first": 0}, "first", id="first-zero"),
            pytest.param({"first": 1001}, "first", id="first-too-big"),
        ],
    )
    async def test_bad_cursors_and_page_sizes_are_validation_errors(
        self, ana: Member, variables: Row, field: str
    ) -> None:
        reply = await ana.gql.execute(self.LEAN, {"first": 1, **variables}, token=ana.token)
        assert reply.error_codes() == ["VALIDATION"]
        assert reply.errors[0]["path"] == ["changes"]

    async def test_signed_out_callers_are_unauthenticated(self, gql: GraphQLClient) -> None:
        reply = await gql.execute("{ changes { cursor } }", {})
        assert reply.error_codes() == ["UNAUTHENTICATED"]
