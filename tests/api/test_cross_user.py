"""Another user's ids behave exactly like ids that do not exist (no enumeration, no effect).

Ana owns a household ledger: two funded accounts, an empty one and a closed one, envelopes
(one empty, one archived), entries (income, payday, expense, a transfer, an undo), a payment
source, and Cleo as a viewer. Ben is registered, owns an account of his own, and is no member
of Ana's. Ben sends every query and mutation that takes an id twice: once with Ana's ids, once
with well-formed ids of the same types that name nothing. With the ids taken out, the two
answers must be the same: the same errors and userErrors (codes, messages, fields) and the
same data. Afterwards, all of Ana's data is as it was.

The probes are checked against the schema: every id an operation takes (arguments and input
fields, at any depth) must be probed with one of Ana's ids, and every root field either takes
an id or is listed below as exempt with the reason, so a new operation cannot slip past.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import graphql
import pytest
from bson import ObjectId
from fastapi import FastAPI

from app.graphql.relay import to_global_id
from app.graphql.schema import build_schema
from tests.api.ledger.test_imports import settled
from tests.conftest import ApiFactory, make_settings
from tests.graphql_client import GraphQLClient, Response
from tests.ledger_client import Member, operation

# --- placeholders of ids, resolved when the probes run ---------------------------------------


@dataclass(frozen=True)
class Theirs:
    """One of Ana's objects; in the control run, a made-up id of the same type."""

    kind: str
    name: str


@dataclass(frozen=True)
class Own:
    """One of Ben's own objects (the same in both runs)."""

    name: str


def A(kind: str, name: str) -> Theirs:  # reads as "Ana's"
    return Theirs(kind, name)


@dataclass(frozen=True)
class Probe:
    coordinate: str  # "Mutation.moveMoney": the field the placeholders are arguments of
    document: str  # an operation name under schema/operations, or a document
    variables: dict[str, Any]

    def text(self) -> str:
        return self.document if "{" in self.document else operation(self.document)


# Ana's webhook calls loopback, which this module's API allows (the scheduler is off:
# nothing is delivered).
LOOPBACK_HOOK = "http://127.0.0.1:9/hook"
NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


def _mutations() -> list[Probe]:
    def m(name: str, /, **input: Any) -> Probe:
        return Probe(f"Mutation.{name[0].lower()}{name[1:]}", name, {"input": input})

    main, ben_account = A("Account", "main"), Own("account")
    food, rent = A("Envelope", "food"), A("Envelope", "rent")
    return [
        m("RecordIncome", accountId=main, amount="10.00"),
        m(
            "RecordIncome",
            accountId=ben_account,
            amount="10.00",
            allocations=[{"envelopeId": food, "amount": "5.00"}],
        ),
        m("RecordPayday", paymentSourceId=A("PaymentSource", "salary")),
        m("RecordPayday", paymentSourceId=A("PaymentSource", "salary"), amount="1.00"),
        m("RecordExpense", accountId=main, envelopeId=food, amount="1.00"),
        m("RecordExpense", accountId=ben_account, envelopeId=food, amount="1.00"),
        m(
            "RecordExpense",
            accountId=ben_account,
            amount="1.00",
            splits=[{"envelopeId": food, "amount": "1.00"}],
        ),
        m("MoveMoney", accountId=main, fromEnvelopeId=food, toEnvelopeId=rent, amount="1.00"),
        m(
            "MoveMoney",
            accountId=ben_account,
            fromEnvelopeId=food,
            toEnvelopeId=Own("bills"),
            amount="1.00",
        ),
        m(
            "MoveMoney",
            accountId=ben_account,
            fromEnvelopeId=Own("bills"),
            toEnvelopeId=rent,
            amount="1.00",
        ),
        m("TransferMoney", fromAccountId=main, toAccountId=ben_account, amount="5.00"),
        m("TransferMoney", fromAccountId=ben_account, toAccountId=main, amount="5.00"),
        m(
            "TransferMoney",
            fromAccountId=ben_account,
            toAccountId=Own("spare"),
            fromEnvelopeId=food,
            amount="1.00",
        ),
        m(
            "TransferMoney",
            fromAccountId=ben_account,
            toAccountId=Own("spare"),
            toEnvelopeId=A("Envelope", "holiday"),
            amount="1.00",
        ),
        m("UndoTransaction", id=A("Transaction", "expense")),
        m("UndoTransaction", id=A("Transaction", "transferOut")),
        m("UndoTransaction", id=A("Transaction", "reversal")),
        m("UndoTransaction", id=A("Transaction", "opening")),
        m("ExportHistory", accountId=main),
        m("ExportHistory", accountId=ben_account, filter={"envelopeId": food}),
        m("UpdateAccount", accountId=main, name="Mine now", allowOverdraft=True),
        m("CloseAccount", accountId=A("Account", "empty")),
        m("ReopenAccount", accountId=A("Account", "closed")),
        m("CreateEnvelopes", accountId=main, names=["Mine"]),
        m("RenameEnvelope", accountId=main, envelopeId=food, name="Mine"),
        m("RenameEnvelope", accountId=ben_account, envelopeId=food, name="Mine"),
        m(
            "ReorderEnvelopes",
            accountId=main,
            envelopeIds=[
                A("Envelope", "available"),
                rent,
                food,
                A("Envelope", "gifts"),
                A("Envelope", "archived"),
            ],
        ),
        m(
            "ReorderEnvelopes",
            accountId=ben_account,
            envelopeIds=[Own("bills"), Own("available"), food],
        ),
        m("ArchiveEnvelope", accountId=main, envelopeId=A("Envelope", "gifts")),
        m("ArchiveEnvelope", accountId=ben_account, envelopeId=A("Envelope", "gifts")),
        m("UnarchiveEnvelope", accountId=main, envelopeId=A("Envelope", "archived")),
        m("UnarchiveEnvelope", accountId=ben_account, envelopeId=A("Envelope", "archived")),
        m("DeleteEnvelope", accountId=main, envelopeId=A("Envelope", "gifts")),
        m("DeleteEnvelope", accountId=main, envelopeId=food, moveRemainderTo=rent),
        m("DeleteEnvelope", accountId=ben_account, envelopeId=food),
        m(
            "DeleteEnvelope",
            accountId=ben_account,
            envelopeId=Own("bills"),
            moveRemainderTo=food,
        ),
        m("ShareAccount", accountId=main, email="ben@example.com", role="ADMIN"),
        m("ChangeMemberRole", accountId=main, userId=A("User", "cleo"), role="ADMIN"),
        m("ChangeMemberRole", accountId=ben_account, userId=A("User", "ana"), role="VIEWER"),
        m("RemoveMember", accountId=main, userId=A("User", "cleo")),
        m("RemoveMember", accountId=ben_account, userId=A("User", "ana")),
        m("TransferOwnership", accountId=main, userId=Own("ben")),
        m("TransferOwnership", accountId=ben_account, userId=A("User", "ana")),
        m("LeaveAccount", accountId=main),
        m("LeaveAccount", accountId=A("Account", "savings")),
        m("CreatePaymentSource", accountId=main, name="Mine", expectedAmount="10.00"),
        m(
            "CreatePaymentSource",
            accountId=ben_account,
            name="Mine",
            expectedAmount="10.00",
            allocations=[{"envelopeId": food, "amount": "1.00"}],
        ),
        m(
            "UpdatePaymentSource",
            id=A("PaymentSource", "salary"),
            name="Mine",
            expectedAmount="1.00",
        ),
        m(
            "UpdatePaymentSource",
            id=Own("source"),
            name="Mine",
            expectedAmount="10.00",
            allocations=[{"envelopeId": food, "amount": "1.00"}],
        ),
        m("DeletePaymentSource", id=A("PaymentSource", "salary")),
        m("SetBudgetCadence", accountId=main, cadence={"kind": "WEEKLY"}),
        m("SetPlan", accountId=main, envelopeId=food, amount="5.00"),
        m("SetPlan", accountId=ben_account, envelopeId=food, amount="5.00"),
        m("RemovePlan", accountId=main, envelopeId=food),
        m("RemovePlan", accountId=ben_account, envelopeId=food),
        m("SetGoal", accountId=main, envelopeId=food, kind="SAVE", target="5.00"),
        m("SetGoal", accountId=ben_account, envelopeId=food, kind="SAVE", target="5.00"),
        m("RemoveGoal", accountId=main, envelopeId=food),
        m("RemoveGoal", accountId=ben_account, envelopeId=food),
        m("FundEnvelopes", accountId=main),
        m("FundEnvelopes", accountId=main, dryRun=True),
        # Reconciliation: Ana's "income" is reconciled and "payday" cleared (see below).
        m("SetTransactionsCleared", ids=[A("Transaction", "expense")], cleared=True),
        m("SetTransactionsCleared", ids=[A("Transaction", "income")], cleared=False),
        m("SetTransactionsCleared", ids=[A("Transaction", "payday")], cleared=False),
        m("SetTransactionsCleared", ids=[Own("entry"), A("Transaction", "transferIn")],
          cleared=True),
        m("ReconcileAccount", accountId=main, statementDate="2020-01-31",
          statementBalance="0.00", adjust=True),
        m("ReconcileAccount", accountId=A("Account", "savings"), statementDate="2020-01-31",
          statementBalance="1.00"),
        m("ReopenReconciliation", accountId=main),
        m("SignOutSession", id=A("LoginSession", "session")),
        m("StartImport", accountId=main, fileId=Own("file")),
        m("StartImport", accountId=ben_account, fileId=A("File", "statement")),
        m("CommitImport", jobId=A("ImportJob", "job")),
        m("ResumeImport", jobId=A("ImportJob", "job")),
        m("CancelImport", jobId=A("ImportJob", "job")),
        *_schedule_mutations(m, main, ben_account, food),
        # Backups: Ana's account (Ben's own next to it), Ana's uploaded backup file.
        m("CreateBackup", accountIds=[main]),
        m("CreateBackup", accountIds=[ben_account, main]),
        m("RestoreBackup", fileId=A("File", "backup")),
        *_rule_mutations(m, main, food),
        *_rate_mutations(m),
        *_planning_mutations(m, main),
        *_webhook_mutations(m, main),
        m("MarkAlertsRead", ids=[A("Alert", "large")]),
        m("MarkAlertsRead", ids=[Own("alert"), A("Alert", "large")]),
        m("UpdateAlertSettings", thresholds=[{"accountId": main, "balanceBelow": "1.00"}]),
    ]  # fmt: skip


def _planning_mutations(m: Any, main: Theirs) -> list[Probe]:
    pay, home, wage = A("PlanningNode", "pay"), A("PlanningNode", "home"), A("PlanningFlow", "wage")
    node, other, flow = Own("node"), Own("otherNode"), Own("flow")
    return [
        m("CreatePlanningNode", accountId=main, kind="INCOME", label="Mine"),
        m("UpdatePlanningNode", id=pay, kind="INCOME", label="Mine"),
        m("DeletePlanningNode", id=home),
        m("CreatePlanningFlow", **{"from": pay, "to": node, "amount": "1.00"}),
        m("CreatePlanningFlow", **{"from": node, "to": home, "amount": "1.00"}),
        m("UpdatePlanningFlow", id=wage, **{"from": pay, "to": home, "amount": "1.00"}),
        m("UpdatePlanningFlow", id=flow, **{"from": pay, "to": other, "amount": "1.00"}),
        m("UpdatePlanningFlow", id=flow, **{"from": node, "to": home, "amount": "1.00"}),
        m("DeletePlanningFlow", id=wage),
        m("SeedPlanningFromLedger", accountId=main, **{"from": "2026-01-01", "to": "2026-01-31",
                                                       "currency": "EUR"}),
    ]  # fmt: skip


def _rate_mutations(m: Any) -> list[Probe]:
    rate = A("ExchangeRate", "usd")
    return [
        m("UpdateExchangeRate", id=rate, date="2025-01-02", rate="2"),
        m("DeleteExchangeRate", id=rate),
    ]


def _webhook_mutations(m: Any, main: Theirs) -> list[Probe]:
    hook, events = A("Webhook", "hook"), ["TRANSACTION_RECORDED"]
    return [
        m("CreateWebhook", accountId=main, url=LOOPBACK_HOOK, events=events),
        m("CreateWebhook", accountId=main, url="http://10.0.0.1/", events=events),
        m("UpdateWebhook", id=hook, enabled=False),
        m("UpdateWebhook", id=hook, url="http://10.0.0.1/"),
        m("RotateWebhookSecret", id=hook),
        m("DeleteWebhook", id=hook),
        m("RedeliverWebhookDelivery", id=A("WebhookDelivery", "delivery")),
    ]


def _rule_mutations(m: Any, main: Theirs, food: Theirs) -> list[Probe]:
    bills, groceries = Own("bills"), A("Rule", "groceries")

    def to(envelope: Any) -> list[dict[str, Any]]:
        return [{"type": "SET_ENVELOPE", "envelopeId": envelope}]

    split = [
        {
            "type": "SPLIT",
            "parts": [
                {"envelopeId": bills, "percent": "50"},
                {"envelopeId": food, "percent": "50"},
            ],
        }
    ]
    return [
        m("CreateRule", name="Mine", actions=to(food)),
        m("CreateRule", name="Mine", actions=split),
        m("CreateRule", name="Mine", actions=to(bills), accountIds=[main]),
        m("UpdateRule", id=groceries, name="Mine", actions=to(bills)),
        m("UpdateRule", id=Own("rule"), name="Mine", actions=to(food)),
        m("UpdateRule", id=Own("rule"), name="Mine", actions=split),
        m("UpdateRule", id=Own("rule"), name="Mine", actions=to(bills), accountIds=[main]),
        m("DeleteRule", id=groceries),
        m("ReorderRules", ids=[Own("rule"), groceries]),
        m("RecategoriseTransaction", id=A("Transaction", "income"), envelopeId=bills),
        m("RecategoriseTransaction", id=Own("spent"), envelopeId=food),
        m("RecategoriseTransaction", id=Own("spent"),
          splits=[{"envelopeId": food, "amount": "1.00"}]),
        m("MarkReviewed", ids=[A("Transaction", "income")]),
        m("MarkReviewed", ids=[Own("spent"), A("Transaction", "payday")]),
        m("ApplyRules", accountId=main),
        m("ApplyRules", accountId=main, dryRun=False),
    ]  # fmt: skip


def _schedule_mutations(m: Any, main: Theirs, ben_account: Own, food: Theirs) -> list[Probe]:
    def spec(kind: str = "EXPENSE", **more: Any) -> dict[str, Any]:
        base = {"name": "Mine", "kind": kind, "amount": "1.00", "recurrence": RULE}
        return {key: value for key, value in (base | more).items() if value is not None}

    probes: list[Probe] = []
    for target in ({"accountId": ben_account}, {"id": Own("schedule")}):
        name = "CreateSchedule" if "accountId" in target else "UpdateSchedule"
        probes += [
            m(name, **target, **spec(envelopeId=food)),
            m(name, **target, **spec(splits=[{"envelopeId": food, "amount": "1.00"}])),
            m(name, **target, **spec("INCOME", allocations=[{"envelopeId": food,
                                                             "amount": "1.00"}])),
            m(name, **target, **spec("MOVE", fromEnvelopeId=food, toEnvelopeId=Own("bills"))),
            m(name, **target, **spec("MOVE", fromEnvelopeId=Own("bills"), toEnvelopeId=food)),
            m(name, **target, **spec("TRANSFER", toAccountId=main)),
            m(name, **target, **spec("PAYDAY", amount=None,
                                     paymentSourceId=A("PaymentSource", "salary"))),
        ]  # fmt: skip
    rent = A("Schedule", "rent")
    probes += [
        m("CreateSchedule", accountId=main, **spec(envelopeId=Own("bills"))),
        m("UpdateSchedule", id=rent, **spec(envelopeId=Own("bills"))),
        m("DeleteSchedule", id=rent),
        m("PauseSchedule", id=rent),
        m("ResumeSchedule", id=rent),
        m("SkipOccurrence", id=rent),
        m("SkipOccurrence", id=rent, date="2030-02-01"),
        m("PostOccurrenceNow", id=rent),
    ]
    probes.append(m("DismissOpportunity", accountId=main, key="idle_money:100000"))
    return probes


RULE = {"frequency": "MONTHLY", "startDate": "2030-01-01"}
BACKUP_HEADER = gzip.compress(
    b'{"type":"header","format":"envelopes-household-backup","version":1}\n'
)
ACCOUNTS = ("main", "savings", "empty", "closed")  # Ana's
ANA_OBJECTS = [
    A("Account", "main"),
    A("Account", "savings"),
    A("Account", "closed"),
    A("Envelope", "food"),
    A("Envelope", "available"),
    A("Envelope", "archived"),
    A("Transaction", "opening"),
    A("Transaction", "income"),
    A("Transaction", "payday"),
    A("Transaction", "expense"),
    A("Transaction", "reversal"),
    A("Transaction", "transferOut"),
    A("Transaction", "transferIn"),
    A("PaymentSource", "salary"),
    A("Schedule", "rent"),
    A("Rule", "groceries"),
    A("RestoreJob", "restore"),
    A("User", "ana"),
    A("LoginSession", "session"),
    A("ImportJob", "job"),
    A("ExchangeRate", "usd"),
    A("PlanningNode", "pay"),
    A("PlanningFlow", "wage"),
    A("Webhook", "hook"),
    A("WebhookDelivery", "delivery"),
    A("Alert", "large"),
]


def _queries() -> list[Probe]:
    probes = [Probe("Query.account", "Account", {"id": A("Account", name)}) for name in ACCOUNTS]
    probes += [
        Probe("Query.transaction", "Transaction", {"id": a})
        for a in ANA_OBJECTS
        if a.kind == "Transaction"
    ]
    probes.append(
        Probe("Query.transaction", "TransactionSuggestion", {"id": A("Transaction", "income")})
    )
    probes += [
        Probe("Query.paymentSource", "PaymentSource", {"id": A("PaymentSource", "salary")}),
        Probe("Query.schedule", "Schedule", {"id": A("Schedule", "rent")}),
        Probe("Query.importJob", "ImportJob", {"id": A("ImportJob", "job")}),
        Probe("Query.importJobs", "ImportJobs", {"accountId": A("Account", "main")}),
        Probe("Query.rules", "Rules", {"accountId": A("Account", "main")}),
        Probe("Query.reviewQueue", "ReviewQueue", {"accountId": A("Account", "main")}),
        Probe("Query.restoreJob", "RestoreJob", {"id": A("RestoreJob", "restore")}),
        Probe("Query.planningModel", "PlanningModel", {"accountId": A("Account", "main")}),
        Probe("Query.account", "SavingsOpportunities", {"id": A("Account", "main")}),
        *(Probe("Query.node", "Node", {"id": a}) for a in ANA_OBJECTS),
        Probe("Query.nodes", NODES, {"ids": [Own("account"), *ANA_OBJECTS]}),
    ]
    for name in ("food", "archived"):
        filters = {"id": Own("account"), "filter": {"envelopeId": A("Envelope", name)}}
        probes += [
            Probe("Account.transactions", "Transactions", {**filters, "first": 10}),
            Probe("Account.totals", "Totals", filters),
        ]
    return probes


PROBES = _queries() + _mutations()

# Root fields that name no object of another user, and why.
EXEMPT = {
    "Query.me": "the caller's own user; takes no id",
    "Query.accounts": "lists the caller's own accounts; takes no id",
    "Query.householdBudget": "the caller's own accounts' budgets; takes no id",
    "Query.changes": "the caller's own accounts' changes; its cursor's account ids only ever "
    "yield tombstones (tests/api/ledger/test_delta_sync.py: another user's cursor)",
    "Mutation.register": "creates a new user; takes no id",
    "Mutation.login": "by email and password; takes no id",
    "Mutation.refreshToken": "by the caller's own opaque token; takes no id",
    "Mutation.logout": "by the caller's own opaque token; takes no id",
    "Mutation.changePassword": "the caller's own password; takes no id",
    "Mutation.openAccount": "creates a new account; takes no id",
    "Query.categorisationSettings": "the caller's own household's settings; takes no id",
    "Mutation.setAutoCategorise": "the caller's own household's threshold; takes no id",
    "Query.dashboard": "the caller's own accounts (member of) and rates; takes no id",
    "Query.exchangeRates": "the caller's own household's rates; takes no id",
    "Query.baseCurrency": "the caller's own base currency; takes no id",
    "Mutation.recordExchangeRate": "a rate of the caller's own household; takes no id",
    "Mutation.setBaseCurrency": "the caller's own base currency; takes no id",
    "Query.cashFlow": "the caller's own accounts' picture of a period; takes no id",
    "Query.alerts": "the caller's own alerts; takes no id",
    "Query.unreadAlertCount": "the caller's own alerts; takes no id",
    "Query.alertSettings": "the caller's own alert settings; takes no id",
}

# Ids probed by their own tests, over a WebSocket (this file's client speaks HTTP only).
PROBED_ELSEWHERE = {
    "Subscription.accountChanged(accountId)": "tests/api/test_subscriptions.py: another "
    "user's account answers like one that does not exist",
    "Subscription.importProgress(jobId)": "tests/api/test_subscriptions.py: another user's "
    "job is not found",
}

# --- the schema's id slots -------------------------------------------------------------------


def _id_paths(type_: graphql.GraphQLInputType, prefix: str, seen: frozenset[str]) -> Iterator[str]:
    named = graphql.get_named_type(type_)
    if isinstance(named, graphql.GraphQLScalarType) and named.name == "ID":
        yield prefix
    elif isinstance(named, graphql.GraphQLInputObjectType) and named.name not in seen:
        for name, input_field in named.fields.items():
            yield from _id_paths(input_field.type, f"{prefix}.{name}", seen | {named.name})


def schema_id_slots() -> tuple[set[str], set[str]]:
    """("Type.field(arg.path)" of every id the schema takes, every root field)."""
    settings = make_settings("mongodb://unused.invalid", "unused")
    schema = graphql.build_schema(build_schema(settings).as_str())
    slots, roots = set(), set()
    for type_ in schema.type_map.values():
        if not isinstance(type_, graphql.GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for field_name, field_ in type_.fields.items():
            if type_.name in ("Query", "Mutation"):
                roots.add(f"{type_.name}.{field_name}")
            for arg_name, arg in field_.args.items():
                for path in _id_paths(arg.type, arg_name, frozenset()):
                    slots.add(f"{type_.name}.{field_name}({path})")
    return slots, roots


def _placeholder_paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, Theirs):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholder_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from _placeholder_paths(item, path)


def probed_slots() -> set[str]:
    return {
        f"{probe.coordinate}({path})"
        for probe in PROBES
        for path in _placeholder_paths(probe.variables, "")
    }


def test_every_id_the_schema_takes_is_probed_with_another_users_id() -> None:
    slots, roots = schema_id_slots()
    slots -= set(PROBED_ELSEWHERE)
    assert slots - probed_slots() == set(), "probe these ids with one of Ana's ids"
    assert probed_slots() - slots == set(), "these probes name ids the schema does not take"
    with_ids = {slot.split("(")[0] for slot in slots}
    assert roots - with_ids == set(EXEMPT), "list root fields without ids in EXEMPT"


# --- Ana's household and Ben ----------------------------------------------------------------


async def _ana_household(gql: GraphQLClient) -> tuple[Member, dict[Theirs, str]]:
    ana = await Member.register(gql, "ana@example.com", "Ana")
    cleo = await Member.register(gql, "cleo@example.com", "Cleo")
    main = await ana.open_account(
        name="Joint", openingBalance="1000.00", envelopeNames=["Food", "Rent", "Gifts", "Old"]
    )
    savings = await ana.open_account(name="Savings", type="SAVINGS", openingBalance="200.00")
    empty = await ana.open_account(name="Empty")
    closed = await ana.open_account(name="Closed")
    await ana.do("CloseAccount", accountId=closed["id"])
    envelopes = await ana.envelope_ids(main["id"])
    savings_envelopes = await ana.envelope_ids(savings["id"])
    await ana.do("ArchiveEnvelope", accountId=main["id"], envelopeId=envelopes["Old"])
    income = await ana.do(
        "RecordIncome",
        accountId=main["id"],
        amount="300.00",
        allocations=[
            {"envelopeId": envelopes["Food"], "amount": "100.00"},
            {"envelopeId": envelopes["Rent"], "amount": "150.00"},
        ],
    )
    expense = await ana.do(
        "RecordExpense", accountId=main["id"], envelopeId=envelopes["Food"], amount="30.00"
    )
    reversal = await ana.do("UndoTransaction", id=expense["transaction"]["id"])
    salary = await ana.do(
        "CreatePaymentSource",
        accountId=main["id"],
        name="Salary",
        expectedAmount="900.00",
        allocations=[{"envelopeId": envelopes["Rent"], "amount": "400.00"}],
    )
    await ana.do(
        "UpdateAlertSettings", thresholds=[{"accountId": main["id"], "transactionAbove": "500"}]
    )
    payday = await ana.do("RecordPayday", paymentSourceId=salary["paymentSource"]["id"])
    [large] = (await ana.query("Alerts"))["alerts"]["edges"]
    transfer = await ana.do(
        "TransferMoney", fromAccountId=main["id"], toAccountId=savings["id"], amount="50.00"
    )
    await ana.do("ShareAccount", accountId=main["id"], email="cleo@example.com", role="VIEWER")
    # The income is reconciled, the payday only cleared.
    await ana.do("SetTransactionsCleared", ids=[income["transaction"]["id"]], cleared=True)
    await ana.do(
        "ReconcileAccount", accountId=main["id"], statementDate=_today(), statementBalance="300"
    )
    await ana.do("SetTransactionsCleared", ids=[payday["transaction"]["id"]], cleared=True)
    rent = await ana.do(
        "CreateSchedule", accountId=main["id"], name="Rent", kind="EXPENSE", amount="400.00",
        envelopeId=envelopes["Rent"], recurrence=RULE,
    )  # fmt: skip
    statement = await ana.upload(b"Date,Amount,Payee\n2030-01-02,-1.00,Shop\n", "s.csv")
    job = await ana.do("StartImport", accountId=main["id"], fileId=statement)
    await settled(ana, job["job"]["id"])
    groceries = await ana.do(
        "CreateRule", name="Groceries", accountIds=[main["id"]],
        conditions=[{"type": "PAYEE", "operator": "CONTAINS", "value": "market"}],
        actions=[{"type": "SET_ENVELOPE", "envelopeId": envelopes["Food"]}],
    )  # fmt: skip
    usd = await ana.do("RecordExchangeRate", to="EUR", date="2025-01-01", rate="0.9",
                       **{"from": "USD"})  # fmt: skip
    webhook = await ana.do(
        "CreateWebhook", accountId=main["id"], url=LOOPBACK_HOOK, events=["TRANSACTION_RECORDED"]
    )
    await ana.do("RecordIncome", accountId=main["id"], amount="1.00")  # a delivery to probe
    log = await ana.query("WebhookDeliveries", id=webhook["webhook"]["id"])
    delivery = log["node"]["deliveries"]["edges"][0]["node"]["id"]
    me = await ana.query("Me")
    backup_file = await ana.upload(BACKUP_HEADER, name="backup.envelopes.gz", kind="backup")
    restore = await ana.do("RestoreBackup", fileId=backup_file)  # fails in its job: no manifest
    pay = await ana.do("CreatePlanningNode", kind="INCOME", label="Pay", amount="9", currency="EUR")
    home = await ana.do("CreatePlanningNode", kind="ACCOUNT", label="Home")
    wage = await ana.do(
        "CreatePlanningFlow", **{"from": pay["node"]["id"], "to": home["node"]["id"], "amount": "9"}
    )
    ids = {
        A("Account", "main"): main["id"],
        A("Account", "savings"): savings["id"],
        A("Account", "empty"): empty["id"],
        A("Account", "closed"): closed["id"],
        A("Envelope", "food"): envelopes["Food"],
        A("Envelope", "rent"): envelopes["Rent"],
        A("Envelope", "gifts"): envelopes["Gifts"],
        A("Envelope", "archived"): envelopes["Old"],
        A("Envelope", "available"): envelopes["Available"],
        A("Envelope", "holiday"): savings_envelopes["Available"],
        A("Transaction", "income"): income["transaction"]["id"],
        A("Transaction", "expense"): expense["transaction"]["id"],
        A("Transaction", "reversal"): reversal["reversals"][0]["id"],
        A("Transaction", "payday"): payday["transaction"]["id"],
        A("Transaction", "transferOut"): transfer["outgoing"]["id"],
        A("Transaction", "transferIn"): transfer["incoming"]["id"],
        A("PaymentSource", "salary"): salary["paymentSource"]["id"],
        A("Schedule", "rent"): rent["schedule"]["id"],
        A("Rule", "groceries"): groceries["rule"]["id"],
        A("File", "backup"): backup_file,
        A("RestoreJob", "restore"): restore["job"]["id"],
        A("User", "ana"): ana.user["id"],
        A("User", "cleo"): cleo.user["id"],
        A("LoginSession", "session"): me["me"]["sessions"]["edges"][0]["node"]["id"],
        A("File", "statement"): statement,
        A("ImportJob", "job"): job["job"]["id"],
        A("ExchangeRate", "usd"): usd["exchangeRate"]["id"],
        A("PlanningNode", "pay"): pay["node"]["id"],
        A("PlanningNode", "home"): home["node"]["id"],
        A("PlanningFlow", "wage"): wage["flow"]["id"],
        A("Webhook", "hook"): webhook["webhook"]["id"],
        A("WebhookDelivery", "delivery"): delivery,
        A("Alert", "large"): large["node"]["id"],
    }
    ids[A("Transaction", "opening")] = await _opening_entry(ana, main["id"])
    return ana, ids


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


async def _opening_entry(member: Member, account_id: str) -> str:
    page = await member.query("Transactions", id=account_id, first=1, filter={"kinds": ["OPENING"]})
    entry_id: str = page["account"]["transactions"]["edges"][0]["node"]["id"]
    return entry_id


async def _ben(gql: GraphQLClient) -> tuple[Member, dict[str, str]]:
    ben = await Member.register(gql, "ben@example.com", "Ben")
    account = await ben.open_account(name="Ben's", openingBalance="100.00", envelopeNames=["Bills"])
    spare = await ben.open_account(name="Ben's spare")
    envelopes = await ben.envelope_ids(account["id"])
    await ben.do(
        "MoveMoney",
        accountId=account["id"],
        fromEnvelopeId=envelopes["Available"],
        toEnvelopeId=envelopes["Bills"],
        amount="20.00",
    )
    source = await ben.do(
        "CreatePaymentSource", accountId=account["id"], name="Job", expectedAmount="50.00"
    )
    schedule = await ben.do(
        "CreateSchedule", accountId=account["id"], name="Bills", kind="EXPENSE", amount="1.00",
        envelopeId=envelopes["Bills"], recurrence=RULE,
    )  # fmt: skip
    entry = await ben.query("Transactions", id=account["id"], first=1)
    file_id = await ben.upload(b"Date,Amount,Payee\n2030-01-02,-1.00,Shop\n", "s.csv")
    await ben.do(
        "UpdateAlertSettings", thresholds=[{"accountId": account["id"], "transactionAbove": "0.50"}]
    )
    spent = await ben.do(
        "RecordExpense", accountId=account["id"], envelopeId=envelopes["Bills"], amount="1.00"
    )
    [alert] = (await ben.query("Alerts"))["alerts"]["edges"]
    rule = await ben.do(
        "CreateRule", name="Bills", actions=[{"type": "SET_ENVELOPE",
                                              "envelopeId": envelopes["Bills"]}],
    )  # fmt: skip
    node = await ben.do(
        "CreatePlanningNode", kind="INCOME", label="Job", amount="1", currency="EUR"
    )
    other = await ben.do("CreatePlanningNode", kind="EXPENSE", label="Bills")
    flow = await ben.do(
        "CreatePlanningFlow",
        **{"from": node["node"]["id"], "to": other["node"]["id"], "amount": "1"},
    )
    return ben, {
        "node": node["node"]["id"],
        "otherNode": other["node"]["id"],
        "flow": flow["flow"]["id"],
        "spent": spent["transaction"]["id"],
        "rule": rule["rule"]["id"],
        "file": file_id,
        "entry": entry["account"]["transactions"]["edges"][0]["node"]["id"],
        "schedule": schedule["schedule"]["id"],
        "account": account["id"],
        "spare": spare["id"],
        "bills": envelopes["Bills"],
        "available": envelopes["Available"],
        "source": source["paymentSource"]["id"],
        "ben": ben.user["id"],
        "alert": alert["node"]["id"],
    }


async def snapshot(ana: Member, theirs: dict[Theirs, str]) -> dict[str, Any]:
    """All Ana can see of her accounts: settings, envelopes, members, templates, entries."""
    found: dict[str, Any] = {}
    for name in ACCOUNTS:
        account_id = theirs[A("Account", name)]
        page = await ana.query("Transactions", id=account_id, first=100)
        totals = await ana.query("Totals", id=account_id)
        found[name] = {
            "account": await ana.account(account_id),
            "entries": [edge["node"] for edge in page["account"]["transactions"]["edges"]],
            "totals": totals["account"]["totals"],
        }
    found["salary"] = await ana.query("PaymentSource", id=theirs[A("PaymentSource", "salary")])
    found["schedules"] = await ana.query("AccountSchedules", id=theirs[A("Account", "main")])
    found["imports"] = await ana.query("ImportJobs", accountId=theirs[A("Account", "main")])
    found["import"] = await ana.query("ImportJob", id=theirs[A("ImportJob", "job")])
    found["rules"] = await ana.query("Rules")
    found["rates"] = await ana.query("ExchangeRates")
    found["planning"] = await ana.query("PlanningModel")
    found["webhooks"] = await ana.query("AccountWebhooks", id=theirs[A("Account", "main")])
    found["deliveries"] = await ana.query("WebhookDeliveries", id=theirs[A("Webhook", "hook")])
    found["alerts"] = await ana.query("Alerts")
    found["alertSettings"] = await ana.query("AlertSettings")
    return found


# --- running a probe twice -------------------------------------------------------------------


def _resolve(value: Any, ids: dict[Theirs, str], own: dict[str, str]) -> Any:
    if isinstance(value, Theirs):
        return ids[value]
    if isinstance(value, Own):
        return own[value.name]
    if isinstance(value, dict):
        return {key: _resolve(item, ids, own) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, ids, own) for item in value]
    return value


def _normalised(reply: Response, ids: dict[Theirs, str]) -> Any:
    """The answer with the probe's ids of Ana's (or made-up) objects named by placeholder."""
    names = {value: f"<{key.kind}:{key.name}>" for key, value in ids.items()}

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if k != "requestId"}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    return {"status": reply.status, "body": walk(reply.body)}


def made_up_ids(ids: dict[Theirs, str]) -> dict[Theirs, str]:
    return {key: str(to_global_id(key.kind, str(ObjectId()))) for key in ids}


async def _ask(ben: Member, probe: Probe, ids: dict[Theirs, str], own: dict[str, str]) -> Any:
    reply = await ben.gql.execute(probe.text(), _resolve(probe.variables, ids, own), ben.token)
    return _normalised(reply, ids)


def _unexpected(answer: Any) -> bool:
    return "Unexpected error" in json.dumps(answer)


@pytest.fixture
async def api(make_api: ApiFactory) -> AsyncIterator[tuple[FastAPI, GraphQLClient]]:
    async with make_api(webhooks_allow_loopback=True) as pair:
        yield pair


async def test_another_users_ids_get_the_answer_of_ids_that_do_not_exist(
    gql: GraphQLClient,
) -> None:
    ana, theirs = await _ana_household(gql)
    ben, own = await _ben(gql)
    before = await snapshot(ana, theirs)

    differences = []
    for probe in PROBES:
        with_theirs = await _ask(ben, probe, theirs, own)
        with_made_up = await _ask(ben, probe, made_up_ids(theirs), own)
        assert not _unexpected(with_theirs), (probe, with_theirs)
        if with_theirs != with_made_up:
            differences.append((probe, with_theirs, with_made_up))

    assert differences == [], "\n\n".join(
        f"{p.coordinate} {p.variables}\n  Ana's ids: {a}\n  made up:   {b}"
        for p, a, b in differences
    )
    assert await snapshot(ana, theirs) == before
