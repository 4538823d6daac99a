"""Stored documents as JSON and back, for household backups.

A `Codec` is derived once from a stored shape (a pydantic model): it knows which fields hold
ids (ObjectIds, written as 24 hex digits) and which hold moments (datetimes, written in ISO
8601 with their UTC offset), down through embedded records and lists of them; everything else
(integers in minor units, strings, enums, booleans) is JSON already. `encode` readies a
stored row for `json.dumps(..., default=json_default)` (`_id` written as `id`; ids and moments
are written by `json_default`, called by the encoder in C only for them: a million entries
are written without a Python loop over their fields); `decode` turns a record back, passing
every id through the caller's remapping (`ids` for the household's own objects, `users` for
the fields the record type names as user ids), so a restore writes new ids of its own.

A field the model does not know is copied as it is; if it holds an id or a moment, encoding
fails loudly (JSON cannot tell them from text) rather than writing a backup that cannot be
restored the same: give the model the field.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from inspect import isclass
from typing import Annotated, Any, TypeAlias, Union, get_args, get_origin

from bson import ObjectId
from pydantic import BaseModel

Remap = Callable[[str], ObjectId]

ID, IDS, TIME, TIMES = "id", "ids", "time", "times"
Kind: TypeAlias = "str | Codec | tuple[str, Codec] | None"


def _kind(annotation: Any) -> Kind:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _kind(args[0])
    if origin in (Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        return _kind(present[0]) if len(present) == 1 else None
    if origin is list:
        inner = _kind(args[0])
        if inner == ID:
            return IDS
        if inner == TIME:
            return TIMES
        return ("list", inner) if isinstance(inner, Codec) else None
    if annotation is ObjectId:
        return ID
    if annotation is datetime:
        return TIME
    if isclass(annotation) and issubclass(annotation, BaseModel):
        return Codec(annotation)
    return None


class Codec:
    """JSON of one stored shape (see the module docstring). `users`: the dotted paths of
    the fields that hold user ids ("recorded_by", "members.user_id")."""

    def __init__(self, model: type[BaseModel], users: Iterable[str] = ()) -> None:
        self.model: type[BaseModel] = model
        paths = list(users)
        self.users = {p for p in paths if "." not in p}
        self.fields: dict[str, Kind] = {}
        for name, info in model.model_fields.items():
            key = info.alias or name
            kind = _kind(info.annotation)
            nested = [p.split(".", 1)[1] for p in paths if p.startswith(f"{key}.")]
            if nested and isinstance(kind, Codec):
                kind = Codec(kind.model, nested)
            elif nested and isinstance(kind, tuple):
                kind = ("list", Codec(kind[1].model, nested))
            self.fields[key] = kind
        self.aliased = "_id" in self.fields  # a document's id, stored as `_id`, written `id`
        self.typed = [(key, kind) for key, kind in self.fields.items() if kind is not None]

    def encode(self, row: dict[str, Any]) -> dict[str, Any]:
        for key in row.keys() - self.fields.keys():
            if isinstance(row[key], ObjectId | datetime):
                raise TypeError(f"{self.model.__name__}.{key} is not a field of the model")
        if self.aliased and "_id" in row:
            return {"id": row.pop("_id"), **row}
        return row

    def decode(self, record: Mapping[str, Any], ids: Remap, users: Remap) -> dict[str, Any]:
        """Only the typed fields are visited (a dozen of an entry's thirty): a restore decodes
        a million entries."""
        row = dict(record)
        if self.aliased and "id" in row:
            row = {"_id": row.pop("id"), **row}
        for key, kind in self.typed:
            value = row.get(key)
            if value is not None:
                remap = users if key in self.users else ids
                row[key] = _decode(kind, value, remap, ids, users)
        return row


def json_default(value: object) -> str:
    """How `json.dumps` writes what JSON has no type for: ids and moments (see `encode`)."""
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored in a backup")


def _decode(kind: Kind, value: Any, remap: Remap, ids: Remap, users: Remap) -> Any:
    if value is None or kind is None:
        return value
    if kind == ID:
        return remap(value)
    if kind == IDS:
        return [remap(v) for v in value]
    if kind == TIME:
        return datetime.fromisoformat(value)
    if kind == TIMES:
        return [datetime.fromisoformat(v) for v in value]
    if isinstance(kind, Codec):
        return kind.decode(value, ids, users)
    if isinstance(kind, tuple):
        return [kind[1].decode(v, ids, users) for v in value]
    return value
