// Savings opportunities: Fay, with a year of history recorded through the API, opens the Savings
// tab: her subscriptions with their yearly cost, an envelope above its usual, money idle in
// Ready to assign and a goal it would reach sooner; she looks at the entries behind one and
// dismisses it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { apiLogin, gql, launch, openTab, PASSWORD, person, shoot } from "./browser.mjs";

const fay = { name: "Fay Byrne", email: `fay-${Date.now().toString(36)}@example.com` };

const DAY = 86_400_000;
const now = new Date();
const TODAY = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const daysAgo = (n) => iso(TODAY - n * DAY);
/** The `day` of the month `monthsAgo` months before this one. */
function monthDay(monthsAgo, day) {
  const d = new Date(TODAY);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - monthsAgo);
  d.setUTCDate(day);
  return iso(d.getTime());
}

// Groceries: one shop a month on irregular days (no rhythm), the last full month well above.
const GROCERIES = [
  [7, 3, "300.00"], [6, 24, "320.00"], [5, 9, "280.00"], [4, 27, "310.00"],
  [3, 14, "300.00"], [2, 5, "290.00"], [1, 20, "450.00"],
];

let browser;
let p;
let accountPath;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function call(token, mutation, input) {
  const name = mutation.match(/^\s*(\w+)/)[1];
  const data = await gql(
    `mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${mutation} userErrors { message } } }`,
    { input },
    token,
  );
  assert.deepEqual(data[name].userErrors, [], JSON.stringify(data));
  return data[name];
}

/** A year of Fay's history, back-dated through the API (a person would import it). */
async function seedHistory() {
  const token = await apiLogin(fay.email, PASSWORD);
  const opened = await call(token, "openAccount(input: $input) { account { id envelopes { id name } }", {
    name: "Household", type: "CHECKING", currency: "EUR", openingBalance: "0",
    envelopeNames: ["Streaming", "Gym", "Groceries", "Holiday"], allowOverdraft: true,
  });
  const account = opened.account;
  const envelope = Object.fromEntries(account.envelopes.map((e) => [e.name, e.id]));
  const spend = (name, payee, bookingDate, amount) =>
    call(token, "recordExpense(input: $input) {", { accountId: account.id, envelopeId: envelope[name], payee, bookingDate, amount });
  await call(token, "recordIncome(input: $input) {", { accountId: account.id, amount: "6000.00", payee: "Employer", bookingDate: daysAgo(240) });
  const first = now.getUTCDate() >= 5 ? 0 : 1;
  for (let k = 5; k >= 0; k--) await spend("Streaming", "NETFLIX.COM", monthDay(k + first, 5), "12.99");
  for (let k = 7; k >= 0; k--) await spend("Gym", "City Gym", daysAgo(2 + 7 * k), "9.00");
  for (const [months, day, amount] of GROCERIES) await spend("Groceries", "Fresh Market", monthDay(months, day), amount);
  await call(token, "setGoal(input: $input) { envelope { id }", { accountId: account.id, envelopeId: envelope["Holiday"], kind: "SAVE", target: "2000.00" });
  for (const months of [3, 2, 1]) {
    await call(token, "moveMoney(input: $input) {", {
      accountId: account.id, fromEnvelopeId: account.envelopes.find((e) => e.name === "Available").id,
      toEnvelopeId: envelope["Holiday"], amount: "50.00", bookingDate: monthDay(months, 2),
    });
  }
  return account.id;
}

test("Fay signs up and has a year of history", async () => {
  p = await person(browser);
  const { page } = p;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(fay.name);
  await page.getByLabel("Email").fill(fay.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  const id = await seedHistory();
  accountPath = `/accounts/${id}`;
});

test("the Savings tab shows each opportunity with the amount at stake", async () => {
  const { page } = p;
  await page.goto(accountPath);
  await page.getByRole("heading", { name: "Household" }).waitFor();
  await openTab(page, "Savings");
  await page.getByRole("heading", { name: "Savings", exact: true }).waitFor();
  const recurring = page.getByRole("region", { name: "Recurring charges" });
  const gym = recurring.getByRole("listitem", { name: "City Gym: weekly charge" });
  await gym.getByText("€468.00").waitFor();
  const netflix = recurring.getByRole("listitem", { name: "NETFLIX.COM: monthly charge" });
  await netflix.getByText("€155.88").waitFor();
  // Together: 468.00 + 155.88 a year.
  await page.getByText("recurring charges cost €623.88 a year").waitFor();
  const above = page.getByRole("region", { name: "Spending above the usual" }).getByRole("listitem", { name: "Groceries: above its usual" });
  await above.getByText("€150.00").waitFor(); // 450 against a usual 300
  await page.getByRole("region", { name: "Money sitting idle" }).getByText("€5,850.00").waitFor();
  const goal = page.getByRole("region", { name: "Goals you could reach sooner" }).getByRole("listitem", { name: "Holiday: reach the goal sooner" });
  await goal.getByText("€1,850.00").waitFor();
  assert.equal(await page.getByText("Fresh Market", { exact: false }).count(), 0, "groceries have no rhythm");
  await shoot(page, "savings");
});

test("the entries behind an opportunity, and dismissing it", async () => {
  const { page } = p;
  const netflix = page.getByRole("listitem", { name: "NETFLIX.COM: monthly charge" });
  await netflix.getByRole("button", { name: "Show the 6 entries" }).click();
  const entries = netflix.getByRole("list", { name: "Entries behind NETFLIX.COM: monthly charge" });
  await entries.waitFor();
  assert.equal(await entries.getByRole("listitem").count(), 6);
  await entries.getByText("€12.99").first().waitFor();
  await shoot(page, "savings-entries");
  await netflix.getByRole("button", { name: "I know, keep it" }).click();
  await netflix.waitFor({ state: "detached" });
  await page.getByText("“NETFLIX.COM: monthly charge” dismissed").waitFor();
  // It stays away when the screen is opened again.
  await openTab(page, "History");
  await openTab(page, "Savings");
  await page.getByRole("listitem", { name: "City Gym: weekly charge" }).waitFor();
  assert.equal(await page.getByRole("listitem", { name: "NETFLIX.COM: monthly charge" }).count(), 0);
  assert.deepEqual(p.problems, []);
});
