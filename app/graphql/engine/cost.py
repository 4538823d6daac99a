"""The cost estimate of a GraphQL request, GitHub style: how many objects it may return.

- A field that returns an object counts 1 for each object of its parent.
- A connection field (one with `first`/`last` arguments) multiplies the lists right under
  it (`edges`) by its page size: `first`, else `last`, else the default page size — what
  the resolver will fetch. A paged field whose lists share one page (their lengths add up
  to at most the page size; metadata `SHARED_PAGE`, e.g. the kinds of objects of a sync
  page) costs a page of its costliest list's objects, when each costs a fixed amount;
  otherwise all of its lists count a page each, as above.
- Any other list of objects counts as the length of its list argument (`nodes(ids:)`), or
  as `list_size` items when it has none.
- Scalars and enums are free, and so is introspection (`__schema`, `__type`).
- Fragments count where they are spread, inline fragments each (an upper bound).

Walking the document happens once per (query text, operation name): it yields a
`CostPlan`, a constant plus terms that depend on variables (a page size given as
`$first`), so each request only does a few multiplications.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
)
from graphql.utilities import get_operation_ast, value_from_ast_untyped
from strawberry.schema.schema_converter import GraphQLCoreConverter

from app.graphql.relay import DEFAULT_PAGE_SIZE

# Field metadata: the lists right under this paged field share its page (module docstring).
SHARED_PAGE = "cost_shared_page"

Variables = Mapping[str, Any]
Factor = Callable[[Variables], int]
Size = int | Factor


@dataclass(frozen=True)
class CostPlan:
    """The cost of one operation of one document, as a function of its variables."""

    constant: int
    terms: tuple[tuple[int, tuple[Factor, ...]], ...] = ()
    defaults: Mapping[str, Any] | None = None

    def requested(self, variables: Variables | None) -> int:
        if not self.terms:
            return self.constant
        values = {**(self.defaults or {}), **(variables or {})}
        total = self.constant
        for coefficient, factors in self.terms:
            product = coefficient
            for factor in factors:
                product *= factor(values)
            total += product
        return total


def _count(value: Any) -> int | None:
    """A page size or length as given by a client: ints only, negatives as zero."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, value)
    return None


def _page_size(first: Any, last: Any) -> int:
    for given in (_count(first), _count(last)):
        if given is not None:
            return given
    return DEFAULT_PAGE_SIZE


def _read(node: ValueNode | None) -> Callable[[Variables], Any]:
    if isinstance(node, VariableNode):
        name = node.name.value
        return lambda variables: variables.get(name)
    value = None if node is None else value_from_ast_untyped(node)
    return lambda _: value


class _Walk:
    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], list_size: int
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.list_size = list_size
        self.terms: dict[tuple[Factor, ...], int] = {}
        # A fragment's own terms, walked once per (fragment, page size it sits under):
        # spreading it scales them, so nested spreads cost linear, not exponential, time.
        self.fragment_terms: dict[tuple[str, int], dict[tuple[Factor, ...], int]] = {}

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: Any,
        multiplier: tuple[int, tuple[Factor, ...]],
        page: Size | None,
        seen: frozenset[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent, multiplier, page, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                self.selections(selection.selection_set, on, multiplier, page, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in self.fragments and name not in seen:
                    coefficient, factors = multiplier
                    for own, count in self.fragment(name, page, seen).items():
                        key = (*factors, *own)
                        self.terms[key] = self.terms.get(key, 0) + coefficient * count

    def fragment(
        self, name: str, page: Size | None, seen: frozenset[str]
    ) -> dict[tuple[Factor, ...], int]:
        key = (name, page if isinstance(page, int) else id(page))
        if key not in self.fragment_terms:
            fragment = self.fragments[name]
            on = self.schema.get_type(fragment.type_condition.name.value)
            outer, self.terms = self.terms, {}
            self.selections(fragment.selection_set, on, (1, ()), page, seen | {name})
            self.fragment_terms[key], self.terms = self.terms, outer
        return self.fragment_terms[key]

    def field(
        self,
        node: FieldNode,
        parent: Any,
        multiplier: tuple[int, tuple[Factor, ...]],
        page: Size | None,
        seen: frozenset[str],
    ) -> None:
        if node.name.value.startswith("__"):
            return
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(node.name.value)
        if definition is None or not is_composite_type(get_named_type(definition.type)):
            return
        size: Size = 1
        child_page: Size | None = None
        if "first" in definition.args or "last" in definition.args:
            child_page = self.page_size(node)
        elif isinstance(get_nullable_type(definition.type), GraphQLList):
            size = page if page is not None else self.list_length(node, definition.args)
        coefficient, factors = multiplier
        if isinstance(size, int):
            coefficient *= size
        else:
            factors = (*factors, size)
        self.terms[factors] = self.terms.get(factors, 0) + coefficient
        if node.selection_set is not None:
            named = get_named_type(definition.type)
            shared = None
            if child_page is not None and _shares_page(definition):
                shared = self.costliest_item(node.selection_set, named, seen)
            if shared is None:
                self.selections(node.selection_set, named, (coefficient, factors), child_page, seen)
            elif isinstance(child_page, int):
                self.terms[factors] = self.terms.get(factors, 0) + coefficient * child_page * shared
            elif child_page is not None:
                key = (*factors, child_page)
                self.terms[key] = self.terms.get(key, 0) + coefficient * shared

    def costliest_item(
        self, selection_set: SelectionSetNode, parent: Any, seen: frozenset[str]
    ) -> int | None:
        """The fixed cost of one object of the costliest selection under a `SHARED_PAGE`
        field (each walked with a page of one), or None when one's cost is not fixed."""
        outer, costs = self.terms, [0]
        try:
            for selection in selection_set.selections:
                self.terms = {}
                one = SelectionSetNode(selections=(selection,))
                self.selections(one, parent, (1, ()), 1, seen)
                if any(key for key, count in self.terms.items() if count):
                    return None
                costs.append(self.terms.get((), 0))
        finally:
            self.terms = outer
        return max(costs)

    def page_size(self, node: FieldNode) -> Size:
        arguments = {a.name.value: a.value for a in node.arguments or ()}
        first, last = _read(arguments.get("first")), _read(arguments.get("last"))
        if not any(isinstance(arguments.get(n), VariableNode) for n in ("first", "last")):
            return _page_size(first({}), last({}))
        return lambda variables: _page_size(first(variables), last(variables))

    def list_length(self, node: FieldNode, declared: Mapping[str, Any]) -> Size:
        lists = [
            a.value
            for a in node.arguments or ()
            if a.name.value in declared
            and isinstance(get_nullable_type(declared[a.name.value].type), GraphQLList)
        ]
        if not lists:
            return self.list_size
        if all(isinstance(value, ListValueNode) for value in lists):
            return max(len(value.values) for value in lists)  # type: ignore[attr-defined]
        readers = [_read(value) for value in lists]
        default = self.list_size

        def length(variables: Variables) -> int:
            found = [len(v) for read in readers if isinstance(v := read(variables), list)]
            return max(found, default=default)

        return length


def _shares_page(definition: Any) -> bool:
    found = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    metadata = getattr(found, "metadata", None) or {}
    return bool(metadata.get(SHARED_PAGE))


def plan_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, list_size: int
) -> CostPlan:
    """Walk the operation once; a document without that operation costs nothing."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return CostPlan(0)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, list_size)
    walk.selections(operation.selection_set, root, (1, ()), None, frozenset())
    defaults = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    constant = walk.terms.pop((), 0)
    terms = tuple((c, f) for f, c in walk.terms.items() if c)
    return CostPlan(constant, terms, defaults)


class QueryCosts:
    """Cost plans of recent documents (LRU), keyed by query text and operation name."""

    def __init__(self, list_size: int, cache_size: int = 512) -> None:
        self.list_size = list_size
        self._cache_size = cache_size
        self._plans: OrderedDict[tuple[str, str | None], CostPlan] = OrderedDict()

    def plan(
        self,
        schema: GraphQLSchema,
        query: str | None,
        document: DocumentNode,
        operation_name: str | None,
    ) -> CostPlan:
        if query is None:
            return plan_cost(schema, document, operation_name, self.list_size)
        key = (query, operation_name)
        plan = self._plans.get(key)
        if plan is None:
            plan = plan_cost(schema, document, operation_name, self.list_size)
            self._plans[key] = plan
            if len(self._plans) > self._cache_size:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        return plan
