"""Queries of scheduled transactions, and how `node(id)` loads one."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.context import Info
from app.graphql.ledger.schedules.types import Schedule
from app.graphql.relay import Node, decode_id


@strawberry.type
class ScheduleQuery:
    @strawberry.field(description="One scheduled transaction; NOT_FOUND if not yours.")
    async def schedule(self, info: Info, id: strawberry.ID) -> Schedule | None:
        viewer = await info.context.viewer()
        schedules = info.context.services.schedules
        schedule, account = await schedules.get(viewer, decode_id(id, "Schedule", "id"))
        return Schedule.from_document(schedule, account)


async def load_schedule(info: Info, schedule_id: ObjectId) -> Node | None:
    schedules = info.context.services.schedules
    found = await info.context.visible(lambda viewer: schedules.get(viewer, schedule_id))
    return Schedule.from_document(*found) if found else None
