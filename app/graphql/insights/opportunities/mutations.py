"""Dismissing a savings opportunity ("I know, keep it"): editors and up."""

from __future__ import annotations

import strawberry

from app.graphql.ledger.accounts.types import Account
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id
from app.persistence.documents.accounts import AccountRecord
from app.services.insights.opportunities import DismissOpportunity


@strawberry.input
class DismissOpportunityInput:
    account_id: strawberry.ID
    key: str = strawberry.field(description="The opportunity's `key`.")

    def to_command(self) -> DismissOpportunity:
        return DismissOpportunity(decode_id(self.account_id, "Account", "accountId"), self.key)


@strawberry.type(description="The account, whose savingsOpportunities no longer hold it.")
class DismissOpportunityPayload(Payload):
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: AccountRecord, caller: Caller) -> DismissOpportunityPayload:
        return cls(account=Account.from_document(result, caller.user_id))


@strawberry.type
class OpportunityMutation:
    dismiss_opportunity = mutation_field(
        "Keep a savings opportunity away until its facts change (editors and up); NOT_FOUND "
        "when the account has no such opportunity now.",
        DismissOpportunityInput,
        DismissOpportunityPayload,
        lambda services: services.opportunities.dismiss,
    )
