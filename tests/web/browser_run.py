"""Shared by the browser tests: an API process serving the built web app, and a run of
`web/e2e/` test files (node:test) against it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pymongo import MongoClient

from tests.api_process import ApiProcess, process_environment, start_api, stop

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"


def chromium() -> str | None:
    return os.environ.get("ENVELOPES_CHROMIUM") or shutil.which("chromium")


# Every browser test: slow, and only where Chromium and Node.js are installed.
BROWSER_MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium() is None, reason="no Chromium here (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("node") is None, reason="no Node.js on this machine"),
]


@contextmanager
def web_app_api(mongo_uri: str, log: Path, **settings: str) -> Iterator[ApiProcess]:
    """An API process serving web/dist on a fresh database (dropped after), with `settings`
    (ENVELOPES_* names without the prefix)."""
    if not (WEB / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run ./run-tests.sh (or scripts/bootstrap.sh dev)")
    database = f"envelopes_web_{uuid.uuid4().hex[:8]}"
    env = process_environment(
        mongo_uri, database, SCHEDULER_ENABLED="false", WEB_DIR=str(WEB / "dist"), **settings
    )
    process = start_api(env, log)
    try:
        yield process
    finally:
        stop(process)
        client: MongoClient[dict[str, object]] = MongoClient(mongo_uri)
        client.drop_database(database)
        client.close()


def run_browser_tests(
    api: ApiProcess, shots: Path, targets: list[str], timeout: int, **env: str
) -> tuple[int, str]:
    """Runs the e2e `targets` in Chromium against `api`; (passed tests, output). Fails the
    test with their output when one fails."""
    shutil.rmtree(shots, ignore_errors=True)
    variables = os.environ | {
        "ENVELOPES_E2E_URL": api.url,
        "ENVELOPES_E2E_SHOTS": str(shots),
        "ENVELOPES_CHROMIUM": chromium() or "",
        **env,
    }
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", "--test-concurrency=1", *targets],
        cwd=WEB,
        env=variables,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"the browser tests failed:\n{output[-12000:]}"
    passed = re.search(r"^. pass (\d+)$", output, re.MULTILINE)
    failed = re.search(r"^. fail (\d+)$", output, re.MULTILINE)
    assert passed, output[-4000:]
    assert failed, output[-4000:]
    assert int(failed.group(1)) == 0, output[-4000:]
    return int(passed.group(1)), output
