"""What each envelope of an account received and spent after given days, exactly, without
reading the history: whole months come from the per-month figures (`month_totals`), the days
between a boundary and its month's edge from the entries of those days (through the
`history` index), whichever side of the boundary is shorter.

For a boundary day `t`, `after(t)[envelope]` holds the sums of the envelope's lines booked on
or after `t`: what was spent (flow *expense*, so refunds and undos of spending net out) and
everything else. A budget period `[s, e)` is then `after(s) - after(e)`, and the envelope's
balance at `t` is its balance now minus `after(t)`.
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
from app.persistence.documents.accounts import stored_day
from app.persistence.documents.entries import TransactionDocument
from app.persistence.documents.month_totals import MonthTotalDocument
from app.persistence.transactions import Session

SPENDING = EntryKind.EXPENSE.value


@dataclass
class Sums:
    """Signed sums of an envelope's lines: spending, and every other flow."""

    spent: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.spent + self.other

    def add(self, flow: str, amount: int, sign: int = 1) -> None:
        if flow == SPENDING:
            self.spent += sign * amount
        else:
            self.other += sign * amount


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
        if not days:
            return {}
        first_month = month_start(min(days))
        rows = await self.months.find(
            {
                "account_id": account_id,
                "envelope_id": {"$in": list(envelope_ids)},
                "month": {"$gte": stored_day(first_month)},
            },
            {"_id": 0, "envelope_id": 1, "month": 1, "flow": 1, "total": 1},
            session=self.session,
        ).to_list(None)
        by_month: dict[date, list[dict[str, Any]]] = {}
        for row in rows:
            by_month.setdefault(row["month"].date(), []).append(row)
        result: dict[date, After] = {}
        for day in sorted(set(days)):
            start, following = month_start(day), next_month(day)
            after: After = {}
            if (day - start) <= (following - day):  # the whole month, less the days before
                _add_months(after, by_month, since=start)
                if day > start:
                    await self._add_entries(account_id, start, day, after, sign=-1)
            else:  # the later months, plus the days from `day` to the month's end
                _add_months(after, by_month, since=following)
                await self._add_entries(account_id, day, following, after, sign=1)
            result[day] = after
        return result

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


def _add_months(into: After, by_month: dict[date, list[dict[str, Any]]], since: date) -> None:
    """Add the figures of the months from `since` on."""
    for month, rows in by_month.items():
        if month >= since:
            for row in rows:
                into.setdefault(row["envelope_id"], Sums()).add(row["flow"], row["total"])
