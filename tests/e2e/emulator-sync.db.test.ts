import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { readSeedFile } from "../../emulator/store";
import { adminClientFromToken } from "~/services/admin/client.server";
import { offlineAdminClient, OfflineSessionMissingError } from "~/services/admin/offline.server";
import { ShopInfo } from "../../graphql/operations";
import { forShop } from "~/services/db/scoped.server";
import { reconcileShop } from "~/services/sync/reconcile.server";
import { processDueEvents } from "~/services/webhooks/processor.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppWebhookServer, type AppWebhookServer } from "./app-server";

const SEED = path.resolve(__dirname, "../../emulator/seed/default.json");
const seed = readSeedFile(SEED);
const SHOP = seed.shop.myshopifyDomain;
const TOKEN = "shpat_e2e";

let db: TestDatabase;
let app: AppWebhookServer;
let emulator: RunningEmulator | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startAppWebhookServer(db.prisma);
});
beforeEach(async () => {
  await db.reset();
  await emulator?.close();
  emulator = null;
});
afterAll(async () => {
  await emulator?.close();
  await app.close();
  await db.close();
});

const seedVariants = seed.products.reduce((n, p) => n + p.variants.length, 0);
const seedOrders = seed.orders?.length ?? 0;

describe("the app's reconcile against the store emulator", () => {
  it("mirrors the emulator's shop, products, variants and orders; a second run changes nothing", async () => {
    emulator = await startEmulator({ seed, appUrl: app.url, apiSecret: app.secret, accessToken: TOKEN, webhooks: { enabled: false } });
    const client = adminClientFromToken({ shop: SHOP, accessToken: TOKEN, endpoint: emulator.graphqlUrl });
    const first = await reconcileShop(db.prisma, SHOP, client);
    expect(first).toMatchObject({ products: seed.products.length, variants: seedVariants, orders: seedOrders, stale: 0 });
    const scoped = forShop(db.prisma, SHOP);
    expect(await scoped.variant.count()).toBe(seedVariants);
    expect((await scoped.shop.findFirst())?.ianaTimezone).toBe(seed.shop.ianaTimezone);
    const firstSku = seed.products[0]!.variants[0]!.sku;
    expect(await scoped.variant.count({ where: { sku: firstSku } })).toBe(1);
    const second = await reconcileShop(db.prisma, SHOP, client);
    expect(second.applied).toBe(0);
    expect(second.stale).toBe(seed.products.length + seedOrders);
  });

  it("backs off when the emulator throttles and still finishes", async () => {
    let now = Date.parse("2026-11-27T05:00:00Z");
    emulator = await startEmulator({
      seed,
      appUrl: app.url,
      apiSecret: app.secret,
      accessToken: TOKEN,
      webhooks: { enabled: false },
      throttle: { maximumAvailable: 900, restoreRate: 50 },
      clock: () => now,
    });
    // 40 more products: enough pages that a 900-point bucket runs dry.
    for (let i = 0; i < 40; i++) {
      emulator.store.createProduct({ title: `Drop tee ${i}`, variants: [{ sku: `TEE-${i}-S`, price: "25.00" }, { sku: `TEE-${i}-M`, price: "25.00" }] });
    }
    const sleeps: number[] = [];
    const client = adminClientFromToken({
      shop: SHOP,
      accessToken: TOKEN,
      endpoint: emulator.graphqlUrl,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    });
    // A 4-product page requests 814 points of a 900-point bucket: the second page must wait.
    const report = await reconcileShop(db.prisma, SHOP, client, { productsPageSize: 4, ordersPageSize: 4 });
    expect(report.products).toBe(seed.products.length + 40);
    expect(await forShop(db.prisma, SHOP).variant.count()).toBe(seedVariants + 80);
    expect(report.orders).toBe(seedOrders);
    // It waited (before requests the bucket could not cover, or after THROTTLED), and the waits add up.
    expect(sleeps.length).toBeGreaterThan(0);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
  });
});

describe("jobs reach the Admin API with the shop's offline session", () => {
  it("refuses a shop without an offline session, and uses the stored token otherwise", async () => {
    emulator = await startEmulator({ seed, appUrl: app.url, apiSecret: app.secret, accessToken: TOKEN, webhooks: { enabled: false } });
    process.env.PEAKGUARD_ADMIN_API_URL = emulator.url;
    try {
      await expect(offlineAdminClient(db.prisma, SHOP)).rejects.toThrow(OfflineSessionMissingError);
      await db.prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: TOKEN } });
      const client = await offlineAdminClient(db.prisma, SHOP);
      expect((await client.request(ShopInfo)).shop.myshopifyDomain).toBe(SHOP);
    } finally {
      delete process.env.PEAKGUARD_ADMIN_API_URL;
    }
  });
});

describe("the emulator's webhooks through the app's receiver", () => {
  it("a store change reaches the app signed, is verified, stored and processed into the mirror", async () => {
    emulator = await startEmulator({ seed, appUrl: app.url, apiSecret: app.secret, accessToken: TOKEN, webhooks: { seed: 7 } });
    const product = seed.products[0]!;
    emulator.store.updateProduct(product.id, { title: "Renamed by the merchant" });
    await emulator.webhooks.flush();
    expect(app.statuses).toContain(200);
    const events = await forShop(db.prisma, SHOP).webhookEvent.findMany();
    expect(events.map((e) => e.topic)).toContain("products/update");
    await processDueEvents(db.prisma);
    const mirrored = await forShop(db.prisma, SHOP).product.findFirst({ where: { id: `gid://shopify/Product/${product.id}` } });
    expect(mirrored?.title).toBe("Renamed by the merchant");
  });

  it("a webhook signed with another secret is refused with 401 and nothing is stored", async () => {
    emulator = await startEmulator({
      seed, appUrl: app.url, apiSecret: "not-the-app-secret", accessToken: TOKEN,
      webhooks: { seed: 7, timeScale: 0.000001 },
    });
    app.statuses.length = 0;
    emulator.store.updateProduct(seed.products[0]!.id, { title: "Forged" });
    await emulator.webhooks.flush();
    expect(app.statuses.length).toBeGreaterThan(0);
    expect(new Set(app.statuses)).toEqual(new Set([401]));
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });
});
