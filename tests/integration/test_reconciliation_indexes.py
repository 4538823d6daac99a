"""Reconciliation never reads an account's whole history: summing, reconciling and reopening
read only the cleared (or one reconciliation's) entries, through the partial `cleared` and
`reconciled` indexes. Checked as in `test_ledger_indexes`: the repository's own queries are
recorded, then explained on the real replica set over an account with a long history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from fastapi import FastAPI

from app.domain.entries import ClearedStatus
from app.persistence.documents.accounts import AccountRecord
from app.persistence.keyset import PageRequest
from app.persistence.repositories.entries import EntryRepository
from app.services.ledger.history import HistoryFilter
from tests.graphql_client import GraphQLClient
from tests.integration.test_ledger_indexes import (
    RecordingCollection,
    assert_served_by_an_index,
    explain,
    raw,
    recording_history,
    recording_repository,
    stages,
    winning_plans,
)
from tests.ledger_client import Member


class Recording(RecordingCollection):
    """Also records `update_many`, explained as the find of its filter."""

    async def update_many(self, filter: Any, update: Any, **_: Any) -> Any:
        self._record(filter=filter, projection=None)
        return type("Result", (), {"modified_count": 0})()


def index_names(plan: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(plan, dict):
        if isinstance(plan.get("indexName"), str):
            found.add(plan["indexName"])
        for value in plan.values():
            found |= index_names(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= index_names(item)
    return found


async def long_history(gql: GraphQLClient, mongo: Any) -> ObjectId:
    """An account with 2,000 uncleared entries, 300 reconciled ones and 20 cleared ones."""
    ana = await Member.register(gql, "ana@example.com", "Ana")
    account = await ana.open_account(openingBalance="1000.00")
    await ana.do("RecordIncome", accountId=account["id"], amount="5")
    account_id = raw(account["id"])
    template = mongo.transactions.find_one({"account_id": account_id, "kind": "income"})
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    reconciliation = ObjectId()

    def entry(i: int, status: ClearedStatus) -> dict[str, Any]:
        row = {**template, "_id": ObjectId(), "seq": 10 + i, "cleared": status.value}
        row["booking_date"] = today - timedelta(days=i % 400)
        if status is ClearedStatus.RECONCILED:
            row["reconciliation_id"] = reconciliation
        return row

    statuses = [ClearedStatus.UNCLEARED] * 2000 + [ClearedStatus.RECONCILED] * 300
    statuses += [ClearedStatus.CLEARED] * 20
    mongo.transactions.insert_many(entry(i, s) for i, s in enumerate(statuses))
    return account_id


async def test_reconciliation_queries_read_only_the_entries_they_need(
    api: tuple[FastAPI, GraphQLClient], mongo: Any
) -> None:
    account_id = await long_history(api[1], mongo)
    entries = EntryRepository()
    recording = Recording("transactions")
    entries.collection = recording  # type: ignore[assignment]
    through = datetime.now(UTC)

    await entries.cleared_sum(account_id, through)
    await entries.reconcile(account_id, through, ObjectId(), rev=1)
    await entries.unreconcile(account_id, ObjectId(), rev=1)
    await entries.set_cleared([ObjectId()], ClearedStatus.UNCLEARED, ClearedStatus.CLEARED, rev=1)
    await entries.in_change([ObjectId(), ObjectId()])

    expected = ["cleared", "cleared", "reconciled", None, None]
    assert len(recording.calls) == len(expected)
    for call, index in zip(recording.calls, expected, strict=True):
        [plan] = list(winning_plans(explain(mongo, call)))
        assert "COLLSCAN" not in set(stages(plan)), (call, plan)
        if index is not None:
            assert index_names(plan) == {index}, (call, plan)


async def test_history_filtered_by_cleared_status_is_served_by_an_index(
    api: tuple[FastAPI, GraphQLClient], mongo: Any
) -> None:
    account_id = await long_history(api[1], mongo)
    account = AccountRecord.model_validate(mongo.accounts.find_one({"_id": account_id}))
    for statuses in (("uncleared",), ("cleared", "reconciled")):
        repo = recording_repository()
        history = recording_history(api, repo)
        spec = HistoryFilter(cleared=statuses)
        await history.page(account, spec, PageRequest(first=20), 20)
        await history.totals(account, spec)
        assert_served_by_an_index(mongo, repo)
