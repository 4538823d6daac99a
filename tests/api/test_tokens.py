import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from tests.conftest import TEST_SECRET
from tests.graphql_client import CHANGE_PASSWORD, LOGOUT, ME, REFRESH, GraphQLClient


def refresh_input(token: str) -> dict[str, Any]:
    return {"input": {"refreshToken": token}}


async def assert_unauthenticated(gql: GraphQLClient, token: str | None) -> str:
    reply = await gql.execute(ME, token=token)
    assert reply.status == 200
    assert reply.body["data"] is None
    [error] = reply.errors
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    message: str = error["message"]
    return message


class TestAccessToken:
    async def test_no_token_is_unauthenticated(self, gql: GraphQLClient) -> None:
        assert "Sign in first" in await assert_unauthenticated(gql, None)

    async def test_an_expired_token_is_unauthenticated(self, gql: GraphQLClient) -> None:
        signed_up = await gql.register("ana@example.com")
        claims = jwt.decode(signed_up["accessToken"], TEST_SECRET, algorithms=["HS256"])
        past = datetime.now(UTC) - timedelta(minutes=20)
        claims |= {
            "iat": int(past.timestamp()),
            "exp": int((past + timedelta(minutes=15)).timestamp()),
        }
        expired = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
        assert "expired" in await assert_unauthenticated(gql, expired)

    async def test_a_tampered_token_is_unauthenticated(self, gql: GraphQLClient) -> None:
        signed_up = await gql.register("ana@example.com")
        other = await gql.register("bob@example.com")
        header, _, signature = signed_up["accessToken"].split(".")
        _, body, _ = other["accessToken"].split(".")
        forged = f"{header}.{body}.{signature}"  # Bob's claims under Ana's signature
        await assert_unauthenticated(gql, forged)

    async def test_a_token_signed_with_another_key_is_unauthenticated(
        self, gql: GraphQLClient
    ) -> None:
        signed_up = await gql.register("ana@example.com")
        claims = jwt.decode(signed_up["accessToken"], TEST_SECRET, algorithms=["HS256"])
        forged = jwt.encode(claims, "an attacker's own secret, long enough!!", algorithm="HS256")
        await assert_unauthenticated(gql, forged)

    async def test_a_non_bearer_authorization_header_is_unauthenticated(
        self, gql: GraphQLClient
    ) -> None:
        reply = await gql.http.post(
            "/graphql", json={"query": ME}, headers={"Authorization": "Basic YW5hOnB3"}
        )
        assert reply.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


class TestRefresh:
    async def test_refresh_rotates_both_tokens(self, gql: GraphQLClient) -> None:
        signed_up = await gql.register("ana@example.com")
        refreshed = (await gql.execute(REFRESH, refresh_input(signed_up["refreshToken"]))).data[
            "refreshToken"
        ]
        assert refreshed["userErrors"] == []
        assert refreshed["refreshToken"] != signed_up["refreshToken"]
        assert refreshed["user"]["id"] == signed_up["user"]["id"]
        me = await gql.execute(ME, token=refreshed["accessToken"])
        assert me.data["me"]["email"] == "ana@example.com"
        again = await gql.execute(REFRESH, refresh_input(refreshed["refreshToken"]))
        assert again.data["refreshToken"]["userErrors"] == []

    async def test_reusing_a_rotated_token_revokes_the_whole_login(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        signed_up = await gql.register("ana@example.com")
        first = signed_up["refreshToken"]
        second = (await gql.execute(REFRESH, refresh_input(first))).data["refreshToken"]
        third = (await gql.execute(REFRESH, refresh_input(second["refreshToken"]))).data[
            "refreshToken"
        ]

        reused = await gql.execute(REFRESH, refresh_input(first))
        [error] = reused.data["refreshToken"]["userErrors"]
        assert error["code"] == "UNAUTHENTICATED"
        assert "already used" in error["message"]
        # Every descendant of the reused token is dead, and so are the access tokens.
        latest = await gql.execute(REFRESH, refresh_input(third["refreshToken"]))
        assert latest.data["refreshToken"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
        await assert_unauthenticated(gql, third["accessToken"])
        login = mongo.logins.find_one({})
        assert login["revoked_reason"] == "refresh_token_reuse"

    async def test_reuse_ends_only_that_login(self, gql: GraphQLClient) -> None:
        phone = await gql.register("ana@example.com")
        laptop = await gql.login("ana@example.com")
        await gql.execute(REFRESH, refresh_input(phone["refreshToken"]))
        await gql.execute(REFRESH, refresh_input(phone["refreshToken"]))
        me = await gql.execute(ME, token=laptop["accessToken"])
        assert me.data["me"]["email"] == "ana@example.com"

    async def test_an_unknown_refresh_token_is_refused(self, gql: GraphQLClient) -> None:
        reply = await gql.execute(REFRESH, refresh_input("made-up-token"))
        [error] = reply.data["refreshToken"]["userErrors"]
        assert error == {
            "field": None,
            "message": "Invalid or expired refresh token.",
            "code": "UNAUTHENTICATED",
        }

    async def test_an_expired_refresh_token_is_refused(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        signed_up = await gql.register("ana@example.com")
        mongo.refresh_tokens.update_many(
            {}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}}
        )
        reply = await gql.execute(REFRESH, refresh_input(signed_up["refreshToken"]))
        assert reply.data["refreshToken"]["userErrors"][0]["code"] == "UNAUTHENTICATED"

    async def test_concurrent_refreshes_with_one_token_never_both_succeed(
        self, gql: GraphQLClient
    ) -> None:
        signed_up = await gql.register("ana@example.com")
        replies = await asyncio.gather(
            *(gql.execute(REFRESH, refresh_input(signed_up["refreshToken"])) for _ in range(8))
        )
        winners = [r for r in replies if not r.data["refreshToken"]["userErrors"]]
        assert len(winners) <= 1
        assert all(r.status == 200 and not r.errors for r in replies)


class TestLogout:
    async def test_logout_ends_refresh_and_access_tokens_of_that_login(
        self, gql: GraphQLClient
    ) -> None:
        signed_up = await gql.register("ana@example.com")
        other_device = await gql.login("ana@example.com")
        reply = await gql.execute(LOGOUT, {"input": {"refreshToken": signed_up["refreshToken"]}})
        assert reply.data["logout"] == {"ok": True, "userErrors": []}
        refused = await gql.execute(REFRESH, refresh_input(signed_up["refreshToken"]))
        assert refused.data["refreshToken"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
        await assert_unauthenticated(gql, signed_up["accessToken"])
        still_in = await gql.execute(ME, token=other_device["accessToken"])
        assert still_in.data["me"]["email"] == "ana@example.com"

    async def test_logout_with_an_unknown_token_is_refused(self, gql: GraphQLClient) -> None:
        reply = await gql.execute(LOGOUT, {"input": {"refreshToken": "nope"}})
        assert reply.data["logout"]["ok"] is False
        assert reply.data["logout"]["userErrors"][0]["code"] == "UNAUTHENTICATED"


def change_input(current: str, new: str) -> dict[str, Any]:
    return {"input": {"currentPassword": current, "newPassword": new}}


class TestChangePassword:
    async def test_change_ends_every_other_login_and_keeps_this_one(
        self, gql: GraphQLClient
    ) -> None:
        here = await gql.register("ana@example.com", password="a long passphrase")
        phone = await gql.login("ana@example.com", "a long passphrase")
        tablet = await gql.login("ana@example.com", "a long passphrase")
        reply = await gql.execute(
            CHANGE_PASSWORD,
            change_input("a long passphrase", "an even longer passphrase"),
            token=here["accessToken"],
        )
        payload = reply.data["changePassword"]
        assert payload["userErrors"] == []
        assert payload["signedOutSessions"] == 2
        for device in (phone, tablet):
            await assert_unauthenticated(gql, device["accessToken"])
            refused = await gql.execute(REFRESH, refresh_input(device["refreshToken"]))
            assert refused.data["refreshToken"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
        assert (await gql.execute(ME, token=here["accessToken"])).data["me"]
        refreshed = await gql.execute(REFRESH, refresh_input(here["refreshToken"]))
        assert refreshed.data["refreshToken"]["userErrors"] == []

    async def test_the_new_password_signs_in_and_the_old_one_no_longer_does(
        self, gql: GraphQLClient
    ) -> None:
        here = await gql.register("ana@example.com", password="a long passphrase")
        await gql.execute(
            CHANGE_PASSWORD,
            change_input("a long passphrase", "an even longer passphrase"),
            token=here["accessToken"],
        )
        assert (await gql.login("ana@example.com", "an even longer passphrase"))["accessToken"]
        old = await gql.login("ana@example.com", "a long passphrase")
        assert old["userErrors"][0]["code"] == "UNAUTHENTICATED"

    async def test_a_wrong_current_password_changes_nothing(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        here = await gql.register("ana@example.com", password="a long passphrase")
        phone = await gql.login("ana@example.com", "a long passphrase")
        before = mongo.users.find_one({})["password_hash"]
        reply = await gql.execute(
            CHANGE_PASSWORD,
            change_input("not my password", "an even longer passphrase"),
            token=here["accessToken"],
        )
        [error] = reply.data["changePassword"]["userErrors"]
        assert (error["code"], error["field"]) == ("VALIDATION", ["currentPassword"])
        assert mongo.users.find_one({})["password_hash"] == before
        assert (await gql.execute(ME, token=phone["accessToken"])).data["me"]

    async def test_a_weak_new_password_is_refused(self, gql: GraphQLClient) -> None:
        here = await gql.register("ana@example.com", password="a long passphrase")
        reply = await gql.execute(
            CHANGE_PASSWORD, change_input("a long passphrase", "short"), token=here["accessToken"]
        )
        [error] = reply.data["changePassword"]["userErrors"]
        assert (error["code"], error["field"]) == ("VALIDATION", ["newPassword"])

    async def test_changing_the_password_needs_a_signed_in_caller(self, gql: GraphQLClient) -> None:
        reply = await gql.execute(CHANGE_PASSWORD, change_input("a", "b" * 12))
        assert reply.error_codes() == ["UNAUTHENTICATED"]
        assert reply.body["data"] is None
