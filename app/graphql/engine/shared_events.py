"""One execution of a subscription event for every subscriber who would get the same answer.

A change of an account with 1,000 subscribers would otherwise execute the same selection
set 1,000 times. A payload that names its event (`shared_key`, e.g. the account, and the
versions it goes from and to) is executed once per (event, operation document, variables,
viewer): subscribers that sent the same document with the same variables as the same user
get the same result object. The viewer is part of the key because answers depend on who
asks (`myRole`); the context names it (`shared_identity`), or nothing is shared.

The JSON of a shared result is written once too (`next_message`): every socket gets the
same payload text inside its own `{"id": …, "type": "next"}` envelope.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Hashable
from typing import Any

from graphql import ExecutionResult

KEPT = 256  # results of recent events (an event's subscribers all ask within moments)

_results: OrderedDict[tuple[Hashable, ...], tuple[object, Any]] = OrderedDict()
# The JSON of recent results' data, by the data's id (the data kept alive beside it).
_encoded: OrderedDict[int, tuple[object, str]] = OrderedDict()


def shared_key(executor: Any) -> tuple[Hashable, ...] | None:
    """The key of a per-event execution whose result may be shared, or None."""
    event = getattr(executor.root_value, "shared_key", None)
    identity = getattr(executor.context_value, "shared_identity", None)
    if event is None or identity is None:
        return None
    variables = json.dumps(executor.variable_values, sort_keys=True, default=str)
    return (event, id(executor.operation), variables, identity)


def shared_result(key: tuple[Hashable, ...], execute: Any, operation: object) -> Any:
    """The result of `execute()` for `key`, executed by the first subscriber to ask."""
    found = _results.get(key)
    if found is not None:
        _operation, value = found
        return _await_shared(value) if isinstance(value, asyncio.Future) else value
    value = execute()
    if isinstance(value, Awaitable):
        value = asyncio.ensure_future(value)
    _results[key] = (operation, value)  # the operation kept alive: its id is in the key
    while len(_results) > KEPT:
        _results.popitem(last=False)
    return _await_shared(value) if isinstance(value, asyncio.Future) else value


async def _await_shared(future: asyncio.Future[ExecutionResult]) -> ExecutionResult:
    return await asyncio.shield(future)


def next_message(operation_id: str, payload: dict[str, Any]) -> str:
    """The text of a graphql-transport-ws "next" message. A payload of data alone (no errors,
    no extensions: those are the subscriber's own) is encoded once per data object, so the
    subscribers of a shared result cost one `json.dumps` between them."""
    if payload.keys() != {"data"}:
        text = _dumps(payload)
    else:
        data = payload["data"]
        found = _encoded.get(id(data))
        if found is not None and found[0] is data:
            text = found[1]
        else:
            text = _dumps(payload)
            _encoded[id(data)] = (data, text)
            while len(_encoded) > KEPT:
                _encoded.popitem(last=False)
    return f'{{"id":{_dumps(operation_id)},"type":"next","payload":{text}}}'


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))  # as Strawberry's `encode_json`
