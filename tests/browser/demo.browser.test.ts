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
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: `pglite:${dataDir}` }, stdio: ["ignore", "pipe", "pipe"] },
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

interface EmulatorState {
  shop: { myshopifyDomain: string };
  products: unknown[];
  variants: unknown[];
  orders: unknown[];
}

describe("the demo admin in Chromium", () => {
  it("the dashboard shows the demo shop and the mirror of the emulator's store", async () => {
    const state = (await (await fetch(`${emulatorUrl}/__emulator/state`)).json()) as EmulatorState;
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
});
