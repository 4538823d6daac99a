"""What each envelope of an account received and spent after given days, exactly, without
reading the history: whole months come from the per-month figures (`month_totals`), the days
between a boundary and its month's edge from the entries of those days (through the
`history` index), whichever side of the boundary is shorter.

For a boundary day `t`, `after(t)[envelope]` holds the sums of the envelope's lines booked on
or after `t`: what was spent (flow *expense*, so refunds and undos of spending net out), what
was swept back to Available at a period's end (flow *sweep*), and everything else. A budget
period `[s, e)` is then `after(s) - after(e)`, and the envelope's balance at `t` is its balance
now minus `after(t)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.domain.entries import EntryKind
from app.domain.periods import month_start, next_month
from app.persistence.documents.base import stored_day
from app.persistence.documents.entries import TransactionDocument
from app.persistence.documents.month_totals import MonthTotalDocument
from app.persistence.transactions import Session

SPENDING, SWEEPING = EntryKind.EXPENSE.value, EntryKind.SWEEP.value


@dataclass
class Sums:
    """Signed sums of an envelope's lines: spending, sweeps, and every other flow."""

    spent: int = 0
    swept: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.spent + self.swept + self.other

    def add(self, flow: str, amount: int, sign: int = 1) -> None:
        if flow == SPENDING:
            self.spent += sign * amount
        elif flow == SWEEPING:
            self.swept += sign * amount
        else:
            self.other += sign * amount

    def plus(self, other: Sums) -> None:
        self.spent += other.spent
        self.swept += other.swept
        self.other += other.other

    def copy(self) -> Sums:
        return Sums(self.spent, self.swept, self.other)


After = dict[ObjectId, Sums]


class BudgetFigures:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.months: AsyncCollection[dict[str, Any]] = MonthTotalDocument.get_pymongo_collection()
        self.entries: AsyncCollection[dict[str, Any]] = TransactionDocument.get_pymongo_collection()

    async def after(
        self, account_id: ObjectId, envelope_ids: Sequence[ObjectId], days: Sequence[date]
    ) -> dict[date, After]:
        """For each day, per envelope: the sums of its lines booked on or after that day.
        The account must have its per-month figures (`AccountRecord.month_totals`)."""
        plans = {day: _edge(day) for day in sorted(set(days))}
        if not plans:
            return {}
        months = sorted({since for since, _first, _until, _sign in plans.values()})
        from_month = await self._months_from(account_id, envelope_ids, months)
        result: dict[date, After] = {}
        for day, (since, first, until, sign) in plans.items():
            after: After = {}
            for envelope, sums in from_month[since].items():
                after[envelope] = sums.copy()
            if first < until:
                await self._add_entries(account_id, first, until, after, sign)
            result[day] = after
        return result

    async def _months_from(
        self, account_id: ObjectId, envelope_ids: Sequence[ObjectId], months: list[date]
    ) -> dict[date, After]:
        """For each first day of a month in `months`: per envelope, the figures of that month
        and every later one. Summed by the server into one bucket per range between two of
        `months` (a few rows, however long the history after them)."""
        edges = [stored_day(m) for m in months]
        bucket = {"$add": [{"$cond": [{"$gte": ["$month", edge]}, 1, 0]} for edge in edges]}
        pipeline: list[dict[str, Any]] = [
            {
                "$match": {
                    "account_id": account_id,
                    "envelope_id": {"$in": list(envelope_ids)},
                    "month": {"$gte": edges[0]},
                }
            },
            {
                "$group": {
                    "_id": {"envelope": "$envelope_id", "flow": "$flow", "bucket": bucket},
                    "total": {"$sum": "$total"},
                }
            },
        ]
        cursor = await self.months.aggregate(pipeline, session=self.session)
        by_bucket: dict[int, After] = {}
        async for row in cursor:
            key = row["_id"]
            sums = by_bucket.setdefault(key["bucket"], {}).setdefault(key["envelope"], Sums())
            sums.add(key["flow"], row["total"])
        found: dict[date, After] = {}
        running: After = {}
        for index in range(len(months), 0, -1):  # the last range first: suffix sums
            for envelope, sums in by_bucket.get(index, {}).items():
                running.setdefault(envelope, Sums()).plus(sums)
            found[months[index - 1]] = {e: x.copy() for e, x in running.items()}
        return found

    async def _add_entries(
        self, account_id: ObjectId, first: date, until: date, into: After, sign: int
    ) -> None:
        """Add (sign 1) or take away (-1) the lines of the entries booked in [first, until)."""
        cursor = self.entries.find(
            {
                "account_id": account_id,
                "booking_date": {"$gte": stored_day(first), "$lt": stored_day(until)},
            },
            {"_id": 0, "flow": 1, "lines": 1},
            session=self.session,
        ).hint("history")
        async for entry in cursor:
            flow = entry["flow"]
            for line in entry["lines"]:
                into.setdefault(line["envelope_id"], Sums()).add(flow, line["amount"], sign)


def _edge(day: date) -> tuple[date, date, date, int]:
    """How the sums from `day` on are made: the figures of the months from `since` on, plus
    (`sign` 1) or minus (-1) the entries booked in [`first`, `until`): the shorter side."""
    start, following = month_start(day), next_month(day)
    if (day - start) <= (following - day):  # the whole month, less the days before
        return start, start, day, -1
    return following, day, following, 1  # the later months, plus the rest of this month
