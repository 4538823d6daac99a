"""The one clock of the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Now, at the millisecond precision MongoDB stores, so an answer matches later reads."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def today() -> date:
    """Today's date in UTC: the day booking dates and schedules count in."""
    return datetime.now(UTC).date()
