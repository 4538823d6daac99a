"""`Changes`: one page of delta sync, built from the existing types plus `Tombstone`."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.history.types import SharedParts, Transaction
from app.graphql.ledger.payment_sources.types import PaymentSource
from app.graphql.ledger.schedules.types import Schedule
from app.graphql.relay import to_global_id
from app.services.sync.changes import AccountChanges, ChangeSet


@strawberry.type(description="Something the client holds that is gone: remove it (by id).")
class Tombstone:
    type: str = strawberry.field(
        description="Its __typename: Account (the caller lost it: remove it with its "
        "envelopes, transactions, schedules and payment sources), Envelope (deleted), "
        "Schedule or PaymentSource (deleted)."
    )
    id: strawberry.ID

    @classmethod
    def of(cls, type_name: str, raw_id: ObjectId) -> Tombstone:
        return cls(type=type_name, id=to_global_id(type_name, raw_id))


@strawberry.type(
    description="What changed since a cursor. Apply by id: objects replace the copy held "
    "(an account with its envelopes), tombstones remove it. Then ask again with `cursor`; "
    "while `hasMore`, the copy is not yet whole."
)
class Changes:
    accounts: list[Account] = strawberry.field(
        description="Accounts changed (or new to the caller): read their envelopes with "
        "`envelopes(includeArchived: true)`."
    )
    transactions: list[Transaction] = strawberry.field(
        description="Entries recorded or changed (undone, cleared, reconciled…), by account "
        "in the order they changed; each change of an entry is delivered once."
    )
    schedules: list[Schedule] = strawberry.field(description="Schedules created or changed.")
    payment_sources: list[PaymentSource] = strawberry.field(
        description="Payment sources created or changed."
    )
    tombstones: list[Tombstone]
    cursor: str = strawberry.field(description="Opaque: pass it as `since` next time.")
    has_more: bool = strawberry.field(description="More changes wait: ask again at once.")

    @classmethod
    def from_result(cls, found: ChangeSet, user_id: ObjectId) -> Changes:
        changes = cls(
            accounts=[],
            transactions=[],
            schedules=[],
            payment_sources=[],
            tombstones=[Tombstone.of("Account", i) for i in found.removed_accounts],
            cursor=found.cursor,
            has_more=found.has_more,
        )
        for part in found.accounts:
            changes._add(part, user_id)
        return changes

    def _add(self, part: AccountChanges, user_id: ObjectId) -> None:
        account = part.account
        if part.changed:
            self.accounts.append(Account.from_document(account, user_id))
        shared = SharedParts(account)
        self.transactions += [Transaction.from_record(e, account, shared) for e in part.entries]
        self.schedules += [Schedule.from_document(s, account) for s in part.schedules]
        self.payment_sources += [PaymentSource.from_document(s, account) for s in part.sources]
        self.tombstones += [Tombstone.of("Envelope", i) for i in part.removed_envelopes]
        self.tombstones += [Tombstone.of(t.kind.value, t.object_id) for t in part.tombstones]
