// The learned categorisation's setting: Erin, with some history recorded, sees what the model
// learned from and sets the threshold from which imported entries are filed by themselves.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { apiLogin, gql, launch, PASSWORD, person, shoot } from "./browser.mjs";

const erin = { name: "Erin Walsh", email: `erin-${Date.now().toString(36)}@example.com` };
const SHOPS = [
  ["TESCO STORES 2341", "Groceries", "62.10"],
  ["CARD 4821 TESCO*STORES LONDON GB", "Groceries", "48.75"],
  ["PRET A MANGER 113", "Dining out", "7.40"],
  ["COSTA COFFEE 8812", "Dining out", "4.20"],
  ["SHELL PETROL 4410", "Transport", "55.00"],
  ["TFL TRAVEL CH", "Transport", "9.60"],
];

let browser;
let p;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Five weeks of Erin's spending, recorded through the API (a person would import it). */
async function seedHistory() {
  const token = await apiLogin(erin.email, PASSWORD);
  const opened = await gql(
    `mutation($input: OpenAccountInput!) { openAccount(input: $input) {
      account { id envelopes { id name } } userErrors { message } } }`,
    { input: { name: "Everyday", type: "CHECKING", currency: "EUR", openingBalance: "5000", envelopeNames: ["Groceries", "Dining out", "Transport"], allowOverdraft: true } },
    token,
  );
  const account = opened.openAccount.account;
  const envelope = Object.fromEntries(account.envelopes.map((e) => [e.name, e.id]));
  for (let week = 0; week < 5; week++) {
    for (const [payee, name, amount] of SHOPS) {
      const data = await gql(
        `mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { userErrors { message } } }`,
        { input: { accountId: account.id, envelopeId: envelope[name], amount, payee } },
        token,
      );
      assert.deepEqual(data.recordExpense.userErrors, []);
    }
  }
}

test("Erin signs up and has some history", async () => {
  p = await person(browser);
  const { page } = p;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(erin.name);
  await page.getByLabel("Email").fill(erin.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await seedHistory();
});

test("the settings say what the model learned from, once it is trained", async () => {
  const { page } = p;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings", exact: true }).click();
  const section = page.getByRole("region", { name: "Automatic filing" });
  await section.waitFor();
  // Asking for the settings starts the training in the background: look again until it is done.
  const learned = section.getByText("The model has learned from 30 of your entries.");
  for (let attempt = 0; attempt < 20 && !(await learned.isVisible()); attempt++) {
    await page.reload();
    await section.waitFor();
  }
  await learned.waitFor();
  assert.equal(await section.getByRole("checkbox").isChecked(), false);
});

test("Erin sets the threshold: a bad one is refused, a good one kept", async () => {
  const { page } = p;
  const section = page.getByRole("region", { name: "Automatic filing" });
  await section.getByRole("checkbox").check();
  const field = section.getByLabel("Sure enough from (%)");
  assert.equal(await field.inputValue(), "90");
  await field.fill("150");
  await section.getByRole("button", { name: "Save" }).click();
  await section.getByText("The threshold is more than 0 and at most 100 %.").waitFor();
  await shoot(page, "40-auto-filing-refused");
  await field.fill("85");
  await section.getByRole("button", { name: "Save" }).click();
  await section.getByText(/^Saved\. Entries the model is at least 85\s% sure of are filed by themselves\.$/).waitFor();
  await shoot(page, "41-auto-filing-on");

  await page.reload();
  await section.getByLabel("Sure enough from (%)").waitFor();
  assert.equal(await section.getByRole("checkbox").isChecked(), true);
  assert.equal(await section.getByLabel("Sure enough from (%)").inputValue(), "85");

  await section.getByRole("checkbox").uncheck();
  await section.getByRole("button", { name: "Save" }).click();
  await section.getByText("Saved. Suggestions are shown; nothing is filed by itself.").waitFor();
  assert.deepEqual(p.problems, []);
});
