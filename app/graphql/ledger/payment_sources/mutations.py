"""Mutations of payday templates (admins)."""

from __future__ import annotations

import strawberry

from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.envelopes.types import EnvelopeAmountInput, amounts
from app.graphql.ledger.payment_sources.types import PaymentSource
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id, to_global_id
from app.graphql.scalars import Decimal
from app.services.ledger.commands import (
    CreatePaymentSource,
    PaymentSourceRef,
    PaymentSourceSpec,
    UpdatePaymentSource,
)
from app.services.ledger.payment_sources import Saved


@strawberry.input
class PaymentSourceFields:
    name: str
    expected_amount: Decimal
    payer: str | None = None
    allocations: list[EnvelopeAmountInput] | None = strawberry.field(
        default=None, description="Fixed amounts per envelope, in payday order."
    )

    def spec(self) -> PaymentSourceSpec:
        return PaymentSourceSpec(
            name=self.name,
            expected_amount=self.expected_amount,
            payer=self.payer,
            allocations=amounts(self.allocations, "allocations"),
        )


@strawberry.input
class CreatePaymentSourceInput(PaymentSourceFields):
    account_id: strawberry.ID

    def to_command(self) -> CreatePaymentSource:
        return CreatePaymentSource(decode_id(self.account_id, "Account", "accountId"), self.spec())


@strawberry.input
class UpdatePaymentSourceInput(PaymentSourceFields):
    id: strawberry.ID

    def to_command(self) -> UpdatePaymentSource:
        return UpdatePaymentSource(decode_id(self.id, "PaymentSource", "id"), self.spec())


@strawberry.input
class PaymentSourceInput:
    id: strawberry.ID

    def to_command(self) -> PaymentSourceRef:
        return PaymentSourceRef(decode_id(self.id, "PaymentSource", "id"))


@strawberry.type
class PaymentSourcePayload(Payload):
    payment_source: PaymentSource | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Saved, caller: Caller) -> PaymentSourcePayload:
        return cls(payment_source=PaymentSource.from_document(*result))


@strawberry.type
class DeletePaymentSourcePayload(Payload):
    deleted_payment_source_id: strawberry.ID | None = None
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Saved, caller: Caller) -> DeletePaymentSourcePayload:
        source, account = result
        return cls(
            deleted_payment_source_id=to_global_id("PaymentSource", source.id),
            account=Account.from_document(account, caller.user_id),
        )


@strawberry.type
class PaymentSourceMutation:
    create_payment_source = mutation_field(
        "Save a payday template (admins).",
        CreatePaymentSourceInput,
        PaymentSourcePayload,
        lambda services: services.payment_sources.create,
    )
    update_payment_source = mutation_field(
        "Replace a payday template's details (admins).",
        UpdatePaymentSourceInput,
        PaymentSourcePayload,
        lambda services: services.payment_sources.update,
    )
    delete_payment_source = mutation_field(
        "Delete a payday template (admins); its paydays stay.",
        PaymentSourceInput,
        DeletePaymentSourcePayload,
        lambda services: services.payment_sources.delete,
    )
