"""Inputs of the ledger's use cases, as the GraphQL layer hands them over: ids already
decoded, amounts still decimal strings (only the account knows its currency)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bson import ObjectId


@dataclass(frozen=True)
class EntryDetails:
    payee: str | None = None
    memo: str | None = None
    tags: tuple[str, ...] = ()
    booking_date: date | None = None


@dataclass(frozen=True)
class AmountFor:
    envelope_id: ObjectId
    amount: str


@dataclass(frozen=True)
class OpenAccount:
    name: str
    type: str
    currency: str
    institution: str | None = None
    on_budget: bool = True
    opening_balance: str = "0"
    allow_overdraft: bool | None = None
    envelope_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateAccount:
    account_id: ObjectId
    name: str | None = None
    institution: str | None = None
    on_budget: bool | None = None
    allow_overdraft: bool | None = None


@dataclass(frozen=True)
class Income:
    account_id: ObjectId
    amount: str
    allocations: tuple[AmountFor, ...] = ()
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Expense:
    account_id: ObjectId
    amount: str
    envelope_id: ObjectId | None = None
    splits: tuple[AmountFor, ...] | None = None
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Move:
    account_id: ObjectId
    from_envelope_id: ObjectId
    to_envelope_id: ObjectId
    amount: str
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Transfer:
    from_account_id: ObjectId
    to_account_id: ObjectId
    amount: str
    received_amount: str | None = None
    from_envelope_id: ObjectId | None = None
    to_envelope_id: ObjectId | None = None
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Payday:
    source_id: ObjectId
    amount: str | None = None
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class PaymentSourceSpec:
    name: str
    expected_amount: str
    payer: str | None = None
    allocations: tuple[AmountFor, ...] = ()
