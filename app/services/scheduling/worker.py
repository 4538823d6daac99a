"""The scheduler: background work that falls due by date, run inside every API process.

Every API process runs the loop; a lease in MongoDB (`leases`, one atomic write to take or
renew it) decides which one works, so they do not all post the same occurrences at once. The
lease is only an economy: what happens exactly once is guaranteed by each kind of due work
itself (the occurrences of schedules by their idempotency keys, see
`app.services.scheduling.schedules`), so a process that loses its lease mid-pass (paused,
killed, cut off from MongoDB) and another that takes over can overlap without harm.

Each pass: take or renew the lease; then run every source of due work (`DueWork`) in turn, in
chunks, renewing the lease between chunks and stopping when it is lost or the pass's bound is
reached (after downtime the backlog is worked off over several passes, oldest first); then
sleep, unless a source stopped at the pass's bound with more due: then the next pass starts
at once, so a backlog is not worked off at one batch per interval. Add a kind of due work by
giving `Services` another `DueWork`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from app.core import clock
from app.domain.recurrence import Occurrence
from app.persistence.documents.schedules import ScheduleRecord
from app.persistence.repositories.schedules import LeaseRepository, ScheduleRepository
from app.services.scheduling.schedules import ScheduleService

log = logging.getLogger("envelopes.scheduler")

LEASE_NAME = "scheduler"
CHUNK = 50  # due items between two renewals of the lease


class DueWork(Protocol):
    """A kind of work that falls due by date (posting scheduled transactions, …)."""

    name: str

    async def run_due(self, today: date, limit: int) -> int:
        """Do at most `limit` items due by `today`, the oldest first; return how many were
        done (fewer than `limit`: nothing more is due now). Must be safe to run twice at
        once or again after a crash: each item happens at most once."""
        ...


class ScheduledPostings:
    """Due work: the occurrences of automatic schedules, oldest due date first."""

    name = "schedules"

    def __init__(self, service: ScheduleService, schedules: ScheduleRepository) -> None:
        self.service = service
        self.schedules = schedules

    async def run_due(self, today: date, limit: int) -> int:
        found = await self.schedules.due(today, limit)
        queue: list[tuple[date, date, int, Occurrence]] = []
        for index, due in enumerate(found):
            for occurrence in _due(due, today, limit):
                queue.append((occurrence.due, occurrence.scheduled, index, occurrence))
        queue.sort(key=lambda item: item[:3])
        current: dict[int, ScheduleRecord | None] = dict(enumerate(found))
        done = 0
        for _, _, index, occurrence in queue[:limit]:
            known = current[index]
            # Read again just before posting: a member may have paused, skipped, edited or
            # deleted it since the pass began (the edit's amounts apply at once).
            now = await self.schedules.get(known.id) if known is not None else None
            if now is None or now.paused or now.mode != "auto" or now.pending() != occurrence:
                current[index] = None  # changed meanwhile: the next pass reads it again
                continue
            current[index] = await self.service.run_occurrence(now, occurrence)
            done += 1
        return done


def _due(schedule: ScheduleRecord, today: date, limit: int) -> list[Occurrence]:
    """The schedule's pending occurrences due by `today`, at most `limit`, in order."""
    pending = schedule.pending()
    if pending is None or pending.due > today:
        return []
    skipped = schedule.skipped_days()
    later = schedule.rule().upcoming(pending.scheduled, today, limit)
    return [o for o in [pending, *later] if o.scheduled not in skipped][:limit]


@dataclass
class SchedulerSettings:
    interval_seconds: float
    lease_seconds: float
    batch_size: int


class Scheduler:
    """The loop (see the module docstring): `run()` until cancelled; `run_pass()` once."""

    def __init__(
        self,
        works: Sequence[DueWork],
        leases: LeaseRepository,
        settings: SchedulerSettings,
        today: Callable[[], date] = clock.today,
    ) -> None:
        self.works = list(works)
        self.leases = leases
        self.settings = settings
        self.today = today
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.backlog = False  # the last pass stopped at its bound with more due

    async def holds_lease(self) -> bool:
        return await self.leases.acquire(
            LEASE_NAME, self.holder, clock.utcnow(), self.settings.lease_seconds
        )

    async def run_pass(self) -> int:
        """One pass, if this process holds (or gets) the lease; the items done."""
        self.backlog = False
        if not await self.holds_lease():
            return 0
        today, total = self.today(), 0
        for work in self.works:
            budget = self.settings.batch_size
            while budget > 0:
                size = min(CHUNK, budget)
                done = await work.run_due(today, size)
                total, budget = total + done, budget - done
                if done < size or not await self.holds_lease():
                    break
            else:
                self.backlog = True  # the bound, not the work, ended this source's turn
        return total

    async def run(self) -> None:
        while True:
            try:
                done = await self.run_pass()
                if done:
                    log.info("scheduler pass", extra={"done": done})
            except asyncio.CancelledError:
                raise
            except Exception:  # an outage, a bug: logged; the next pass tries again
                log.exception("scheduler pass failed")
                self.backlog = False
            await asyncio.sleep(0 if self.backlog else self.settings.interval_seconds)

    async def release(self) -> None:
        """Give the lease up (on shutdown), so another process takes over at once."""
        await self.leases.release(LEASE_NAME, self.holder)
