"""The GraphiQL playground renders from the app's own assets: nothing from a CDN."""

import re
from pathlib import Path

import httpx
import pytest

from app.graphql.engine.playground import VENDOR_ASSETS
from tests.conftest import ApiFactory

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


async def page(http: httpx.AsyncClient) -> httpx.Response:
    return await http.get("/graphql", headers={"Accept": "text/html"})


async def test_the_playground_page_is_served_with_a_strict_policy(
    http: httpx.AsyncClient,
) -> None:
    reply = await page(http)
    assert reply.status_code == 200
    assert "text/html" in reply.headers["content-type"]
    policy = reply.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy


async def test_every_referenced_asset_loads_from_the_app_itself(http: httpx.AsyncClient) -> None:
    html = (await page(http)).text
    assert not EXTERNAL.search(html)
    references = re.findall(r"""(?:src|href)="([^"]+)\"""", html)
    local = [r for r in references if not r.startswith("data:")]
    assert len(local) == 6  # 4 vendor bundles + init.js + playground.css
    for reference in local:
        assert reference.startswith("/playground/")
        asset = await http.get(reference)
        assert asset.status_code == 200, reference
        assert len(asset.content) > 0
        expected = "javascript" if reference.endswith(".js") else "css"
        assert expected in asset.headers["content-type"]


async def test_the_stylesheets_and_our_script_fetch_nothing_external(
    http: httpx.AsyncClient,
) -> None:
    for name in ("graphiql.min.css", "playground.css"):
        css = (await http.get(f"/playground/{name}")).text
        assert not re.search(r"""url\(\s*["']?(?:https?:)?//""", css)
        assert not re.search(r"@import", css)
    script = (await http.get("/playground/init.js")).text
    assert "http" not in script.replace("window.location", "")


async def test_unknown_asset_names_are_not_served(http: httpx.AsyncClient) -> None:
    for name in ("../../pyproject.toml", "react%2Fpackage.json", "nope.js"):
        assert (await http.get(f"/playground/{name}")).status_code == 404


async def test_without_installed_assets_the_page_says_how_to_install_them(
    make_api: ApiFactory, tmp_path: Path
) -> None:
    async with make_api(playground_assets_dir=tmp_path) as (_, gql):
        reply = await page(gql.http)
    assert reply.status_code == 503
    assert "npm ci" in reply.text


@pytest.mark.parametrize("name", sorted(VENDOR_ASSETS))
def test_vendor_assets_are_installed_by_the_set_up(name: str) -> None:
    root = Path(__file__).resolve().parents[2] / "playground" / "node_modules"
    assert (root / VENDOR_ASSETS[name]).is_file(), "run scripts/bootstrap.sh (npm ci)"
