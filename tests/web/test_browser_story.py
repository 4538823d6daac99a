"""The web app end to end: a real headless Chromium (Debian's package, driven by playwright-core)
against a real API process serving the built app at "/" over a real replica set.

The stories are `web/e2e/*.test.mjs` (node:test): `story.test.mjs` (the family: Ana, Ben
and Cleo) and `features.test.mjs` (every other feature once). This test starts the API (with a
30-second access token, so the stories live through many token refreshes), runs them, and
fails with their output when a step fails. Screenshots of every main screen at desktop and phone
width land in `web/test-results/screens/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_process import ApiProcess
from tests.web.browser_run import BROWSER_MARKS, WEB, run_browser_tests, web_app_api

SHOTS = WEB / "test-results" / "screens"
ACCESS_TOKEN_SECONDS = 30

pytestmark = BROWSER_MARKS


@pytest.fixture
def api(mongo_uri: str, tmp_path: Path) -> Iterator[ApiProcess]:
    with web_app_api(
        mongo_uri,
        tmp_path / "api.log",
        ACCESS_TOKEN_TTL_SECONDS=str(ACCESS_TOKEN_SECONDS),
        # webhooks.test.mjs points a webhook at loopback (nothing is sent: no scheduler).
        WEBHOOKS_ALLOW_LOOPBACK="true",
    ) as process:
        yield process


def test_browser_stories_in_chromium(api: ApiProcess) -> None:
    passed, output = run_browser_tests(
        api, SHOTS, ["e2e/"], 900, ENVELOPES_E2E_TOKEN_SECONDS=str(ACCESS_TOKEN_SECONDS)
    )
    assert passed >= 20, output[-4000:]
    shots = sorted(p.name for p in SHOTS.glob("*.png"))
    assert any(name.endswith("-desktop.png") for name in shots), shots
    assert any(name.endswith("-phone.png") for name in shots), shots
