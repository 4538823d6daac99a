"""Recategorising entries after the fact, and the review queue.

- `recategorise` appends a correction (kind *recategorise*, see `app.domain.corrections`) to
  an income or expense: amount 0, booked on the entry's day with the entry's flow, its lines
  moving the entry's money from the envelopes it is in now (the entry's lines plus those of
  its standing corrections) to the new ones. The entry itself is never edited: it only names
  its latest correction (`corrected_by`) and leaves the review queue. Recategorising again
  corrects the current allocation. A reconciled entry may be recategorised (the account
  balance does not move); an undone one may not (CONFLICT), nor any other kind of entry
  (VALIDATION), nor an allocation the entry already has (VALIDATION).
- Undo (`MovementService.undo`) of a corrected entry reverses its current allocation
  (`standing_lines`); undo of a correction is allowed for the latest standing one only (the
  entry then names the one before it, if any); redoing an undone correction is refused:
  recategorise again instead.
- `mark_reviewed` takes entries of one account out of the review queue (editors).

Every updated entry gets the account's change counter (`rev`) of the change.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.errors import ConflictError, NotFoundError, ValidationError
from app.core.viewer import Viewer
from app.domain.corrections import allocation, correction, signed_target
from app.domain.entries import EntryDetails, EntryKind
from app.domain.envelopes import EnvelopeId, Line
from app.domain.members import Permission
from app.domain.money import parse_amount
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.keyset import Page, PageRequest
from app.persistence.locked_account import LockedAccount
from app.persistence.outcome import Outcome
from app.persistence.repositories.entries import EntryRepository
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import LedgerTransaction, UnitOfWork
from app.services.ledger.commands import MarkReviewed, Recategorise

NO_ENTRY = "No such transaction."
CORRECTABLE = (EntryKind.INCOME, EntryKind.EXPENSE)
MAX_REVIEWED = 100


def lines_of(entries: Sequence[TransactionRecord]) -> list[Line]:
    return [Line(line.envelope_id, line.amount) for e in entries for line in e.lines]


def details_of(entry: TransactionRecord) -> EntryDetails:
    """The describing fields of an entry, for the entries that follow it (undo, correction)."""
    return EntryDetails(payee=entry.payee, memo=entry.memo, tags=tuple(entry.tags))


def check_correctable(entry: TransactionRecord, field: list[str]) -> None:
    if entry.kind not in CORRECTABLE:
        raise ValidationError(
            "Only income and expenses can be recategorised; use moveMoney for the rest.",
            field=field,
        )
    if entry.reversed_by is not None:
        raise ConflictError("This entry was undone: it cannot be recategorised.", field=field)


def correct(
    account: LockedAccount,
    original: TransactionRecord,
    standing: Sequence[TransactionRecord],
    target: Sequence[Line],
) -> TransactionRecord:
    """Record the correction that gives `original` (with its `standing` corrections) the
    `target` allocation; the caller links the original to it."""
    lines = correction(lines_of([original, *standing]), target)
    account.ledger.apply(lines)
    entry = account.record(
        EntryKind.RECATEGORISE,
        lines,
        size=original.size,
        details=details_of(original),
        booking_date=original.booking_date,
        flow=original.flow,
    )
    entry.corrects = original.id
    entry.rev = account.document.version
    return entry


async def standing_lines(tx: LedgerTransaction, original: TransactionRecord) -> list[Line]:
    """The lines an undo of `original` reverses: its current allocation (its lines and its
    standing corrections'). Refuses the undo of a correction that is not the entry's latest,
    or whose entry was undone, and the redo of an undone correction."""
    if original.kind is EntryKind.RECATEGORISE:
        corrected = await tx.entries.get(original.corrects)
        if corrected is None or corrected.reversed_by is not None:
            raise ConflictError("The entry this corrects was undone.", field=["id"])
        if corrected.corrected_by != original.id:
            raise ConflictError("Undo the later recategorisation first.", field=["id"])
    if original.kind is EntryKind.REVERSAL:
        undone = await tx.entries.get(original.reverses)
        if undone is not None and undone.kind is EntryKind.RECATEGORISE:
            raise ValidationError(
                "An undone recategorisation is not redone: recategorise the entry again.",
                field=["id"],
            )
    if original.corrected_by is None:
        return lines_of([original])
    standing = await tx.entries.live_corrections(original.id)
    return [Line(e, amount) for e, amount in allocation(lines_of([original, *standing])).items()]


async def after_undo(
    tx: LedgerTransaction, account: LockedAccount, original: TransactionRecord
) -> None:
    """After a correction was undone: its entry names the correction before it, if any."""
    if original.kind is EntryKind.RECATEGORISE and original.corrects is not None:
        standing = await tx.entries.live_corrections(original.corrects)
        latest = standing[-1].id if standing else None
        await tx.entries.mark_corrected(original.corrects, latest, account.document.version)


def _target(account: LockedAccount, entry: TransactionRecord, command: Recategorise) -> list[Line]:
    if (command.envelope_id is None) == (command.splits is None):
        raise ValidationError("Give either envelopeId or splits.", field=["envelopeId"])
    if command.envelope_id is not None:
        return signed_target([(command.envelope_id, entry.size)], entry.amount)
    assert command.splits is not None  # noqa: S101 (checked above)
    portions: list[tuple[EnvelopeId, int]] = []
    for i, item in enumerate(command.splits):
        if any(envelope == item.envelope_id for envelope, _ in portions):
            raise ValidationError(
                "An envelope is listed twice.", field=["splits", str(i), "envelopeId"]
            )
        account.ledger.usable(item.envelope_id, ["splits", str(i), "envelopeId"])
        size = parse_amount(item.amount, account.currency, ["splits", str(i), "amount"])
        portions.append((item.envelope_id, size))
    if sum(size for _, size in portions) != entry.size:
        raise ValidationError("The splits must add up to the entry's amount.", field=["splits"])
    return signed_target(portions, entry.amount)


class CorrectionService:
    def __init__(self, uow: UnitOfWork, entries: EntryRepository) -> None:
        self.uow = uow
        self.entries = entries

    @transactional
    async def recategorise(
        self, viewer: Viewer, command: Recategorise, key: str | None = None
    ) -> Outcome:
        """Outcome: the account and the correction (see the module docstring)."""
        async with self.uow.begin(viewer, command, key) as tx:
            original = await tx.entries.get(command.entry_id)
            if original is None:
                raise NotFoundError(NO_ENTRY, field=["id"])
            account = await tx.lock(original.account_id, Permission.RECORD, "id", NO_ENTRY)
            check_correctable(original, ["id"])
            if command.envelope_id is not None:
                account.ledger.usable(command.envelope_id)
            standing = await tx.entries.live_corrections(original.id)
            entry = correct(account, original, standing, _target(account, original, command))
            await tx.entries.mark_corrected(original.id, entry.id, account.document.version)
            return await tx.commit()

    @transactional
    async def mark_reviewed(
        self, viewer: Viewer, command: MarkReviewed
    ) -> tuple[AccountRecord, list[TransactionRecord]]:
        """The account and the entries as they are now, in the order given (repeats once)."""
        ids = list(dict.fromkeys(command.entry_ids))
        if not 1 <= len(ids) <= MAX_REVIEWED:
            raise ValidationError(f"Give 1 to {MAX_REVIEWED} entries.", field=["ids"])
        async with self.uow.begin(viewer) as tx:
            found = await tx.entries.in_change(ids)
            account: LockedAccount | None = None
            for i, entry_id in enumerate(command.entry_ids):
                field = ["ids", str(i)]
                entry = found.get(entry_id)
                visible = entry is not None and (
                    await tx.accounts.for_member(entry.account_id, viewer.user_id)
                )
                if entry is None or not visible:
                    raise NotFoundError(NO_ENTRY, field=field)
                if account is None:
                    account = await tx.lock(entry.account_id, Permission.RECORD, "ids", NO_ENTRY)
                elif entry.account_id != account.id:
                    raise ValidationError("All the entries must be of one account.", field=field)
            assert account is not None  # noqa: S101 (at least one id, checked above)
            rev = account.document.version
            await tx.entries.mark_reviewed(ids, rev)
            outcome = await tx.commit()
            entries = [
                found[i].model_copy(update={"needs_review": False, "rev": rev})
                if found[i].needs_review
                else found[i]
                for i in ids
            ]
            return outcome.accounts[0], entries

    async def review_queue(
        self, account: AccountRecord, request: PageRequest, size: int
    ) -> Page[TransactionRecord]:
        """`account` was read for the caller already."""
        return await self.entries.review_page(account.id, request, size)
