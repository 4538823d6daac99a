"""Mutations that move money (editors). Each takes an optional idempotency key."""

from __future__ import annotations

from datetime import date

import strawberry

from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.envelopes.types import EnvelopeAmountInput, amounts
from app.graphql.ledger.history.types import Transaction, transactions_of
from app.graphql.mutations import (
    Caller,
    Payload,
    UserError,
    idempotency_key,
    keyed_mutation_field,
)
from app.graphql.relay import decode_id, decode_optional_id
from app.graphql.scalars import Decimal
from app.persistence.outcome import Outcome
from app.services.ledger import commands


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
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.Income:
        return commands.Income(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            amount=self.amount,
            allocations=amounts(self.allocations, "allocations"),
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
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.Expense:
        return commands.Expense(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            amount=self.amount,
            envelope_id=decode_optional_id(self.envelope_id, "Envelope", "envelopeId"),
            splits=amounts(self.splits, "splits") if self.splits is not None else None,
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
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.Move:
        return commands.Move(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            from_envelope_id=decode_id(self.from_envelope_id, "Envelope", "fromEnvelopeId"),
            to_envelope_id=decode_id(self.to_envelope_id, "Envelope", "toEnvelopeId"),
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
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.Transfer:
        return commands.Transfer(
            from_account_id=decode_id(self.from_account_id, "Account", "fromAccountId"),
            to_account_id=decode_id(self.to_account_id, "Account", "toAccountId"),
            amount=self.amount,
            received_amount=self.received_amount,
            from_envelope_id=decode_optional_id(
                self.from_envelope_id, "Envelope", "fromEnvelopeId"
            ),
            to_envelope_id=decode_optional_id(self.to_envelope_id, "Envelope", "toEnvelopeId"),
            details=commands.EntryDetails(memo=self.memo, booking_date=self.booking_date),
        )


@strawberry.input
class UndoTransactionInput:
    id: strawberry.ID = strawberry.field(description="The entry to undo (a reversal: redo).")
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.Undo:
        return commands.Undo(decode_id(self.id, "Transaction", "id"))


@strawberry.input
class RecordPaydayInput(EntryFields):
    payment_source_id: strawberry.ID
    amount: Decimal | None = strawberry.field(
        default=None, description="What actually arrived; default: the expected amount."
    )
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.Payday:
        return commands.Payday(
            source_id=decode_id(self.payment_source_id, "PaymentSource", "paymentSourceId"),
            amount=self.amount,
            details=self.details(),
        )


def _recorded(outcome: Outcome, caller: Caller) -> list[Transaction]:
    """The entries of a money mutation; they show the caller (confirmed with the login) as
    `recordedBy` without another query."""
    return transactions_of(outcome, {caller.user_id: caller.profile})


@strawberry.type(description="The result of recording income, a payday, an expense or a move.")
class TransactionPayload(Payload):
    transaction: Transaction | None = None
    account: Account | None = strawberry.field(default=None, description="As it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, outcome: Outcome, caller: Caller) -> TransactionPayload:
        entries = _recorded(outcome, caller)
        accounts = outcome.accounts
        return cls(
            transaction=entries[0] if entries else None,
            account=Account.from_document(accounts[0], caller.user_id) if accounts else None,
        )


@strawberry.type(description="A transfer: the entry leaving one account and the one arriving.")
class TransferPayload(Payload):
    outgoing: Transaction | None = None
    incoming: Transaction | None = None
    from_account: Account | None = None
    to_account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, outcome: Outcome, caller: Caller) -> TransferPayload:
        entries = _recorded(outcome, caller)
        out = next((e for e in entries if e.entry.amount < 0), None)
        into = next((e for e in entries if e.entry.amount > 0), None)
        accounts = {account.id: account for account in outcome.accounts}

        def account_of(entry: Transaction | None) -> Account | None:
            account = accounts.get(entry.entry.account_id) if entry else None
            return Account.from_document(account, caller.user_id) if account else None

        return cls(
            outgoing=out, incoming=into, from_account=account_of(out), to_account=account_of(into)
        )


@strawberry.type(description="An undo: the reversal entries (two for a transfer).")
class UndoPayload(Payload):
    reversals: list[Transaction] = strawberry.field(default_factory=list)
    accounts: list[Account] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, outcome: Outcome, caller: Caller) -> UndoPayload:
        return cls(
            reversals=_recorded(outcome, caller),
            accounts=[Account.from_document(a, caller.user_id) for a in outcome.accounts],
        )


@strawberry.type
class MovementMutation:
    record_income = keyed_mutation_field(
        "Income into Available, or split across envelopes.",
        RecordIncomeInput,
        TransactionPayload,
        lambda services: services.movements.income,
    )
    record_payday = keyed_mutation_field(
        "Income from a payment source, filling its envelopes.",
        RecordPaydayInput,
        TransactionPayload,
        lambda services: services.movements.payday,
    )
    record_expense = keyed_mutation_field(
        "Spending out of one envelope or split across several. INSUFFICIENT_FUNDS when an "
        "envelope would go below zero and the account does not allow it.",
        RecordExpenseInput,
        TransactionPayload,
        lambda services: services.movements.expense,
    )
    move_money = keyed_mutation_field(
        "Move money between two envelopes of one account.",
        MoveMoneyInput,
        TransactionPayload,
        lambda services: services.movements.move,
    )
    transfer_money = keyed_mutation_field(
        "Move money between two accounts you may edit.",
        TransferMoneyInput,
        TransferPayload,
        lambda services: services.movements.transfer,
    )
    undo_transaction = keyed_mutation_field(
        "Undo an entry with a linked reversal (both legs of a transfer). Nothing is deleted; "
        "undoing a reversal redoes the entry.",
        UndoTransactionInput,
        UndoPayload,
        lambda services: services.movements.undo,
    )
