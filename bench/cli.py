"""`python -m bench [options]`: start MongoDB and the API, seed, measure, report, stop.

--repeat N        repeats of every measurement (default 3); medians and all values
--only PARTS      comma-separated: mutations,pages,totals,budget,export,imports,backup,
                  catchup,footprint,web,categorise,dashboard,forecast,live,workers
                  (default: all)
--quick           small sizes and short windows: a smoke run of the harness (< 1 min)
--entries N       entries of the history account (default 1,000,000; --quick 20,000)
--reseed          seed the history again even when a cached one matches
--keep            leave MongoDB and the API running (print where, to attach py-spy)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import signal
import subprocess
import time
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

import pymongo
from pymongo import AsyncMongoClient

from app.devtools.localmongo import ReplicaSet, start_replica_set
from bench import backup, categorise, export, imports, live, phases, report, store, web, workers
from bench import dashboard as board
from bench import forecast as forecasts
from bench.gql import Api, Household
from bench.infra import (
    ROOT,
    ApiProcess,
    RssSampler,
    api_environment,
    cpu_probe,
    mongod_version,
    read_status_kib,
)
from bench.phases import Plan
from bench.seed import History, seed
from bench.stats import median

PARTS = (
    "mutations", "pages", "totals", "budget", "export", "imports", "backup", "catchup",
    "footprint", "web", "categorise", "dashboard", "forecast", "live", "workers",
)  # fmt: skip
RESULTS = ROOT / "bench" / "results"
Row = dict[str, Any]


def parse(argv: list[str] | None) -> Plan:
    parser = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--only", default=",".join(PARTS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    parts = frozenset(p.strip() for p in args.only.split(",") if p.strip())
    if not parts or parts - set(PARTS):
        parser.error(f"--only takes a comma-separated subset of {','.join(PARTS)}")
    entries = args.entries or (20_000 if args.quick else 1_000_000)
    if entries < 200:
        parser.error("--entries must be at least 200")
    repeat = args.repeat or (1 if args.quick else 3)
    return Plan(repeat, parts, args.quick, args.keep, entries, args.reseed)


def _git(*args: str) -> str:
    try:
        command = ["git", *args]
        done = subprocess.run(  # noqa: S603 (fixed git arguments)
            command, cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        )
        return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine(rs: ReplicaSet) -> Row:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pymongo": pymongo.version,
        "mongod": mongod_version(rs.mongod),
        "mongo_cache_gb": rs.cache_gb,
        "commit": _git("rev-parse", "--short", "HEAD") or "unknown",
        "app_modified": bool(_git("status", "--porcelain", "--", "app")),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def footprint(plan: Plan, api: ApiProcess, sampler: RssSampler, env: dict[str, str]) -> Row:
    """Fresh starts (spawn → /readyz 200), then the main API process's memory."""
    starts = []
    for _ in range(2 if plan.quick else 5):
        fresh = ApiProcess.start(env, api.log)
        starts.append(round(fresh.startup_seconds, 3))
        fresh.stop()
        print(f"  fresh start: {fresh.startup_seconds:.2f} s", flush=True)
    return _memory(api, sampler) | {
        "startup_seconds": starts,
        "startup_median_s": median(starts),
    }


def _memory(api: ApiProcess, sampler: RssSampler) -> Row:
    peak = api.peak_rss_kib() or 0
    return {
        "peak_rss_mb": round(peak / 1024, 1),
        "max_sampled_rss_mb": round(max(sampler.samples_kib, default=0) / 1024, 1),
        "rss_samples": len(sampler.samples_kib),
    }


async def prepare_history(plan: Plan, api: Api, db: Any, run_id: str) -> History:
    found = None if plan.reseed else await store.recall(db, api, plan.entries)
    if found is not None:
        print(f"==> history: {found.entries:,} cached entries", flush=True)
        return found
    print(f"==> seeding {plan.entries:,} entries", flush=True)
    made = await seed(api, db, plan.entries, run_id)
    await store.remember(db, made)
    print(f"    seeded in {made.seconds:.1f} s {made.steps}", flush=True)
    return made


async def measure(plan: Plan, rs: ReplicaSet, api_process: ApiProcess, results: Row) -> None:
    run_id = secrets.token_hex(4)
    client: AsyncMongoClient[Row] = AsyncMongoClient(rs.uri, w="majority", tz_aware=True)
    db = client[store.DATABASE]
    api = Api(api_process.url)
    created: list[Household] = []
    try:
        seeded = None
        if plan.parts & {"pages", "totals", "budget", "export", "backup", "dashboard", "workers"}:
            seeded = await prepare_history(plan, api, db, run_id)
            results["setup"]["history"] = {
                "entries": seeded.entries, "savings_entries": seeded.savings_entries,
                "seed_seconds": round(seeded.seconds, 1), "seed_steps": seeded.steps,
                "seeded_by_this_run": seeded.email.startswith(f"history-{run_id}@"),
            }  # fmt: skip
        _mark_memory(results, "before measuring", api_process)
        if plan.keep:
            _print_where(rs, api_process)
        probe = cpu_probe(api_process.pid, rs.pids[0] if rs.pids else None)
        rig = phases.Rig(api, api_process.port, client, db, probe)
        if "mutations" in plan.parts:
            print("==> money mutations", flush=True)
            await _part(results, "mutations", phases.mutations(plan, rig, run_id, created))
            _mark_memory(results, "after mutations", api_process)
        if "pages" in plan.parts and seeded is not None:
            print("==> history pages", flush=True)
            await _part(results, "pages", phases.pages(plan, rig, seeded))
            _mark_memory(results, "after pages", api_process)
        if "totals" in plan.parts and seeded is not None:
            print("==> totals", flush=True)
            await _part(results, "totals", phases.totals(plan, rig, seeded))
            _mark_memory(results, "after totals", api_process)
        if "budget" in plan.parts and seeded is not None:
            print("==> budget view", flush=True)
            await _part(results, "budget", phases.budget(plan, rig, seeded))
            _mark_memory(results, "after budget", api_process)
        if "dashboard" in plan.parts and seeded is not None:
            print("==> dashboard of the household", flush=True)
            await _part(results, "dashboard", board.dashboard(plan, rig, seeded))
            _mark_memory(results, "after dashboard", api_process)
        if "export" in plan.parts and seeded is not None:
            print("==> exporting the history as CSV", flush=True)
            await _part(results, "export", export.export(plan, api, api_process, seeded))
            _mark_memory(results, "after export", api_process)
        if "imports" in plan.parts:
            print("==> importing a bank file (CSV) through the API", flush=True)
            work = imports.imports(plan, api, api_process, run_id, created)
            await _part(results, "imports", work)
            _mark_memory(results, "after imports", api_process)
        if "backup" in plan.parts and seeded is not None:
            print("==> backing up and restoring the household", flush=True)
            await _part(results, "backup", backup.backup(plan, api, api_process, seeded, db))
            _mark_memory(results, "after backup", api_process)
        if "web" in plan.parts:
            print("==> web app: first screen's JavaScript, envelope board in Chromium", flush=True)
            await _part(results, "web", web.web(plan, api, api_process.url, run_id))
        if "categorise" in plan.parts:
            print("==> learned categorisation against the last-payee baseline", flush=True)
            await _part(results, "categorise", categorise.categorise(plan))
        if "forecast" in plan.parts:
            print("==> forecasts: chosen method against the baselines, 30 envelopes", flush=True)
            await _part(results, "forecast", forecasts.forecast(plan, rig, run_id))
        if "live" in plan.parts:
            print("==> live subscriptions: 1,000 subscribers on one API process", flush=True)
            await _part(results, "live", live.live(plan, api, api_process, run_id, created))
            _mark_memory(results, "after live", api_process)
        if "workers" in plan.parts:
            print(f"==> 1 and 2 API worker processes (python -m app.serve), c={workers.LEVEL}")
            env = api_process.env  # the same JWT secret: the households' tokens stay valid
            mongod = rs.pids[0] if rs.pids else None
            work = workers.workers(
                plan, rig, env, api_process.log.parent, mongod, run_id, created, seeded
            )
            await _part(results, "workers", work)
        if "catchup" in plan.parts:
            print("==> catching up due scheduled occurrences", flush=True)
            env = api_environment(rs.uri, store.DATABASE)
            log = api_process.log.parent / "catchup-api.log"
            await _part(results, "catchup", phases.catch_up(plan, rig, run_id, created, env, log))
    finally:
        if created and not plan.keep:
            await store.forget(db, created)
        await api.close()
        await client.close()


async def _part(
    results: Row, name: str, work: Coroutine[Any, Any, tuple[Row, list[Any], Row]]
) -> None:
    found, targets, checks = await work
    results[name] = found
    results["targets"] += [t.row() for t in targets]
    results["checks"].update(checks)


def _mark_memory(results: Row, moment: str, api: ApiProcess) -> None:
    """The API's resident set at a moment of the run: where memory grows, if it does."""
    rss = read_status_kib(api.pid, "VmRSS") or 0
    results["setup"].setdefault("api_rss_mb", {})[moment] = round(rss / 1024, 1)
    print(f"    API resident set {moment}: {rss / 1024:.1f} MB", flush=True)


def _print_where(rs: ReplicaSet, api: ApiProcess) -> None:
    print(
        f"==> kept running: MongoDB {rs.uri} (database {store.DATABASE}), "
        f"API {api.url}/graphql pid {api.pid}  (py-spy top --pid {api.pid})",
        flush=True,
    )


def _run_async(coroutine: Coroutine[Any, Any, None]) -> None:
    try:
        import uvloop  # the API runs on uvloop too (uvicorn's default when installed)
    except ImportError:
        asyncio.run(coroutine)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(coroutine)


def main(argv: list[str] | None = None) -> int:
    plan = parse(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up as on Ctrl-C
    began, stamp = time.perf_counter(), datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = store.mongo_folder(plan.entries, plan.reseed)
    print(f"==> MongoDB replica set in {folder.relative_to(ROOT)}", flush=True)
    rs = start_replica_set(folder, members=1)
    api: ApiProcess | None = None
    sampler: RssSampler | None = None
    try:
        env = api_environment(rs.uri, store.DATABASE)
        api = ApiProcess.start(env, folder / "api.log")
        sampler = RssSampler(api.pid)
        sampler.start()
        print(f"==> API on {api.url} (pid {api.pid}), ready in {api.startup_seconds:.2f} s")
        results: Row = {
            "started_at": stamp, "machine": machine(rs), "targets": [], "checks": {},
            "options": {"repeat": plan.repeat, "parts": sorted(plan.parts), "quick": plan.quick,
                        "entries": plan.entries, "concurrency": list(plan.concurrency),
                        "warmup_s": plan.warmup, "window_s": plan.duration,
                        "requests": plan.requests},
            "setup": {"api_startup_s": round(api.startup_seconds, 3)},
        }  # fmt: skip
        _run_async(measure(plan, rs, api, results))
        if "footprint" in plan.parts:
            print("==> footprint", flush=True)
            results["footprint"] = found = footprint(plan, api, sampler, env)
            results["targets"] += [
                report.target("peak RSS of the API process", [found["peak_rss_mb"]], 150, "<=",
                              "MB").row(),
                report.target("spawn → /readyz 200", found["startup_seconds"], 2, "<", "s").row(),
            ]  # fmt: skip
        results["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
        results["duration_s"] = round(time.perf_counter() - began, 1)
        json_path, md_path = report.write(results, RESULTS, stamp)
        print()
        print(report.markdown(results))
        print(f"==> wrote {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)}")
        return 0 if all(t["met"] for t in results["targets"]) else 1
    finally:
        if sampler is not None:
            sampler.stop()
        if plan.keep and api is not None:
            _print_where(rs, api)
            print(f"    stop with: kill {api.pid}; "
                  f".venv/bin/python -m app.devtools.localmongo stop --dir {folder}")  # fmt: skip
        else:
            if api is not None:
                api.stop()
            rs.stop()
