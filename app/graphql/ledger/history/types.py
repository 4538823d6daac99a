"""Entries of an account's ledger: `Transaction`, its connection, filter and totals."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import strawberry

from app.core.ids import ObjectId
from app.domain.entries import ClearedStatus, EntryKind
from app.graphql.categorisation.types import LearnedSuggestion, Suggestions
from app.graphql.context import Info
from app.graphql.engine.fast_execution import PREFETCHED
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.members.types import Profile
from app.graphql.relay import Node, PageInfo, decode_optional_id, to_global_id
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.auth import UserProfile
from app.persistence.documents.entries import TransactionRecord
from app.persistence.keyset import Page
from app.persistence.outcome import Outcome
from app.services.ledger.history import HistoryFilter
from app.services.ledger.history import Totals as TotalsResult

Recorders = Mapping[ObjectId, UserProfile | None]
Item = TypeVar("Item")  # an entry of a page: its record, or its stored row


# The domain's entry kinds are the API's, under the schema's name.
strawberry.enum(EntryKind, name="TransactionKind")
strawberry.enum(
    ClearedStatus,
    description="Where an entry stands against the bank: recorded only, seen on the bank's "
    "side, or matched by a reconciliation (then it cannot change until that is reopened).",
)


class SharedParts:
    """What the entries of one account share, each part built once for all of them: the
    envelopes their lines name and the profiles of who recorded them (when loaded ahead;
    otherwise `recordedBy` loads them)."""

    def __init__(self, account: AccountRecord, recorders: Recorders | None = None) -> None:
        self._currency = account.currency
        self._envelope_records = {e.id: e for e in account.envelopes}  # deleted ones too
        self._envelopes: dict[ObjectId, Envelope] = {}
        self._recorder_profiles = recorders
        self._recorders: dict[ObjectId, Profile] = {}

    def envelope(self, envelope_id: ObjectId) -> Envelope:
        found = self._envelopes.get(envelope_id)
        if found is None:
            record = self._envelope_records[envelope_id]
            found = self._envelopes[envelope_id] = Envelope.from_record(record, self._currency)
        return found

    def recorder(self, user_id: ObjectId) -> Profile | None:
        if self._recorder_profiles is None or user_id not in self._recorder_profiles:
            return None
        found = self._recorders.get(user_id)
        if found is None:
            profile = self._recorder_profiles[user_id]
            found = self._recorders[user_id] = Profile.from_profile(profile, user_id)
        return found


@strawberry.type(description="The sums of the entries matching a filter.")
class Totals:
    income: Money = strawberry.field(description="Income (and paydays) less their undos.")
    expense: Money = strawberry.field(description="Spending less its undos, as a positive sum.")
    transfers: Money = strawberry.field(description="Net money transferred in (+) or out (-).")
    net: Money = strawberry.field(description="The change of the balance over these entries.")
    count: int

    @classmethod
    def from_result(cls, totals: TotalsResult, currency: str) -> Totals:
        return cls(
            income=money(totals.income, currency),
            expense=money(totals.expense, currency),
            transfers=money(totals.transfers, currency),
            net=money(totals.net, currency),
            count=totals.count,
        )


@strawberry.type
class TransactionLine:
    envelope: Envelope
    amount: Money = strawberry.field(description="The signed change of the envelope.")


@strawberry.type(description="One entry of an account's ledger. Entries are never deleted.")
class Transaction(Node):
    sequence: int = strawberry.field(description="1, 2, 3… per account, without gaps.")
    kind: EntryKind
    booking_date: date
    amount: Money = strawberry.field(description="The signed change of the account balance.")
    lines: list[TransactionLine]
    payee: str | None
    memo: str | None
    tags: list[str]
    balance_after: Money = strawberry.field(
        description="The account balance right after this entry was recorded."
    )
    recorded_at: datetime
    undone: bool = strawberry.field(description="True once a reversal undid this entry.")
    cleared: ClearedStatus
    needs_review: bool = strawberry.field(
        description="Waiting in the review queue (imported with no envelope, or unconfirmed)."
    )
    # The entry's record, or the stored row a page read it as (validated when first needed,
    # see `from_row`).
    stored: strawberry.Private[TransactionRecord | Mapping[str, Any]]
    account: strawberry.Private[AccountRecord]
    recorder: strawberry.Private[Profile | None] = None  # `recorded_by`, when loaded ahead

    @property
    def entry(self) -> TransactionRecord:
        stored = self.stored
        if not isinstance(stored, TransactionRecord):
            stored = self.stored = TransactionRecord.model_validate(stored)
        return stored

    @strawberry.field(description="The id of the bank row it was imported from (or matched).")
    def import_id(self) -> str | None:
        return self.entry.import_id

    @classmethod
    def from_record(
        cls, entry: TransactionRecord, account: AccountRecord, shared: SharedParts | None = None
    ) -> Transaction:
        """`shared`: the parts that many entries of `account` share, when converting many."""
        currency = entry.currency
        shared = shared or SharedParts(account)
        return cls(
            id=to_global_id("Transaction", entry.id),
            sequence=entry.seq,
            kind=entry.kind,
            booking_date=entry.booking_date.date(),
            amount=money(entry.amount, currency),
            lines=[
                TransactionLine(
                    envelope=shared.envelope(line.envelope_id), amount=money(line.amount, currency)
                )
                for line in entry.lines
            ],
            payee=entry.payee,
            memo=entry.memo,
            tags=entry.tags,
            balance_after=money(entry.balance_after, currency),
            recorded_at=entry.recorded_at,
            undone=entry.reversed_by is not None,
            cleared=entry.cleared,
            needs_review=entry.needs_review,
            stored=entry,
            account=account,
            recorder=shared.recorder(entry.recorded_by),
        )

    @classmethod
    def from_row(
        cls, row: Mapping[str, Any], account: AccountRecord, shared: SharedParts
    ) -> Transaction:
        """`from_record(TransactionRecord.model_validate(row), …)`, straight from a row this
        service stored (validated when it was written): a page shows 50 entries, and
        validating each again cost as much as the rest of this. The record is made only
        when a field needs it (`entry`); a row that is not of the stored shape is validated
        at once, which raises as reading it always did."""
        try:
            currency = row["currency"]
            return cls(
                id=to_global_id("Transaction", row["_id"]),
                sequence=row["seq"],
                kind=EntryKind(row["kind"]),
                booking_date=row["booking_date"].date(),
                amount=money(row["amount"], currency),
                lines=[
                    TransactionLine(
                        envelope=shared.envelope(line["envelope_id"]),
                        amount=money(line["amount"], currency),
                    )
                    for line in row["lines"]
                ],
                payee=row.get("payee"),
                memo=row.get("memo"),
                tags=list(row.get("tags", ())),
                balance_after=money(row["balance_after"], currency),
                recorded_at=row["recorded_at"],
                undone=row.get("reversed_by") is not None,
                cleared=ClearedStatus(row.get("cleared", ClearedStatus.UNCLEARED)),
                needs_review=row.get("needs_review", False),
                stored=row,
                account=account,
                recorder=shared.recorder(row["recorded_by"]),
            )
        except (KeyError, ValueError, TypeError, AttributeError):
            return cls.from_record(TransactionRecord.model_validate(row), account, shared)

    @strawberry.field(description="The account whose ledger it is in.")
    def account_id(self) -> strawberry.ID:
        return to_global_id("Account", self.entry.account_id)

    @strawberry.field(description="The member who recorded it.", metadata={PREFETCHED: "recorder"})
    async def recorded_by(self, info: Info) -> Profile:
        if self.recorder is not None:
            return self.recorder
        user_id = self.entry.recorded_by
        return Profile.from_profile(await info.context.profiles.load(user_id), user_id)

    @strawberry.field(
        description="For income and spending not undone: the envelope the household's learned "
        "model would choose, and how sure it is; null while there is no model (too little "
        "history, or one being trained) or it names no live envelope of this account."
    )
    async def suggestion(self, info: Info) -> LearnedSuggestion | None:
        entry = self.entry
        if entry.kind not in (EntryKind.INCOME, EntryKind.EXPENSE) or entry.reversed_by:
            return None
        batch = Suggestions.of(info.context, info.context.services.learned)
        return await batch.loader.load((self.account, entry))

    async def _linked(self, info: Info, entry_id: ObjectId | None) -> Transaction | None:
        viewer = await info.context.viewer()
        found = await info.context.services.history.visible_entry(viewer, entry_id)
        return Transaction.from_record(*found) if found else None

    @strawberry.field(description="For a reversal: the entry it undid.")
    async def reverses(self, info: Info) -> Transaction | None:
        return await self._linked(info, self.entry.reverses)

    @strawberry.field(description="The reversal that undid this entry, if any.")
    async def reversed_by(self, info: Info) -> Transaction | None:
        return await self._linked(info, self.entry.reversed_by)

    @strawberry.field(description="For a recategorisation: the entry it corrects.")
    async def corrects(self, info: Info) -> Transaction | None:
        return await self._linked(info, self.entry.corrects)

    @strawberry.field(
        description="The latest standing recategorisation of this entry, if any: its envelopes "
        "are now the ones that correction left."
    )
    async def corrected_by(self, info: Info) -> Transaction | None:
        return await self._linked(info, self.entry.corrected_by)

    @strawberry.field(description="For a transfer: the other account's entry (if visible).")
    async def counterpart(self, info: Info) -> Transaction | None:
        return await self._linked(info, self.entry.counterpart_id)


def transactions_of(outcome: Outcome, recorders: Recorders | None = None) -> list[Transaction]:
    """The outcome's entries that the caller may still see. `recorders`: the profiles of
    who recorded them by user id, when already loaded."""
    accounts = {account.id: account for account in outcome.accounts}
    shared = {key: SharedParts(account, recorders) for key, account in accounts.items()}
    return [
        Transaction.from_record(e, accounts[e.account_id], shared[e.account_id])
        for e in outcome.entries
        if e.account_id in accounts
    ]


@strawberry.type
class TransactionEdge:
    cursor: str
    node: Transaction


@strawberry.type
class TransactionConnection:
    edges: list[TransactionEdge]
    page_info: PageInfo

    @classmethod
    async def from_page(
        cls, page: Page[TransactionRecord], account: AccountRecord, info: Info
    ) -> TransactionConnection:
        """The page's entries, with their recorders loaded in one query."""
        recorders = [entry.recorded_by for entry in page.items]
        return await cls._of(page, recorders, Transaction.from_record, account, info)

    @classmethod
    async def from_rows(
        cls, page: Page[dict[str, Any]], account: AccountRecord, info: Info
    ) -> TransactionConnection:
        """`from_page` of a page of stored rows (see `Transaction.from_row`)."""
        recorders = [row["recorded_by"] for row in page.items]
        return await cls._of(page, recorders, Transaction.from_row, account, info)

    @classmethod
    async def _of(
        cls,
        page: Page[Item],
        recorders: list[ObjectId],
        convert: Callable[[Item, AccountRecord, SharedParts], Transaction],
        account: AccountRecord,
        info: Info,
    ) -> TransactionConnection:
        user_ids = list(dict.fromkeys(recorders))
        profiles = await info.context.profiles.load_many(user_ids)
        shared = SharedParts(account, dict(zip(user_ids, profiles, strict=True)))
        return cls(
            edges=[
                TransactionEdge(cursor=c, node=convert(item, account, shared))
                for item, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
        )


@strawberry.input(description="Every given condition must hold.")
class TransactionFilter:
    date_from: date | None = None
    date_to: date | None = strawberry.field(default=None, description="Inclusive.")
    envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="Entries that changed this envelope."
    )
    kinds: list[EntryKind] | None = None
    payee: str | None = strawberry.field(
        default=None, description="Payee contains this, in any case."
    )
    min_amount: str | None = strawberry.field(
        default=None, description="The entered amount is at least this (a decimal string)."
    )
    max_amount: str | None = None
    text: str | None = strawberry.field(
        default=None, description="Payee or memo contains this, in any case."
    )
    cleared: list[ClearedStatus] | None = strawberry.field(
        default=None, description="Entries with one of these cleared statuses."
    )

    @staticmethod
    def to_filter(spec: TransactionFilter | None) -> HistoryFilter:
        if spec is None:
            return HistoryFilter()
        return HistoryFilter(
            date_from=spec.date_from,
            date_to=spec.date_to,
            envelope_id=decode_optional_id(spec.envelope_id, "Envelope", "envelopeId"),
            kinds=tuple(k.value for k in spec.kinds or ()),
            payee=spec.payee,
            min_amount=spec.min_amount,
            max_amount=spec.max_amount,
            text=spec.text,
            cleared=tuple(c.value for c in spec.cleared or ()),
        )
