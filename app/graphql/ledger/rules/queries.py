"""Queries of rules, and how `node(id)` loads one."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.rules.types import Rule
from app.graphql.relay import Node, decode_optional_id


@strawberry.type
class RuleQuery:
    @strawberry.field(
        description="Your categorisation rules in order; with accountId, the rules that apply "
        "to that account (its owner's), for any member of it. At most 200: a list, not a "
        "connection."
    )
    async def rules(self, info: Info, account_id: strawberry.ID | None = None) -> list[Rule]:
        wanted = decode_optional_id(account_id, "Account", "accountId")
        services = info.context.services

        async def read(viewer: Viewer) -> list[Rule]:
            if wanted is None:
                found = await services.rules.mine(viewer)
            else:
                account = await services.accounts.get(viewer, wanted, "accountId")
                found = await services.rules.for_account(account)
            return [Rule.from_document(rule, viewer.user_id) for rule in found]

        return await info.context.read_as_viewer(read)


async def load_rule(info: Info, rule_id: ObjectId) -> Node | None:
    rules = info.context.services.rules

    async def read(viewer: Viewer) -> Rule:
        return Rule.from_document(await rules.visible(viewer, rule_id), viewer.user_id)

    return await info.context.visible(read)
