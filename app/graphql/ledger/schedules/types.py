"""The `Schedule` type: a scheduled transaction, its recurrence, what is coming and what
became of its recent occurrences."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.domain.recurrence import Frequency, WeekendRule
from app.domain.schedules import OccurrenceStatus, ScheduleKind, ScheduleMode
from app.graphql.context import Info
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.mutations import ErrorCode
from app.graphql.relay import Node, to_global_id
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.payment_sources import AllocationRecord
from app.persistence.documents.schedules import OccurrenceRecord, ScheduleRecord, day_of

if TYPE_CHECKING:
    from app.graphql.ledger.accounts.types import Account

# The domain's enums are the API's.
strawberry.enum(ScheduleKind, description="What a schedule posts.")
strawberry.enum(
    ScheduleMode,
    description="AUTO: posted on the due date by the scheduler; REMIND: only listed.",
)
strawberry.enum(OccurrenceStatus, description="What became of an occurrence.")
strawberry.enum(Frequency, description="How often a schedule recurs.")
strawberry.enum(
    WeekendRule,
    description="A Saturday or Sunday occurrence falls due on the Friday BEFORE, the Monday "
    "AFTER, or AS_IS.",
)

MAX_HORIZON_DAYS = 3660
DEFAULT_HORIZON_DAYS = 30
MAX_UPCOMING = 100


@strawberry.type(description="When a schedule recurs.")
class RecurrenceRule:
    frequency: Frequency
    start_date: date
    interval: int
    day_of_month: int | None = strawberry.field(description="MONTHLY: 1-31, -1 the last day.")
    days_of_month: list[int] = strawberry.field(description="SEMI_MONTHLY: the two days.")
    end_after: int | None = strawberry.field(description="Ends after this many occurrences.")
    end_date: date | None = strawberry.field(description="Ends on this date (inclusive).")
    weekend: WeekendRule


@strawberry.type(description="An occurrence still to come (or overdue, for a reminder).")
class ScheduledOccurrence:
    scheduled_date: date = strawberry.field(description="The date the rule gives it: its name.")
    date: date = strawberry.field(description="The date it falls due (after the weekend rule).")
    skipped: bool = strawberry.field(description="Skipped ahead of time: it will not post.")


@strawberry.type(description="What became of one occurrence.")
class OccurrenceResult:
    scheduled_date: date
    date: date
    status: OccurrenceStatus
    transaction_ids: list[strawberry.ID] = strawberry.field(
        description="The entries it posted (two for a transfer)."
    )
    code: ErrorCode | None = strawberry.field(description="Why it failed.")
    reason: str | None
    recorded_at: datetime

    @classmethod
    def from_record(cls, record: OccurrenceRecord) -> OccurrenceResult:
        return cls(
            scheduled_date=day_of(record.scheduled),
            date=day_of(record.due),
            status=record.status,
            transaction_ids=[to_global_id("Transaction", i) for i in record.entry_ids],
            code=ErrorCode(record.code) if record.code in ErrorCode.__members__ else None,
            reason=record.reason,
            recorded_at=record.at,
        )


@strawberry.type(description="An amount for one envelope.")
class ScheduledAmount:
    envelope: Envelope | None
    amount: Money


@strawberry.type(description="A scheduled transaction of an account.")
class Schedule(Node):
    name: str
    kind: ScheduleKind
    mode: ScheduleMode
    paused: bool
    amount: Money | None = strawberry.field(
        description="Null for a payday of the payment source's expected amount."
    )
    allocations: list[ScheduledAmount] = strawberry.field(description="Income parts.")
    envelope: Envelope | None = strawberry.field(description="An expense's envelope.")
    splits: list[ScheduledAmount] | None = strawberry.field(description="An expense's splits.")
    from_envelope: Envelope | None = strawberry.field(
        description="Move; transfer (null: Available)."
    )
    to_envelope: Envelope | None = strawberry.field(description="Move.")
    to_envelope_id: strawberry.ID | None = strawberry.field(
        description="Move; transfer (an envelope of the receiving account; null: Available)."
    )
    to_account_id: strawberry.ID | None = strawberry.field(description="A transfer's receiver.")
    received_amount: Money | None
    payment_source_id: strawberry.ID | None
    payee: str | None
    memo: str | None
    tags: list[str]
    recurrence: RecurrenceRule
    next_occurrence: ScheduledOccurrence | None = strawberry.field(
        description="The first occurrence not yet posted, skipped or failed; null once ended."
    )
    posted_count: int
    failed_count: int
    created_at: datetime
    updated_at: datetime
    record: strawberry.Private[ScheduleRecord]
    account_record: strawberry.Private[AccountRecord]

    @classmethod
    def from_document(cls, schedule: ScheduleRecord, account: AccountRecord) -> Schedule:
        currency = account.currency
        envelopes = {e.id: e for e in account.envelopes}

        def envelope(envelope_id: ObjectId | None) -> Envelope | None:
            found = envelopes.get(envelope_id) if envelope_id is not None else None
            return Envelope.from_record(found, currency) if found else None

        def parts(records: list[AllocationRecord]) -> list[ScheduledAmount]:
            return [
                ScheduledAmount(envelope=envelope(r.envelope_id), amount=money(r.amount, currency))
                for r in records
            ]

        rule = schedule.recurrence
        pending = schedule.pending()
        return cls(
            id=to_global_id("Schedule", schedule.id),
            name=schedule.name,
            kind=schedule.kind,
            mode=schedule.mode,
            paused=schedule.paused,
            amount=money(schedule.amount, currency) if schedule.amount is not None else None,
            allocations=parts(schedule.allocations),
            envelope=envelope(schedule.envelope_id),
            splits=parts(schedule.splits) if schedule.splits is not None else None,
            from_envelope=envelope(schedule.from_envelope_id),
            to_envelope=envelope(schedule.to_envelope_id)
            if schedule.kind is ScheduleKind.MOVE
            else None,
            to_envelope_id=to_global_id("Envelope", schedule.to_envelope_id)
            if schedule.to_envelope_id
            else None,
            to_account_id=to_global_id("Account", schedule.counterpart_account_id)
            if schedule.counterpart_account_id
            else None,
            received_amount=money(schedule.received_amount, schedule.received_currency)
            if schedule.received_amount is not None and schedule.received_currency
            else None,
            payment_source_id=to_global_id("PaymentSource", schedule.payment_source_id)
            if schedule.payment_source_id
            else None,
            payee=schedule.payee,
            memo=schedule.memo,
            tags=schedule.tags,
            recurrence=RecurrenceRule(
                frequency=rule.frequency,
                start_date=day_of(rule.start),
                interval=rule.interval,
                day_of_month=rule.day_of_month,
                days_of_month=rule.days_of_month,
                end_after=rule.count,
                end_date=day_of(rule.until) if rule.until else None,
                weekend=rule.weekend,
            ),
            next_occurrence=ScheduledOccurrence(
                scheduled_date=pending.scheduled,
                date=pending.due,
                skipped=False,
            )
            if pending
            else None,
            posted_count=schedule.posted_count,
            failed_count=schedule.failed_count,
            created_at=schedule.created_at,
            updated_at=schedule.updated_at,
            record=schedule,
            account_record=account,
        )

    @strawberry.field(description="The account it posts on.")
    async def account(
        self, info: Info
    ) -> Annotated[Account, strawberry.lazy("app.graphql.ledger.accounts.types")]:
        from app.graphql.ledger.accounts.types import Account

        viewer = await info.context.viewer()
        return Account.from_document(self.account_record, viewer.user_id)

    @strawberry.field(
        description=f"Pending occurrences due by `until`, or within `horizonDays` (default "
        f"{DEFAULT_HORIZON_DAYS}, at most {MAX_HORIZON_DAYS}) from today; overdue ones of a "
        f"reminder first. At most `first` (default and at most {MAX_UPCOMING})."
    )
    def upcoming(
        self,
        info: Info,
        horizon_days: int | None = None,
        until: date | None = None,
        first: int | None = None,
    ) -> list[ScheduledOccurrence]:
        service = info.context.services.schedules
        last = upcoming_until(service.today(), horizon_days, until)
        size = MAX_UPCOMING if first is None else first
        if not 0 <= size <= MAX_UPCOMING:
            raise ValidationError(f"first must be between 0 and {MAX_UPCOMING}.", field=["first"])
        return [
            ScheduledOccurrence(
                scheduled_date=u.occurrence.scheduled, date=u.occurrence.due, skipped=u.skipped
            )
            for u in service.upcoming(self.record, last, size)
        ]

    @strawberry.field(description="What became of the recent occurrences, newest first.")
    def occurrences(self) -> list[OccurrenceResult]:
        return [OccurrenceResult.from_record(r) for r in reversed(self.record.results)]


@strawberry.type(description="An occurrence to come of one of an account's schedules.")
class AccountOccurrence:
    schedule: Schedule
    scheduled_date: date = strawberry.field(description="The date the rule gives it: its name.")
    date: date = strawberry.field(description="The date it falls due (after the weekend rule).")
    skipped: bool = strawberry.field(description="Skipped ahead of time: it will not post.")


def upcoming_bounds(
    info: Info, horizon_days: int | None, until: date | None, first: int | None
) -> tuple[date, int]:
    """(the last day, how many at most) of an `upcoming` list; VALIDATION when out of range.
    Checked before any read, so that a refused argument stops the request before sibling
    fields start reading (their reads would be cancelled mid-way)."""
    last = upcoming_until(info.context.services.schedules.today(), horizon_days, until)
    size = MAX_UPCOMING if first is None else first
    if not 0 <= size <= MAX_UPCOMING:
        raise ValidationError(f"first must be between 0 and {MAX_UPCOMING}.", field=["first"])
    return last, size


def account_upcoming(
    info: Info,
    account: AccountRecord,
    schedules: list[ScheduleRecord],
    last: date,
    size: int,
) -> list[AccountOccurrence]:
    """The occurrences to come of the account's running schedules by `last`, soonest first
    (then by schedule name), at most `size`."""
    service = info.context.services.schedules
    found = [
        AccountOccurrence(
            schedule=Schedule.from_document(record, account),
            scheduled_date=u.occurrence.scheduled,
            date=u.occurrence.due,
            skipped=u.skipped,
        )
        for record in schedules
        if not record.paused
        for u in service.upcoming(record, last, size)
    ]
    found.sort(key=lambda o: (o.date, o.schedule.name, o.scheduled_date))
    return found[:size]


def upcoming_until(today: date, horizon_days: int | None, until: date | None) -> date:
    if horizon_days is not None and until is not None:
        raise ValidationError("Give horizonDays or until, not both.", field=["until"])
    if until is not None:
        if until > today + timedelta(days=MAX_HORIZON_DAYS):
            raise ValidationError(
                f"At most {MAX_HORIZON_DAYS} days ahead.", field=["until"]
            )  # fmt: skip
        return until
    days = DEFAULT_HORIZON_DAYS if horizon_days is None else horizon_days
    if not 0 <= days <= MAX_HORIZON_DAYS:
        raise ValidationError(
            f"horizonDays must be between 0 and {MAX_HORIZON_DAYS}.", field=["horizonDays"]
        )
    return today + timedelta(days=days)
