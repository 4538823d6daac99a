"""A history page read together with its account: `account(id) { transactions(…) }`.

GraphQL resolves `account` first and `transactions` under it, which made a history page two
database round trips one after the other: the account (with the membership check), then the
page of entries. When the `account` field's selection asks for exactly one `transactions`
field, without a filter or a directive, `account` looks ahead at that field's arguments and
reads the account, the page and the members' profiles in one aggregation
(`HistoryService.account_with_page`); `Account.transactions` then answers from that page when
it resolves that very field node. Anything else (a filter, two `transactions` fields, a
fragment with a directive, arguments `page_request` refuses, a malformed cursor) takes the
ordinary way, which reports the errors exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_argument_values

from app.core.errors import ValidationError
from app.graphql.context import Info
from app.graphql.relay import page_request
from app.persistence.keyset import Page, PageRequest

FIELD = "transactions"


@dataclass(frozen=True)
class PageAhead:
    """The page a `transactions` field node asks for, before it is read."""

    node: FieldNode
    request: PageRequest
    size: int


@dataclass(frozen=True)
class PrefetchedPage:
    """The page read with the account, for the `transactions` field node that asked for it."""

    node: FieldNode
    page: Page[dict[str, Any]]  # stored rows (`TransactionConnection.from_rows`)

    def serves(self, info: Info) -> bool:
        nodes = info._raw_info.field_nodes
        return len(nodes) == 1 and nodes[0] is self.node


def page_ahead(info: Info, account_type: str) -> PageAhead | None:
    """The page the `transactions` field under this `account` field asks for, if it can be
    read with the account (see the module's docstring)."""
    raw: GraphQLResolveInfo[Any] = info._raw_info
    if len(raw.field_nodes) != 1 or raw.field_nodes[0].selection_set is None:
        return None
    found: FieldNode | None = None
    for node in _fields(raw, raw.field_nodes[0].selection_set):
        if node is None:
            return None  # a directive decides what is selected
        if node.name.value == FIELD:
            if found is not None:
                return None
            found = node
    if found is None or found.directives:
        return None
    parent = raw.schema.get_type(account_type)
    if not isinstance(parent, GraphQLObjectType):
        return None
    # Strawberry hands resolvers the coerced variables only; their sources matter to
    # defaults of fragment variables, which a `transactions` field found here cannot use.
    variables = VariableValues(sources={}, coerced=raw.variable_values)  # type: ignore[arg-type]
    try:
        arguments = get_argument_values(parent.fields[FIELD], found, variables)
    except (GraphQLError, LookupError, TypeError):
        return None
    if arguments.get("filter") is not None:
        return None
    try:
        request, size = page_request(
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )
    except ValidationError:
        return None  # `transactions` reports it
    return PageAhead(found, request, size)


def _fields(
    raw: GraphQLResolveInfo[Any], selections: SelectionSetNode
) -> Iterator[FieldNode | None]:
    """The field nodes of a selection set, through its fragments; None for a directive."""
    for selection in selections.selections:
        if selection.directives:
            yield None
        elif isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(raw, selection.selection_set)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = raw.fragments.get(selection.name.value)
            if fragment is None or fragment.directives:
                yield None
            else:
                yield from _fields(raw, fragment.selection_set)
