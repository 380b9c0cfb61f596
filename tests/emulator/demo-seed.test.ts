/**
 * The demo store generator: deterministic, the promised sizes and shapes,
 * valid check digits except the planted ones, quantities consistent with the
 * open orders, the BFCM spike, returns in every state — and it loads through
 * the store's normal seed path, where the app's own documents run against it.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { parse } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";

import { AdminApi } from "../../emulator/graphql";
import { unfulfilled, type SeedFile } from "../../emulator/model";
import { adminSchema } from "../../emulator/schema";
import { appFunctions, DEFAULT_DEMO_NOW, generateDemo, generateDemoSeed, gs1CheckDigit, isValidGtin, type DemoReport } from "../../emulator/seed/generate";
import { Store } from "../../emulator/store";
import { shapeProblems, type Json } from "./helpers";

const schema = adminSchema();
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NOW = Date.parse(DEFAULT_DEMO_NOW);

let seed: SeedFile;
let report: DemoReport;
let store: Store;
let generateMs: number;
let loadMs: number;

beforeAll(() => {
  let started = performance.now();
  ({ seed, report } = generateDemo({ seed: 42 }));
  generateMs = performance.now() - started;
  started = performance.now();
  store = new Store({ seed, clock: () => NOW });
  loadMs = performance.now() - started;
});

describe("generateDemoSeed", () => {
  it("is deterministic: the same options give identical JSON, another seed another store", () => {
    const again = JSON.stringify(generateDemoSeed({ seed: 42 }));
    expect(again).toBe(JSON.stringify(seed));
    expect(JSON.stringify(generateDemoSeed({ seed: 43 }))).not.toBe(again);
    expect(JSON.stringify(generateDemoSeed({ seed: 42, now: DEFAULT_DEMO_NOW }))).toBe(again);
  });

  it(`generates and loads the demo size in under 3 s (here: generate + load measured once)`, () => {
    console.info(`demo seed 42: generated in ${Math.round(generateMs)} ms, loaded in ${Math.round(loadMs)} ms (${report.orders} orders, ${report.variants} variants)`);
    expect(generateMs + loadMs).toBeLessThan(3000);
  });

  it("has a New York shop in USD and 4 locations in different regions with addresses and coordinates", () => {
    expect(seed.shop).toMatchObject({ ianaTimezone: "America/New_York", currencyCode: "USD" });
    expect(seed.locations).toHaveLength(4);
    expect(new Set(seed.locations.map((l) => `${l.address.countryCode}/${l.address.provinceCode}`)).size).toBe(4);
    for (const location of seed.locations) {
      expect(location.address).toMatchObject({ address1: expect.any(String), city: expect.any(String), zip: expect.any(String), country: expect.any(String) });
      expect(Math.abs(location.address.latitude ?? 0)).toBeGreaterThan(20);
      expect(Math.abs(location.address.longitude ?? 0)).toBeGreaterThan(5);
    }
    expect(generateDemoSeed({ seed: 1, locations: 6, variants: 20, customers: 5, months: 1 }).locations.map((l) => l.address.countryCode)).toEqual(["US", "US", "US", "CA", "IE", "US"]);
  });

  it("has at least 2,000 variants with SKUs, prices, weights; tags incl. final-sale and drop; collections", () => {
    const variants = seed.products.flatMap((p) => p.variants);
    expect(variants.length).toBe(2000);
    expect(report.variants).toBe(2000);
    expect(generateDemoSeed({ seed: 7, variants: 2500, customers: 10, months: 1 }).products.flatMap((p) => p.variants)).toHaveLength(2500);
    for (const variant of variants) {
      expect(variant.sku).toMatch(/^PG-[A-Z]+-\d{4}(-[A-Z0-9]+)*$/);
      expect(variant.price).toMatch(/^\d+\.\d{2}$/);
      expect(variant.inventoryItem.weight?.value).toBeGreaterThan(0);
    }
    const tags = new Set(seed.products.flatMap((p) => p.tags));
    for (const tag of ["final-sale", "drop", "new"]) expect(tags).toContain(tag);
    expect(seed.collections?.length).toBeGreaterThanOrEqual(8);
    expect(seed.products.every((p) => (p.collectionIds ?? []).length > 0)).toBe(true);
  });

  it("gives every barcode a valid GS1 check digit except the five planted ones; two SKUs are shared by two variants", () => {
    expect(gs1CheckDigit("03600029145")).toBe(2); // a textbook UPC-A: 036000291452
    expect(isValidGtin("4006381333931")).toBe(true); // a textbook EAN-13
    const variants = seed.products.flatMap((p) => p.variants);
    const planted = new Set(report.invalidBarcodes.map((b) => b.barcode));
    expect(report.invalidBarcodes).toHaveLength(5);
    const invalid = variants.filter((v) => v.barcode !== null && !isValidGtin(v.barcode));
    expect(invalid.map((v) => v.barcode).sort()).toEqual([...planted].sort());
    expect(variants.filter((v) => v.barcode?.length === 12).length).toBeGreaterThan(100);
    expect(variants.filter((v) => v.barcode?.length === 13).length).toBeGreaterThan(100);
    const counts = new Map<string, number>();
    for (const v of variants) counts.set(v.sku as string, (counts.get(v.sku as string) ?? 0) + 1);
    const shared = [...counts].filter(([, n]) => n > 1).map(([sku]) => sku);
    expect(shared.sort()).toEqual([...report.duplicateSkus].sort());
    expect(shared).toHaveLength(2);
    expect(new Set(variants.map((v) => v.barcode).filter(Boolean)).size).toBe(variants.filter((v) => v.barcode).length);
  });

  it("has customers tagged vip, wholesale and new", () => {
    const customers = seed.customers ?? [];
    expect(customers).toHaveLength(800);
    for (const tag of ["vip", "wholesale", "new"]) expect(customers.some((c) => c.tags.includes(tag))).toBe(true);
    expect(new Set(customers.map((c) => c.email)).size).toBe(customers.length);
  });

  it("spreads 6 months of orders on a daily curve with a Black Friday spike", () => {
    const orders = seed.orders ?? [];
    const format = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" });
    const local = (iso: string): string => format.format(new Date(iso));
    const perDay = new Map<string, number>();
    for (const order of orders) perDay.set(local(order.createdAt), (perDay.get(local(order.createdAt)) ?? 0) + 1);
    const days = [...perDay.keys()].sort();
    expect(days[0]).toBe("2026-06-01");
    expect(days[days.length - 1]).toBe("2026-12-01");
    expect(orders.every((o) => Date.parse(o.createdAt) < NOW)).toBe(true);
    const counts = [...perDay.values()].sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] as number;
    expect(perDay.get("2026-11-27")).toBeGreaterThan(3 * median);
    expect(perDay.get("2026-11-30")).toBeGreaterThan(2.5 * median);
    expect(report.events.find((e) => e.name === "Black Friday")?.date).toBe("2026-11-27");
    // Order numbers follow time.
    expect(orders.map((o) => o.number)).toEqual([...orders].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)).map((o) => o.number));
  });

  it("mixes statuses: mostly paid and fulfilled, some partial, unfulfilled, pending, refunded, partially refunded, cancelled", () => {
    const mix = new Map<string, number>();
    for (const order of store.orders.values()) {
      const key = order.cancelledAt ? "cancelled" : `${order.financialStatus}/${order.fulfillmentStatus}`;
      mix.set(key, (mix.get(key) ?? 0) + 1);
    }
    const share = (key: string): number => (mix.get(key) ?? 0) / store.orders.size;
    expect(share("PAID/FULFILLED")).toBeGreaterThan(0.7);
    for (const key of ["PAID/PARTIALLY_FULFILLED", "PAID/UNFULFILLED", "PENDING/UNFULFILLED", "REFUNDED/FULFILLED", "PARTIALLY_REFUNDED/FULFILLED", "cancelled"]) {
      expect(share(key), key).toBeGreaterThan(0);
    }
    const returns = new Map<string, number>();
    for (const record of store.returns.values()) returns.set(record.status, (returns.get(record.status) ?? 0) + 1);
    expect([...returns.keys()].sort()).toEqual(["CANCELED", "CLOSED", "DECLINED", "OPEN", "REQUESTED"]);
  });

  it("keeps every level's on_hand equal to its parts and committed equal to the open orders' unfulfilled units", () => {
    const open = new Map<string, number>();
    for (const order of store.orders.values()) {
      if (order.cancelledAt || order.locationId === null) continue;
      for (const line of order.lineItems) {
        const variant = line.variantId === null ? undefined : store.variants.get(line.variantId);
        const item = variant ? store.inventoryItems.get(variant.inventoryItemId) : undefined;
        if (!item?.tracked || unfulfilled(line) === 0) continue;
        const key = `${item.id}:${order.locationId}`;
        open.set(key, (open.get(key) ?? 0) + unfulfilled(line));
      }
    }
    let incoming = 0;
    for (const product of seed.products) {
      for (const variant of product.variants) {
        for (const level of variant.inventoryItem.levels) {
          const q = level.quantities as Record<string, number>;
          expect(q.on_hand).toBe(q.available! + q.committed! + q.reserved! + q.damaged! + q.quality_control! + q.safety_stock!);
          expect(q.committed).toBe(open.get(`${variant.inventoryItem.id}:${level.locationId}`) ?? 0);
          incoming += q.incoming ?? 0;
        }
      }
    }
    expect(incoming).toBeGreaterThan(0);
    expect(store.levels.size).toBeGreaterThan(2000 * 3);
  });
});

describe("the app's functions in the demo store", () => {
  it("are the function extensions (extensions/*/shopify.extension.toml), by handle, with the API of their target", () => {
    const handles = readdirSync(`${ROOT}extensions`, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => /^handle\s*=\s*"([^"]+)"/m.exec(readFileSync(`${ROOT}extensions/${entry.name}/shopify.extension.toml`, "utf8"))?.[1])
      .filter((handle): handle is string => !!handle)
      .sort();
    const functions = appFunctions();
    expect(functions.map((f) => f.handle)).toEqual(handles);
    expect(functions.find((f) => f.handle === "peakguard-floor")).toMatchObject({ title: "Peakguard floor", apiType: "discount" });
    expect(new Set(functions.map((f) => f.id)).size).toBe(functions.length);
    expect(seed.functions).toEqual(functions);
    expect(appFunctions("/nowhere")).toEqual([]);
  });
});

describe("the demo store through the Admin API", () => {
  it.each([
    ["ProductsPage.graphql", { first: 4 }],
    ["OrdersPage.graphql", { first: 8, query: "updated_at:>'2026-11-26T00:00:00Z'" }],
  ])("%s runs and conforms to the schema", (name, variables) => {
    const api = new AdminApi(store, { throttle: { maximumAvailable: 100_000, restoreRate: 10_000 } });
    const source = readFileSync(`${ROOT}graphql/admin/${name}`, "utf8");
    parse(source);
    const body = api.handle({ query: source, variables }).body as { data?: Json; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(shapeProblems(schema, source, body.data)).toEqual([]);
    const connection = body.data?.products ?? body.data?.orders;
    expect(connection.nodes).toHaveLength(variables.first);
    expect(connection.pageInfo.hasNextPage).toBe(true);
  });

  it("answers returns, refunds and functions of the seed", () => {
    const api = new AdminApi(store);
    const closed = [...store.returns.values()].find((r) => r.status === "CLOSED")!;
    const query = `{
      return(id: "gid://shopify/Return/${closed.id}") { name status closedAt order { displayFinancialStatus returnStatus }
        returnLineItems(first: 5) { nodes { quantity processedQuantity refundedQuantity } }
        reverseFulfillmentOrders(first: 2) { nodes { status lineItems(first: 2) { nodes { dispositions { type quantity } } } } }
        refunds(first: 2) { nodes { totalRefundedSet { shopMoney { amount } } } } }
      shopifyFunctions(first: 5) { nodes { handle apiType } }
    }`;
    const body = api.handle({ query }).body as { data?: Json; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(shapeProblems(schema, query, body.data)).toEqual([]);
    expect(body.data?.return).toMatchObject({
      status: "CLOSED",
      order: { returnStatus: "RETURNED" },
      returnLineItems: { nodes: [{ quantity: 1, processedQuantity: 1, refundedQuantity: 1 }] },
      reverseFulfillmentOrders: { nodes: [{ status: "CLOSED" }] },
    });
    expect(["PARTIALLY_REFUNDED", "REFUNDED"]).toContain(body.data?.return.order.displayFinancialStatus);
    expect(body.data?.shopifyFunctions.nodes).toEqual(appFunctions().slice(0, 5).map(({ handle, apiType }) => ({ handle, apiType })));
  });
});

describe("npx tsx emulator/cli.ts --demo-seed", () => {
  it("starts the emulator on the generated store and reports its size and time", async () => {
    // `npx tsx …` as one node process (tsx's loader), in its own process group so that nothing outlives the test.
    const args = ["--demo-seed", "42", "--demo-now", DEFAULT_DEMO_NOW, "--port", "0", "--no-webhooks", "--app-url", "http://127.0.0.1:9", "--api-secret", "s", "--access-token", "t"];
    const child = spawn(process.execPath, ["--import", "tsx", "emulator/cli.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = "";
        const timer = setTimeout(() => reject(new Error(`no GraphQL line within 25 s: ${text}`)), 25_000);
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes("GraphQL:")) {
            clearTimeout(timer);
            resolve(text);
          }
        });
        child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
        child.on("exit", (code) => reject(new Error(`exited with ${code}: ${text}`)));
      });
      expect(output).toMatch(/demo seed 42 \(now 2026-12-01T12:00:00Z\): 146 products, 2000 variants, 4 locations, 800 customers, \d+ orders, \d+ returns; generated in \d+ ms; ready in \d+ ms/);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    }
  }, 30_000);
});
