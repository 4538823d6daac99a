from datetime import timedelta
from typing import Any

from tests.conftest import ApiFactory
from tests.graphql_client import LOGIN, ME, GraphQLClient


def login_input(email: str, password: str) -> dict[str, Any]:
    return {"input": {"email": email, "password": password}}


class TestLogin:
    async def test_the_right_password_signs_in_with_any_email_case(
        self, gql: GraphQLClient
    ) -> None:
        await gql.register("ana@example.com", password="a long passphrase")
        payload = await gql.login("ANA@example.com", "a long passphrase")
        assert payload["userErrors"] == []
        me = await gql.execute(ME, token=payload["accessToken"])
        assert me.data["me"]["email"] == "ana@example.com"

    async def test_wrong_password_and_unknown_email_get_the_same_answer(
        self, gql: GraphQLClient
    ) -> None:
        await gql.register("ana@example.com", password="a long passphrase")
        wrong_password = await gql.execute(LOGIN, login_input("ana@example.com", "not it at all"))
        unknown_email = await gql.execute(LOGIN, login_input("bob@example.com", "not it at all"))
        assert wrong_password.status == unknown_email.status == 200
        assert wrong_password.body == unknown_email.body
        assert wrong_password.data["login"]["userErrors"] == [
            {"field": None, "message": "Invalid email or password.", "code": "UNAUTHENTICATED"}
        ]
        assert wrong_password.data["login"]["accessToken"] is None


class TestThrottling:
    async def test_the_sixth_failure_in_a_minute_is_rate_limited_even_with_the_right_password(
        self, gql: GraphQLClient
    ) -> None:
        await gql.register("ana@example.com", password="a long passphrase")
        for _ in range(5):
            reply = await gql.execute(LOGIN, login_input("ana@example.com", "wrong password!"))
            assert reply.data["login"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
        blocked = await gql.execute(LOGIN, login_input("ana@example.com", "a long passphrase"))
        [error] = blocked.data["login"]["userErrors"]
        assert error["code"] == "RATE_LIMITED"
        assert "Try again in" in error["message"]
        assert blocked.data["login"]["accessToken"] is None

    async def test_an_unknown_email_is_throttled_the_same_way(self, gql: GraphQLClient) -> None:
        for _ in range(5):
            await gql.execute(LOGIN, login_input("ghost@example.com", "wrong password!"))
        blocked = await gql.execute(LOGIN, login_input("ghost@example.com", "wrong password!"))
        assert blocked.data["login"]["userErrors"][0]["code"] == "RATE_LIMITED"

    async def test_one_ip_trying_many_emails_is_throttled(self, make_api: ApiFactory) -> None:
        async with make_api(client_ip="203.0.113.9") as (_, gql):
            await gql.register("ana@example.com", password="a long passphrase")
            for i in range(5):
                await gql.execute(LOGIN, login_input(f"user{i}@example.com", "wrong password!"))
            blocked = await gql.execute(LOGIN, login_input("ana@example.com", "a long passphrase"))
            assert blocked.data["login"]["userErrors"][0]["code"] == "RATE_LIMITED"
        async with make_api(client_ip="203.0.113.10") as (_, other_ip):
            payload = await other_ip.login("ana@example.com", "a long passphrase")
            assert payload["userErrors"] == []

    async def test_the_limit_holds_across_api_processes(self, make_api: ApiFactory) -> None:
        """The counters live in MongoDB: a fresh app instance, with nothing in memory from
        the first one (as another process behind the load balancer), still refuses."""
        async with make_api() as (_, first):
            await first.register("ana@example.com", password="a long passphrase")
            for _ in range(5):
                await first.execute(LOGIN, login_input("ana@example.com", "wrong password!"))
        async with make_api() as (_, second):
            blocked = await second.execute(
                LOGIN, login_input("ana@example.com", "a long passphrase")
            )
            assert blocked.data["login"]["userErrors"][0]["code"] == "RATE_LIMITED"

    async def test_failures_older_than_the_window_no_longer_count(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        await gql.register("ana@example.com", password="a long passphrase")
        for _ in range(5):
            await gql.execute(LOGIN, login_input("ana@example.com", "wrong password!"))
        for failure in mongo.login_failures.find({}):
            mongo.login_failures.update_one(
                {"_id": failure["_id"]}, {"$set": {"at": failure["at"] - timedelta(seconds=61)}}
            )
        payload = await gql.login("ana@example.com", "a long passphrase")
        assert payload["userErrors"] == []
