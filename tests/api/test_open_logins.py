"""A process remembers a login it found open for `login_check_cache_seconds`: a burst of
requests asks MongoDB once, a sign-out through the same process counts at once, and one
through another process counts there within the setting. Clocks are set, not waited for."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tests.conftest import ApiFactory
from tests.graphql_client import CHANGE_PASSWORD, LOGOUT, ME, GraphQLClient
from tests.ledger_client import operation
from tests.settable_clock import Clock


def set_clock(app: FastAPI) -> Clock:
    clock = Clock()
    app.state.services.auth.open_logins.clock = clock
    return clock


async def me_code(gql: GraphQLClient, token: str) -> str | None:
    reply = await gql.execute(ME, token=token)
    return reply.errors[0]["extensions"]["code"] if reply.body.get("errors") else None


async def test_a_burst_of_requests_checks_the_login_once(make_api: ApiFactory, mongo: Any) -> None:
    async with make_api() as (app, gql):
        set_clock(app)
        token = (await gql.register("ana@example.com"))["accessToken"]
        mongo.command("profile", 2)
        try:
            for _ in range(5):
                assert await me_code(gql, token) is None
        finally:
            mongo.command("profile", 0)
        checks = mongo["system.profile"].count_documents({"ns": {"$regex": r"\.logins$"}})
        mongo["system.profile"].drop()
        assert checks == 1


async def test_signing_out_counts_at_once_in_the_same_process(make_api: ApiFactory) -> None:
    async with make_api() as (app, gql):
        set_clock(app)
        signed = await gql.register("ana@example.com")
        assert await me_code(gql, signed["accessToken"]) is None  # now remembered
        await gql.execute(LOGOUT, {"input": {"refreshToken": signed["refreshToken"]}})
        assert await me_code(gql, signed["accessToken"]) == "UNAUTHENTICATED"


async def test_signing_out_a_device_counts_at_once_in_the_same_process(
    make_api: ApiFactory,
) -> None:
    async with make_api() as (app, gql):
        set_clock(app)
        here = (await gql.register("ana@example.com"))["accessToken"]
        phone = (await gql.login("ana@example.com"))["accessToken"]
        me = await gql.execute(operation("Me"), {}, token=phone)  # now remembered
        [session] = [e["node"]["id"] for e in me.data["me"]["sessions"]["edges"]
                     if e["node"]["current"]]  # fmt: skip
        ended = await gql.execute(
            operation("SignOutSession"), {"input": {"id": session}}, token=here
        )
        assert ended.data["signOutSession"]["ok"] is True
        assert await me_code(gql, phone) == "UNAUTHENTICATED"
        assert await me_code(gql, here) is None


async def test_a_password_change_ends_the_other_logins_at_once(make_api: ApiFactory) -> None:
    async with make_api() as (app, gql):
        set_clock(app)
        here = await gql.register("ana@example.com", password="a long passphrase")
        phone = await gql.login("ana@example.com", "a long passphrase")
        assert await me_code(gql, phone["accessToken"]) is None  # now remembered
        changed = await gql.execute(
            CHANGE_PASSWORD,
            {"input": {"currentPassword": "a long passphrase", "newPassword": "another one!!"}},
            token=here["accessToken"],
        )
        assert changed.data["changePassword"]["userErrors"] == []
        assert await me_code(gql, phone["accessToken"]) == "UNAUTHENTICATED"
        assert await me_code(gql, here["accessToken"]) is None


async def test_another_process_notices_a_sign_out_within_the_setting(
    make_api: ApiFactory,
) -> None:
    # Changes go through the app started last: Beanie binds its documents to that client.
    async with (
        make_api(login_check_cache_seconds=1.0) as (one, gql_one),
        make_api(login_check_cache_seconds=1.0) as (_, gql_two),
    ):
        clock = set_clock(one)
        signed = await gql_two.register("ana@example.com")
        assert await me_code(gql_one, signed["accessToken"]) is None  # remembered by one
        await gql_two.execute(LOGOUT, {"input": {"refreshToken": signed["refreshToken"]}})
        assert await me_code(gql_two, signed["accessToken"]) == "UNAUTHENTICATED"
        assert await me_code(gql_one, signed["accessToken"]) is None  # still remembered
        clock.now += 1.0
        assert await me_code(gql_one, signed["accessToken"]) == "UNAUTHENTICATED"


async def test_at_zero_every_request_asks_mongodb(make_api: ApiFactory) -> None:
    async with (
        make_api(login_check_cache_seconds=0) as (_, gql_one),
        make_api(login_check_cache_seconds=0) as (_, gql_two),
    ):
        signed = await gql_two.register("ana@example.com")
        assert await me_code(gql_one, signed["accessToken"]) is None
        await gql_two.execute(LOGOUT, {"input": {"refreshToken": signed["refreshToken"]}})
        assert await me_code(gql_one, signed["accessToken"]) == "UNAUTHENTICATED"
