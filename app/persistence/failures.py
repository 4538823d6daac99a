"""How the layers above recognise and bound database work without knowing the driver.

- `DatabaseError`: any failure of the database driver.
- `unavailable(error)`: no primary can be reached now (an election, the network); the same
  request may be retried.
- `timed_out(error)`: the request's time budget ran out while MongoDB worked.
- `time_budget(seconds)`: every database operation inside shares one deadline (PyMongo's
  client-side operation timeout), so the driver itself refuses to start or stops waiting for
  an operation that would overrun it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import pymongo
from pymongo.errors import (
    ConnectionFailure,
    NotPrimaryError,
    PyMongoError,
    ServerSelectionTimeoutError,
    WTimeoutError,
)

DatabaseError = PyMongoError
_UNAVAILABLE = (ConnectionFailure, NotPrimaryError, WTimeoutError)


def unavailable(error: BaseException | None) -> bool:
    return isinstance(error, _UNAVAILABLE)


def timed_out(error: BaseException | None) -> bool:
    """The driver stopped because the deadline passed ("no server to talk to" is not this)."""
    return (
        isinstance(error, PyMongoError)
        and error.timeout
        and not isinstance(error, ServerSelectionTimeoutError)
    )


def time_budget(seconds: float) -> AbstractContextManager[None]:
    return pymongo.timeout(seconds)
