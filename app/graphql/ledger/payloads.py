"""Mutation payloads of the ledger: the changed objects, or `userErrors` and nothing changed."""

from __future__ import annotations

from typing import Any

import strawberry

from app.graphql.errors import Payload, UserError
from app.graphql.ledger.account_type import Account
from app.graphql.ledger.types import Envelope, PaymentSource, SharedParts, Transaction
from app.graphql.relay import to_global_id
from app.services.ledger.unit import Outcome

Row = dict[str, Any]
Recorders = dict[Any, Row | None] | None


def _accounts(outcome: Outcome) -> dict[Any, Row]:
    return {a["_id"]: a for a in outcome.accounts}


def entries_of(outcome: Outcome, recorders: Recorders = None) -> list[Transaction]:
    """The outcome's entries that the caller may still see. `recorders`: the profiles of
    who recorded them by user id, when already loaded."""
    accounts = _accounts(outcome)
    shared = {key: SharedParts(row, recorders) for key, row in accounts.items()}
    return [
        Transaction.from_row(e, accounts[e["account_id"]], shared[e["account_id"]])
        for e in outcome.entries
        if e["account_id"] in accounts
    ]


@strawberry.type
class AccountPayload(Payload):
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OpenAccountPayload(Payload):
    account: Account | None = None
    opening_transaction: Transaction | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_outcome(
        cls, outcome: Outcome, user_id: object, recorders: Recorders = None
    ) -> OpenAccountPayload:
        entries = entries_of(outcome, recorders)
        return cls(
            account=Account.from_row(outcome.accounts[0], user_id) if outcome.accounts else None,
            opening_transaction=entries[0] if entries else None,
        )


@strawberry.type(description="The result of recording income, a payday, an expense or a move.")
class TransactionPayload(Payload):
    transaction: Transaction | None = None
    account: Account | None = strawberry.field(default=None, description="As it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_outcome(
        cls, outcome: Outcome, user_id: object, recorders: Recorders = None
    ) -> TransactionPayload:
        entries = entries_of(outcome, recorders)
        return cls(
            transaction=entries[0] if entries else None,
            account=Account.from_row(outcome.accounts[0], user_id) if outcome.accounts else None,
        )


@strawberry.type(description="A transfer: the entry leaving one account and the one arriving.")
class TransferPayload(Payload):
    outgoing: Transaction | None = None
    incoming: Transaction | None = None
    from_account: Account | None = None
    to_account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_outcome(
        cls, outcome: Outcome, user_id: object, recorders: Recorders = None
    ) -> TransferPayload:
        entries = entries_of(outcome, recorders)
        out = next((e for e in entries if e.row["amount"] < 0), None)
        into = next((e for e in entries if e.row["amount"] > 0), None)
        accounts = _accounts(outcome)

        def account_of(entry: Transaction | None) -> Account | None:
            row = accounts.get(entry.row["account_id"]) if entry else None
            return Account.from_row(row, user_id) if row else None

        return cls(
            outgoing=out,
            incoming=into,
            from_account=account_of(out),
            to_account=account_of(into),
        )


@strawberry.type(description="An undo: the reversal entries (two for a transfer).")
class UndoPayload(Payload):
    reversals: list[Transaction] = strawberry.field(default_factory=list)
    accounts: list[Account] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_outcome(
        cls, outcome: Outcome, user_id: object, recorders: Recorders = None
    ) -> UndoPayload:
        return cls(
            reversals=entries_of(outcome, recorders),
            accounts=[Account.from_row(a, user_id) for a in outcome.accounts],
        )


@strawberry.type
class CreateEnvelopesPayload(Payload):
    account: Account | None = None
    envelopes: list[Envelope] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteEnvelopePayload(Payload):
    account: Account | None = None
    deleted_envelope_id: strawberry.ID | None = None
    remainder_move: Transaction | None = strawberry.field(
        default=None, description="The move of the remainder, when there was one."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LeaveAccountPayload(Payload):
    account_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentSourcePayload(Payload):
    payment_source: PaymentSource | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeletePaymentSourcePayload(Payload):
    deleted_payment_source_id: strawberry.ID | None = None
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def global_id(type_name: str, raw: object) -> strawberry.ID:
    return to_global_id(type_name, str(raw))
