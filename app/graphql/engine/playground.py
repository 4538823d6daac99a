"""The GraphiQL playground at GET /graphql, with every asset served by this app (no CDN).

Third-party bundles (GraphiQL, React) come from the npm registry into
`playground/node_modules` at set-up time (`npm ci` in `playground/`); they are not committed.
Our own two small files live in `app/graphql/engine/static/`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from app.core.settings import Settings

_STATIC = Path(__file__).parent / "static"
VENDOR_ASSETS = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
}
OWN_ASSETS = {"init.js": "init.js", "playground.css": "playground.css"}
# React sets style attributes, and GraphiQL's fonts are inline data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Envelopes · GraphQL playground</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/playground/graphiql.min.css">
  <link rel="stylesheet" href="/playground/playground.css">
</head>
<body>
  <div id="graphiql">Loading the playground…</div>
  <script src="/playground/react.production.min.js"></script>
  <script src="/playground/react-dom.production.min.js"></script>
  <script src="/playground/graphiql.min.js"></script>
  <script src="/playground/init.js"></script>
</body>
</html>
"""

MISSING = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Playground not installed</title></head><body>
<h1>The playground's assets are not installed</h1>
<p>Run <code>npm ci</code> in <code>playground/</code> (./system-up.sh does this), or set
ENVELOPES_PLAYGROUND_ASSETS_DIR to a folder holding graphiql, react and react-dom.</p>
</body></html>"""


def assets_installed(settings: Settings) -> bool:
    root = settings.playground_assets_dir
    return all((root / relative).is_file() for relative in VENDOR_ASSETS.values())


def playground_page(settings: Settings) -> HTMLResponse:
    if not assets_installed(settings):
        return HTMLResponse(MISSING, status_code=503)
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


def assets_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/playground/{name}", include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        if name in VENDOR_ASSETS:
            path = settings.playground_assets_dir / VENDOR_ASSETS[name]
        elif name in OWN_ASSETS:
            path = _STATIC / OWN_ASSETS[name]
        else:
            raise HTTPException(status_code=404)
        if not path.is_file():
            raise HTTPException(status_code=404)
        return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})

    return router
