"""An account's projected balance as the API shows it (below `Account.projection`)."""

from __future__ import annotations

from datetime import date

import strawberry

from app.domain.forecast import BalancePoint
from app.graphql.ledger.schedules.types import Schedule
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import AccountRecord
from app.services.ledger.forecasts import BalanceProjection as Projected
from app.services.ledger.forecasts import Occurrence

INCOMING = "Incoming transfer"


@strawberry.type(description="The balance expected at the end of one day, with its band.")
class ProjectedBalance:
    date: date
    balance: Money
    low: Money
    high: Money

    @classmethod
    def of(cls, point: BalancePoint, currency: str) -> ProjectedBalance:
        return cls(
            date=point.day,
            balance=money(point.balance, currency),
            low=money(point.low, currency),
            high=money(point.high, currency),
        )


@strawberry.type(description="A scheduled occurrence the projection includes.")
class ProjectedOccurrence:
    date: date = strawberry.field(description="When it falls due (an overdue one: today).")
    amount: Money = strawberry.field(description="Its effect on the balance: negative out.")
    name: str = strawberry.field(
        description="The schedule's name; for a transfer in from another account's schedule, "
        "'Incoming transfer' (that schedule is the other account's)."
    )
    schedule: Schedule | None = strawberry.field(
        description="The account's own schedule (null for an incoming transfer)."
    )

    @classmethod
    def of(cls, occurrence: Occurrence, account: AccountRecord) -> ProjectedOccurrence:
        schedule = occurrence.schedule
        own = schedule.account_id == account.id
        return cls(
            date=occurrence.due,
            amount=money(occurrence.amount, account.currency),
            name=schedule.name if own else INCOMING,
            schedule=Schedule.from_document(schedule, account) if own else None,
        )


@strawberry.type(
    description="The account's balance day by day from today: today's balance, plus every "
    "scheduled occurrence on its due date (incoming transfers from other accounts too), "
    "less each envelope's forecast spending not covered by its schedules, spread evenly "
    "over its month. The band adds up the envelopes' bands."
)
class BalanceProjection:
    points: list[ProjectedBalance] = strawberry.field(description="Today first.")
    lowest: ProjectedBalance = strawberry.field(
        description="The day with the lowest low end of the band (the first such day)."
    )
    scheduled: list[ProjectedOccurrence] = strawberry.field(description="Soonest first.")

    @classmethod
    def of(cls, found: Projected, account: AccountRecord) -> BalanceProjection:
        currency = account.currency
        return cls(
            points=[ProjectedBalance.of(p, currency) for p in found.projection.points],
            lowest=ProjectedBalance.of(found.projection.lowest, currency),
            scheduled=[ProjectedOccurrence.of(o, account) for o in found.occurrences],
        )
