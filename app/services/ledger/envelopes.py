"""Manage an account's envelopes (admins and the owner): create, rename, reorder, archive,
unarchive, delete. Deleting a non-empty envelope moves its remainder to another envelope
with a `move` entry in the same transaction; a deleted envelope also leaves every payment
source that allocated to it (its share then lands in Available on payday)."""

from __future__ import annotations

from collections.abc import Callable

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.entries import EntryDetails, EntryKind
from app.domain.envelopes import Envelope, Ledger, clean_name
from app.domain.members import Permission
from app.persistence.outcome import Outcome
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import UnitOfWork
from app.services.ledger.commands import (
    CreateEnvelopes,
    DeleteEnvelope,
    EnvelopeRef,
    RenameEnvelope,
    ReorderEnvelopes,
)


class EnvelopeService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @transactional
    async def _manage(
        self, viewer: Viewer, account_id: ObjectId, edit: Callable[[Ledger], object]
    ) -> Outcome:
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(account_id, Permission.MANAGE)
            edit(account.ledger)
            return await tx.commit()

    async def create(
        self, viewer: Viewer, command: CreateEnvelopes
    ) -> tuple[Outcome, list[ObjectId]]:
        """Add envelopes at the end, in the given order; returns their ids too."""
        cleaned = [clean_name(n, "names") for n in command.names]
        ids = [ObjectId() for _ in cleaned]

        def edit(ledger: Ledger) -> None:
            for envelope_id, name in zip(ids, cleaned, strict=True):
                ledger.add(Envelope(envelope_id, name))

        return await self._manage(viewer, command.account_id, edit), ids

    async def rename(self, viewer: Viewer, command: RenameEnvelope) -> Outcome:
        name = clean_name(command.name)

        def edit(ledger: Ledger) -> None:
            envelope = ledger.envelope(command.envelope_id)
            ledger.check_new_name(name, renaming=envelope.id)
            envelope.name = name

        return await self._manage(viewer, command.account_id, edit)

    async def reorder(self, viewer: Viewer, command: ReorderEnvelopes) -> Outcome:
        order = command.envelope_ids
        return await self._manage(viewer, command.account_id, lambda ledger: ledger.reorder(order))

    async def archive(self, viewer: Viewer, command: EnvelopeRef) -> Outcome:
        envelope_id = command.envelope_id
        return await self._manage(
            viewer, command.account_id, lambda ledger: ledger.archive(envelope_id)
        )

    async def unarchive(self, viewer: Viewer, command: EnvelopeRef) -> Outcome:
        envelope_id = command.envelope_id
        return await self._manage(
            viewer, command.account_id, lambda ledger: ledger.unarchive(envelope_id)
        )

    @transactional
    async def delete(self, viewer: Viewer, command: DeleteEnvelope) -> tuple[Outcome, ObjectId]:
        """Returns the outcome and the id of the deleted envelope."""
        envelope_id, target = command.envelope_id, command.move_remainder_to
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            ledger = account.ledger
            envelope = ledger.envelope(envelope_id)
            if target is not None:
                ledger.usable(target, ["moveRemainderTo"])
                if target == envelope_id:
                    raise ValidationError(
                        "Move the remainder to another envelope.", field=["moveRemainderTo"]
                    )
            if target is not None and envelope.balance != 0:
                remainder, source = envelope.balance, envelope_id
                if remainder < 0:  # an overdrawn envelope: the target covers it
                    source, target = target, source
                lines = ledger.move(source, target, abs(remainder))
                account.record(
                    EntryKind.MOVE,
                    lines,
                    size=abs(remainder),
                    details=EntryDetails(memo=f"Remainder of deleted envelope '{envelope.name}'"),
                )
            ledger.delete(envelope_id)
            await tx.sources.drop_envelope(account.id, envelope_id, rev=account.rev)
            return await tx.commit(), envelope_id
