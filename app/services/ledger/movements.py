"""Money movements: income, payday, expense, move, transfer and undo.

Each one is a single transaction that locks the account(s), applies the envelope rules,
and writes the balances together with the ledger entries; with an idempotency key it happens
at most once. Editors and above may record; viewers get FORBIDDEN.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from app.core.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from app.domain.envelopes import Allocation, Line, payday_allocations
from app.domain.members import Permission
from app.domain.money import parse_amount
from app.persistence.ledger_repository import LedgerRepository, Row
from app.persistence.mongo import Session
from app.services.auth import Viewer
from app.services.ledger.commands import (
    AmountFor,
    EntryDetails,
    Expense,
    Income,
    Move,
    Payday,
    Transfer,
)
from app.services.ledger.entry_fields import booking_datetime
from app.services.ledger.unit import LedgerUnit, LockedAccount, Outcome

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
    def __init__(self, unit: LedgerUnit, repo: LedgerRepository) -> None:
        self.unit = unit
        self.repo = repo

    def _record(
        self, viewer: Viewer, account: LockedAccount, kind: str, lines: list[Line], size: int,
        details: EntryDetails, **links: Any,
    ) -> Row:  # fmt: skip
        return account.record(
            kind,
            lines,
            recorded_by=viewer.user_id,
            booking_date=booking_datetime(details.booking_date, account.recorded_at.date()),
            size=size,
            details=details,
            **links,
        )

    async def income(self, viewer: Viewer, command: Income, key: str | None) -> Outcome:
        """Into Available, or split: allocations ≤ amount, the remainder to Available."""

        async def change(session: Session) -> Outcome:
            account = await self.unit.lock(session, viewer, command.account_id, Permission.RECORD)
            amount = parse_amount(command.amount, account.currency)
            allocations = _allocations(command.allocations, account.currency, "allocations")
            lines = account.ledger.income(amount, allocations)
            self._record(viewer, account, "income", lines, amount, command.details)
            return await self.unit.save(session, account)

        return await self.unit.run(viewer, "recordIncome", command, key, change)

    async def payday(self, viewer: Viewer, command: Payday, key: str | None) -> Outcome:
        """Income from a payment source: its allocations are filled in order while money
        lasts (`payday_allocations`); the rest lands in Available."""

        async def change(session: Session) -> Outcome:
            source = await self.repo.source(command.source_id, session)
            if source is None:
                raise NotFoundError(NO_SOURCE, field=["paymentSourceId"])
            account = await self.unit.lock(
                session, viewer, source["account_id"], Permission.RECORD,
                field="paymentSourceId", missing=NO_SOURCE,
            )  # fmt: skip
            amount = (
                parse_amount(command.amount, account.currency)
                if command.amount is not None
                else source["expected_amount"]
            )
            template = [
                Allocation(a["envelope_id"], a["amount"], ("paymentSourceId",))
                for a in source["allocations"]
            ]
            lines = account.ledger.income(amount, payday_allocations(template, amount))
            details = EntryDetails(
                payee=command.details.payee or source.get("payer") or source["name"],
                memo=command.details.memo,
                tags=command.details.tags,
                booking_date=command.details.booking_date,
            )
            self._record(
                viewer, account, "income", lines, amount, details,
                payment_source_id=source["_id"],
            )  # fmt: skip
            return await self.unit.save(session, account)

        return await self.unit.run(viewer, "recordPayday", command, key, change)

    async def expense(self, viewer: Viewer, command: Expense, key: str | None) -> Outcome:
        if (command.envelope_id is None) == (command.splits is None):
            raise ValidationError("Give either envelopeId or splits.", field=["envelopeId"])

        async def change(session: Session) -> Outcome:
            account = await self.unit.lock(session, viewer, command.account_id, Permission.RECORD)
            amount = parse_amount(command.amount, account.currency)
            if command.splits is None:
                assert command.envelope_id is not None  # noqa: S101 (checked above)
                splits = [Allocation(command.envelope_id, amount, ("envelopeId",))]
            else:
                splits = _allocations(command.splits, account.currency, "splits")
            lines = account.ledger.expense(amount, splits)
            self._record(viewer, account, "expense", lines, amount, command.details)
            return await self.unit.save(session, account)

        return await self.unit.run(viewer, "recordExpense", command, key, change)

    async def move(self, viewer: Viewer, command: Move, key: str | None) -> Outcome:
        async def change(session: Session) -> Outcome:
            account = await self.unit.lock(session, viewer, command.account_id, Permission.RECORD)
            amount = parse_amount(command.amount, account.currency)
            lines = account.ledger.move(command.from_envelope_id, command.to_envelope_id, amount)
            self._record(viewer, account, "move", lines, amount, command.details)
            return await self.unit.save(session, account)

        return await self.unit.run(viewer, "moveMoney", command, key, change)

    async def transfer(self, viewer: Viewer, command: Transfer, key: str | None) -> Outcome:
        """Two linked entries; a different currency needs the received amount."""
        if command.from_account_id == command.to_account_id:
            raise ValidationError(
                "Both sides are the same account: use moveMoney.", field=["toAccountId"]
            )

        async def change(session: Session) -> Outcome:
            locked: dict[ObjectId, LockedAccount] = {}
            for account_id, field in sorted(
                [(command.from_account_id, "fromAccountId"), (command.to_account_id, "toAccountId")]
            ):  # a fixed lock order keeps opposite transfers from retrying each other forever
                locked[account_id] = await self.unit.lock(
                    session, viewer, account_id, Permission.RECORD, field
                )
            source, target = locked[command.from_account_id], locked[command.to_account_id]
            sent, received = self._transfer_amounts(command, source, target)
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
            out = self._record(
                viewer, source, "transfer", out_lines, sent, command.details,
                counterpart_account_id=target.id,
            )  # fmt: skip
            into = self._record(
                viewer, target, "transfer", in_lines, received, command.details,
                counterpart_account_id=source.id,
            )  # fmt: skip
            out["counterpart_id"], into["counterpart_id"] = into["_id"], out["_id"]
            return await self.unit.save(session, source, target)

        return await self.unit.run(viewer, "transferMoney", command, key, change)

    @staticmethod
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

    async def undo(self, viewer: Viewer, entry_id: ObjectId, key: str | None) -> Outcome:
        """Append reversals (both legs of a transfer) linked both ways; nothing is deleted.
        Undoing a reversal is a redo."""

        async def change(session: Session) -> Outcome:
            entry = await self.repo.entry(entry_id, session)
            if entry is None:
                raise NotFoundError(NO_ENTRY, field=["id"])
            account = await self.unit.lock(
                session, viewer, entry["account_id"], Permission.RECORD, "id", NO_ENTRY
            )
            legs = [(account, entry)]
            if entry["counterpart_id"] is not None:
                legs.append(await self._other_leg(session, viewer, entry))
            reversals = []
            for leg_account, original in legs:
                reversals.append(await self._reverse(session, viewer, leg_account, original))
            if len(reversals) == 2:
                reversals[0]["counterpart_id"] = reversals[1]["_id"]
                reversals[1]["counterpart_id"] = reversals[0]["_id"]
            return await self.unit.save(session, *(a for a, _ in legs))

        return await self.unit.run(viewer, "undoTransaction", entry_id, key, change)

    async def _other_leg(
        self, session: Session, viewer: Viewer, entry: Row
    ) -> tuple[LockedAccount, Row]:
        other = await self.repo.entry(entry["counterpart_id"], session)
        refusal = "Undoing a transfer needs the editor role on both of its accounts."
        try:
            account = await self.unit.lock(
                session, viewer, entry["counterpart_account_id"], Permission.RECORD, "id"
            )
        except (NotFoundError, ForbiddenError):
            raise ForbiddenError(refusal) from None
        if other is None:
            raise ForbiddenError(refusal)
        return account, other

    async def _reverse(
        self, session: Session, viewer: Viewer, account: LockedAccount, original: Row
    ) -> Row:
        if original["kind"] == "opening":
            raise ValidationError(
                "The opening entry cannot be undone; close the account instead.", field=["id"]
            )
        if original["reversed_by"] is not None:
            raise ConflictError("This entry was already undone.", field=["id"])
        lines = account.ledger.reverse(
            [Line(x["envelope_id"], x["amount"]) for x in original["lines"]]
        )
        reversal = account.record(
            "reversal",
            lines,
            recorded_by=viewer.user_id,
            booking_date=original["booking_date"],
            size=original["size"],
            details=EntryDetails(
                payee=original["payee"], memo=original["memo"], tags=tuple(original["tags"])
            ),
            flow=original["flow"],
            reverses=original["_id"],
            counterpart_account_id=original["counterpart_account_id"],
        )
        if not await self.repo.mark_reversed(original["_id"], reversal["_id"], session):
            raise ConflictError("This entry was already undone.", field=["id"])
        return reversal
