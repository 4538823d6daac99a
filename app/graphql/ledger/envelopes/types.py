"""The `Envelope` type, and the input of an amount for one envelope."""

from __future__ import annotations

import strawberry

from app.graphql.context import Info
from app.graphql.ledger.budgets.types import Goal, Plan
from app.graphql.ledger.forecasts.types import EnvelopeForecast
from app.graphql.relay import Node, decode_id, to_global_id
from app.graphql.scalars import Decimal, Money, money
from app.persistence.documents.accounts import AccountRecord, EnvelopeRecord
from app.services.ledger.commands import AmountFor
from app.services.ledger.forecasts import check_months


@strawberry.type(description="A named pot of an account's money.")
class Envelope(Node):
    name: str
    balance: Money
    archived: bool
    is_available: bool = strawberry.field(
        description="The built-in envelope of money not yet assigned; never archived or deleted."
    )
    deleted: bool = strawberry.field(description="Only old entries still name a deleted envelope.")
    record: strawberry.Private[EnvelopeRecord]
    currency: strawberry.Private[str]
    # The envelope's account, when at hand (else `forecast` reads it).
    account: strawberry.Private[AccountRecord | None] = None

    @strawberry.field(description="The plan from the current budget period on, if any.")
    def plan(self) -> Plan | None:
        plans = self.record.plans
        return Plan.from_record(plans[-1], self.currency) if plans else None

    @strawberry.field
    def goal(self) -> Goal | None:
        goal = self.record.goal
        return None if goal is None else Goal.from_record(goal, self.currency)

    @strawberry.field(
        description="Expected spending in each of the next `months` months (1-12, default 6), "
        "the current month first, with a band and the backtested error of the method; null "
        "for an archived envelope."
    )
    async def forecast(self, info: Info, months: int = 6) -> EnvelopeForecast | None:
        check_months(months)  # refused before any read
        account = self.account
        if account is None:
            viewer = await info.context.viewer()
            account = await info.context.services.accounts.with_envelope(viewer, self.record.id)
        if account is None:
            return None
        found = await info.context.services.forecasts.envelope(account, self.record.id, months)
        return None if found is None else EnvelopeForecast.of(found[0], found[1], self.currency)

    @classmethod
    def from_record(
        cls, record: EnvelopeRecord, currency: str, account: AccountRecord | None = None
    ) -> Envelope:
        return cls(
            id=to_global_id("Envelope", record.id),
            name=record.name,
            balance=money(record.balance, currency),
            archived=record.archived,
            is_available=record.builtin,
            deleted=record.deleted,
            record=record,
            currency=currency,
            account=account,
        )


@strawberry.input
class EnvelopeAmountInput:
    envelope_id: strawberry.ID
    amount: Decimal

    def to_command(self, path: str, i: int) -> AmountFor:
        envelope_id = decode_id(self.envelope_id, "Envelope", [path, str(i), "envelopeId"])
        return AmountFor(envelope_id, self.amount)


def amounts(items: list[EnvelopeAmountInput] | None, path: str) -> tuple[AmountFor, ...]:
    return tuple(item.to_command(path, i) for i, item in enumerate(items or ()))
