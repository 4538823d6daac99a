"""`node(id)` and `nodes(ids)`: each type registers how to load one of its objects for the
caller. An id that is malformed, unknown, or names an object the caller may not see gives
the same answer: null."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.graphql.alerts.queries import load_alert
from app.graphql.auth.queries import load_user
from app.graphql.context import Info
from app.graphql.ledger.accounts.queries import load_account
from app.graphql.ledger.backups.queries import load_restore_job
from app.graphql.ledger.envelopes.queries import load_envelope
from app.graphql.ledger.history.queries import load_transaction
from app.graphql.ledger.imports.queries import load_import_job
from app.graphql.ledger.payment_sources.queries import load_payment_source
from app.graphql.ledger.rules.queries import load_rule
from app.graphql.ledger.schedules.queries import load_schedule
from app.graphql.relay import Node, node_id

Loader = Callable[[Info, ObjectId], Awaitable[Node | None]]

LOADERS: dict[str, Loader] = {
    "User": load_user,
    "Account": load_account,
    "Envelope": load_envelope,
    "Transaction": load_transaction,
    "PaymentSource": load_payment_source,
    "Schedule": load_schedule,
    "ImportJob": load_import_job,
    "Rule": load_rule,
    "RestoreJob": load_restore_job,
    "Alert": load_alert,
}


async def load_node(info: Info, global_id: str) -> Node | None:
    await info.context.viewer()  # every node needs a signed-in caller
    decoded = node_id(global_id)
    if decoded is None or decoded[0] not in LOADERS:
        return None
    return await LOADERS[decoded[0]](info, decoded[1])


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Fetch any object by its global id; null if not visible.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await load_node(info, id)

    @strawberry.field(description="Fetch several objects by global id (at most 100).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > 100:
            raise ValidationError("At most 100 ids per request.", field=["ids"])
        return [await load_node(info, i) for i in ids]
