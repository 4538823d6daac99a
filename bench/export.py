"""Exporting the history as CSV: the million-entry account streamed through
`exportHistory` → `GET /exports/history/<token>.csv`, read to the end by this process.

Reported per repeat: rows per second (from the GET to the last byte), megabytes, and the API
process's resident set before and at its highest while streaming (sampled every 50 ms).
Judged: the RSS growth while streaming a million rows — constant memory means a few MB of
page buffers, where holding the rows would take hundreds. Checked: one line per entry after
the header, and the BOM.
"""

from __future__ import annotations

import time
from typing import Any

from bench.gql import Api
from bench.infra import ApiProcess, RssSampler, read_status_kib
from bench.phases import Plan
from bench.report import Target, target
from bench.seed import History
from bench.stats import median

Row = dict[str, Any]
RSS_GROWTH_GOAL_MB = 50


async def export(
    plan: Plan, api: Api, api_process: ApiProcess, seeded: History
) -> tuple[Row, list[Target], Row]:
    house = seeded.checking
    runs: list[Row] = []
    rows_ok = True
    for _ in range(plan.repeat):
        data = await api.call(
            "ledger/ExportHistory", {"input": {"accountId": house.account_gid}}, house.token
        )
        url = data["exportHistory"]["url"]
        before = (read_status_kib(api_process.pid, "VmRSS") or 0) / 1024
        sampler = RssSampler(api_process.pid, every=0.05)
        sampler.start()
        lines = size = 0
        first = b""
        began = time.perf_counter()
        try:
            async with api.http.stream("GET", url) as response:
                response.raise_for_status()
                async for chunk in response.aiter_bytes():
                    if not first:
                        first = chunk[:3]
                    lines += chunk.count(b"\n")
                    size += len(chunk)
        finally:
            seconds = time.perf_counter() - began
            sampler.stop()
        peak = max(sampler.samples_kib, default=0) / 1024
        rows = lines - 1  # the header
        rows_ok = rows_ok and rows == seeded.entries and first == b"\xef\xbb\xbf"
        run = {
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
            "mb": round(size / 1e6, 1),
            "rss_before_mb": round(before, 1),
            "rss_peak_mb": round(peak, 1),
            "rss_growth_mb": round(max(0.0, peak - before), 1),
        }
        runs.append(run)
        print(
            f"  export: {rows:,} rows in {seconds:.1f} s ({run['rows_per_s']:,} rows/s, "
            f"{run['mb']} MB); API RSS {before:.1f} → peak {peak:.1f} MB",
            flush=True,
        )
    growth = [r["rss_growth_mb"] for r in runs]
    found = {
        "entries": seeded.entries,
        "runs": runs,
        "rows_per_s_median": median([float(r["rows_per_s"]) for r in runs]),
    }
    targets = [
        target("export: API RSS growth while streaming", growth, RSS_GROWTH_GOAL_MB, "<=", " MB")
    ]
    return found, targets, {"export_rows_match_entries": rows_ok}
