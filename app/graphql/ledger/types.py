"""GraphQL types of the ledger, each converted from its stored row in `from_row`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from app.graphql.context import Info
from app.graphql.fast_execution import PREFETCHED
from app.graphql.ledger.scalars import Money, money
from app.graphql.relay import Node, PageInfo, to_global_id
from app.persistence.keyset import Page

Row = dict[str, Any]


@strawberry.enum
class AccountType(Enum):
    CHECKING = "checking"
    SAVINGS = "savings"
    CREDIT_CARD = "credit_card"
    CASH = "cash"
    LOAN = "loan"
    OTHER = "other"


@strawberry.enum(description="What a member may do: viewer < editor < admin < owner.")
class MemberRole(Enum):
    OWNER = "owner"
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


@strawberry.enum
class TransactionKind(Enum):
    OPENING = "opening"
    INCOME = "income"
    EXPENSE = "expense"
    MOVE = "move"
    TRANSFER = "transfer"
    REVERSAL = "reversal"


def envelope_index(account: Row) -> dict[Any, Row]:
    """The account's envelopes (deleted ones too) by id, to name the envelopes of entries."""
    return {e["id"]: e for e in account["envelopes"]}


class SharedParts:
    """What the entries of one account share, each part built once for all of them: the
    envelopes their lines name and the profiles of who recorded them (when loaded ahead;
    otherwise `recordedBy` loads them)."""

    def __init__(self, account: Row, recorders: Mapping[Any, Row | None] | None = None) -> None:
        self._currency: str = account["currency"]
        self._envelope_rows = envelope_index(account)
        self._envelopes: dict[Any, Envelope] = {}
        self._recorder_rows = recorders
        self._recorders: dict[Any, Profile] = {}

    def envelope(self, envelope_id: Any) -> Envelope:
        found = self._envelopes.get(envelope_id)
        if found is None:
            row = self._envelope_rows[envelope_id]
            found = self._envelopes[envelope_id] = Envelope.from_row(row, self._currency)
        return found

    def recorder(self, user_id: Any) -> Profile | None:
        if self._recorder_rows is None or user_id not in self._recorder_rows:
            return None
        found = self._recorders.get(user_id)
        if found is None:
            row = self._recorder_rows[user_id]
            found = self._recorders[user_id] = Profile.from_row(row, user_id)
        return found


@strawberry.type(description="A named pot of an account's money.")
class Envelope(Node):
    name: str
    balance: Money
    archived: bool
    is_available: bool = strawberry.field(
        description="The built-in envelope of money not yet assigned; never archived or deleted."
    )
    deleted: bool = strawberry.field(description="Only old entries still name a deleted envelope.")

    @classmethod
    def from_row(cls, row: Row, currency: str) -> Envelope:
        return cls(
            id=to_global_id("Envelope", str(row["id"])),
            name=row["name"],
            balance=money(row["balance"], currency),
            archived=row.get("archived", False),
            is_available=row.get("builtin", False),
            deleted=row.get("deleted", False),
        )


@strawberry.type(description="How a person appears to the other members of an account.")
class Profile:
    id: strawberry.ID
    display_name: str
    avatar_color: str

    @classmethod
    def from_row(cls, row: Row | None, user_id: object) -> Profile:
        row = row or {}
        return cls(
            id=to_global_id("User", str(user_id)),
            display_name=row.get("display_name", "Former user"),
            avatar_color=row.get("avatar_color", "#9E9E9E"),
        )


@strawberry.type
class AccountMember:
    profile: Profile
    email: str
    role: MemberRole
    added_at: datetime


@strawberry.type(description="The sums of the entries matching a filter.")
class Totals:
    income: Money = strawberry.field(description="Income (and paydays) less their undos.")
    expense: Money = strawberry.field(description="Spending less its undos, as a positive sum.")
    transfers: Money = strawberry.field(description="Net money transferred in (+) or out (-).")
    net: Money = strawberry.field(description="The change of the balance over these entries.")
    count: int


@strawberry.type
class TransactionLine:
    envelope: Envelope
    amount: Money = strawberry.field(description="The signed change of the envelope.")


@strawberry.type(description="One entry of an account's ledger. Entries are never deleted.")
class Transaction(Node):
    sequence: int = strawberry.field(description="1, 2, 3… per account, without gaps.")
    kind: TransactionKind
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
    row: strawberry.Private[Row]
    recorder: strawberry.Private[Profile | None] = None  # `recorded_by`, when loaded ahead

    @classmethod
    def from_row(cls, row: Row, account: Row, shared: SharedParts | None = None) -> Transaction:
        """`shared`: the parts that many entries of `account` share, when converting many."""
        currency = row["currency"]
        shared = shared or SharedParts(account)
        return cls(
            id=to_global_id("Transaction", str(row["_id"])),
            sequence=row["seq"],
            kind=TransactionKind(row["kind"]),
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
            tags=row.get("tags", []),
            balance_after=money(row["balance_after"], currency),
            recorded_at=row["recorded_at"],
            undone=row.get("reversed_by") is not None,
            row=row,
            recorder=shared.recorder(row["recorded_by"]),
        )

    @strawberry.field(description="The member who recorded it.", metadata={PREFETCHED: "recorder"})
    async def recorded_by(self, info: Info) -> Profile:
        if self.recorder is not None:
            return self.recorder
        user_id = self.row["recorded_by"]
        return Profile.from_row(await info.context.profiles.load(user_id), user_id)

    async def _linked(self, info: Info, name: str) -> Transaction | None:
        viewer = await info.context.viewer()
        found = await info.context.services.history.visible_entry(viewer, self.row.get(name))
        return Transaction.from_row(*found) if found else None

    @strawberry.field(description="For a reversal: the entry it undid.")
    async def reverses(self, info: Info) -> Transaction | None:
        return await self._linked(info, "reverses")

    @strawberry.field(description="The reversal that undid this entry, if any.")
    async def reversed_by(self, info: Info) -> Transaction | None:
        return await self._linked(info, "reversed_by")

    @strawberry.field(description="For a transfer: the other account's entry (if visible).")
    async def counterpart(self, info: Info) -> Transaction | None:
        return await self._linked(info, "counterpart_id")


@strawberry.type
class TransactionEdge:
    cursor: str
    node: Transaction


@strawberry.type
class TransactionConnection:
    edges: list[TransactionEdge]
    page_info: PageInfo

    @classmethod
    async def from_page(cls, page: Page, account: Row, info: Info) -> TransactionConnection:
        """The page's entries, with their recorders loaded in one query."""
        user_ids = list(dict.fromkeys(r["recorded_by"] for r in page.rows))
        profiles = await info.context.profiles.load_many(user_ids)
        shared = SharedParts(account, dict(zip(user_ids, profiles, strict=True)))
        return cls(
            edges=[
                TransactionEdge(cursor=c, node=Transaction.from_row(r, account, shared))
                for r, c in zip(page.rows, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
        )


@strawberry.type
class PaymentAllocation:
    envelope: Envelope
    amount: Money


@strawberry.type(description="A payday template: expected pay and fixed amounts per envelope.")
class PaymentSource(Node):
    name: str
    payer: str | None
    expected_amount: Money
    allocations: list[PaymentAllocation] = strawberry.field(
        description="Filled in this order on payday; a short pay fills the first ones first."
    )

    @classmethod
    def from_row(cls, row: Row, account: Row) -> PaymentSource:
        currency = account["currency"]
        envelopes = envelope_index(account)
        return cls(
            id=to_global_id("PaymentSource", str(row["_id"])),
            name=row["name"],
            payer=row.get("payer"),
            expected_amount=money(row["expected_amount"], currency),
            allocations=[
                PaymentAllocation(
                    envelope=Envelope.from_row(envelopes[a["envelope_id"]], currency),
                    amount=money(a["amount"], currency),
                )
                for a in row["allocations"]
            ],
        )
