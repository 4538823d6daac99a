"""When MongoDB cannot serve, clients get a clear, retryable UNAVAILABLE, never a masked
"Unexpected error", and /readyz says so; when it comes back, so does the API."""

import asyncio
import time
from pathlib import Path

import httpx

from app.devtools.localmongo import start_replica_set
from tests.conftest import make_settings, running_api
from tests.graphql_client import LOGIN, ME


async def wait_ready(http: httpx.AsyncClient, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    status = 0
    while time.monotonic() < deadline:
        status = (await http.get("/readyz")).status_code
        if status == 200:
            break
        await asyncio.sleep(0.2)
    return status


async def test_an_outage_is_unavailable_and_recovery_is_automatic(tmp_path: Path) -> None:
    rs = start_replica_set(tmp_path / "outage", members=1)
    settings = make_settings(rs.uri, "envelopes_outage", server_selection_timeout_ms=500)
    try:
        async with running_api(settings) as (_, gql):
            signed_up = await gql.register("ana@example.com")
            rs.kill_member(0)

            assert (await gql.http.get("/readyz")).status_code == 503
            me = await gql.execute(ME, token=signed_up["accessToken"])
            login = await gql.execute(
                LOGIN, {"input": {"email": "ana@example.com", "password": "x" * 12}}
            )
            for reply in (me, login):
                assert reply.status == 200
                assert reply.error_codes() == ["UNAVAILABLE"]
                assert "Retry" in reply.errors[0]["message"]
                assert "Unexpected error" not in str(reply.body)

            rs.start_member(0)
            assert await wait_ready(gql.http) == 200
            back = await gql.execute(ME, token=signed_up["accessToken"])
            assert back.data["me"]["email"] == "ana@example.com"
    finally:
        rs.stop()
