// Alerts end to end in Chromium: Alex chooses which alerts she gets in Settings (a threshold
// typed wrong is refused on its field), her money movements raise alerts, and she reads them
// on the Alerts screen: unread ones stand out, one is marked read, the unread filter, older
// alerts paged in, and all marked read.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { apiLogin, choose, gql, launch, PASSWORD, person, record, shoot, signUp } from "./browser.mjs";

const alex = { name: "Alex Moreau", email: `alex-${Date.now().toString(36)}@example.com` };

let browser;
let p;
let accountId;
let token;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const main = (page) => page.getByRole("navigation", { name: "Main" });
const settingsForm = (page) => page.locator("form.alert-settings-form");

async function unreadCount() {
  return (await gql("query { unreadAlertCount }", {}, token)).unreadAlertCount;
}

test("Alex opens an account and records her pay", async () => {
  p = await person(browser);
  const { page } = p;
  await signUp(page, alex);
  await page.getByRole("button", { name: "Open an account" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Open an account" });
  await dialog.getByLabel("Name").fill("Household");
  await dialog.getByLabel("Envelopes").fill("Groceries");
  await dialog.getByRole("button", { name: "Open account" }).click();
  await page.getByRole("heading", { name: "Household" }).waitFor();
  accountId = new URL(page.url()).pathname.split("/").pop();
  token = await apiLogin(alex.email, PASSWORD);
  await record(page, "Income", async (d) => d.getByLabel("Amount (EUR)").fill("800"));
  assert.equal(await unreadCount(), 0); // no threshold yet: a large income raises nothing
});

test("settings: kinds, the plan share and thresholds per account", async () => {
  const { page } = p;
  await main(page).getByRole("link", { name: "Settings", exact: true }).click();
  const form = settingsForm(page);
  await form.getByRole("checkbox", { name: "Envelope overspent" }).waitFor();
  // Every kind is on by default.
  for (const kind of ["Envelope overspent", "Plan exceeded", "Import finished", "Scheduled posting failed"]) {
    assert.equal(await form.getByRole("checkbox", { name: kind }).isChecked(), true, kind);
  }
  await form.getByRole("checkbox", { name: "Import finished" }).uncheck();
  await form.getByLabel("Plan exceeded at (% of the plan)").fill("80");
  await form.getByLabel("Household: balance below (EUR)").fill("lots");
  await form.getByRole("button", { name: "Save alert settings" }).click();
  await form.getByText("Enter an amount like 12.50.").waitFor();
  await form.getByLabel("Household: balance below (EUR)").fill("500");
  await form.getByLabel("Household: transaction above (EUR)").fill("150");
  await form.getByRole("button", { name: "Save alert settings" }).click();
  await form.getByText("Saved.").waitFor();
  const saved = (await gql("query { alertSettings { enabledKinds planShare thresholds { balanceBelow { amount } transactionAbove { amount } } } }", {}, token)).alertSettings;
  assert.equal(saved.planShare, 80);
  assert.equal(saved.enabledKinds.includes("IMPORT_FINISHED"), false);
  assert.deepEqual(saved.thresholds, [{ balanceBelow: { amount: "500.00" }, transactionAbove: { amount: "150.00" } }]);
  await form.scrollIntoViewIfNeeded();
  await shoot(page, "alerts-settings");
});

test("her spending raises alerts, once each", async () => {
  const { page } = p;
  await page.goto(`/accounts/${accountId}`);
  await page.getByRole("heading", { name: "Household" }).waitFor();
  // A large expense that also takes the balance below 500.
  await record(page, "Spending", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("320");
    await choose(d.getByLabel("From envelope"), "Ready to assign");
    await d.getByLabel("Payee").fill("Landlord");
  });
  assert.equal(await unreadCount(), 2);
  await record(page, "Spending", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("5"); // nothing new
    await choose(d.getByLabel("From envelope"), "Ready to assign");
  });
  assert.equal(await unreadCount(), 2);
  // Older history to page through: small large-ish incomes seeded over the API.
  for (let i = 0; i < 20; i += 1) {
    await gql(
      "mutation($input: RecordIncomeInput!) { recordIncome(input: $input) { userErrors { message } } }",
      { input: { accountId, amount: `${151 + i}.00`, payee: `Client ${i + 1}` } },
      token,
    );
  }
  assert.equal(await unreadCount(), 22);
});

test("the Alerts screen: unread ones stand out, mark read, filter, page, mark all", async () => {
  const { page } = p;
  await main(page).getByRole("link", { name: "Alerts", exact: true }).click();
  await page.getByRole("heading", { name: /Alerts/ }).waitFor();
  await page.getByLabel("22 unread", { exact: true }).waitFor();
  const list = page.getByRole("list", { name: "Alerts" });
  const rows = list.getByRole("listitem");
  // The unread count can come first (the bell asked for it already); wait for the page.
  await rows.nth(19).waitFor();
  assert.equal(await rows.count(), 20);
  assert.equal(await list.locator(".alert-unread").count(), 20);
  await rows.first().getByText("Client 20").waitFor(); // newest first
  await shoot(page, "alerts-list");

  await page.getByRole("button", { name: "Show older alerts" }).click();
  await list.getByText("Landlord").waitFor();
  await list.getByText("Low balance").waitFor();
  assert.equal(await rows.count(), 22);

  const first = rows.first();
  await first.getByRole("button", { name: /Mark .* read/ }).click();
  await page.getByLabel("21 unread", { exact: true }).waitFor();
  await first.getByRole("button", { name: /Mark .* read/ }).waitFor({ state: "detached" });
  assert.equal(await list.locator(".alert-unread").count(), 21);

  await page.getByRole("radiogroup", { name: "Show" }).getByText("Unread", { exact: true }).click();
  await list.getByText("Client 19").waitFor();
  assert.equal(await list.getByText("Client 20").count(), 0);
  await page.getByRole("radiogroup", { name: "Show" }).getByText("All", { exact: true }).click();
  await list.getByText("Client 20").waitFor();

  await page.getByRole("button", { name: "Mark all read" }).click();
  await page.getByRole("button", { name: "Mark all read" }).and(page.locator(":disabled")).waitFor();
  assert.equal(await unreadCount(), 0);
  await list.locator(".alert-unread").first().waitFor({ state: "detached" });
  assert.equal(await rows.count(), 20); // the first page, read again
  await shoot(page, "alerts-read");
  assert.deepEqual(p.problems, []);
});
