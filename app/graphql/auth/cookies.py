"""The web app's refresh token: an HttpOnly cookie, never the page's to read.

OWASP's advice for single-page apps: no script should be able to read a long-lived
credential. A request is the web app's when it carries `X-Envelopes-Client: web`. Then
`register`, `login` and `refreshToken` set the refresh token as the cookie `envelopes_refresh`
and answer `refreshToken: null`; the access token stays in the body, and the page keeps it in
memory only. The cookie is HttpOnly (no script reads it), SameSite=Strict (no page of another
site sends it), Path=/graphql (no other path sees it) and Secure as `cookie_secure` says.

`refreshToken` and `logout` without a token in their input read the cookie, but only when the
header is there: a page of another site cannot send a custom header without a CORS preflight,
which this API never grants, so the header guards against cross-site request forgery
together with SameSite. Without the header the cookie is ignored, and the request is
refused like one with an unknown token.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Response
from starlette.requests import HTTPConnection

from app.graphql.context import Context

REFRESH_COOKIE = "envelopes_refresh"
CLIENT_HEADER = "X-Envelopes-Client"
WEB_CLIENT = "web"
COOKIE_PATH = "/graphql"


@dataclass(frozen=True)
class WebClient:
    """A request of the web app: where its refresh token comes from and goes to."""

    request: HTTPConnection
    response: Response
    secure: bool
    max_age: int

    @classmethod
    def of(cls, context: Context) -> WebClient | None:
        """The web app's side of this request; None for any other client."""
        request = context.http_request
        if request.headers.get(CLIENT_HEADER, "").strip().lower() != WEB_CLIENT:
            return None
        settings = context.services.settings
        # uvicorn's --proxy-headers has already put the proxy's X-Forwarded-Proto here.
        https = request.url.scheme == "https"
        secure = settings.cookie_secure == "true" or (settings.cookie_secure == "auto" and https)
        return cls(request, context.http_response, secure, settings.refresh_token_ttl_seconds)

    @property
    def refresh_token(self) -> str | None:
        return self.request.cookies.get(REFRESH_COOKIE)

    def keep(self, refresh_token: str) -> None:
        self._set(refresh_token, self.max_age)

    def clear(self) -> None:
        self._set("", 0)

    def _set(self, value: str, max_age: int) -> None:
        self.response.set_cookie(
            REFRESH_COOKIE,
            value,
            max_age=max_age,
            path=COOKIE_PATH,
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )


def presented(refresh_token: str | None, web: WebClient | None) -> str | None:
    """The refresh token of the input, else the web app's cookie."""
    if refresh_token is not None or web is None:
        return refresh_token
    return web.refresh_token
