"""Mutations of an account's settings and envelopes (admins; close and reopen: the owner)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from bson import ObjectId

from app.graphql.context import Info
from app.graphql.errors import user_errors_as_payload
from app.graphql.ledger.account_type import Account
from app.graphql.ledger.ids import optional_raw_id, raw_id
from app.graphql.ledger.inputs import AccountInput, UpdateAccountInput
from app.graphql.ledger.payloads import (
    AccountPayload,
    CreateEnvelopesPayload,
    DeleteEnvelopePayload,
    entries_of,
    global_id,
)
from app.graphql.ledger.types import Envelope
from app.persistence.ledger_repository import Row
from app.services.auth import Viewer
from app.services.ledger.unit import Outcome


@strawberry.input
class CreateEnvelopesInput:
    account_id: strawberry.ID
    names: list[str]


@strawberry.input
class RenameEnvelopeInput:
    account_id: strawberry.ID
    envelope_id: strawberry.ID
    name: str


@strawberry.input
class ReorderEnvelopesInput:
    account_id: strawberry.ID
    envelope_ids: list[strawberry.ID] = strawberry.field(
        description="Every envelope of the account (archived ones too), in the new order."
    )


@strawberry.input
class EnvelopeInput:
    account_id: strawberry.ID
    envelope_id: strawberry.ID


@strawberry.input
class DeleteEnvelopeInput:
    account_id: strawberry.ID
    envelope_id: strawberry.ID
    move_remainder_to: strawberry.ID | None = strawberry.field(
        default=None, description="Required when the envelope is not empty."
    )


async def account_payload(
    info: Info, use_case: Callable[[Viewer], Awaitable[Row]]
) -> AccountPayload:
    viewer = await info.context.viewer()

    async def run() -> AccountPayload:
        return AccountPayload(account=Account.from_row(await use_case(viewer), viewer.user_id))

    return await user_errors_as_payload(AccountPayload.failed, run)


async def _envelopes(
    info: Info, use_case: Callable[[Viewer], Awaitable[Outcome]]
) -> AccountPayload:
    async def row(viewer: Viewer) -> Row:
        return (await use_case(viewer)).accounts[0]

    return await account_payload(info, row)


def _ids(account_id: str, envelope_id: str) -> tuple[ObjectId, ObjectId]:
    return (
        raw_id(account_id, "Account", "accountId"),
        raw_id(envelope_id, "Envelope", "envelopeId"),
    )


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Change name, institution or flags (admins).")
    async def update_account(self, info: Info, input: UpdateAccountInput) -> AccountPayload:
        accounts = info.context.services.accounts
        return await account_payload(info, lambda v: accounts.update(v, input.to_command()))

    @strawberry.mutation(description="Close an account whose envelopes are all at zero (owner).")
    async def close_account(self, info: Info, input: AccountInput) -> AccountPayload:
        accounts = info.context.services.accounts
        return await account_payload(info, lambda v: accounts.close(v, input.raw()))

    @strawberry.mutation(description="Reopen a closed account (owner).")
    async def reopen_account(self, info: Info, input: AccountInput) -> AccountPayload:
        accounts = info.context.services.accounts
        return await account_payload(info, lambda v: accounts.reopen(v, input.raw()))

    @strawberry.mutation(description="Add envelopes at the end, in the given order (admins).")
    async def create_envelopes(
        self, info: Info, input: CreateEnvelopesInput
    ) -> CreateEnvelopesPayload:
        viewer = await info.context.viewer()
        envelopes = info.context.services.envelopes

        async def run() -> CreateEnvelopesPayload:
            account_id = raw_id(input.account_id, "Account", "accountId")
            outcome, ids = await envelopes.create(viewer, account_id, input.names)
            row = outcome.accounts[0]
            made = [e for e in row["envelopes"] if e["id"] in set(ids)]
            return CreateEnvelopesPayload(
                account=Account.from_row(row, viewer.user_id),
                envelopes=[Envelope.from_row(e, row["currency"]) for e in made],
            )

        return await user_errors_as_payload(CreateEnvelopesPayload.failed, run)

    @strawberry.mutation(description="Rename an envelope, Available included (admins).")
    async def rename_envelope(self, info: Info, input: RenameEnvelopeInput) -> AccountPayload:
        envelopes = info.context.services.envelopes
        return await _envelopes(
            info,
            lambda v: envelopes.rename(v, *_ids(input.account_id, input.envelope_id), input.name),
        )

    @strawberry.mutation(description="Put the envelopes in a new display order (admins).")
    async def reorder_envelopes(self, info: Info, input: ReorderEnvelopesInput) -> AccountPayload:
        envelopes = info.context.services.envelopes

        def use_case(viewer: Viewer) -> Awaitable[Outcome]:
            account_id = raw_id(input.account_id, "Account", "accountId")
            order = [raw_id(i, "Envelope", "envelopeIds") for i in input.envelope_ids]
            return envelopes.reorder(viewer, account_id, order)

        return await _envelopes(info, use_case)

    @strawberry.mutation(description="Hide an empty envelope; Available cannot be (admins).")
    async def archive_envelope(self, info: Info, input: EnvelopeInput) -> AccountPayload:
        envelopes = info.context.services.envelopes
        return await _envelopes(
            info, lambda v: envelopes.archive(v, *_ids(input.account_id, input.envelope_id))
        )

    @strawberry.mutation(description="Bring an archived envelope back (admins).")
    async def unarchive_envelope(self, info: Info, input: EnvelopeInput) -> AccountPayload:
        envelopes = info.context.services.envelopes
        return await _envelopes(
            info, lambda v: envelopes.unarchive(v, *_ids(input.account_id, input.envelope_id))
        )

    @strawberry.mutation(
        description="Delete an empty envelope, or move its remainder to another envelope in the "
        "same transaction (admins). Available cannot be deleted."
    )
    async def delete_envelope(
        self, info: Info, input: DeleteEnvelopeInput
    ) -> DeleteEnvelopePayload:
        viewer = await info.context.viewer()
        envelopes = info.context.services.envelopes

        async def run() -> DeleteEnvelopePayload:
            account_id, envelope_id = _ids(input.account_id, input.envelope_id)
            target = optional_raw_id(input.move_remainder_to, "Envelope", "moveRemainderTo")
            outcome = await envelopes.delete(viewer, account_id, envelope_id, target)
            moves = entries_of(outcome)
            return DeleteEnvelopePayload(
                account=Account.from_row(outcome.accounts[0], viewer.user_id),
                deleted_envelope_id=global_id("Envelope", envelope_id),
                remainder_move=moves[0] if moves else None,
            )

        return await user_errors_as_payload(DeleteEnvelopePayload.failed, run)
