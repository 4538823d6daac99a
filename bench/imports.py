"""Importing a bank file: 100,000 CSV rows through the API, as a client does it —
`POST /uploads`, `startImport` (the dry run), `commitImport`, following the job's progress
until it is done.

Reported per repeat: rows per second over the whole (upload to done), and for the dry run and
the commit alone; the API process's resident set before and at its highest (sampled every
50 ms). Judged: rows per second ≥ 2,000 and the peak resident set ≤ 250 MB. Checked: every row
became one entry (the job's counts and the account's last sequence number).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.gql import Api, Household, open_household
from bench.infra import ApiProcess, RssSampler, read_status_kib
from bench.phases import Plan
from bench.report import Target, target
from bench.stats import median

Row = dict[str, Any]
ROWS_PER_S_GOAL = 2000
PEAK_RSS_GOAL_MB = 250
JOB = """query ImportProgress($id: ID!) { importJob(id: $id) {
  status rowsDone rowsTotal failure counts { rows new duplicates matched errors } } }"""


def statement(rows: int) -> bytes:
    """A year of a household's card spending and a monthly salary, distinct rows."""
    start = datetime.now(UTC).date() - timedelta(days=365)
    lines = ["Date,Amount,Payee,Memo"]
    for i in range(rows):
        day = start + timedelta(days=i * 365 // rows)
        if i % 500 == 0:
            lines.append(f"{day.isoformat()},2500.00,Employer,Salary {i}")
        else:
            lines.append(f"{day.isoformat()},-{1 + i % 97}.{i % 100:02d},Shop {i % 3000},Card {i}")
    return ("\n".join(lines) + "\n").encode()


async def _job(api: Api, token: str, job_id: str) -> Row:
    reply = await api.http.post(
        "/graphql", json={"query": JOB, "variables": {"id": job_id}},
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    job: Row = reply.json()["data"]["importJob"]
    return job


async def _until(api: Api, token: str, job_id: str, statuses: tuple[str, ...]) -> Row:
    while True:
        job = await _job(api, token, job_id)
        if job["status"] in statuses:
            return job
        await asyncio.sleep(0.2)


async def _one(api: Api, house: Household, content: bytes) -> tuple[Row, float, float, float]:
    """(the job when done, seconds to upload, of the dry run, of the commit)."""
    began = time.perf_counter()
    upload = await api.http.post(
        "/uploads", params={"kind": "import", "name": "statement.csv"}, content=content,
        headers={"Authorization": f"Bearer {house.token}"},
    )  # fmt: skip
    upload.raise_for_status()
    uploaded = time.perf_counter()
    started = await api.call(
        "ledger/StartImport",
        {"input": {"accountId": house.account_gid, "fileId": upload.json()["fileId"]}},
        house.token,
    )
    job_id = started["startImport"]["job"]["id"]
    await _until(api, house.token, job_id, ("PREVIEW", "FAILED"))
    previewed = time.perf_counter()
    await api.call("ledger/CommitImport", {"input": {"jobId": job_id}}, house.token)
    done = await _until(api, house.token, job_id, ("DONE", "FAILED"))
    finished = time.perf_counter()
    return done, uploaded - began, previewed - uploaded, finished - previewed


async def imports(
    plan: Plan, api: Api, api_process: ApiProcess, run_id: str, created: list[Household]
) -> tuple[Row, list[Target], Row]:
    rows = 5_000 if plan.quick else 100_000
    content = statement(rows)
    runs: list[Row] = []
    every_row_once = True
    for repeat in range(plan.repeat):
        house = await open_household(api, f"import-{run_id}-{repeat}@bench.example", [])
        created.append(house)
        before = (read_status_kib(api_process.pid, "VmRSS") or 0) / 1024
        sampler = RssSampler(api_process.pid, every=0.05)
        sampler.start()
        try:
            job, upload_s, dry_s, commit_s = await _one(api, house, content)
        finally:
            sampler.stop()
        seconds = upload_s + dry_s + commit_s
        peak = max(sampler.samples_kib, default=0) / 1024
        every_row_once = (
            every_row_once
            and job["status"] == "DONE"
            and (job["counts"]["new"] == rows == job["rowsDone"])
        )
        run = {
            "rows": rows, "mb": round(len(content) / 1e6, 1), "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds), "upload_s": round(upload_s, 2),
            "dry_run_rows_per_s": round(rows / dry_s), "commit_rows_per_s": round(rows / commit_s),
            "rss_before_mb": round(before, 1), "rss_peak_mb": round(peak, 1),
        }  # fmt: skip
        runs.append(run)
        print(
            f"  import: {rows:,} rows in {seconds:.1f} s ({run['rows_per_s']:,} rows/s; dry run "
            f"{run['dry_run_rows_per_s']:,}/s, commit {run['commit_rows_per_s']:,}/s); API RSS "
            f"{before:.1f} → peak {peak:.1f} MB",
            flush=True,
        )
    found = {
        "runs": runs,
        "rows_per_s_median": median([float(r["rows_per_s"]) for r in runs]),
    }
    targets = [
        target("imports: CSV rows per second (upload, dry run, commit)",
               [float(r["rows_per_s"]) for r in runs], ROWS_PER_S_GOAL, ">=", "rows/s"),
        target("imports: API peak RSS while importing",
               [float(r["rss_peak_mb"]) for r in runs], PEAK_RSS_GOAL_MB, "<=", " MB"),
    ]  # fmt: skip
    return found, targets, {"import_books_every_row_once": every_row_once}
