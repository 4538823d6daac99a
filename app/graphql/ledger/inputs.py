"""Mutation inputs of the ledger; each turns itself into a service command (ids decoded)."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from bson import ObjectId

from app.graphql.ledger.ids import optional_raw_id, raw_id
from app.graphql.ledger.scalars import Decimal
from app.graphql.ledger.types import AccountType, MemberRole
from app.services.ledger import commands

KEY_HELP = (
    "Any unique string per intended change (a UUID): repeating the request with the same key "
    "returns the first result instead of moving money twice."
)


def _key() -> Any:
    return strawberry.field(default=None, description=KEY_HELP)


@strawberry.input
class EnvelopeAmountInput:
    envelope_id: strawberry.ID
    amount: Decimal

    def to_command(self, path: str, i: int) -> commands.AmountFor:
        return commands.AmountFor(
            raw_id(self.envelope_id, "Envelope", [path, str(i), "envelopeId"]), self.amount
        )


def _amounts(items: list[EnvelopeAmountInput] | None, path: str) -> tuple[commands.AmountFor, ...]:
    return tuple(item.to_command(path, i) for i, item in enumerate(items or ()))


@strawberry.input
class OpenAccountInput:
    name: str
    type: AccountType
    currency: str = strawberry.field(description="ISO 4217 code, e.g. EUR.")
    institution: str | None = None
    on_budget: bool = True
    opening_balance: Decimal = strawberry.field(
        default=Decimal("0"),
        description="Lands in Available; below zero only for credit cards and loans.",
    )
    allow_overdraft: bool | None = strawberry.field(
        default=None, description="Default: yes for credit cards and loans, otherwise no."
    )
    envelope_names: list[str] | None = None
    idempotency_key: str | None = _key()

    def to_command(self) -> commands.OpenAccount:
        return commands.OpenAccount(
            name=self.name,
            type=self.type.value,
            currency=self.currency,
            institution=self.institution,
            on_budget=self.on_budget,
            opening_balance=self.opening_balance,
            allow_overdraft=self.allow_overdraft,
            envelope_names=tuple(self.envelope_names or ()),
        )


@strawberry.input
class UpdateAccountInput:
    account_id: strawberry.ID
    name: str | None = None
    institution: str | None = None
    on_budget: bool | None = None
    allow_overdraft: bool | None = None

    def to_command(self) -> commands.UpdateAccount:
        return commands.UpdateAccount(
            account_id=raw_id(self.account_id, "Account", "accountId"),
            name=self.name,
            institution=self.institution,
            on_budget=self.on_budget,
            allow_overdraft=self.allow_overdraft,
        )


@strawberry.input
class AccountInput:
    account_id: strawberry.ID

    def raw(self) -> ObjectId:
        return raw_id(self.account_id, "Account", "accountId")


@strawberry.input
class EntryFields:
    """Fields shared by the money inputs (mixed into each)."""

    payee: str | None = None
    memo: str | None = None
    tags: list[str] | None = None
    booking_date: date | None = strawberry.field(default=None, description="Default: today.")

    def details(self) -> commands.EntryDetails:
        return commands.EntryDetails(
            payee=self.payee,
            memo=self.memo,
            tags=tuple(self.tags or ()),
            booking_date=self.booking_date,
        )


@strawberry.input
class RecordIncomeInput(EntryFields):
    account_id: strawberry.ID
    amount: Decimal
    allocations: list[EnvelopeAmountInput] | None = strawberry.field(
        default=None, description="Parts for envelopes (at most the amount); rest to Available."
    )
    idempotency_key: str | None = _key()

    def to_command(self) -> commands.Income:
        return commands.Income(
            account_id=raw_id(self.account_id, "Account", "accountId"),
            amount=self.amount,
            allocations=_amounts(self.allocations, "allocations"),
            details=self.details(),
        )


@strawberry.input
class RecordExpenseInput(EntryFields):
    account_id: strawberry.ID
    amount: Decimal
    envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="The envelope paying; or give splits."
    )
    splits: list[EnvelopeAmountInput] | None = strawberry.field(
        default=None, description="Several envelopes paying parts that add up to the amount."
    )
    idempotency_key: str | None = _key()

    def to_command(self) -> commands.Expense:
        return commands.Expense(
            account_id=raw_id(self.account_id, "Account", "accountId"),
            amount=self.amount,
            envelope_id=optional_raw_id(self.envelope_id, "Envelope", "envelopeId"),
            splits=_amounts(self.splits, "splits") if self.splits is not None else None,
            details=self.details(),
        )


@strawberry.input
class MoveMoneyInput:
    account_id: strawberry.ID
    from_envelope_id: strawberry.ID
    to_envelope_id: strawberry.ID
    amount: Decimal
    memo: str | None = None
    booking_date: date | None = None
    idempotency_key: str | None = _key()

    def to_command(self) -> commands.Move:
        return commands.Move(
            account_id=raw_id(self.account_id, "Account", "accountId"),
            from_envelope_id=raw_id(self.from_envelope_id, "Envelope", "fromEnvelopeId"),
            to_envelope_id=raw_id(self.to_envelope_id, "Envelope", "toEnvelopeId"),
            amount=self.amount,
            details=commands.EntryDetails(memo=self.memo, booking_date=self.booking_date),
        )


@strawberry.input
class TransferMoneyInput:
    from_account_id: strawberry.ID
    to_account_id: strawberry.ID
    amount: Decimal = strawberry.field(description="In the sending account's currency.")
    received_amount: Decimal | None = strawberry.field(
        default=None, description="Required when the currencies differ."
    )
    from_envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: Available."
    )
    to_envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: Available."
    )
    memo: str | None = None
    booking_date: date | None = None
    idempotency_key: str | None = _key()

    def to_command(self) -> commands.Transfer:
        return commands.Transfer(
            from_account_id=raw_id(self.from_account_id, "Account", "fromAccountId"),
            to_account_id=raw_id(self.to_account_id, "Account", "toAccountId"),
            amount=self.amount,
            received_amount=self.received_amount,
            from_envelope_id=optional_raw_id(self.from_envelope_id, "Envelope", "fromEnvelopeId"),
            to_envelope_id=optional_raw_id(self.to_envelope_id, "Envelope", "toEnvelopeId"),
            details=commands.EntryDetails(memo=self.memo, booking_date=self.booking_date),
        )


@strawberry.input
class UndoTransactionInput:
    id: strawberry.ID = strawberry.field(description="The entry to undo (a reversal: redo).")
    idempotency_key: str | None = _key()


@strawberry.input
class RecordPaydayInput(EntryFields):
    payment_source_id: strawberry.ID
    amount: Decimal | None = strawberry.field(
        default=None, description="What actually arrived; default: the expected amount."
    )
    idempotency_key: str | None = _key()

    def to_command(self) -> commands.Payday:
        return commands.Payday(
            source_id=raw_id(self.payment_source_id, "PaymentSource", "paymentSourceId"),
            amount=self.amount,
            details=self.details(),
        )


@strawberry.input
class PaymentSourceFields:
    name: str
    expected_amount: Decimal
    payer: str | None = None
    allocations: list[EnvelopeAmountInput] | None = strawberry.field(
        default=None, description="Fixed amounts per envelope, in payday order."
    )

    def spec(self) -> commands.PaymentSourceSpec:
        return commands.PaymentSourceSpec(
            name=self.name,
            expected_amount=self.expected_amount,
            payer=self.payer,
            allocations=_amounts(self.allocations, "allocations"),
        )


@strawberry.input
class CreatePaymentSourceInput(PaymentSourceFields):
    account_id: strawberry.ID


@strawberry.input
class UpdatePaymentSourceInput(PaymentSourceFields):
    id: strawberry.ID


@strawberry.input
class ShareAccountInput:
    account_id: strawberry.ID
    email: str
    role: MemberRole


@strawberry.input
class ChangeMemberRoleInput:
    account_id: strawberry.ID
    user_id: strawberry.ID
    role: MemberRole


@strawberry.input
class MemberInput:
    account_id: strawberry.ID
    user_id: strawberry.ID
