"""The subscriptions: each starts from the current state where there is one, then follows
the change stream of every API process (`app.services.live`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncGenerator

import strawberry

from app.core.ids import ObjectId
from app.graphql.alerts.types import Alert
from app.graphql.context import Info
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.history.types import SharedParts, Transaction
from app.graphql.ledger.imports.types import ImportJob
from app.graphql.relay import decode_id
from app.services.live.hub import AccountUpdate

_CHANGES_KEPT = 64  # the AccountChange of recent (event, viewer)s (as the hub keeps reads)


@strawberry.type(description="An account after a change, with the entries the change wrote.")
class AccountChange:
    account: Account = strawberry.field(description="Its balances and envelopes now.")
    entries: list[Transaction] = strawberry.field(
        description="The entries written or changed since the previous AccountChange "
        "(none in the first, which is the account as it was when subscribing)."
    )
    # The event, for executing it once for all who ask alike (see engine/shared_events.py).
    shared_key: strawberry.Private[tuple[object, ...]]

    @classmethod
    def of(cls, update: AccountUpdate, viewer_id: ObjectId) -> AccountChange:
        """The change as `viewer_id` sees it: built once for all of their subscribers to the
        same event (they share its execution too), not once per socket."""
        shared_key = (update.account.id, update.since, update.account.version)
        key = (*shared_key, viewer_id)
        found = _changes.get(key)
        if found is not None:
            return found
        shared = SharedParts(update.account)
        change = cls(
            account=Account.from_document(update.account, viewer_id),
            entries=[Transaction.from_record(e, update.account, shared) for e in update.entries],
            shared_key=shared_key,
        )
        _changes[key] = change
        while len(_changes) > _CHANGES_KEPT:
            _changes.popitem(last=False)
        return change


_changes: OrderedDict[tuple[object, ...], AccountChange] = OrderedDict()


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        description="The account now, then after each change of it (through any API "
        "process): balances, envelopes and the new entries. NOT_FOUND unless you are a "
        "member; ends with NOT_FOUND when you are removed."
    )
    async def account_changed(
        self, info: Info, account_id: strawberry.ID
    ) -> AsyncGenerator[AccountChange, None]:
        viewer = await info.context.viewer()
        hub = info.context.services.live
        updates = hub.account_changes(viewer, decode_id(account_id, "Account", "accountId"))
        async for update in updates:
            yield AccountChange.of(update, viewer.user_id)

    @strawberry.subscription(
        description="Your alerts as they are raised (from now on), each once, in order."
    )
    async def alert_raised(self, info: Info) -> AsyncGenerator[Alert, None]:
        viewer = await info.context.viewer()
        async for alert in info.context.services.live.alerts(viewer):
            yield Alert.from_record(alert)

    @strawberry.subscription(
        description="An import job now, then as it progresses, until it is done or "
        "cancelled. NOT_FOUND unless you are a member of its account."
    )
    async def import_progress(
        self, info: Info, job_id: strawberry.ID
    ) -> AsyncGenerator[ImportJob, None]:
        viewer = await info.context.viewer()
        hub = info.context.services.live
        progress = hub.import_progress(viewer, decode_id(job_id, "ImportJob", "jobId"))
        async for job, account in progress:
            yield ImportJob.from_document(job, account)
