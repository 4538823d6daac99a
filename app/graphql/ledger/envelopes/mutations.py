"""Mutations of an account's envelopes (admins)."""

from __future__ import annotations

import strawberry

from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.accounts.mutations import AccountPayload
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.history.types import Transaction, transactions_of
from app.graphql.mutations import Payload, UserError, run_mutation
from app.graphql.relay import decode_id, decode_optional_id, to_global_id
from app.services.ledger import commands


@strawberry.input
class CreateEnvelopesInput:
    account_id: strawberry.ID
    names: list[str]

    def to_command(self) -> commands.CreateEnvelopes:
        account_id = decode_id(self.account_id, "Account", "accountId")
        return commands.CreateEnvelopes(account_id, tuple(self.names))


@strawberry.input
class RenameEnvelopeInput:
    account_id: strawberry.ID
    envelope_id: strawberry.ID
    name: str

    def to_command(self) -> commands.RenameEnvelope:
        return commands.RenameEnvelope(
            decode_id(self.account_id, "Account", "accountId"),
            decode_id(self.envelope_id, "Envelope", "envelopeId"),
            self.name,
        )


@strawberry.input
class ReorderEnvelopesInput:
    account_id: strawberry.ID
    envelope_ids: list[strawberry.ID] = strawberry.field(
        description="Every envelope of the account (archived ones too), in the new order."
    )

    def to_command(self) -> commands.ReorderEnvelopes:
        return commands.ReorderEnvelopes(
            decode_id(self.account_id, "Account", "accountId"),
            tuple(decode_id(i, "Envelope", "envelopeIds") for i in self.envelope_ids),
        )


@strawberry.input
class EnvelopeInput:
    account_id: strawberry.ID
    envelope_id: strawberry.ID

    def to_command(self) -> commands.EnvelopeRef:
        return commands.EnvelopeRef(
            decode_id(self.account_id, "Account", "accountId"),
            decode_id(self.envelope_id, "Envelope", "envelopeId"),
        )


@strawberry.input
class DeleteEnvelopeInput:
    account_id: strawberry.ID
    envelope_id: strawberry.ID
    move_remainder_to: strawberry.ID | None = strawberry.field(
        default=None, description="Required when the envelope is not empty."
    )

    def to_command(self) -> commands.DeleteEnvelope:
        return commands.DeleteEnvelope(
            decode_id(self.account_id, "Account", "accountId"),
            decode_id(self.envelope_id, "Envelope", "envelopeId"),
            decode_optional_id(self.move_remainder_to, "Envelope", "moveRemainderTo"),
        )


@strawberry.type
class CreateEnvelopesPayload(Payload):
    account: Account | None = None
    envelopes: list[Envelope] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteEnvelopePayload(Payload):
    account: Account | None = None
    deleted_envelope_id: strawberry.ID | None = None
    remainder_move: Transaction | None = strawberry.field(
        default=None, description="The move of the remainder, when there was one."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class EnvelopeMutation:
    @strawberry.mutation(description="Add envelopes at the end, in the given order (admins).")
    async def create_envelopes(
        self, info: Info, input: CreateEnvelopesInput
    ) -> CreateEnvelopesPayload:
        envelopes = info.context.services.envelopes

        async def change(viewer: Viewer) -> CreateEnvelopesPayload:
            outcome, ids = await envelopes.create(viewer, input.to_command())
            account = outcome.accounts[0]
            made = [e for e in account.envelopes if e.id in set(ids)]
            return CreateEnvelopesPayload(
                account=Account.from_document(account, viewer.user_id),
                envelopes=[Envelope.from_record(e, account.currency) for e in made],
            )

        return await run_mutation(info, CreateEnvelopesPayload, change)

    @strawberry.mutation(description="Rename an envelope, Available included (admins).")
    async def rename_envelope(self, info: Info, input: RenameEnvelopeInput) -> AccountPayload:
        envelopes = info.context.services.envelopes

        async def change(viewer: Viewer) -> AccountPayload:
            outcome = await envelopes.rename(viewer, input.to_command())
            return AccountPayload.of(outcome.accounts[0], viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Put the envelopes in a new display order (admins).")
    async def reorder_envelopes(self, info: Info, input: ReorderEnvelopesInput) -> AccountPayload:
        envelopes = info.context.services.envelopes

        async def change(viewer: Viewer) -> AccountPayload:
            outcome = await envelopes.reorder(viewer, input.to_command())
            return AccountPayload.of(outcome.accounts[0], viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Hide an empty envelope; Available cannot be (admins).")
    async def archive_envelope(self, info: Info, input: EnvelopeInput) -> AccountPayload:
        envelopes = info.context.services.envelopes

        async def change(viewer: Viewer) -> AccountPayload:
            outcome = await envelopes.archive(viewer, input.to_command())
            return AccountPayload.of(outcome.accounts[0], viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Bring an archived envelope back (admins).")
    async def unarchive_envelope(self, info: Info, input: EnvelopeInput) -> AccountPayload:
        envelopes = info.context.services.envelopes

        async def change(viewer: Viewer) -> AccountPayload:
            outcome = await envelopes.unarchive(viewer, input.to_command())
            return AccountPayload.of(outcome.accounts[0], viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(
        description="Delete an empty envelope, or move its remainder to another envelope in the "
        "same transaction (admins). Available cannot be deleted."
    )
    async def delete_envelope(
        self, info: Info, input: DeleteEnvelopeInput
    ) -> DeleteEnvelopePayload:
        envelopes = info.context.services.envelopes

        async def change(viewer: Viewer) -> DeleteEnvelopePayload:
            command = input.to_command()
            outcome = await envelopes.delete(viewer, command)
            moves = transactions_of(outcome)
            return DeleteEnvelopePayload(
                account=Account.from_document(outcome.accounts[0], viewer.user_id),
                deleted_envelope_id=to_global_id("Envelope", command.envelope_id),
                remainder_move=moves[0] if moves else None,
            )

        return await run_mutation(info, DeleteEnvelopePayload, change)
