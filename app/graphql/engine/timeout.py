"""The per-request execution timeout, on PyMongo's client-side operation timeout (CSOT).

Execution runs inside `pymongo.timeout(seconds)`: every database operation of the request
shares one deadline, and the driver itself refuses to start (or stops waiting for) an
operation that would overrun it. A transaction that runs out of time is aborted by the
driver like any failed one, so nothing is half-applied; only a commit cut short can leave
its outcome unknown, which is why the message tells clients to retry money mutations with
the same idempotency key (a repeat then returns the first result, never a second effect).
Nothing is cancelled from outside (no `asyncio.timeout`), so no transaction is abandoned
midway. Time spent without the database (e.g. hashing a password) is not cut short.

Under a CSOT deadline PyMongo waits for a primary as long as the deadline allows, not
`serverSelectionTimeoutMS`. So a request that starts while the driver knows no writable
primary gets the shorter of the two as its budget (an outage is still answered UNAVAILABLE
after the configured server-selection timeout, and with_transaction's own retries, up to
120 s, stop there too), while a request that loses its primary midway may wait out an
election within its budget. "No server to talk to" is always UNAVAILABLE, never TIMEOUT.

The client gets a top-level error with code TIMEOUT and HTTP 200, like UNAVAILABLE, and
any data that was resolved in time.
"""

from __future__ import annotations

import time

from graphql import ExecutionResult, GraphQLError

from app.core.errors import RequestTimeoutError
from app.persistence.failures import time_budget, timed_out


def timeout_message(seconds: float) -> str:
    return (
        f"The request did not finish within its time limit of {seconds:g} seconds and was "
        "stopped. Retry it; a money mutation may be retried safely with the same "
        "idempotencyKey (it is applied at most once)."
    )


class Deadline:
    """The time budget of one request: `with deadline:` runs the execution under it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()
        self._timeout = time_budget(seconds)

    def __enter__(self) -> None:
        self.started = time.monotonic()
        self._timeout.__enter__()

    def __exit__(self, *exc_info: object) -> None:
        self._timeout.__exit__(None, None, None)

    def reached(self) -> bool:
        # The driver gives up slightly early (when the time left is below a round trip),
        # so "reached" allows a margin; a driver timeout well before the deadline (server
        # selection during an outage) stays UNAVAILABLE.
        return time.monotonic() - self.started >= self.seconds * 0.95 - 0.01

    def mark(self, result: ExecutionResult | None) -> None:
        """Give the driver's timeout errors of a request that ran out of time code TIMEOUT."""
        if result is None or not result.errors or not self.reached():
            return
        result.errors[:] = [
            self._timeout_error(e) if timed_out(e.original_error) else e for e in result.errors
        ]

    def _timeout_error(self, error: GraphQLError) -> GraphQLError:
        cause = RequestTimeoutError(timeout_message(self.seconds))
        return GraphQLError(
            cause.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=cause,
        )
