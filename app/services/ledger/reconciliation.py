"""Reconciliation: clearing entries, matching a bank statement, reopening the last match.

- `set_cleared` marks entries of one account cleared (seen on the bank's side) or uncleared
  again; the account's `cleared_balance` follows. A reconciled entry is refused (RECONCILED).
- `reconcile` compares a statement (date, balance) with the reconciled balance plus the
  entries cleared since, booked on or before the statement date. When they agree, those
  entries become reconciled; when they do not, it refuses with the difference
  (BALANCE_MISMATCH), or with `adjust` records an `adjustment` entry into Available for the
  difference (booked on the statement date, reconciled at once; never refused for overdraft:
  the statement is the truth) and then reconciles.
- `reopen` undoes the latest standing reconciliation: its entries (the adjustment too) go back
  to cleared, and the account shows the reconciliation before it again.

A reconciled entry cannot be undone (`MovementService.undo`, RECONCILED) until its
reconciliation is reopened. Editors and above may do all three; viewers get FORBIDDEN. Every
change is one transaction that locks the account first, so a concurrent undo, clearing or
reconciliation of the same account runs again after it and sees its result.
"""

from __future__ import annotations

from app.core.errors import ConflictError, NotFoundError, ReconciledError, ValidationError
from app.core.viewer import Viewer
from app.domain.entries import ClearedStatus, EntryDetails, EntryKind
from app.domain.members import Permission
from app.domain.money import parse_signed
from app.domain.reconciliation import difference, statement_datetime
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.documents.reconciliations import ReconciliationDocument
from app.persistence.locked_account import LockedAccount
from app.persistence.outcome import Outcome
from app.persistence.repositories.reconciliations import ReconciliationRepository
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import LedgerTransaction, UnitOfWork
from app.services.ledger.commands import Reconcile, ReopenReconciliation, SetCleared

NO_ENTRY = "No such transaction."
MAX_CLEARED = 100  # entries per call, like a page of history


def reconciled_refusal(entry: TransactionRecord, field: list[str]) -> ReconciledError:
    return ReconciledError(
        f"Entry #{entry.seq} is reconciled: reopen the account's reconciliation first.",
        field=field,
    )


class ReconciliationService:
    def __init__(self, uow: UnitOfWork, reconciliations: ReconciliationRepository) -> None:
        self.uow = uow
        self.reconciliations = reconciliations

    @transactional
    async def set_cleared(
        self, viewer: Viewer, command: SetCleared
    ) -> tuple[AccountRecord, list[TransactionRecord]]:
        """The account as it is now and the entries, in the order given (repeats once)."""
        ids = list(dict.fromkeys(command.entry_ids))
        if not 1 <= len(ids) <= MAX_CLEARED:
            raise ValidationError(f"Give 1 to {MAX_CLEARED} entries.", field=["ids"])
        target = ClearedStatus.CLEARED if command.cleared else ClearedStatus.UNCLEARED
        async with self.uow.begin(viewer) as tx:
            found = await tx.entries.in_change(ids)
            account: LockedAccount | None = None
            entries: dict[object, TransactionRecord] = {}  # in the order given, once each
            for i, entry_id in enumerate(command.entry_ids):
                field = ["ids", str(i)]
                entry = found.get(entry_id)
                if entry is None:
                    raise NotFoundError(NO_ENTRY, field=field)
                if account is None:
                    account = await _lock(tx, entry, field)
                elif entry.account_id != account.id:
                    await _check_visible(tx, entry, field)
                    raise ValidationError("All the entries must be of one account.", field=field)
                if entry.cleared is ClearedStatus.RECONCILED:
                    raise reconciled_refusal(entry, field)
                entries[entry.id] = entry
            assert account is not None  # noqa: S101 (at least one id, checked above)
            changing = [e for e in entries.values() if e.cleared is not target]
            source = ClearedStatus.UNCLEARED if command.cleared else ClearedStatus.CLEARED
            if changing:
                moved = await tx.entries.set_cleared(
                    [e.id for e in changing], source, target, rev=account.rev
                )
                if moved != len(changing):  # the lock makes this impossible; refuse safely
                    raise ConflictError("The entries changed meanwhile; retry.", field=["ids"])
                delta = sum(e.amount for e in changing)
                account.document.cleared_balance += delta if command.cleared else -delta
                for entry in changing:
                    entry.cleared = target
            outcome = await tx.commit()
            return outcome.accounts[0], list(entries.values())

    @transactional
    async def reconcile(
        self, viewer: Viewer, command: Reconcile, key: str | None = None
    ) -> Outcome:
        """Outcome: the account, and the adjustment entry when one was recorded."""
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            account.ledger.check_open()
            document = account.document
            balance = parse_signed(command.statement_balance, account.currency, "statementBalance")
            previous_through = document.reconciled_through
            through = statement_datetime(
                command.statement_date,
                previous_through.date() if previous_through else None,
                tx.recorded_at.date(),
            )
            cleared = document.reconciled_balance + await tx.entries.cleared_sum(
                account.id, through
            )
            gap = difference(balance, cleared, account.currency, command.adjust)
            reconciliation = ReconciliationDocument(
                account_id=account.id,
                statement_date=through,
                statement_balance=balance,
                entry_count=0,
                previous_id=document.reconciliation_id,
                previous_balance=document.reconciled_balance,
                previous_through=previous_through,
                reconciled_by=viewer.user_id,
                reconciled_at=tx.recorded_at,
            )
            count = await tx.entries.reconcile(
                account.id, through, reconciliation.id, rev=account.rev
            )
            if gap:
                adjustment = account.record(
                    EntryKind.ADJUSTMENT,
                    account.ledger.adjust(gap),
                    size=abs(gap),
                    details=EntryDetails(memo="Reconciliation adjustment"),
                    booking_date=through,
                )
                adjustment.cleared = ClearedStatus.RECONCILED
                adjustment.reconciliation_id = reconciliation.id
                reconciliation.adjustment_id = adjustment.id
                document.cleared_balance += gap
                count += 1
            reconciliation.entry_count = count
            document.reconciled_balance = balance
            document.reconciled_through = through
            document.reconciliation_id = reconciliation.id
            await tx.reconciliations.insert(reconciliation)
            return await tx.commit()

    @transactional
    async def reopen(
        self, viewer: Viewer, command: ReopenReconciliation, key: str | None = None
    ) -> Outcome:
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            document = account.document
            latest = await tx.reconciliations.get(document.reconciliation_id)
            if latest is None:
                raise ConflictError(
                    "The account has no reconciliation to reopen.", field=["accountId"]
                )
            await tx.entries.unreconcile(account.id, latest.id, rev=account.rev)
            await tx.reconciliations.mark_reopened(latest.id, viewer.user_id, tx.recorded_at)
            document.reconciliation_id = latest.previous_id
            document.reconciled_balance = latest.previous_balance
            document.reconciled_through = latest.previous_through
            return await tx.commit()

    async def latest(self, account: AccountRecord) -> ReconciliationDocument | None:
        """The latest standing reconciliation of an account the caller may see."""
        return await self.reconciliations.get(account.reconciliation_id)


async def _lock(tx: LedgerTransaction, entry: TransactionRecord, field: list[str]) -> LockedAccount:
    """The entry's account, locked for recording; NOT_FOUND (at `field`) unless a member."""
    try:
        return await tx.lock(entry.account_id, Permission.RECORD, "ids", NO_ENTRY)
    except NotFoundError:
        raise NotFoundError(NO_ENTRY, field=field) from None


async def _check_visible(tx: LedgerTransaction, entry: TransactionRecord, field: list[str]) -> None:
    """NOT_FOUND (at `field`) for an entry of an account the caller is no member of."""
    if await tx.accounts.for_member(entry.account_id, tx.viewer.user_id) is None:
        raise NotFoundError(NO_ENTRY, field=field)
