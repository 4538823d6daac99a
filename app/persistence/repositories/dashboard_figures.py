"""What the dashboard reads: sums of the per-month figures of several accounts, never their
entries (`month_totals` and `payee_month_totals`, kept in the transactions that write the
entries). Each read is one aggregation, summed by the server per account and month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.base import stored_day
from app.persistence.documents.month_totals import MonthTotalDocument, PayeeMonthTotalDocument

SPENDING = "expense"


@dataclass(frozen=True)
class MonthFlow:
    """The sum of one account's entries of one flow in one month."""

    account_id: ObjectId
    month: date
    flow: str
    total: int


@dataclass(frozen=True)
class EnvelopeMonth:
    """The sum of one envelope's spending lines (signed: spending is negative) in a month."""

    account_id: ObjectId
    envelope_id: ObjectId
    month: date
    total: int


@dataclass(frozen=True)
class PayeeMonth:
    """One account's spending (signed) with one payee (`key`; `name` as written) in a month."""

    account_id: ObjectId
    month: date
    key: str
    name: str | None
    total: int


def _day(value: datetime) -> date:
    return value.astimezone(UTC).date() if value.tzinfo else value.date()


class DashboardFigures:
    def __init__(self) -> None:
        self.months: AsyncCollection[dict[str, Any]] = MonthTotalDocument.get_pymongo_collection()
        self.payees: AsyncCollection[dict[str, Any]] = (
            PayeeMonthTotalDocument.get_pymongo_collection()
        )

    async def account_flows(self, account_ids: Sequence[ObjectId], since: date) -> list[MonthFlow]:
        """Per account, month (from `since`'s on, the future included) and flow: the sum of
        the account's entries."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"account_id": {"$in": list(account_ids)}, "envelope_id": None,
                        "month": {"$gte": stored_day(since)}}},
            {"$group": {"_id": {"a": "$account_id", "m": "$month", "f": "$flow"},
                        "total": {"$sum": "$total"}}},
        ]  # fmt: skip
        rows = await (await self.months.aggregate(pipeline)).to_list(None)
        return [
            MonthFlow(r["_id"]["a"], _day(r["_id"]["m"]), r["_id"]["f"], r["total"]) for r in rows
        ]

    async def envelope_spending(
        self, account_ids: Sequence[ObjectId], first: date, last: date
    ) -> list[EnvelopeMonth]:
        """Per envelope and month of `first`..`last` (first days of months): its spending."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"account_id": {"$in": list(account_ids)}, "envelope_id": {"$ne": None},
                        "month": {"$gte": stored_day(first), "$lte": stored_day(last)},
                        "flow": SPENDING}},
            {"$group": {"_id": {"a": "$account_id", "e": "$envelope_id", "m": "$month"},
                        "total": {"$sum": "$total"}}},
        ]  # fmt: skip
        rows = await (await self.months.aggregate(pipeline)).to_list(None)
        return [
            EnvelopeMonth(r["_id"]["a"], r["_id"]["e"], _day(r["_id"]["m"]), r["total"])
            for r in rows
        ]

    async def payee_spending(
        self, account_ids: Sequence[ObjectId], first: date, last: date
    ) -> list[PayeeMonth]:
        """Per account, month of `first`..`last` and payee: the spending."""
        query = {
            "account_id": {"$in": list(account_ids)},
            "month": {"$gte": stored_day(first), "$lte": stored_day(last)},
        }
        projection = {"_id": 0, "account_id": 1, "month": 1, "payee": 1, "name": 1, "total": 1}
        rows = await self.payees.find(query, projection).to_list(None)
        return [
            PayeeMonth(r["account_id"], _day(r["month"]), r["payee"], r.get("name"), r["total"])
            for r in rows
        ]
