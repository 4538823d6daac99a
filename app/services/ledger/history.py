"""Read the ledger: pages of an account's entries, their totals, one entry, who recorded it.

Pages are keyset-paged on (booking date desc, sequence desc), served by the `history*`
indexes. Totals use the same filter: income and expense count their reversals negatively
(a reversal carries the flow of the entry it undoes), so an undone expense is no expense.
With an envelope filter, only that envelope's share of split entries counts.

Totals filtered by dates, envelope and kinds only are added up from the per-month figures
(`app.persistence.month_totals`) for the whole months of the range, and from the entries
for the days at its ragged edges, all read in one snapshot; all-time totals read no entry.
Filters on payee, text or amount need the entries themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from bson import ObjectId

from app.core.errors import NotFoundError, ValidationError
from app.domain.money import parse_amount
from app.domain.periods import cut_into_months
from app.persistence.keyset import Page, PageRequest
from app.persistence.ledger_repository import LedgerRepository, Row
from app.persistence.mongo import Session
from app.persistence.month_totals import MonthTotals
from app.services.auth import Viewer

KINDS = ("opening", "income", "expense", "move", "transfer", "reversal")
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class HistoryFilter:
    date_from: date | None = None
    date_to: date | None = None
    envelope_id: ObjectId | None = None
    kinds: tuple[str, ...] = ()
    payee: str | None = None
    min_amount: str | None = None
    max_amount: str | None = None
    text: str | None = None

    @property
    def by_month(self) -> bool:
        """Whether per-month figures can answer totals of this filter."""
        return not (
            self.payee or self.text or self.min_amount is not None or self.max_amount is not None
        )


@dataclass(frozen=True)
class Totals:
    income: int
    expense: int
    transfers: int
    net: int
    count: int


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _contains(text: str, field: str) -> dict[str, Any]:
    if len(text) > MAX_SEARCH_LENGTH:
        raise ValidationError(f"At most {MAX_SEARCH_LENGTH} characters.", field=["filter", field])
    return {"$regex": re.escape(text.strip()), "$options": "i"}


def history_query(account: Row, spec: HistoryFilter) -> Row:
    """The MongoDB filter of a history filter; always leads with the account (indexes)."""
    query: Row = {"account_id": account["_id"]}
    if spec.date_from and spec.date_to and spec.date_from > spec.date_to:
        raise ValidationError("dateFrom is after dateTo.", field=["filter", "dateFrom"])
    dates: Row = {}
    if spec.date_from:
        dates["$gte"] = _midnight(spec.date_from)
    if spec.date_to:
        dates["$lte"] = _midnight(spec.date_to)
    if dates:
        query["booking_date"] = dates
    if spec.envelope_id is not None:
        if all(e["id"] != spec.envelope_id for e in account["envelopes"]):
            raise NotFoundError("No such envelope in this account.", field=["filter", "envelopeId"])
        query["envelope_ids"] = spec.envelope_id
    if spec.kinds:
        query["kind"] = {"$in": list(dict.fromkeys(spec.kinds))}
    if spec.payee:
        query["payee"] = _contains(spec.payee, "payee")
    sizes: Row = {}
    currency = account["currency"]
    if spec.min_amount is not None:
        sizes["$gte"] = parse_amount(spec.min_amount, currency, ["filter", "minAmount"])
    if spec.max_amount is not None:
        sizes["$lte"] = parse_amount(spec.max_amount, currency, ["filter", "maxAmount"])
    if sizes:
        query["size"] = sizes
    if spec.text:
        pattern = _contains(spec.text, "text")
        query["$or"] = [{"payee": pattern}, {"memo": pattern}]
    return query


class HistoryService:
    def __init__(self, repo: LedgerRepository, month_totals: MonthTotals) -> None:
        self.repo = repo
        self.month_totals = month_totals

    async def page(
        self, account: Row, spec: HistoryFilter, request: PageRequest, size: int
    ) -> Page:
        """`account` was read for the caller already (the GraphQL parent object)."""
        return await self.repo.history_page(history_query(account, spec), request, size)

    async def totals(self, account: Row, spec: HistoryFilter) -> Totals:
        query = history_query(account, spec)  # validates the filter in every case
        if account.get("month_totals") and spec.by_month:
            groups = await self._totals_by_month(account, spec)
        else:
            groups = await self.repo.totals(query, spec.envelope_id)
        by_flow: dict[str, int] = {}
        for group in groups:
            by_flow[group["flow"]] = by_flow.get(group["flow"], 0) + group["sum"]
        return Totals(
            income=by_flow.get("income", 0),
            expense=-by_flow.get("expense", 0),
            transfers=by_flow.get("transfer", 0),
            net=sum(by_flow.values()),
            count=sum(g["n"] for g in groups),
        )

    async def _totals_by_month(self, account: Row, spec: HistoryFilter) -> list[Row]:
        cut = cut_into_months(spec.date_from, spec.date_to)
        kinds = tuple(dict.fromkeys(spec.kinds))

        async def read(session: Session | None) -> list[Row]:
            groups: list[Row] = []
            if cut.months is not None:
                groups += await self.month_totals.find(
                    account["_id"], spec.envelope_id, cut.months.first, cut.months.last, kinds,
                    session,
                )  # fmt: skip
            for edge in cut.edges:
                edge_spec = replace(spec, date_from=edge.first, date_to=edge.last)
                query = history_query(account, edge_spec)
                groups += await self.repo.totals(query, spec.envelope_id, session)
            return groups

        if not cut.edges:
            return await read(None)
        async with self.month_totals.snapshot() as session:
            return await read(session)

    async def entry(self, viewer: Viewer, entry_id: ObjectId) -> tuple[Row, Row]:
        """(entry, its account) if the caller may see it; NOT_FOUND otherwise."""
        entry = await self.repo.entry(entry_id)
        account = (
            await self.repo.account_for(entry["account_id"], viewer.user_id) if entry else None
        )
        if entry is None or account is None:
            raise NotFoundError("No such transaction.", field=["id"])
        return entry, account

    async def visible_entry(
        self, viewer: Viewer, entry_id: ObjectId | None
    ) -> tuple[Row, Row] | None:
        """(entry, its account), or None when there is none or the caller may not see it."""
        if entry_id is None:
            return None
        try:
            return await self.entry(viewer, entry_id)
        except NotFoundError:
            return None

    async def profiles(self, user_ids: list[ObjectId]) -> dict[ObjectId, Row]:
        return await self.repo.users_by_ids(user_ids)
