"""The `Account` type: its envelopes, members, payment sources, history and totals."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import strawberry

from app.core.ids import ObjectId
from app.domain.accounts import AccountType
from app.domain.members import Role
from app.graphql.context import Info
from app.graphql.insights.opportunities.types import SavingsOpportunity
from app.graphql.ledger.budgets.types import Cadence
from app.graphql.ledger.budgets.view import Budget
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.forecasts.projection import BalanceProjection
from app.graphql.ledger.history.prefetch import PrefetchedPage
from app.graphql.ledger.history.types import (
    Totals,
    TransactionConnection,
    TransactionFilter,
)
from app.graphql.ledger.members.types import AccountMember, Profile
from app.graphql.ledger.payment_sources.types import PaymentSource
from app.graphql.ledger.reconciliation.types import Reconciliation
from app.graphql.ledger.schedules.types import (
    AccountOccurrence,
    Schedule,
    account_upcoming,
    upcoming_bounds,
)
from app.graphql.ledger.webhooks.types import Webhook
from app.graphql.relay import Node, page_request, to_global_id
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import AccountRecord
from app.services.ledger.forecasts import check_days

# The domain's account types are the API's.
strawberry.enum(AccountType)


@strawberry.type(description="A real-world money container and its envelopes.")
class Account(Node):
    name: str
    type: AccountType
    institution: str | None
    currency: str
    on_budget: bool
    allow_overdraft: bool = strawberry.field(description="May envelopes go below zero?")
    closed_at: datetime | None
    balance: Money = strawberry.field(description="Always the sum of the envelopes' balances.")
    my_role: Role
    created_at: datetime
    # Reconciliation
    cleared_balance: Money = strawberry.field(
        description="The sum of the cleared and reconciled entries."
    )
    reconciled_balance: Money = strawberry.field(
        description="The balance of the latest reconciled statement (zero before any)."
    )
    reconciled_through: date | None = strawberry.field(
        description="The date of the latest reconciled statement."
    )
    document: strawberry.Private[AccountRecord]
    # The page of `transactions` read with the account (`app.graphql.ledger.history.prefetch`).
    prefetched_page: strawberry.Private[PrefetchedPage | None] = None

    @classmethod
    def from_document(cls, account: AccountRecord, user_id: ObjectId) -> Account:
        """The account as `user_id` (a member) sees it."""
        return cls(
            id=to_global_id("Account", account.id),
            name=account.name,
            type=account.type,
            institution=account.institution,
            currency=account.currency,
            on_budget=account.on_budget,
            allow_overdraft=account.allow_overdraft,
            closed_at=account.closed_at,
            balance=money(account.balance, account.currency),
            my_role=account.role_of(user_id),
            created_at=account.created_at,
            cleared_balance=money(account.cleared_balance, account.currency),
            reconciled_balance=money(account.reconciled_balance, account.currency),
            reconciled_through=(
                account.reconciled_through.date() if account.reconciled_through else None
            ),
            document=account,
        )

    @strawberry.field
    def closed(self) -> bool:
        return self.closed_at is not None

    @strawberry.field(description="In display order; archived ones only when asked.")
    def envelopes(self, include_archived: bool = False) -> list[Envelope]:
        return [
            Envelope.from_record(e, self.currency, self.document)
            for e in self.document.live_envelopes(include_archived)
        ]

    @strawberry.field(description="The built-in envelope of money not yet assigned.")
    def available(self) -> Envelope:
        return Envelope.from_record(self.document.available(), self.currency, self.document)

    @strawberry.field(description="The household sharing this account, owner first.")
    async def members(self, info: Info) -> list[AccountMember]:
        members = sorted(self.document.members, key=lambda m: m.role is not Role.OWNER)
        profiles = await info.context.profiles.load_many([m.user_id for m in members])
        return [
            AccountMember(
                profile=Profile.from_profile(profile, member.user_id),
                email=profile.email if profile else "",
                role=member.role,
                added_at=member.added_at,
            )
            for member, profile in zip(members, profiles, strict=True)
        ]

    @strawberry.field(description="The latest reconciliation still standing (not reopened).")
    async def last_reconciliation(self, info: Info) -> Reconciliation | None:
        found = await info.context.services.reconciliation.latest(self.document)
        return Reconciliation.from_document(found, self.currency) if found else None

    @strawberry.field
    async def payment_sources(self, info: Info) -> list[PaymentSource]:
        sources = await info.context.services.payment_sources.of_account(self.document)
        return [PaymentSource.from_document(source, self.document) for source in sources]

    @strawberry.field(description="Webhooks, oldest first (admins and the owner; FORBIDDEN below).")
    async def webhooks(self, info: Info) -> list[Webhook]:
        viewer = await info.context.viewer()
        found = await info.context.services.webhooks.of_account(viewer, self.document)
        return [Webhook.from_document(webhook, self.document) for webhook in found]

    @strawberry.field(description="Scheduled transactions, oldest first.")
    async def schedules(self, info: Info) -> list[Schedule]:
        found = await info.context.services.schedules.of_account(self.document)
        return [Schedule.from_document(schedule, self.document) for schedule in found]

    @strawberry.field(
        description="The next occurrences of the account's running (not paused) schedules, "
        "soonest first: due within `horizonDays` (default 30) or by `until`; at most `first` "
        "(default and most 100)."
    )
    async def upcoming(
        self,
        info: Info,
        horizon_days: int | None = None,
        until: date | None = None,
        first: int | None = None,
    ) -> list[AccountOccurrence]:
        last, size = upcoming_bounds(info, horizon_days, until, first)
        found = await info.context.services.schedules.of_account(self.document)
        return account_upcoming(info, self.document, found, last, size)

    @strawberry.field(description="Entries, newest booking date first (then newest recorded).")
    async def transactions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TransactionFilter | None = None,
    ) -> TransactionConnection:
        ahead = self.prefetched_page
        if ahead is not None and ahead.serves(info):
            return await TransactionConnection.from_rows(ahead.page, self.document, info)
        request, size = page_request(first, after, last, before)
        # The members' profiles (who most likely recorded the entries) load meanwhile.
        history, spec = info.context.services.history, TransactionFilter.to_filter(filter)
        page, _ = await asyncio.gather(
            history.page(self.document, spec, request, size),
            info.context.profiles.load_many(self.document.member_ids),
        )
        return await TransactionConnection.from_page(page, self.document, info)

    @strawberry.field(description="How often the account's budget periods start.")
    def budget_cadence(self) -> Cadence:
        return Cadence.from_rule(self.document.cadence())

    @strawberry.field(
        description="The budget of one period of the account's cadence: `period` is the "
        "period's first day (default: the current period)."
    )
    async def budget(self, info: Info, period: date | None = None) -> Budget:
        budgets = info.context.services.budgets
        chosen = budgets.period(self.document, period)  # refused before any read
        viewer = await info.context.viewer()
        return Budget.of(await budgets.budget_of(viewer, self.document, chosen))

    @strawberry.field(description="Income, expense and net of the entries matching the filter.")
    async def totals(self, info: Info, filter: TransactionFilter | None = None) -> Totals:
        spec = TransactionFilter.to_filter(filter)
        totals = await info.context.services.history.totals(self.document, spec)
        return Totals.from_result(totals, self.currency)

    @strawberry.field(
        description="The balance projected day by day over the next `days` days (1-365, "
        "default 90), from the schedules and the envelopes' spending forecasts."
    )
    async def projection(self, info: Info, days: int = 90) -> BalanceProjection:
        check_days(days)  # refused before any read
        found = await info.context.services.forecasts.projection(self.document, days)
        return BalanceProjection.of(found, self.document)

    @strawberry.field(
        description="Savings opportunities found in the history, not dismissed: recurring "
        "charges (costliest first), envelopes above their usual, money idle in Available and "
        "the goals it would reach sooner."
    )
    async def savings_opportunities(self, info: Info) -> list[SavingsOpportunity]:
        found = await info.context.services.opportunities.of_account(self.document)
        return SavingsOpportunity.list_of(found, self.document)
