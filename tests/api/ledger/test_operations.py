"""Every example operation of the ledger (`schema/operations/ledger/`) runs as documented,
in one household's story."""

from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

LEDGER_OPERATIONS = {
    "OpenAccount", "Accounts", "Account", "UpdateAccount", "CloseAccount", "ReopenAccount",
    "CreateEnvelopes", "RenameEnvelope", "ReorderEnvelopes", "ArchiveEnvelope",
    "UnarchiveEnvelope", "DeleteEnvelope", "RecordIncome", "RecordExpense", "MoveMoney",
    "TransferMoney", "UndoTransaction", "CreatePaymentSource", "UpdatePaymentSource",
    "DeletePaymentSource", "PaymentSource", "RecordPayday", "Transactions", "Totals",
    "Transaction", "ShareAccount", "ChangeMemberRole", "RemoveMember", "TransferOwnership",
    "LeaveAccount",
}  # fmt: skip


async def test_every_ledger_operation_runs_in_a_household_story(gql: GraphQLClient) -> None:
    ana = await Member.register(gql, "ana@example.com", "Ana")
    ben = await Member.register(gql, "ben@example.com", "Ben")
    cleo = await Member.register(gql, "cleo@example.com", "Cleo")

    opened = await ana.do(
        "OpenAccount", name="Joint", type="CHECKING", currency="EUR",
        openingBalance="1000.00", envelopeNames=["Rent", "Food"], idempotencyKey="open-1",
    )  # fmt: skip
    account = opened["account"]
    assert opened["openingTransaction"]["kind"] == "OPENING"
    savings = await ana.open_account(name="Savings", type="SAVINGS")
    ids = await ana.envelope_ids(account["id"])
    made = await ana.do("CreateEnvelopes", accountId=account["id"], names=["Fun", "Old"])
    fun, old = (e["id"] for e in made["envelopes"])
    await ana.do("RenameEnvelope", accountId=account["id"], envelopeId=fun, name="Holidays")
    order = [ids["Food"], ids["Rent"], fun, old, ids["Available"]]
    reordered = await ana.do("ReorderEnvelopes", accountId=account["id"], envelopeIds=order)
    assert [e["id"] for e in reordered["account"]["envelopes"]] == order
    await ana.do("ArchiveEnvelope", accountId=account["id"], envelopeId=old)
    await ana.do("UnarchiveEnvelope", accountId=account["id"], envelopeId=old)

    income = await ana.do(
        "RecordIncome", accountId=account["id"], amount="2000.00", payee="Employer",
        allocations=[{"envelopeId": ids["Rent"], "amount": "900.00"}],
    )  # fmt: skip
    assert income["transaction"]["recordedBy"]["displayName"] == "Ana"
    await ana.do(
        "MoveMoney", accountId=account["id"], fromEnvelopeId=ids["Available"],
        toEnvelopeId=old, amount="25.00",
    )  # fmt: skip
    deleted = await ana.do(
        "DeleteEnvelope", accountId=account["id"], envelopeId=old, moveRemainderTo=ids["Food"]
    )
    assert deleted["remainderMove"]["lines"][0]["envelope"]["deleted"] is True

    await ana.do("ShareAccount", accountId=account["id"], email="BEN@example.com", role="ADMIN")
    await ana.do("ShareAccount", accountId=account["id"], email="cleo@example.com", role="VIEWER")
    await ana.do("ChangeMemberRole", accountId=account["id"], userId=ben.user["id"], role="EDITOR")
    spent = await ben.do(
        "RecordExpense", accountId=account["id"], amount="22.10", payee="Market",
        envelopeId=ids["Food"], tags=["groceries"],
    )  # fmt: skip
    assert spent["transaction"]["recordedBy"]["displayName"] == "Ben"
    transfer = await ana.do(
        "TransferMoney", fromAccountId=account["id"], toAccountId=savings["id"], amount="100"
    )
    assert transfer["incoming"]["counterpart"]["id"] == transfer["outgoing"]["id"]
    undone = await ben.do("UndoTransaction", id=spent["transaction"]["id"])
    assert undone["reversals"][0]["reverses"]["undone"] is True

    source = await ana.do(
        "CreatePaymentSource", accountId=account["id"], name="Salary", payer="Employer",
        expectedAmount="2000", allocations=[{"envelopeId": ids["Rent"], "amount": "900"}],
    )  # fmt: skip
    source_id = source["paymentSource"]["id"]
    await ana.do(
        "UpdatePaymentSource", id=source_id, name="Salary", payer="Employer Ltd",
        expectedAmount="2100", allocations=[{"envelopeId": ids["Rent"], "amount": "950"}],
    )  # fmt: skip
    assert (await ana.query("PaymentSource", id=source_id))["paymentSource"]["payer"] == (
        "Employer Ltd"
    )
    payday = await ben.do("RecordPayday", paymentSourceId=source_id, amount="2100.00")
    assert payday["transaction"]["payee"] == "Employer Ltd"
    await ana.do("DeletePaymentSource", id=source_id)

    page = await cleo.query("Transactions", id=account["id"], first=3)
    edges = page["account"]["transactions"]["edges"]
    assert len(edges) == 3
    assert page["account"]["transactions"]["pageInfo"]["hasNextPage"] is True
    totals = (await cleo.query("Totals", id=account["id"]))["account"]["totals"]
    assert totals["income"]["amount"] == "4100.00"
    assert totals["expense"]["amount"] == "0.00"
    entry = (await cleo.query("Transaction", id=edges[0]["node"]["id"]))["transaction"]
    assert entry["id"] == edges[0]["node"]["id"]
    listed = (await cleo.query("Accounts"))["accounts"]
    assert [a["name"] for a in listed] == ["Joint"]
    assert listed[0]["myRole"] == "VIEWER"

    await ana.do("TransferMoney", fromAccountId=savings["id"], toAccountId=account["id"],
                 amount="100")  # fmt: skip
    await ana.do("RemoveMember", accountId=account["id"], userId=cleo.user["id"])
    await ana.do("TransferOwnership", accountId=account["id"], userId=ben.user["id"])
    await ana.do("LeaveAccount", accountId=account["id"])
    await ben.do("UpdateAccount", accountId=account["id"], name="Ben's")

    closed = await ana.do("CloseAccount", accountId=savings["id"])
    assert closed["account"]["closed"] is True
    reopened = await ana.do("ReopenAccount", accountId=savings["id"])
    assert reopened["account"]["closed"] is False
    mine = await ben.account(account["id"])
    assert mine["myRole"] == "OWNER"
    assert mine["balance"]["amount"] == "5100.00"
