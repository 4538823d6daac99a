"""The exported SDL matches the code, and every example operation runs as documented."""

from pathlib import Path
from typing import Any

from app.graphql.export import schema_sdl
from tests.api.ledger.test_alerts import ALERT_OPERATIONS
from tests.api.ledger.test_backup import BACKUP_OPERATIONS
from tests.api.ledger.test_budgets import BUDGET_OPERATIONS
from tests.api.ledger.test_cash_flow import CASH_FLOW_OPERATIONS
from tests.api.ledger.test_delta_sync import SYNC_OPERATIONS
from tests.api.ledger.test_exchange_rates import RATE_OPERATIONS
from tests.api.ledger.test_exports import EXPORT_OPERATIONS
from tests.api.ledger.test_forecast import FORECAST_OPERATIONS
from tests.api.ledger.test_imports import IMPORT_OPERATIONS
from tests.api.ledger.test_learned_categorisation import LEARNED_OPERATIONS
from tests.api.ledger.test_operations import LEDGER_OPERATIONS
from tests.api.ledger.test_planning_model import PLANNING_OPERATIONS
from tests.api.ledger.test_recategorise import RECATEGORISE_OPERATIONS
from tests.api.ledger.test_reconciliation import RECONCILIATION_OPERATIONS
from tests.api.ledger.test_review_queue import REVIEW_OPERATIONS
from tests.api.ledger.test_rules import RULE_OPERATIONS
from tests.api.ledger.test_savings_opportunities import OPPORTUNITY_OPERATIONS
from tests.api.ledger.test_schedules import SCHEDULE_OPERATIONS
from tests.api.ledger.test_webhooks import WEBHOOK_OPERATIONS
from tests.api.test_subscriptions import LIVE_OPERATIONS
from tests.graphql_client import GraphQLClient

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"


def operation(name: str) -> str:
    [path] = OPERATIONS.rglob(f"{name}.graphql")
    return path.read_text()


def test_schema_file_is_in_sync_with_the_code(repo_root: Path) -> None:
    on_disk = (repo_root / "schema" / "schema.graphql").read_text()
    assert on_disk == schema_sdl(), (
        "schema/schema.graphql is stale: run `.venv/bin/python -m app.graphql.export "
        "> schema/schema.graphql`"
    )


def test_every_operation_file_is_exercised_by_a_test() -> None:
    names = {p.stem for p in OPERATIONS.rglob("*.graphql")}
    assert names == (
        EXERCISED
        | LEDGER_OPERATIONS
        | BUDGET_OPERATIONS
        | RECONCILIATION_OPERATIONS
        | SCHEDULE_OPERATIONS
        | EXPORT_OPERATIONS
        | IMPORT_OPERATIONS
        | RULE_OPERATIONS
        | RECATEGORISE_OPERATIONS
        | REVIEW_OPERATIONS
        | LEARNED_OPERATIONS
        | SYNC_OPERATIONS
        | BACKUP_OPERATIONS
        | RATE_OPERATIONS
        | FORECAST_OPERATIONS
        | CASH_FLOW_OPERATIONS
        | PLANNING_OPERATIONS
        | OPPORTUNITY_OPERATIONS
        | WEBHOOK_OPERATIONS
        | ALERT_OPERATIONS
        | LIVE_OPERATIONS
    )


EXERCISED = {
    "Register",
    "Login",
    "RefreshToken",
    "Me",
    "SignOutSession",
    "ChangePassword",
    "Logout",
    "Node",
}


async def run(gql: GraphQLClient, name: str, variables: dict[str, Any], token: str = "") -> Any:
    reply = await gql.execute(operation(name), variables, token=token or None)
    data = reply.data
    [payload] = data.values()
    if isinstance(payload, dict) and "userErrors" in payload:
        assert payload["userErrors"] == [], payload
    return payload


async def test_the_auth_operations_work_end_to_end(gql: GraphQLClient) -> None:
    password, new_password = "a long passphrase", "an even longer passphrase"
    registered = await run(
        gql,
        "Register",
        {"input": {"email": "ana@example.com", "password": password, "displayName": "Ana"}},
    )
    logged_in = await run(
        gql, "Login", {"input": {"email": "ana@example.com", "password": password}}
    )
    phone = await run(gql, "Login", {"input": {"email": "ana@example.com", "password": password}})
    me = await run(gql, "Me", {}, token=logged_in["accessToken"])
    assert me["email"] == "ana@example.com"
    assert len(me["sessions"]["edges"]) == 3
    phone_session = me["sessions"]["edges"][0]["node"]  # newest first
    assert not phone_session["current"]
    signed_out = await run(
        gql, "SignOutSession", {"input": {"id": phone_session["id"]}}, logged_in["accessToken"]
    )
    assert signed_out["ok"] is True
    assert (await gql.execute(operation("Me"), token=phone["accessToken"])).error_codes() == [
        "UNAUTHENTICATED"
    ]
    node = await run(gql, "Node", {"id": me["id"]}, token=logged_in["accessToken"])
    assert node == {
        "__typename": "User",
        "id": me["id"],
        "email": "ana@example.com",
        "displayName": "Ana",
    }
    refreshed = await run(
        gql, "RefreshToken", {"input": {"refreshToken": logged_in["refreshToken"]}}
    )
    changed = await run(
        gql,
        "ChangePassword",
        {"input": {"currentPassword": password, "newPassword": new_password}},
        token=refreshed["accessToken"],
    )
    assert changed["signedOutSessions"] == 1  # the registration's login
    logged_out = await run(gql, "Logout", {"input": {"refreshToken": refreshed["refreshToken"]}})
    assert logged_out["ok"] is True
    assert registered["user"]["id"] == me["id"]
