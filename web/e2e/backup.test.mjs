// Household backup and restore in Chromium: Eli downloads a backup of his household from the
// settings screen, restores it (a file input → the upload → the restore job's progress) and
// finds the restored account beside the original; a damaged file is refused with nothing kept.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, test } from "node:test";

import { apiLogin, gql, launch, PASSWORD, person, shoot } from "./browser.mjs";

const eli = { name: "Eli Brandt", email: `eli-${Date.now().toString(36)}@example.com` };
const folder = mkdtempSync(join(tmpdir(), "envelopes-backup-"));

let browser;
let p;
let backupPath;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function openSettings(page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByRole("heading", { name: "Backup and restore" }).waitFor();
}

test("Eli signs up and has an account with money in it", async () => {
  p = await person(browser);
  const { page } = p;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(eli.name);
  await page.getByLabel("Email").fill(eli.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  const token = await apiLogin(eli.email, PASSWORD);
  await gql(
    "mutation($input: OpenAccountInput!) { openAccount(input: $input) { userErrors { message } } }",
    { input: { name: "Holiday fund", type: "SAVINGS", currency: "EUR", openingBalance: "250.00", envelopeNames: ["Flights"] } },
    token,
  );
  await page.reload();
  await page.getByRole("link", { name: /Holiday fund/ }).first().waitFor();
});

test("Download backup saves the household as a file", async () => {
  const { page } = p;
  await openSettings(page);
  await shoot(page, "backup-settings");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download backup" }).click()]);
  assert.match(download.suggestedFilename(), /^household-\d{4}-\d{2}-\d{2}\.envelopes\.gz$/);
  backupPath = join(folder, download.suggestedFilename());
  await download.saveAs(backupPath);
  const lines = gunzipSync(readFileSync(backupPath)).toString("utf8").trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(lines[0].format, "envelopes-household-backup");
  assert.deepEqual(lines.filter((r) => r.type === "account").map((r) => r.data.name), ["Holiday fund"]);
  assert.equal(lines.at(-1).type, "sha256");
});

test("Restore from a backup adds the account again, beside the original", async () => {
  const { page } = p;
  await page.getByLabel("Backup file").setInputFiles(backupPath);
  await page.getByRole("button", { name: "Restore", exact: true }).click();
  await page.getByText("Restored 1 account.").waitFor({ timeout: 30_000 });
  const restored = page.locator(".restore-accounts");
  await restored.getByRole("link", { name: "Holiday fund" }).waitFor();
  assert.match(await restored.innerText(), /250\.00/);
  await shoot(page, "backup-restored");
  await page.getByRole("link", { name: "Accounts", exact: true }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  // Two accounts now, each with its €250.00.
  await page.getByText("Ready to assign €250.00").nth(1).waitFor();
  await page.getByText("€500.00").first().waitFor();
  await shoot(page, "backup-accounts-after-restore");
});

test("a damaged backup is refused and nothing of it is kept", async () => {
  const { page } = p;
  const whole = readFileSync(backupPath);
  const cut = join(folder, "cut.envelopes.gz");
  writeFileSync(cut, whole.subarray(0, whole.length - 30));
  await openSettings(page);
  await page.getByLabel("Backup file").setInputFiles(cut);
  await page.getByRole("button", { name: "Restore", exact: true }).click();
  await page.getByText(/The restore failed: This backup is truncated/).waitFor({ timeout: 30_000 });
  await shoot(page, "backup-refused");
  await page.getByRole("link", { name: "Accounts", exact: true }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await page.getByText("Ready to assign €250.00").first().waitFor();
  assert.equal(await page.getByText("Ready to assign €250.00").count(), 2);
  assert.deepEqual(p.problems, []);
});
