"""The id of every stored object: a MongoDB ObjectId. Layers above persistence import it from
here rather than from the driver, so the driver stays inside `app.persistence`."""

from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId

__all__ = ["ObjectId", "parse_object_id"]


def parse_object_id(text: str) -> ObjectId | None:
    """The id written as 24 hex digits, or None for anything else."""
    try:
        return ObjectId(text)
    except (InvalidId, TypeError):
        return None
