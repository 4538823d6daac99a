"""The web app in Chromium against an API that runs only trusted documents
(`ENVELOPES_TRUSTED_DOCUMENTS=required`): `web/e2e/persisted.test.mjs` signs up, records and
reads the history, and checks that every request and subscription carried a hash of the
build's manifest and no document. Its screenshot lands in `web/test-results/persisted/`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_process import ApiProcess
from tests.web.browser_run import BROWSER_MARKS, WEB, run_browser_tests, web_app_api

SHOTS = WEB / "test-results" / "persisted"

pytestmark = BROWSER_MARKS


@pytest.fixture
def trusted_api(mongo_uri: str, tmp_path: Path) -> Iterator[ApiProcess]:
    with web_app_api(mongo_uri, tmp_path / "api.log", TRUSTED_DOCUMENTS="required") as api:
        yield api


def test_the_web_app_runs_on_trusted_documents_alone(trusted_api: ApiProcess) -> None:
    passed, output = run_browser_tests(
        trusted_api, SHOTS, ["e2e/persisted.test.mjs"], 300, ENVELOPES_E2E_TRUSTED="1"
    )
    assert passed == 3, output[-4000:]
    assert (SHOTS / "persisted-trusted-history-desktop.png").is_file()
