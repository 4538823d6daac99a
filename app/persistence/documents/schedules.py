"""The stored shape of a scheduled transaction, and of the scheduler's lease."""

from __future__ import annotations

from datetime import date, datetime

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, IndexModel

from app.domain.recurrence import Frequency, Occurrence, Recurrence, WeekendRule
from app.domain.schedules import OccurrenceStatus, ScheduleKind, ScheduleMode
from app.persistence.documents.base import Stored, StoredId, stored_day
from app.persistence.documents.payment_sources import AllocationRecord

MAX_RESULTS = 50  # the most recent results kept on a schedule
MAX_SKIPPED = 100  # future occurrences skipped ahead of time


def day_of(moment: datetime) -> date:
    """A stored day (UTC midnight: MongoDB has no date type) as a date."""
    return moment.date()


class RecurrenceRecord(BaseModel):
    frequency: Frequency
    start: datetime
    interval: int = 1
    day_of_month: int | None = None
    days_of_month: list[int] = Field(default_factory=list)
    count: int | None = None
    until: datetime | None = None
    weekend: WeekendRule = WeekendRule.AS_IS

    @classmethod
    def of(cls, rule: Recurrence) -> RecurrenceRecord:
        return cls(
            frequency=rule.frequency,
            start=stored_day(rule.start),
            interval=rule.interval,
            day_of_month=rule.day_of_month,
            days_of_month=list(rule.days_of_month),
            count=rule.count,
            until=stored_day(rule.until) if rule.until is not None else None,
            weekend=rule.weekend,
        )

    def rule(self) -> Recurrence:
        return Recurrence(
            frequency=self.frequency,
            start=day_of(self.start),
            interval=self.interval,
            day_of_month=self.day_of_month,
            days_of_month=tuple(self.days_of_month),
            count=self.count,
            until=day_of(self.until) if self.until is not None else None,
            weekend=self.weekend,
        )


class OccurrenceRecord(BaseModel):
    """What became of one occurrence."""

    scheduled: datetime
    due: datetime
    status: OccurrenceStatus
    entry_ids: list[StoredId] = Field(default_factory=list)
    code: str | None = None  # a failure's error code (INSUFFICIENT_FUNDS…)
    reason: str | None = None  # a failure's message, or why it was skipped
    at: datetime


class ScheduleRecord(Stored):
    """A scheduled movement of an account: what it posts, when, and how far it got.

    `next_on`/`next_due` name the first occurrence not yet posted, skipped or failed (its
    scheduled and due dates; None once the rule has ended). The scheduler posts occurrences
    with `next_due` up to today, as `created_by`, each with the idempotency key
    `schedule:<id>:<scheduled date>`, and then moves `next_on` on (only if it still names
    that occurrence)."""

    account_id: StoredId
    created_by: StoredId
    name: str
    kind: ScheduleKind
    currency: str
    amount: int | None = None  # None: a payday of the source's expected amount
    allocations: list[AllocationRecord] = Field(default_factory=list)  # income parts
    envelope_id: StoredId | None = None  # an expense from one envelope
    splits: list[AllocationRecord] | None = None  # an expense split across envelopes
    from_envelope_id: StoredId | None = None  # move; transfer (None: Available)
    to_envelope_id: StoredId | None = None  # move; transfer (None: Available)
    counterpart_account_id: StoredId | None = None  # transfer: the receiving account
    received_amount: int | None = None  # transfer between currencies
    received_currency: str | None = None
    payment_source_id: StoredId | None = None  # payday
    payee: str | None = None
    memo: str | None = None
    tags: list[str] = Field(default_factory=list)
    recurrence: RecurrenceRecord
    mode: ScheduleMode = ScheduleMode.AUTO
    paused: bool = False
    next_on: datetime | None = None
    next_due: datetime | None = None
    skipped: list[datetime] = Field(default_factory=list)
    posted_count: int = 0
    failed_count: int = 0
    results: list[OccurrenceRecord] = Field(default_factory=list)  # oldest first
    created_at: datetime
    updated_at: datetime
    # Delta sync: the account's `version` when the schedule was written or last changed
    # (see `app.persistence.locked_account`).
    rev: int = 0

    def rule(self) -> Recurrence:
        return self.recurrence.rule()

    def pending(self) -> Occurrence | None:
        """The first occurrence not yet dealt with."""
        if self.next_on is None or self.next_due is None:
            return None
        return Occurrence(day_of(self.next_on), day_of(self.next_due))

    def skipped_days(self) -> set[date]:
        return {day_of(d) for d in self.skipped}


class ScheduleDocument(ScheduleRecord, Document):
    class Settings:
        name = "schedules"
        indexes = [
            IndexModel([("account_id", ASCENDING), ("created_at", ASCENDING)]),
            # What the scheduler asks: the oldest due occurrences of running automatic ones.
            IndexModel(
                [("paused", ASCENDING), ("mode", ASCENDING), ("next_due", ASCENDING)],
                name="due",
            ),
            # Delta sync: what changed in an account after a cursor.
            IndexModel([("account_id", ASCENDING), ("rev", ASCENDING)], name="rev"),
        ]


class LeaseDocument(Document):
    """Who does a kind of background work now (`_id`: the lease's name, a string), until
    when. Read and written by `LeaseRepository` only, as plain rows."""

    holder: str
    expires_at: datetime

    class Settings:
        name = "leases"
