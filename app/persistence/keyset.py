"""Keyset (cursor) pagination over a stable sort: no skip/offset, stable while rows arrive.

A cursor is the sort-key values of a row, encoded opaquely. Paging forward (first/after)
reads rows strictly after the cursor in sort order; backward (last/before) reads strictly
before it in reverse order and flips the result, so each row is seen exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.core.errors import ValidationError
from app.core.tokens_b64 import b64url_decode, b64url_encode

SortSpec = list[tuple[str, int]]  # [(field, 1 | -1), …]; the last field must be unique
T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def _encode_value(value: Any) -> Any:
    if isinstance(value, ObjectId):
        return {"o": str(value)}
    if isinstance(value, datetime):
        return {"d": value.isoformat()}
    return value


_INT64 = range(-(2**63), 2**63)


def _decode_value(value: Any) -> Any:
    """A sort-key value back from JSON; ValueError for anything a cursor of ours never holds."""
    if isinstance(value, dict) and len(value) == 1:
        if isinstance(value.get("o"), str) and ObjectId.is_valid(value["o"]):
            return ObjectId(value["o"])
        if isinstance(value.get("d"), str):
            return datetime.fromisoformat(value["d"])
    if isinstance(value, str) or (
        isinstance(value, int) and not isinstance(value, bool) and value in _INT64
    ):
        return value
    raise ValueError(value)


def _json_value(value: Any) -> str:
    """`json.dumps` of `_encode_value(value)`, written out for the types sort keys hold (a
    page encodes a cursor per row); anything else goes through `json.dumps` itself."""
    if isinstance(value, datetime):
        return f'{{"d": "{value.isoformat()}"}}'
    if isinstance(value, ObjectId):
        return f'{{"o": "{value}"}}'
    if type(value) is int:
        return str(value)
    return json.dumps(_encode_value(value))


def encode_cursor(row: Mapping[str, Any], sort: SortSpec) -> str:
    text = "[" + ", ".join([_json_value(row[name]) for name, _ in sort]) + "]"
    return b64url_encode(text.encode())


def decode_cursor(cursor: str, sort: SortSpec, field: str) -> list[Any]:
    try:
        raw = b64url_decode(cursor)
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(sort):
            raise ValueError(cursor)
        return [_decode_value(v) for v in values]
    except (ValueError, TypeError, KeyError):
        raise ValidationError("Invalid cursor.", field=[field]) from None


def _beyond(sort: SortSpec, values: list[Any], forward: bool) -> dict[str, Any]:
    """The filter for rows strictly after (forward) or before the cursor in sort order."""
    clauses = []
    for i, (name, direction) in enumerate(sort):
        ascending_after = (direction == 1) == forward
        clause = {sort[j][0]: values[j] for j in range(i)}
        clause[name] = {"$gt" if ascending_after else "$lt": values[i]}
        clauses.append(clause)
    return {"$or": clauses}


@dataclass(frozen=True)
class PageFind:
    """The find that reads one page (see `page_find`), and how its rows become the page."""

    filter: dict[str, Any]
    order: SortSpec
    limit: int  # one more than the page: whether there are more
    sort: SortSpec
    size: int
    forward: bool
    from_cursor: bool

    def page(self, rows: list[dict[str, Any]], parse: Callable[[dict[str, Any]], T]) -> Page[T]:
        """The page of `parse`d documents, with the cursor of each, from the rows found."""
        more = len(rows) > self.size
        rows = rows[: self.size]
        if not self.forward:
            rows.reverse()
        return Page(
            items=[parse(row) for row in rows],
            cursors=[encode_cursor(row, self.sort) for row in rows],
            has_next_page=more if self.forward else self.from_cursor,
            has_previous_page=self.from_cursor if self.forward else more,
        )


def page_find(query: dict[str, Any], sort: SortSpec, request: PageRequest, size: int) -> PageFind:
    """The filter, order and limit of the find that reads a page of `query` (VALIDATION for
    a malformed cursor), for `fetch_page` or a read that runs it with another one."""
    forward = request.last is None
    cursor = request.after if forward else request.before
    if cursor is not None:
        values = decode_cursor(cursor, sort, "after" if forward else "before")
        query = {"$and": [query, _beyond(sort, values, forward)]}
    order = sort if forward else [(name, -direction) for name, direction in sort]
    return PageFind(query, order, size + 1, sort, size, forward, cursor is not None)


async def fetch_page(
    collection: AsyncCollection[dict[str, Any]],
    query: dict[str, Any],
    sort: SortSpec,
    request: PageRequest,
    size: int,
    parse: Callable[[dict[str, Any]], T],
) -> Page[T]:
    """One page of `parse`d documents, with the cursor of each."""
    find = page_find(query, sort, request, size)
    rows = await collection.find(find.filter).sort(find.order).limit(find.limit).to_list()
    return find.page(rows, parse)
