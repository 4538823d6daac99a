"""Restore jobs: created by `restoreBackup`, updated by the job as it runs, read by their user."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.restore_jobs import RestoreJobDocument, RestoreStatus


class RestoreJobRepository:
    def __init__(self) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = (
            RestoreJobDocument.get_pymongo_collection()
        )

    async def insert(self, job: RestoreJobDocument) -> None:
        await self.collection.insert_one(job.model_dump(by_alias=True, exclude={"revision_id"}))

    async def of_user(self, job_id: ObjectId, user_id: ObjectId) -> RestoreJobDocument | None:
        row = await self.collection.find_one({"_id": job_id, "user_id": user_id})
        return None if row is None else RestoreJobDocument.model_validate(row)

    async def update(
        self, job_id: ObjectId, fields: dict[str, Any], running_only: bool = False
    ) -> RestoreJobDocument | None:
        """The job after the change; `running_only`: unless it has ended (then None)."""
        query: dict[str, Any] = {"_id": job_id}
        if running_only:
            query["status"] = {
                "$in": [RestoreStatus.VERIFYING.value, RestoreStatus.RESTORING.value]
            }
        row = await self.collection.find_one_and_update(
            query, {"$set": fields}, return_document=ReturnDocument.AFTER
        )
        return None if row is None else RestoreJobDocument.model_validate(row)
