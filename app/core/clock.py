"""The one clock of the ledger."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, at the millisecond precision MongoDB stores, so an answer matches later reads."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
