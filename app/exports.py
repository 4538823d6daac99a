"""File downloads outside GraphQL: `GET /exports/history/<link>.csv`, a history export, and
`GET /backups/<link>.envelopes.gz`, a household backup (app/services/backups/backups.py).

The link comes from the `exportHistory` mutation (app/services/ledger/exports.py says what
it grants and what the file holds). The browser follows it like any download, so the file
streams to disk without a copy in the page's memory, and the response streams from MongoDB
page by page. A refused link is a short text, never a 500: 410 when its minute is up, 404
for anything else (tampered, not a link, the login ended, no longer a member).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from app.core.errors import AppError
from app.persistence.failures import time_budget, timed_out, unavailable
from app.services.container import Services
from app.services.tokens import ExpiredLinkError

log = logging.getLogger("envelopes")
T = TypeVar("T")

PREFIX = "/exports"
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _refusal(text: str, status: int) -> Response:
    return PlainTextResponse(text, status_code=status, headers=HEADERS)


def _disposition(name: str) -> str:
    """An attachment named `name`: plain ASCII for old clients, UTF-8 for the rest."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


async def _opened(
    services: Services, open_link: Callable[[], Awaitable[T]], again: str, what: str
) -> T | Response:
    """What a link opens, or the short text refusing it (see the module docstring)."""
    try:
        with time_budget(services.settings.request_timeout_seconds):
            return await open_link()
    except ExpiredLinkError:
        return _refusal(f"This download link has expired. {again}", 410)
    except AppError as error:
        if error.code in ("UNAVAILABLE", "TIMEOUT"):
            return _refusal("The database is not available. Try again.", 503)
        return _refusal(f"No such {what}.", 404)
    except Exception as error:
        if unavailable(error) or timed_out(error):
            return _refusal("The database is not available. Try again.", 503)
        raise


def exports_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    @router.get("/history/{token}.csv", include_in_schema=False)
    async def history_csv(token: str, request: Request) -> Response:
        services: Services = request.app.state.services
        export = await _opened(
            services, lambda: services.exports.open(token), "Export again.", "export"
        )
        if isinstance(export, Response):
            return export
        log.info("history export", extra={"account": str(export.account.id)})
        return StreamingResponse(
            export.chunks(),
            media_type="text/csv; charset=utf-8",
            headers={**HEADERS, "Content-Disposition": _disposition(export.file_name)},
        )

    return router


def backups_router() -> APIRouter:
    router = APIRouter(prefix="/backups")

    @router.get("/{token}.envelopes.gz", include_in_schema=False)
    async def household_backup(token: str, request: Request) -> Response:
        services: Services = request.app.state.services
        backup = await _opened(
            services, lambda: services.backups.open(token), "Back up again.", "backup"
        )
        if isinstance(backup, Response):
            return backup
        log.info("household backup", extra={"user": str(backup.claims.user_id)})
        return StreamingResponse(
            backup.chunks(),
            media_type="application/gzip",
            headers={**HEADERS, "Content-Disposition": _disposition(backup.file_name)},
        )

    return router
