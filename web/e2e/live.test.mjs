// Live updates in Chromium: Lia's account screen and alert bell change while she only looks —
// the changes are made by her partner's client through the API (another device), never by this
// page, and the page is never reloaded.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { gql, launch, PASSWORD, person, shoot } from "./browser.mjs";

const stamp = Date.now().toString(36);
const lia = { name: "Lia Moreau", email: `lia-${stamp}@example.com` };

let browser;
let p;
let token;
let account;

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken userErrors { message } } }`;
const OPEN = `mutation($input: OpenAccountInput!) { openAccount(input: $input) {
  account { id envelopes { id name } } userErrors { message } } }`;
const MOVE = `mutation($input: MoveMoneyInput!) { moveMoney(input: $input) { userErrors { message } } }`;
const EXPENSE = `mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { userErrors { message } } }`;

async function expense(envelope, amount, payee) {
  const data = await gql(EXPENSE, { input: { accountId: account.id, envelopeId: envelope, amount, payee } }, token);
  assert.deepEqual(data.recordExpense.userErrors, []);
}

before(async () => {
  browser = await launch();
  const registered = await gql(REGISTER, { input: { email: lia.email, password: PASSWORD, displayName: lia.name } });
  token = registered.register.accessToken;
  const opened = await gql(
    OPEN,
    { input: { name: "Household", type: "CHECKING", currency: "EUR", openingBalance: "500", allowOverdraft: true, envelopeNames: ["Groceries", "Fun"] } },
    token,
  );
  account = opened.openAccount.account;
  account.envelope = Object.fromEntries(account.envelopes.map((e) => [e.name, e.id]));
  await gql(MOVE, { input: { accountId: account.id, fromEnvelopeId: account.envelope.Available, toEnvelopeId: account.envelope.Groceries, amount: "40" } }, token);
});
after(async () => {
  await browser?.close();
});

test("Lia's account screen shows a change made on another device without a reload", async () => {
  p = await person(browser);
  const { page } = p;
  await page.goto("/signin");
  await page.getByLabel("Email").fill(lia.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await page.getByRole("link", { name: /Household/ }).first().click();
  await page.getByRole("heading", { name: "Household" }).waitFor();
  const balance = page.locator(".figure").filter({ hasText: "Balance" });
  await balance.getByText("€500.00").waitFor();
  await page.getByRole("link", { name: "Alerts, none unread" }).waitFor();
  const loads = [];
  page.on("framenavigated", (frame) => frame === page.mainFrame() && loads.push(frame.url()));

  await expense(account.envelope.Groceries, "12.30", "Market");
  await balance.getByText("€487.70").waitFor();
  await page.getByRole("listitem", { name: "Groceries" }).getByText("€27.70").waitFor();
  await shoot(page, "live-account");
  assert.deepEqual(loads, [], "the page was not reloaded");
});

test("the alert bell counts an alert raised by a change on another device", async () => {
  const { page } = p;
  // Groceries has 27.70: spending 30 takes it below zero, which raises ENVELOPE_OVERSPENT.
  await expense(account.envelope.Groceries, "30", "Big shop");
  const bell = page.getByRole("link", { name: "Alerts, 1 unread" });
  await bell.waitFor();
  await page.getByRole("listitem", { name: "Groceries" }).getByText(/-€2\.30/).waitFor();
  await shoot(page, "live-bell");
  assert.equal(await bell.getAttribute("href"), "/alerts");
  assert.deepEqual(p.problems, []);
});
