"""Money at the API edge: `Money { amount: Decimal! currency: String! }` where `Decimal` is
a decimal string ("12.50"). Input amounts are strings too, checked against the account's
currency by the services (VALIDATION with the field, in userErrors). JSON numbers are refused:
a float never carries money here."""

from __future__ import annotations

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


@strawberry.type(description="An amount of money in a currency.")
class Money:
    amount: Decimal
    currency: str = strawberry.field(description="ISO 4217 code.")


def money(minor: int, currency: str) -> Money:
    return Money(amount=Decimal(format_amount(minor, currency)), currency=currency)
