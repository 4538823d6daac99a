"""The `PaymentSource` type: a payday template."""

from __future__ import annotations

import strawberry

from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.relay import Node, to_global_id
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.payment_sources import PaymentSourceDocument


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
    account_id: strawberry.ID = strawberry.field(description="The account it pays into.")

    @classmethod
    def from_document(cls, source: PaymentSourceDocument, account: AccountRecord) -> PaymentSource:
        currency = account.currency
        envelopes = {e.id: e for e in account.envelopes}
        return cls(
            id=to_global_id("PaymentSource", source.id),
            name=source.name,
            payer=source.payer,
            expected_amount=money(source.expected_amount, currency),
            allocations=[
                PaymentAllocation(
                    envelope=Envelope.from_record(envelopes[a.envelope_id], currency),
                    amount=money(a.amount, currency),
                )
                for a in source.allocations
            ],
            account_id=to_global_id("Account", source.account_id),
        )
