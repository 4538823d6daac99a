"""`signOutSession`: the signed-in user ends one login of their devices list, this one too;
its refresh and access tokens stop working at once. Another user's session is NOT_FOUND,
exactly like a made-up id."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from app.graphql.relay import to_global_id
from tests.graphql_client import REFRESH, GraphQLClient
from tests.ledger_client import operation

NOT_FOUND = {"field": ["id"], "message": "No such session.", "code": "NOT_FOUND"}


async def sign_out(gql: GraphQLClient, session_id: str, token: str | None) -> Any:
    return await gql.execute(operation("SignOutSession"), {"input": {"id": session_id}}, token)


async def sessions(gql: GraphQLClient, token: str) -> dict[str, bool]:
    """Session id → current, of the devices list."""
    me = (await gql.execute(operation("Me"), {}, token)).data["me"]
    return {edge["node"]["id"]: edge["node"]["current"] for edge in me["sessions"]["edges"]}


async def session_of(gql: GraphQLClient, token: str) -> str:
    [current] = [sid for sid, current in (await sessions(gql, token)).items() if current]
    return current


async def me_code(gql: GraphQLClient, token: str) -> str | None:
    reply = await gql.execute(operation("Me"), {}, token)
    return reply.error_codes()[0] if reply.errors else None


class TestSignOutSession:
    async def test_signing_out_another_device_ends_its_tokens_at_once(
        self, gql: GraphQLClient
    ) -> None:
        laptop = await gql.register("ana@example.com")
        phone = await gql.login("ana@example.com")
        assert await me_code(gql, phone["accessToken"]) is None  # remembered as open
        phone_session = await session_of(gql, phone["accessToken"])

        reply = await sign_out(gql, phone_session, laptop["accessToken"])
        assert reply.data["signOutSession"] == {"ok": True, "userErrors": []}
        assert await me_code(gql, phone["accessToken"]) == "UNAUTHENTICATED"
        refused = await gql.execute(REFRESH, {"input": {"refreshToken": phone["refreshToken"]}})
        assert refused.data["refreshToken"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
        remaining = await sessions(gql, laptop["accessToken"])
        assert phone_session not in remaining
        assert list(remaining.values()) == [True]

    async def test_signing_out_this_device_is_allowed(self, gql: GraphQLClient) -> None:
        here = await gql.register("ana@example.com")
        reply = await sign_out(gql, await session_of(gql, here["accessToken"]), here["accessToken"])
        assert reply.data["signOutSession"] == {"ok": True, "userErrors": []}
        assert await me_code(gql, here["accessToken"]) == "UNAUTHENTICATED"

    async def test_signing_out_an_ended_session_again_changes_nothing(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        here = await gql.register("ana@example.com")
        phone = await gql.login("ana@example.com")
        phone_session = await session_of(gql, phone["accessToken"])
        await sign_out(gql, phone_session, here["accessToken"])
        ended = mongo.logins.find_one({"revoked_at": {"$ne": None}})
        again = await sign_out(gql, phone_session, here["accessToken"])
        assert again.data["signOutSession"] == {"ok": True, "userErrors": []}
        assert mongo.logins.find_one({"_id": ended["_id"]}) == ended
        assert ended["revoked_reason"] == "signed_out"

    async def test_another_users_session_is_not_found_like_a_made_up_one(
        self, gql: GraphQLClient
    ) -> None:
        ana = await gql.register("ana@example.com")
        ben = await gql.register("ben@example.com")
        ana_session = await session_of(gql, ana["accessToken"])
        made_up = to_global_id("LoginSession", str(ObjectId()))
        for session_id in (ana_session, made_up, ana["user"]["id"], "junk"):
            reply = await sign_out(gql, session_id, ben["accessToken"])
            assert reply.data["signOutSession"] == {"ok": False, "userErrors": [NOT_FOUND]}
        assert await me_code(gql, ana["accessToken"]) is None

    async def test_signing_out_a_session_needs_a_signed_in_caller(self, gql: GraphQLClient) -> None:
        ana = await gql.register("ana@example.com")
        ana_session = await session_of(gql, ana["accessToken"])
        reply = await sign_out(gql, ana_session, None)
        assert reply.error_codes() == ["UNAUTHENTICATED"]
        assert reply.body["data"] is None
        assert await me_code(gql, ana["accessToken"]) is None
