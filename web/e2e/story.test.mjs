// The family story in a real Chromium against the real API and replica set (see
// tests/web/test_browser_story.py, which starts both and runs this file with node --test).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { apiLogin, gql, launch, person, shoot } from "./browser.mjs";

const PASSWORD = "correct horse battery staple";
const run = Date.now().toString(36);
const ana = { name: "Ana Silva", email: `ana-${run}@example.com` };
const ben = { name: "Ben Okafor", email: `ben-${run}@example.com` };
const cleo = { name: "Cleo Park", email: `cleo-${run}@example.com` };

let browser;
const people = {};
let accountUrl;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function signUp(who) {
  const p = await person(browser);
  await p.page.goto("/");
  await p.page.waitForURL(/\/signin$/);
  await p.page.getByRole("link", { name: "Create an account" }).click();
  await p.page.getByLabel("Your name").fill(who.name);
  await p.page.getByLabel("Email").fill(who.email);
  await p.page.getByLabel("Password").fill(PASSWORD);
  await p.page.getByRole("button", { name: "Create account" }).click();
  await p.page.getByRole("heading", { name: "Your accounts" }).waitFor();
  return p;
}

/** Picks the option whose text starts with `prefix` (option texts carry balances). */
async function choose(select, prefix) {
  const value = await select.locator("option", { hasText: prefix }).first().getAttribute("value");
  await select.selectOption(value);
}

function noPageErrors(p) {
  assert.deepEqual(p.problems.filter((m) => !/UNAUTHENTICATED/.test(m)), []);
}

test("Ana, Ben and Cleo sign up", async () => {
  people.ana = await signUp(ana);
  await shoot(people.ana.page, "01-accounts-empty");
  people.ben = await signUp(ben);
  people.cleo = await signUp(cleo);
  // The sign-in screen, as a new visitor sees it.
  const visitor = await person(browser);
  await visitor.page.goto("/signin");
  await visitor.page.getByRole("heading", { name: "Sign in" }).waitFor();
  await shoot(visitor.page, "00-sign-in");
  await visitor.context.close();
});

test("Ana opens a joint account with envelopes", async () => {
  const { page } = people.ana;
  await page.getByRole("button", { name: "Open an account" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Open an account" });
  await dialog.getByLabel("Name").fill("Joint");
  await dialog.getByLabel("Opening balance").fill("0");
  await dialog.getByLabel("Envelopes").fill("Rent, Food, Bills, Holidays");
  await dialog.getByRole("button", { name: "Open account" }).click();
  await page.getByRole("heading", { name: "Joint" }).waitFor();
  accountUrl = new URL(page.url()).pathname;
  assert.match(accountUrl, /^\/accounts\/.+/);
  for (const name of ["Rent", "Food", "Bills", "Holidays"]) {
    await page.getByRole("listitem", { name }).waitFor();
  }
});

test("Ana records income, keyboard first, and the board updates in place", async () => {
  const { page } = people.ana;
  await page.getByRole("button", { name: "Add income" }).click();
  const dialog = page.getByRole("dialog", { name: "Record" });
  // A bad amount is refused next to the field, before anything is sent.
  await dialog.getByLabel("Amount (EUR)").fill("12.345");
  await dialog.getByLabel("Amount (EUR)").press("Enter");
  await dialog.getByText("At most 2 decimals.").waitFor();
  await dialog.getByLabel("Amount (EUR)").fill("2.500,00");
  await dialog.getByLabel("Payer").fill("Acme Payroll");
  await dialog.getByLabel("Amount (EUR)").press("Enter");
  await dialog.waitFor({ state: "detached" }).catch(() => undefined);
  await page.locator(".figure-available").getByText("€2,500.00").waitFor();
  // Move 400 into Food with the move form.
  await page.getByRole("button", { name: "Move money" }).click();
  const move = page.getByRole("dialog", { name: "Record" });
  await move.getByLabel("Amount (EUR)").fill("400");
  await choose(move.getByLabel("To envelope"), "Food");
  await move.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("listitem", { name: "Food" }).getByText("€400.00").first().waitFor();
  await page.locator(".figure-available").getByText("€2,100.00").waitFor();
  await shoot(page, "02-envelope-board");
  noPageErrors(people.ana);
});

test("envelopes reorder with the keyboard", async () => {
  const { page } = people.ana;
  const names = async () => page.locator(".envelope-list > li .envelope-name").allTextContents();
  assert.deepEqual((await names()).slice(0, 2), ["Rent", "Food"]);
  await page.getByRole("button", { name: "Reorder Food" }).focus();
  // dnd-kit's keyboard sensor: Space picks up, arrows move, Space drops.
  await page.keyboard.press("Space");
  await page.waitForTimeout(250);
  await page.keyboard.press("ArrowUp");
  await page.waitForTimeout(250);
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector(".envelope-list > li .envelope-name")?.textContent === "Food");
  await page.reload();
  await page.getByRole("listitem", { name: "Food" }).waitFor();
  assert.deepEqual((await names()).slice(0, 2), ["Food", "Rent"]);
});

test("a payment whose answer is lost is retried with the same key and booked once", async () => {
  const { page } = people.ana;
  let dropped = 0;
  // The request reaches the API and is booked; the answer never reaches the browser.
  await page.route("**/graphql", async (route) => {
    if (route.request().postDataJSON()?.operationName === "RecordExpenseWeb" && dropped === 0) {
      dropped += 1;
      await route.fetch();
      await route.abort("connectionreset");
      return;
    }
    await route.fallback();
  });
  await page.getByRole("button", { name: "Spend from Food" }).click();
  const dialog = page.getByRole("dialog", { name: "Record" });
  await dialog.getByLabel("Amount (EUR)").fill("25");
  await dialog.getByLabel("Payee").fill("Corner shop");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.getByText(/Could not reach Envelopes/).waitFor();
  await shoot(page, "03-record-retry");
  await dialog.getByRole("button", { name: "Retry (same request)" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.unroute("**/graphql");
  assert.equal(dropped, 1);
  // Booked once: 400 − 25, not 400 − 50.
  await page.getByRole("listitem", { name: "Food" }).getByText("€375.00").first().waitFor();
  await page.reload();
  await page.getByRole("listitem", { name: "Food" }).getByText("€375.00").first().waitFor();
});

test("two tabs of Ana's stay signed in across a token refresh", async () => {
  const { context, page } = people.ana;
  const seconds = Number(process.env.ENVELOPES_E2E_TOKEN_SECONDS ?? "0");
  const second = await context.newPage();
  const refreshes = [];
  for (const tab of [page, second]) {
    tab.on("request", (request) => {
      if (request.postData()?.includes("WebRefresh")) refreshes.push(request.url());
    });
  }
  await second.goto(accountUrl);
  await second.getByRole("heading", { name: "Joint" }).waitFor();
  if (seconds > 0) {
    // Past the access token's lifetime, both tabs need a new one at the same moment.
    await page.waitForTimeout(seconds * 1000 + 500);
  }
  const before = refreshes.length;
  await Promise.all([
    page.getByRole("link", { name: "Accounts", exact: true }).click(),
    second.getByRole("link", { name: "Accounts", exact: true }).click(),
  ]);
  for (const tab of [page, second]) {
    await tab.getByRole("heading", { name: "Your accounts" }).waitFor();
    await tab.getByRole("link", { name: /Joint/ }).waitFor();
  }
  if (seconds > 0) assert.ok(refreshes.length > before, "the tabs refreshed their access token");
  // The login survived: a reused refresh token would have signed it out everywhere.
  await Promise.all([page.reload(), second.reload()]);
  for (const tab of [page, second]) {
    await tab.getByRole("heading", { name: "Your accounts" }).waitFor();
    assert.doesNotMatch(tab.url(), /signin/);
  }
  await second.close();
  await page.goto(accountUrl);
  await page.getByRole("heading", { name: "Joint" }).waitFor();
});
