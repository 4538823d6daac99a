"""A reconciliation as the API shows it (`Account.lastReconciliation`)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from app.graphql.context import Info
from app.graphql.ledger.history.types import Transaction
from app.graphql.ledger.members.types import Profile
from app.graphql.scalars import Money, money
from app.persistence.documents.reconciliations import ReconciliationDocument


@strawberry.type(description="A bank statement matched with the account's cleared entries.")
class Reconciliation:
    statement_date: date
    statement_balance: Money
    entry_count: int = strawberry.field(
        description="The entries it reconciled, the adjustment included."
    )
    reconciled_at: datetime
    document: strawberry.Private[ReconciliationDocument]

    @classmethod
    def from_document(cls, record: ReconciliationDocument, currency: str) -> Reconciliation:
        return cls(
            statement_date=record.statement_date.date(),
            statement_balance=money(record.statement_balance, currency),
            entry_count=record.entry_count,
            reconciled_at=record.reconciled_at,
            document=record,
        )

    @strawberry.field(description="The member who reconciled.")
    async def reconciled_by(self, info: Info) -> Profile:
        user_id = self.document.reconciled_by
        return Profile.from_profile(await info.context.profiles.load(user_id), user_id)

    @strawberry.field(description="The adjustment entry, when the statement differed.")
    async def adjustment(self, info: Info) -> Transaction | None:
        viewer = await info.context.viewer()
        history = info.context.services.history
        found = await history.visible_entry(viewer, self.document.adjustment_id)
        return Transaction.from_record(*found) if found else None
