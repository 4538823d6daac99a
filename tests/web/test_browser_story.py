"""The web app end to end: a real headless Chromium (Debian's package, driven by playwright-core)
against a real API process serving the built app at "/" over a real replica set.

The stories are `web/e2e/*.test.mjs` (node:test): `story.test.mjs` (the family: Ana, Ben
and Cleo) and `features.test.mjs` (every other feature once). This test starts the API (with a
30-second access token, so the stories live through many token refreshes), runs them, and
fails with their output when a step fails. Screenshots of every main screen at desktop and phone
width land in `web/test-results/screens/`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient

from tests.api_process import ApiProcess, process_environment, start_api, stop

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
SHOTS = WEB / "test-results" / "screens"
ACCESS_TOKEN_SECONDS = 30


def chromium() -> str | None:
    return os.environ.get("ENVELOPES_CHROMIUM") or shutil.which("chromium")


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium() is None, reason="no Chromium here (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("node") is None, reason="no Node.js on this machine"),
]


@pytest.fixture
def api(mongo_uri: str, tmp_path: Path) -> Iterator[ApiProcess]:
    if not (WEB / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run ./run-tests.sh (or scripts/bootstrap.sh dev)")
    database = f"envelopes_web_{uuid.uuid4().hex[:8]}"
    env = process_environment(
        mongo_uri,
        database,
        SCHEDULER_ENABLED="false",
        ACCESS_TOKEN_TTL_SECONDS=str(ACCESS_TOKEN_SECONDS),
        WEB_DIR=str(WEB / "dist"),
        # webhooks.test.mjs points a webhook at loopback (nothing is sent: no scheduler).
        WEBHOOKS_ALLOW_LOOPBACK="true",
    )
    process = start_api(env, tmp_path / "api.log")
    try:
        yield process
    finally:
        stop(process)
        client: MongoClient[dict[str, object]] = MongoClient(mongo_uri)
        client.drop_database(database)
        client.close()


def test_browser_stories_in_chromium(api: ApiProcess, tmp_path: Path) -> None:
    shutil.rmtree(SHOTS, ignore_errors=True)
    env = os.environ | {
        "ENVELOPES_E2E_URL": api.url,
        "ENVELOPES_E2E_SHOTS": str(SHOTS),
        "ENVELOPES_E2E_TOKEN_SECONDS": str(ACCESS_TOKEN_SECONDS),
        "ENVELOPES_CHROMIUM": chromium() or "",
    }
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", "--test-concurrency=1", "e2e/"],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"the browser story failed:\n{output[-12000:]}"
    passed = re.search(r"^. pass (\d+)$", output, re.MULTILINE)
    failed = re.search(r"^. fail (\d+)$", output, re.MULTILINE)
    assert passed, output[-4000:]
    assert failed, output[-4000:]
    assert int(failed.group(1)) == 0, output[-4000:]
    assert int(passed.group(1)) >= 20, output[-4000:]
    shots = sorted(p.name for p in SHOTS.glob("*.png"))
    assert any(name.endswith("-desktop.png") for name in shots), shots
    assert any(name.endswith("-phone.png") for name in shots), shots
