"""Mutations of accounts: open (anyone signed in), update (admins), close and reopen (owner)."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.domain.accounts import AccountType
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.history.types import Transaction, transactions_of
from app.graphql.mutations import (
    Caller,
    Payload,
    UserError,
    idempotency_key,
    keyed_mutation_field,
    mutation_field,
)
from app.graphql.relay import decode_id
from app.graphql.scalars import Decimal
from app.persistence.documents.accounts import AccountRecord
from app.persistence.outcome import Outcome
from app.services.ledger.commands import AccountRef, OpenAccount, UpdateAccount


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
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> OpenAccount:
        return OpenAccount(
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
class AccountInput:
    account_id: strawberry.ID

    def account(self) -> ObjectId:
        return decode_id(self.account_id, "Account", "accountId")

    def to_command(self) -> AccountRef:
        return AccountRef(self.account())


@strawberry.input
class UpdateAccountInput(AccountInput):
    name: str | None = None
    institution: str | None = None
    on_budget: bool | None = None
    allow_overdraft: bool | None = None

    def to_command(self) -> UpdateAccount:
        return UpdateAccount(
            self.account(), self.name, self.institution, self.on_budget, self.allow_overdraft
        )


@strawberry.type
class AccountPayload(Payload):
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: AccountRecord | Outcome, caller: Caller) -> AccountPayload:
        """The account as the change left it."""
        account = result.accounts[0] if isinstance(result, Outcome) else result
        return cls(account=Account.from_document(account, caller.user_id))


@strawberry.type
class OpenAccountPayload(Payload):
    account: Account | None = None
    opening_transaction: Transaction | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, outcome: Outcome, caller: Caller) -> OpenAccountPayload:
        entries = transactions_of(outcome)
        accounts = outcome.accounts
        return cls(
            account=Account.from_document(accounts[0], caller.user_id) if accounts else None,
            opening_transaction=entries[0] if entries else None,
        )


@strawberry.type
class OpenAccountMutation:
    """`openAccount` on its own: the schema lists it with the money mutations."""

    open_account = keyed_mutation_field(
        "Open an account; the opening balance lands in Available.",
        OpenAccountInput,
        OpenAccountPayload,
        lambda services: services.accounts.open,
    )


@strawberry.type
class AccountMutation:
    update_account = mutation_field(
        "Change name, institution or flags (admins).",
        UpdateAccountInput,
        AccountPayload,
        lambda services: services.accounts.update,
    )
    close_account = mutation_field(
        "Close an account whose envelopes are all at zero (owner).",
        AccountInput,
        AccountPayload,
        lambda services: services.accounts.close,
    )
    reopen_account = mutation_field(
        "Reopen a closed account (owner).",
        AccountInput,
        AccountPayload,
        lambda services: services.accounts.reopen,
    )
