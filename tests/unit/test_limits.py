from graphql import parse
from graphql.language import FragmentDefinitionNode, OperationDefinitionNode

from app.graphql.engine.limits import _depth


def depth_of(query: str) -> int:
    document = parse(query)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return _depth(operation.selection_set, fragments, frozenset())


def test_depth_counts_nested_fields() -> None:
    assert depth_of("{ a { b { c } } }") == 3


def test_depth_follows_fragments_and_inline_fragments() -> None:
    assert depth_of("{ a { ...F } } fragment F on T { b { ... on U { c { d } } } }") == 4


def test_introspection_fields_do_not_count() -> None:
    assert depth_of("{ __schema { types { fields { type { ofType { name } } } } } me }") == 1


def test_fragment_cycles_terminate() -> None:
    assert depth_of("{ a { ...F } } fragment F on T { b { ...F } }") == 2
