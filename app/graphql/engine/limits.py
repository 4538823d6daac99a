"""Per-request limits: query depth and alias count (validation rules, cached with the
validation), and the cost estimate and execution timeout (`RequestLimits`).

(The token limit is strawberry's `MaxTokensLimiter`, enforced by the parser.)
Introspection fields (`__schema`, `__type`) are not counted, so GraphiQL keeps working.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.core.settings import Settings
from app.graphql.engine.cost import QueryCosts
from app.graphql.engine.timeout import Deadline


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str],
    memo: dict[str, int] | None = None,
) -> int:
    """Depth of a selection set. Each fragment is measured once (`memo`): a chain of
    fragments that each spread the next twice would otherwise take exponential time."""
    if selection_set is None:
        return 0
    memo = {} if memo is None else memo
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            deepest = max(deepest, 1 + _depth(selection.selection_set, fragments, seen, memo))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, seen, memo))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen:  # cycles are another rule's error
                continue
            if name not in memo:
                memo[name] = _depth(fragment.selection_set, fragments, seen | {name}, memo)
            deepest = max(deepest, memo[name])
    return deepest


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    class DepthLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            depth = _depth(node.selection_set, fragments, frozenset())
            if depth > max_depth:
                self.report_error(
                    GraphQLError(
                        f"Query depth {depth} exceeds the maximum of {max_depth}.",
                        node,
                        extensions={"code": "QUERY_TOO_DEEP"},
                    )
                )

    return DepthLimit


def alias_limit_rule(max_aliases: int) -> type[ValidationRule]:
    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.alias is not None:
                self.count += 1

        def leave_document(self, *_: Any) -> None:
            if self.count > max_aliases:
                self.report_error(
                    GraphQLError(
                        f"The request uses {self.count} aliases; the maximum is {max_aliases}.",
                        extensions={"code": "TOO_MANY_ALIASES"},
                    )
                )

    return AliasLimit


class RequestLimits(SchemaExtension):
    """Refuse a request whose estimated cost is over the maximum before anything runs
    (QUERY_TOO_COSTLY), run the rest under the request's time limit (TIMEOUT), and report
    `extensions.cost` in every response.

    Only the per-request `on_execute` hook: no `resolve` hook, so fields resolve at full
    speed. The cost plan of a document is cached (see `app.graphql.engine.cost`).
    """

    def __init__(self, costs: QueryCosts, settings: Settings) -> None:
        super().__init__()
        self.costs = costs
        self.max_cost = settings.max_query_cost
        self.timeout_seconds = settings.request_timeout_seconds
        self.no_primary_seconds = min(
            settings.request_timeout_seconds, settings.server_selection_timeout_ms / 1000
        )
        self.requested = 0

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None  # noqa: S101 (validated before execution)
        plan = self.costs.plan(
            context.schema._schema, context.query, context.graphql_document,
            context.operation_name,
        )  # fmt: skip
        self.requested = plan.requested(context.variables)
        if self.requested > self.max_cost:
            if context.operation_type is OperationType.SUBSCRIPTION:
                # A subscription is not stopped by a preset result (Strawberry subscribes
                # regardless): raising here answers with the error instead.
                raise self._too_costly()
            context.result = ExecutionResult(data=None, errors=[self._too_costly()])
            yield
            return
        known = primary_known(context.context)
        deadline = Deadline(self.timeout_seconds if known else self.no_primary_seconds)
        with deadline:
            yield
        deadline.mark(context.result)  # type: ignore[arg-type]

    def get_results(self) -> dict[str, Any]:
        return {"cost": {"requested": self.requested, "maximum": self.max_cost}}

    def _too_costly(self) -> GraphQLError:
        return too_costly(self.requested, self.max_cost)


def too_costly(requested: int, max_cost: int) -> GraphQLError:
    return GraphQLError(
        f"The request's estimated cost is {requested}; the maximum is "
        f"{max_cost}. Ask for smaller pages (first/last) or fewer nested lists.",
        extensions={"code": "QUERY_TOO_COSTLY"},
    )


def primary_known(context: Any) -> bool:
    """Whether the driver currently knows a writable primary (an in-memory check)."""
    services = getattr(context, "services", None)
    if services is None:
        return True
    known: bool = services.db.client.topology_description.has_writable_server()
    return known
