"""Every query the ledger sends is served by an index: no winning plan scans a collection.

The queries are not rewritten here: the app's own repository and history service build them
against recording stand-ins of their collections, and each recorded query is then explained
on the real replica set, over data recorded through the API (which also created the
indexes at startup).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId
from fastapi import FastAPI

from app.graphql.relay import from_global_id
from app.persistence.documents.accounts import AccountRecord
from app.persistence.keyset import PageRequest, encode_cursor
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.entries import HISTORY_SORT, EntryRepository
from app.persistence.repositories.idempotency import IdempotencyRepository
from app.persistence.repositories.month_totals import MonthTotals
from app.persistence.repositories.payment_sources import PaymentSourceRepository
from app.persistence.repositories.profiles import ProfileRepository
from app.persistence.repositories.schedules import ScheduleRepository
from app.persistence.repositories.tombstones import TombstoneRepository
from app.services.ledger.history import HistoryFilter, HistoryService
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

INDEX_STAGES = {"IXSCAN", "IDHACK", "EXPRESS_IXSCAN", "EXPRESS_IDHACK", "COUNT_SCAN"}


class RecordedCursor:
    def __init__(self, call: dict[str, Any]) -> None:
        self.call = call

    def sort(self, key: Any, direction: int | None = None) -> RecordedCursor:
        self.call["sort"] = [(key, direction or 1)] if isinstance(key, str) else list(key)
        return self

    def limit(self, count: int) -> RecordedCursor:
        self.call["limit"] = count
        return self

    async def to_list(self, length: int | None = None) -> list[Any]:
        return []


class RecordingCollection:
    """Stands in for an AsyncCollection: remembers each query and answers with nothing."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[dict[str, Any]] = []

    def _record(self, **call: Any) -> dict[str, Any]:
        self.calls.append({"collection": self.name, **call})
        return self.calls[-1]

    def find(self, filter: Any, projection: Any = None, **_: Any) -> RecordedCursor:
        return RecordedCursor(self._record(filter=filter, projection=projection))

    async def find_one(self, filter: Any, projection: Any = None, **_: Any) -> None:
        self._record(filter=filter, projection=projection, limit=1)

    async def find_one_and_update(self, filter: Any, update: Any, **_: Any) -> None:
        self._record(filter=filter, limit=1)

    async def count_documents(self, filter: Any, **_: Any) -> int:
        self._record(filter=filter)
        return 0

    async def aggregate(self, pipeline: list[Any], **_: Any) -> RecordedCursor:
        return RecordedCursor(self._record(pipeline=pipeline))


@dataclass
class Repositories:
    """The ledger's repositories, each over a recording stand-in of its collection."""

    accounts: AccountRepository
    entries: EntryRepository
    sources: PaymentSourceRepository
    keys: IdempotencyRepository
    profiles: ProfileRepository
    figures: MonthTotals

    def collections(self) -> list[Any]:
        return [
            self.accounts.collection, self.entries.collection, self.sources.collection,
            self.keys.collection, self.profiles.collection, self.figures.buckets,
        ]  # fmt: skip


def recording_repository() -> Repositories:
    repo = Repositories(
        AccountRepository(), EntryRepository(), PaymentSourceRepository(),
        IdempotencyRepository(), ProfileRepository(), MonthTotals(),
    )  # fmt: skip
    repo.accounts.collection = RecordingCollection("accounts")  # type: ignore[assignment]
    repo.entries.collection = RecordingCollection("transactions")  # type: ignore[assignment]
    repo.sources.collection = RecordingCollection("payment_sources")  # type: ignore[assignment]
    repo.keys.collection = RecordingCollection("idempotency_keys")  # type: ignore[assignment]
    repo.profiles.collection = RecordingCollection("users")  # type: ignore[assignment]
    repo.figures.buckets = RecordingCollection("month_totals")  # type: ignore[assignment]
    return repo


def recording_history(api: tuple[FastAPI, GraphQLClient], repo: Repositories) -> HistoryService:
    """The history service over `repo`, the per-month figures included."""
    db = api[0].state.services.db
    return HistoryService(db, repo.accounts, repo.entries, repo.figures, repo.profiles)


def recorded(repo: Repositories, *more: Any) -> list[dict[str, Any]]:
    collections = (*repo.collections(), *more)
    calls = [c for collection in collections for c in collection.calls]
    assert calls, "the repository sent no query"
    return calls


def explain(mongo: Any, call: dict[str, Any]) -> dict[str, Any]:
    collection = mongo[call["collection"]]
    if "pipeline" in call:
        command = {"aggregate": call["collection"], "pipeline": call["pipeline"], "cursor": {}}
        result: dict[str, Any] = mongo.command("explain", command, verbosity="queryPlanner")
        return result
    cursor = collection.find(call["filter"], call.get("projection"))
    if call.get("sort"):
        cursor = cursor.sort(call["sort"])
    if call.get("limit"):
        cursor = cursor.limit(call["limit"])
    result = cursor.explain()
    return result


def winning_plans(node: Any) -> Iterator[dict[str, Any]]:
    """Every `winningPlan` in an explain output (an aggregation nests them in its stages)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "winningPlan":
                yield value
            else:
                yield from winning_plans(value)
    elif isinstance(node, list):
        for item in node:
            yield from winning_plans(item)


def stages(plan: Any) -> Iterator[str]:
    """The stage names of a plan tree, walked recursively (inputStage(s), queryPlan, …)."""
    if isinstance(plan, dict):
        if isinstance(plan.get("stage"), str):
            yield plan["stage"]
        for value in plan.values():
            yield from stages(value)
    elif isinstance(plan, list):
        for item in plan:
            yield from stages(item)


def assert_served_by_an_index(mongo: Any, repo: Repositories, *more: Any) -> None:
    for call in recorded(repo, *more):
        explained = explain(mongo, call)
        plans = list(winning_plans(explained))
        assert plans, explained
        for plan in plans:
            found = list(stages(plan))
            assert "COLLSCAN" not in found, (call, plan)
            assert INDEX_STAGES & set(found), (call, plan)


def raw(global_id: str) -> ObjectId:
    decoded = from_global_id(global_id)
    assert decoded is not None
    return ObjectId(decoded[1])


async def record_ledger(gql: GraphQLClient, mongo: Any) -> dict[str, Any]:
    """Two households with accounts, envelopes, a payday template and a few hundred entries."""
    ana = await Member.register(gql, "ana@example.com", "Ana")
    ben = await Member.register(gql, "ben@example.com", "Ben")
    account = await ana.open_account(openingBalance="1000.00", envelopeNames=["Food", "Rent"])
    savings = await ana.open_account(name="Savings", type="SAVINGS")
    await ben.open_account(name="Ben's", openingBalance="20.00", envelopeNames=["Food"])
    ids = await ana.envelope_ids(account["id"])
    await ana.do(
        "RecordIncome", accountId=account["id"], amount="500", payee="ACME", memo="salary",
        bookingDate="2024-03-01", allocations=[{"envelopeId": ids["Food"], "amount": "100"}],
    )  # fmt: skip
    spent = await ana.do(
        "RecordExpense", accountId=account["id"], amount="42.50", payee="Market",
        splits=[
            {"envelopeId": ids["Food"], "amount": "40"},
            {"envelopeId": ids["Available"], "amount": "2.50"},
        ],
        idempotencyKey="market-1",
    )  # fmt: skip
    await ana.do(
        "MoveMoney", accountId=account["id"], fromEnvelopeId=ids["Available"],
        toEnvelopeId=ids["Rent"], amount="300",
    )  # fmt: skip
    await ana.do(
        "TransferMoney", fromAccountId=account["id"], toAccountId=savings["id"], amount="50"
    )
    await ana.do("UndoTransaction", id=spent["transaction"]["id"])
    await ana.do(
        "CreatePaymentSource", accountId=account["id"], name="Job", expectedAmount="100",
        allocations=[{"envelopeId": ids["Rent"], "amount": "60"}],
    )  # fmt: skip
    account_id = raw(account["id"])
    template = mongo.transactions.find_one({"account_id": account_id, "kind": "income"})
    today = datetime.now(UTC).date()
    mongo.transactions.insert_many(
        {
            **template,
            "_id": ObjectId(),
            "seq": 1000 + i,
            "booking_date": datetime.combine(
                today - timedelta(days=i % 90), datetime.min.time()
            ).replace(tzinfo=UTC),
            "payee": f"Payer {i}",
        }
        for i in range(300)
    )
    return {
        "account": AccountRecord.model_validate(mongo.accounts.find_one({"_id": account_id})),
        "user_id": raw(ana.user["id"]),
        "envelopes": {name: raw(global_id) for name, global_id in ids.items()},
        "entry_id": raw(spent["transaction"]["id"]),
    }


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    """The ledger recorded by the first test, to restore (quickly) for the next ones."""
    return {}


@pytest.fixture
async def ledger(
    api: tuple[FastAPI, GraphQLClient], mongo: Any, snapshot: dict[str, Any]
) -> dict[str, Any]:
    """The app is running (its indexes exist); its data was recorded through the API."""
    if not snapshot:
        snapshot["facts"] = await record_ledger(api[1], mongo)
        snapshot["stored"] = {
            name: list(mongo[name].find()) for name in mongo.list_collection_names()
        }
    else:
        for name, rows in snapshot["stored"].items():
            if rows:
                mongo[name].insert_many([dict(row) for row in rows])
    facts: dict[str, Any] = snapshot["facts"]
    return facts


FILTERS: dict[str, Any] = {
    "no-filter": lambda e: HistoryFilter(),
    "date-range": lambda e: HistoryFilter(date_from=date(2024, 1, 1), date_to=date(2024, 3, 31)),
    "date-from": lambda e: HistoryFilter(date_from=date(2024, 3, 1)),
    "date-to": lambda e: HistoryFilter(date_to=date(2024, 3, 1)),
    "envelope": lambda e: HistoryFilter(envelope_id=e["Food"]),
    "envelope-and-dates": lambda e: HistoryFilter(
        envelope_id=e["Rent"], date_from=date(2024, 1, 1), date_to=date(2030, 1, 1)
    ),
    "one-kind": lambda e: HistoryFilter(kinds=("expense",)),
    "two-kinds": lambda e: HistoryFilter(kinds=("income", "transfer")),
    "payee": lambda e: HistoryFilter(payee="market"),
    "text": lambda e: HistoryFilter(text="salary"),
    "amount-range": lambda e: HistoryFilter(min_amount="10", max_amount="100"),
    "everything": lambda e: HistoryFilter(
        date_from=date(2024, 1, 1),
        envelope_id=e["Food"],
        kinds=("expense", "reversal"),
        payee="mar",
        min_amount="1",
        max_amount="1000",
        text="a",
    ),
}


class TestHistoryPagesUseAnIndex:
    @pytest.mark.parametrize("shape", FILTERS)
    async def test_the_first_page_of_each_filter_is_served_by_an_index(
        self, api: tuple[FastAPI, GraphQLClient], ledger: dict[str, Any], mongo: Any, shape: str
    ) -> None:
        repo = recording_repository()
        spec = FILTERS[shape](ledger["envelopes"])
        await recording_history(api, repo).page(ledger["account"], spec, PageRequest(first=20), 20)
        assert_served_by_an_index(mongo, repo)

    @pytest.mark.parametrize("shape", ["no-filter", "date-range", "envelope", "two-kinds", "text"])
    @pytest.mark.parametrize("direction", ["after", "before"])
    async def test_a_page_beyond_a_cursor_is_served_by_an_index(
        self,
        api: tuple[FastAPI, GraphQLClient],
        ledger: dict[str, Any],
        mongo: Any,
        shape: str,
        direction: str,
    ) -> None:
        middle = mongo.transactions.find_one({"account_id": ledger["account"].id, "seq": 1100})
        cursor = encode_cursor(middle, HISTORY_SORT)
        request = (
            PageRequest(first=20, after=cursor)
            if direction == "after"
            else PageRequest(last=20, before=cursor)
        )
        repo = recording_repository()
        spec = FILTERS[shape](ledger["envelopes"])
        await recording_history(api, repo).page(ledger["account"], spec, request, 20)
        assert_served_by_an_index(mongo, repo)

    async def test_the_last_page_is_served_by_an_index(
        self, api: tuple[FastAPI, GraphQLClient], ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        await recording_history(api, repo).page(
            ledger["account"], HistoryFilter(), PageRequest(last=5), 5
        )
        assert_served_by_an_index(mongo, repo)

    async def test_the_unfiltered_page_needs_no_in_memory_sort(
        self, api: tuple[FastAPI, GraphQLClient], ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        await recording_history(api, repo).page(
            ledger["account"], HistoryFilter(), PageRequest(), 20
        )
        [call] = recorded(repo)
        [plan] = winning_plans(explain(mongo, call))
        assert "SORT" not in set(stages(plan)), plan


class TestTotalsUseAnIndex:
    @pytest.mark.parametrize("shape", FILTERS)
    async def test_the_totals_of_each_filter_are_served_by_an_index(
        self, api: tuple[FastAPI, GraphQLClient], ledger: dict[str, Any], mongo: Any, shape: str
    ) -> None:
        repo = recording_repository()
        spec = FILTERS[shape](ledger["envelopes"])
        history = recording_history(api, repo)
        await history.totals(ledger["account"], spec)
        assert_served_by_an_index(mongo, repo)


class TestLookupsUseAnIndex:
    @pytest.mark.parametrize("include_closed", [False, True])
    async def test_the_accounts_of_a_member_are_served_by_an_index(
        self, ledger: dict[str, Any], mongo: Any, include_closed: bool
    ) -> None:
        repo = recording_repository()
        await repo.accounts.of_member(ledger["user_id"], include_closed)
        assert_served_by_an_index(mongo, repo)

    async def test_one_account_of_a_member_is_served_by_an_index(
        self, ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        await repo.accounts.for_member(ledger["account"].id, ledger["user_id"])
        await repo.accounts.lock(ledger["account"].id, ledger["user_id"])
        assert_served_by_an_index(mongo, repo)

    async def test_the_account_of_an_envelope_is_served_by_an_index(
        self, ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        await repo.accounts.with_envelope(ledger["envelopes"]["Food"], ledger["user_id"])
        assert_served_by_an_index(mongo, repo)

    async def test_entries_by_id_are_served_by_an_index(
        self, ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        await repo.entries.get(ledger["entry_id"])
        await repo.entries.by_ids([ledger["entry_id"], ObjectId()])
        assert_served_by_an_index(mongo, repo)

    async def test_payment_sources_of_an_account_are_served_by_an_index(
        self, ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        await repo.sources.of_account(ledger["account"].id)
        await repo.sources.count(ledger["account"].id)
        assert_served_by_an_index(mongo, repo)

    async def test_an_idempotency_key_lookup_is_served_by_an_index(
        self, ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        await repo.keys.find(ledger["user_id"], "market-1")
        assert_served_by_an_index(mongo, repo)

    async def test_the_profiles_of_recorders_are_served_by_an_index(
        self, ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        await repo.profiles.by_ids([ledger["user_id"]])
        assert_served_by_an_index(mongo, repo)


class TestDeltaSyncReadsUseAnIndex:
    @pytest.mark.parametrize(
        ("rev", "after"),
        [
            pytest.param(-1, False, id="from-the-start"),
            pytest.param(-1, True, id="within-unstamped-entries"),
            pytest.param(3, True, id="within-a-stamp"),
            pytest.param(3, False, id="after-a-stamp"),
        ],
    )
    async def test_the_changed_entries_are_read_in_order_from_the_index(
        self, ledger: dict[str, Any], mongo: Any, rev: int, after: bool
    ) -> None:
        repo = recording_repository()
        entry_id = ledger["entry_id"] if after else None
        await repo.entries.changed(ledger["account"].id, rev, entry_id, 10, 50)
        assert_served_by_an_index(mongo, repo)
        for call in recorded(repo):
            for plan in winning_plans(explain(mongo, call)):
                assert "SORT" not in set(stages(plan)), (call, plan)

    async def test_the_accounts_schedules_templates_and_tombstones_are_served_by_an_index(
        self, ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        tombstones = TombstoneRepository()
        tombstones.collection = RecordingCollection("tombstones")  # type: ignore[assignment]
        schedules = ScheduleRepository()
        schedules.collection = RecordingCollection("schedules")  # type: ignore[assignment]
        account_id = ledger["account"].id
        await repo.accounts.visible_to(ledger["user_id"])
        for after in (-1, 4):
            await repo.sources.changed(account_id, after, 9)
            await schedules.changed(account_id, after, 9)
            await tombstones.since(account_id, after, 9)
        assert_served_by_an_index(mongo, repo, schedules.collection, tombstones.collection)


class TestTheCheckItself:
    async def test_a_query_no_index_serves_is_caught_as_a_collection_scan(
        self, ledger: dict[str, Any], mongo: Any
    ) -> None:
        repo = recording_repository()
        entries = repo.entries.collection
        await entries.find({"payee": "Market"}).sort(HISTORY_SORT).limit(5).to_list()
        await entries.aggregate([{"$match": {"memo": "salary"}}])
        for call in recorded(repo):
            stages_found = [s for p in winning_plans(explain(mongo, call)) for s in stages(p)]
            assert "COLLSCAN" in stages_found, call
