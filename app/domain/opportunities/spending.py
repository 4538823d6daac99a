"""Envelopes spending above their usual.

An envelope's *usual* month is the dashboard's (`app.domain.usual`): the median of what it
spent in the six full months before the month looked at (months without spending count as
zero); here only where it spent something in at least `MIN_MONTHS_WITH_SPENDING` of them: an
envelope without a habit has no usual. The month looked at is the current one when its
spending so far is above the usual already, else the last full month. Above means more than
the usual by over 10 % and over `MIN_EXCESS_UNITS` units of the currency (a coffee more is
not worth a word); the amount at stake is the difference.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.money import MINOR_DIGITS, format_amount
from app.domain.opportunities import Charge, Opportunity, OpportunityKind, amount_bucket
from app.domain.periods import month_start
from app.domain.usual import USUAL_MONTHS, previous_months, usual

MIN_MONTHS_WITH_SPENDING = 3
MIN_EXCESS_UNITS = 5


@dataclass(frozen=True)
class EnvelopeSpending:
    envelope_id: Hashable
    name: str
    spent: Mapping[date, int]  # first day of a month → net spending in it
    charges: Sequence[Charge] = ()  # its expenses (its share of split ones), for `based_on`


def _usual_before(envelope: EnvelopeSpending, month: date) -> int | None:
    values = [envelope.spent.get(m, 0) for m in previous_months(month)]
    if sum(1 for v in values if v > 0) < MIN_MONTHS_WITH_SPENDING:
        return None
    return usual(dict(envelope.spent), month)


def _above(spent: int, usual_amount: int, currency: str) -> bool:
    least: int = MIN_EXCESS_UNITS * 10 ** MINOR_DIGITS[currency]
    return spent - usual_amount > max(usual_amount // 10, least)


def above_usual(
    envelopes: Sequence[EnvelopeSpending], today: date, currency: str
) -> list[Opportunity]:
    """The envelopes above their usual, the largest excess first."""
    current = month_start(today)
    [last_full] = previous_months(current, 1)
    found = []
    for envelope in envelopes:
        for month in (current, last_full):
            usual_amount = _usual_before(envelope, month)
            spent = envelope.spent.get(month, 0)
            if usual_amount is not None and _above(spent, usual_amount, currency):
                found.append(_opportunity(envelope, month, spent, usual_amount, current, currency))
                break
    found.sort(key=lambda o: (-o.amount_at_stake, o.title))
    return found


def _opportunity(
    envelope: EnvelopeSpending, month: date, spent: int, usual_amount: int, current: date,
    currency: str,
) -> Opportunity:  # fmt: skip
    def shown(amount: int) -> str:
        return f"{format_amount(amount, currency)} {currency}"

    excess = spent - usual_amount
    when = "so far this month" if month == current else f"in {month:%B %Y}"
    charges = sorted(
        (c for c in envelope.charges if month_start(c.day) == month),
        key=lambda c: (c.day, str(c.id)),
        reverse=True,
    )
    return Opportunity(
        kind=OpportunityKind.ABOVE_USUAL,
        key=f"{OpportunityKind.ABOVE_USUAL}:{envelope.envelope_id}:{month.isoformat()}:"
        f"{amount_bucket(excess)}",
        title=f"{envelope.name}: above its usual",
        explanation=(
            f"{envelope.name} spent {shown(spent)} {when}, against a usual "
            f"{shown(usual_amount)} a month (the median of the {USUAL_MONTHS} months before): "
            f"{shown(excess)} more."
        ),
        amount_at_stake=excess,
        based_on=tuple(c.id for c in charges),
        envelope_id=envelope.envelope_id,
        usual=usual_amount,
        spent=spent,
        month=month,
    )
