"""File uploads outside GraphQL: `POST /uploads?kind=import|backup&name=<file name>` with the
file as the raw request body and `Authorization: Bearer <access token>`; the answer is JSON
`{"fileId", "name", "size"}`, and the file id goes to a mutation (`startImport`,
`restoreBackup`).

Why not the GraphQL multipart request spec: Apollo Client 4 has no upload support of its own
(it needs a third-party terminating link), multipart requests are exactly the "simple" requests
a browser sends cross-site without a CORS preflight (Strawberry then needs CSRF handling of its
own), and a plain request lets the web app show the upload's progress (XMLHttpRequest upload
events) and stream the body to storage without parsing multipart. The mutations stay plain
JSON GraphQL.

Errors are JSON `{"code", "message"}`: 401 UNAUTHENTICATED, 413 TOO_LARGE (nothing of the file
is kept), 400 VALIDATION (an unknown kind), 503 UNAVAILABLE.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from app.core.errors import AppError, UnauthenticatedError
from app.core.viewer import Viewer
from app.persistence.failures import unavailable
from app.services.container import Services
from app.services.uploads import FileTooLarge, UploadKind

log = logging.getLogger("envelopes")

HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
STATUS = {"UNAUTHENTICATED": 401, "TOO_LARGE": 413, "VALIDATION": 400, "UNAVAILABLE": 503}


def _error(code: str, message: str) -> Response:
    status = STATUS.get(code, 400)
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=HEADERS)


def uploads_router() -> APIRouter:
    router = APIRouter()

    @router.post("/uploads", include_in_schema=False)
    async def upload(request: Request, kind: str = "import", name: str = "upload") -> Response:
        services: Services = request.app.state.services
        try:
            viewer = await _viewer(services, request)
            try:
                upload_kind = UploadKind(kind)
            except ValueError:
                return _error("VALIDATION", "kind is import or backup.")
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > services.uploads.limits[upload_kind]:
                raise FileTooLarge(services.uploads.limits[upload_kind])
            stored = await services.uploads.save(viewer, upload_kind, name, request.stream())
        except FileTooLarge as error:
            return _error(error.code, error.message)
        except AppError as error:
            return _error(error.code, error.message)
        except Exception as error:
            if unavailable(error):
                return _error("UNAVAILABLE", "The database is not available. Try again.")
            raise
        log.info("upload", extra={"file": str(stored.id), "bytes": stored.size, "kind": kind})
        body = {"fileId": str(stored.id), "name": stored.name, "size": stored.size}
        return JSONResponse(body, status_code=201, headers=HEADERS)

    return router


async def _viewer(services: Services, request: Request) -> Viewer:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError("Sign in first: send 'Authorization: Bearer <token>'.")
    viewer, _user = await services.auth.confirm(services.auth.claimed(token.strip()))
    return viewer
