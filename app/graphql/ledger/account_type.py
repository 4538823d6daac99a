"""The `Account` type: its envelopes, members, payment sources, history and totals."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

import strawberry

from app.graphql.context import Info
from app.graphql.ledger.ids import optional_raw_id
from app.graphql.ledger.scalars import Money, money
from app.graphql.ledger.types import (
    AccountMember,
    AccountType,
    Envelope,
    MemberRole,
    PaymentSource,
    Profile,
    Totals,
    TransactionConnection,
    TransactionKind,
)
from app.graphql.relay import Node, page_request, to_global_id
from app.services.ledger.history import HistoryFilter

Row = dict[str, Any]


@strawberry.input(description="Every given condition must hold.")
class TransactionFilter:
    date_from: date | None = None
    date_to: date | None = strawberry.field(default=None, description="Inclusive.")
    envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="Entries that changed this envelope."
    )
    kinds: list[TransactionKind] | None = None
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

    def to_filter(self) -> HistoryFilter:
        return HistoryFilter(
            date_from=self.date_from,
            date_to=self.date_to,
            envelope_id=optional_raw_id(self.envelope_id, "Envelope", "envelopeId"),
            kinds=tuple(k.value for k in self.kinds or ()),
            payee=self.payee,
            min_amount=self.min_amount,
            max_amount=self.max_amount,
            text=self.text,
        )


def _filter(spec: TransactionFilter | None) -> HistoryFilter:
    return spec.to_filter() if spec is not None else HistoryFilter()


@strawberry.type(description="A real-world money container and its envelopes.")
class Account(Node):
    name: str
    type: AccountType
    institution: str | None
    currency: str
    on_budget: bool
    allow_overdraft: bool = strawberry.field(description="May envelopes go below zero?")
    closed_at: datetime | None
    balance: Money = strawberry.field(description="Always the sum of the envelopes' balances.")
    my_role: MemberRole
    created_at: datetime
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row, user_id: object) -> Account:
        return cls(
            id=to_global_id("Account", str(row["_id"])),
            name=row["name"],
            type=AccountType(row["type"]),
            institution=row.get("institution"),
            currency=row["currency"],
            on_budget=row["on_budget"],
            allow_overdraft=row["allow_overdraft"],
            closed_at=row.get("closed_at"),
            balance=money(row["balance"], row["currency"]),
            my_role=next(MemberRole(m["role"]) for m in row["members"] if m["user_id"] == user_id),
            created_at=row["created_at"],
            row=row,
        )

    @strawberry.field
    def closed(self) -> bool:
        return self.closed_at is not None

    @strawberry.field(description="In display order; archived ones only when asked.")
    def envelopes(self, include_archived: bool = False) -> list[Envelope]:
        return [
            Envelope.from_row(e, self.currency)
            for e in self.row["envelopes"]
            if not e.get("deleted") and (include_archived or not e.get("archived"))
        ]

    @strawberry.field(description="The built-in envelope of money not yet assigned.")
    def available(self) -> Envelope:
        row = next(e for e in self.row["envelopes"] if e.get("builtin"))
        return Envelope.from_row(row, self.currency)

    @strawberry.field(description="The household sharing this account, owner first.")
    async def members(self, info: Info) -> list[AccountMember]:
        rows = sorted(self.row["members"], key=lambda m: m["role"] != "owner")
        profiles = await info.context.profiles.load_many([m["user_id"] for m in rows])
        return [
            AccountMember(
                profile=Profile.from_row(p, m["user_id"]),
                email=(p or {}).get("email", ""),
                role=MemberRole(m["role"]),
                added_at=m["added_at"],
            )
            for m, p in zip(rows, profiles, strict=True)
        ]

    @strawberry.field
    async def payment_sources(self, info: Info) -> list[PaymentSource]:
        rows = await info.context.services.payment_sources.of_account(self.row)
        return [PaymentSource.from_row(r, self.row) for r in rows]

    @strawberry.field(description="Entries, newest booking date first (then newest recorded).")
    async def transactions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TransactionFilter | None = None,
    ) -> TransactionConnection:
        request, size = page_request(first, after, last, before)
        # The members' profiles (who most likely recorded the entries) load meanwhile.
        members = [m["user_id"] for m in self.row["members"]]
        page, _ = await asyncio.gather(
            info.context.services.history.page(self.row, _filter(filter), request, size),
            info.context.profiles.load_many(members),
        )
        return await TransactionConnection.from_page(page, self.row, info)

    @strawberry.field(description="Income, expense and net of the entries matching the filter.")
    async def totals(self, info: Info, filter: TransactionFilter | None = None) -> Totals:
        totals = await info.context.services.history.totals(self.row, _filter(filter))
        return Totals(
            income=money(totals.income, self.currency),
            expense=money(totals.expense, self.currency),
            transfers=money(totals.transfers, self.currency),
            net=money(totals.net, self.currency),
            count=totals.count,
        )
