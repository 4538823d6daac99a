// The web app against an API that runs only trusted documents (ENVELOPES_TRUSTED_DOCUMENTS=
// required): every screen works, and every request carries the build's hash instead of the
// document. tests/web/test_browser_persisted.py starts that API and runs this file alone with
// ENVELOPES_E2E_TRUSTED=1; in the other browser runs (an API in the default mode) it is skipped.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";

import { choose, launch, openAccountFromList, openTab, person, record, shoot, signUp } from "./browser.mjs";

const trusted = process.env.ENVELOPES_E2E_TRUSTED === "1";
const manifest = JSON.parse(readFileSync(new URL("../src/gql/persisted-documents.json", import.meta.url), "utf8"));
const eve = { name: "Eve Okafor", email: `eve-${Date.now().toString(36)}@example.com` };

let browser;
let p;
const requests = [];
const refusals = [];
const subscribed = [];
const socketErrors = [];

/** What a /graphql request asked for: its operation, hash and whether it carried a document. */
function described(request) {
  const url = new URL(request.url());
  if (request.method() === "GET") {
    const extensions = JSON.parse(url.searchParams.get("extensions") ?? "{}");
    return { method: "GET", operation: url.searchParams.get("operationName"), hash: extensions.persistedQuery?.sha256Hash, text: url.searchParams.has("query") };
  }
  const body = request.postDataJSON() ?? {};
  return { method: "POST", operation: body.operationName, hash: body.extensions?.persistedQuery?.sha256Hash, text: "query" in body };
}

before(async () => {
  if (!trusted) return;
  browser = await launch();
  p = await person(browser);
  p.page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/graphql" && request.resourceType() !== "websocket") requests.push(described(request));
  });
  p.page.on("websocket", (socket) => {
    socket.on("framesent", ({ payload }) => {
      const message = JSON.parse(String(payload));
      if (message.type === "subscribe") subscribed.push(message.payload.extensions?.persistedQuery?.sha256Hash);
    });
    socket.on("framereceived", ({ payload }) => {
      const message = JSON.parse(String(payload));
      if (message.type === "error") socketErrors.push(message.payload);
    });
  });
  p.page.on("response", async (response) => {
    if (new URL(response.url()).pathname !== "/graphql" || response.request().method() === "OPTIONS") return;
    const body = await response.json().catch(() => null);
    for (const error of body?.errors ?? []) refusals.push(error.extensions?.code);
  });
});
after(async () => {
  await browser?.close();
});

test("in trusted-documents mode Eve signs up, opens an account, records and reads her history", { skip: !trusted }, async () => {
  const { page } = p;
  await signUp(page, eve);
  await openAccountFromList(page, "Everyday", "CHECKING", "Groceries, Rent");
  await record(page, "Income", async (d) => d.getByLabel("Amount (EUR)").fill("1500"));
  await page.locator(".figure-available").getByText("€1,500.00").waitFor();
  await record(page, "Move", async (d) => {
    await d.getByLabel("Amount (EUR)").fill("400");
    await choose(d.getByLabel("To envelope"), "Groceries");
  });
  await page.getByRole("listitem", { name: "Groceries" }).getByText("€400.00").first().waitFor();
  await openTab(page, "History");
  await page.getByText("€1,500.00").first().waitFor();
  await shoot(page, "persisted-trusted-history");
  assert.deepEqual(p.problems, []);
});

test("every request carried a hash of the build's manifest and no document", { skip: !trusted }, () => {
  assert.ok(requests.length >= 6, `only ${requests.length} requests`);
  for (const request of requests) {
    assert.equal(request.text, false, `${request.operation} sent its document`);
    assert.ok(request.hash && request.hash in manifest, `${request.operation} sent no known hash (${request.hash})`);
  }
  const operations = new Set(requests.map((request) => request.operation));
  for (const name of ["WebSignUp", "RecordIncomeWeb"]) assert.ok(operations.has(name), `no ${name} request`);
  const mutations = requests.filter((request) => new RegExp(`\\bmutation ${request.operation}\\b`).test(manifest[request.hash]));
  assert.ok(mutations.length >= 3, "the mutations went by hash too");
  assert.ok(mutations.every((request) => request.method === "POST"), "a mutation went by GET");
  assert.deepEqual(refusals.filter((code) => code === "OPERATION_NOT_TRUSTED" || code === "PERSISTED_QUERY_NOT_FOUND"), []);
});

test("the subscriptions carried the build's hash and none was refused", { skip: !trusted }, () => {
  assert.ok(subscribed.length >= 1, "no subscription started");
  for (const hash of subscribed) assert.ok(hash in manifest, `a subscription without a known hash (${hash})`);
  assert.deepEqual(socketErrors, []);
});
