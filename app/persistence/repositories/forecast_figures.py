"""What the forecasts read: each envelope's spending per month, from the per-month figures
(`month_totals`), and the schedules that move money into an account from another one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.domain.entries import EntryKind
from app.persistence.documents.month_totals import MonthTotalDocument
from app.persistence.documents.schedules import ScheduleDocument, ScheduleRecord
from app.persistence.transactions import Session

SPENDING = EntryKind.EXPENSE.value


@dataclass
class EnvelopeMonths:
    """One envelope's spending per month (positive: spent; net of refunds and undos), and
    the first month it has any figure in (spending, funding, moves…)."""

    first: date
    spent: dict[date, int] = field(default_factory=dict)


class ForecastFigures:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.months: AsyncCollection[dict[str, Any]] = MonthTotalDocument.get_pymongo_collection()
        self.schedules: AsyncCollection[dict[str, Any]] = ScheduleDocument.get_pymongo_collection()

    async def spending(self, account_id: ObjectId) -> dict[ObjectId, EnvelopeMonths]:
        """Per envelope of the account, its spending in every month it has figures in (one
        row per envelope and month, summed by the server)."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"account_id": account_id, "envelope_id": {"$ne": None}}},
            {
                "$group": {
                    "_id": {"envelope": "$envelope_id", "month": "$month"},
                    "spent": {"$sum": {"$cond": [{"$eq": ["$flow", SPENDING]}, "$total", 0]}},
                }
            },
        ]
        cursor = await self.months.aggregate(pipeline, session=self.session)
        found: dict[ObjectId, EnvelopeMonths] = {}
        async for row in cursor:
            month = row["_id"]["month"].date()
            envelope = row["_id"]["envelope"]
            months = found.get(envelope)
            if months is None:
                months = found[envelope] = EnvelopeMonths(month)
            months.first = min(months.first, month)
            if row["spent"]:
                months.spent[month] = -row["spent"]  # an expense line is negative
        return found

    async def transfers_into(self, account_id: ObjectId) -> list[ScheduleRecord]:
        """The running schedules of other accounts that transfer into this one."""
        cursor = self.schedules.find(
            {"counterpart_account_id": account_id, "paused": False}, session=self.session
        )
        return [ScheduleRecord.model_validate(row) for row in await cursor.to_list(None)]
