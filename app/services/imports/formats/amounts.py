"""Bank amounts to minor units, exactly: through `Decimal` text, never a float."""

from __future__ import annotations

from decimal import Decimal

from app.core.errors import ValidationError
from app.domain.money import parse_signed


class AmountError(ValueError):
    """The amount cannot be booked in the account's currency; the message says why."""


def decimal_to_minor(value: Decimal | str, currency: str) -> int:
    """A signed decimal ("-30.000", Decimal("3.77")) to minor units of `currency`.

    Trailing zeros beyond the currency's digits are fine; a significant extra decimal
    ("1.005" in EUR) is an `AmountError`, as is anything the money rules refuse.
    """
    text = format(value, "f") if isinstance(value, Decimal) else value.strip()
    if text.startswith("+"):
        text = text[1:]
    try:
        return parse_signed(text, currency)
    except ValidationError as error:
        raise AmountError(error.message) from error
