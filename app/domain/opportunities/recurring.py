"""Recurring charges (subscriptions) found in a history of expenses.

A series is charges to one payee (payees compared by `normalise_payee`, and alike ones, such
as "SPOTIFY STOCKHOLM" and "Spotify", put together when rapidfuzz's `token_set_ratio`
finds them at least `SAME_PAYEE` % alike) where, walking back from the latest charge, each
earlier one falls one interval before the next (weekly 7±1 days, fortnightly 14±2, monthly
27-34, quarterly 86-97, yearly 360-371) with an amount within the tolerance of the next
one's (10 %, or one unit of the currency, whichever is more). One step outside the tolerance
but within ±50 % is taken as a price change (and noted); a second one ends the series. A
series needs at least `MIN_OCCURRENCES` charges, and is still running when its next charge
is not overdue by more than one interval, and is the payee's habit rather than a
coincidence: within its span the payee has at most as many other charges as the series has
(a supermarket visited daily offers some amount at any interval). Intervals are tried
shortest first, so a weekly charge is not also a monthly one; a payee may hold several series
(two subscriptions with one company).

The yearly cost is the latest amount times the interval's occurrences per year (52, 26, 12,
4, 1): integers only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rapidfuzz import fuzz

from app.domain.matching import normalise_payee
from app.domain.money import MINOR_DIGITS, format_amount
from app.domain.opportunities import Charge, Interval, Opportunity, OpportunityKind

MIN_OCCURRENCES = 3
SAME_PAYEE = 90
PRICE_CHANGE_PERCENT = 50
MAX_SERIES_PER_PAYEE = 3


@dataclass(frozen=True)
class Rhythm:
    interval: Interval
    nominal: int  # days
    shortest: int
    longest: int
    per_year: int
    noun: str


RHYTHMS = (
    Rhythm(Interval.WEEKLY, 7, 6, 8, 52, "week"),
    Rhythm(Interval.FORTNIGHTLY, 14, 12, 16, 26, "fortnight"),
    Rhythm(Interval.MONTHLY, 30, 27, 34, 12, "month"),
    Rhythm(Interval.QUARTERLY, 91, 86, 97, 4, "quarter"),
    Rhythm(Interval.YEARLY, 365, 360, 371, 1, "year"),
)


@dataclass(frozen=True)
class Series:
    payee: str  # as the latest charge names it
    rhythm: Rhythm
    charges: tuple[Charge, ...]  # newest first
    previous_amount: int | None  # the amount before a price change, if there was one

    @property
    def latest(self) -> Charge:
        return self.charges[0]

    @property
    def next_expected(self) -> date:
        return self.latest.day + timedelta(days=self.rhythm.nominal)

    @property
    def yearly_cost(self) -> int:
        return self.latest.amount * self.rhythm.per_year


def within_tolerance(amount: int, other: int, currency: str) -> bool:
    """Alike amounts: at most 10 % of `other` apart, or one unit of the currency."""
    unit: int = 10 ** MINOR_DIGITS[currency]
    return abs(amount - other) <= max(other // 10, unit)


def _price_change(amount: int, other: int) -> bool:
    return abs(amount - other) * 100 <= other * PRICE_CHANGE_PERCENT


def payee_groups(charges: Sequence[Charge]) -> list[list[Charge]]:
    """Charges by payee: same normalised payee, or alike ones; charges without one left out."""
    groups: dict[str, list[Charge]] = {}
    for charge in charges:
        key = normalise_payee(charge.payee)
        if not key:
            continue
        if key not in groups:
            alike = next((k for k in groups if fuzz.token_set_ratio(k, key) >= SAME_PAYEE), None)
            key = alike or key
        groups.setdefault(key, []).append(charge)
    return list(groups.values())


def _series_from(
    charges: Sequence[Charge], days: Sequence[int], start: int, rhythm: Rhythm, currency: str
) -> tuple[list[Charge], int | None]:
    """Walking back from `charges[start]` (charges newest first; `days` their days as
    negative ordinals) by `rhythm`: the series' charges (newest first) and the amount before
    a price change (None: no change)."""
    found, previous, at = [charges[start]], None, start
    while True:
        current = charges[at]
        day = current.day.toordinal()
        window = range(
            bisect_left(days, rhythm.shortest - day), bisect_right(days, rhythm.longest - day)
        )
        fitting = [(index, charges[index]) for index in window]
        same = [f for f in fitting if within_tolerance(f[1].amount, current.amount, currency)]
        changed = [
            f for f in fitting if previous is None and _price_change(f[1].amount, current.amount)
        ]
        choice = same or changed
        if not choice:
            return found, previous
        at, best = min(choice, key=lambda f: abs((current.day - f[1].day).days - rhythm.nominal))
        if not same:
            previous = best.amount
        found.append(best)


def find_series(group: Sequence[Charge], currency: str, today: date) -> list[Series]:
    """The running series among one payee's charges."""
    left = sorted(group, key=lambda c: (c.day, str(c.id)), reverse=True)
    found: list[Series] = []
    while left and len(found) < MAX_SERIES_PER_PAYEE:
        series = _first_series(left, currency, today)
        if series is None:
            break
        found.append(series)
        taken = set(map(id, series.charges))
        left = [c for c in left if id(c) not in taken]
    return found


def _first_series(charges: Sequence[Charge], currency: str, today: date) -> Series | None:
    """The series starting at the latest charge that has one, shortest interval first."""
    days = [-c.day.toordinal() for c in charges]  # ascending, for counting a span's charges
    for start, latest in enumerate(charges):
        for rhythm in RHYTHMS:
            if today > latest.day + timedelta(days=2 * rhythm.nominal):
                continue  # stopped: the next charge is overdue by more than an interval
            if _too_busy(latest, charges[-1], days, rhythm):
                continue
            chain, previous = _series_from(charges, days, start, rhythm, currency)
            if len(chain) >= MIN_OCCURRENCES and not _coincidence(chain, days):
                return Series(latest.payee or "", rhythm, tuple(chain), previous)
    return None


def _too_busy(latest: Charge, oldest: Charge, days: Sequence[int], rhythm: Rhythm) -> bool:
    """Whether no series from `latest` can pass `_coincidence`, found without walking one:
    any series spans at least the `MIN_OCCURRENCES - 1` shortest intervals before `latest`,
    and holds at most one charge per shortest interval of the payee's history; more charges
    in that least span than twice that many are more others than any series could have."""
    end = latest.day.toordinal()
    least = bisect_right(days, (MIN_OCCURRENCES - 1) * rhythm.shortest - end) - bisect_left(
        days, -end
    )
    longest_series = 1 + (end - oldest.day.toordinal()) // rhythm.shortest
    return least > 2 * longest_series


def _coincidence(chain: Sequence[Charge], days: Sequence[int]) -> bool:
    """A payee charging far more often than the series (a supermarket) offers a charge of
    about any amount at about any interval: more of its other charges within the series'
    span than the series has charges makes the series a coincidence, not a habit. (`days`:
    the payee's charges' days as negative ordinals, ascending.)"""
    within = bisect_right(days, -chain[-1].day.toordinal()) - bisect_left(
        days, -chain[0].day.toordinal()
    )
    return within - len(chain) > len(chain)


def recurring_charges(charges: Sequence[Charge], currency: str, today: date) -> list[Opportunity]:
    """Every running series in `charges` as an opportunity, the costliest first."""
    series = [s for g in payee_groups(charges) for s in find_series(g, currency, today)]
    series.sort(key=lambda s: (-s.yearly_cost, s.payee))
    return [_opportunity(s, currency) for s in series]


def _opportunity(series: Series, currency: str) -> Opportunity:
    def shown(amount: int) -> str:
        return f"{format_amount(amount, currency)} {currency}"

    rhythm, latest = series.rhythm, series.latest
    explanation = (
        f"{len(series.charges)} charges of about {shown(latest.amount)} every {rhythm.noun} "
        f"since {series.charges[-1].day.isoformat()}; the next one is expected around "
        f"{series.next_expected.isoformat()}. That is {shown(series.yearly_cost)} a year."
    )
    if series.previous_amount is not None:
        change = "rose" if latest.amount > series.previous_amount else "fell"
        explanation += f" The price {change} from {shown(series.previous_amount)}."
    key = (
        f"{OpportunityKind.RECURRING_CHARGE}:{normalise_payee(latest.payee)}:"
        f"{rhythm.interval}:{latest.amount}"
    )
    return Opportunity(
        kind=OpportunityKind.RECURRING_CHARGE,
        key=key,
        title=f"{series.payee}: {rhythm.interval.value} charge",
        explanation=explanation,
        amount_at_stake=series.yearly_cost,
        based_on=tuple(c.id for c in series.charges),
        payee=series.payee,
        interval=rhythm.interval,
        latest_amount=latest.amount,
        previous_amount=series.previous_amount,
        next_expected=series.next_expected,
    )
