// Cash flow end to end in Chromium: Carla's month drawn as a Sankey from her ledger (income →
// accounts → envelopes → payees), an empty period, then her plan: seeded from the ledger, a node
// and a flow added, a flow that would close a cycle refused on the form, a node deleted with
// its flows.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { apiLogin, gql, launch, PASSWORD, person, shoot } from "./browser.mjs";

const carla = { name: "Carla Mendes", email: `carla-${Date.now().toString(36)}@example.com` };

let browser;
let p;
let token;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const PAYLOAD = "userErrors { field message code }";
const today = () => new Date().toISOString().slice(0, 10);

async function must(mutation, input) {
  const data = await gql(mutation, { input }, token);
  const [payload] = Object.values(data);
  assert.deepEqual(payload.userErrors, [], JSON.stringify(payload));
  return payload;
}

async function openAccount(input) {
  const payload = await must(
    `mutation($input: OpenAccountInput!) { openAccount(input: $input) { account { id envelopes { id name } } ${PAYLOAD} } }`,
    { type: "CHECKING", currency: "EUR", ...input },
  );
  return { id: payload.account.id, envelopes: Object.fromEntries(payload.account.envelopes.map((e) => [e.name, e.id])) };
}

/** A month of Carla's, recorded through the API: pay, rent, groceries, fun, savings. */
async function seedMonth() {
  const day = today();
  const checking = await openAccount({ name: "Checking", envelopeNames: ["Rent", "Groceries", "Fun"] });
  const savings = await openAccount({ name: "Savings", type: "SAVINGS" });
  const income = `mutation($input: RecordIncomeInput!) { recordIncome(input: $input) { ${PAYLOAD} } }`;
  await must(income, { accountId: checking.id, amount: "2400.00", payee: "Acme Ltd", bookingDate: day });
  await must(income, { accountId: checking.id, amount: "150.00", payee: "Side gig", bookingDate: day });
  const move = `mutation($input: MoveMoneyInput!) { moveMoney(input: $input) { ${PAYLOAD} } }`;
  const expense = `mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { ${PAYLOAD} } }`;
  const spending = [
    ["Rent", "Landlord", "1100.00"],
    ["Groceries", "Market Hall", "220.40"],
    ["Groceries", "Corner Shop", "35.15"],
    ["Fun", "Cinema", "24.00"],
    ["Fun", "Books & Co", "18.99"],
  ];
  for (const [envelope, payee, amount] of spending) {
    const envelopeId = checking.envelopes[envelope];
    await must(move, { accountId: checking.id, fromEnvelopeId: checking.envelopes.Available, toEnvelopeId: envelopeId, amount });
    await must(expense, { accountId: checking.id, envelopeId, payee, amount, bookingDate: day });
  }
  await must(`mutation($input: TransferMoneyInput!) { transferMoney(input: $input) { ${PAYLOAD} } }`, {
    fromAccountId: checking.id,
    toAccountId: savings.id,
    amount: "400.00",
    bookingDate: day,
  });
}

test("Carla signs up and records a month", async () => {
  p = await person(browser);
  const { page } = p;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(carla.name);
  await page.getByLabel("Email").fill(carla.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  token = await apiLogin(carla.email, PASSWORD);
  await seedMonth();
});

test("cash flow: the month as a Sankey, every flow in the table, an empty period", async () => {
  const { page } = p;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cash flow" }).click();
  await page.getByRole("heading", { name: "Cash flow", exact: true }).waitFor();
  const chart = page.getByRole("img", { name: /^Cash flow from/ });
  await chart.locator("canvas").first().waitFor();
  await page.getByText("Every flow of the period").click();
  const row = (from, to) => page.getByRole("row").filter({ hasText: from }).filter({ hasText: to });
  await row("Acme Ltd", "Checking").getByText("€2,400.00").waitFor();
  await row("Checking", "Savings").getByText("€400.00").waitFor();
  await row("Groceries", "Market Hall").getByText("€220.40").waitFor();
  // 2,550.00 came in; 1,398.54 was spent and 400.00 moved to savings: 751.46 stayed in Checking.
  await row("Checking", "Kept in accounts").getByText("€751.46").waitFor();
  await shoot(page, "cashflow-ledger");

  await page.getByLabel("Period").selectOption("last-month");
  await page.getByText("No money moved in this period.").waitFor();
  await page.getByLabel("Period").selectOption("this-month");
  await chart.locator("canvas").first().waitFor();
});

test("plan: seeded from the ledger, a node and a flow added, a cycle refused, a node deleted", async () => {
  const { page } = p;
  const plan = page.getByRole("region", { name: "Your plan" });
  await plan.getByText("No plan yet.").waitFor();
  await plan.getByRole("button", { name: "Seed from my ledger" }).click();
  const seed = page.getByRole("dialog", { name: "Seed your plan from the ledger" });
  await seed.getByRole("button", { name: "Seed my plan" }).click();
  await seed.waitFor({ state: "detached" });
  const nodes = plan.getByRole("list", { name: "Nodes" });
  await nodes.getByText("Acme Ltd").waitFor();
  await nodes.getByText("Groceries").waitFor();
  await plan.getByRole("img", { name: "Your planned cash flow" }).locator("canvas").first().waitFor();

  await plan.getByRole("button", { name: "+ Node" }).click();
  let dialog = page.getByRole("dialog", { name: "New node" });
  await dialog.getByLabel("Kind").selectOption("INVESTMENT");
  await dialog.getByLabel("Name").fill("Index fund");
  await dialog.getByLabel("Institution").fill("Broker");
  await dialog.getByLabel("APY (%)").fill("6.5");
  await dialog.getByRole("button", { name: "Add node" }).click();
  await dialog.waitFor({ state: "detached" });
  await nodes.getByText("Index fund").waitFor();
  await nodes.getByText("6.5 % APY").waitFor();

  await plan.getByRole("button", { name: "+ Flow" }).click();
  dialog = page.getByRole("dialog", { name: "New flow" });
  await dialog.getByLabel("From").selectOption({ label: "Savings (savings)" });
  await dialog.getByLabel("To").selectOption({ label: "Index fund (investment)" });
  await dialog.getByLabel("Amount (EUR)").fill("150");
  await dialog.getByLabel("Label").fill("Monthly investing");
  await dialog.getByRole("button", { name: "Add flow" }).click();
  await dialog.waitFor({ state: "detached" });
  const flows = plan.getByRole("list", { name: "Flows" });
  await flows.getByText("Savings → Index fund").waitFor();

  // Index fund → Checking would go round: Checking → Savings → Index fund → Checking.
  await plan.getByRole("button", { name: "+ Flow" }).click();
  dialog = page.getByRole("dialog", { name: "New flow" });
  await dialog.getByLabel("From").selectOption({ label: "Index fund (investment)" });
  await dialog.getByLabel("To").selectOption({ label: "Checking (account)" });
  await dialog.getByLabel("Amount (EUR)").fill("10");
  await dialog.getByRole("button", { name: "Add flow" }).click();
  await dialog.getByText("This flow would close a cycle").waitFor();
  await shoot(page, "cashflow-cycle-refused");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  await shoot(page, "cashflow-plan");

  page.once("dialog", (confirm) => void confirm.accept());
  await nodes.getByRole("button", { name: "Delete Index fund" }).click();
  await nodes.getByText("Index fund").waitFor({ state: "detached" });
  await flows.getByText("Savings → Index fund").waitFor({ state: "detached" });
  assert.deepEqual(p.problems, []);
});
