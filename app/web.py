"""The web app (React, built by Vite into `web/dist/`), served at `/` by the API itself.

Every GET or HEAD outside the API's own paths (/graphql, /playground/…, /exports/…, /healthz,
/readyz) is the web app's:
- a file of the build (`/assets/app-1a2b3c.js`, `/favicon.svg`) is sent as it is; a path
  whose last segment has an extension but names no file is a 404;
- any other path is one of the app's own routes (`/accounts/…/history`): it gets
  `index.html` with status 200, and the app routes it in the browser.

Vite names the files under `/assets/` by a hash of their content, so they are cached for a
year; everything else (`index.html` above all, which names them) is revalidated on every
load. Every answer carries a strict Content-Security-Policy and the usual hardening headers,
and text is gzipped. Without a build, the app's pages are a 503 that says how to build it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Match, Route
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Receive, Scope, Send

API_PATHS = ("/graphql", "/playground", "/exports", "/healthz", "/readyz")
INDEX = "index.html"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HASHED = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Python's own table varies with the version and the system's mime.types.
MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".txt": "text/plain",
    ".wasm": "application/wasm",
}

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Envelopes is not built</title></head><body>
<h1>The web app is not built</h1>
<p>Run <code>./system-up.sh</code> (or <code>npm ci &amp;&amp; npm run build</code> in
<code>web/</code>), or set ENVELOPES_WEB_DIR to a folder holding the built app.</p>
</body></html>"""


def index_built(web_dir: Path) -> bool:
    return (web_dir / INDEX).is_file()


def is_api_path(path: str) -> bool:
    return any(path == api or path.startswith(f"{api}/") for api in API_PATHS)


class _BuiltFiles(StaticFiles):
    """Starlette's static files (no way out of the directory, conditional requests), with
    this app's content types and caching."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        root = os.path.realpath(str(self.directory))
        relative = PurePosixPath(os.path.relpath(full_path, root))
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=MEDIA_TYPES.get(relative.suffix.lower()),
            headers={"Cache-Control": HASHED if relative.parts[0] == "assets" else REVALIDATE},
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


class WebApp:
    """The ASGI app of the built web app (see the module docstring)."""

    def __init__(self, web_dir: Path) -> None:
        self.web_dir = web_dir
        self._files = _BuiltFiles(directory=web_dir, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._answer(scope)
        response.headers.update(SECURITY_HEADERS)
        await response(scope, receive, send)

    async def _answer(self, scope: Scope) -> Response:
        if scope["path"] != "/":
            found = await self._file(self._files.get_path(scope), scope)
            if found is not None:
                return found
            if PurePosixPath(scope["path"]).suffix:
                return PlainTextResponse("Not Found", status_code=404)
        index = await self._file(INDEX, scope)
        if index is None:
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
        return index

    async def _file(self, path: str, scope: Scope) -> Response | None:
        try:
            return await self._files.get_response(path, scope)
        except HTTPException:  # none there (a directory is none either)
            return None


class WebRoute(Route):
    """GET and HEAD of every path that is not the API's own, so the API's paths keep their
    answers (404, 405, the trailing-slash redirect) exactly as before."""

    def __init__(self, web_dir: Path) -> None:
        app = GZipMiddleware(WebApp(web_dir), minimum_size=1024)
        super().__init__("/{path:path}", app, methods=["GET", "HEAD"], include_in_schema=False)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and is_api_path(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)
