"""The web app: the first screen's JavaScript (gzipped) and the time to an interactive envelope
board in Chromium on loopback.

- Initial JavaScript: the entry script of `web/dist/index.html` plus every module it preloads,
  gzipped (level 9) — what a browser must fetch before the first screen can run. Chunks loaded
  later (the chart library with the budget screen) are listed apart. Goal: at most 200 KB.
- Board: `bench/web_board.mjs` signs a household in through the UI, then opens the account's
  envelope board in fresh pages and times navigation start → every envelope card shown and
  "Record spending" enabled (the first load is a warm-up). It includes the cookie refresh each
  new page does, the JavaScript's parse and the two GraphQL round trips.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from bench.gql import PASSWORD, Api, fund, open_household
from bench.infra import ROOT
from bench.phases import Plan
from bench.report import Target, target
from bench.stats import median

DIST = ROOT / "web" / "dist"
ENVELOPES = [f"Envelope {n:02d}" for n in range(1, 13)]
Row = dict[str, Any]


def _gzip_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024


def bundle() -> Row:
    """Gzipped sizes of what index.html loads first, and of the chunks loaded later."""
    html = (DIST / "index.html").read_text()
    first = re.findall(r'<script[^>]+src="/([^"]+\.js)"', html)
    first += re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="/([^"]+\.js)"', html)
    css = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="/([^"]+\.css)"', html)
    later = sorted(
        p.relative_to(DIST).as_posix()
        for p in (DIST / "assets").glob("*.js")
        if p.relative_to(DIST).as_posix() not in first
    )
    return {
        "initial_js_gzip_kb": round(sum(_gzip_kb(DIST / f) for f in first), 1),
        "initial_files": first,
        "css_gzip_kb": round(sum(_gzip_kb(DIST / f) for f in css), 1),
        "lazy_chunks_gzip_kb": {f: round(_gzip_kb(DIST / f), 1) for f in later},
    }


async def web(plan: Plan, api: Api, url: str, run_id: str) -> tuple[Row, list[Target], Row]:
    if not (DIST / "index.html").is_file():
        raise RuntimeError("web/dist is not built: run scripts/bootstrap.sh dev")
    sizes = bundle()
    targets = [target("web: initial JavaScript, gzipped", [sizes["initial_js_gzip_kb"]], 200,
                      "<=", " KB")]  # fmt: skip
    found: Row = {"bundle": sizes}
    chromium = os.environ.get("ENVELOPES_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        found["board"] = "skipped: no Chromium"
        print("    no Chromium: board load not measured", flush=True)
        return found, targets, {}
    email = f"web-{run_id}@bench.example"
    house = await open_household(api, email, ENVELOPES)
    await fund(api, house, "3000.00", {name: "100.00" for name in ENVELOPES})
    env = os.environ | {
        "BENCH_URL": url, "BENCH_EMAIL": email, "BENCH_PASSWORD": PASSWORD,
        "BENCH_ACCOUNT": house.account_gid, "BENCH_ENVELOPES": str(len(ENVELOPES)),
        "BENCH_REPEAT": str(3 if plan.quick else 5 * plan.repeat), "ENVELOPES_CHROMIUM": chromium,
    }  # fmt: skip
    # The API runs in its own process, so blocking this one while Chromium measures is fine.
    done = await asyncio.to_thread(
        subprocess.run,
        ["node", str(ROOT / "bench" / "web_board.mjs")],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"web_board.mjs failed:\n{done.stdout}\n{done.stderr}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    board = [float(v) for v in measured["board_ms"]]
    found["board"] = {
        "ms": board, "median_ms": median(board), "transfer_kb": measured["transfer_kb"],
    }  # fmt: skip
    print(f"    board interactive: median {median(board):.0f} ms {board}", flush=True)
    targets.append(target("web: envelope board interactive (loopback)", board, 1000, "<=", " ms"))
    return found, targets, {}
