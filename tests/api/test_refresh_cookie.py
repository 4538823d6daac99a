"""The web app (`X-Envelopes-Client: web`) keeps its refresh token in an HttpOnly cookie:
sign-in and refresh set it instead of answering it in the body, refresh and logout read it
when their input has no token (only with the header), and a refused refresh or a logout
clears it. Cookies are sent by hand here, as a browser would send them to /graphql."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tests.conftest import CLIENT_IP, ApiFactory
from tests.graphql_client import LOGIN, LOGOUT, ME, PASSWORD, REFRESH, REGISTER, GraphQLClient

WEB = {"X-Envelopes-Client": "web"}
COOKIE = "envelopes_refresh"
WEEK = 7 * 24 * 3600
INVALID = {"field": None, "message": "Invalid or expired refresh token.", "code": "UNAUTHENTICATED"}


async def send(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    *,
    web: bool = True,
    cookie: str | None = None,
    token: str | None = None,
    extra: dict[str, str] | None = None,
) -> httpx.Response:
    http.cookies.clear()  # only what the test names is sent
    headers = (dict(WEB) if web else {}) | (extra or {})
    if cookie is not None:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


def payload(reply: httpx.Response) -> dict[str, Any]:
    body = reply.json()
    assert "errors" not in body, body
    [found] = body["data"].values()
    result: dict[str, Any] = found
    return result


def set_cookie(reply: httpx.Response) -> dict[str, str] | None:
    """The refresh cookie the reply sets: its value under COOKIE, then its attributes by
    lower-cased name ("" for flags); None when it sets none."""
    found = [h for h in reply.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")]
    if not found:
        return None
    [header] = found
    cookie = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        cookie[name if name == COOKIE else name.lower()] = value
    return cookie


def refresh_token(reply: httpx.Response) -> str:
    cookie = set_cookie(reply)
    assert cookie is not None
    assert cookie["max-age"] == str(WEEK), cookie
    return cookie[COOKIE]


async def web_login(http: httpx.AsyncClient) -> tuple[dict[str, Any], str]:
    """Ana registered and signed in on the web: the body, and the refresh cookie."""
    register = {"email": "ana@example.com", "password": PASSWORD, "displayName": "Ana"}
    await send(http, REGISTER, {"input": register}, web=False)
    reply = await send(http, LOGIN, {"input": {"email": "ana@example.com", "password": PASSWORD}})
    return payload(reply), refresh_token(reply)


async def me_code(http: httpx.AsyncClient, token: str) -> str | None:
    body = (await send(http, ME, {}, token=token)).json()
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


class TestSigningIn:
    async def test_login_sets_the_cookie_and_leaves_the_token_out_of_the_body(
        self, http: httpx.AsyncClient
    ) -> None:
        signed_in, token = await web_login(http)
        assert signed_in["userErrors"] == []
        assert signed_in["refreshToken"] is None
        assert signed_in["refreshTokenExpiresAt"]
        assert await me_code(http, signed_in["accessToken"]) is None
        reply = await send(
            http, LOGIN, {"input": {"email": "ana@example.com", "password": PASSWORD}}
        )
        cookie = set_cookie(reply)
        assert cookie is not None
        assert len(cookie[COOKIE]) >= 43
        assert cookie[COOKIE] != token
        assert cookie["path"] == "/graphql"
        assert cookie["samesite"].lower() == "strict"
        assert "httponly" in cookie
        assert "secure" not in cookie  # plain http, ENVELOPES_COOKIE_SECURE=auto

    async def test_register_sets_the_cookie_too(self, http: httpx.AsyncClient) -> None:
        register = {"email": "ana@example.com", "password": PASSWORD, "displayName": "Ana"}
        reply = await send(http, REGISTER, {"input": register})
        assert payload(reply)["refreshToken"] is None
        assert refresh_token(reply)

    async def test_a_refused_login_sets_no_cookie(self, http: httpx.AsyncClient) -> None:
        await web_login(http)
        reply = await send(
            http, LOGIN, {"input": {"email": "ana@example.com", "password": "not it at all"}}
        )
        assert payload(reply)["userErrors"][0]["code"] == "UNAUTHENTICATED"
        assert set_cookie(reply) is None

    async def test_other_clients_get_the_token_in_the_body_and_no_cookie(
        self, http: httpx.AsyncClient
    ) -> None:
        register = {"email": "ana@example.com", "password": PASSWORD, "displayName": "Ana"}
        reply = await send(http, REGISTER, {"input": register}, web=False)
        assert payload(reply)["refreshToken"]
        assert "set-cookie" not in reply.headers


class TestRefreshing:
    async def test_the_cookie_alone_rotates_the_token_into_a_new_cookie(
        self, http: httpx.AsyncClient
    ) -> None:
        _, first = await web_login(http)
        reply = await send(http, REFRESH, {"input": {}}, cookie=first)
        refreshed = payload(reply)
        assert refreshed["userErrors"] == []
        assert refreshed["refreshToken"] is None
        second = refresh_token(reply)
        assert second != first
        assert await me_code(http, refreshed["accessToken"]) is None
        again = await send(http, REFRESH, {"input": {"refreshToken": None}}, cookie=second)
        assert payload(again)["userErrors"] == []

    async def test_the_old_cookie_presented_again_signs_the_login_out(
        self, http: httpx.AsyncClient, mongo: Any
    ) -> None:
        _, first = await web_login(http)
        rotated = await send(http, REFRESH, {"input": {}}, cookie=first)
        latest = payload(rotated)["accessToken"]
        reused = await send(http, REFRESH, {"input": {}}, cookie=first)
        [error] = payload(reused)["userErrors"]
        assert error["code"] == "UNAUTHENTICATED"
        assert "already used" in error["message"]
        cleared = set_cookie(reused)
        assert cleared is not None
        assert (cleared[COOKIE].strip('"'), cleared["max-age"]) == ("", "0")
        assert cleared["path"] == "/graphql"
        assert await me_code(http, latest) == "UNAUTHENTICATED"
        newest = await send(http, REFRESH, {"input": {}}, cookie=refresh_token(rotated))
        assert payload(newest)["userErrors"] == [INVALID]
        reasons = sorted(str(login.get("revoked_reason")) for login in mongo.logins.find({}))
        assert reasons == ["None", "refresh_token_reuse"]  # the registration's login stays

    async def test_the_cookie_without_the_header_is_refused_and_left_alone(
        self, http: httpx.AsyncClient
    ) -> None:
        """A page of another site could make a browser send the cookie, but not the header."""
        _, token = await web_login(http)
        reply = await send(http, REFRESH, {"input": {}}, web=False, cookie=token)
        assert payload(reply)["userErrors"] == [INVALID]
        assert "set-cookie" not in reply.headers
        with_header = await send(http, REFRESH, {"input": {}}, cookie=token)
        assert payload(with_header)["userErrors"] == []  # it was not used up

    async def test_no_token_and_no_cookie_is_refused_like_an_unknown_token(
        self, http: httpx.AsyncClient
    ) -> None:
        reply = await send(http, REFRESH, {"input": {}})
        assert payload(reply)["userErrors"] == [INVALID]
        assert set_cookie(reply) == {
            COOKIE: '""',
            "httponly": "",
            "max-age": "0",
            "path": "/graphql",
            "samesite": "strict",
        }
        body_client = await send(http, REFRESH, {"input": {}}, web=False)
        assert payload(body_client)["userErrors"] == [INVALID]

    async def test_a_token_in_the_input_wins_over_the_cookie(self, http: httpx.AsyncClient) -> None:
        _, token = await web_login(http)
        reply = await send(http, REFRESH, {"input": {"refreshToken": token}}, cookie="stale")
        assert payload(reply)["userErrors"] == []
        assert refresh_token(reply) != token


class TestLoggingOut:
    async def test_logout_ends_the_login_of_the_cookie_and_clears_it(
        self, http: httpx.AsyncClient
    ) -> None:
        signed_in, token = await web_login(http)
        reply = await send(http, LOGOUT, {"input": {}}, cookie=token)
        assert payload(reply) == {"ok": True, "userErrors": []}
        cleared = set_cookie(reply)
        assert cleared is not None
        assert cleared["max-age"] == "0"
        assert await me_code(http, signed_in["accessToken"]) == "UNAUTHENTICATED"
        refused = await send(http, REFRESH, {"input": {}}, cookie=token)
        assert payload(refused)["userErrors"] == [INVALID]

    async def test_logout_with_the_cookie_but_without_the_header_is_refused(
        self, http: httpx.AsyncClient
    ) -> None:
        signed_in, token = await web_login(http)
        reply = await send(http, LOGOUT, {"input": {}}, web=False, cookie=token)
        assert payload(reply)["ok"] is False
        assert payload(reply)["userErrors"] == [INVALID]
        assert "set-cookie" not in reply.headers
        assert await me_code(http, signed_in["accessToken"]) is None


class TestSecureFlag:
    async def test_auto_marks_the_cookie_secure_over_https(
        self, api: tuple[FastAPI, GraphQLClient]
    ) -> None:
        app, _ = api
        transport = httpx.ASGITransport(app=app, client=(CLIENT_IP, 50000))
        async with httpx.AsyncClient(
            transport=transport, base_url="https://envelopes.test"
        ) as http:
            _, token = await web_login(http)
            reply = await send(http, REFRESH, {"input": {}}, cookie=token)
        assert "secure" in (set_cookie(reply) or {})

    async def test_auto_trusts_the_proxys_https_with_proxy_headers(
        self, api: tuple[FastAPI, GraphQLClient]
    ) -> None:
        """As `uvicorn --proxy-headers --forwarded-allow-ips=<proxy>` runs the app."""
        app, gql = api
        await gql.register("ana@example.com")
        behind_proxy = ProxyHeadersMiddleware(app, trusted_hosts=[CLIENT_IP])
        transport = httpx.ASGITransport(app=behind_proxy, client=(CLIENT_IP, 50000))
        login = {"input": {"email": "ana@example.com", "password": PASSWORD}}
        async with httpx.AsyncClient(transport=transport, base_url="http://envelopes.test") as http:
            forwarded = await send(http, LOGIN, login, extra={"X-Forwarded-Proto": "https"})
            direct = await send(http, LOGIN, login)
        assert "secure" in (set_cookie(forwarded) or {})
        assert "secure" not in (set_cookie(direct) or {})

    @pytest.mark.parametrize(("setting", "base_url", "secure"), [
        ("true", "http://envelopes.test", True),
        ("false", "https://envelopes.test", False),
    ])  # fmt: skip
    async def test_the_setting_overrides_the_scheme(
        self, make_api: ApiFactory, setting: str, base_url: str, secure: bool
    ) -> None:
        async with make_api(cookie_secure=setting) as (app, _):
            transport = httpx.ASGITransport(app=app, client=(CLIENT_IP, 50000))
            async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
                _, token = await web_login(http)
                reply = await send(http, REFRESH, {"input": {}}, cookie=token)
        assert ("secure" in (set_cookie(reply) or {})) is secure
