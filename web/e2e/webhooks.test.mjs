// Webhooks end to end in Chromium: Wendy is refused a private address, creates a webhook on
// loopback (the browser tests' API allows loopback, as self-hosting does), keeps its secret
// (shown once, copied), sees the delivery her spending queued in the log, turns the webhook
// off and on, makes a new secret, and deletes it. (The API's scheduler is off here, so the
// delivery stays pending; sending, signing and retries are tested in tests/api/ledger.)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { choose, launch, openTab, PASSWORD, person, record, shoot } from "./browser.mjs";

const wendy = { name: "Wendy Okafor", email: `wendy-${Date.now().toString(36)}@example.com` };
const TARGET = "http://127.0.0.1:9/envelopes";

let browser;
let p;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const card = (page) => page.getByRole("listitem", { name: TARGET });

test("Wendy opens an account and finds no webhooks", async () => {
  p = await person(browser);
  const { page } = p;
  await p.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(wendy.name);
  await page.getByLabel("Email").fill(wendy.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await page.getByRole("button", { name: "Open an account" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Open an account" });
  await dialog.getByLabel("Name").fill("Shop till");
  await dialog.getByLabel("Envelopes").fill("Stock");
  await dialog.getByRole("button", { name: "Open account" }).click();
  await page.getByRole("heading", { name: "Shop till" }).waitFor();
  await record(page, "Income", async (d) => d.getByLabel("Amount (EUR)").fill("500"));
  await openTab(page, "Webhooks");
  await page.getByText("No webhooks yet.").waitFor();
  await shoot(page, "webhooks-empty");
});

test("a private address is refused; a webhook on loopback is created and its secret shown once", async () => {
  const { page } = p;
  await page.getByRole("button", { name: "New webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "New webhook" });
  await dialog.getByLabel("URL").fill("http://10.1.2.3/hook");
  await dialog.getByLabel("Description").fill("Bookkeeping");
  await dialog.getByLabel("An envelope is overspent").check();
  await dialog.getByRole("button", { name: "Create webhook" }).click();
  await dialog.getByText("10.1.2.3 is a private address; webhooks call public addresses only.").waitFor();
  await shoot(page, "webhooks-refused");
  await dialog.getByLabel("URL").fill(TARGET);
  await dialog.getByRole("button", { name: "Create webhook" }).click();
  const shown = page.getByRole("dialog", { name: "Webhook created" });
  const secret = await shown.getByTestId("webhook-secret").innerText();
  assert.match(secret, /^whsec_[\w-]{40,}$/);
  await shown.getByRole("button", { name: "Copy" }).click();
  await shown.getByText("Copied.").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await shoot(page, "webhooks-secret");
  await shown.getByRole("button", { name: "I have kept it" }).click();
  await card(page).waitFor();
  assert.equal(await card(page).getByText(secret).count(), 0); // never shown again
  const events = await card(page).getByRole("list", { name: "Events it receives" }).innerText();
  assert.match(events, /transaction\.recorded/);
  assert.match(events, /envelope\.overspent/);
  await card(page).getByText("Bookkeeping").waitFor();
});

test("spending queues a delivery that the log shows", async () => {
  const { page } = p;
  await openTab(page, "Envelopes");
  await record(page, "Spending", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("42.10");
    await choose(d.getByLabel("From envelope"), "Ready to assign");
  });
  await openTab(page, "Webhooks");
  await card(page).getByRole("button", { name: `Delivery log of ${TARGET}` }).click();
  const log = page.getByRole("region", { name: `Deliveries to ${TARGET}` });
  // The income before the webhook existed raised nothing for it; the spending did.
  const rows = log.getByRole("row");
  await rows.nth(1).getByText("transaction.recorded").waitFor();
  assert.equal(await rows.count(), 2);
  await rows.nth(1).getByText("Pending").waitFor();
  await rows.nth(1).getByText("Not attempted yet").waitFor();
  await shoot(page, "webhooks-log");
});

test("turned off and on again, given a new secret, then deleted", async () => {
  const { page } = p;
  await card(page).getByRole("button", { name: `Turn off ${TARGET}` }).click();
  await card(page).getByText("Turned off by a member.").waitFor();
  await card(page).getByText("Off", { exact: true }).waitFor();
  await shoot(page, "webhooks-off");
  await card(page).getByRole("button", { name: `Turn on ${TARGET}` }).click();
  await card(page).getByText("On", { exact: true }).waitFor();
  await card(page).getByRole("button", { name: `New secret for ${TARGET}` }).click();
  await page.getByRole("dialog", { name: "New signing secret" }).getByRole("button", { name: "Make a new secret" }).click();
  const shown = page.getByRole("dialog", { name: "New signing secret" });
  await shown.getByText("the old one no longer signs").waitFor();
  assert.match(await shown.getByTestId("webhook-secret").innerText(), /^whsec_/);
  await shown.getByRole("button", { name: "I have kept it" }).click();
  await card(page).getByRole("button", { name: `Delete ${TARGET}` }).click();
  await page.getByRole("dialog", { name: "Delete webhook" }).getByRole("button", { name: "Delete webhook" }).click();
  await page.getByText("No webhooks yet.").waitFor();
  assert.deepEqual(p.problems, []);
});
