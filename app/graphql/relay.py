"""Relay plumbing: the Node interface, opaque global ids, PageInfo and page-size rules."""

from __future__ import annotations

import binascii

import strawberry

from app.core.errors import ValidationError
from app.core.tokens_b64 import b64url_decode, b64url_encode
from app.persistence.keyset import Page, PageRequest

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    id: strawberry.ID


def to_global_id(type_name: str, raw_id: str) -> strawberry.ID:
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


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def from_page(cls, page: Page) -> PageInfo:
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
