"""Money movements: income, payday, expense, move, transfer and undo.

Each one is a single transaction that locks the account(s), applies the envelope rules,
and writes the balances together with the ledger entries; with an idempotency key it happens
at most once. Editors and above may record; viewers get FORBIDDEN.

An expense recorded without an envelope or splits, and an income without allocations, are
categorised in the same transaction (`Categoriser`: the account owner's rules, then the learned
model): the proposal's envelope or split, payee and tags are recorded; with no proposal the
money comes from (or goes to) Available. A hand-typed entry is not flagged for review: whoever
typed it chose to leave it to Available (only imports flag entries).
"""

from __future__ import annotations

from app.core.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ReconciledError,
    ValidationError,
)
from app.core.viewer import Viewer
from app.domain.conditions import Transaction as Row
from app.domain.entries import ClearedStatus, EntryDetails, EntryKind
from app.domain.envelopes import Allocation, payday_allocations
from app.domain.members import Permission
from app.domain.money import parse_amount
from app.domain.splits import Portion
from app.persistence.documents.entries import TransactionRecord
from app.persistence.locked_account import LockedAccount
from app.persistence.outcome import Outcome
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import LedgerTransaction, UnitOfWork
from app.services.categorisation.proposals import NoSuggestions, Suggester
from app.services.categorisation.rule_book import categoriser
from app.services.ledger import corrections
from app.services.ledger.commands import AmountFor, Expense, Income, Move, Payday, Transfer, Undo

NO_ENTRY = "No such transaction."
NO_SOURCE = "No such payment source."


def _allocations(items: tuple[AmountFor, ...], currency: str, name: str) -> list[Allocation]:
    return [
        Allocation(
            item.envelope_id,
            parse_amount(item.amount, currency, [name, str(i), "amount"]),
            (name, str(i), "envelopeId"),
        )
        for i, item in enumerate(items)
    ]


async def categorised(
    tx: LedgerTransaction,
    suggester: Suggester,
    account: LockedAccount,
    amount: int,
    details: EntryDetails,
    field: str,
) -> tuple[list[Allocation], EntryDetails]:
    """The envelopes (sizes) and details that the categoriser proposes for an entry of
    signed `amount` recorded without envelopes; none: Available's, as before rules."""
    row = Row(account.id, amount, details.payee, details.memo, tuple(details.tags))
    [proposal] = await categoriser(suggester, tx.session).propose(account.document, [row])
    portions = proposal.allocation or (Portion(account.ledger.available.id, abs(amount)),)
    allocations = [Allocation(p.envelope_id, p.amount, (field,)) for p in portions]
    details = EntryDetails(
        payee=proposal.payee, memo=details.memo, tags=proposal.tags,
        booking_date=details.booking_date,
    )  # fmt: skip
    return allocations, details


class MovementService:
    def __init__(self, uow: UnitOfWork, suggester: Suggester | None = None) -> None:
        self.uow = uow
        self.suggester = suggester or NoSuggestions()

    @transactional
    async def income(self, viewer: Viewer, command: Income, key: str | None = None) -> Outcome:
        """Into Available, or split: allocations ≤ amount, the remainder to Available. With
        no allocations, the categoriser's proposal (see the module docstring)."""
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            amount = parse_amount(command.amount, account.currency)
            details = command.details
            if command.allocations:
                allocations = _allocations(command.allocations, account.currency, "allocations")
            else:
                allocations, details = await categorised(
                    tx, self.suggester, account, amount, details, "allocations"
                )
            lines = account.ledger.income(amount, allocations)
            account.record(EntryKind.INCOME, lines, size=amount, details=details)
            return await tx.commit()

    @transactional
    async def payday(self, viewer: Viewer, command: Payday, key: str | None = None) -> Outcome:
        """Income from a payment source: its allocations are filled in order while money
        lasts (`payday_allocations`); the rest lands in Available."""
        async with self.uow.begin(viewer, command, key) as tx:
            source = await tx.sources.get(command.source_id)
            if source is None:
                raise NotFoundError(NO_SOURCE, field=["paymentSourceId"])
            account = await tx.lock(
                source.account_id, Permission.RECORD, field="paymentSourceId", missing=NO_SOURCE
            )
            amount = (
                parse_amount(command.amount, account.currency)
                if command.amount is not None
                else source.expected_amount
            )
            template = [
                Allocation(a.envelope_id, a.amount, ("paymentSourceId",))
                for a in source.allocations
            ]
            lines = account.ledger.income(amount, payday_allocations(template, amount))
            details = EntryDetails(
                payee=command.details.payee or source.payer or source.name,
                memo=command.details.memo,
                tags=command.details.tags,
                booking_date=command.details.booking_date,
            )
            account.record(
                EntryKind.INCOME, lines, size=amount, details=details, payment_source_id=source.id
            )
            return await tx.commit()

    @transactional
    async def expense(self, viewer: Viewer, command: Expense, key: str | None = None) -> Outcome:
        """Out of one envelope, or split; with neither, the categoriser's proposal (see the
        module docstring)."""
        if command.envelope_id is not None and command.splits is not None:
            raise ValidationError("Give envelopeId or splits, not both.", field=["envelopeId"])
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            amount = parse_amount(command.amount, account.currency)
            details = command.details
            if command.envelope_id is not None:
                splits = [Allocation(command.envelope_id, amount, ("envelopeId",))]
            elif command.splits is not None:
                splits = _allocations(command.splits, account.currency, "splits")
            else:
                splits, details = await categorised(
                    tx, self.suggester, account, -amount, details, "envelopeId"
                )
            lines = account.ledger.expense(amount, splits)
            account.record(EntryKind.EXPENSE, lines, size=amount, details=details)
            return await tx.commit()

    @transactional
    async def move(self, viewer: Viewer, command: Move, key: str | None = None) -> Outcome:
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            amount = parse_amount(command.amount, account.currency)
            lines = account.ledger.move(command.from_envelope_id, command.to_envelope_id, amount)
            account.record(EntryKind.MOVE, lines, size=amount, details=command.details)
            return await tx.commit()

    @transactional
    async def transfer(self, viewer: Viewer, command: Transfer, key: str | None = None) -> Outcome:
        """Two linked entries; a different currency needs the received amount."""
        if command.from_account_id == command.to_account_id:
            raise ValidationError(
                "Both sides are the same account: use moveMoney.", field=["toAccountId"]
            )
        async with self.uow.begin(viewer, command, key) as tx:
            locked: dict[object, LockedAccount] = {}
            for account_id, field in sorted(
                [(command.from_account_id, "fromAccountId"), (command.to_account_id, "toAccountId")]
            ):  # a fixed lock order keeps opposite transfers from retrying each other forever
                locked[account_id] = await tx.lock(account_id, Permission.RECORD, field)
            source, target = locked[command.from_account_id], locked[command.to_account_id]
            sent, received = _transfer_amounts(command, source, target)
            out_lines = source.ledger.expense(
                sent,
                [Allocation(command.from_envelope_id or source.ledger.available.id, sent,
                            ("fromEnvelopeId",))],
            )  # fmt: skip
            in_lines = target.ledger.income(
                received,
                [Allocation(command.to_envelope_id or target.ledger.available.id, received,
                            ("toEnvelopeId",))],
            )  # fmt: skip
            out = source.record(
                EntryKind.TRANSFER, out_lines, size=sent, details=command.details,
                counterpart_account_id=target.id,
            )  # fmt: skip
            into = target.record(
                EntryKind.TRANSFER, in_lines, size=received, details=command.details,
                counterpart_account_id=source.id,
            )  # fmt: skip
            out.counterpart_id, into.counterpart_id = into.id, out.id
            return await tx.commit()

    @transactional
    async def undo(self, viewer: Viewer, command: Undo, key: str | None = None) -> Outcome:
        """Append reversals (both legs of a transfer) linked both ways; nothing is deleted.
        Undoing a reversal is a redo. A reconciled entry (either leg) is refused with
        RECONCILED until its reconciliation is reopened; a reversal starts uncleared."""
        async with self.uow.begin(viewer, command, key) as tx:
            entry = await tx.entries.get(command.entry_id)
            if entry is None:
                raise NotFoundError(NO_ENTRY, field=["id"])
            account = await tx.lock(entry.account_id, Permission.RECORD, "id", NO_ENTRY)
            legs = [(account, entry)]
            if entry.counterpart_id is not None:
                legs.append(await _other_leg(tx, entry))
            reversals = [await _reverse(tx, leg, original) for leg, original in legs]
            if len(reversals) == 2:
                reversals[0].counterpart_id = reversals[1].id
                reversals[1].counterpart_id = reversals[0].id
            return await tx.commit()


def _transfer_amounts(
    command: Transfer, source: LockedAccount, target: LockedAccount
) -> tuple[int, int]:
    sent = parse_amount(command.amount, source.currency)
    if command.received_amount is None:
        if source.currency != target.currency:
            raise ValidationError(
                f"The accounts hold {source.currency} and {target.currency}: "
                "give the received amount.",
                field=["receivedAmount"],
            )
        return sent, sent
    received = parse_amount(command.received_amount, target.currency, "receivedAmount")
    if source.currency == target.currency and received != sent:
        raise ValidationError(
            "Within one currency the received amount is the amount sent.",
            field=["receivedAmount"],
        )
    return sent, received


async def _other_leg(
    tx: LedgerTransaction, entry: TransactionRecord
) -> tuple[LockedAccount, TransactionRecord]:
    other = await tx.entries.get(entry.counterpart_id)
    refusal = "Undoing a transfer needs the editor role on both of its accounts."
    if entry.counterpart_account_id is None:
        raise ForbiddenError(refusal)
    try:
        account = await tx.lock(entry.counterpart_account_id, Permission.RECORD, "id")
    except (NotFoundError, ForbiddenError):
        raise ForbiddenError(refusal) from None
    if other is None:
        raise ForbiddenError(refusal)
    return account, other


async def _reverse(
    tx: LedgerTransaction, account: LockedAccount, original: TransactionRecord
) -> TransactionRecord:
    if original.kind is EntryKind.OPENING:
        raise ValidationError(
            "The opening entry cannot be undone; close the account instead.", field=["id"]
        )
    if original.reversed_by is not None:
        raise ConflictError("This entry was already undone.", field=["id"])
    if original.cleared is ClearedStatus.RECONCILED:
        raise ReconciledError(
            f"Entry #{original.seq} is reconciled: reopen the account's reconciliation first.",
            field=["id"],
        )
    lines = account.ledger.reverse(await corrections.standing_lines(tx, original))
    reversal = account.record(
        EntryKind.REVERSAL,
        lines,
        size=original.size,
        details=corrections.details_of(original),
        booking_date=original.booking_date,
        flow=original.flow,
        reverses=original.id,
        counterpart_account_id=original.counterpart_account_id,
    )
    if not await tx.entries.mark_reversed(original.id, reversal.id, rev=account.rev):
        raise ConflictError("This entry was already undone.", field=["id"])
    await corrections.after_undo(tx, account, original)
    return reversal
