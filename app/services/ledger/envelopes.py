"""Manage an account's envelopes (admins and the owner): create, rename, reorder, archive,
unarchive, delete. Deleting a non-empty envelope moves its remainder to another envelope
with a `move` entry in the same transaction; a deleted envelope also leaves every payment
source that allocated to it (its share then lands in Available on payday)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bson import ObjectId

from app.core.errors import ValidationError
from app.domain.envelopes import Envelope, Ledger, clean_name
from app.domain.members import Permission
from app.persistence.ledger_repository import LedgerRepository
from app.persistence.mongo import Session
from app.services.auth import Viewer
from app.services.ledger.commands import EntryDetails
from app.services.ledger.entry_fields import booking_datetime
from app.services.ledger.unit import LedgerUnit, Outcome


class EnvelopeService:
    def __init__(self, unit: LedgerUnit, repo: LedgerRepository) -> None:
        self.unit = unit
        self.repo = repo

    async def _manage(
        self, viewer: Viewer, account_id: ObjectId, edit: Callable[[Ledger], object]
    ) -> Outcome:
        async def change(session: Session) -> Outcome:
            account = await self.unit.lock(session, viewer, account_id, Permission.MANAGE)
            edit(account.ledger)
            return await self.unit.save(session, account)

        return await self.unit.db.transaction(change)

    async def create(
        self, viewer: Viewer, account_id: ObjectId, names: Sequence[str]
    ) -> tuple[Outcome, list[ObjectId]]:
        cleaned = [clean_name(n, "names") for n in names]
        ids = [ObjectId() for _ in cleaned]

        def edit(ledger: Ledger) -> None:
            for envelope_id, name in zip(ids, cleaned, strict=True):
                ledger.add(Envelope(envelope_id, name))

        return await self._manage(viewer, account_id, edit), ids

    async def rename(
        self, viewer: Viewer, account_id: ObjectId, envelope_id: ObjectId, name: str
    ) -> Outcome:
        name = clean_name(name)

        def edit(ledger: Ledger) -> None:
            envelope = ledger.envelope(envelope_id)
            ledger.check_new_name(name, renaming=envelope.id)
            envelope.name = name

        return await self._manage(viewer, account_id, edit)

    async def reorder(
        self, viewer: Viewer, account_id: ObjectId, order: Sequence[ObjectId]
    ) -> Outcome:
        return await self._manage(viewer, account_id, lambda ledger: ledger.reorder(order))

    async def archive(self, viewer: Viewer, account_id: ObjectId, envelope_id: ObjectId) -> Outcome:
        return await self._manage(viewer, account_id, lambda ledger: ledger.archive(envelope_id))

    async def unarchive(
        self, viewer: Viewer, account_id: ObjectId, envelope_id: ObjectId
    ) -> Outcome:
        return await self._manage(viewer, account_id, lambda ledger: ledger.unarchive(envelope_id))

    async def delete(
        self,
        viewer: Viewer,
        account_id: ObjectId,
        envelope_id: ObjectId,
        move_remainder_to: ObjectId | None,
    ) -> Outcome:
        async def change(session: Session) -> Outcome:
            account = await self.unit.lock(session, viewer, account_id, Permission.MANAGE)
            ledger = account.ledger
            envelope = ledger.envelope(envelope_id)
            if move_remainder_to is not None:
                ledger.usable(move_remainder_to, ["moveRemainderTo"])
                if move_remainder_to == envelope_id:
                    raise ValidationError(
                        "Move the remainder to another envelope.", field=["moveRemainderTo"]
                    )
            if move_remainder_to is not None and envelope.balance != 0:
                remainder = envelope.balance
                source, target = envelope_id, move_remainder_to
                if remainder < 0:  # an overdrawn envelope: the target covers it
                    source, target = target, source
                lines = ledger.move(source, target, abs(remainder))
                account.record(
                    "move",
                    lines,
                    recorded_by=viewer.user_id,
                    booking_date=booking_datetime(None, account.recorded_at.date()),
                    size=abs(remainder),
                    details=EntryDetails(memo=f"Remainder of deleted envelope '{envelope.name}'"),
                )
            ledger.delete(envelope_id)
            await self.repo.drop_envelope_from_sources(account.id, envelope_id, session)
            return await self.unit.save(session, account)

        return await self.unit.db.transaction(change)
