"""Reconciliation as pure rules: matching the cleared entries with a bank statement.

The *cleared balance* of an account is the sum of its cleared and reconciled entries. A
statement (a date and the balance the bank shows then) reconciles when the reconciled balance
plus the entries cleared since, booked on or before the statement date, add up to it; those
entries then become reconciled. Otherwise the difference is refused, or recorded as an
adjustment into Available (`Ledger.adjust`). Statements come in date order: one may not be
dated before the date the account is already reconciled through.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.core.errors import BalanceMismatchError, ValidationError
from app.domain.entries import EARLIEST_BOOKING
from app.domain.money import format_amount


def statement_datetime(day: date, reconciled_through: date | None, today: date) -> datetime:
    """The statement date as stored (UTC midnight, like booking dates): within the booking
    dates' range and not before the last reconciliation's statement."""
    if not EARLIEST_BOOKING <= day <= today + timedelta(days=366):
        raise ValidationError(
            "The statement date must be after 1900 and at most a year ahead.",
            field=["statementDate"],
        )
    if reconciled_through is not None and day < reconciled_through:
        raise ValidationError(
            f"The account is reconciled through {reconciled_through.isoformat()}: "
            "a statement cannot be dated before that (reopen the reconciliation first).",
            field=["statementDate"],
        )
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def difference(statement_balance: int, cleared_balance: int, currency: str, adjust: bool) -> int:
    """What an adjustment must record (statement - cleared); BALANCE_MISMATCH when the two
    differ and no adjustment was asked for."""
    gap = statement_balance - cleared_balance
    if gap and not adjust:
        raise BalanceMismatchError(
            f"The cleared balance is {format_amount(cleared_balance, currency)} {currency} but "
            f"the statement says {format_amount(statement_balance, currency)} {currency}: a "
            f"difference of {format_amount(gap, currency)} {currency}. Clear the missing "
            "entries, or reconcile with adjust to record the difference as an adjustment.",
            difference=gap,
            currency=currency,
            field=["statementBalance"],
        )
    return gap
