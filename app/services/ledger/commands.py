"""Inputs of the ledger's use cases, as the GraphQL layer hands them over: ids already
decoded, amounts still decimal strings (only the account knows its currency).

A change that takes an idempotency key names the key's `OPERATION` (the mutation's name, as
keys have always been stored) and its `fingerprint`: a repeat with another fingerprint is
another request (CONFLICT)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import ClassVar

from app.core.ids import ObjectId
from app.domain.entries import EntryDetails
from app.domain.members import Role

__all__ = ["EntryDetails"]


@dataclass(frozen=True)
class Command:
    OPERATION: ClassVar[str] = ""

    def fingerprint(self) -> object:
        return asdict(self)


@dataclass(frozen=True)
class AmountFor:
    envelope_id: ObjectId
    amount: str


@dataclass(frozen=True)
class OpenAccount(Command):
    OPERATION: ClassVar[str] = "openAccount"
    name: str
    type: str
    currency: str
    institution: str | None = None
    on_budget: bool = True
    opening_balance: str = "0"
    allow_overdraft: bool | None = None
    envelope_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountRef(Command):
    """One account (close, reopen, leave); the base of every change of an account."""

    account_id: ObjectId


@dataclass(frozen=True)
class UpdateAccount(AccountRef):
    name: str | None = None
    institution: str | None = None
    on_budget: bool | None = None
    allow_overdraft: bool | None = None


@dataclass(frozen=True)
class Income(Command):
    OPERATION: ClassVar[str] = "recordIncome"
    account_id: ObjectId
    amount: str
    allocations: tuple[AmountFor, ...] = ()
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Expense(Command):
    OPERATION: ClassVar[str] = "recordExpense"
    account_id: ObjectId
    amount: str
    envelope_id: ObjectId | None = None
    splits: tuple[AmountFor, ...] | None = None
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Move(Command):
    OPERATION: ClassVar[str] = "moveMoney"
    account_id: ObjectId
    from_envelope_id: ObjectId
    to_envelope_id: ObjectId
    amount: str
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Transfer(Command):
    OPERATION: ClassVar[str] = "transferMoney"
    from_account_id: ObjectId
    to_account_id: ObjectId
    amount: str
    received_amount: str | None = None
    from_envelope_id: ObjectId | None = None
    to_envelope_id: ObjectId | None = None
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Payday(Command):
    OPERATION: ClassVar[str] = "recordPayday"
    source_id: ObjectId
    amount: str | None = None
    details: EntryDetails = field(default_factory=EntryDetails)


@dataclass(frozen=True)
class Undo(Command):
    OPERATION: ClassVar[str] = "undoTransaction"
    entry_id: ObjectId

    def fingerprint(self) -> object:
        return self.entry_id


@dataclass(frozen=True)
class CreateEnvelopes(AccountRef):
    names: tuple[str, ...]


@dataclass(frozen=True)
class ReorderEnvelopes(AccountRef):
    envelope_ids: tuple[ObjectId, ...]


@dataclass(frozen=True)
class EnvelopeRef(AccountRef):
    """One envelope of one account (archive, unarchive)."""

    envelope_id: ObjectId


@dataclass(frozen=True)
class RenameEnvelope(EnvelopeRef):
    name: str


@dataclass(frozen=True)
class DeleteEnvelope(EnvelopeRef):
    move_remainder_to: ObjectId | None = None


@dataclass(frozen=True)
class ShareAccount(AccountRef):
    email: str
    role: Role


@dataclass(frozen=True)
class MemberRef(AccountRef):
    """One member of one account (remove, transfer ownership)."""

    user_id: ObjectId


@dataclass(frozen=True)
class ChangeMemberRole(MemberRef):
    role: Role


@dataclass(frozen=True)
class PaymentSourceSpec:
    """What a payday template says: its name, payer, expected amount and allocations."""

    name: str
    expected_amount: str
    payer: str | None = None
    allocations: tuple[AmountFor, ...] = ()


@dataclass(frozen=True)
class CreatePaymentSource(AccountRef):
    spec: PaymentSourceSpec


@dataclass(frozen=True)
class PaymentSourceRef(Command):
    """One payday template (delete)."""

    source_id: ObjectId


@dataclass(frozen=True)
class UpdatePaymentSource(PaymentSourceRef):
    spec: PaymentSourceSpec


# --- budgeting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CadenceSpec:
    """A cadence as given: checked by `Cadence.make` (field names as in the input)."""

    kind: str
    anchor: date | None = None
    days: tuple[int, ...] | None = None


@dataclass(frozen=True)
class SetBudgetCadence(AccountRef):
    cadence: CadenceSpec


@dataclass(frozen=True)
class SetPlan(EnvelopeRef):
    amount: str
    cadence: CadenceSpec | None = None  # default: the account's cadence
    rollover: str = "keep"


@dataclass(frozen=True)
class SetGoal(EnvelopeRef):
    kind: str
    target: str
    target_date: date | None = None
    priority: int | None = None


@dataclass(frozen=True)
class FundEnvelopes(AccountRef):
    OPERATION: ClassVar[str] = "fundEnvelopes"
    period: date | None = None  # a period start; default: the current period
    dry_run: bool = False


# --- reconciliation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetCleared(Command):
    """Mark entries (all of one account) cleared, or back to uncleared."""

    entry_ids: tuple[ObjectId, ...]
    cleared: bool


@dataclass(frozen=True)
class Reconcile(Command):
    OPERATION: ClassVar[str] = "reconcileAccount"
    account_id: ObjectId
    statement_date: date
    statement_balance: str
    adjust: bool = False


@dataclass(frozen=True)
class ReopenReconciliation(AccountRef):
    OPERATION: ClassVar[str] = "reopenReconciliation"


# --- recategorising, the review queue, rules over existing entries ---------------------------


@dataclass(frozen=True)
class Recategorise(Command):
    OPERATION: ClassVar[str] = "recategoriseTransaction"
    entry_id: ObjectId
    envelope_id: ObjectId | None = None
    splits: tuple[AmountFor, ...] | None = None


@dataclass(frozen=True)
class MarkReviewed(Command):
    entry_ids: tuple[ObjectId, ...]


@dataclass(frozen=True)
class ApplyRules(AccountRef):
    dry_run: bool = True
    only_uncategorised: bool = True
    since: date | None = None
    until: date | None = None
