"""A faster way through plain fields, with graphql-core's executor for everything else.

Most of a response is plain data: fields without a resolver of their own (a Strawberry
"basic field": the value is an attribute of the parent object) holding scalars, enums,
lists, or objects made only of such fields. graphql-core spends several microseconds on
each field (resolve info, path, completion by type); a history page of 50 entries has about
1,500 of them, which made execution, not MongoDB, the cost of a page.

`PlainFieldExecutor.execute_fields` compiles, once per selection set and request, a small
function per plain field that reads the attribute and serialises it the way graphql-core
would. Fields with resolvers (and everything they return) still go through graphql-core.
If a plain value is not exactly what the fast path expects (a null in a non-null field, a
leaf that does not serialise, an object of the wrong type), the whole object is executed
again by graphql-core, which then produces the error, located and propagated as the
specification says. Plain fields only read attributes, so running them twice is harmless,
and they run before any resolver of the same object.

A field with a resolver counts as plain when its metadata names a `PREFETCHED` attribute
and the parent object carries the value there: a page of entries loads its recorders in
one query, and then every entry's `recordedBy` is plain data.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    BREAK,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    Undefined,
    Visitor,
    visit,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from app.graphql.engine.gathering import gather_completing
from app.graphql.engine.gathering import install as install_gathering
from app.graphql.engine.shared_events import shared_key, shared_result

Complete = Callable[[Any], Any]

install_gathering()  # siblings of a failed field finish instead of being cancelled

# Field metadata naming the attribute that holds the field's value when it was loaded
# ahead (e.g. for a whole page at once); when it is None, the field's resolver runs.
PREFETCHED = "prefetched_attribute"


class _NotPlain(Exception):
    """A value the fast path does not handle: graphql-core executes the object instead.

    Raised as a new instance every time: a shared instance would collect the traceback of
    every raise, and with it the frames (and executors) of every such request."""


class _Plan:
    """How to execute one selection set on one object type: a completer per plain field
    (None for the fields graphql-core executes), in response order."""

    __slots__ = ("all_plain", "any_plain", "fields", "keep_alive")

    def __init__(self, fields: list[tuple[str, Complete | None]], keep_alive: object) -> None:
        self.fields = fields
        self.all_plain = all(complete is not None for _, complete in fields)
        self.any_plain = any(complete is not None for _, complete in fields)
        self.keep_alive = keep_alive  # what the plan's cache key holds ids of

    def run_plain(self, source: Any) -> dict[str, Any]:
        """Every field, when all are plain."""
        return {name: complete(source) for name, complete in self.fields}  # type: ignore[misc]


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # This request's plans by the id of their grouped field set, which each entry keeps
        # alive: a set freed mid-request could hand its id to another (of another type), and
        # its plan would then name fields that set does not have.
        self._plans: dict[int, tuple[GroupedFieldSet, _Plan]] = {}
        # A schema extension with a `resolve` hook must see every field: no fast path then.
        self._fast = not self.middleware_manager or not self.middleware_manager.middlewares
        free = _directive_free(self.operation, self.fragment_definitions)
        self._shared = _shared_plans(self.schema) if free else None

    def execute_operation(self, serially: bool | None = None) -> Any:
        """A subscription event (`serially` False) is executed once for all subscribers who
        would get the same answer (`app.graphql.engine.shared_events`)."""
        key = shared_key(self) if serially is False else None
        if key is None:
            return super().execute_operation(serially)
        return shared_result(
            key, lambda: super(PlainFieldExecutor, self).execute_operation(serially), self.operation
        )

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self._plan(parent_type, grouped_field_set) if self._fast else None
        if plan is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        try:
            if plan.all_plain:
                return plan.run_plain(source_value)
            plain = {
                name: complete(source_value)
                for name, complete in plan.fields
                if complete is not None
            }
        except _NotPlain:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        return self._execute_rest(
            parent_type, source_value, path, grouped_field_set, position_context, plan, plain
        )

    def _execute_rest(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
        plan: _Plan,
        plain: dict[str, Any],
    ) -> AwaitableOrValue[dict[str, Any]]:
        """graphql-core's `execute_fields` for the other fields, in response order."""
        results: dict[str, Any] = {}
        pending: list[str] = []
        try:
            for name, complete in plan.fields:
                if complete is not None:
                    results[name] = plain[name]
                    continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    grouped_field_set[name],
                    Path(path, name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[name] = result
                    if self.is_awaitable(result):
                        pending.append(name)
        except Exception:
            if pending:
                self.settle_in_background([results[name] for name in pending])
            raise
        if not pending:
            return results
        return self._await_pending(results, pending)

    async def _await_pending(self, results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
        if len(pending) == 1:
            results[pending[0]] = await results[pending[0]]
            return results
        values = await gather_completing(*(results[name] for name in pending))
        results.update(zip(pending, values, strict=True))
        return results

    # --- compiling ---------------------------------------------------------------------

    def _plan(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> _Plan | None:
        known = self._plans.get(id(fields))
        plan = known[1] if known is not None else self._compile(parent_type, fields)
        return plan if plan.any_plain else None

    def _compile(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> _Plan:
        """The plan of a selection set, from this request's plans, else from the plans of
        earlier requests of the same document, else compiled now."""
        known = self._plans.get(id(fields))
        if known is not None:
            return known[1]
        plan: _Plan | None = None
        key = None
        if self._shared is not None:
            nodes = tuple(d.node for details in fields.values() for d in details)
            key = (parent_type.name, *map(id, nodes))
            plan = self._shared.get(key)
        if plan is None:
            compiled: list[tuple[str, Complete | None]] = []
            for name, details in fields.items():
                compiled.append((name, self._plain_field(parent_type, details)))
            plan = _Plan(compiled, keep_alive=fields)
            if self._shared is not None and key is not None:
                _remember(self._shared, key, _Plan(compiled, keep_alive=nodes))
        self._plans[id(fields)] = (fields, plan)
        return plan

    def _plain_field(
        self, parent_type: GraphQLObjectType, details: FieldDetailsList
    ) -> Complete | None:
        node = details[0].node
        field_name = node.name.value
        if field_name == "__typename":
            type_name = parent_type.name
            return lambda _source: type_name
        field_def = self.schema.get_field(parent_type, field_name)
        if field_def is None or field_def.args or node.arguments:
            return None
        definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if definition is None:
            return None
        prefetched: str | None = (definition.metadata or {}).get(PREFETCHED)
        basic = getattr(field_def.resolve, "_is_default", False) and definition.is_basic_field
        if not basic and prefetched is None:
            return None  # a resolver of its own
        complete = self._completer(field_def.type, details)
        if complete is None:
            return None
        if prefetched is not None and not basic:
            return _prefetched(prefetched, complete)
        if definition.default_resolver is getattr:
            fused = _fused_attribute(definition.python_name, field_def.type)
            if fused is not None:
                return fused
        return _attribute(definition.default_resolver, definition.python_name, complete)

    def _completer(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Complete | None:
        """A function completing a resolved value of `type_` as graphql-core would, raising
        `_NotPlain` where graphql-core would report an error; None if not plain at all."""
        if isinstance(type_, GraphQLNonNull):
            inner = self._completer(type_.of_type, details)
            return None if inner is None else _non_null(inner)
        if isinstance(type_, GraphQLList):
            inner = self._completer(type_.of_type, details)
            return None if inner is None else _list_of(inner)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return _leaf(type_)
        if isinstance(type_, GraphQLObjectType):
            grouped, _defers, _forbidden = self.collect_subfields(type_, details)
            plan = self._compile(type_, grouped)
            if not plan.all_plain:
                return None
            return _object(plan, type_.is_type_of)
        return None  # interfaces and unions resolve their type: graphql-core's job


def _attribute(read: Callable[[Any, str], Any], attribute: str, complete: Complete) -> Complete:
    def complete_attribute(source: Any) -> Any:
        try:
            value = read(source, attribute)
        except Exception:
            raise _NotPlain from None  # graphql-core reports it at the field's path
        return complete(value)

    return complete_attribute


def _fused_attribute(attribute: str, type_: GraphQLOutputType) -> Complete | None:
    """`_attribute(getattr, attribute, complete)` in one call for a leaf (nullable or not),
    the most common field of all: the same values, the same `_NotPlain`s."""
    nullable = not isinstance(type_, GraphQLNonNull)
    leaf = type_ if nullable else type_.of_type  # type: ignore[union-attr]
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    by_call = _leaf(leaf)
    exact = _exact_class(leaf)

    def complete_leaf(source: Any) -> Any:
        try:
            value = getattr(source, attribute)
        except Exception:
            raise _NotPlain from None  # graphql-core reports it at the field's path
        if value.__class__ is exact:
            return value
        if value is None:
            if nullable:
                return None
            raise _NotPlain
        return by_call(value)

    return complete_leaf


# Plans outlive a request when its document has no directive (no @skip/@include, whose
# variables could change which fields a selection holds). A plan is keyed by the ids of
# the field nodes of the cached, parsed document, and keeps those nodes alive.
_SHARED_PLANS: WeakKeyDictionary[GraphQLSchema, OrderedDict[tuple[Any, ...], _Plan]]
_SHARED_PLANS = WeakKeyDictionary()
_MAX_SHARED_PLANS = 4096
_DIRECTIVE_FREE: OrderedDict[int, tuple[OperationDefinitionNode, bool]] = OrderedDict()
_MAX_DOCUMENTS = 1024


def _shared_plans(schema: GraphQLSchema) -> OrderedDict[tuple[Any, ...], _Plan]:
    plans = _SHARED_PLANS.get(schema)
    if plans is None:
        plans = _SHARED_PLANS[schema] = OrderedDict()
    return plans


def _remember(
    plans: OrderedDict[tuple[Any, ...], _Plan], key: tuple[Any, ...], plan: _Plan
) -> None:
    plans[key] = plan
    if len(plans) > _MAX_SHARED_PLANS:
        plans.popitem(last=False)


def _directive_free(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    """Whether the operation and the fragments of its document use no directive."""
    known = _DIRECTIVE_FREE.get(id(operation))
    if known is not None and known[0] is operation:
        return known[1]
    free = _has_no_directive(operation) and all(map(_has_no_directive, fragments.values()))
    _DIRECTIVE_FREE[id(operation)] = (operation, free)
    if len(_DIRECTIVE_FREE) > _MAX_DOCUMENTS:
        _DIRECTIVE_FREE.popitem(last=False)
    return free


def _has_no_directive(node: OperationDefinitionNode | FragmentDefinitionNode) -> bool:
    found = False

    class Finder(Visitor):
        def enter_directive(self, *_: Any) -> Any:
            nonlocal found
            found = True
            return BREAK

    visit(node, Finder())
    return not found


def _prefetched(holder: str, complete: Complete) -> Complete:
    def complete_prefetched(source: Any) -> Any:
        value = getattr(source, holder, None)
        if value is None:
            raise _NotPlain  # not loaded ahead: the field's resolver runs
        return complete(value)

    return complete_prefetched


def _non_null(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            raise _NotPlain
        return inner(value)

    return complete


def _list_of(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
            raise _NotPlain
        return [inner(item) for item in value]

    return complete


# Values that graphql-core's built-in scalars serialise to themselves: no call needed.
_IDENTICAL: dict[GraphQLScalarType, Callable[[Any], bool]] = {
    GraphQLString: lambda value: value.__class__ is str,
    GraphQLID: lambda value: value.__class__ is str,
    GraphQLBoolean: lambda value: value.__class__ is bool,
    GraphQLInt: lambda value: value.__class__ is int and -(2**31) <= value < 2**31,
}


# The built-in scalars whose values of exactly this class serialise to themselves.
_EXACT: dict[GraphQLScalarType, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}


def _exact_class(type_: GraphQLScalarType | GraphQLEnumType) -> type | None:
    """The class whose values the type serialises to themselves, if any: the built-in
    `String`, `ID` and `Boolean`, and scalars serialised by `str` (e.g. `Decimal`), for
    which `str(value)` of a `str` is the value itself."""
    if isinstance(type_, GraphQLEnumType):
        return None
    return str if type_.serialize is str else _EXACT.get(type_)


def _leaf(type_: GraphQLScalarType | GraphQLEnumType) -> Complete:
    if isinstance(type_, GraphQLEnumType):
        return _enum_leaf(type_)
    by_call = _leaf_by_call(type_.serialize)
    identical = _IDENTICAL.get(type_) if isinstance(type_, GraphQLScalarType) else None
    if identical is None:
        return by_call

    def complete(value: Any) -> Any:
        if identical(value):
            return value
        return by_call(value)

    return complete


def _enum_leaf(type_: GraphQLEnumType) -> Complete:
    """An enum's names by value, remembered once serialised: Strawberry's enum types look a
    value up among all of theirs on every call. Keyed by the value's class too, so that a
    value equal to another of another class (a `StrEnum` member and its string, 1 and True)
    is serialised on its own."""
    by_call = _leaf_by_call(type_.serialize)
    names: dict[tuple[type, Any], Any] = {}

    def complete(value: Any) -> Any:
        key = (value.__class__, value)
        try:
            return names[key]
        except KeyError:
            pass
        except TypeError:
            return by_call(value)  # unhashable: never one of the enum's values
        serialized = names[key] = by_call(value)  # raises _NotPlain for a wrong value
        if len(names) > 4 * len(type_.values) + 8:
            names.clear()  # values that are not the enum's own: keep it small
        return serialized

    return complete


def _leaf_by_call(serialize: Callable[[Any], Any]) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        try:
            serialized = serialize(value)
        except Exception:
            raise _NotPlain from None
        if serialized is None or serialized is Undefined:
            raise _NotPlain
        return serialized

    return complete


def _object(plan: _Plan, is_type_of: Callable[[Any, Any], Any] | None) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        if is_type_of is not None:
            try:
                matches = is_type_of(value, None)  # Strawberry's checks ignore `info`
            except Exception:
                raise _NotPlain from None
            if matches is not True:
                raise _NotPlain
        return plan.run_plain(value)

    return complete
