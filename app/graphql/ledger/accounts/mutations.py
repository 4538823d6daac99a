"""Mutations of accounts: open (anyone signed in), update (admins), close and reopen (owner)."""

from __future__ import annotations

import strawberry

from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.accounts.types import Account, AccountType
from app.graphql.ledger.history.types import Transaction, transactions_of
from app.graphql.mutations import Payload, UserError, idempotency_key, run_mutation
from app.graphql.relay import decode_id
from app.graphql.scalars import Decimal
from app.persistence.documents.accounts import AccountDocument
from app.persistence.unit_of_work import Outcome
from app.services.ledger.commands import OpenAccount, UpdateAccount


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
class UpdateAccountInput:
    account_id: strawberry.ID
    name: str | None = None
    institution: str | None = None
    on_budget: bool | None = None
    allow_overdraft: bool | None = None

    def to_command(self) -> UpdateAccount:
        return UpdateAccount(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            name=self.name,
            institution=self.institution,
            on_budget=self.on_budget,
            allow_overdraft=self.allow_overdraft,
        )


@strawberry.input
class AccountInput:
    account_id: strawberry.ID


@strawberry.type
class AccountPayload(Payload):
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, account: AccountDocument, viewer: Viewer) -> AccountPayload:
        return cls(account=Account.from_document(account, viewer.user_id))


@strawberry.type
class OpenAccountPayload(Payload):
    account: Account | None = None
    opening_transaction: Transaction | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_outcome(cls, outcome: Outcome, viewer: Viewer) -> OpenAccountPayload:
        entries = transactions_of(outcome)
        accounts = outcome.accounts
        return cls(
            account=Account.from_document(accounts[0], viewer.user_id) if accounts else None,
            opening_transaction=entries[0] if entries else None,
        )


@strawberry.type
class OpenAccountMutation:
    """`openAccount` on its own: the schema lists it with the money mutations."""

    @strawberry.mutation(description="Open an account; the opening balance lands in Available.")
    async def open_account(self, info: Info, input: OpenAccountInput) -> OpenAccountPayload:
        accounts = info.context.services.accounts

        async def change(viewer: Viewer) -> OpenAccountPayload:
            outcome = await accounts.open(viewer, input.to_command(), input.idempotency_key)
            return OpenAccountPayload.from_outcome(outcome, viewer)

        return await run_mutation(info, OpenAccountPayload, change)


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Change name, institution or flags (admins).")
    async def update_account(self, info: Info, input: UpdateAccountInput) -> AccountPayload:
        accounts = info.context.services.accounts

        async def change(viewer: Viewer) -> AccountPayload:
            return AccountPayload.of(await accounts.update(viewer, input.to_command()), viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Close an account whose envelopes are all at zero (owner).")
    async def close_account(self, info: Info, input: AccountInput) -> AccountPayload:
        accounts = info.context.services.accounts

        async def change(viewer: Viewer) -> AccountPayload:
            account_id = decode_id(input.account_id, "Account", "accountId")
            return AccountPayload.of(await accounts.close(viewer, account_id), viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Reopen a closed account (owner).")
    async def reopen_account(self, info: Info, input: AccountInput) -> AccountPayload:
        accounts = info.context.services.accounts

        async def change(viewer: Viewer) -> AccountPayload:
            account_id = decode_id(input.account_id, "Account", "accountId")
            return AccountPayload.of(await accounts.reopen(viewer, account_id), viewer)

        return await run_mutation(info, AccountPayload, change)
