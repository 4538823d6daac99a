"""Sharing one execution of a subscription event among subscribers who would get the same
answer (app/graphql/engine/shared_events.py)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from graphql import ExecutionResult

from app.graphql.engine.shared_events import shared_key, shared_result


def executor(event: object, identity: object, variables: dict[str, Any], operation: object) -> Any:
    return SimpleNamespace(
        root_value=SimpleNamespace(shared_key=event),
        context_value=SimpleNamespace(shared_identity=identity),
        variable_values=variables,
        operation=operation,
    )


class TestTheKey:
    def test_the_same_event_document_variables_and_viewer_share_a_key(self) -> None:
        operation = object()
        one = executor(("a", 1, 2), "ana", {"accountId": "x"}, operation)
        two = executor(("a", 1, 2), "ana", {"accountId": "x"}, operation)
        assert shared_key(one) == shared_key(two) is not None

    def test_another_viewer_event_or_variables_do_not(self) -> None:
        operation = object()
        base = shared_key(executor(("a", 1, 2), "ana", {"id": "x"}, operation))
        assert shared_key(executor(("a", 1, 2), "ben", {"id": "x"}, operation)) != base
        assert shared_key(executor(("a", 2, 3), "ana", {"id": "x"}, operation)) != base
        assert shared_key(executor(("a", 1, 2), "ana", {"id": "y"}, operation)) != base
        assert shared_key(executor(("a", 1, 2), "ana", {"id": "x"}, object())) != base

    def test_a_payload_or_context_without_a_name_shares_nothing(self) -> None:
        plain = SimpleNamespace(
            root_value=object(), context_value=object(), variable_values={}, operation=object()
        )
        assert shared_key(plain) is None


class TestTheResult:
    def test_a_result_is_executed_once_for_every_subscriber_asking_alike(self) -> None:
        runs: list[int] = []

        def execute() -> ExecutionResult:
            runs.append(1)
            return ExecutionResult(data={"n": len(runs)})

        key = (("sync", 1), 1, "{}", "ana")
        first = shared_result(key, execute, object())
        second = shared_result(key, execute, object())
        assert first is second
        assert runs == [1]

    async def test_an_asynchronous_execution_is_awaited_by_all_of_them(self) -> None:
        runs: list[int] = []

        async def slow() -> ExecutionResult:
            runs.append(1)
            await asyncio.sleep(0)
            return ExecutionResult(data={"n": 1})

        key = (("async", 1), 1, "{}", "ana")
        results = await asyncio.gather(*(shared_result(key, slow, object()) for _ in range(5)))
        assert all(r is results[0] for r in results)
        assert runs == [1]
