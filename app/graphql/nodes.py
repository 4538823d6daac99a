"""`node(id)` and `nodes(ids)`: each type registers how to load one of its objects for the
caller. An id that is malformed, unknown, or names an object the caller may not see gives
the same answer: null."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from beanie import PydanticObjectId
from bson.errors import InvalidId

from app.core.errors import ValidationError
from app.graphql.auth.types import User
from app.graphql.context import Info
from app.graphql.ledger.queries import LEDGER_LOADERS
from app.graphql.relay import Node, from_global_id

Loader = Callable[[Info, PydanticObjectId], Awaitable[Node | None]]


async def _load_user(info: Info, raw_id: PydanticObjectId) -> Node | None:
    viewer = await info.context.viewer()
    if raw_id != viewer.user_id:
        return None
    return User.from_document(await info.context.services.auth.current_user(viewer))


LOADERS: dict[str, Loader] = {"User": _load_user, **LEDGER_LOADERS}


async def load_node(info: Info, global_id: str) -> Node | None:
    await info.context.viewer()  # every node needs a signed-in caller
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] not in LOADERS:
        return None
    try:
        raw_id = PydanticObjectId(decoded[1])
    except (InvalidId, TypeError):
        return None
    return await LOADERS[decoded[0]](info, raw_id)


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
