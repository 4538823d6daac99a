"""Kinds of accounts, and what follows from the kind."""

from __future__ import annotations

from enum import StrEnum

from app.core.errors import ValidationError


class AccountType(StrEnum):
    CHECKING = "checking"
    SAVINGS = "savings"
    CREDIT_CARD = "credit_card"
    CASH = "cash"
    LOAN = "loan"
    OTHER = "other"

    @property
    def is_debt(self) -> bool:
        """Debt accounts may open below zero and allow envelopes below zero by default."""
        return self in (AccountType.CREDIT_CARD, AccountType.LOAN)

    @classmethod
    def parse(cls, value: str, field: str = "type") -> AccountType:
        try:
            return cls(value)
        except ValueError:
            raise ValidationError("Unknown account type.", field=[field]) from None
