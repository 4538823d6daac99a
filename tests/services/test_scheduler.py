"""The scheduler's loop over its sources of due work (`DueWork`), without HTTP: every source
runs in chunks within the pass's bound, only while the lease is held, and a failing pass
does not stop the loop. (The schedules themselves: tests/api/ledger/test_schedules.py.)"""

from __future__ import annotations

import asyncio
from datetime import date

from app.services.container import Services
from app.services.scheduling.worker import CHUNK, DueWork, Scheduler, SchedulerSettings

TODAY = date(2025, 6, 16)


class Backlog:
    """A fake kind of due work: `items` due, done `limit` at a time."""

    def __init__(self, name: str, items: int, fail_first: bool = False) -> None:
        self.name, self.items, self.fail_first = name, items, fail_first
        self.calls: list[tuple[date, int]] = []

    async def run_due(self, today: date, limit: int) -> int:
        self.calls.append((today, limit))
        if self.fail_first and len(self.calls) == 1:
            raise RuntimeError("the database went away")
        done = min(limit, self.items)
        self.items -= done
        return done


def scheduler(services: Services, works: list[DueWork], batch: int = 120) -> Scheduler:
    return Scheduler(
        works, services.scheduler.leases, SchedulerSettings(0.01, 5, batch), lambda: TODAY
    )


async def test_every_source_runs_in_chunks_within_the_pass_bound(services: Services) -> None:
    schedules, sweeps = Backlog("schedules", 130), Backlog("sweeps", 7)
    worker = scheduler(services, [schedules, sweeps])

    assert await worker.run_pass() == 120 + 7
    assert schedules.calls == [(TODAY, CHUNK), (TODAY, CHUNK), (TODAY, 20)]
    assert sweeps.calls == [(TODAY, CHUNK)]
    assert await worker.run_pass() == 10  # the rest of the backlog, next pass
    assert await worker.run_pass() == 0


async def test_only_the_lease_holder_works(services: Services) -> None:
    mine, theirs = Backlog("mine", 5), Backlog("theirs", 5)
    holder, other = scheduler(services, [mine]), scheduler(services, [theirs])
    assert await holder.run_pass() == 5
    assert await other.run_pass() == 0
    assert theirs.calls == []
    await holder.release()
    assert await other.run_pass() == 5


async def test_a_failing_pass_is_logged_and_the_loop_goes_on(services: Services) -> None:
    flaky = Backlog("flaky", 3, fail_first=True)
    loop = asyncio.create_task(scheduler(services, [flaky]).run())
    for _ in range(200):
        if flaky.items == 0:
            break
        await asyncio.sleep(0.01)
    loop.cancel()
    await asyncio.gather(loop, return_exceptions=True)
    assert flaky.items == 0
    assert len(flaky.calls) >= 2


async def test_a_pass_stopped_by_its_bound_is_followed_at_once(services: Services) -> None:
    """More due than one pass may do: the loop does not sleep before the next pass."""
    work = Backlog("schedules", 130)
    worker = scheduler(services, [work], batch=120)
    assert await worker.run_pass() == 120
    assert worker.backlog is True
    assert await worker.run_pass() == 10
    assert worker.backlog is False
