"""Mutations that move money. Each takes an optional idempotency key."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from app.graphql.context import Info
from app.graphql.errors import UserError, user_errors_as_payload
from app.graphql.ledger.ids import raw_id
from app.graphql.ledger.inputs import (
    MoveMoneyInput,
    OpenAccountInput,
    RecordExpenseInput,
    RecordIncomeInput,
    RecordPaydayInput,
    TransferMoneyInput,
    UndoTransactionInput,
)
from app.graphql.ledger.payloads import (
    OpenAccountPayload,
    Recorders,
    TransactionPayload,
    TransferPayload,
    UndoPayload,
)
from app.services.auth import Viewer
from app.services.ledger.unit import Outcome

P = TypeVar("P")


async def _recording(
    info: Info,
    failed: Callable[[list[UserError]], P],
    payload: Callable[[Outcome, object, Recorders], P],
    use_case: Callable[[Viewer], Awaitable[Outcome]],
) -> P:
    """Run a money mutation for the caller. The caller's profile (`recordedBy` of the new
    entries) loads while the change runs instead of after it."""
    viewer = await info.context.viewer()
    recorder = info.context.profiles.load(viewer.user_id)

    async def run() -> P:
        outcome = await use_case(viewer)
        # Never fail a change that is done: without the profile, `recordedBy` loads it later.
        try:
            recorders: Recorders = {viewer.user_id: await recorder}
        except Exception:
            recorders = None
        return payload(outcome, viewer.user_id, recorders)

    try:
        return await user_errors_as_payload(failed, run)
    finally:
        await asyncio.gather(recorder, return_exceptions=True)


async def _movement(
    info: Info, use_case: Callable[[Viewer], Awaitable[Outcome]]
) -> TransactionPayload:
    return await _recording(
        info, TransactionPayload.failed, TransactionPayload.from_outcome, use_case
    )


@strawberry.type
class MoneyMutation:
    @strawberry.mutation(description="Open an account; the opening balance lands in Available.")
    async def open_account(self, info: Info, input: OpenAccountInput) -> OpenAccountPayload:
        viewer = await info.context.viewer()
        accounts = info.context.services.accounts

        async def run() -> OpenAccountPayload:
            outcome = await accounts.open(viewer, input.to_command(), input.idempotency_key)
            return OpenAccountPayload.from_outcome(outcome, viewer.user_id)

        return await user_errors_as_payload(OpenAccountPayload.failed, run)

    @strawberry.mutation(description="Income into Available, or split across envelopes.")
    async def record_income(self, info: Info, input: RecordIncomeInput) -> TransactionPayload:
        movements = info.context.services.movements
        return await _movement(
            info, lambda v: movements.income(v, input.to_command(), input.idempotency_key)
        )

    @strawberry.mutation(description="Income from a payment source, filling its envelopes.")
    async def record_payday(self, info: Info, input: RecordPaydayInput) -> TransactionPayload:
        movements = info.context.services.movements
        return await _movement(
            info, lambda v: movements.payday(v, input.to_command(), input.idempotency_key)
        )

    @strawberry.mutation(
        description="Spending out of one envelope or split across several. INSUFFICIENT_FUNDS "
        "when an envelope would go below zero and the account does not allow it."
    )
    async def record_expense(self, info: Info, input: RecordExpenseInput) -> TransactionPayload:
        movements = info.context.services.movements
        return await _movement(
            info, lambda v: movements.expense(v, input.to_command(), input.idempotency_key)
        )

    @strawberry.mutation(description="Move money between two envelopes of one account.")
    async def move_money(self, info: Info, input: MoveMoneyInput) -> TransactionPayload:
        movements = info.context.services.movements
        return await _movement(
            info, lambda v: movements.move(v, input.to_command(), input.idempotency_key)
        )

    @strawberry.mutation(description="Move money between two accounts you may edit.")
    async def transfer_money(self, info: Info, input: TransferMoneyInput) -> TransferPayload:
        movements = info.context.services.movements
        return await _recording(
            info,
            TransferPayload.failed,
            TransferPayload.from_outcome,
            lambda v: movements.transfer(v, input.to_command(), input.idempotency_key),
        )

    @strawberry.mutation(
        description="Undo an entry with a linked reversal (both legs of a transfer). "
        "Nothing is deleted; undoing a reversal redoes the entry."
    )
    async def undo_transaction(self, info: Info, input: UndoTransactionInput) -> UndoPayload:
        movements = info.context.services.movements

        async def undo(viewer: Viewer) -> Outcome:
            entry_id = raw_id(input.id, "Transaction", "id")
            return await movements.undo(viewer, entry_id, input.idempotency_key)

        return await _recording(info, UndoPayload.failed, UndoPayload.from_outcome, undo)
