"""`SavingsOpportunity`: one finding of the savings detectors, flat (the fields of other kinds
are null), with the entries it is based on."""

from __future__ import annotations

from datetime import date

import strawberry

from app.domain.opportunities import Interval, OpportunityKind
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.history.types import SharedParts, Transaction
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import AccountRecord
from app.services.insights.opportunities import MAX_BASED_ON, FoundOpportunity

strawberry.enum(
    OpportunityKind,
    description="RECURRING_CHARGE: a subscription (amountAtStake is its yearly cost); "
    "ABOVE_USUAL: an envelope spending more than its usual month; IDLE_MONEY: money sitting "
    "in Available for weeks; GOAL_SOONER: a goal the idle money would reach sooner.",
)
strawberry.enum(Interval, name="RecurringInterval")


@strawberry.type(
    description="Something the account's history says could be saved or put to work. Fields "
    "of the other kinds are null."
)
class SavingsOpportunity:
    key: str = strawberry.field(
        description="Names the facts it stands on (kind, payee or envelope, an amount bucket): "
        "dismissed, it stays away until they change."
    )
    kind: OpportunityKind
    title: str
    explanation: str
    amount_at_stake: Money = strawberry.field(
        description="Recurring charges: the yearly cost; above usual: the excess; idle money: "
        "the least Available held over the weeks; goals: the idle money the goal would take."
    )
    based_on: list[Transaction] = strawberry.field(
        description=f"The entries it is based on, newest first: at most {MAX_BASED_ON}."
    )
    based_on_count: int = strawberry.field(description="How many entries it is based on in all.")
    payee: str | None = strawberry.field(description="Recurring charges: the payee.")
    interval: Interval | None = strawberry.field(description="Recurring charges: how often.")
    latest_amount: Money | None = strawberry.field(
        description="Recurring charges: the latest charge."
    )
    previous_amount: Money | None = strawberry.field(
        description="Recurring charges: the amount before a price change, if there was one."
    )
    next_expected: date | None = strawberry.field(
        description="Recurring charges: around when the next charge comes."
    )
    envelope: Envelope | None = strawberry.field(description="Above usual and goals: the envelope.")
    usual: Money | None = strawberry.field(
        description="Above usual: the median month of the six full months before."
    )
    spent: Money | None = strawberry.field(description="Above usual: spent in `month`.")
    month: date | None = strawberry.field(
        description="Above usual: the first day of the month compared (the current one or the "
        "last full one)."
    )
    since: date | None = strawberry.field(
        description="Idle money and goals: the day from which Available held the amount."
    )
    months_sooner: int | None = strawberry.field(
        description="Goals: how many months sooner the target is reached; null when at the "
        "recent pace it is never reached (and with the idle money it is)."
    )

    @classmethod
    def list_of(
        cls, found: list[FoundOpportunity], account: AccountRecord
    ) -> list[SavingsOpportunity]:
        shared = SharedParts(account)
        return [cls.from_found(f, account, shared) for f in found]

    @classmethod
    def from_found(
        cls, found: FoundOpportunity, account: AccountRecord, shared: SharedParts
    ) -> SavingsOpportunity:
        o, currency = found.opportunity, account.currency

        def optional(amount: int | None) -> Money | None:
            return None if amount is None else money(amount, currency)

        envelope = account.envelope(o.envelope_id) if o.envelope_id is not None else None
        return cls(
            key=o.key,
            kind=o.kind,
            title=o.title,
            explanation=o.explanation,
            amount_at_stake=money(o.amount_at_stake, currency),
            based_on=[Transaction.from_record(e, account, shared) for e in found.entries],
            based_on_count=found.count,
            payee=o.payee,
            interval=o.interval,
            latest_amount=optional(o.latest_amount),
            previous_amount=optional(o.previous_amount),
            next_expected=o.next_expected,
            envelope=Envelope.from_record(envelope, currency) if envelope else None,
            usual=optional(o.usual),
            spent=optional(o.spent),
            month=o.month,
            since=o.since,
            months_sooner=o.months_sooner,
        )
