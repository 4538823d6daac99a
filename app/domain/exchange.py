"""Exchange rates and converting money into a base currency. No floats: a rate is a `Decimal`
of at most `RATE_DIGITS` (10) decimals and 12 whole digits, kept as its canonical string.

A rate `from → to` on a day says one unit of `from` is `rate` units of `to` from that day on,
until a later rate. Converting an amount on a day uses the latest rate on or before the day:
the recorded direction, or the inverse (1 / rate) of a rate recorded the other way when that
one is later; on the same day the recorded direction wins. There are no rates through a third
currency. No rate on or before the day means the conversion is *missing* (None) — never a
silent 1:1 (but 0 needs no rate). The converted amount is rounded half to even to the base
currency's minor units.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal

from app.core.errors import ValidationError
from app.domain.money import MINOR_DIGITS

RATE_DIGITS = 10
_RATE = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,10})?$")
_EXACT = Context(prec=60)  # enough for 15-digit amounts times 22-digit rates, exactly


def parse_rate(text: str, field: str = "rate") -> Decimal:
    """A positive decimal string of at most 12 whole digits and 10 decimals; VALIDATION on
    anything else (zero, signs, exponents, more decimals)."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if not _RATE.match(cleaned) or Decimal(cleaned) == 0:
        raise ValidationError(
            f"A rate is a positive decimal such as 1.0825, with at most {RATE_DIGITS} decimals.",
            field=[field],
        )
    return Decimal(cleaned)


def format_rate(rate: Decimal) -> str:
    """The canonical text of a rate: no exponent, no trailing zeros ("1.50" → "1.5")."""
    text = f"{rate:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Rate:
    source: str  # ISO 4217 code
    target: str
    day: date
    rate: Decimal


@dataclass(frozen=True)
class _Quote:
    day: date
    inverse: bool  # recorded target → source
    rate: Decimal


class RateTable:
    """The rates known for converting into `base`, by source currency and day."""

    def __init__(self, base: str, rates: Iterable[Rate]) -> None:
        self.base = base
        quotes: dict[str, list[_Quote]] = {}
        for r in rates:
            if r.target == base and r.source != base:
                quotes.setdefault(r.source, []).append(_Quote(r.day, False, r.rate))
            elif r.source == base and r.target != base:
                quotes.setdefault(r.target, []).append(_Quote(r.day, True, r.rate))
        # by day; on one day the recorded direction (inverse False) sorts last, so it wins
        self._quotes = {
            c: sorted(q, key=lambda x: (x.day, not x.inverse)) for c, q in quotes.items()
        }
        self._days = {c: [q.day for q in qs] for c, qs in self._quotes.items()}

    def _quote(self, currency: str, day: date) -> _Quote | None:
        days = self._days.get(currency)
        if not days:
            return None
        index = bisect_right(days, day)
        return self._quotes[currency][index - 1] if index else None

    def has_rate(self, currency: str, day: date) -> bool:
        return currency == self.base or self._quote(currency, day) is not None

    def convert(self, minor: int, currency: str, day: date) -> int | None:
        """`minor` units of `currency` in minor units of the base currency on `day`; None
        when no rate applies (missing). Nothing (0) is nothing in any currency."""
        if currency == self.base or minor == 0:
            return minor
        quote = self._quote(currency, day)
        if quote is None:
            return None
        return convert(minor, currency, self.base, quote.rate, inverse=quote.inverse)


def convert(minor: int, source: str, target: str, rate: Decimal, inverse: bool = False) -> int:
    """`minor` units of `source` at `rate` (`source → target`, or `target → source` when
    `inverse`) in minor units of `target`, rounded half to even."""
    scale = Decimal(10) ** (MINOR_DIGITS[target] - MINOR_DIGITS[source])
    amount = _EXACT.multiply(Decimal(minor), scale)
    value = _EXACT.divide(amount, rate) if inverse else _EXACT.multiply(amount, rate)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN, context=_EXACT))


@dataclass
class Converted:
    """A sum in the base currency, or the currencies that lacked a rate (`total` None)."""

    total: int = 0
    missing: set[str] | None = None

    def add(self, minor: int | None, currency: str) -> None:
        if minor is None:
            self.missing = (self.missing or set()) | {currency}
        else:
            self.total += minor

    @property
    def value(self) -> int | None:
        return None if self.missing else self.total
