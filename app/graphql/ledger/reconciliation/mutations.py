"""Reconciliation mutations (editors): clear entries, reconcile with a statement, reopen."""

from __future__ import annotations

from datetime import date

import strawberry

from app.core.errors import BalanceMismatchError
from app.core.viewer import Viewer
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.history.types import SharedParts, Transaction, transactions_of
from app.graphql.mutations import (
    Caller,
    KeyedUseCase,
    Payload,
    UserError,
    idempotency_key,
    keyed_mutation_field,
    mutation_field,
)
from app.graphql.relay import decode_id
from app.graphql.scalars import Decimal, Money, money
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.outcome import Outcome
from app.services.container import Services
from app.services.ledger import commands


@strawberry.input
class SetTransactionsClearedInput:
    ids: list[strawberry.ID] = strawberry.field(
        description="1 to 100 entries, all of one account; none of them reconciled."
    )
    cleared: bool = strawberry.field(description="True: cleared; false: back to uncleared.")

    def to_command(self) -> commands.SetCleared:
        return commands.SetCleared(
            entry_ids=tuple(
                decode_id(id, "Transaction", ["ids", str(i)]) for i, id in enumerate(self.ids)
            ),
            cleared=self.cleared,
        )


@strawberry.input
class ReconcileAccountInput:
    account_id: strawberry.ID
    statement_date: date = strawberry.field(
        description="Entries booked on or before it count; not before the last reconciliation."
    )
    statement_balance: Decimal = strawberry.field(
        description="The balance the bank shows on the statement date (may be negative)."
    )
    adjust: bool = strawberry.field(
        default=False,
        description="When the cleared balance differs: record an adjustment entry for the "
        "difference (into or out of Available) and reconcile, instead of refusing.",
    )
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.Reconcile:
        return commands.Reconcile(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            statement_date=self.statement_date,
            statement_balance=self.statement_balance,
            adjust=self.adjust,
        )


@strawberry.input
class ReopenReconciliationInput:
    account_id: strawberry.ID
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.ReopenReconciliation:
        return commands.ReopenReconciliation(decode_id(self.account_id, "Account", "accountId"))


@strawberry.type(description="The entries as they are now, and their account.")
class SetTransactionsClearedPayload(Payload):
    transactions: list[Transaction] = strawberry.field(default_factory=list)
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(
        cls, result: tuple[AccountRecord, list[TransactionRecord]], caller: Caller
    ) -> SetTransactionsClearedPayload:
        account, entries = result
        shared = SharedParts(account)
        return cls(
            transactions=[Transaction.from_record(e, account, shared) for e in entries],
            account=Account.from_document(account, caller.user_id),
        )


@strawberry.type(description="A reconciliation: the account, and the adjustment if any.")
class ReconcileAccountPayload(Payload):
    account: Account | None = strawberry.field(default=None, description="As it is now.")
    adjustment: Transaction | None = strawberry.field(
        default=None, description="The adjustment entry recorded for a difference (adjust)."
    )
    difference: Money | None = strawberry.field(
        default=None,
        description="On BALANCE_MISMATCH: the statement balance less the cleared balance.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(
        cls, result: Outcome | BalanceMismatchError, caller: Caller
    ) -> ReconcileAccountPayload:
        if isinstance(result, BalanceMismatchError):
            return cls(
                difference=money(result.difference, result.currency),
                user_errors=[UserError.from_error(result)],
            )
        entries = transactions_of(result, {caller.user_id: caller.profile})
        accounts = result.accounts
        return cls(
            account=Account.from_document(accounts[0], caller.user_id) if accounts else None,
            adjustment=entries[0] if entries else None,
        )


@strawberry.type(description="A reopened reconciliation: the account as it is now.")
class ReopenReconciliationPayload(Payload):
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, outcome: Outcome, caller: Caller) -> ReopenReconciliationPayload:
        accounts = outcome.accounts
        return cls(account=Account.from_document(accounts[0], caller.user_id) if accounts else None)


def _reconcile(
    services: Services,
) -> KeyedUseCase[commands.Reconcile, Outcome | BalanceMismatchError]:
    """The use case, answering a mismatch (which changed nothing) with its difference."""
    reconcile = services.reconciliation.reconcile

    async def run(
        viewer: Viewer, command: commands.Reconcile, key: str | None
    ) -> Outcome | BalanceMismatchError:
        try:
            return await reconcile(viewer, command, key)
        except BalanceMismatchError as mismatch:
            return mismatch

    return run


@strawberry.type
class ReconciliationMutation:
    set_transactions_cleared = mutation_field(
        "Mark entries of one account cleared (seen on the bank's side) or uncleared. "
        "RECONCILED for a reconciled entry.",
        SetTransactionsClearedInput,
        SetTransactionsClearedPayload,
        lambda services: services.reconciliation.set_cleared,
    )
    reconcile_account = keyed_mutation_field(
        "Match a bank statement: when the cleared balance through the statement date equals "
        "it, those cleared entries become reconciled. Otherwise BALANCE_MISMATCH with the "
        "difference, or with adjust an adjustment entry for it, then reconcile.",
        ReconcileAccountInput,
        ReconcileAccountPayload,
        _reconcile,
    )
    reopen_reconciliation = keyed_mutation_field(
        "Reopen the latest reconciliation: its entries (and adjustment) go back to cleared, "
        "so they can be changed or undone again.",
        ReopenReconciliationInput,
        ReopenReconciliationPayload,
        lambda services: services.reconciliation.reopen,
    )
