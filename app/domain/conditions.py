"""What categorisation rules look at: the transaction, and the conditions on it.

Text conditions compare folded text (no case, no accents: `patterns.fold`) and look at the
first `patterns.MAX_TEXT_LENGTH` characters only; `matches` takes a bounded glob
(`patterns`), never a regular expression. The amount condition is on the size of the amount,
money in and out alike; whether money came in or went out is the kind condition (income:
money in, expense: money out; an amount of zero is neither). Each condition's `checked`
raises VALIDATION with a field path relative to the condition.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from app.core.errors import ValidationError
from app.domain.entries import EntryKind
from app.domain.money import MAX_AMOUNT_MINOR, format_amount
from app.domain.patterns import MAX_PATTERN_LENGTH, bounded, compile_glob, fold


class TextField(StrEnum):
    PAYEE = "payee"
    MEMO = "memo"


class TextOperator(StrEnum):
    CONTAINS = "contains"
    EQUALS = "equals"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    MATCHES = "matches"  # a bounded glob: * ? and | (see app.domain.patterns)


@dataclass(frozen=True)
class Transaction:
    """What rules look at: an imported row, or an entry recorded without an envelope."""

    account_id: Hashable
    amount: int  # signed minor units: money in > 0, money out < 0
    payee: str | None = None
    memo: str | None = None
    tags: tuple[str, ...] = ()
    day: date | None = None  # the booking day, when known (the learned model looks at it)

    @property
    def kind(self) -> EntryKind | None:
        if self.amount == 0:
            return None
        return EntryKind.INCOME if self.amount > 0 else EntryKind.EXPENSE


@dataclass(frozen=True)
class TextCondition:
    field: TextField
    operator: TextOperator
    value: str

    def holds(self, t: Transaction) -> bool:
        text = bounded((t.payee if self.field is TextField.PAYEE else t.memo) or "")
        if self.operator is TextOperator.MATCHES:
            return compile_glob(self.value).regex.match(text) is not None
        needle = _folded(self.value)
        match self.operator:
            case TextOperator.CONTAINS:
                return needle in text
            case TextOperator.EQUALS:
                return text == needle
            case TextOperator.STARTS_WITH:
                return text.startswith(needle)
            case _:
                return text.endswith(needle)

    def checked(self) -> TextCondition:
        if len(self.value) > MAX_PATTERN_LENGTH:
            raise ValidationError(f"At most {MAX_PATTERN_LENGTH} characters.", field=["value"])
        if self.operator is TextOperator.MATCHES:
            compile_glob(self.value)
        elif not fold(self.value):
            raise ValidationError("The text to compare with cannot be empty.", field=["value"])
        return self

    def describe(self, currency: str) -> str:
        return f'{self.field} {self.operator.replace("_", " ")} "{self.value}"'


@lru_cache(maxsize=4096)
def _folded(value: str) -> str:
    return fold(value)


@dataclass(frozen=True)
class AmountCondition:
    """The size of the amount (money in or out alike) within the bounds, both included."""

    minimum: int | None = None
    maximum: int | None = None

    def holds(self, t: Transaction) -> bool:
        size = abs(t.amount)
        return (self.minimum is None or size >= self.minimum) and (
            self.maximum is None or size <= self.maximum
        )

    def checked(self) -> AmountCondition:
        if self.minimum is None and self.maximum is None:
            raise ValidationError("Give a minimum, a maximum or both.", field=["minimum"])
        for name, bound in (("minimum", self.minimum), ("maximum", self.maximum)):
            if bound is not None and not 0 <= bound <= MAX_AMOUNT_MINOR:
                raise ValidationError("The bound is out of range.", field=[name])
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValidationError("The maximum is below the minimum.", field=["maximum"])
        return self

    def describe(self, currency: str) -> str:
        low = None if self.minimum is None else format_amount(self.minimum, currency)
        high = None if self.maximum is None else format_amount(self.maximum, currency)
        if low is not None and high is not None:
            return f"amount from {low} to {high}"
        return f"amount at least {low}" if high is None else f"amount at most {high}"


@dataclass(frozen=True)
class KindCondition:
    """Money in (income) or money out (expense)."""

    kind: EntryKind

    def holds(self, t: Transaction) -> bool:
        return t.kind is self.kind

    def checked(self) -> KindCondition:
        if self.kind not in (EntryKind.INCOME, EntryKind.EXPENSE):
            raise ValidationError("The kind is income or expense.", field=["kind"])
        return self

    def describe(self, currency: str) -> str:
        return "money in" if self.kind is EntryKind.INCOME else "money out"


Condition = TextCondition | AmountCondition | KindCondition
