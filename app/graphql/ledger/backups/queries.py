"""`restoreJob(id)`: how far a restore of the caller's got."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.context import Info
from app.graphql.ledger.backups.types import RestoreJob
from app.graphql.relay import Node, decode_id


@strawberry.type
class BackupQuery:
    @strawberry.field(description="One of your restore jobs; NOT_FOUND if not yours.")
    async def restore_job(self, info: Info, id: strawberry.ID) -> RestoreJob | None:
        viewer = await info.context.viewer()
        job = await info.context.services.restores.job(viewer, decode_id(id, "RestoreJob", "id"))
        return RestoreJob.from_document(job)


async def load_restore_job(info: Info, job_id: ObjectId) -> Node | None:
    restores = info.context.services.restores
    found = await info.context.visible(lambda viewer: restores.job(viewer, job_id))
    return RestoreJob.from_document(found) if found else None
