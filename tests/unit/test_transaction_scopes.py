"""Every transaction scope is opened inside a use case that may run again whole.

`db.transaction()` and `uow.begin(...)` are one attempt each; a write conflict with a
concurrent change (or a failover) needs the whole use case to run again, which
`@transactional` does. A scope opened anywhere else would turn such a conflict into an error.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
# Functions allowed to open a scope outside a use case (none today).
SCOPE_DEFINITIONS: set[tuple[str, str]] = set()


def _opens_a_scope(node: ast.AsyncWith) -> bool:
    for item in node.items:
        call = item.context_expr
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in {"transaction", "begin"}
        ):
            return True
    return False


def _decorated_transactional(function: ast.AsyncFunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id == "transactional")
        or (isinstance(d, ast.Attribute) and d.attr == "transactional")
        for d in function.decorator_list
    )


def scopes_outside_use_cases() -> list[str]:
    found = []
    for path in APP.rglob("*.py"):
        module = ast.parse(path.read_text())
        for function in ast.walk(module):
            if not isinstance(function, ast.AsyncFunctionDef):
                continue
            where = (str(path.relative_to(APP)), function.name)
            opens = any(
                isinstance(n, ast.AsyncWith) and _opens_a_scope(n) for n in ast.walk(function)
            )
            if opens and where not in SCOPE_DEFINITIONS and not _decorated_transactional(function):
                found.append(f"{where[0]}:{function.lineno} {function.name}")
    return found


def test_every_transaction_scope_is_opened_in_a_transactional_use_case() -> None:
    assert scopes_outside_use_cases() == []


def test_the_check_finds_the_scopes_it_looks_for() -> None:
    source = "async def f(db):\n    async with db.transaction() as tx:\n        pass\n"
    [function] = ast.parse(source).body
    assert isinstance(function, ast.AsyncFunctionDef)
    [scope] = function.body
    assert isinstance(scope, ast.AsyncWith)
    assert _opens_a_scope(scope)
    assert not _decorated_transactional(function)
    uses = sum(
        1
        for path in APP.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.AsyncWith) and _opens_a_scope(node)
    )
    assert uses >= 20  # the ledger's and auth's use cases all open one
