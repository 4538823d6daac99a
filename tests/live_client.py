"""A `graphql-transport-ws` client for tests (the protocol of Apollo Client's GraphQLWsLink),
on the `websockets` package: one socket, any number of subscriptions on it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.ledger_client import operation

PROTOCOL = "graphql-transport-ws"
WAIT_SECONDS = 30  # an upper bound for an event to arrive, not a speed target


class LiveSocket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.queues: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self.next_id = 0
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.connection:
            message = json.loads(raw)
            if message["type"] == "ping":
                await self.connection.send(json.dumps({"type": "pong"}))
            elif "id" in message:
                self.queues.setdefault(message["id"], asyncio.Queue()).put_nowait(message)

    async def subscribe(self, name: str, **variables: Any) -> str:
        """Start the example subscription `name`; its operation id."""
        return await self.subscribe_document(operation(name), **variables)

    async def subscribe_document(self, document: str, **variables: Any) -> str:
        self.next_id += 1
        op_id = str(self.next_id)
        self.queues[op_id] = asyncio.Queue()
        payload = {"query": document, "variables": variables}
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})
        return op_id

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def message(self, op_id: str) -> dict[str, Any]:
        """The next message of a subscription (`next`, `error` or `complete`)."""
        return await asyncio.wait_for(self.queues[op_id].get(), WAIT_SECONDS)

    async def data(self, op_id: str) -> dict[str, Any]:
        """The data of the next `next` message, which must carry no errors."""
        message = await self.message(op_id)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    def pending(self, op_id: str) -> int:
        return self.queues[op_id].qsize()

    async def complete(self, op_id: str) -> None:
        await self.send({"id": op_id, "type": "complete"})


def socket_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1) + "/graphql"


@asynccontextmanager
async def opened(http_url: str, params: dict[str, Any] | None) -> AsyncIterator[ClientConnection]:
    """A socket after the handshake, with `connection_init` sent (not yet acknowledged)."""
    async with connect(socket_url(http_url), subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
        await connection.send(json.dumps({"type": "connection_init", "payload": params or {}}))
        yield connection


@asynccontextmanager
async def live_socket(http_url: str, token: str) -> AsyncIterator[LiveSocket]:
    """A socket authenticated with `token`, acknowledged by the server."""
    async with opened(http_url, {"authorization": f"Bearer {token}"}) as connection:
        ack = json.loads(await asyncio.wait_for(connection.recv(), WAIT_SECONDS))
        assert ack["type"] == "connection_ack", ack
        socket = LiveSocket(connection)
        try:
            yield socket
        finally:
            socket.reader.cancel()
