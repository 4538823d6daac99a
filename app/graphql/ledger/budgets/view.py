"""The budget view of an account's period (below the account: `Account.budget`)."""

from __future__ import annotations

from datetime import date

import strawberry

from app.domain.budgets import GoalStatus
from app.domain.cadences import Cadence as CadenceRule
from app.domain.cadences import Period as PeriodRange
from app.graphql.ledger.budgets.types import Goal, Plan
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.scalars import Money, money
from app.services.ledger.budgets import AccountBudget
from app.services.ledger.budgets import EnvelopeBudget as EnvelopeFigures


@strawberry.type(description="One budget period of an account's cadence.")
class Period:
    start: date
    end: date = strawberry.field(description="The first day after the period.")
    last_day: date
    previous_start: date
    next_start: date

    @classmethod
    def of(cls, period: PeriodRange, cadence: CadenceRule) -> Period:
        return cls(
            start=period.start,
            end=period.end,
            last_day=period.last,
            previous_start=cadence.previous(period).start,
            next_start=period.end,
        )


@strawberry.type(description="A goal's progress in a budget period.")
class GoalProgress:
    goal: Goal
    status: GoalStatus
    percent: int = strawberry.field(description="Of the target held (or put in, PER_PERIOD).")
    needed_this_period: Money = strawberry.field(
        description="What the goal asks for in this period to be reached in time."
    )
    still_needed: Money = strawberry.field(description="What is left of that to put in.")
    projected_date: date | None = strawberry.field(
        description="When the target is held at the pace of the last three periods; null: not "
        "at that pace."
    )


@strawberry.type(description="An envelope in a budget period.")
class EnvelopeBudget:
    envelope: Envelope
    plan: Plan | None = strawberry.field(description="The plan in effect in this period.")
    planned: Money = strawberry.field(description="What the plan asks for in this period.")
    funded: Money = strawberry.field(
        description="Money put in during the period (income, moves, transfers), net of money "
        "taken out the same ways."
    )
    spent: Money = strawberry.field(description="Spending in the period, net of refunds.")
    swept: Money = strawberry.field(
        description="Leftover a SWEEP plan sent back to Available at the period's end."
    )
    start_balance: Money
    end_balance: Money = strawberry.field(description="At the period's end, or now.")
    needed: Money = strawberry.field(
        description="What the plan and the goal still need this period (the larger of the two)."
    )
    overspent: bool
    goal: GoalProgress | None

    @classmethod
    def of(cls, found: EnvelopeFigures, currency: str) -> EnvelopeBudget:
        figures, progress = found.figures, found.goal_progress
        goal = None
        if progress is not None and found.envelope.goal is not None:
            goal = GoalProgress(
                goal=Goal.from_record(found.envelope.goal, currency),
                status=progress.status,
                percent=progress.progress,
                needed_this_period=money(progress.needed_this_period, currency),
                still_needed=money(progress.still_needed, currency),
                projected_date=progress.projected,
            )
        return cls(
            envelope=Envelope.from_record(found.envelope, currency),
            plan=_plan(found, currency),
            planned=money(found.planned, currency),
            funded=money(figures.funded, currency),
            spent=money(figures.spent, currency),
            swept=money(figures.swept, currency),
            start_balance=money(figures.start, currency),
            end_balance=money(figures.end, currency),
            needed=money(found.needed, currency),
            overspent=found.overspent,
            goal=goal,
        )


@strawberry.type(description="An account's budget in one period.")
class Budget:
    period: Period
    available: Money = strawberry.field(
        description="Ready to assign: Available at the period's end (or now)."
    )
    available_at_start: Money
    planned: Money = strawberry.field(description="What the plans ask for in the period.")
    needed: Money = strawberry.field(description="What plans and goals still need.")
    funded: Money
    spent: Money
    swept: Money
    envelopes: list[EnvelopeBudget] = strawberry.field(
        description="Every envelope but Available, in display order."
    )
    overspent: list[EnvelopeBudget] = strawberry.field(
        description="Envelopes below zero at the period's end."
    )

    @classmethod
    def of(cls, budget: AccountBudget) -> Budget:
        currency = budget.account.currency
        envelopes = [EnvelopeBudget.of(e, currency) for e in budget.envelopes]
        return cls(
            period=Period.of(budget.period, budget.account.cadence()),
            available=money(budget.available.end, currency),
            available_at_start=money(budget.available.start, currency),
            planned=money(budget.planned, currency),
            needed=money(budget.needed, currency),
            funded=money(sum(e.figures.funded for e in budget.envelopes), currency),
            spent=money(sum(e.figures.spent for e in budget.envelopes), currency),
            swept=money(sum(e.figures.swept for e in budget.envelopes), currency),
            envelopes=envelopes,
            overspent=[e for e in envelopes if e.overspent],
        )


def _plan(found: EnvelopeFigures, currency: str) -> Plan | None:
    version = found.version
    if version is None or version.plan is None:
        return None
    return Plan.of(version.plan, version.since, currency)
