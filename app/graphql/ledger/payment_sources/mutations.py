"""Mutations of payday templates (admins)."""

from __future__ import annotations

import strawberry

from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.envelopes.types import EnvelopeAmountInput, amounts
from app.graphql.ledger.payment_sources.types import PaymentSource
from app.graphql.mutations import Payload, UserError, run_mutation
from app.graphql.relay import decode_id, to_global_id
from app.graphql.scalars import Decimal
from app.services.ledger.commands import PaymentSourceSpec


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


@strawberry.input
class UpdatePaymentSourceInput(PaymentSourceFields):
    id: strawberry.ID


@strawberry.input
class PaymentSourceInput:
    id: strawberry.ID


@strawberry.type
class PaymentSourcePayload(Payload):
    payment_source: PaymentSource | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeletePaymentSourcePayload(Payload):
    deleted_payment_source_id: strawberry.ID | None = None
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentSourceMutation:
    @strawberry.mutation(description="Save a payday template (admins).")
    async def create_payment_source(
        self, info: Info, input: CreatePaymentSourceInput
    ) -> PaymentSourcePayload:
        sources = info.context.services.payment_sources

        async def change(viewer: Viewer) -> PaymentSourcePayload:
            account_id = decode_id(input.account_id, "Account", "accountId")
            source, account = await sources.create(viewer, account_id, input.spec())
            return PaymentSourcePayload(payment_source=PaymentSource.from_document(source, account))

        return await run_mutation(info, PaymentSourcePayload, change)

    @strawberry.mutation(description="Replace a payday template's details (admins).")
    async def update_payment_source(
        self, info: Info, input: UpdatePaymentSourceInput
    ) -> PaymentSourcePayload:
        sources = info.context.services.payment_sources

        async def change(viewer: Viewer) -> PaymentSourcePayload:
            source_id = decode_id(input.id, "PaymentSource", "id")
            source, account = await sources.update(viewer, source_id, input.spec())
            return PaymentSourcePayload(payment_source=PaymentSource.from_document(source, account))

        return await run_mutation(info, PaymentSourcePayload, change)

    @strawberry.mutation(description="Delete a payday template (admins); its paydays stay.")
    async def delete_payment_source(
        self, info: Info, input: PaymentSourceInput
    ) -> DeletePaymentSourcePayload:
        sources = info.context.services.payment_sources

        async def change(viewer: Viewer) -> DeletePaymentSourcePayload:
            source_id = decode_id(input.id, "PaymentSource", "id")
            account = await sources.delete(viewer, source_id)
            return DeletePaymentSourcePayload(
                deleted_payment_source_id=to_global_id("PaymentSource", source_id),
                account=Account.from_document(account, viewer.user_id),
            )

        return await run_mutation(info, DeletePaymentSourcePayload, change)
