"""The entries of a ledger: their kinds, and the rules of their describing fields (booking
date, payee, memo, tags)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from app.core.errors import ValidationError
from app.domain.envelopes import clean_name

MAX_TAGS, MAX_TAG_LENGTH = 20, 40
MAX_PAYEE_LENGTH, MAX_MEMO_LENGTH = 200, 1000
EARLIEST_BOOKING = date(1900, 1, 1)


class EntryKind(StrEnum):
    """What an entry records. A reversal also carries, as its flow, the kind it undoes."""

    OPENING = "opening"
    INCOME = "income"
    EXPENSE = "expense"
    MOVE = "move"
    TRANSFER = "transfer"
    REVERSAL = "reversal"
    ADJUSTMENT = "adjustment"  # a reconciliation's correction of Available to the statement
    SWEEP = "sweep"  # leftovers of *sweep* envelopes back to Available at a period's end
    # A correction of an income's or expense's envelopes after the fact: amount 0, lines
    # moving the entry's money from its envelopes to others; its flow is the entry's.
    RECATEGORISE = "recategorise"


class ClearedStatus(StrEnum):
    """Where an entry stands against the bank: recorded only, seen on the bank's side
    (cleared), or matched by a reconciliation, after which it cannot change until that
    reconciliation is reopened."""

    UNCLEARED = "uncleared"
    CLEARED = "cleared"
    RECONCILED = "reconciled"


def booking_datetime(day: date | None, today: date) -> datetime:
    """Booking dates are days, stored as UTC midnight; today when not given."""
    day = day or today
    if not EARLIEST_BOOKING <= day <= today + timedelta(days=366):
        raise ValidationError(
            "The booking date must be after 1900 and at most a year ahead.", field=["bookingDate"]
        )
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def clean_text(value: str | None, limit: int, field: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(f"At most {limit} characters.", field=[field])
    return value or None


def clean_tags(tags: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = clean_name(tag, "tags", MAX_TAG_LENGTH)
        if tag.casefold() not in (t.casefold() for t in cleaned):
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(f"At most {MAX_TAGS} tags.", field=["tags"])
    return cleaned


@dataclass(frozen=True)
class EntryDetails:
    """The describing fields of an entry as given (checked when the entry is recorded)."""

    payee: str | None = None
    memo: str | None = None
    tags: tuple[str, ...] = ()
    booking_date: date | None = None
