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
