"""Money movements: income, payday, expense, move, transfer and undo.

Each one is a single transaction that locks the account(s), applies the envelope rules,
and writes the balances together with the ledger entries; with an idempotency key it happens
at most once. Editors and above may record; viewers get FORBIDDEN.
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
from app.domain.entries import ClearedStatus, EntryDetails, EntryKind
from app.domain.envelopes import Allocation, Line, payday_allocations
from app.domain.members import Permission
from app.domain.money import parse_amount
from app.persistence.documents.entries import TransactionRecord
from app.persistence.locked_account import LockedAccount
from app.persistence.outcome import Outcome
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import LedgerTransaction, UnitOfWork
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


class MovementService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @transactional
    async def income(self, viewer: Viewer, command: Income, key: str | None = None) -> Outcome:
        """Into Available, or split: allocations ≤ amount, the remainder to Available."""
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            amount = parse_amount(command.amount, account.currency)
            allocations = _allocations(command.allocations, account.currency, "allocations")
            lines = account.ledger.income(amount, allocations)
            account.record(EntryKind.INCOME, lines, size=amount, details=command.details)
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
        if (command.envelope_id is None) == (command.splits is None):
            raise ValidationError("Give either envelopeId or splits.", field=["envelopeId"])
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            amount = parse_amount(command.amount, account.currency)
            if command.splits is None:
                assert command.envelope_id is not None  # noqa: S101 (checked above)
                splits = [Allocation(command.envelope_id, amount, ("envelopeId",))]
            else:
                splits = _allocations(command.splits, account.currency, "splits")
            lines = account.ledger.expense(amount, splits)
            account.record(EntryKind.EXPENSE, lines, size=amount, details=command.details)
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
    lines = account.ledger.reverse([Line(x.envelope_id, x.amount) for x in original.lines])
    reversal = account.record(
        EntryKind.REVERSAL,
        lines,
        size=original.size,
        details=EntryDetails(payee=original.payee, memo=original.memo, tags=tuple(original.tags)),
        booking_date=original.booking_date,
        flow=original.flow,
        reverses=original.id,
        counterpart_account_id=original.counterpart_account_id,
    )
    if not await tx.entries.mark_reversed(original.id, reversal.id, rev=account.rev):
        raise ConflictError("This entry was already undone.", field=["id"])
    return reversal
