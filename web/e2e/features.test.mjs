// Every other feature once, end to end in Chromium: envelope management, transfer, schedules,
// reconciliation, an election answered with a retry, the history's CSV export, and signing out
// another device.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { choose, launch, openAccountFromList, openTab, PASSWORD, person, record, shoot } from "./browser.mjs";

const dora = { name: "Dora Nunes", email: `dora-${Date.now().toString(36)}@example.com` };

let browser;
let p;
let everyday;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});



async function openAccount(page, name, type, envelopes) {
  await page.getByRole("link", { name: "Accounts", exact: true }).click();
  await openAccountFromList(page, name, type, envelopes);
  return new URL(page.url()).pathname;
}

const available = (page) => page.locator(".figure-available");

test("Dora opens two accounts and funds one", async () => {
  p = await person(browser);
  const { page } = p;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(dora.name);
  await page.getByLabel("Email").fill(dora.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await openAccount(page, "Savings", "SAVINGS", "Rainy day");
  everyday = await openAccount(page, "Everyday", "CHECKING", "Groceries, Fuel");
  await record(page, "Income", async (d) => d.getByLabel("Amount (EUR)").fill("1000"));
  await available(page).getByText("€1,000.00").waitFor();
});

test("envelopes: create, rename, archive, delete moving the remainder", async () => {
  const { page } = p;
  await page.getByRole("button", { name: "+ New envelope" }).click();
  let dialog = page.getByRole("dialog", { name: "New envelopes" });
  await dialog.getByLabel("Names").fill("Gifts");
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByRole("listitem", { name: "Gifts" }).waitFor();
  await page.getByRole("button", { name: "Edit Gifts" }).click();
  dialog = page.getByRole("dialog", { name: "Edit Gifts" });
  await dialog.getByLabel("Name").fill("Presents");
  await dialog.getByRole("button", { name: "Rename" }).click();
  await page.getByRole("listitem", { name: "Presents" }).waitFor();
  await page.getByRole("button", { name: "Edit Presents" }).click();
  await page.getByRole("dialog", { name: "Edit Presents" }).getByRole("button", { name: "Archive" }).click();
  await page.getByRole("listitem", { name: "Presents" }).waitFor({ state: "detached" });
  await page.getByLabel("Show archived envelopes (1)").check();
  await page.getByText("Presents").waitFor();
  // Fuel gets 50, then is deleted with its remainder moved back to Ready to assign.
  await record(page, "Move", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("50");
    await choose(d.getByLabel("To envelope"), "Fuel");
  });
  await available(page).getByText("€950.00").waitFor();
  await page.getByRole("button", { name: "Edit Fuel" }).click();
  dialog = page.getByRole("dialog", { name: "Edit Fuel" });
  await choose(dialog.getByLabel("Move the remainder to"), "Ready to assign");
  await dialog.getByRole("button", { name: "Move the remainder and delete" }).click();
  await page.getByRole("listitem", { name: "Fuel" }).waitFor({ state: "detached" });
  await available(page).getByText("€1,000.00").waitFor();
});

test("a transfer to the savings account updates both", async () => {
  const { page } = p;
  await record(page, "Transfer", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("200");
    await choose(d.getByLabel("To account"), "Savings");
  });
  await page.locator(".figure").first().getByText("€800.00").waitFor();
  await page.getByRole("link", { name: "Accounts", exact: true }).click();
  await page.getByRole("link", { name: /Savings/ }).getByText("€200.00").first().waitFor();
  await page.goto(everyday);
  await page.getByRole("heading", { name: "Everyday" }).waitFor();
});

test("an election answered UNAVAILABLE: the message, then a retry that books once", async () => {
  const { page } = p;
  let refused = 0;
  await page.route("**/graphql", async (route) => {
    if (route.request().postDataJSON()?.operationName === "RecordExpenseWeb" && refused === 0) {
      refused += 1;
      await route.fulfill({
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ data: null, errors: [{ message: "The database is electing a primary; retry.", extensions: { code: "UNAVAILABLE" } }] }),
      });
      return;
    }
    await route.fallback();
  });
  await record(page, "Move", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("300");
    await choose(d.getByLabel("To envelope"), "Groceries");
  });
  await page.getByRole("button", { name: "Spend from Groceries" }).click();
  const dialog = page.getByRole("dialog", { name: "Record" });
  await dialog.getByLabel("Amount (EUR)").fill("12.34");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.getByText(/choosing a new primary/).waitFor();
  await dialog.getByRole("button", { name: "Retry (same request)" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.unroute("**/graphql");
  assert.equal(refused, 1);
  await page.getByRole("listitem", { name: "Groceries" }).getByText("€287.66").first().waitFor();
});

test("schedules: create, post now, skip, pause and resume", async () => {
  const { page } = p;
  await openTab(page, "Schedules");
  await page.getByRole("button", { name: "New schedule" }).click();
  const form = page.getByRole("dialog");
  await form.getByLabel("Name").fill("Phone bill");
  await form.getByRole("radiogroup", { name: "Kind" }).getByText("Spending", { exact: true }).click();
  await form.getByLabel("Amount (EUR)").fill("20");
  await choose(form.getByLabel("From envelope"), "Groceries");
  await form.getByLabel("Repeats").selectOption("MONTHLY");
  await form.getByRole("button", { name: "Create schedule" }).click();
  await page.getByRole("list", { name: "Schedules" }).getByText("Phone bill").waitFor();
  await page.getByRole("button", { name: "Post now: Phone bill" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Post it now" }).click();
  await page.getByText(/Posted Phone bill/).waitFor();
  await page.locator(".figure").first().getByText("€767.66").waitFor();
  await page.getByRole("button", { name: "Skip next: Phone bill" }).click();
  await page.getByRole("button", { name: "Pause Phone bill" }).click();
  await page.getByRole("button", { name: "Resume Phone bill" }).click();
  await page.getByRole("button", { name: "Pause Phone bill" }).waitFor();
  await shoot(page, "20-schedules-in-use");
});

test("reconciliation: a mismatch, an adjustment, reconciled", async () => {
  const { page } = p;
  await openTab(page, "Reconcile");
  const form = page.getByRole("form", { name: "Reconcile with a statement" });
  await form.getByLabel("Statement balance (EUR)").fill("1.00");
  await form.getByRole("button", { name: "Reconcile" }).click();
  const mismatch = page.getByRole("alert", { name: "The statement does not match" });
  await mismatch.waitFor();
  await shoot(page, "21-reconcile-mismatch");
  await mismatch.getByRole("button", { name: /Record an adjustment of/ }).click();
  await page.getByText(/Reconciled through/).first().waitFor();
});

test("history: Export CSV downloads the entries as a file", async () => {
  const { page } = p;
  await openTab(page, "Envelopes");
  for (const [amount, payee] of [["3.20", "Bakery Bloom"], ["4.50", "=Corner Shop"]]) {
    await page.getByRole("button", { name: "Spend from Groceries" }).click();
    const dialog = page.getByRole("dialog", { name: "Record" });
    await dialog.getByLabel("Amount (EUR)").fill(amount);
    await dialog.getByLabel("Payee").fill(payee);
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
  }
  await openTab(page, "History");
  await page.getByRole("list", { name: "History" }).getByText("Bakery Bloom").waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  assert.match(download.suggestedFilename(), /^Everyday-history-\d{4}-\d{2}-\d{2}\.csv$/);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  assert.ok(text.startsWith("\ufeffdate,sequence,kind,payee,memo,tags,envelopes,amount,currency,balance,cleared,recorded by,undone by,reverses\r\n"), text.slice(0, 200));
  assert.match(text, /,expense,Bakery Bloom,,,Groceries: -3\.20,-3\.20,EUR,/);
  assert.match(text, /,expense,'=Corner Shop,/); // a formula is shown, never run
  assert.match(text, /,Dora Nunes,/);
  // The app stays on the history: the file went to the downloads.
  await page.getByRole("list", { name: "History" }).waitFor();
});

test("accounts: a non-empty one cannot close; an empty one closes and reopens", async () => {
  const { page } = p;
  const cash = await openAccount(page, "Old cash", "CASH", "Coins");
  await page.goto(cash);
  await openTab(page, "Settings");
  await page.getByRole("button", { name: "Close account" }).click();
  await page.getByRole("button", { name: "Reopen account" }).waitFor();
  await page.getByText("Closed", { exact: false }).first().waitFor();
  // A closed account takes no new entries: the write buttons are gone.
  assert.equal(await page.getByRole("button", { name: "Record spending" }).count(), 0);
  await page.getByRole("link", { name: "Accounts", exact: true }).click();
  assert.equal(await page.getByRole("link", { name: /Old cash/ }).count(), 0);
  await page.getByLabel("Show closed accounts").check();
  await page.getByRole("link", { name: /Old cash/ }).click();
  await openTab(page, "Settings");
  await page.getByRole("button", { name: "Reopen account" }).click();
  await page.getByRole("button", { name: "Close account" }).waitFor();
  await page.getByRole("button", { name: "Record spending" }).waitFor();
  await page.goto(everyday);
  await openTab(page, "Settings");
  await page.getByRole("button", { name: "Close account" }).click();
  await page.getByText(/Only an account whose envelopes are all at zero can be closed/).waitFor();
});

test("Dora signs out her other device from the devices list", async () => {
  const other = await person(browser);
  await other.page.goto("/signin");
  await other.page.getByLabel("Email").fill(dora.email);
  await other.page.getByLabel("Password").fill(PASSWORD);
  await other.page.getByRole("button", { name: "Sign in" }).click();
  await other.page.getByRole("heading", { name: "Your accounts" }).waitFor();
  const { page } = p;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings", exact: true }).click();
  await page.locator(".device-row").nth(1).waitFor();
  const others = page.locator(".device-row").filter({ hasNotText: "This device" });
  assert.equal(await others.count(), 1);
  await others.getByRole("button", { name: "Sign out" }).click();
  await others.waitFor({ state: "detached" });
  await page.locator(".device-row", { hasText: "This device" }).waitFor();
  await shoot(page, "22-devices");
  // The other device's next request finds its login over.
  await other.page.reload();
  await other.page.waitForURL(/\/signin$/);
  await other.context.close();
  assert.deepEqual(p.problems.filter((m) => !/UNAUTHENTICATED/.test(m)), []);
});
