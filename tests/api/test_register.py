import asyncio
from typing import Any

import pytest

from app.persistence.repositories.auth import RefreshTokenRepository
from tests.graphql_client import ME, REGISTER, GraphQLClient


def register_input(email: str, password: str = "a long passphrase", name: str = "Ana") -> Any:
    return {"input": {"email": email, "password": password, "displayName": name}}


class TestRegister:
    async def test_a_new_user_is_signed_in_at_once(self, gql: GraphQLClient) -> None:
        payload = (await gql.execute(REGISTER, register_input("ana@example.com"))).data["register"]
        assert payload["userErrors"] == []
        assert payload["user"]["email"] == "ana@example.com"
        assert payload["user"]["displayName"] == "Ana"
        assert payload["user"]["avatarColor"].startswith("#")
        me = await gql.execute(ME, token=payload["accessToken"])
        assert me.data["me"]["id"] == payload["user"]["id"]

    async def test_the_password_is_stored_only_as_an_argon2id_hash(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        await gql.register("ana@example.com", password="a long passphrase")
        stored = mongo.users.find_one({"email_key": "ana@example.com"})
        assert stored["password_hash"].startswith("$argon2id$")
        assert "a long passphrase" not in str(stored)

    async def test_the_same_email_in_another_case_is_a_conflict(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        await gql.register("ana@example.com")
        reply = await gql.execute(REGISTER, register_input("  ANA@Example.COM "))
        payload = reply.data["register"]
        assert payload["user"] is None
        assert payload["accessToken"] is None
        assert payload["userErrors"] == [
            {
                "field": ["email"],
                "message": "An account with this email already exists.",
                "code": "CONFLICT",
            }
        ]
        assert mongo.users.count_documents({}) == 1
        assert mongo.logins.count_documents({}) == 1

    async def test_a_weak_password_is_a_validation_error_and_stores_nothing(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        reply = await gql.execute(REGISTER, register_input("ana@example.com", password="short"))
        [error] = reply.data["register"]["userErrors"]
        assert error["code"] == "VALIDATION"
        assert error["field"] == ["password"]
        assert "10 characters" in error["message"]
        assert mongo.users.count_documents({}) == 0

    async def test_a_malformed_email_is_a_validation_error(self, gql: GraphQLClient) -> None:
        reply = await gql.execute(REGISTER, register_input("not-an-email"))
        [error] = reply.data["register"]["userErrors"]
        assert (error["code"], error["field"]) == ("VALIDATION", ["email"])

    async def test_a_blank_display_name_is_a_validation_error(self, gql: GraphQLClient) -> None:
        reply = await gql.execute(REGISTER, register_input("ana@example.com", name="   "))
        [error] = reply.data["register"]["userErrors"]
        assert (error["code"], error["field"]) == ("VALIDATION", ["displayName"])

    async def test_concurrent_sign_ups_with_one_email_create_one_user(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        emails = ["race@example.com", "RACE@example.com", "Race@Example.com", "race@EXAMPLE.com"]
        replies = await asyncio.gather(*(gql.execute(REGISTER, register_input(e)) for e in emails))
        codes = [[e["code"] for e in r.data["register"]["userErrors"]] for r in replies]
        assert sorted(codes) == [[], ["CONFLICT"], ["CONFLICT"], ["CONFLICT"]]
        assert mongo.users.count_documents({}) == 1


async def test_a_failure_after_the_user_is_written_undoes_the_whole_sign_up(
    gql: GraphQLClient, mongo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(*_: Any) -> None:
        raise RuntimeError("crash between the user and the login insert")

    monkeypatch.setattr(RefreshTokenRepository, "add", fail)
    reply = await gql.execute(REGISTER, register_input("ana@example.com"))
    assert reply.error_codes() == ["INTERNAL"]
    assert mongo.users.count_documents({}) == 0
    assert mongo.logins.count_documents({}) == 0
    monkeypatch.undo()
    assert (await gql.register("ana@example.com"))["user"]["email"] == "ana@example.com"
