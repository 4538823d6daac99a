"""Recategorising entries, the review queue's mutation, and rules over existing entries."""

from __future__ import annotations

from datetime import date

import strawberry

from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.envelopes.types import EnvelopeAmountInput, amounts
from app.graphql.ledger.history.types import (
    SharedParts,
    Transaction,
    TransactionLine,
    transactions_of,
)
from app.graphql.mutations import (
    Caller,
    Payload,
    UserError,
    idempotency_key,
    keyed_mutation_field,
    mutation_field,
)
from app.graphql.relay import decode_id, decode_optional_id
from app.graphql.scalars import money
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.outcome import Outcome
from app.services.ledger import commands
from app.services.ledger.rule_runs import RuleChange, RuleRun


@strawberry.input
class RecategoriseTransactionInput:
    id: strawberry.ID = strawberry.field(description="An income or expense.")
    envelope_id: strawberry.ID | None = strawberry.field(
        default=None, description="All of it to this envelope; or give splits."
    )
    splits: list[EnvelopeAmountInput] | None = strawberry.field(
        default=None, description="Parts adding up to the entry's amount."
    )
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.Recategorise:
        return commands.Recategorise(
            entry_id=decode_id(self.id, "Transaction", "id"),
            envelope_id=decode_optional_id(self.envelope_id, "Envelope", "envelopeId"),
            splits=amounts(self.splits, "splits") if self.splits is not None else None,
        )


@strawberry.input
class MarkReviewedInput:
    ids: list[strawberry.ID] = strawberry.field(description="1 to 100 entries of one account.")

    def to_command(self) -> commands.MarkReviewed:
        return commands.MarkReviewed(
            tuple(decode_id(id, "Transaction", ["ids", str(i)]) for i, id in enumerate(self.ids))
        )


@strawberry.input
class ApplyRulesInput:
    account_id: strawberry.ID
    dry_run: bool = strawberry.field(
        default=True, description="Only list what would change (the default)."
    )
    only_uncategorised: bool = strawberry.field(
        default=True, description="Only entries whose money is all in Available now."
    )
    since: date | None = strawberry.field(default=None, description="Booked on or after.")
    until: date | None = strawberry.field(default=None, description="Booked on or before.")

    def to_command(self) -> commands.ApplyRules:
        return commands.ApplyRules(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            dry_run=self.dry_run,
            only_uncategorised=self.only_uncategorised,
            since=self.since,
            until=self.until,
        )


@strawberry.type(description="A recategorisation: the correction entry and the account.")
class RecategorisePayload(Payload):
    correction: Transaction | None = strawberry.field(
        default=None, description="Its `corrects` is the entry, as it is now."
    )
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, outcome: Outcome, caller: Caller) -> RecategorisePayload:
        entries = transactions_of(outcome, {caller.user_id: caller.profile})
        accounts = outcome.accounts
        return cls(
            correction=entries[0] if entries else None,
            account=Account.from_document(accounts[0], caller.user_id) if accounts else None,
        )


@strawberry.type(description="The entries as they are now, and their account.")
class MarkReviewedPayload(Payload):
    transactions: list[Transaction] = strawberry.field(default_factory=list)
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(
        cls, result: tuple[AccountRecord, list[TransactionRecord]], caller: Caller
    ) -> MarkReviewedPayload:
        account, entries = result
        shared = SharedParts(account)
        return cls(
            transactions=[Transaction.from_record(e, account, shared) for e in entries],
            account=Account.from_document(account, caller.user_id),
        )


@strawberry.type(description="One entry the rules recategorise (or would, in a dry run).")
class RuleApplication:
    transaction: Transaction = strawberry.field(description="The entry, as it was.")
    lines: list[TransactionLine] = strawberry.field(
        description="Its envelopes as the rules want them (signed, like the entry's lines)."
    )
    explanation: str
    correction: Transaction | None = strawberry.field(
        default=None, description="The correction recorded (not in a dry run)."
    )
    refusal: UserError | None = strawberry.field(
        default=None, description="Why this entry could not be recategorised; it is unchanged."
    )

    @classmethod
    def of(cls, change: RuleChange, account: AccountRecord, shared: SharedParts) -> RuleApplication:
        currency = account.currency
        return cls(
            transaction=Transaction.from_record(change.entry, account, shared),
            lines=[
                TransactionLine(
                    envelope=shared.envelope(line.envelope_id),  # type: ignore[arg-type]
                    amount=money(line.amount, currency),
                )
                for line in change.lines
            ],
            explanation=change.explanation,
            correction=Transaction.from_record(change.correction, account, shared)
            if change.correction
            else None,
            refusal=UserError.from_error(change.refusal) if change.refusal else None,
        )


@strawberry.type
class ApplyRulesPayload(Payload):
    changes: list[RuleApplication] = strawberry.field(default_factory=list)
    examined: int = strawberry.field(default=0, description="Entries looked at (at most 500).")
    has_more: bool = strawberry.field(
        default=False, description="More entries were in range than examined: narrow the dates."
    )
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, run: RuleRun, caller: Caller) -> ApplyRulesPayload:
        shared = SharedParts(run.account)
        return cls(
            changes=[RuleApplication.of(c, run.account, shared) for c in run.changes],
            examined=run.examined,
            has_more=run.has_more,
            account=Account.from_document(run.account, caller.user_id),
        )


@strawberry.type
class ReviewMutation:
    recategorise_transaction = keyed_mutation_field(
        "Move an income's or expense's money to other envelopes after the fact, with a linked "
        "correction entry (amount 0, booked on the entry's day); the entry leaves the review "
        "queue. VALIDATION for other kinds or the allocation it already has, CONFLICT for an "
        "undone entry, INSUFFICIENT_FUNDS as for recording.",
        RecategoriseTransactionInput,
        RecategorisePayload,
        lambda services: services.corrections.recategorise,
    )
    mark_reviewed = mutation_field(
        "Take entries of one account out of the review queue as they are (editors).",
        MarkReviewedInput,
        MarkReviewedPayload,
        lambda services: services.corrections.mark_reviewed,
    )
    apply_rules = mutation_field(
        "Run your rules over an account's existing income and expenses: a dry run lists what "
        "would change; otherwise each change is recorded as a recategorisation (in batches, "
        "each one transaction). Envelopes only: payees and tags of entries never change.",
        ApplyRulesInput,
        ApplyRulesPayload,
        lambda services: services.rule_runs.run,
    )
