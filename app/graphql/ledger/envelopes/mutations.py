"""Mutations of an account's envelopes (admins)."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.ledger.accounts.mutations import AccountInput, AccountPayload
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.history.types import Transaction, transactions_of
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id, decode_optional_id, to_global_id
from app.persistence.outcome import Outcome
from app.services.ledger import commands


@strawberry.input
class CreateEnvelopesInput(AccountInput):
    names: list[str]

    def to_command(self) -> commands.CreateEnvelopes:
        return commands.CreateEnvelopes(self.account(), tuple(self.names))


@strawberry.input
class EnvelopeInput(AccountInput):
    envelope_id: strawberry.ID

    def envelope(self) -> ObjectId:
        return decode_id(self.envelope_id, "Envelope", "envelopeId")

    def to_command(self) -> commands.EnvelopeRef:
        return commands.EnvelopeRef(self.account(), self.envelope())


@strawberry.input
class RenameEnvelopeInput(EnvelopeInput):
    name: str

    def to_command(self) -> commands.RenameEnvelope:
        return commands.RenameEnvelope(self.account(), self.envelope(), self.name)


@strawberry.input
class ReorderEnvelopesInput(AccountInput):
    envelope_ids: list[strawberry.ID] = strawberry.field(
        description="Every envelope of the account (archived ones too), in the new order."
    )

    def to_command(self) -> commands.ReorderEnvelopes:
        order = tuple(decode_id(i, "Envelope", "envelopeIds") for i in self.envelope_ids)
        return commands.ReorderEnvelopes(self.account(), order)


@strawberry.input
class DeleteEnvelopeInput(EnvelopeInput):
    move_remainder_to: strawberry.ID | None = strawberry.field(
        default=None, description="Required when the envelope is not empty."
    )

    def to_command(self) -> commands.DeleteEnvelope:
        target = decode_optional_id(self.move_remainder_to, "Envelope", "moveRemainderTo")
        return commands.DeleteEnvelope(self.account(), self.envelope(), target)


@strawberry.type
class CreateEnvelopesPayload(Payload):
    account: Account | None = None
    envelopes: list[Envelope] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(
        cls, result: tuple[Outcome, list[ObjectId]], caller: Caller
    ) -> CreateEnvelopesPayload:
        outcome, ids = result
        account = outcome.accounts[0]
        made = [e for e in account.envelopes if e.id in set(ids)]
        return cls(
            account=Account.from_document(account, caller.user_id),
            envelopes=[Envelope.from_record(e, account.currency) for e in made],
        )


@strawberry.type
class DeleteEnvelopePayload(Payload):
    account: Account | None = None
    deleted_envelope_id: strawberry.ID | None = None
    remainder_move: Transaction | None = strawberry.field(
        default=None, description="The move of the remainder, when there was one."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: tuple[Outcome, ObjectId], caller: Caller) -> DeleteEnvelopePayload:
        outcome, deleted = result
        moves = transactions_of(outcome)
        return cls(
            account=Account.from_document(outcome.accounts[0], caller.user_id),
            deleted_envelope_id=to_global_id("Envelope", deleted),
            remainder_move=moves[0] if moves else None,
        )


@strawberry.type
class EnvelopeMutation:
    create_envelopes = mutation_field(
        "Add envelopes at the end, in the given order (admins).",
        CreateEnvelopesInput,
        CreateEnvelopesPayload,
        lambda services: services.envelopes.create,
    )
    rename_envelope = mutation_field(
        "Rename an envelope, Available included (admins).",
        RenameEnvelopeInput,
        AccountPayload,
        lambda services: services.envelopes.rename,
    )
    reorder_envelopes = mutation_field(
        "Put the envelopes in a new display order (admins).",
        ReorderEnvelopesInput,
        AccountPayload,
        lambda services: services.envelopes.reorder,
    )
    archive_envelope = mutation_field(
        "Hide an empty envelope; Available cannot be (admins).",
        EnvelopeInput,
        AccountPayload,
        lambda services: services.envelopes.archive,
    )
    unarchive_envelope = mutation_field(
        "Bring an archived envelope back (admins).",
        EnvelopeInput,
        AccountPayload,
        lambda services: services.envelopes.unarchive,
    )
    delete_envelope = mutation_field(
        "Delete an empty envelope, or move its remainder to another envelope in the same "
        "transaction (admins). Available cannot be deleted.",
        DeleteEnvelopeInput,
        DeleteEnvelopePayload,
        lambda services: services.envelopes.delete,
    )
