from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member


async def test_a_family_budget_flows_end_to_end(gql: GraphQLClient) -> None:
    ana = await Member.register(gql, "ana@example.com", "Ana")
    account = await ana.open_account(openingBalance="100.00", envelopeNames=["Food", "Rent"])
    ids = await ana.envelope_ids(account["id"])
    income = await ana.do(
        "RecordIncome",
        accountId=account["id"],
        amount="50",
        allocations=[{"envelopeId": ids["Food"], "amount": "20.5"}],
    )
    assert income["transaction"]["sequence"] == 2
    spent = await ana.do(
        "RecordExpense",
        accountId=account["id"],
        amount="10.25",
        envelopeId=ids["Food"],
        payee="Market",
    )
    assert spent["transaction"]["amount"]["amount"] == "-10.25"
    assert await ana.balances(account["id"]) == {
        "Available": "129.50",
        "Food": "10.25",
        "Rent": "0.00",
        "*": "139.75",
    }
    undone = await ana.do("UndoTransaction", id=spent["transaction"]["id"])
    assert undone["reversals"][0]["reverses"]["undone"] is True
    page = await ana.query("Transactions", id=account["id"], first=10)
    assert [e["node"]["sequence"] for e in page["account"]["transactions"]["edges"]] == [4, 3, 2, 1]
    totals = await ana.query("Totals", id=account["id"])
    assert totals["account"]["totals"]["expense"]["amount"] == "0.00"
