"""Mutations of scheduled transactions (editors and above)."""

from __future__ import annotations

from datetime import date

import strawberry

from app.domain.recurrence import Frequency, WeekendRule
from app.domain.schedules import ScheduleKind, ScheduleMode
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.envelopes.types import EnvelopeAmountInput, amounts
from app.graphql.ledger.history.types import Transaction, transactions_of
from app.graphql.ledger.schedules.types import Schedule
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id, decode_optional_id, to_global_id
from app.graphql.scalars import Decimal
from app.services.ledger.commands import EntryDetails
from app.services.scheduling.commands import (
    CreateSchedule,
    RecurrenceSpec,
    ScheduleRef,
    ScheduleSpec,
    SkipOccurrence,
    UpdateSchedule,
)
from app.services.scheduling.schedules import Posted, Saved


@strawberry.input(description="When a schedule recurs, and until when.")
class RecurrenceInput:
    frequency: Frequency
    start_date: date = strawberry.field(description="No occurrence is scheduled before it.")
    interval: int = strawberry.field(default=1, description="Every N days, weeks, months or years.")
    day_of_month: int | None = strawberry.field(
        default=None,
        description="MONTHLY: 1-31 (a shorter month: its last day), or -1 for the last day; "
        "default: the start date's day.",
    )
    days_of_month: list[int] | None = strawberry.field(
        default=None,
        description="SEMI_MONTHLY: two days in order, 1-28, or -1 (last day) as the second.",
    )
    end_after: int | None = strawberry.field(
        default=None, description="End after this many occurrences."
    )
    end_date: date | None = strawberry.field(
        default=None, description="End on this date (inclusive)."
    )
    weekend: WeekendRule = WeekendRule.AS_IS

    def spec(self) -> RecurrenceSpec:
        return RecurrenceSpec(
            frequency=self.frequency,
            start_date=self.start_date,
            interval=self.interval,
            day_of_month=self.day_of_month,
            days_of_month=tuple(self.days_of_month or ()),
            end_after=self.end_after,
            end_date=self.end_date,
            weekend=self.weekend,
        )


@strawberry.input
class ScheduleFields:
    """What a schedule posts and when (mixed into the create and update inputs)."""

    name: str
    kind: ScheduleKind
    recurrence: RecurrenceInput
    mode: ScheduleMode = ScheduleMode.AUTO
    amount: Decimal | None = strawberry.field(
        default=None, description="Required but for a PAYDAY (default: the expected amount)."
    )
    allocations: list[EnvelopeAmountInput] | None = strawberry.field(
        default=None, description="INCOME: parts for envelopes (at most the amount)."
    )
    envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="EXPENSE: the envelope paying; or give splits."
    )
    splits: list[EnvelopeAmountInput] | None = strawberry.field(
        default=None, description="EXPENSE: parts adding up to the amount."
    )
    from_envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="MOVE; TRANSFER (default: Available)."
    )
    to_envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="MOVE; TRANSFER: of the receiving account (default: Available)."
    )
    to_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="TRANSFER: the receiving account."
    )
    received_amount: Decimal | None = strawberry.field(
        default=None, description="TRANSFER between currencies."
    )
    payment_source_id: strawberry.ID | None = strawberry.field(
        default=None, description="PAYDAY: the payment source of the account."
    )
    payee: str | None = None
    memo: str | None = None
    tags: list[str] | None = None

    def spec(self) -> ScheduleSpec:
        return ScheduleSpec(
            name=self.name,
            kind=self.kind,
            recurrence=self.recurrence.spec(),
            mode=self.mode,
            amount=self.amount,
            allocations=amounts(self.allocations, "allocations")
            if self.allocations is not None
            else None,
            envelope_id=decode_optional_id(self.envelope_id, "Envelope", "envelopeId"),
            splits=amounts(self.splits, "splits") if self.splits is not None else None,
            from_envelope_id=decode_optional_id(
                self.from_envelope_id, "Envelope", "fromEnvelopeId"
            ),
            to_envelope_id=decode_optional_id(self.to_envelope_id, "Envelope", "toEnvelopeId"),
            to_account_id=decode_optional_id(self.to_account_id, "Account", "toAccountId"),
            received_amount=self.received_amount,
            payment_source_id=decode_optional_id(
                self.payment_source_id, "PaymentSource", "paymentSourceId"
            ),
            details=EntryDetails(payee=self.payee, memo=self.memo, tags=tuple(self.tags or ())),
        )


@strawberry.input
class CreateScheduleInput(ScheduleFields):
    account_id: strawberry.ID

    def to_command(self) -> CreateSchedule:
        return CreateSchedule(decode_id(self.account_id, "Account", "accountId"), self.spec())


@strawberry.input
class UpdateScheduleInput(ScheduleFields):
    id: strawberry.ID

    def to_command(self) -> UpdateSchedule:
        return UpdateSchedule(decode_id(self.id, "Schedule", "id"), self.spec())


@strawberry.input
class ScheduleInput:
    id: strawberry.ID

    def to_command(self) -> ScheduleRef:
        return ScheduleRef(decode_id(self.id, "Schedule", "id"))


@strawberry.input
class SkipOccurrenceInput:
    id: strawberry.ID
    date: date | None = strawberry.field(
        default=None,
        description="The scheduled date of a pending occurrence; default: the next one.",
    )

    def to_command(self) -> SkipOccurrence:
        return SkipOccurrence(decode_id(self.id, "Schedule", "id"), self.date)


@strawberry.type
class SchedulePayload(Payload):
    schedule: Schedule | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Saved, caller: Caller) -> SchedulePayload:
        return cls(schedule=Schedule.from_document(*result))


@strawberry.type
class DeleteSchedulePayload(Payload):
    deleted_schedule_id: strawberry.ID | None = None
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Saved, caller: Caller) -> DeleteSchedulePayload:
        schedule, account = result
        return cls(
            deleted_schedule_id=to_global_id("Schedule", schedule.id),
            account=Account.from_document(account, caller.user_id),
        )


@strawberry.type(description="An occurrence posted now: its entries (two for a transfer).")
class PostOccurrencePayload(Payload):
    schedule: Schedule | None = None
    transactions: list[Transaction] = strawberry.field(default_factory=list)
    account: Account | None = strawberry.field(default=None, description="As it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Posted, caller: Caller) -> PostOccurrencePayload:
        return cls(
            schedule=Schedule.from_document(result.schedule, result.account),
            transactions=transactions_of(result.outcome),
            account=Account.from_document(result.account, caller.user_id),
        )


@strawberry.type
class ScheduleMutation:
    create_schedule = mutation_field(
        "Schedule a recurring income, payday, expense, move or transfer (editors).",
        CreateScheduleInput,
        SchedulePayload,
        lambda services: services.schedules.create,
    )
    update_schedule = mutation_field(
        "Replace what a schedule posts and when; applies to occurrences not yet posted.",
        UpdateScheduleInput,
        SchedulePayload,
        lambda services: services.schedules.update,
    )
    delete_schedule = mutation_field(
        "Delete a schedule; what it posted stays in the ledger.",
        ScheduleInput,
        DeleteSchedulePayload,
        lambda services: services.schedules.delete,
    )
    pause_schedule = mutation_field(
        "Stop posting a schedule's occurrences until it is resumed.",
        ScheduleInput,
        SchedulePayload,
        lambda services: services.schedules.pause,
    )
    resume_schedule = mutation_field(
        "Resume a paused schedule from its first occurrence due today or later.",
        ScheduleInput,
        SchedulePayload,
        lambda services: services.schedules.resume,
    )
    skip_occurrence = mutation_field(
        "Skip the next pending occurrence, or a later one by its scheduled date.",
        SkipOccurrenceInput,
        SchedulePayload,
        lambda services: services.schedules.skip,
    )
    post_occurrence_now = mutation_field(
        "Post the next pending occurrence now (booked on its date, or today if that is "
        "earlier), as the schedule's creator; it will not post again.",
        ScheduleInput,
        PostOccurrencePayload,
        lambda services: services.schedules.post_now,
    )
