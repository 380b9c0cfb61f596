/**
 * The demo in a real browser: Debian's chromium driven by playwright-core
 * (never a browser download). Starts `scripts/demo.ts` on free ports with a
 * throwaway embedded database, opens the admin pages outside Shopify's iframe
 * and checks they show the store the emulator holds.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** The demo as `npm run demo` runs it: without vitest's VITEST* variables, which keep app jobs (ATP publishing, its history) from starting. */
function demoEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("VITEST")) delete env[name];
  return env;
}

let demo: ChildProcess;
let browser: Browser;
let appUrl = "";
let emulatorUrl = "";
let output = "";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "peakguard-demo-"));

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, "build/server/index.js"))) {
    throw new Error("build/server/index.js is missing: run `npm run build` first (scripts/test.sh does)");
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (scripts/test.sh does)`);
  const [port, emulatorPort] = [await freePort(), await freePort()];
  appUrl = `http://localhost:${port}`;
  emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  demo = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/demo.ts", "--port", String(port), "--emulator-port", String(emulatorPort), "--order-days", "3"],
    { cwd: ROOT, env: { ...demoEnv(), DATABASE_URL: `pglite:${dataDir}` }, stdio: ["ignore", "pipe", "pipe"] },
  );
  demo.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 150_000;
  while (!output.includes("[demo] ready:")) {
    if (demo.exitCode !== null) throw new Error(`demo exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`demo not ready in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((r) => demo.once("exit", r));
    demo.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface EmulatorOrder {
  id: number;
  name: string;
  createdAt: string;
  cancelledAt: string | null;
  refunds: unknown[];
  fulfillments: { status: string }[];
}

interface EmulatorState {
  shop: { myshopifyDomain: string };
  products: unknown[];
  variants: unknown[];
  orders: EmulatorOrder[];
}

const emulatorState = async () => (await (await fetch(`${emulatorUrl}/__emulator/state`)).json()) as EmulatorState;

/** Orders the demo's initial sync read (the last 3 days), fulfilled, not cancelled or refunded: newest first. */
const syncedFulfilled = (state: EmulatorState) =>
  state.orders
    .filter((o) => Date.parse(o.createdAt) > Date.now() - 2 * 86_400_000 && o.cancelledAt === null && o.refunds.length === 0 && o.fulfillments.some((f) => f.status === "SUCCESS"))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));

describe("the demo admin in Chromium", () => {
  it("the dashboard shows the demo shop and the mirror of the emulator's store", async () => {
    const state = await emulatorState();
    const page = await browser.newPage();
    await page.goto(`${appUrl}/app`);
    await page.getByText(`Local demo: ${state.shop.myshopifyDomain}`).waitFor();
    const fact = async (label: string) =>
      (await page.locator(`xpath=//span[normalize-space()="${label}"]/following-sibling::span[1]`).first().innerText()).trim();
    expect(await fact("Variants")).toBe(String(state.variants.length));
    expect(state.variants.length).toBeGreaterThanOrEqual(2000);
    // The initial sync reads the last 3 days of orders (--order-days 3); the demo prints how many.
    const synced = /initial sync: \d+ products, \d+ variants, (\d+) orders/.exec(output)?.[1];
    expect(Number(synced)).toBeGreaterThan(0);
    expect(Number(synced)).toBeLessThanOrEqual(state.orders.length);
    expect(await fact("Orders")).toBe(synced);
    expect((await fact("Products")).startsWith(String(state.products.length))).toBe(true);
    await page.close();
  });

  it("every area page renders with Polaris outside the iframe, from the demo's data, and is reachable from the navigation", async () => {
    const page = await browser.newPage();
    await page.goto(`${appUrl}/app`);
    for (const label of ["Promotions", "Checkout rules", "Inventory", "Orders", "Returns", "Peak"]) {
      await page.getByRole("link", { name: label, exact: true }).first().click();
      await page.waitForURL((url) => url.pathname !== "/app" && url.pathname.startsWith("/app/"));
      await page.getByRole("heading", { level: 1, name: label }).waitFor();
      expect(await page.locator(".Polaris-Page").count()).toBeGreaterThan(0);
      // A page that failed to load its data shows the error boundary instead of its heading.
      expect(await page.getByText(/Application Error|Unexpected Server Error/i).count()).toBe(0);
    }
    await page.close();
  });

  it("the dashboard's chargeback card: a fraud cancellation in the emulator reaches it, the budget form names bad fields, and a budget below it shows over budget", async () => {
    const [order] = syncedFulfilled(await emulatorState()).slice(-1);
    if (!order) throw new Error("the demo store has no synced fulfilled order to cancel");
    const cancelled = await fetch(`${emulatorUrl}/__emulator/orders/${order.id}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "FRAUD", refund: true }),
    });
    expect(cancelled.status).toBe(200);
    const page = await browser.newPage();
    const fraudCount = () => page.locator('xpath=//span[normalize-space()="Cancelled as fraud"]/following-sibling::span[1]').first().innerText();
    const deadline = Date.now() + 20_000;
    for (;;) {
      await page.goto(`${appUrl}/app`);
      await page.getByRole("heading", { name: "Chargeback budget" }).waitFor();
      if ((await fraudCount()).startsWith("1 ")) break;
      if (Date.now() > deadline) throw new Error(`the fraud cancellation of ${order.name} never reached the card: ${await fraudCount()}`);
      await page.waitForTimeout(500);
    }
    expect(await page.getByText("No budget set").count()).toBe(1);

    await page.getByLabel(/^Lost to chargebacks per month/).fill("12.345");
    await page.getByRole("button", { name: "Save budget" }).click();
    await page.getByText('"12.345" has more than 2 decimal places for USD', { exact: false }).waitFor();

    await page.getByLabel(/^Lost to chargebacks per month/).fill("100");
    await page.getByLabel("Fraud cancellations per month").fill("0");
    await page.getByRole("button", { name: "Save budget" }).click();
    await page.getByText("Over the chargeback budget").waitFor();
    expect(await page.getByText(/Cancelled as fraud in .+: 1, over the budget of 0 by 1/).count()).toBe(1);
    await page.close();
  });

  it("the Returns page: a staff return created in the page, bulk approved from the queue, and both Polaris Viz charts drawn", async () => {
    const state = await emulatorState();
    const [order] = syncedFulfilled(state);
    if (!order) throw new Error("the demo store has no synced fulfilled order to return");
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`${appUrl}/app/returns?order=${encodeURIComponent(order.name)}`);
    await page.getByRole("spinbutton", { name: "Units" }).first().fill("1");
    await page.getByRole("button", { name: "Create return" }).click();
    const created = page.getByText(new RegExp(`return (RMA-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]) requested for order ${order.name}`));
    await created.waitFor({ timeout: 20_000 });
    const rma = /RMA-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]/.exec(await created.innerText())?.[0] ?? "";

    await page.goto(`${appUrl}/app/returns`);
    const row = page.locator(".Polaris-IndexTable__TableRow", { hasText: rma });
    await row.waitFor();
    expect(await row.getByText("within SLA").count()).toBe(1);
    await row.locator(".Polaris-Checkbox input").check({ force: true });
    await page.locator('button:has-text("Approve selected"):visible').first().click();
    await page.getByText("1 of 1 approved").waitFor({ timeout: 20_000 });
    await page.locator(".Polaris-IndexTable__TableRow", { hasText: rma }).getByText("approved", { exact: true }).waitFor();

    // Polaris Viz draws in the browser only (it reads window while rendering): an svg inside each chart's container.
    await page.locator('[data-chart="return-rate"] svg').first().waitFor();
    await page.locator('[data-chart="return-reasons"] svg').first().waitFor();
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(os.tmpdir(), "peakguard-returns.png"), fullPage: true });
    await page.close();
  });

  it("the Inventory page draws a SKU's ATP over time as a Polaris Viz line chart", async () => {
    const page = await browser.newPage();
    await page.goto(`${appUrl}/app/inventory`);
    await page.getByRole("link", { name: "History" }).first().click();
    await page.waitForURL(/[?&]sku=/);
    const historyUrl = page.url();
    // ATP samples are written when the inventory jobs (every 10 s) publish the first figures after the initial reconcile.
    const deadline = Date.now() + 60_000;
    while ((await page.locator('[data-chart="atp-history"]').count()) === 0) {
      if (Date.now() > deadline) throw new Error(`no ATP history for ${historyUrl} within 60 s: ${await page.getByText(/No ATP changes/).count()} "no changes" notes`);
      await page.waitForTimeout(2_000);
      // The URL ends in #history: goto would only scroll; reload fetches the page again.
      await page.reload();
    }
    await page.locator('[data-chart="atp-history"] svg').first().waitFor();
    expect(await page.locator('[data-chart="atp-history"] path').count()).toBeGreaterThan(0);
    await page.close();
  }, 90_000);
});
