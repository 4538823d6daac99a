"""The API serves the built web app at `/`: its files as they are, `index.html` for the app's
own routes, with strict headers; the API's own paths answer exactly as before. A tiny fake
build stands in for Vite's `web/dist/`: what is tested is the serving, not the app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ApiFactory, make_settings

INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js">'
INDEX += '</script></head><body><div id="root"></div></body></html>\n'
SCRIPT = "console.log('the envelopes web app');\n" * 100
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
IMMUTABLE = "public, max-age=31536000, immutable"


def fake_build(root: Path) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app-abc123.js").write_text(SCRIPT)
    (dist / "assets" / "app-abc123.css").write_text("body { margin: 0 }\n")
    (dist / "assets" / "inter-abc123.woff2").write_bytes(b"wOF2" + bytes(60))
    (dist / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (dist / "manifest.webmanifest").write_text('{"name": "Envelopes"}\n')
    (dist / "config.json").write_text("{}\n")
    (root / "secret.txt").write_text("not for the web\n")
    return dist


@pytest.fixture
async def web(make_api: ApiFactory, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with make_api(web_dir=fake_build(tmp_path)) as (_, gql):
        yield gql.http


def assert_hardened(reply: httpx.Response) -> None:
    assert {name: reply.headers.get(name) for name in SECURITY} == SECURITY


class TestPages:
    async def test_the_root_is_the_apps_index(self, web: httpx.AsyncClient) -> None:
        reply = await web.get("/")
        assert (reply.status_code, reply.text) == (200, INDEX)
        assert reply.headers["content-type"] == "text/html; charset=utf-8"
        assert reply.headers["cache-control"] == "no-cache"
        assert_hardened(reply)

    @pytest.mark.parametrize("path", ["/accounts/abc/history", "/settings", "/assets/", "/a.b/c"])
    async def test_the_apps_own_routes_get_the_index(
        self, web: httpx.AsyncClient, path: str
    ) -> None:
        reply = await web.get(path)
        assert (reply.status_code, reply.text) == (200, INDEX)
        assert reply.headers["cache-control"] == "no-cache"
        assert_hardened(reply)

    async def test_head_answers_the_headers_only(self, web: httpx.AsyncClient) -> None:
        reply = await web.head("/accounts/abc")
        assert (reply.status_code, reply.content) == (200, b"")
        assert reply.headers["content-length"] == str(len(INDEX))


class TestFiles:
    async def test_a_hashed_asset_is_cached_for_a_year(self, web: httpx.AsyncClient) -> None:
        reply = await web.get("/assets/app-abc123.js")
        assert (reply.status_code, reply.text) == (200, SCRIPT)
        assert reply.headers["content-type"] == "text/javascript; charset=utf-8"
        assert reply.headers["cache-control"] == IMMUTABLE
        assert_hardened(reply)

    @pytest.mark.parametrize(
        ("path", "content_type", "cache"),
        [
            ("/assets/app-abc123.css", "text/css; charset=utf-8", IMMUTABLE),
            ("/assets/inter-abc123.woff2", "font/woff2", IMMUTABLE),
            ("/favicon.svg", "image/svg+xml", "no-cache"),
            ("/manifest.webmanifest", "application/manifest+json", "no-cache"),
            ("/config.json", "application/json", "no-cache"),
            ("/index.html", "text/html; charset=utf-8", "no-cache"),
        ],
    )
    async def test_files_have_their_content_type(
        self, web: httpx.AsyncClient, path: str, content_type: str, cache: str
    ) -> None:
        reply = await web.get(path)
        assert reply.status_code == 200
        assert (reply.headers["content-type"], reply.headers["cache-control"]) == (
            content_type,
            cache,
        )
        assert_hardened(reply)

    @pytest.mark.parametrize("path", ["/assets/app-old999.js", "/favicon.ico", "/a/b/c.png"])
    async def test_a_missing_file_is_not_found(self, web: httpx.AsyncClient, path: str) -> None:
        reply = await web.get(path)
        assert reply.status_code == 404
        assert INDEX not in reply.text
        assert_hardened(reply)

    @pytest.mark.parametrize(
        "path",
        ["/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"],
    )
    async def test_nothing_outside_the_build_is_served(
        self, web: httpx.AsyncClient, path: str
    ) -> None:
        reply = await web.get(path)
        assert reply.status_code == 404
        assert "not for the web" not in reply.text

    async def test_a_null_byte_is_not_found(self, web: httpx.AsyncClient) -> None:
        assert (await web.get("/assets/app%00.js")).status_code == 404

    async def test_an_unchanged_file_is_not_sent_again(self, web: httpx.AsyncClient) -> None:
        first = await web.get("/assets/app-abc123.js")
        again = await web.get(
            "/assets/app-abc123.js", headers={"If-None-Match": first.headers["etag"]}
        )
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["cache-control"] == IMMUTABLE

    async def test_text_is_gzipped_for_clients_that_accept_it(self, web: httpx.AsyncClient) -> None:
        reply = await web.get("/assets/app-abc123.js", headers={"Accept-Encoding": "gzip"})
        assert reply.headers["content-encoding"] == "gzip"
        assert reply.text == SCRIPT  # httpx inflates it
        assert int(reply.headers["content-length"]) < len(SCRIPT) / 10


class TestTheApiIsUntouched:
    async def test_the_playground_stays_at_graphql(self, web: httpx.AsyncClient) -> None:
        reply = await web.get("/graphql", headers={"Accept": "text/html"})
        assert reply.status_code == 200
        assert "GraphQL playground" in reply.text
        assert "form-action 'none'" in reply.headers["content-security-policy"]

    async def test_graphql_answers_are_not_gzipped(self, web: httpx.AsyncClient) -> None:
        reply = await web.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"Accept-Encoding": "gzip"},
        )
        assert reply.json()["data"] == {"__typename": "Query"}
        assert "content-encoding" not in reply.headers

    @pytest.mark.parametrize(
        ("path", "status"),
        [
            ("/healthz", 200),
            ("/readyz", 200),
            ("/playground/nope.js", 404),
            ("/playground/a/b", 404),
            ("/graphql/anything", 404),
            ("/healthz/more", 404),
        ],
    )
    async def test_the_apis_paths_never_get_the_index(
        self, web: httpx.AsyncClient, path: str, status: int
    ) -> None:
        reply = await web.get(path)
        assert reply.status_code == status
        assert INDEX not in reply.text
        assert "content-security-policy" not in reply.headers

    async def test_only_get_and_head_reach_the_app(self, web: httpx.AsyncClient) -> None:
        assert (await web.post("/accounts", json={})).status_code == 405
        assert (await web.put("/graphql", json={})).status_code == 405


class TestWithoutABuild:
    async def test_the_root_says_how_to_build_the_app(
        self, make_api: ApiFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger="envelopes"):
            async with make_api(web_dir=tmp_path / "dist") as (_, gql):
                root = await gql.http.get("/")
                route = await gql.http.get("/accounts/abc")
                health = await gql.http.get("/healthz")
        assert root.status_code == route.status_code == 503
        assert "./system-up.sh" in root.text
        assert "npm run build" in root.text
        assert root.headers["content-type"] == "text/html; charset=utf-8"
        assert_hardened(root)
        assert health.status_code == 200
        assert any("web app not built" in r.getMessage() for r in caplog.records)


def test_the_default_web_dir_is_the_repositorys_build(repo_root: Path) -> None:
    settings = make_settings("mongodb://unused.invalid", "unused")
    assert settings.web_dir == repo_root / "web" / "dist"
