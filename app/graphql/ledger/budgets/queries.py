"""The household's budget: every open account the caller can see, grouped by currency."""

from __future__ import annotations

from datetime import date

import strawberry

from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.budgets.view import Budget
from app.graphql.scalars import Money, money
from app.services.ledger.budgets import AccountBudget


@strawberry.type(description="One account's budget in the household view.")
class AccountBudgetView:
    account: Account
    budget: Budget


@strawberry.type(description="The household's budget in one currency.")
class CurrencyBudget:
    currency: str
    available: Money = strawberry.field(description="Ready to assign, over the accounts.")
    planned: Money
    needed: Money
    overspent_envelopes: int
    accounts: list[AccountBudgetView]

    @classmethod
    def of(cls, currency: str, budgets: list[AccountBudget], viewer: Viewer) -> CurrencyBudget:
        return cls(
            currency=currency,
            available=money(sum(b.available.end for b in budgets), currency),
            planned=money(sum(b.planned for b in budgets), currency),
            needed=money(sum(b.needed for b in budgets), currency),
            overspent_envelopes=sum(len(b.overspent) for b in budgets),
            accounts=[
                AccountBudgetView(
                    account=Account.from_document(b.account, viewer.user_id), budget=Budget.of(b)
                )
                for b in budgets
            ],
        )


@strawberry.type
class BudgetQuery:
    @strawberry.field(
        description="The budget of every open account you can see, each in its period holding "
        "`date` (default: today), grouped by currency (currencies in alphabetical order)."
    )
    async def household_budget(self, info: Info, date: date | None = None) -> list[CurrencyBudget]:
        budgets = info.context.services.budgets

        async def read(viewer: Viewer) -> list[CurrencyBudget]:
            found = await budgets.household(viewer, date)
            by_currency: dict[str, list[AccountBudget]] = {}
            for budget in found:
                by_currency.setdefault(budget.account.currency, []).append(budget)
            return [
                CurrencyBudget.of(currency, by_currency[currency], viewer)
                for currency in sorted(by_currency)
            ]

        return await info.context.read_as_viewer(read)
