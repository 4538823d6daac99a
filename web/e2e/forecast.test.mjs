// The forecast: Fay, with two years of history, sees her balance projected with its band and
// each envelope's expected spending with the method's stated error; a new envelope says it
// has not enough history yet and uses her plan.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { apiLogin, gql, launch, openTab, PASSWORD, person, shoot, signUp } from "./browser.mjs";

const fay = { name: "Fay Okafor", email: `fay-${Date.now().toString(36)}@example.com` };
// Heating by calendar month (January first): a winter peak, the same every year.
const HEATING = ["190.00", "170.00", "120.00", "60.00", "25.00", "10.00", "10.00", "10.00", "30.00", "80.00", "140.00", "180.00"];

let browser;
let p;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function monthsBack(count) {
  const now = new Date();
  const found = [];
  for (let i = count; i >= 1; i--) found.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)));
  return found;
}

const iso = (date) => date.toISOString().slice(0, 10);

/** Two years of Fay's spending, back-dated, a salary and the rent scheduled, a plan for the gym. */
async function seedHistory() {
  const token = await apiLogin(fay.email, PASSWORD);
  const opened = await gql(
    `mutation($input: OpenAccountInput!) { openAccount(input: $input) {
      account { id envelopes { id name } } userErrors { message } } }`,
    { input: { name: "Household", type: "CHECKING", currency: "EUR", openingBalance: "3000", envelopeNames: ["Rent", "Heating", "Groceries", "Gym"], allowOverdraft: true } },
    token,
  );
  const account = opened.openAccount.account;
  const envelope = Object.fromEntries(account.envelopes.map((e) => [e.name, e.id]));
  const expense = `mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { userErrors { message } } }`;
  const months = monthsBack(24);
  for (const [i, month] of months.entries()) {
    const day = new Date(month);
    day.setUTCDate(3 + (i % 20));
    const spent = [
      ["Rent", "950.00"],
      ["Heating", HEATING[month.getUTCMonth()]],
      ["Groceries", `${380 + ((i * 37) % 90)}.${i % 10}0`],
    ];
    const pay = new Date(month);
    pay.setUTCDate(25);
    const income = await gql(
      `mutation($input: RecordIncomeInput!) { recordIncome(input: $input) { userErrors { message } } }`,
      { input: { accountId: account.id, amount: "1650.00", bookingDate: iso(pay), payee: "Salary" } },
      token,
    );
    assert.deepEqual(income.recordIncome.userErrors, []);
    for (const [name, amount] of spent) {
      const data = await gql(expense, { input: { accountId: account.id, envelopeId: envelope[name], amount, bookingDate: iso(day), payee: name } }, token);
      assert.deepEqual(data.recordExpense.userErrors, []);
    }
  }
  const now = new Date();
  const next = (day) => {
    const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), day));
    if (date <= now) date.setUTCMonth(date.getUTCMonth() + 1);
    return iso(date);
  };
  const schedule = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { userErrors { message } } }`;
  for (const input of [
    { name: "Salary", kind: "INCOME", amount: "2600.00", recurrence: { frequency: "MONTHLY", startDate: next(25) } },
    { name: "Rent", kind: "EXPENSE", amount: "950.00", envelopeId: envelope.Rent, recurrence: { frequency: "MONTHLY", startDate: next(1) } },
  ]) {
    const data = await gql(schedule, { input: { accountId: account.id, ...input } }, token);
    assert.deepEqual(data.createSchedule.userErrors, []);
  }
  const plan = await gql(
    `mutation($input: SetPlanInput!) { setPlan(input: $input) { userErrors { message } } }`,
    { input: { accountId: account.id, envelopeId: envelope.Gym, amount: "45.00" } },
    token,
  );
  assert.deepEqual(plan.setPlan.userErrors, []);
}

test("Fay signs up and has two years of history", async () => {
  p = await person(browser);
  const { page } = p;
  await signUp(page, fay);
  await seedHistory();
});

test("the forecast shows the projected balance with its band and every envelope's stated error", async () => {
  const { page } = p;
  await page.reload();
  await page.getByRole("link", { name: /Household/ }).first().click();
  await page.getByRole("heading", { name: "Household" }).waitFor();
  await openTab(page, "Forecast");
  await page.getByRole("heading", { name: "Projected balance" }).waitFor();
  await page.getByRole("img", { name: /^Projected balance over the next 90 days/ }).waitFor();
  const totals = page.getByRole("list", { name: "Projected balance" });
  await totals.getByText("In 90 days").waitFor();
  await totals.getByText("Lowest point").waitFor();
  await page.getByText(/^\d+ scheduled transactions included$/).waitFor();

  const table = page.getByRole("table", { name: "Expected spending per envelope and month, with its band" });
  const rent = table.getByRole("row", { name: /^Rent/ });
  await rent.getByText("Same as last month").waitFor();
  await rent.getByText(/^±€0\.00 typical error/).waitFor();
  const heating = table.getByRole("row", { name: /^Heating/ });
  await heating.getByText("Same month last year").waitFor();
  const groceries = table.getByRole("row", { name: /^Groceries/ });
  const error = await groceries.locator(".forecast-error").innerText();
  assert.match(error, /^±€\d+\.\d\d typical error, MASE \d+\.\d\d$/);
  // A band around the groceries' expected spending, and a sparkline of it.
  await groceries.locator(".forecast-band").first().waitFor();
  await groceries.getByRole("img", { name: /Groceries: expected spending/ }).waitFor();
  // The gym has no history: said honestly, on the plan.
  const gym = table.getByRole("row", { name: /^Gym/ });
  await gym.getByText("Not enough history yet — using your plan").waitFor();
  assert.equal(await gym.getByText("€45.00").count(), 6);
  await shoot(page, "forecast");

  await page.getByLabel("Looking ahead").selectOption("365");
  await totals.getByText("In 365 days").waitFor();
  await page.getByRole("img", { name: /^Projected balance over the next 365 days/ }).waitFor();
  await shoot(page, "forecast-year");
  assert.deepEqual(p.problems, []);
});
