"""Money at the API edge: `Money { amount: Decimal! currency: String! }` where `Decimal` is
a decimal string ("12.50"). Input amounts are strings too, checked against the account's
currency by the services (VALIDATION with the field, in userErrors). JSON numbers are refused:
a float never carries money here."""

from __future__ import annotations

import functools
from datetime import date
from typing import NewType

import strawberry
from graphql import GraphQLError

from app.domain.money import format_amount


def _parse_decimal(value: object) -> str:
    if not isinstance(value, str):
        raise GraphQLError('Send amounts as strings, e.g. "12.50".')
    return value


Decimal = NewType("Decimal", str)
DECIMAL_SCALAR = strawberry.scalar(
    name="Decimal",
    description='A decimal number as a string, e.g. "12.50"; never a JSON number.',
    serialize=str,
    parse_value=_parse_decimal,
)


def _parse_date(value: object) -> date:
    # Strawberry's own Date scalar answers with Python's ValueError text; this one with ours.
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise GraphQLError('Send dates as "YYYY-MM-DD", e.g. "2024-05-31".')


# Replaces strawberry's `Date` (same name and description: the SDL does not change) through
# the schema's scalar_map.
DATE_SCALAR = strawberry.scalar(
    name="Date",
    description="Date (isoformat)",
    serialize=date.isoformat,
    parse_value=_parse_date,
)


@strawberry.type(description="An amount of money in a currency.")
class Money:
    amount: Decimal
    currency: str = strawberry.field(description="ISO 4217 code.")


@functools.lru_cache(maxsize=4096)
def money(minor: int, currency: str) -> Money:
    """The `Money` of an amount. Kept for reuse (nothing changes a `Money` once made): a
    history page shows about four amounts per entry, and its lines repeat the entries'."""
    return Money(amount=Decimal(format_amount(minor, currency)), currency=currency)
