"""Household backup and restore: the history user's household (the million-entry checking
account and its savings account) backed up through `createBackup` →
`GET /backups/<token>.envelopes.gz` into a file, then uploaded (`POST /uploads?kind=backup`)
and restored through `restoreBackup`, polling `restoreJob` until it is done.

Reported per repeat: seconds of each (the backup: from `createBackup` to the last byte; the
restore: from `restoreBackup` to DONE, the upload apart), the API process's CPU seconds in
each (steadier than wall time on a shared machine), the file's megabytes, and the API
process's resident set before and at its highest (sampled every 50 ms). Judged: each within
2 minutes. Checked: the restore is DONE with every entry of the file. The restored accounts are then
deleted from the database (straight, by their ids), so the cached history stays as seeded.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bench.gql import Api, raw_id
from bench.infra import ApiProcess, RssSampler, cpu_seconds, read_status_kib
from bench.phases import Plan
from bench.report import Target, target
from bench.seed import History

Row = dict[str, Any]
GOAL_SECONDS = 120
ACCOUNT_COLLECTIONS = ("transactions", "month_totals", "schedules", "payment_sources",
                       "reconciliations")  # fmt: skip


class _Sampled:
    """The API's resident set before and at its highest during a block."""

    def __init__(self, api_process: ApiProcess) -> None:
        self.pid = api_process.pid

    def __enter__(self) -> _Sampled:
        self.before = (read_status_kib(self.pid, "VmRSS") or 0) / 1024
        self.sampler = RssSampler(self.pid, every=0.05)
        self.sampler.start()
        self.cpu_before = cpu_seconds(self.pid)
        self.began = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.began
        self.cpu = cpu_seconds(self.pid) - self.cpu_before
        self.sampler.stop()
        self.peak = max(self.sampler.samples_kib, default=0) / 1024


async def _download(api: Api, token: str, path: Path) -> None:
    data = await api.call("backups/CreateBackup", {"input": {}}, token)
    async with api.http.stream("GET", data["createBackup"]["url"]) as response:
        response.raise_for_status()
        with path.open("wb") as sink:
            async for chunk in response.aiter_bytes():
                sink.write(chunk)


async def _file(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            yield chunk


async def _upload(api: Api, token: str, path: Path) -> str:
    reply = await api.http.post(
        "/uploads",
        params={"kind": "backup", "name": path.name},
        content=_file(path),
        headers={"Authorization": f"Bearer {token}"},
    )
    reply.raise_for_status()
    file_id: str = reply.json()["fileId"]
    return file_id


async def _restore(api: Api, token: str, file_id: str) -> Row:
    data = await api.call("backups/RestoreBackup", {"input": {"fileId": file_id}}, token)
    job_id = data["restoreBackup"]["job"]["id"]
    while True:
        job: Row = (await api.call("backups/RestoreJob", {"id": job_id}, token))["restoreJob"]
        if job["status"] in ("DONE", "FAILED"):
            return job
        await asyncio.sleep(0.25)


async def _forget(db: AsyncDatabase[Row], job: Row) -> None:
    account_ids = [raw_id(a["id"]) for a in job["accounts"]]
    for name in ACCOUNT_COLLECTIONS:
        await db[name].delete_many({"account_id": {"$in": account_ids}})
    await db["accounts"].delete_many({"_id": {"$in": account_ids}})
    await db["restore_jobs"].delete_many({"_id": raw_id(job["id"])})


async def backup(
    plan: Plan, api: Api, api_process: ApiProcess, seeded: History, db: AsyncDatabase[Row]
) -> tuple[Row, list[Target], Row]:
    token = await api.login(seeded.email)
    runs: list[Row] = []
    restored_ok = True
    for _ in range(1 if plan.quick else min(plan.repeat, 2)):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "household.envelopes.gz"
            with _Sampled(api_process) as made:
                await _download(api, token, path)
            size = path.stat().st_size
            file_id = await _upload(api, token, path)
            with _Sampled(api_process) as back:
                job = await _restore(api, token, file_id)
        expected = seeded.entries + seeded.savings_entries
        restored_ok = restored_ok and job["status"] == "DONE"
        restored_ok = restored_ok and job["entriesRestored"] == expected
        if job["status"] == "DONE":
            await _forget(db, job)
        run = {
            "entries": job["entriesTotal"],
            "backup_seconds": round(made.seconds, 2),
            "restore_seconds": round(back.seconds, 2),
            "backup_api_cpu_seconds": round(made.cpu, 1),
            "restore_api_cpu_seconds": round(back.cpu, 1),
            "mb": round(size / 1e6, 1),
            "backup_rss_before_mb": round(made.before, 1),
            "backup_rss_peak_mb": round(made.peak, 1),
            "restore_rss_before_mb": round(back.before, 1),
            "restore_rss_peak_mb": round(back.peak, 1),
            "status": job["status"],
            "error": job["error"],
        }
        runs.append(run)
        print(
            f"  backup: {run['entries']:,} entries in {made.seconds:.1f} s (API CPU "
            f"{made.cpu:.1f} s; {run['mb']} MB, API RSS {made.before:.0f} → {made.peak:.0f} MB); "
            f"restore: {back.seconds:.1f} s (API CPU {back.cpu:.1f} s; {job['status']} "
            f"{job['error'] or ''}, API RSS {back.before:.0f} → {back.peak:.0f} MB)",
            flush=True,
        )
    found = {"runs": runs}
    targets = [
        target("backup of the household: seconds", [r["backup_seconds"] for r in runs],
               GOAL_SECONDS, "<=", " s"),
        target("restore of the household: seconds", [r["restore_seconds"] for r in runs],
               GOAL_SECONDS, "<=", " s"),
    ]  # fmt: skip
    return found, targets, {"backup_restores_every_entry": restored_ok}
