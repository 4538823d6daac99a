"""Global ids of the ledger's objects. A malformed id, an id of another type and an id of an
object the caller may not see all give the same NOT_FOUND answer."""

from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId

from app.core.errors import NotFoundError
from app.graphql.relay import from_global_id

MISSING = {
    "Account": "No such account.",
    "Envelope": "No such envelope in this account.",
    "Transaction": "No such transaction.",
    "PaymentSource": "No such payment source.",
    "User": "No such member of this account.",
}


def raw_id(global_id: str, type_name: str, field: list[str] | str) -> ObjectId:
    decoded = from_global_id(global_id)
    path = [field] if isinstance(field, str) else field
    if decoded is None or decoded[0] != type_name:
        raise NotFoundError(MISSING[type_name], field=path)
    try:
        return ObjectId(decoded[1])
    except (InvalidId, TypeError):
        raise NotFoundError(MISSING[type_name], field=path) from None


def optional_raw_id(global_id: str | None, type_name: str, field: str) -> ObjectId | None:
    return None if global_id is None else raw_id(global_id, type_name, field)
