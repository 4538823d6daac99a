import os

import httpx


async def test_healthz_says_the_process_is_alive_and_which_it_is(http: httpx.AsyncClient) -> None:
    reply = await http.get("/healthz")
    assert (reply.status_code, reply.json()) == (200, {"status": "ok", "pid": os.getpid()})
    assert reply.headers["x-request-id"]


async def test_readyz_is_ready_when_a_primary_answers(http: httpx.AsyncClient) -> None:
    reply = await http.get("/readyz")
    assert (reply.status_code, reply.json()) == (200, {"status": "ready"})
