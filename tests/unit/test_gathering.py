"""A failing field does not cancel its siblings' reads: they finish, then the failure is
raised (graphql-core's executor uses the same gathering)."""

from __future__ import annotations

import asyncio

import graphql.execution.executor as graphql_executor
import pytest

import app.graphql.engine.fast_execution  # noqa: F401 (installs the gathering)
from app.graphql.engine.gathering import gather_completing


async def test_siblings_of_a_failure_run_to_their_end() -> None:
    finished: list[str] = []

    async def read(name: str) -> str:
        await asyncio.sleep(0.02)
        finished.append(name)
        return name

    async def refuse() -> str:
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        await gather_completing(read("a"), refuse(), read("b"))
    assert sorted(finished) == ["a", "b"]
    assert await gather_completing(read("c"), read("d")) == ["c", "d"]


def test_graphql_core_gathers_the_same_way() -> None:
    assert graphql_executor.gather_with_cancel is gather_completing  # type: ignore[attr-defined]
