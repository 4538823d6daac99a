"""The dashboard as the API shows it: figures in the base currency (`Money`, null when a rate
is missing, with `missing` naming the currencies without one) and per-envelope figures in
their account's currency."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from app.graphql.context import Info
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import AccountRecord, EnvelopeRecord
from app.services.insights import figures
from app.services.insights.dashboard import Household
from app.services.insights.figures import MonthRange

FROM = strawberry.argument(name="from")
MISSING_HELP = "Currencies without a rate on the day that was needed: the figure is null."


def _converted(amount: figures.Amount, base: str) -> Money | None:
    return None if amount.minor is None else money(amount.minor, base)


def _account(account: AccountRecord, house: Household) -> Account:
    return Account.from_document(account, house.viewer.user_id)


def _envelope(envelope: EnvelopeRecord, account: AccountRecord) -> Envelope:
    return Envelope.from_record(envelope, account.currency)


@strawberry.type(description="Net worth at a month's end, in the base currency.")
class NetWorthPoint:
    month: date = strawberry.field(description="The month's first day.")
    total: Money | None
    missing: list[str] = strawberry.field(description=MISSING_HELP)


@strawberry.type(description="A month's income and expense (undos and refunds net out).")
class IncomeExpensePoint:
    month: date = strawberry.field(description="The month's first day.")
    income: Money | None
    expense: Money | None
    missing: list[str] = strawberry.field(description=MISSING_HELP)


@strawberry.type(description="What an envelope spent in a range of months.")
class EnvelopeSpending:
    account: Account
    envelope: Envelope
    spent: Money = strawberry.field(description="In the account's currency.")
    converted: Money | None = strawberry.field(description="In the base currency.")
    missing: list[str] = strawberry.field(description=MISSING_HELP)


@strawberry.type(description="What the household spent with one payee in a range of months.")
class PayeeSpending:
    payee: str | None = strawberry.field(description="Null: entries without a payee.")
    spent: Money | None = strawberry.field(description="In the base currency.")
    missing: list[str] = strawberry.field(description=MISSING_HELP)


@strawberry.type(description="An envelope's plan against its spending in a range of months.")
class PlanVsActual:
    account: Account
    envelope: Envelope
    planned: Money = strawberry.field(
        description="What its plan asked for in the budget periods starting in the range."
    )
    actual: Money = strawberry.field(description="What it spent.")
    remaining: Money = strawberry.field(description="planned - actual (negative: overspent).")


@strawberry.type(description="An envelope whose spending in a month strays from its usual.")
class EnvelopeChange:
    account: Account
    envelope: Envelope
    month: date
    spent: Money = strawberry.field(description="In the month, in the account's currency.")
    usual: Money = strawberry.field(description="The median of the 6 full months before.")
    difference: Money = strawberry.field(description="spent - usual.")
    converted_difference: Money | None = strawberry.field(description="In the base currency.")
    missing: list[str] = strawberry.field(description=MISSING_HELP)


@strawberry.type(description="An account on the dashboard: its balance now.")
class DashboardAccount:
    account: Account
    balance: Money
    converted: Money | None = strawberry.field(description="Today, in the base currency.")
    missing: list[str] = strawberry.field(description=MISSING_HELP)


def _range(default: MonthRange, first: date | None, last: date | None) -> MonthRange:
    if first is None and last is None:
        return default
    return MonthRange.of(first or default.first, last or default.last)


@strawberry.type(
    description="Your household's figures over a range of months, in your base currency: "
    "every account you are a member of."
)
class Dashboard:
    base_currency: str
    from_: date = strawberry.field(name="from", description="The first month's first day.")
    to: date = strawberry.field(description="The last month's first day.")
    house: strawberry.Private[Household]
    months: strawberry.Private[MonthRange]

    @strawberry.field(description="Every account, its balance now and in the base currency.")
    def accounts(self, info: Info) -> list[DashboardAccount]:
        found = info.context.services.dashboard.balances(self.house)
        return [
            DashboardAccount(
                account=_account(account, self.house),
                balance=money(account.balance, account.currency),
                converted=_converted(converted, self.base_currency),
                missing=list(converted.missing),
            )
            for account, converted in found
        ]

    @strawberry.field(description="Net worth at each month's end of the range.")
    async def net_worth(self, info: Info) -> list[NetWorthPoint]:
        found = await info.context.services.dashboard.net_worth(self.house, self.months)
        return [
            NetWorthPoint(
                month=p.month,
                total=_converted(p.total, self.base_currency),
                missing=list(p.total.missing),
            )
            for p in found
        ]

    @strawberry.field(description="Each month's income and expense.")
    async def income_vs_expense(self, info: Info) -> list[IncomeExpensePoint]:
        found = await info.context.services.dashboard.income_vs_expense(self.house, self.months)
        return [
            IncomeExpensePoint(
                month=p.month,
                income=_converted(p.income, self.base_currency),
                expense=_converted(p.expense, self.base_currency),
                missing=sorted(set(p.income.missing) | set(p.expense.missing)),
            )
            for p in found
        ]

    @strawberry.field(
        description="Spending per envelope in the months `from`..`to` (default: the "
        "dashboard's), the most first."
    )
    async def spending_by_envelope(
        self,
        info: Info,
        from_: Annotated[date | None, FROM] = None,
        to: date | None = None,
    ) -> list[EnvelopeSpending]:
        months = _range(self.months, from_, to)
        found = await info.context.services.dashboard.spending_by_envelope(self.house, months)
        return [
            EnvelopeSpending(
                account=_account(s.account, self.house),
                envelope=_envelope(s.envelope, s.account),
                spent=money(s.spent, s.account.currency),
                converted=_converted(s.converted, self.base_currency),
                missing=list(s.converted.missing),
            )
            for s in found
        ]

    @strawberry.field(
        description="The `first` (at most 100) payees spent most with in the months "
        "`from`..`to` (default: the dashboard's); payees differing only in case are one."
    )
    async def spending_by_payee(
        self,
        info: Info,
        from_: Annotated[date | None, FROM] = None,
        to: date | None = None,
        first: int = 10,
    ) -> list[PayeeSpending]:
        months = _range(self.months, from_, to)
        service = info.context.services.dashboard
        found = await service.spending_by_payee(self.house, months, first)
        return [
            PayeeSpending(
                payee=s.payee,
                spent=_converted(s.spent, self.base_currency),
                missing=list(s.spent.missing),
            )
            for s in found
        ]

    @strawberry.field(
        description="Plan against spending per envelope in the months `from`..`to` (default: "
        "the dashboard's)."
    )
    async def plan_vs_actual(
        self,
        info: Info,
        from_: Annotated[date | None, FROM] = None,
        to: date | None = None,
    ) -> list[PlanVsActual]:
        months = _range(self.months, from_, to)
        found = await info.context.services.dashboard.plan_vs_actual(self.house, months)
        return [
            PlanVsActual(
                account=_account(p.account, self.house),
                envelope=_envelope(p.envelope, p.account),
                planned=money(p.planned, p.account.currency),
                actual=money(p.actual, p.account.currency),
                remaining=money(p.planned - p.actual, p.account.currency),
            )
            for p in found
        ]

    @strawberry.field(
        description="The `first` (at most 100) envelopes whose spending in `month` (default: "
        "the dashboard's last) differs most from their usual."
    )
    async def largest_changes(
        self, info: Info, month: date | None = None, first: int = 5
    ) -> list[EnvelopeChange]:
        service = info.context.services.dashboard
        found = await service.largest_changes(self.house, month or self.months.last, first)
        return [
            EnvelopeChange(
                account=_account(c.account, self.house),
                envelope=_envelope(c.envelope, c.account),
                month=c.month,
                spent=money(c.this_month, c.account.currency),
                usual=money(c.usual, c.account.currency),
                difference=money(c.difference, c.account.currency),
                converted_difference=_converted(c.converted, self.base_currency),
                missing=list(c.converted.missing),
            )
            for c in found
        ]


@strawberry.type
class DashboardQuery:
    @strawberry.field(
        description="Your household's dashboard over the months `from`..`to` (any day of "
        "each; at most 120 months), from the per-month figures."
    )
    async def dashboard(self, info: Info, from_: Annotated[date, FROM], to: date) -> Dashboard:
        viewer = await info.context.viewer()
        months = MonthRange.of(from_, to)
        house = await info.context.services.dashboard.household(viewer)
        return Dashboard(
            base_currency=house.base,
            from_=months.first,
            to=months.last,
            house=house,
            months=months,
        )
