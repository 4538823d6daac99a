"""Sibling fields are never cancelled mid-way.

graphql-core awaits the async fields of an object (and the items of a list) with
`gather_with_cancel`: when one fails, it cancels the others. Those others are database reads:
a read cut off while PyMongo opens a connection leaks the socket (PyMongo 4.20 closes it on
OSError and timeouts only), and the app's rule is that nothing is cancelled from outside (see
`app.graphql.engine.timeout`: the request's time budget bounds every read instead). So the
siblings run to their end, their results are dropped, and the first failure (in field order)
is raised: the answer is the one graphql-core would give, a little later.

`install()` puts `gather_completing` in graphql-core's executor in place of its own (once, at
start-up); `PlainFieldExecutor` uses it directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import graphql.execution.executor as graphql_executor


async def gather_completing(*awaitables: Awaitable[Any]) -> list[Any]:
    """The results of all `awaitables`, run concurrently; after all have ended, the first
    exception among them (in order), if any."""
    results = await asyncio.gather(*awaitables, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def install() -> None:
    setattr(graphql_executor, "gather_with_cancel", gather_completing)  # noqa: B010
