// Categorisation rules end to end in Chromium: Rita writes rules (and is told what is wrong
// with one), reorders them, records spending that the rules place, recategorises an entry
// from the history, works through the review queue, and applies her rules to older entries.
//
// The review queue is filled the real way: Rita imports a bank file whose rows no rule places,
// so they come from Available flagged for review.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { apiLogin, choose, gql, launch, openTab, PASSWORD, person, record, shoot } from "./browser.mjs";

const rita = { name: "Rita Ferreira", email: `rita-${Date.now().toString(36)}@example.com` };

let browser;
let p;
let household;
let token;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const envelope = (page, name) => page.getByRole("listitem", { name });
const accountId = () => household.split("/").pop();

const ENTRY = `__typename id sequence kind bookingDate amount { __typename amount currency }
  balanceAfter { __typename amount currency } payee memo tags undone cleared recordedAt
  lines { __typename envelope { __typename id name isAvailable } amount { __typename amount currency } }
  recordedBy { __typename id displayName avatarColor } reverses { __typename id sequence kind undone }
  reversedBy { __typename id sequence } needsReview corrects { __typename id sequence }
  correctedBy { __typename id sequence }`;

async function entriesByPayee() {
  const data = await gql(`query($id: ID!) { account(id: $id) { transactions(first: 100) { edges { node { ${ENTRY} } } } } }`, { id: accountId() }, token);
  return new Map(data.account.transactions.edges.map((e) => [e.node.payee, e.node]));
}

test("Rita opens a household account and funds two envelopes", async () => {
  p = await person(browser);
  const { page } = p;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(rita.name);
  await page.getByLabel("Email").fill(rita.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await page.getByRole("button", { name: "Open an account" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Open an account" });
  await dialog.getByLabel("Name").fill("Household");
  await dialog.getByLabel("Envelopes").fill("Groceries, Fun");
  await dialog.getByRole("button", { name: "Open account" }).click();
  await page.getByRole("heading", { name: "Household" }).waitFor();
  household = new URL(page.url()).pathname;
  token = await apiLogin(rita.email, PASSWORD);
  await record(page, "Income", async (d) => d.getByLabel("Amount (EUR)").fill("500"));
  for (const [name, amount] of [["Groceries", "100"], ["Fun", "50"]]) {
    await record(page, "Move", async (d) => {
      await d.getByLabel("Amount (EUR)").fill(amount);
      await choose(d.getByLabel("To envelope"), name);
    });
  }
  await envelope(page, "Fun").getByText("€50.00").first().waitFor();
});

test("rules: a refusal placed on its field, two rules, a new order", async () => {
  const { page } = p;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rules" }).click();
  await page.getByRole("heading", { name: "Rules", exact: true }).waitFor();
  await page.getByText("No rules yet.").waitFor();

  await page.getByRole("button", { name: "+ New rule" }).click();
  let editor = page.getByRole("dialog", { name: "New rule" });
  await editor.getByLabel("Name").fill("Supermarkets");
  await editor.getByLabel("How", { exact: true }).selectOption("MATCHES");
  await editor.getByLabel(/^Pattern/).fill("market||hall");
  await choose(editor.getByLabel("Envelope", { exact: true }), "Groceries");
  await editor.getByRole("button", { name: "Create rule" }).click();
  await editor.getByText(/needs some text/).waitFor(); // the server's message, under the pattern
  await shoot(page, "40-rule-editor-refusal");
  await editor.getByLabel(/^Pattern/).fill("*market*|*hall*");
  await editor.getByRole("button", { name: "Create rule" }).click();
  await editor.waitFor({ state: "detached" });

  await page.getByRole("button", { name: "+ New rule" }).click();
  editor = page.getByRole("dialog", { name: "New rule" });
  await editor.getByLabel("Name").fill("Cinema");
  await editor.getByLabel("Text", { exact: true }).fill("cinema");
  await editor.getByLabel("Do", { exact: true }).selectOption("SPLIT");
  await choose(editor.getByLabel("Envelope 1"), "Fun");
  await editor.getByLabel("%", { exact: true }).nth(0).fill("75");
  await choose(editor.getByLabel("Envelope 2"), "Groceries");
  await editor.getByLabel("%", { exact: true }).nth(1).fill("25");
  await editor.getByText("Total 100 %").waitFor();
  await editor.getByRole("button", { name: "+ Action" }).click();
  await editor.getByRole("listitem", { name: "Action 2" }).getByLabel("Do", { exact: true }).selectOption("ADD_TAGS");
  await editor.getByLabel("Tags (comma separated)").fill("outings");
  await editor.getByLabel(/^Stop here/).check();
  await shoot(page, "41-rule-editor");
  await editor.getByRole("button", { name: "Create rule" }).click();
  await editor.waitFor({ state: "detached" });

  const list = page.getByRole("list", { name: "Rules, in the order they run" });
  await list.getByText("Stops here").waitFor();
  const names = await list.locator(".rule-name").allTextContents();
  assert.deepEqual(names.map((n) => n.replace("Stops here", "").trim()), ["Supermarkets", "Cinema"]);
  await page.getByRole("button", { name: "Move Cinema up" }).click();
  await page.waitForFunction(() => document.querySelector(".rule-name")?.textContent?.startsWith("Cinema"));
  await page.reload();
  await list.locator(".rule-name").first().getByText("Cinema").waitFor();
  await shoot(page, "42-rules");
});

test("spending recorded without an envelope follows the rules", async () => {
  const { page } = p;
  await page.goto(household);
  await page.getByRole("heading", { name: "Household" }).waitFor();
  await record(page, "Spending", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("12");
    await d.getByLabel("From envelope").selectOption({ value: "" });
    await d.getByLabel("Payee").fill("Market Hall");
  });
  await envelope(page, "Groceries").getByText("€88.00").first().waitFor();
  await record(page, "Spending", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("20");
    await d.getByLabel("From envelope").selectOption({ value: "" });
    await d.getByLabel("Payee").fill("Cinema Lux");
  });
  await envelope(page, "Fun").getByText("€35.00").first().waitFor();
  await envelope(page, "Groceries").getByText("€83.00").first().waitFor();
  await record(page, "Spending", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("5");
    await d.getByLabel("From envelope").selectOption({ value: "" });
    await d.getByLabel("Payee").fill("Bakery");
  });
  await page.locator(".figure-available").getByText("€345.00").waitFor();
});

test("history: recategorise the bakery into Groceries, linked both ways", async () => {
  const { page } = p;
  await openTab(page, "History");
  const history = page.getByRole("list", { name: "History" });
  const bakery = history.getByRole("listitem").filter({ hasText: "Bakery" }).first();
  await bakery.getByRole("button", { name: /^Recategorise entry/ }).click();
  const dialog = page.getByRole("dialog", { name: /^Recategorise/ });
  await choose(dialog.getByLabel("Move it to"), "Groceries");
  await dialog.getByRole("button", { name: "Recategorise", exact: true }).click();
  await dialog.waitFor({ state: "detached" });
  await history.getByText(/^Recategorised by #/).waitFor();
  await history.getByText(/^Recategorises #/).waitFor();
  await page.locator(".figure-available").getByText("€350.00").waitFor();
  await shoot(page, "43-history-recategorised");
  await openTab(page, "Envelopes");
  await envelope(page, "Groceries").getByText("€78.00").first().waitFor();
});

test("review queue: imported rows no rule placed; move one entry, confirm another", async () => {
  const { page } = p;
  const today = new Date().toISOString().slice(0, 10);
  const csvPath = join(mkdtempSync(join(tmpdir(), "envelopes-review-")), "statement.csv");
  writeFileSync(csvPath, `Date,Amount,Payee,Memo\n${today},-7.00,Corner Shop,\n${today},-3.00,Parking,\n`);
  await openTab(page, "Import");
  await page.getByLabel("Bank file", { exact: true }).setInputFiles(csvPath);
  await page.getByRole("button", { name: "Import 2 entries" }).click();
  await page.getByText("2 entries imported.").waitFor();
  await page.getByRole("link", { name: "Review 2 flagged entries" }).waitFor();
  await openTab(page, "Review");
  const queue = page.getByRole("list", { name: "Entries to review" });
  await queue.getByRole("listitem", { name: "Corner Shop" }).waitFor();
  await shoot(page, "44-review-queue");
  const shop = queue.getByRole("listitem", { name: "Corner Shop" });
  await choose(shop.getByLabel("Envelope for Corner Shop"), "Groceries");
  await shop.getByRole("button", { name: "Move" }).click();
  await shop.waitFor({ state: "detached" });
  await queue.getByRole("listitem", { name: "Parking" }).getByRole("button", { name: "Looks right" }).click();
  await page.getByText("Nothing to review.").waitFor();
  const byPayee = await entriesByPayee();
  assert.ok(byPayee.get("Corner Shop").correctedBy, "the corner shop was recategorised");
  assert.equal(byPayee.get("Parking").correctedBy, null);
  assert.equal(byPayee.get("Parking").needsReview, false, "marked reviewed");
  await openTab(page, "Envelopes");
  await envelope(page, "Groceries").getByText("€71.00").first().waitFor();
});

test("apply the rules to older entries: preview, then apply", async () => {
  const { page } = p;
  const data = await gql(
    "mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { userErrors { message } } }",
    { input: { accountId: accountId(), amount: "4.00", payee: "Night Market", envelopeId: (await gql(`query($id: ID!) { account(id: $id) { available { id } } }`, { id: accountId() }, token)).account.available.id } },
    token,
  );
  assert.deepEqual(data.recordExpense.userErrors, []);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rules" }).click();
  const panel = page.getByRole("region", { name: "Apply rules to existing entries" });
  await panel.getByRole("button", { name: "Preview" }).click();
  const changes = panel.getByRole("list", { name: "Changes the rules would make" });
  await changes.getByText("Night Market").waitFor();
  // Parking stays in Ready to assign: no rule matches it.
  assert.equal(await changes.getByRole("listitem").count(), 1);
  await shoot(page, "45-apply-rules-preview");
  await panel.getByRole("button", { name: "Apply 1 change" }).click();
  await panel.getByText("Recategorised 1 entry.").waitFor();
  const byPayee = await entriesByPayee();
  assert.ok(byPayee.get("Night Market").correctedBy, "the night market was recategorised");
  assert.deepEqual(p.problems, []);
});
