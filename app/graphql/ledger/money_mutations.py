"""Mutations that move money. Each takes an optional idempotency key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from app.graphql.context import Info
from app.graphql.errors import user_errors_as_payload
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
    TransactionPayload,
    TransferPayload,
    UndoPayload,
)
from app.services.auth import Viewer
from app.services.ledger.unit import Outcome


async def _movement(
    info: Info, use_case: Callable[[Viewer], Awaitable[Outcome]]
) -> TransactionPayload:
    viewer = await info.context.viewer()

    async def run() -> TransactionPayload:
        return TransactionPayload.from_outcome(await use_case(viewer), viewer.user_id)

    return await user_errors_as_payload(TransactionPayload.failed, run)


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
        viewer = await info.context.viewer()
        movements = info.context.services.movements

        async def run() -> TransferPayload:
            outcome = await movements.transfer(viewer, input.to_command(), input.idempotency_key)
            return TransferPayload.from_outcome(outcome, viewer.user_id)

        return await user_errors_as_payload(TransferPayload.failed, run)

    @strawberry.mutation(
        description="Undo an entry with a linked reversal (both legs of a transfer). "
        "Nothing is deleted; undoing a reversal redoes the entry."
    )
    async def undo_transaction(self, info: Info, input: UndoTransactionInput) -> UndoPayload:
        viewer = await info.context.viewer()
        movements = info.context.services.movements

        async def run() -> UndoPayload:
            entry_id = raw_id(input.id, "Transaction", "id")
            outcome = await movements.undo(viewer, entry_id, input.idempotency_key)
            return UndoPayload.from_outcome(outcome, viewer.user_id)

        return await user_errors_as_payload(UndoPayload.failed, run)
