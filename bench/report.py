"""Results: targets judged against the measured medians, the JSON file and a Markdown report."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.stats import median


@dataclass(frozen=True)
class Target:
    name: str
    measured: float  # the median over repeats
    values: list[float]
    goal: float
    compare: str  # ">=", "<=" or "<"
    unit: str

    @property
    def met(self) -> bool:
        checks: dict[str, Callable[[float, float], bool]] = {
            ">=": operator.ge, "<=": operator.le, "<": operator.lt,
        }  # fmt: skip
        return checks[self.compare](self.measured, self.goal)

    def row(self) -> dict[str, Any]:
        return asdict(self) | {"met": self.met}


def target(name: str, values: list[float], goal: float, compare: str, unit: str) -> Target:
    return Target(name, round(median(values), 3), [round(v, 3) for v in values], goal,
                  compare, unit)  # fmt: skip


def _num(value: float, unit: str = "") -> str:
    if value != value:  # NaN
        return "n/a"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else \
        f"{value:.1f}"  # fmt: skip
    return f"{text} {unit}".strip() if unit not in ("%", "x") else f"{text}{unit}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        f"# Envelopes benchmark, {results['started_at']}",
        "",
        f"{machine['cpus']} CPUs, Python {machine['python']}, MongoDB {machine['mongod']}, "
        f"commit {machine['commit']}{' (app/ modified)' if machine['app_modified'] else ''}; "
        f"load average {machine['load_before']} before, {machine['load_after']} after. "
        f"Medians of {results['options']['repeat']} repeats. Shared machine: figures are noisy.",
        "",
        "## Targets",
        "",
    ]
    rows = [
        [t["name"], _num(t["measured"], t["unit"]), ", ".join(_num(v) for v in t["values"]),
         f"{t['compare']} {_num(t['goal'], t['unit'])}", "pass" if t["met"] else "**miss**"]
        for t in results["targets"]
    ]  # fmt: skip
    lines += _table(["Target", "Measured", "All values", "Goal", "Result"], rows)
    for section in (
        _mutations,
        _pages,
        _totals,
        _budget,
        _export,
        _imports,
        _catchup,
        _web,
        _forecast,
        _footprint,
        _workers,
        _checks,
    ):
        lines += section(results)
    return "\n".join(lines) + "\n"


def _m(figure: dict[str, Any], key: str, unit: str = "") -> str:
    return _num(figure[key]["median"], unit)


def _cpu(figure: dict[str, Any], process: str) -> str:
    found = figure.get("cpu_ms_per_op", {}).get(process)
    return _num(found["median"], "ms") if found else "n/a"


def _mutations(results: dict[str, Any]) -> list[str]:
    found = results.get("mutations")
    if not found:
        return []
    rows = []
    for kind, by_level in found["runs"].items():
        for level, run in by_level.items():
            api, raw = run["api"], run["raw"]
            rows.append([
                kind, level, _m(api, "rate_per_s"), _m(api, "p50_ms", "ms"),
                _m(api, "p99_ms", "ms"), _m(raw, "rate_per_s"), _m(raw, "p50_ms", "ms"),
                _m(raw, "p99_ms", "ms"), _num(run["api_to_raw_pct"]["median"], "%"),
                _cpu(api, "api"), f"{_cpu(api, 'mongod')} / {_cpu(raw, 'mongod')}",
                _num(api["slowest_ms"], "ms"), str(api["failures"]),
            ])  # fmt: skip
    header = ["Mutation", "Concurrency", "API req/s", "API p50", "API p99", "Raw tx/s",
              "Raw p50", "Raw p99", "API/raw", "API process CPU per request",
              "mongod CPU per op (API / raw)", "API slowest request", "API failures"]  # fmt: skip
    note = ("CPU per operation is the CPU time the process used in the window divided by the "
            "operations done: steadier than rates when the machine is shared. The slowest "
            "request is over all repeats, warm-ups included.")  # fmt: skip
    return ["", "## Money mutations (one account per worker)", "", *_table(header, rows), "",
            note]  # fmt: skip


def _pages(results: dict[str, Any]) -> list[str]:
    found = results.get("pages")
    if not found:
        return []
    rows = [
        [page, _m(run["api"], "p50_ms", "ms"), _m(run["api"], "p99_ms", "ms"),
         _m(run["raw"], "p50_ms", "ms"), _m(run["raw"], "p99_ms", "ms"),
         _num(run["api_to_raw_p50"]["median"], "x"), _cpu(run["api"], "api"),
         str(run["api"]["requests"])]
        for page, run in found["runs"].items()
    ]  # fmt: skip
    header = ["Page (first: 50)", "API p50", "API p99", "Raw p50", "Raw p99", "API/raw p50",
              "API process CPU per request", "Requests per repeat"]  # fmt: skip
    title = f"## History pages ({found['entries']:,} entries)"
    return ["", title, "", *_table(header, rows)]


def _totals(results: dict[str, Any]) -> list[str]:
    found = results.get("totals")
    if not found:
        return []
    rows = [
        [period, _m(run["api"], "p50_ms", "ms"), _m(run["api"], "p99_ms", "ms"),
         _m(run["raw"], "p50_ms", "ms"), _m(run["raw"], "p99_ms", "ms"),
         _cpu(run["api"], "api"), str(run["api"]["requests"]), str(run["raw"]["requests"])]
        for period, run in found["runs"].items()
    ]  # fmt: skip
    header = ["Totals", "API p50", "API p99", "Old raw aggregate p50", "Raw p99",
              "API process CPU per request", "API requests", "Raw runs"]  # fmt: skip
    return ["", "## Totals (per-month figures vs the old aggregate)", "", *_table(header, rows)]


def _budget(results: dict[str, Any]) -> list[str]:
    found = results.get("budget")
    if not found:
        return []
    rows = [
        [name, _m(run, "p50_ms", "ms"), _m(run, "p99_ms", "ms"), _cpu(run, "api"),
         str(run["requests"])]
        for name, run in found["runs"].items()
    ]  # fmt: skip
    header = ["Query (latest: Dec 2024; deep: Jun 2020)", "API p50", "API p99",
              "API process CPU per request", "Requests per repeat"]  # fmt: skip
    ratios = [
        f"- Budget p50 / totals p50 per repeat, {period}: "
        + ", ".join(f"{r:.2f}" for r in values) + "."
        for period, values in found["budget_to_totals_p50"].items()
    ]  # fmt: skip
    return [
        "", "## Budget view (30 planned envelopes) vs single-envelope totals", "",
        *_table(header, rows), "", *ratios,
    ]  # fmt: skip


def _catchup(results: dict[str, Any]) -> list[str]:
    found = results.get("catchup")
    if not found:
        return []
    return [
        "", "## Catching up due scheduled occurrences", "",
        f"- {found['posted']:,} of {found['due']:,} due occurrences posted by a fresh API "
        f"process in {found['seconds_from_ready']} s from readiness "
        f"({found['seconds_first_to_last']} s from the first posting to the last).",
        f"- Rate: {found['rate_per_s']} postings per second; API process CPU: "
        f"{found['api_cpu_ms_per_posting']} ms per posting.",
    ]  # fmt: skip


def _footprint(results: dict[str, Any]) -> list[str]:
    found = results.get("footprint")
    if not found:
        return []
    starts = ", ".join(f"{s:.2f}" for s in found["startup_seconds"])
    marks = results["setup"].get("api_rss_mb", {})
    moments = "; ".join(f"{moment} {mb:.1f} MB" for moment, mb in marks.items())
    return [
        "",
        "## Footprint",
        "",
        f"- Peak RSS of the API process over the run (VmHWM): {found['peak_rss_mb']:.1f} MB; "
        f"largest sampled VmRSS {found['max_sampled_rss_mb']:.1f} MB "
        f"({found['rss_samples']} samples).",
        f"- API resident set: {moments or 'n/a'}.",
        f"- Spawn → /readyz 200: median {found['startup_median_s']:.2f} s ({starts} s).",
    ]


def _export(results: dict[str, Any]) -> list[str]:
    found = results.get("export")
    if not found:
        return []
    lines = ["", "## Export (CSV)", ""]
    for run in found["runs"]:
        lines.append(
            f"- {run['rows']:,} rows, {run['mb']} MB in {run['seconds']} s: "
            f"{run['rows_per_s']:,} rows/s; API RSS {run['rss_before_mb']} MB before, "
            f"peak {run['rss_peak_mb']} MB while streaming."
        )
    return lines


def _imports(results: dict[str, Any]) -> list[str]:
    found = results.get("imports")
    if not found:
        return []
    lines = ["", "## Import (CSV)", ""]
    for run in found["runs"]:
        lines.append(
            f"- {run['rows']:,} rows, {run['mb']} MB: upload, dry run and commit in "
            f"{run['seconds']} s, {run['rows_per_s']:,} rows/s (dry run "
            f"{run['dry_run_rows_per_s']:,}/s, commit {run['commit_rows_per_s']:,}/s); API RSS "
            f"{run['rss_before_mb']} MB before, peak {run['rss_peak_mb']} MB."
        )
    return lines


def _web(results: dict[str, Any]) -> list[str]:
    found = results.get("web")
    if not found:
        return []
    sizes = found["bundle"]
    lazy = ", ".join(f"{name} {kb:.1f} KB" for name, kb in sizes["lazy_chunks_gzip_kb"].items())
    lines = [
        "",
        "## Web app",
        "",
        f"- First screen's JavaScript (gzip -9): {sizes['initial_js_gzip_kb']:.1f} KB "
        f"({', '.join(sizes['initial_files'])}); CSS {sizes['css_gzip_kb']:.1f} KB.",
        f"- Loaded later: {lazy or 'nothing'}.",
    ]
    board = found.get("board")
    if isinstance(board, dict):
        values = ", ".join(f"{v:.0f}" for v in board["ms"])
        lines.append(
            f"- Envelope board interactive in Chromium on loopback: median "
            f"{board['median_ms']:.0f} ms ({values} ms)."
        )
    else:
        lines.append(f"- Envelope board: {board}.")
    return lines


def _forecast(results: dict[str, Any]) -> list[str]:
    found = results.get("forecast")
    if not found:
        return []
    from bench.forecast import markdown  # here: bench.forecast reports through this module

    return markdown(found)


def _workers(results: dict[str, Any]) -> list[str]:
    found = results.get("workers")
    if not found:
        return []
    rows = []
    for count, run in found["runs"].items():
        for kind in ("move", "expense", "page"):
            if kind in run:
                f = run[kind]
                rows.append([count, kind, _m(f, "rate_per_s"), _m(f, "p50_ms", "ms"),
                             _m(f, "p99_ms", "ms"), _cpu(f, "api"), _cpu(f, "mongod"),
                             str(f["failures"])])  # fmt: skip
        rows.append([count, "resident set (all processes)", "", "", "", "", "",
                     _num(run["rss_mb"], "MB")])  # fmt: skip
    header = ["Workers", "Request", "req/s", "p50", "p99", "API CPU per request (all processes)",
              "mongod CPU per request", "Failures"]  # fmt: skip
    page = f", history page {found['page']}" if found["page"] else ""
    title = f"## API worker processes (python -m app.serve), concurrency {found['concurrency']}"
    title += page
    return ["", title, "", *_table(header, rows)]


def _checks(results: dict[str, Any]) -> list[str]:
    checks = results.get("checks", {})
    if not checks:
        return []
    lines = ["", "## Checks", ""]
    for name, value in checks.items():
        lines.append(f"- {name}: `{json.dumps(value, default=str)}`")
    return lines


def write(results: dict[str, Any], folder: Path, stamp: str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / f"{stamp}.json"
    md_path = folder / f"{stamp}.md"
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    md_path.write_text(markdown(results))
    return json_path, md_path
