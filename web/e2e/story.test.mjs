// The family story in a real Chromium against the real API and replica set (see
// tests/web/test_browser_story.py, which starts both and runs this file with node --test).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { apiLogin, choose, gql, launch, openTab, PASSWORD, person, shoot } from "./browser.mjs";

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


test("Ana makes a payday template and records payday", async () => {
  const { page } = people.ana;
  await openTab(page, "Paydays");
  await page.getByRole("button", { name: "New payday template" }).click();
  const form = page.getByRole("dialog");
  await form.getByLabel("Name").fill("Acme salary");
  await form.getByLabel("Payer").fill("Acme Ltd");
  await form.getByLabel("Expected amount (EUR)").fill("3000");
  await form.getByRole("button", { name: "+ Add an envelope" }).click();
  await choose(form.getByLabel("Envelope 1", { exact: true }), "Rent");
  await form.getByLabel("Amount 1 (EUR)", { exact: true }).fill("1200");
  await form.getByTestId("allocation-summary").getByText("€1,800.00").waitFor();
  await form.getByRole("button", { name: "Create template" }).click();
  await page.getByRole("button", { name: "Record payday: Acme salary" }).click();
  const record = page.getByRole("dialog");
  await record.getByRole("button", { name: "Record payday" }).click();
  await page.getByText(/Recorded Acme salary/).waitFor();
  await record.waitFor({ state: "detached" }).catch(() => undefined);
  // 2,100 + 3,000 − 25 (Food) + 1,800 into Ready to assign.
  await page.locator(".figure-available").getByText("€3,900.00").waitFor();
  await shoot(page, "04-paydays");
});

test("Ana plans Food and fills the envelopes from plans (preview, then apply)", async () => {
  const { page } = people.ana;
  await openTab(page, "Budget");
  await page.getByRole("button", { name: "Plan and goal for Food" }).click();
  const dialog = page.getByRole("dialog", { name: "Plan and goal: Food" });
  await dialog.getByLabel("Amount per period (EUR)").fill("500");
  await dialog.getByRole("button", { name: "Save plan" }).click();
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Fill envelopes from plans" }).click();
  const fill = page.getByRole("dialog");
  await fill.getByRole("table", { name: "What each envelope would get" }).waitFor();
  await shoot(page, "05-fill-preview");
  // The preview moved nothing.
  await page.locator(".figure-available").getByText("€3,900.00").waitFor();
  await fill.getByRole("button", { name: /^Apply: move €100\.00/ }).click();
  await page.getByText(/Moved €100\.00 from Ready to assign into 1 envelope/).waitFor();
  await page.locator(".figure-available").getByText("€3,800.00").waitFor();
  await shoot(page, "05-budget");
  await openTab(page, "Envelopes");
  await page.getByRole("listitem", { name: "Food" }).getByText("€475.00").first().waitFor();
  await shoot(page, "05-envelope-board-planned");
});

test("Ana shares the account with Ben (editor) and Cleo (viewer)", async () => {
  const { page } = people.ana;
  await openTab(page, "Sharing");
  for (const [who, role] of [[ben, "EDITOR"], [cleo, "VIEWER"]]) {
    const form = page.getByRole("region", { name: "Share this account" }).or(page.locator("form", { has: page.getByRole("button", { name: "Share" }) })).first();
    await form.getByLabel("Email").fill(who.email);
    await form.getByLabel("Role").selectOption(role);
    await form.getByRole("button", { name: "Share", exact: true }).click();
    await page.getByText(`Shared with ${who.email}`).waitFor();
  }
  await page.locator(".member-row", { hasText: "Ben Okafor" }).waitFor();
  await page.locator(".member-row", { hasText: "Cleo Park" }).waitFor();
  await shoot(page, "06-sharing");
});

test("Ben spends from Food; an overspend is refused with the message in the form", async () => {
  const { page } = people.ben;
  await page.goto(accountUrl);
  await page.getByRole("heading", { name: "Joint" }).waitFor();
  await page.getByRole("button", { name: "Spend from Food" }).click();
  const dialog = page.getByRole("dialog", { name: "Record" });
  await dialog.getByLabel("Amount (EUR)").fill("42.50");
  await dialog.getByLabel("Payee").fill("Green grocer");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("listitem", { name: "Food" }).getByText("€432.50").first().waitFor();
  await page.getByRole("button", { name: "Spend from Food" }).click();
  await dialog.getByLabel("Amount (EUR)").fill("5000");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.getByText(/Envelope 'Food' holds 432\.50 EUR/).waitFor();
  await shoot(page, "07-overspend-refused");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  // Nothing was booked by the refusal.
  await page.getByRole("listitem", { name: "Food" }).getByText("€432.50").first().waitFor();
});

test("Ana undoes Ben's expense and sees it reversed", async () => {
  const { page } = people.ana;
  await openTab(page, "History");
  const entry = page.getByRole("listitem").filter({ hasText: "Green grocer" }).first();
  await entry.waitFor();
  const name = await entry.getAttribute("aria-label");
  const sequence = name.replace(/\D+/g, "");
  await entry.getByText("Ben Okafor").waitFor();
  await page.getByRole("button", { name: `Undo entry ${sequence}` }).click();
  await page.getByText(/Undone by #\d+/).first().waitFor();
  await page.getByText(`Reversal of #${sequence}`).first().waitFor();
  await page.locator(".figure").first().getByText("€5,475.00").waitFor();
  await shoot(page, "08-history");
});

test("the history is paged by scrolling", async () => {
  const { page } = people.ana;
  // Forty more entries, recorded through the API (nobody types forty expenses for a test).
  const token = await apiLogin(ana.email, PASSWORD);
  const accountId = decodeURIComponent(accountUrl.split("/")[2]);
  const board = await gql(`query($id: ID!) { account(id: $id) { envelopes { id name } } }`, { id: accountId }, token);
  const bills = board.account.envelopes.find((e) => e.name === "Holidays").id;
  await gql(
    `mutation($input: MoveMoneyInput!) { moveMoney(input: $input) { userErrors { message } } }`,
    { input: { accountId, fromEnvelopeId: board.account.envelopes[0].id, toEnvelopeId: bills, amount: "400" } },
    token,
  );
  for (let i = 1; i <= 40; i += 1) {
    const done = await gql(
      `mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { userErrors { message } } }`,
      { input: { accountId, envelopeId: bills, amount: "1.00", payee: `Day trip ${i}` } },
      token,
    );
    assert.deepEqual(done.recordExpense.userErrors, []);
  }
  await page.reload();
  const list = page.getByRole("list", { name: "History" });
  await list.getByRole("listitem").first().waitFor();
  const firstPage = await list.getByRole("listitem").count();
  assert.ok(firstPage <= 30, `first page holds ${firstPage}`);
  await page.getByTestId("history-sentinel").scrollIntoViewIfNeeded();
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="History"] > li').length > n, firstPage);
  for (let i = 0; i < 5 && !(await page.getByText("End of history").isVisible()); i += 1) {
    await page.getByTestId("history-sentinel").scrollIntoViewIfNeeded();
    await page.waitForTimeout(400);
  }
  await page.getByText("End of history").waitFor();
  const all = await list.getByRole("listitem").count();
  assert.ok(all >= 47, `all entries after scrolling: ${all}`);
  await list.getByText("Day trip 1", { exact: true }).waitFor();
});

test("Cleo sees everything and can change nothing", async () => {
  const { page } = people.cleo;
  await page.goto("/");
  await page.getByRole("link", { name: /Joint/ }).click();
  await page.getByRole("heading", { name: "Joint" }).waitFor();
  await page.getByText("You can see this account but not change it.").waitFor();
  await page.getByRole("listitem", { name: "Food" }).waitFor();
  const writes = ["Record spending", "Add income", "Move money", "+ New envelope"];
  for (const label of writes) assert.equal(await page.getByRole("button", { name: label }).count(), 0, label);
  assert.equal(await page.getByRole("button", { name: /^(Spend from|Edit|Reorder) / }).count(), 0);
  await shoot(page, "09-viewer-board");
  await openTab(page, "History");
  await page.getByRole("list", { name: "History" }).getByRole("listitem").first().waitFor();
  assert.equal(await page.getByRole("button", { name: /^(Undo|Redo) entry/ }).count(), 0);
  assert.equal(await page.getByRole("checkbox", { name: /^Cleared: entry/ }).count(), 0);
  await openTab(page, "Sharing");
  await page.locator(".member-row").first().waitFor();
  assert.equal(await page.getByRole("button", { name: "Share", exact: true }).count(), 0);
  await openTab(page, "Schedules");
  await page.getByRole("heading").first().waitFor();
  assert.equal(await page.getByRole("button", { name: "New schedule" }).count(), 0);
  await openTab(page, "Paydays");
  await page.getByRole("heading").first().waitFor();
  assert.equal(await page.getByRole("button", { name: /^Record payday/ }).count(), 0);
  // "n" (new entry) does nothing for a viewer.
  await page.keyboard.press("n");
  assert.equal(await page.getByRole("dialog").count(), 0);
  noPageErrors(people.cleo);
});

test("the other main screens, as Ana sees them", async () => {
  const { page } = people.ana;
  await page.goto(accountUrl);
  for (const [tab, shot] of [["Schedules", "10-schedules"], ["Reconcile", "11-reconcile"], ["Settings", "12-account-settings"]]) {
    await openTab(page, tab);
    await page.waitForLoadState("networkidle");
    await shoot(page, shot);
  }
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByText("This device").waitFor();
  await shoot(page, "13-devices");
  await page.getByRole("link", { name: "Accounts", exact: true }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await page.getByRole("heading", { name: "Household budget this period" }).waitFor();
  await page.getByRole("img", { name: /per account/ }).locator("canvas").waitFor();
  await shoot(page, "14-accounts");
  noPageErrors(people.ana);
});
