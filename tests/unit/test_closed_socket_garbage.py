"""One full garbage collection after sockets close (app/graphql/engine/sockets.py)."""

from __future__ import annotations

import asyncio

from app.graphql.engine import sockets
from app.graphql.engine.sockets import _ClosedSocketGarbage


async def test_closes_in_a_burst_are_collected_once_a_moment_after_the_last() -> None:
    garbage = _ClosedSocketGarbage()
    garbage.collect_soon()
    first = garbage.pending
    garbage.collect_soon()
    second = garbage.pending
    assert first is not None
    assert second is not None
    assert first.cancelled()
    assert not second.cancelled()
    loop = asyncio.get_running_loop()
    assert second.when() >= loop.time() + sockets.COLLECT_AFTER_CLOSE_SECONDS - 0.5


async def test_steady_closes_do_not_put_it_off_past_the_latest() -> None:
    garbage = _ClosedSocketGarbage()
    garbage.collect_soon()
    garbage.first -= sockets.COLLECT_AT_THE_LATEST_SECONDS  # the first close, long ago
    pending = garbage.pending
    garbage.collect_soon()
    assert garbage.pending is pending
    assert pending is not None
    assert not pending.cancelled()


async def test_the_collection_runs_and_a_later_close_schedules_another() -> None:
    garbage = _ClosedSocketGarbage()
    garbage.collect_soon()
    assert garbage.pending is not None
    garbage.pending.cancel()
    garbage._collect()  # what the timer runs
    assert garbage.pending is None
    garbage.collect_soon()
    assert garbage.pending is not None
    garbage.pending.cancel()
