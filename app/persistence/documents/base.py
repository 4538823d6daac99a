"""What every stored shape shares: ids that are MongoDB ObjectIds, set from the start."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from bson import ObjectId
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema


class _ObjectIdSchema:
    """Ids come from MongoDB or from our own code, always as ObjectIds: an isinstance check
    (done by pydantic-core, no Python call) instead of Beanie's `PydanticObjectId`, which
    parses every id again: a history page holds about 400 of them."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.is_instance_schema(
            ObjectId,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
        )


StoredId = Annotated[ObjectId, _ObjectIdSchema]


class Stored(BaseModel):
    """Mixed in before Beanie's `Document`: the id is set from the start (a new ObjectId until
    the document is stored), so it is never None."""

    model_config = ConfigDict(populate_by_name=True)

    id: StoredId = Field(default_factory=ObjectId, alias="_id")


def stored_day(day: date) -> datetime:
    """Days are stored as UTC midnight (BSON has no date type)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
