"""Read the ledger: pages of an account's entries, their totals, one entry, who recorded it.

Pages are keyset-paged on (booking date desc, sequence desc), served by the `history*`
indexes. Totals use the same filter: income and expense count their reversals negatively
(a reversal carries the flow of the entry it undoes), so an undone expense is no expense.
With an envelope filter, only that envelope's share of split entries counts.

Totals filtered by dates, envelope and kinds only are added up from the per-month figures
(`app.persistence.repositories.month_totals`) for the whole months of the range, and from the
entries for the days at its ragged edges, all read in one snapshot; all-time totals read no
entry. Filters on payee, text, amount or cleared status need the entries themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from app.core.errors import NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.money import parse_amount
from app.domain.periods import cut_into_months
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.auth import UserProfile
from app.persistence.documents.entries import TransactionRecord
from app.persistence.documents.month_totals import FlowSum
from app.persistence.keyset import Page, PageRequest
from app.persistence.mongo import Database
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.entries import EntryQuery, EntryRepository
from app.persistence.repositories.month_totals import MonthTotals
from app.persistence.repositories.profiles import ProfileRepository

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
    cleared: tuple[str, ...] = ()  # cleared statuses (reconciliation)

    @property
    def by_month(self) -> bool:
        """Whether per-month figures can answer totals of this filter."""
        return not (
            self.payee
            or self.text
            or self.min_amount is not None
            or self.max_amount is not None
            or self.cleared
        )


@dataclass(frozen=True)
class Totals:
    income: int
    expense: int
    transfers: int
    net: int
    count: int


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)


def _search(text: str | None, field: str) -> str | None:
    if text and len(text) > MAX_SEARCH_LENGTH:
        raise ValidationError(f"At most {MAX_SEARCH_LENGTH} characters.", field=["filter", field])
    return text


def _size(text: str | None, currency: str, field: str) -> int | None:
    return None if text is None else parse_amount(text, currency, ["filter", field])


def _as_stored(row: dict[str, Any]) -> dict[str, Any]:
    return row


def entry_query(account: AccountRecord, spec: HistoryFilter) -> EntryQuery:
    """Which entries a history filter asks for; VALIDATION or NOT_FOUND for a bad filter."""
    if spec.date_from and spec.date_to and spec.date_from > spec.date_to:
        raise ValidationError("dateFrom is after dateTo.", field=["filter", "dateFrom"])
    if spec.envelope_id is not None and account.envelope(spec.envelope_id) is None:
        raise NotFoundError("No such envelope in this account.", field=["filter", "envelopeId"])
    return EntryQuery(
        account_id=account.id,
        booked_from=_midnight(spec.date_from),
        booked_to=_midnight(spec.date_to),
        envelope_id=spec.envelope_id,
        kinds=tuple(dict.fromkeys(spec.kinds)),
        payee=_search(spec.payee, "payee"),
        min_size=_size(spec.min_amount, account.currency, "minAmount"),
        max_size=_size(spec.max_amount, account.currency, "maxAmount"),
        text=_search(spec.text, "text"),
        cleared=tuple(dict.fromkeys(spec.cleared)),
    )


class HistoryService:
    def __init__(
        self,
        db: Database,
        accounts: AccountRepository,
        entries: EntryRepository,
        figures: MonthTotals,
        profiles: ProfileRepository,
    ) -> None:
        self.db = db
        self.accounts = accounts
        self.entries = entries
        self.figures = figures
        self.profiles_repo = profiles

    async def page(
        self, account: AccountRecord, spec: HistoryFilter, request: PageRequest, size: int
    ) -> Page[TransactionRecord]:
        """`account` was read for the caller already (the GraphQL parent object)."""
        return await self.entries.page(entry_query(account, spec), request, size)

    async def account_with_page(
        self, viewer: Viewer, account_id: ObjectId, request: PageRequest, size: int
    ) -> tuple[AccountRecord, Page[dict[str, Any]], dict[ObjectId, UserProfile]]:
        """The account as `AccountService.get` reads it (NOT_FOUND if the caller is no member),
        the page of its whole history (no filter), as stored rows (see
        `Transaction.from_row`), and its members' profiles, in one round trip. VALIDATION for
        a malformed cursor, before any read."""
        lookup, find = self.entries.page_lookup(EntryQuery(account_id=account_id), request, size)
        joins = {"entries": lookup, "members": self.profiles_repo.members_lookup()}
        found = await self.accounts.for_member_joined(account_id, viewer.user_id, joins)
        if found is None:
            raise NotFoundError("No such account.", field=["id"])
        account, joined = found
        page = find.page(joined["entries"], _as_stored)
        profiles = [UserProfile.model_validate(row) for row in joined["members"]]
        return account, page, {profile.id: profile for profile in profiles}

    async def totals(self, account: AccountRecord, spec: HistoryFilter) -> Totals:
        query = entry_query(account, spec)  # validates the filter in every case
        if account.month_totals and spec.by_month:
            groups = await self._totals_by_month(account, spec, query)
        else:
            groups = await self.entries.totals(query)
        by_flow: dict[str, int] = {}
        for group in groups:
            by_flow[group.flow] = by_flow.get(group.flow, 0) + group.sum
        return Totals(
            income=by_flow.get("income", 0),
            expense=-by_flow.get("expense", 0),
            transfers=by_flow.get("transfer", 0),
            net=sum(by_flow.values()),
            count=sum(g.n for g in groups),
        )

    async def _totals_by_month(
        self, account: AccountRecord, spec: HistoryFilter, query: EntryQuery
    ) -> list[FlowSum]:
        cut = cut_into_months(spec.date_from, spec.date_to)

        async def read(figures: MonthTotals, entries: EntryRepository) -> list[FlowSum]:
            groups: list[FlowSum] = []
            if cut.months is not None:
                groups += await figures.find(
                    account.id, spec.envelope_id, cut.months.first, cut.months.last, query.kinds
                )
            for edge in cut.edges:
                edge_query = replace(
                    query, booked_from=_midnight(edge.first), booked_to=_midnight(edge.last)
                )
                groups += await entries.totals(edge_query)
            return groups

        if not cut.edges:
            return await read(self.figures, self.entries)
        async with self.db.snapshot() as session:
            return await read(self.figures.bound(session), self.entries.bound(session))

    async def entry(
        self, viewer: Viewer, entry_id: ObjectId
    ) -> tuple[TransactionRecord, AccountRecord]:
        """(entry, its account) if the caller may see it; NOT_FOUND otherwise."""
        entry = await self.entries.get(entry_id)
        account = (
            await self.accounts.for_member(entry.account_id, viewer.user_id) if entry else None
        )
        if entry is None or account is None:
            raise NotFoundError("No such transaction.", field=["id"])
        return entry, account

    async def visible_entry(
        self, viewer: Viewer, entry_id: ObjectId | None
    ) -> tuple[TransactionRecord, AccountRecord] | None:
        """(entry, its account), or None when there is none or the caller may not see it."""
        if entry_id is None:
            return None
        try:
            return await self.entry(viewer, entry_id)
        except NotFoundError:
            return None

    async def profiles(self, user_ids: list[ObjectId]) -> dict[ObjectId, UserProfile]:
        return await self.profiles_repo.by_ids(user_ids)

    async def entries_by_id(self, ids: Iterable[ObjectId]) -> dict[ObjectId, TransactionRecord]:
        """Entries by id, whoever may see them: for entries of an account already read."""
        return await self.entries.by_ids(ids)
