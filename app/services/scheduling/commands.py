"""Inputs of the scheduling use cases, as the GraphQL layer hands them over: ids decoded,
amounts still decimal strings (the account knows its currency)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.core.ids import ObjectId
from app.domain.entries import EntryDetails
from app.domain.recurrence import Frequency, WeekendRule
from app.domain.schedules import ScheduleKind, ScheduleMode
from app.services.ledger.commands import AmountFor


@dataclass(frozen=True)
class RecurrenceSpec:
    frequency: Frequency
    start_date: date
    interval: int = 1
    day_of_month: int | None = None
    days_of_month: tuple[int, ...] = ()
    end_after: int | None = None
    end_date: date | None = None
    weekend: WeekendRule = WeekendRule.AS_IS


@dataclass(frozen=True)
class ScheduleSpec:
    """What a schedule posts and when. Which movement fields apply depends on `kind`:
    income: amount, allocations; payday: payment_source_id, amount (default: the source's
    expected amount); expense: amount, envelope_id or splits; move: amount, from and to
    envelope; transfer: to_account_id, amount, received_amount, from/to envelope."""

    name: str
    kind: ScheduleKind
    recurrence: RecurrenceSpec
    mode: ScheduleMode = ScheduleMode.AUTO
    amount: str | None = None
    allocations: tuple[AmountFor, ...] | None = None
    envelope_id: ObjectId | None = None
    splits: tuple[AmountFor, ...] | None = None
    from_envelope_id: ObjectId | None = None
    to_envelope_id: ObjectId | None = None
    to_account_id: ObjectId | None = None
    received_amount: str | None = None
    payment_source_id: ObjectId | None = None
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class CreateSchedule:
    account_id: ObjectId
    spec: ScheduleSpec


@dataclass(frozen=True)
class ScheduleRef:
    """One schedule (delete, pause, resume, post the next occurrence now)."""

    schedule_id: ObjectId


@dataclass(frozen=True)
class UpdateSchedule(ScheduleRef):
    spec: ScheduleSpec


@dataclass(frozen=True)
class SkipOccurrence(ScheduleRef):
    scheduled_date: date | None = None  # None: the next pending occurrence
