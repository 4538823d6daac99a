"""Budget settings as the API shows them: cadences, plans and goals (leaf types, below the
envelope and the account)."""

from __future__ import annotations

from datetime import date

import strawberry

from app.domain.budgets import GoalKind, GoalStatus, Rollover
from app.domain.budgets import Plan as PlanRule
from app.domain.cadences import LAST_DAY, CadenceKind
from app.domain.cadences import Cadence as CadenceRule
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import GoalRecord, PlanRecord
from app.services.ledger.commands import CadenceSpec

# The domain's budgeting enums are the API's.
strawberry.enum(CadenceKind, description="How often a budget period (or a plan) starts.")
strawberry.enum(Rollover, description="What happens to a planned envelope's leftover.")
strawberry.enum(GoalKind)
strawberry.enum(GoalStatus)

_NAMES = {
    CadenceKind.WEEKLY: "Weekly",
    CadenceKind.FORTNIGHTLY: "Every two weeks",
    CadenceKind.SEMI_MONTHLY: "Twice a month",
    CadenceKind.MONTHLY: "Monthly",
    CadenceKind.QUARTERLY: "Quarterly",
    CadenceKind.YEARLY: "Yearly",
}


@strawberry.type(description="When periods start: see `CadenceInput`.")
class Cadence:
    kind: CadenceKind
    anchor: date | None = strawberry.field(
        description="A period start (weekly, fortnightly, quarterly, yearly)."
    )
    days: list[int] = strawberry.field(description="Days of the month periods start on (1-28).")
    last_day: bool = strawberry.field(description="Periods also start on the month's last day.")
    description: str

    @classmethod
    def from_rule(cls, rule: CadenceRule) -> Cadence:
        days = [d for d in rule.days if d != LAST_DAY]
        last = LAST_DAY in rule.days
        if rule.days:
            on = [f"the {_ordinal(d)}" for d in days] + (["the last day"] if last else [])
            text = f"{_NAMES[rule.kind]}, on {' and '.join(on)}"
        else:
            text = f"{_NAMES[rule.kind]}, from {rule.anchor.isoformat()}"
        return cls(
            kind=rule.kind,
            anchor=None if rule.days else rule.anchor,
            days=days,
            last_day=last,
            description=text,
        )


@strawberry.input(
    description="Weekly/fortnightly: `anchor` is any period start (default 2024-01-01, a "
    "Monday). Quarterly/yearly: `anchor` is a period start with a day 1-28. Monthly: one day "
    "in `days` (default 1) or `lastDay`. Semi-monthly: two days (default 1 and 15), or one "
    "day and `lastDay`."
)
class CadenceInput:
    kind: CadenceKind
    anchor: date | None = None
    days: list[int] | None = None
    last_day: bool = False

    def to_spec(self) -> CadenceSpec:
        days = list(self.days or ())
        if self.last_day:
            days.append(LAST_DAY)
        return CadenceSpec(self.kind.value, self.anchor, tuple(days) or None)


@strawberry.type(description="An amount per period of a cadence, and what happens to leftover.")
class Plan:
    amount: Money
    cadence: Cadence
    rollover: Rollover
    since: date = strawberry.field(description="The first budget period it applies to.")

    @classmethod
    def of(cls, plan: PlanRule, since: date, currency: str) -> Plan:
        return cls(
            amount=money(plan.amount, currency),
            cadence=Cadence.from_rule(plan.cadence),
            rollover=plan.rollover,
            since=since,
        )

    @classmethod
    def from_record(cls, record: PlanRecord, currency: str) -> Plan | None:
        version = record.version()
        return None if version.plan is None else cls.of(version.plan, version.since, currency)


@strawberry.type(description="What an envelope should hold, or receive every period.")
class Goal:
    kind: GoalKind
    target: Money = strawberry.field(
        description="The amount to hold (SAVE, KEEP_AT_LEAST) or to put in every period."
    )
    target_date: date | None
    priority: int = strawberry.field(description="Filling order: 1 first; default 100.")

    @classmethod
    def from_record(cls, record: GoalRecord, currency: str) -> Goal:
        return cls(
            kind=record.kind,
            target=money(record.target, currency),
            target_date=None if record.target_date is None else record.target_date.date(),
            priority=record.priority,
        )


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"
