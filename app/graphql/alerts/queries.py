"""The viewer's alerts, their unread count and settings; how `node(id)` loads an alert."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.alerts.types import Alert, AlertConnection, AlertEdge, AlertSettings
from app.graphql.context import Info
from app.graphql.relay import Node, PageInfo, page_request


async def settings_for(info: Info) -> AlertSettings:
    viewer = await info.context.viewer()
    services = info.context.services
    settings = await services.alerts.settings(viewer)
    accounts = await services.accounts.list(viewer, include_closed=True)
    return AlertSettings.from_settings(settings, accounts, viewer.user_id)


@strawberry.type
class AlertQuery:
    @strawberry.field(description="Your alerts, the newest first.")
    async def alerts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        unread_only: bool = False,
    ) -> AlertConnection:
        viewer = await info.context.viewer()
        request, size = page_request(first, after, None, None)
        page = await info.context.services.alerts.page(viewer, unread_only, request, size)
        return AlertConnection(
            edges=[
                AlertEdge(cursor=c, node=Alert.from_record(a))
                for a, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
        )

    @strawberry.field(description="How many of your alerts are unread.")
    async def unread_alert_count(self, info: Info) -> int:
        viewer = await info.context.viewer()
        return await info.context.services.alerts.unread_count(viewer)

    @strawberry.field(description="Which alerts you get (the defaults until you change them).")
    async def alert_settings(self, info: Info) -> AlertSettings:
        return await settings_for(info)


async def load_alert(info: Info, alert_id: ObjectId) -> Node | None:
    viewer = await info.context.viewer()
    found = await info.context.services.alerts.get(viewer, alert_id)
    return Alert.from_record(found) if found else None
