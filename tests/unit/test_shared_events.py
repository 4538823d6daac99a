"""Sharing one execution of a subscription event among subscribers who would get the same
answer (app/graphql/engine/shared_events.py)."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

from graphql import ExecutionResult

from app.graphql.engine import shared_events
from app.graphql.engine.shared_events import next_message, shared_key, shared_result


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


class TestTheMessage:
    def test_each_socket_gets_its_own_id_around_the_same_payload(self) -> None:
        data = {"accountChanged": {"entries": [{"payee": 'Zoë "Q"'}]}}
        one = json.loads(next_message("1", {"data": data}))
        two = json.loads(next_message('a"b', {"data": data}))
        assert one == {"id": "1", "type": "next", "payload": {"data": data}}
        assert two == {"id": 'a"b', "type": "next", "payload": {"data": data}}

    def test_the_data_of_a_result_is_encoded_once(self) -> None:
        data = {"n": 1}
        next_message("1", {"data": data})
        data["n"] = 2  # (results are never changed: this shows the text was kept)
        assert json.loads(next_message("2", {"data": data}))["payload"] == {"data": {"n": 1}}

    def test_equal_but_distinct_data_is_encoded_on_its_own(self) -> None:
        next_message("1", {"data": {"n": 1}})
        assert json.loads(next_message("1", {"data": {"n": 2}}))["payload"] == {"data": {"n": 2}}

    def test_a_payload_with_errors_is_encoded_every_time(self) -> None:
        data = {"n": 1}
        first = {"data": data, "errors": [{"message": "a"}]}
        second = {"data": data, "errors": [{"message": "b"}]}
        assert json.loads(next_message("1", first))["payload"] == first
        assert json.loads(next_message("1", second))["payload"] == second
        assert json.loads(next_message("1", {"data": data}))["payload"] == {"data": data}

    def test_only_recent_results_are_kept(self) -> None:
        for n in range(shared_events.KEPT + 10):
            next_message("1", {"data": {"n": n}})
        assert len(shared_events._encoded) == shared_events.KEPT
