"""Relay plumbing: the Node interface, opaque global ids, PageInfo and page-size rules.

A global id is "Type:rawid" in base64url. `decode_id` is the one way from a global id given
as input to a stored id: an id that is malformed, of another type, or of an object the caller
may not see all get the same NOT_FOUND answer.
"""

from __future__ import annotations

import binascii
from typing import Any

import strawberry

from app.core.errors import NotFoundError, ValidationError
from app.core.ids import ObjectId, parse_object_id
from app.core.tokens_b64 import b64url_decode, b64url_encode
from app.persistence.keyset import Page, PageRequest

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# What a global id of each type that no caller can see is called in NOT_FOUND answers.
MISSING = {
    "Account": "No such account.",
    "Envelope": "No such envelope in this account.",
    "Transaction": "No such transaction.",
    "PaymentSource": "No such payment source.",
    "Schedule": "No such schedule.",
    "Rule": "No such rule.",
    "User": "No such member of this account.",
    "LoginSession": "No such session.",
    "ImportJob": "No such import job.",
    "RestoreJob": "No such restore.",
    "Alert": "No such alert.",
}


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    id: strawberry.ID


def to_global_id(type_name: str, raw_id: object) -> strawberry.ID:
    token = b64url_encode(f"{type_name}:{raw_id}".encode())
    return strawberry.ID(token)


def from_global_id(global_id: str) -> tuple[str, str] | None:
    """(type name, raw id), or None when the id is not one of ours."""
    try:
        text = b64url_decode(global_id).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, raw_id = text.partition(":")
    return (type_name, raw_id) if sep and type_name and raw_id else None


def node_id(global_id: str) -> tuple[str, ObjectId] | None:
    """(type name, stored id), or None when the id cannot name a stored object."""
    decoded = from_global_id(global_id)
    object_id = parse_object_id(decoded[1]) if decoded is not None else None
    return None if decoded is None or object_id is None else (decoded[0], object_id)


def decode_id(global_id: str, type_name: str, field: str | list[str]) -> ObjectId:
    """The stored id of an input naming a `type_name`; NOT_FOUND (with the input's `field`
    path) when it cannot be one."""
    found = node_id(global_id)
    if found is None or found[0] != type_name:
        raise NotFoundError(MISSING[type_name], field=[field] if isinstance(field, str) else field)
    return found[1]


def decode_optional_id(global_id: str | None, type_name: str, field: str) -> ObjectId | None:
    return None if global_id is None else decode_id(global_id, type_name, field)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def from_page(cls, page: Page[Any]) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        )


def page_request(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> tuple[PageRequest, int]:
    """Check connection arguments; returns the request and its page size (≤ 100)."""
    if first is not None and last is not None:
        raise ValidationError("Pass either first or last, not both.", field=["last"])
    if last is None and before is not None:
        raise ValidationError("before goes with last.", field=["before"])
    if last is not None and after is not None:
        raise ValidationError("after goes with first.", field=["after"])
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
            raise ValidationError(f"{name} must be between 0 and {MAX_PAGE_SIZE}.", field=[name])
    size = first if first is not None else last if last is not None else DEFAULT_PAGE_SIZE
    return PageRequest(first=first, after=after, last=last, before=before), size
