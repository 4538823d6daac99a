"""Fuzz every query and mutation of the schema with schemathesis (GraphQL mode).

The API runs for real (uvicorn in a thread, on a free port, over a throwaway database). A
signed-in user owns funded accounts with envelopes, entries and a payment source, shared with
a second user; the ids of those objects are planted into the generated documents (an
`accountId` gets an account's id, an `envelopeId` an envelope's…), so mutations get past id
lookup and reach the money rules. Whatever the input, every answer must be a well-formed
GraphQL response with no 5xx, every error must carry one of the documented codes, and nothing
may be an unexpected error ("Unexpected error", INTERNAL) or leak Python's own wording.

`ENVELOPES_FUZZ_EXAMPLES` sets the examples per operation; the run is derandomized (the same
documents every time) unless `ENVELOPES_FUZZ_EXPLORE=1`.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from pymongo import MongoClient
from schemathesis.checks import response_schema_conformance
from schemathesis.config import SchemathesisConfig
from schemathesis.graphql import nodes

from app.graphql.relay import to_global_id
from app.main import create_app
from tests.conftest import make_settings
from tests.graphql_client import LOGIN, PASSWORD, REGISTER
from tests.ledger_client import operation

pytestmark = [
    pytest.mark.slow,
    # Hypothesis warns when the `random` module's shared state moves while it draws, meaning
    # a strategy used it. Here the API runs in a thread of this process, and the libraries it
    # loads or uses mid-run (on a commitImport, say) may move that state concurrently: not a
    # strategy of ours (ours draw from `random.Random(case.body)`), so not a failure.
    pytest.mark.filterwarnings(
        "ignore:Do not use the `random` module inside strategies"
        ":hypothesis.errors.HypothesisDeprecationWarning"
    ),
]

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
EXAMPLES = int(os.environ.get("ENVELOPES_FUZZ_EXAMPLES", "50"))
EXPLORE = os.environ.get("ENVELOPES_FUZZ_EXPLORE") == "1"
NODE_TYPES = (
    "Account", "Envelope", "Transaction", "PaymentSource", "User", "LoginSession", "Schedule",
    "ImportJob",
    "Rule",
    "ExchangeRate",
    "PlanningNode", "PlanningFlow",
    "Webhook", "WebhookDelivery",
    "Alert",
)  # fmt: skip

# Codes a client may be answered with while signed in; INTERNAL (a bug), UNAVAILABLE (the
# database is healthy here) and UNAUTHENTICATED (the token stays valid) are failures.
EXPECTED_CODES = {
    "VALIDATION",
    "NOT_FOUND",
    "CONFLICT",
    "FORBIDDEN",
    "INSUFFICIENT_FUNDS",
    "RECONCILED",
    "BALANCE_MISMATCH",
    "FILE_REFUSED",
    "BACKUP_INVALID",  # a bank file's id (seeded for imports) given to restoreBackup
    "RATE_LIMITED",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "QUERY_TOO_DEEP",
    "TOO_MANY_ALIASES",
    "QUERY_TOO_COSTLY",
    "URL_REFUSED",  # a webhook URL that is not http(s) on a public (or loopback) address
}
# Wording of Python, its libraries or the driver: never meant for a client.
PYTHON_WORDING = re.compile(
    r"Traceback|object has no attribute|NoneType|not subscriptable|unsupported operand"
    r"|invalid literal for|Exceeds the limit|positional argument|keyword argument|codec can't"
    r"|\b(?:Key|Index|Value|Type|Attribute|Assertion|Runtime|Overflow)Error\b|StopIteration"
    r"|<class .|bson|pymongo|Invalid isoformat|out of range|year \d+ is out",
    re.IGNORECASE,
)

# --- what the generator sends ------------------------------------------------------------


def _amounts() -> st.SearchStrategy[str]:
    """Mostly plausible amounts (so money moves), plus the edges of the Decimal rules."""
    plausible = st.integers(min_value=1, max_value=60_000).map(
        lambda m: f"{m // 100}.{m % 100:02d}"
    )
    edges = st.sampled_from(
        [
            "0", "0.00", "-5.00", "1.001", "1e3", " 12.50 ", "+3", "12.", ".5", "1,50", "٣",
            "9999999999999.99", "10000000000000.00", "0." + "0" * 40 + "1", "9" * 5000, "",
        ]
    )  # fmt: skip
    return st.one_of(plausible, plausible, edges, st.text(max_size=20))


def _ids() -> st.SearchStrategy[str]:
    """Well-formed ids of every type (of nothing that exists), and junk."""
    well_formed = st.tuples(st.sampled_from(NODE_TYPES), st.binary(min_size=12, max_size=12)).map(
        lambda t: str(to_global_id(t[0], t[1].hex()))
    )
    junk = st.sampled_from(
        ["", "QWNjb3VudDo", "Account:1", str(to_global_id("Account", "x")), "%%%", "=" * 8]
    )
    return st.one_of(well_formed, junk, st.text(max_size=30))


def _dates() -> st.SearchStrategy[str]:
    return st.one_of(st.dates().map(str), st.text(max_size=12))


schemathesis.graphql.scalar("Decimal", _amounts().map(nodes.String))
schemathesis.graphql.scalar("ID", _ids().map(nodes.String))
schemathesis.graphql.scalar("Date", _dates().map(nodes.String))

# Documents that pass GraphQL validation: the API's own code is what is fuzzed here
# (graphql-core refuses the rest before any of it runs).
schema = schemathesis.graphql.from_path(
    SCHEMA_FILE, config=SchemathesisConfig.from_dict({"generation": {"mode": "positive"}})
)

# Which kind of object an id argument names, by the argument's (or input field's) name.
ID_FIELDS = {
    "accountId": "Account",
    "fromAccountId": "Account",
    "toAccountId": "Account",
    "envelopeId": "Envelope",
    "fromEnvelopeId": "Envelope",
    "toEnvelopeId": "Envelope",
    "moveRemainderTo": "Envelope",
    "envelopeIds": "Envelope",
    "paymentSourceId": "PaymentSource",
    "userId": "User",
    "jobId": "ImportJob",
    "fileId": "File",
    "accountIds": "Account",
}
# `id`/`ids` name the kind of the root field (None: any kind).
ROOT_ID_KINDS = {
    "account": "Account",
    "transaction": "Transaction",
    "paymentSource": "PaymentSource",
    "undoTransaction": "Transaction",
    "updatePaymentSource": "PaymentSource",
    "deletePaymentSource": "PaymentSource",
    "setTransactionsCleared": "Transaction",
    "schedule": "Schedule",
    "updateSchedule": "Schedule",
    "deleteSchedule": "Schedule",
    "pauseSchedule": "Schedule",
    "resumeSchedule": "Schedule",
    "skipOccurrence": "Schedule",
    "postOccurrenceNow": "Schedule",
    "signOutSession": "LoginSession",
    "importJob": "ImportJob",
    "updateRule": "Rule",
    "deleteRule": "Rule",
    "reorderRules": "Rule",
    "recategoriseTransaction": "Transaction",
    "markReviewed": "Transaction",
    "updateExchangeRate": "ExchangeRate",
    "deleteExchangeRate": "ExchangeRate",
    "updatePlanningNode": "PlanningNode",
    "deletePlanningNode": "PlanningNode",
    "updatePlanningFlow": "PlanningFlow",
    "deletePlanningFlow": "PlanningFlow",
    "updateWebhook": "Webhook",
    "rotateWebhookSecret": "Webhook",
    "deleteWebhook": "Webhook",
    "redeliverWebhookDelivery": "WebhookDelivery",
    "markAlertsRead": "Alert",
}
# Planted strings: currencies with 2, 0 and 3 decimals (one in lower case); a few
# idempotency keys, so repeats (replays, and conflicts across operations) happen.
CURRENCIES = ["EUR", "JPY", "KWD", "usd"]
KEYS = ["fuzz-key-1", "fuzz-key-2", "fuzz-key-3"]
SEED_PROBABILITY = 0.75


@dataclass
class Seeds:
    """Real objects of the fuzzing user: global ids by type, and registered emails."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)

    def strings(self, name: str) -> list[str]:
        return {"currency": CURRENCIES, "email": self.emails, "idempotencyKey": KEYS}.get(name, [])


class _Planter(graphql.Visitor):
    """Swap generated id (and email) literals for real ones, by argument name."""

    def __init__(self, root: str, seeds: Seeds, rng: random.Random) -> None:
        super().__init__()
        self.root, self.seeds, self.rng = root, seeds, rng

    def _kind(self, name: str) -> str | None:
        if name in ("id", "ids"):
            return ROOT_ID_KINDS.get(self.root) or self.rng.choice(list(self.seeds.ids))
        return ID_FIELDS.get(name)

    def _real(self, kind: str) -> graphql.StringValueNode:
        return graphql.StringValueNode(value=self.rng.choice(self.seeds.ids[kind]))

    def _replace(self, name: str, value: graphql.ValueNode) -> graphql.ValueNode | None:
        if self.rng.random() > SEED_PROBABILITY:
            return None
        strings = self.seeds.strings(name)
        if strings and isinstance(value, graphql.StringValueNode):
            return graphql.StringValueNode(value=self.rng.choice(strings))
        kind = self._kind(name)
        if kind is None:
            return None
        if isinstance(value, graphql.StringValueNode):
            return self._real(kind)
        if isinstance(value, graphql.ListValueNode):
            return graphql.ListValueNode(values=tuple(self._real(kind) for _ in value.values))
        return None

    def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> graphql.ArgumentNode | None:
        value = self._replace(node.name.value, node.value)
        return None if value is None else graphql.ArgumentNode(name=node.name, value=value)

    def enter_object_field(
        self, node: graphql.ObjectFieldNode, *_: Any
    ) -> graphql.ObjectFieldNode | None:
        value = self._replace(node.name.value, node.value)
        return None if value is None else graphql.ObjectFieldNode(name=node.name, value=value)


CHECKED_ERRORS = graphql.parse("{ checkedErrors: userErrors { field message code } }")


def _with_user_errors(document: graphql.DocumentNode) -> graphql.DocumentNode:
    """A mutation's answer always shows its userErrors in full (under an alias, so it never
    clashes with the generated selection), for the checks below."""
    [operation] = document.definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    [root] = operation.selection_set.selections
    assert isinstance(root, graphql.FieldNode)
    assert root.selection_set is not None
    [extra] = CHECKED_ERRORS.definitions
    assert isinstance(extra, graphql.OperationDefinitionNode)
    selections = (*root.selection_set.selections, *extra.selection_set.selections)
    root = replace(root, selection_set=replace(root.selection_set, selections=selections))
    operation = replace(
        operation, selection_set=replace(operation.selection_set, selections=(root,))
    )
    return replace(document, definitions=(operation,))


def plant_seeds(case: schemathesis.Case, seeds: Seeds) -> None:
    """Deterministic per document, so a failure replays (and shrinks) the same way."""
    if not isinstance(case.body, str):
        return
    definition = case.operation.definition
    planter = _Planter(definition.field_name, seeds, random.Random(case.body))
    document = graphql.visit(graphql.parse(case.body), planter)
    if definition.is_mutation:
        document = _with_user_errors(document)
    case.body = graphql.print_ast(document)


# --- what every answer must be -----------------------------------------------------------


def unexpected_errors(body: Any) -> list[str]:
    """What is wrong with an answer, beyond its shape (which schemathesis checks)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    problems = []
    payloads = body.get("data") or {}
    user_errors = [
        e for p in payloads.values() if isinstance(p, dict) for e in p.get("checkedErrors") or []
    ]
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code not in EXPECTED_CODES or error.get("message") == "Unexpected error":
            problems.append(f"top-level error with code {code}: {error.get('message')!r}")
        elif PYTHON_WORDING.search(error.get("message", "")):
            problems.append(f"Python's wording reaches the client: {error['message']!r}")
    for error in user_errors:
        if error.get("code") not in EXPECTED_CODES | {"UNAUTHENTICATED"}:
            problems.append(f"userError with code {error.get('code')}")
        if PYTHON_WORDING.search(error.get("message", "")):
            problems.append(f"Python's wording in userErrors: {error['message']!r}")
    return problems


# --- the live API ------------------------------------------------------------------------


@dataclass
class LiveApi:
    url: str
    headers: dict[str, str]
    seeds: Seeds
    session: requests.Session
    tokens: list[str]  # of the fuzzing user and of the member they share with


@pytest.fixture(scope="module")
def live_api(mongo_uri: str) -> Iterator[LiveApi]:
    database = f"envelopes_fuzz_{uuid.uuid4().hex[:8]}"
    # Webhooks may call loopback (the seeded one does; the scheduler is off: none is sent).
    app = create_app(make_settings(mongo_uri, database, webhooks_allow_loopback=True))
    try:
        with _serving(app) as base, requests.Session() as session:
            tokens, seeds = _seed(base)
            headers = {"Authorization": f"Bearer {tokens[0]}"}
            yield LiveApi(f"{base}/graphql", headers, seeds, session, tokens)
    finally:
        with MongoClient(mongo_uri) as client:
            client.drop_database(database)


@contextmanager
def _serving(app: Any) -> Iterator[str]:
    """uvicorn in a thread of this process, on a free port of the loopback."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="fuzz-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _call(http: httpx.Client, token: str, name: str, /, **input: Any) -> dict[str, Any]:
    reply = http.post(
        "/graphql",
        json={"query": operation(name), "variables": {"input": input}},
        headers={"Authorization": f"Bearer {token}"},
    )
    [payload] = reply.json()["data"].values()
    assert payload["userErrors"] == [], payload
    result: dict[str, Any] = payload
    return result


def _register(http: httpx.Client, email: str, name: str) -> dict[str, Any]:
    variables = {"input": {"email": email, "password": PASSWORD, "displayName": name}}
    payload: dict[str, Any] = http.post(
        "/graphql", json={"query": REGISTER, "variables": variables}
    ).json()["data"]["register"]
    return payload


def _seed(base: str) -> tuple[list[str], Seeds]:
    """The fuzzing user owns three accounts (EUR, EUR, JPY) with envelopes, an income split,
    an expense and its undo, a transfer and a payment source; the first one is shared with
    a second user as editor. They are also signed in on a second device, the session
    `signOutSession` gets (never the fuzzing token's own)."""
    with httpx.Client(base_url=base, timeout=30) as http:
        me = _register(http, "fuzz@example.com", "Fuzz")
        partner = _register(http, "partner@example.com", "Partner")
        token = me["accessToken"]

        def do(name: str, /, **input: Any) -> dict[str, Any]:
            return _call(http, token, name, **input)

        main = do(
            "OpenAccount", name="Main", type="CHECKING", currency="EUR",
            openingBalance="1000.00", envelopeNames=["Food", "Rent", "Fun"],
        )["account"]  # fmt: skip
        savings = do(
            "OpenAccount", name="Savings", type="SAVINGS", currency="EUR",
            openingBalance="500.00", envelopeNames=["Holiday"],
        )["account"]  # fmt: skip
        cash = do(
            "OpenAccount", name="Yen", type="CASH", currency="JPY", openingBalance="20000"
        )["account"]  # fmt: skip
        envelopes = {e["name"]: e["id"] for e in main["envelopes"]}
        webhook = do(
            "CreateWebhook", accountId=main["id"], url="http://127.0.0.1:9/hook",
            events=["TRANSACTION_RECORDED"],
        )["webhook"]["id"]  # fmt: skip
        do("UpdateAlertSettings", thresholds=[{"accountId": main["id"], "transactionAbove": "1"}])
        do(
            "RecordIncome", accountId=main["id"], amount="300.00",
            allocations=[{"envelopeId": envelopes["Food"], "amount": "120.00"}],
        )  # fmt: skip
        expense = do(
            "RecordExpense", accountId=main["id"], envelopeId=envelopes["Food"], amount="20.00"
        )
        do("UndoTransaction", id=expense["transaction"]["id"])
        do("TransferMoney", fromAccountId=main["id"], toAccountId=savings["id"], amount="50.00")
        source = do(
            "CreatePaymentSource", accountId=main["id"], name="Salary", expectedAmount="900.00",
            allocations=[{"envelopeId": envelopes["Rent"], "amount": "400.00"}],
        )["paymentSource"]  # fmt: skip
        schedules = [
            do(
                "CreateSchedule", accountId=main["id"], name=name, kind=kind, amount="10.00",
                mode=mode, recurrence={"frequency": "WEEKLY", "startDate": "2025-01-06"}, **more,
            )["schedule"]["id"]
            for name, kind, mode, more in [
                ("Groceries", "EXPENSE", "REMIND", {"envelopeId": envelopes["Food"]}),
                ("Side job", "INCOME", "AUTO", {}),
            ]
        ]  # fmt: skip
        rules = [
            do(
                "CreateRule", name=name, conditions=[{"type": "PAYEE", "operator": "MATCHES",
                                                      "value": pattern}],
                actions=[{"type": "SET_ENVELOPE", "envelopeId": envelopes[envelope]}],
            )["rule"]["id"]
            for name, pattern, envelope in [("Shops", "tesco*|aldi*", "Food"),
                                            ("Home", "*landlord*", "Rent")]
        ]  # fmt: skip
        rates = [
            do("RecordExchangeRate", to="EUR", date=day, rate=rate, **{"from": source})[
                "exchangeRate"
            ]["id"]
            for source, day, rate in [("USD", "2025-01-01", "0.9"), ("JPY", "2025-01-01", "0.0061")]
        ]
        planned = [
            do("CreatePlanningNode", kind=kind, label=kind.title(), amount="100.00",
               currency="EUR")["node"]["id"]
            for kind in ("INCOME", "ACCOUNT", "EXPENSE")
        ]  # fmt: skip
        flows = [
            do("CreatePlanningFlow", **{"from": a, "to": b, "amount": "50.00"})["flow"]["id"]
            for a, b in pairwise(planned)
        ]
        do("ShareAccount", accountId=main["id"], email="partner@example.com", role="EDITOR")
        files = [_upload(http, token, content, name) for content, name in STATEMENTS]
        jobs = [do("StartImport", accountId=main["id"], fileId=f)["job"]["id"] for f in files]
        accounts = [main, savings, cash]
        entries = [_entry_ids(http, token, a["id"]) for a in accounts]
        other_device = _other_session(http, token)
        deliveries = _delivery_ids(http, token, webhook)
        alerts = _alert_ids(http, token)
    seeds = Seeds(
        ids={
            "Account": [a["id"] for a in accounts],
            "Envelope": [e["id"] for a in accounts for e in a["envelopes"]],
            "Transaction": [i for ids in entries for i in ids],
            "PaymentSource": [source["id"]],
            "Schedule": schedules,
            "Rule": rules,
            "ExchangeRate": rates,
            "PlanningNode": planned,
            "PlanningFlow": flows,
            "User": [me["user"]["id"], partner["user"]["id"]],
            "LoginSession": [other_device],
            "ImportJob": jobs,
            "File": files,
            "Webhook": [webhook],
            "WebhookDelivery": deliveries,
            "Alert": alerts,
        },
        emails=["partner@example.com", "fuzz@example.com"],
    )
    return [token, partner["accessToken"]], seeds


STATEMENTS = [
    (b"Date,Amount,Payee\n2025-01-02,-12.50,Bakery\n2025-01-03,40.00,Refund\n", "bank.csv"),
    (b"!Type:Bank\nD01/04/2025\nT-5.00\nPKiosk\n^\n", "bank.qif"),
    (b"When,How much\n2025-01-02,1\n", "odd.csv"),
]


def _delivery_ids(http: httpx.Client, token: str, webhook_id: str) -> list[str]:
    reply = http.post(
        "/graphql",
        json={"query": operation("WebhookDeliveries"), "variables": {"id": webhook_id}},
        headers={"Authorization": f"Bearer {token}"},
    )
    edges = reply.json()["data"]["node"]["deliveries"]["edges"]
    return [edge["node"]["id"] for edge in edges]


def _upload(http: httpx.Client, token: str, content: bytes, name: str) -> str:
    reply = http.post(
        "/uploads", params={"kind": "import", "name": name}, content=content,
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    reply.raise_for_status()
    file_id: str = reply.json()["fileId"]
    return file_id


def _alert_ids(http: httpx.Client, token: str) -> list[str]:
    reply = http.post(
        "/graphql",
        json={"query": operation("Alerts"), "variables": {"first": 10}},
        headers={"Authorization": f"Bearer {token}"},
    )
    return [edge["node"]["id"] for edge in reply.json()["data"]["alerts"]["edges"]]


def _other_session(http: httpx.Client, token: str) -> str:
    """The id of a second login of the fuzzing user."""
    variables = {"input": {"email": "fuzz@example.com", "password": PASSWORD}}
    http.post("/graphql", json={"query": LOGIN, "variables": variables}).raise_for_status()
    me = http.post(
        "/graphql",
        json={"query": operation("Me")},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["data"]["me"]
    [other] = [e["node"]["id"] for e in me["sessions"]["edges"] if not e["node"]["current"]]
    return str(other)


def _entry_ids(http: httpx.Client, token: str, account_id: str) -> list[str]:
    reply = http.post(
        "/graphql",
        json={"query": operation("Transactions"), "variables": {"id": account_id, "first": 50}},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    return [edge["node"]["id"] for edge in reply["data"]["account"]["transactions"]["edges"]]


# --- the fuzz test -----------------------------------------------------------------------


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not EXPLORE,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)
def test_no_document_makes_the_api_fail(case: schemathesis.Case, live_api: LiveApi) -> None:
    plant_seeds(case, live_api.seeds)
    response = case.call(
        base_url=live_api.url, session=live_api.session, headers=live_api.headers, timeout=30
    )
    assert response.status_code < 500, (response.status_code, case.body)
    case.validate_response(response, checks=[response_schema_conformance])
    problems = unexpected_errors(response.json())
    assert not problems, f"{problems}\n\nDocument:\n{case.body}\n\nAnswer: {response.text}"


ACCOUNTS = """
query { accounts(includeClosed: true) {
  id balance { amount } envelopes(includeArchived: true) { balance { amount } }
  totals { net { amount } count }
} }"""
ENTRIES = """
query($id: ID!, $after: String) { account(id: $id) { transactions(first: 100, after: $after) {
  edges { node { sequence amount { amount } balanceAfter { amount } } }
  pageInfo { hasNextPage endCursor }
} } }"""


def _ask(api: LiveApi, token: str, query: str, **variables: Any) -> dict[str, Any]:
    reply = api.session.post(
        api.url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert "errors" not in reply, reply
    data: dict[str, Any] = reply["data"]
    return data


def _entries(api: LiveApi, token: str, account_id: str) -> list[dict[str, Any]]:
    found, after = [], None
    while True:
        page = _ask(api, token, ENTRIES, id=account_id, after=after)["account"]["transactions"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_every_ledger_still_adds_up_after_the_fuzzing(live_api: LiveApi) -> None:
    """Whatever the fuzzer did: each account's balance is the sum of its envelopes, of its
    entries and of its totals, the entries are numbered 1..n, and the last one recorded
    shows the balance (every account is visible to one of the two users)."""
    checked = set()
    for token in live_api.tokens:
        for account in _ask(live_api, token, ACCOUNTS)["accounts"]:
            if account["id"] in checked:
                continue
            checked.add(account["id"])
            balance = Decimal(account["balance"]["amount"])
            entries = _entries(live_api, token, account["id"])
            last = max(entries, key=lambda e: e["sequence"])
            assert sum(Decimal(e["balance"]["amount"]) for e in account["envelopes"]) == balance
            assert sum(Decimal(e["amount"]["amount"]) for e in entries) == balance
            assert Decimal(account["totals"]["net"]["amount"]) == balance
            assert Decimal(last["balanceAfter"]["amount"]) == balance
            assert sorted(e["sequence"] for e in entries) == list(range(1, len(entries) + 1))
            assert account["totals"]["count"] == len(entries)
    assert len(checked) >= 3
