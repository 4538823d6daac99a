"""What the dashboard answers: whole-month ranges and the figures it gives, in the base
currency (`Amount`, None when a rate was missing) or in an account's own currency (ints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.core.errors import ValidationError
from app.domain.cadences import check_day
from app.domain.exchange import Converted
from app.domain.periods import month_start, next_month
from app.persistence.documents.accounts import AccountRecord, EnvelopeRecord

MAX_MONTHS = 120
MAX_FIRST = 100


def month_end(month: date) -> date:
    return next_month(month) - timedelta(days=1)


@dataclass(frozen=True)
class MonthRange:
    """Whole months `first`..`last` (their first days)."""

    first: date
    last: date

    @classmethod
    def of(cls, first: date, last: date, fields: tuple[str, str] = ("from", "to")) -> MonthRange:
        """VALIDATION unless `first` is not after `last` and they span at most 120 months."""
        start = month_start(check_day(first, [fields[0]]))
        end = month_start(check_day(last, [fields[1]]))
        if start > end:
            raise ValidationError("The range ends before it starts.", field=[fields[1]])
        if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            raise ValidationError(f"At most {MAX_MONTHS} months at once.", field=[fields[1]])
        return cls(start, end)

    def months(self) -> list[date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = next_month(month)
        return found


@dataclass(frozen=True)
class Amount:
    """A figure in the base currency; `minor` None when a rate was missing (`missing`)."""

    minor: int | None
    missing: tuple[str, ...] = ()

    @classmethod
    def of(cls, converted: Converted) -> Amount:
        return cls(converted.value, tuple(sorted(converted.missing or ())))


@dataclass(frozen=True)
class NetWorth:
    month: date
    total: Amount


@dataclass(frozen=True)
class IncomeExpense:
    month: date
    income: Amount
    expense: Amount


@dataclass(frozen=True)
class EnvelopeSpending:
    account: AccountRecord
    envelope: EnvelopeRecord
    spent: int  # in the account's currency
    converted: Amount


@dataclass(frozen=True)
class PayeeSpending:
    payee: str | None  # as first written; None: entries without a payee
    spent: Amount


@dataclass(frozen=True)
class PlanVsActual:
    account: AccountRecord
    envelope: EnvelopeRecord
    planned: int  # in the account's currency
    actual: int


@dataclass(frozen=True)
class EnvelopeChange:
    account: AccountRecord
    envelope: EnvelopeRecord
    month: date
    this_month: int  # spent, in the account's currency
    usual: int
    difference: int
    converted: Amount  # the difference in the base currency
