// Shared by the browser tests: Debian's Chromium driven by playwright-core (no browser download),
// screenshots at desktop and phone width, and a small GraphQL client for seeding.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { chromium } from "playwright-core";

export const BASE = process.env.ENVELOPES_E2E_URL ?? "http://127.0.0.1:8000";
export const SHOTS = process.env.ENVELOPES_E2E_SHOTS ?? "test-results/screens";
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.ENVELOPES_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** One person = one browser context (own cookie jar), like a separate browser. */
export async function person(browser) {
  const context = await browser.newContext({ viewport: DESKTOP, baseURL: BASE, locale: "en-IE", timezoneId: "Europe/Dublin", reducedMotion: "reduce" });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  // Everything comes from the API's own origin: no CDN, no font service, no telemetry.
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (!["http:", "https:"].includes(url.protocol)) return;
    if (url.origin !== new URL(BASE).origin) problems.push(`request to another origin: ${request.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

/** The screen at desktop width, then at phone width (390 px), back to desktop after. */
export async function shoot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize(DESKTOP);
  await settle(page);
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await settle(page);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

async function settle(page) {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
}

/** GraphQL over HTTP for seeding what a person would not type 40 times. */
export async function gql(query, variables = {}, token = null) {
  const response = await fetch(`${BASE}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export async function apiLogin(email, password) {
  const data = await gql(
    "mutation($input: LoginInput!) { login(input: $input) { accessToken userErrors { message } } }",
    { input: { email, password } },
  );
  if (!data.login.accessToken) throw new Error(JSON.stringify(data.login.userErrors));
  return data.login.accessToken;
}

export const PASSWORD = "correct horse battery staple";

/** Signs `who` ({ name, email }) up through the sign-up screen, to their accounts. */
export async function signUp(page, who) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
}

/** Opens an account from the accounts screen (envelopes: names separated by commas). */
export async function openAccountFromList(page, name, type, envelopes) {
  await page.getByRole("button", { name: "Open an account" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Open an account" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Type").selectOption(type);
  await dialog.getByLabel("Envelopes").fill(envelopes);
  await dialog.getByRole("button", { name: "Open account" }).click();
  await page.getByRole("heading", { name }).waitFor();
}

/** Picks the option whose text starts with `prefix` (option texts carry balances). */
export async function choose(select, prefix) {
  const value = await select.locator("option", { hasText: prefix }).first().getAttribute("value");
  await select.selectOption(value);
}

/** One of an account's tabs (Envelopes, History, Budget…). */
export async function openTab(page, name) {
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name, exact: true }).click();
}

/** Records a movement through the record dialog: `kind` is the radio's text, `fill` fills it in. */
export async function record(page, kind, fill) {
  await page.getByRole("button", { name: "Record spending" }).click();
  const dialog = page.getByRole("dialog", { name: "Record" });
  await dialog.getByRole("radiogroup", { name: "What happened" }).getByText(kind, { exact: true }).click();
  await fill(dialog);
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.waitFor({ state: "detached", timeout: 5000 }).catch(async (error) => {
    throw new Error(`the form stayed open: ${await dialog.innerText()}`, { cause: error });
  });
}
