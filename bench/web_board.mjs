// Time to an interactive envelope board, in Debian's Chromium on loopback (bench/web.py runs it).
// Signs in once through the UI (so the refresh cookie is set), then loads the board N times in
// fresh pages: navigation start → every envelope card shown and "Record spending" enabled.
// Prints one JSON line: {"board_ms": [...], "transfer_kb": [...]}.
import { chromium } from "../web/node_modules/playwright-core/index.mjs";

const url = process.env.BENCH_URL;
const email = process.env.BENCH_EMAIL;
const password = process.env.BENCH_PASSWORD;
const account = process.env.BENCH_ACCOUNT;
const envelopes = Number(process.env.BENCH_ENVELOPES);
const repeat = Number(process.env.BENCH_REPEAT ?? "5");

const browser = await chromium.launch({
  executablePath: process.env.ENVELOPES_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your accounts" }).waitFor();
  await page.close();
  const board = [];
  const transfer = [];
  for (let i = 0; i < repeat + 1; i += 1) {
    const fresh = await context.newPage();
    let bytes = 0;
    fresh.on("response", async (response) => {
      const length = Number((await response.allHeaders())["content-length"] ?? 0);
      bytes += length;
    });
    await fresh.goto(`/accounts/${encodeURIComponent(account)}`, { waitUntil: "commit" });
    await fresh.waitForFunction(
      (count) =>
        document.querySelectorAll(".envelope-list > li").length >= count &&
        [...document.querySelectorAll("button")].some((b) => b.textContent?.includes("Record spending") && !b.disabled),
      envelopes,
      { timeout: 30_000, polling: "raf" },
    );
    const ms = await fresh.evaluate(() => performance.now());
    if (i > 0) {
      // The first load warms the API's and the browser's caches; it is not counted.
      board.push(Math.round(ms));
      transfer.push(Math.round(bytes / 1024));
    }
    await fresh.close();
  }
  console.log(JSON.stringify({ board_ms: board, transfer_kb: transfer }));
} finally {
  await browser.close();
}
