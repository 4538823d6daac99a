// Importing a bank file in Chromium: Ines uploads a CSV whose header Envelopes cannot guess,
// maps its columns, sees the dry run (a malformed row reported by its line), commits and
// watches the progress bar reach the end, finds the entries in the history; the same file
// again is all duplicates and adds nothing.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { choose, launch, openTab, PASSWORD, person, shoot } from "./browser.mjs";

const ines = { name: "Ines Duarte", email: `ines-${Date.now().toString(36)}@example.com` };

let browser;
let p;
let csvPath;

/** A day `n` days ago as the bank writes it here: day first, 31/01/2026. */
function dayFirst(n) {
  const d = new Date(Date.now() - n * 86_400_000);
  return `${String(d.getDate()).padStart(2, "0")}/${String(d.getMonth() + 1).padStart(2, "0")}/${d.getFullYear()}`;
}

before(async () => {
  browser = await launch();
  csvPath = join(mkdtempSync(join(tmpdir(), "envelopes-import-")), "bank-export.csv");
  writeFileSync(
    csvPath,
    [
      "When,How much,Who,Note",
      `${dayFirst(6)},1500.00,Employer,Salary`,
      `${dayFirst(5)},-12.50,Bakery,Bread`,
      "someday,-3.00,Kiosk,Unreadable date",
      `${dayFirst(4)},-40.00,Fuel station,`,
      "",
    ].join("\n"),
  );
});
after(async () => {
  await browser?.close();
});

const balance = (page) => page.locator(".figure").first();

test("Ines opens an account and goes to Import", async () => {
  p = await person(browser);
  const { page } = p;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(ines.name);
  await page.getByLabel("Email").fill(ines.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await page.getByRole("button", { name: "Open an account" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Open an account" });
  await dialog.getByLabel("Name").fill("Current account");
  await dialog.getByLabel("Type").selectOption("CHECKING");
  await dialog.getByLabel("Envelopes").fill("Groceries, Fuel");
  await dialog.getByRole("button", { name: "Open account" }).click();
  await page.getByRole("heading", { name: "Current account" }).waitFor();
  await openTab(page, "Import");
  await page.getByRole("heading", { name: "Import a bank file" }).waitFor();
  await page.getByText("No file has been imported into this account yet.").waitFor();
  await shoot(page, "30-import-choose");
});

test("a CSV with an unknown header: the columns are mapped, then previewed", async () => {
  const { page } = p;
  await page.getByLabel("Bank file", { exact: true }).setInputFiles(csvPath);
  await page.getByRole("heading", { name: "Which column is which?" }).waitFor();
  const sample = page.getByRole("table", { name: "The file's first rows" });
  await sample.getByRole("columnheader", { name: "How much" }).waitFor();
  await sample.getByRole("cell", { name: "Employer" }).waitFor();
  const form = page.getByRole("form", { name: "Column mapping" });
  await choose(form.getByLabel("Date", { exact: true }), "When");
  // The samples are day first: the form switched the date format to fit them.
  assert.equal(await form.getByLabel("Date format").inputValue(), "%d/%m/%Y");
  await choose(form.getByLabel("Amount", { exact: true }), "How much");
  await choose(form.getByLabel("Payee"), "Who");
  await choose(form.getByLabel("Memo"), "Note");
  await shoot(page, "31-import-mapping");
  await form.getByRole("button", { name: "Preview with these columns" }).click();

  await page.getByRole("button", { name: "Import 3 entries" }).waitFor();
  const found = page.locator("dl[aria-label='What the file holds']");
  assert.equal(await found.locator(".import-figure-new dd").innerText(), "3");
  assert.equal(await found.locator(".import-figure-duplicates dd").innerText(), "0");
  assert.equal(await found.locator(".import-figure-errors dd").innerText(), "1");
  const malformed = page.getByRole("group", { name: "Malformed rows" });
  await malformed.getByText("Line 4:").waitFor();
  const rows = page.getByRole("table", { name: "Rows of the file" });
  await rows.getByRole("row", { name: /Bakery/ }).getByText("Available — flagged for review").waitFor();
  await rows.getByRole("row", { name: /Employer/ }).getByText("+€1,500.00").waitFor();
  assert.equal(await rows.getByRole("row").count(), 4); // the header and three rows
  await shoot(page, "32-import-preview");
});

test("commit: the progress bar reaches the end and the entries are in the history", async () => {
  const { page } = p;
  await page.getByRole("button", { name: "Import 3 entries" }).click();
  const bar = page.getByRole("progressbar", { name: "Importing" });
  await bar.waitFor();
  await page.getByText("3 entries imported.").waitFor();
  const { value, max } = await bar.evaluate((el) => ({ value: el.value, max: el.max }));
  assert.ok(max > 0 && value === max, `the bar at ${value} of ${max}`);
  await page.getByText(`4 of 4 rows`).waitFor();
  await balance(page).getByText("€1,447.50").waitFor();
  await shoot(page, "33-import-done");
  await page.getByRole("link", { name: "See them in the history" }).click();
  for (const payee of ["Employer", "Bakery", "Fuel station"]) await page.getByText(payee, { exact: true }).first().waitFor();
  await page.getByText("Kiosk").waitFor({ state: "detached" });
});

test("the same file again: the saved mapping reads it, every row a duplicate, nothing added", async () => {
  const { page } = p;
  await openTab(page, "Import");
  await page.getByLabel("Bank file", { exact: true }).setInputFiles(csvPath);
  const found = page.locator("dl[aria-label='What the file holds']");
  await found.waitFor();
  assert.equal(await found.locator(".import-figure-new dd").innerText(), "0");
  assert.equal(await found.locator(".import-figure-duplicates dd").innerText(), "3");
  await page.getByText("Nothing to import: every row of this file is in the account already.").waitFor();
  assert.equal(await page.getByRole("button", { name: /^Import \d/ }).count(), 0);
  await page.getByRole("table", { name: "Rows of the file" }).getByText("Imported before: skipped").first().waitFor();
  await shoot(page, "34-import-duplicates");
  await page.getByRole("button", { name: "Discard" }).click();
  await page.getByText("This import was cancelled: nothing was booked.").waitFor();
  const recent = page.getByRole("region", { name: "Recent imports" });
  await recent.getByText("Imported", { exact: true }).waitFor();
  await recent.getByText("Cancelled", { exact: true }).first().waitFor();
  await balance(page).getByText("€1,447.50").waitFor();
  assert.deepEqual(p.problems.filter((m) => !/UNAUTHENTICATED/.test(m)), []);
});
