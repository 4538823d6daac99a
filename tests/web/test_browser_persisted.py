"""The web app in Chromium against an API that runs only trusted documents
(`ENVELOPES_TRUSTED_DOCUMENTS=required`): `web/e2e/persisted.test.mjs` signs up, records and
reads the history, and checks that every request carried a hash of the build's manifest and no
document. Its screenshot lands in `web/test-results/persisted/`."""

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
from tests.web.test_browser_story import WEB, chromium

SHOTS = WEB / "test-results" / "persisted"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium() is None, reason="no Chromium here (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("node") is None, reason="no Node.js on this machine"),
]


@pytest.fixture
def trusted_api(mongo_uri: str, tmp_path: Path) -> Iterator[ApiProcess]:
    if not (WEB / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run ./run-tests.sh (or scripts/bootstrap.sh dev)")
    database = f"envelopes_web_{uuid.uuid4().hex[:8]}"
    env = process_environment(
        mongo_uri,
        database,
        SCHEDULER_ENABLED="false",
        WEB_DIR=str(WEB / "dist"),
        TRUSTED_DOCUMENTS="required",
    )
    process = start_api(env, tmp_path / "api.log")
    try:
        yield process
    finally:
        stop(process)
        client: MongoClient[dict[str, object]] = MongoClient(mongo_uri)
        client.drop_database(database)
        client.close()


def test_the_web_app_runs_on_trusted_documents_alone(trusted_api: ApiProcess) -> None:
    shutil.rmtree(SHOTS, ignore_errors=True)
    env = os.environ | {
        "ENVELOPES_E2E_URL": trusted_api.url,
        "ENVELOPES_E2E_SHOTS": str(SHOTS),
        "ENVELOPES_E2E_TRUSTED": "1",
        "ENVELOPES_CHROMIUM": chromium() or "",
    }
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", "e2e/persisted.test.mjs"],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"the browser test failed:\n{output[-12000:]}"
    passed = re.search(r"^. pass (\d+)$", output, re.MULTILINE)
    assert passed, output[-4000:]
    assert int(passed.group(1)) == 2, output[-4000:]
    assert (SHOTS / "persisted-trusted-history-desktop.png").is_file()
