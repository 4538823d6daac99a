// The household dashboard: Dana has three accounts in three currencies and a few months of
// income and spending. The dashboard shows the missing rates, she records one through the
// exchange-rates section, and the figures fill in; spending by payee and a narrower period.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { apiLogin, gql, launch, PASSWORD, person, shoot, signUp } from "./browser.mjs";

const dana = { name: "Dana Kowal", email: `dana-${Date.now().toString(36)}@example.com` };

let browser;
let p;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The 5th of the month `back` months before this one, as the API's date. */
function monthsAgo(back, day = 5) {
  const now = new Date();
  const d = new Date(Date.UTC(now.getFullYear(), now.getMonth() - back, day));
  return d.toISOString().slice(0, 10);
}

async function open(token, name, currency, envelopes) {
  const data = await gql(
    `mutation($input: OpenAccountInput!) { openAccount(input: $input) {
      account { id envelopes { id name } } userErrors { message } } }`,
    { input: { name, type: "CHECKING", currency, envelopeNames: envelopes, allowOverdraft: true } },
    token,
  );
  const account = data.openAccount.account;
  return { id: account.id, ...Object.fromEntries(account.envelopes.map((e) => [e.name, e.id])) };
}

async function income(token, account, amount, back) {
  const data = await gql(
    `mutation($input: RecordIncomeInput!) { recordIncome(input: $input) { userErrors { message } } }`,
    { input: { accountId: account.id, amount, payee: "Employer", bookingDate: monthsAgo(back, 1) } },
    token,
  );
  assert.deepEqual(data.recordIncome.userErrors, []);
}

async function spend(token, account, envelope, amount, payee, back) {
  const data = await gql(
    `mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { userErrors { message } } }`,
    { input: { accountId: account.id, envelopeId: account[envelope], amount, payee, bookingDate: monthsAgo(back) } },
    token,
  );
  assert.deepEqual(data.recordExpense.userErrors, []);
}

/** Six months of a household, recorded through the API (a person would import it). */
async function seedHousehold() {
  const token = await apiLogin(dana.email, PASSWORD);
  const home = await open(token, "Home", "EUR", ["Groceries", "Rent", "Fun"]);
  const travel = await open(token, "Travel card", "USD", ["Trips"]);
  const yen = await open(token, "Tokyo", "JPY", ["Gifts"]);
  for (let back = 5; back >= 0; back--) {
    await income(token, home, "3200.00", back);
    await spend(token, home, "Rent", "1100.00", "Landlord", back);
    await spend(token, home, "Groceries", `${310 + back * 12}.40`, back % 2 ? "Lidl" : "Aldi", back);
    await spend(token, home, "Fun", back === 0 ? "420.00" : "60.00", "Cinema", back);
  }
  await income(token, travel, "900.00", 3);
  await spend(token, travel, "Trips", "640.00", "Airline", 2);
  await income(token, yen, "50000", 1);
  await gql(
    `mutation($input: SetPlanInput!) { setPlan(input: $input) { userErrors { message } } }`,
    { input: { accountId: home.id, envelopeId: home.Groceries, amount: "350.00" } },
    token,
  );
}

test("Dana signs up and has some history in three currencies", async () => {
  p = await person(browser);
  await signUp(p.page, dana);
  await seedHousehold();
});

test("the dashboard says which rates are missing instead of converting 1:1", async () => {
  const { page } = p;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard", exact: true }).click();
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  const banner = page.locator(".dashboard-missing");
  await banner.getByText("JPY, USD to EUR").waitFor();
  const months = page.getByRole("region", { name: "Month by month" });
  await months.getByText("missing (JPY, USD)").first().waitFor();
  // Income this month is only in euros: a figure.
  const lastRow = months.getByRole("row").last();
  assert.match(await lastRow.innerText(), /€3,200\.00/);
  await page.getByRole("img", { name: /Net worth at each month's end/ }).waitFor();
  await shoot(page, "dashboard-missing-rates");
});

test("Dana records the dollar rate; the figures that needed it appear", async () => {
  const { page } = p;
  const rates = page.getByRole("region", { name: "Exchange rates" });
  const form = rates.getByRole("form", { name: "Record a rate" });
  await form.getByLabel("From currency").fill("USD");
  await form.getByLabel("To currency").fill("EUR");
  await form.getByLabel("From date").fill(monthsAgo(12, 1));
  await form.getByLabel("Rate").fill("0,9");
  await form.getByRole("button", { name: "Record rate" }).click();
  await form.getByText("A rate is a positive decimal").waitFor(); // "0,9" is refused, by field
  await form.getByLabel("Rate").fill("0.9125");
  await form.getByRole("button", { name: "Record rate" }).click();
  await rates.getByRole("cell", { name: "0.9125" }).waitFor();
  const banner = page.locator(".dashboard-missing");
  await banner.getByText("JPY to EUR").waitFor();
  // 640.00 USD of trips at 0.9125 = 584.00 EUR, in the spending list next to the dollars.
  const spending = page.getByRole("list", { name: "Spending by envelope" });
  await spending.getByText("€584.00").waitFor();
  await spending.getByText("$640.00").waitFor();
  await shoot(page, "dashboard");
});

test("spending by payee, for one month; plans and the largest changes", async () => {
  const { page } = p;
  const section = page.getByRole("region", { name: "Spending" });
  await section.getByRole("button", { name: "By payee" }).click();
  const payees = page.getByRole("list", { name: "Spending by payee" });
  await payees.getByText("Landlord").waitFor();
  const thisMonth = monthsAgo(0).slice(0, 7);
  await section.getByLabel("Spending from").fill(thisMonth);
  await payees.getByText("Airline").waitFor({ state: "detached" });
  assert.match(await payees.innerText(), /Cinema\s+€420\.00/);
  const changes = page.getByRole("region", { name: /Largest changes/ });
  await changes.getByText("Fun").waitFor(); // 420.00 against a usual 60.00
  assert.match(await changes.innerText(), /\+€360\.00/);
  const plans = page.getByRole("region", { name: /Plan and actual/ });
  await plans.getByText("Groceries").waitFor();
  // This month: 350.00 planned, 310.40 spent, 39.60 left.
  assert.match(await plans.getByRole("row", { name: /Groceries/ }).innerText(), /€350\.00\s+€310\.40\s+€39\.60/);
  await shoot(page, "dashboard-payees");
  assert.deepEqual(p.problems, []);
});
