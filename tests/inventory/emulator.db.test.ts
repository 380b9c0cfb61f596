/**
 * The inventory area against the store emulator: the bulk reconcile (JSONL over
 * HTTP, bulk_operations/finish through the app's receiver), inventory webhooks,
 * hard reserves moved into Shopify's reserved quantity and back, and the ATP
 * publisher's metafield writes.
 */
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { readSeedFile } from "../../emulator/store";
import { adminClientFromToken, type AdminClient } from "~/services/admin/client.server";
import { forShop } from "~/services/db/scoped.server";
import { levelAtps } from "~/services/inventory/atp.server";
import { startBulkReconcile } from "~/services/inventory/bulk.server";
import { runShopJobs, setAdminClientFactory, whenBackgroundIdle } from "~/services/inventory/jobs.server";
import { publishAtp } from "~/services/inventory/publish.server";
import { change, hold } from "~/services/reservations/reservations.server";
import { syncPending } from "~/services/reservations/shopify-sync.server";
import { processDueEvents } from "~/services/webhooks/processor.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startAppWebhookServer, type AppWebhookServer } from "../e2e/app-server";

const SEED = path.resolve(__dirname, "../../emulator/seed/default.json");
const seed = readSeedFile(SEED);
const SHOP = seed.shop.myshopifyDomain;
const TOKEN = "shpat_inventory";
const BROOKLYN = "gid://shopify/Location/70100000001";
const JACKET_S_ITEM = "gid://shopify/InventoryItem/8300000000001";
const JACKET_S = "gid://shopify/ProductVariant/8200000000001";

let db: TestDatabase;
let app: AppWebhookServer;
let emulator: RunningEmulator;
let client: AdminClient;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startAppWebhookServer(db.prisma);
});
beforeEach(async () => {
  // Deliver the last test's pending webhooks first: they must not land in the fresh database.
  await emulator?.webhooks.flush();
  await emulator?.close();
  await db.reset();
  emulator = await startEmulator({ seed, appUrl: app.url, apiSecret: app.secret, accessToken: TOKEN, webhooks: { seed: 3 } });
  client = adminClientFromToken({ shop: SHOP, accessToken: TOKEN, endpoint: emulator.graphqlUrl });
  setAdminClientFactory(async () => client);
  await db.prisma.shop.create({ data: { shop: SHOP, currencyCode: "USD" } });
});
afterAll(async () => {
  await emulator?.close();
  await app.close();
  await db.close();
});

const scoped = () => forShop(db.prisma, SHOP);
const seedLevels = seed.products.flatMap((p) => p.variants.flatMap((v) => v.inventoryItem.levels));

async function reconcile(): Promise<void> {
  const started = await startBulkReconcile(scoped(), SHOP, client, new Date());
  expect(started.ok).toBe(true);
  await emulator.api.bulk.whenIdle();
  await emulator.webhooks.flush();
  await processDueEvents(db.prisma);
  await whenBackgroundIdle();
}

describe("bulk reconcile against the emulator", () => {
  it("mirrors locations with coordinates, every level with its named quantities, items and variants; finishes through bulk_operations/finish", async () => {
    await reconcile();
    const sync = await scoped().bulkSync.findFirst();
    expect(sync).toMatchObject({ status: "completed", error: null });
    expect(Number(sync!.bytesRead)).toBe(Number(sync!.fileSize));
    expect(sync!.lines).toBe(sync!.objectCount);
    const locations = await scoped().location.findMany({ orderBy: { id: "asc" } });
    expect(locations.map((l) => [l.name, l.latitude, l.longitude])).toEqual(
      seed.locations.map((l) => [l.name, l.address.latitude, l.address.longitude]),
    );
    expect(await scoped().inventoryLevel.count()).toBe(seedLevels.length);
    const level = await scoped().inventoryLevel.findFirst({ where: { inventoryItemId: JACKET_S_ITEM, locationId: BROOKLYN } });
    const seeded = seed.products[0]!.variants[0]!.inventoryItem.levels[0]!.quantities;
    expect(level).toMatchObject({
      available: seeded.available,
      onHand: seeded.on_hand,
      reserved: seeded.reserved,
      incoming: seeded.incoming,
      safetyStock: seeded.safety_stock,
      availableSource: "reconcile",
      breakdownSource: "reconcile",
    });
    expect(await scoped().variant.count()).toBe(seed.products.reduce((n, p) => n + p.variants.length, 0));
    expect(await scoped().inventoryItem.count({ where: { tracked: false } })).toBe(1);
    const atps = await levelAtps(scoped(), { inventoryItemIds: [JACKET_S_ITEM] });
    const brooklyn = atps.find((a) => a.locationId === BROOKLYN)!;
    expect(brooklyn.atp).toBe(seeded.available! + seeded.incoming!);
    expect(brooklyn.flags.map((f) => f.code)).not.toContain("breakdown_mismatch");
  });

  it("a second reconcile changes nothing (guarded) but re-confirms every figure", async () => {
    await reconcile();
    const before = await scoped().inventoryLevel.findFirst({ where: { inventoryItemId: JACKET_S_ITEM, locationId: BROOKLYN } });
    await new Promise((r) => setTimeout(r, 20));
    await reconcile();
    const after = await scoped().inventoryLevel.findFirst({ where: { inventoryItemId: JACKET_S_ITEM, locationId: BROOKLYN } });
    expect(after!.available).toBe(before!.available);
    expect(after!.syncedAt.getTime()).toBeGreaterThan(before!.syncedAt.getTime());
    const syncs = await scoped().bulkSync.findMany({ orderBy: { startedAt: "asc" } });
    expect(syncs.map((s) => s.status)).toEqual(["completed", "completed"]);
  });
});

describe("inventory webhooks from the emulator", () => {
  it("an adjustment arrives as inventory_levels/update and moves `available`; on_hand is derived and flagged", async () => {
    await reconcile();
    const before = (await levelAtps(scoped(), { inventoryItemIds: [JACKET_S_ITEM] })).find((a) => a.locationId === BROOKLYN)!;
    emulator.advanceClock(5_000);
    emulator.store.applyInventory({ reason: "correction", referenceDocumentUri: null, deltas: [{ itemId: 8300000000001, locationId: 70100000001, name: "available", delta: -4 }] });
    await emulator.webhooks.flush();
    await processDueEvents(db.prisma);
    const after = (await levelAtps(scoped(), { inventoryItemIds: [JACKET_S_ITEM] })).find((a) => a.locationId === BROOKLYN)!;
    expect(after.atp).toBe(before.atp - 4);
    expect(after.availableSource).toBe("webhook");
    expect(after.flags.map((f) => f.code)).toContain("on_hand_derived");
  });
});

describe("hard reserves in Shopify's reserved quantity", () => {
  it("authorize moves the units available → reserved in the emulator; release moves them back; ATP is the same before and after each sync", async () => {
    await reconcile();
    const emulatorLevel = () => emulator.store.level(8300000000001, 70100000001)!.quantities;
    const start = { ...emulatorLevel() };
    const atpNow = async () => (await levelAtps(scoped(), { inventoryItemIds: [JACKET_S_ITEM] })).find((a) => a.locationId === BROOKLYN)!;
    const atp0 = (await atpNow()).atp;

    const held = await hold(scoped(), SHOP, "e2e-hold-0001", { variantId: JACKET_S, locationId: BROOKLYN, quantity: 3 }, { now: new Date() });
    const id = (held.body as { reservation: { id: string } }).reservation.id;
    expect((await atpNow()).atp).toBe(atp0 - 3);
    await change(scoped(), SHOP, "e2e-auth-0001", id, "authorize", {}, new Date());
    expect(await syncPending(scoped(), SHOP, client, new Date())).toMatchObject({ moved: 1 });
    expect(emulatorLevel().available).toBe(start.available - 3);
    expect(emulatorLevel().reserved).toBe(start.reserved + 3);
    const afterPush = await atpNow();
    expect(afterPush.atp).toBe(atp0 - 3);
    expect(afterPush.peakguardHolds).toBe(0);
    expect(afterPush.availableSource).toBe("local");
    // a second sync has nothing to do; the webhook the move caused is stale or equal
    expect(await syncPending(scoped(), SHOP, client, new Date())).toMatchObject({ moved: 0 });
    await emulator.webhooks.flush();
    await processDueEvents(db.prisma);
    expect((await atpNow()).atp).toBe(atp0 - 3);

    await change(scoped(), SHOP, "e2e-release-01", id, "release", {}, new Date());
    expect((await atpNow()).atp).toBe(atp0 - 3); // still reserved in Shopify until the sync moves it back
    expect(await syncPending(scoped(), SHOP, client, new Date())).toMatchObject({ moved: 1 });
    expect(emulatorLevel()).toMatchObject({ available: start.available, reserved: start.reserved });
    expect((await atpNow()).atp).toBe(atp0);
  });

  it("a move Shopify refuses is kept on the reservation and retried with a new key", async () => {
    await reconcile();
    // Only `incoming` backs this hold: Shopify cannot move more than `available`.
    const seeded = seed.products[0]!.variants[0]!.inventoryItem.levels[0]!.quantities;
    const quantity = seeded.available! + 1;
    const held = await hold(scoped(), SHOP, "e2e-hold-incoming", { variantId: JACKET_S, locationId: BROOKLYN, quantity }, { now: new Date() });
    expect(held.body).toMatchObject({ reservation: { quantity } });
    const id = (held.body as { reservation: { id: string } }).reservation.id;
    await change(scoped(), SHOP, "e2e-auth-incoming", id, "authorize", {}, new Date());
    expect(await syncPending(scoped(), SHOP, client, new Date())).toMatchObject({ refused: 1 });
    const row = await scoped().reservation.findFirst({ where: { id } });
    expect(row?.shopifyError).toMatch(/refused: INVALID_QUANTITY_NEGATIVE/);
    expect(row?.shopifyQuantity).toBe(0);
  });
});

describe("publishing ATP to the variant metafields", () => {
  it("writes every variant once, in calls of at most 25, then only the variants whose ATP changed", async () => {
    await reconcile();
    const first = await publishAtp(db.prisma, SHOP, client, new Date());
    const variants = await scoped().variant.count();
    expect(first.written).toBe(variants);
    expect(first.calls).toBe(Math.ceil(variants / 25));
    const metafield = emulator.store.findMetafield("ProductVariant", 8200000000001, "app--9121707--peakguard", "atp");
    expect(metafield).toBeDefined();
    const value = JSON.parse(metafield!.value) as { v: number; total: number; byLocation: Record<string, number>; asOf: number };
    expect(value.v).toBe(1);
    expect(Object.keys(value.byLocation).sort()).toEqual(["70100000001", "70100000002"]); // Dublin does not fulfil online orders

    const again = await publishAtp(db.prisma, SHOP, client, new Date());
    expect(again.written).toBe(0);

    await hold(scoped(), SHOP, "e2e-publish-hold", { variantId: JACKET_S, locationId: BROOKLYN, quantity: 2 }, { now: new Date() });
    const third = await publishAtp(db.prisma, SHOP, client, new Date());
    expect(third).toMatchObject({ written: 1, calls: 1 });
    const updated = JSON.parse(emulator.store.findMetafield("ProductVariant", 8200000000001, "app--9121707--peakguard", "atp")!.value) as typeof value;
    expect(updated.total).toBe(value.total - 2);
    expect(await scoped().atpSample.count({ where: { inventoryItemId: JACKET_S_ITEM } })).toBeGreaterThan(0);
  });
});

describe("the jobs' pass over a shop", () => {
  it("expires due holds, consumes restock events with a level re-read, publishes, and leaves a fresh reconcile alone", async () => {
    await reconcile();
    const t = new Date();
    await hold(scoped(), SHOP, "jobs-hold-0001", { variantId: JACKET_S, locationId: BROOKLYN, quantity: 1, ttlSeconds: 60 }, { now: t });
    // Returned units went back to Shopify's available (the returns area records it); no webhook yet.
    emulator.store.applyInventory({ reason: "restock", referenceDocumentUri: null, deltas: [{ itemId: 8300000000001, locationId: 70100000001, name: "available", delta: 2 }] });
    await scoped().restockEvent.create({
      data: { shop: SHOP, sourceKey: "disposition:gid://shopify/ReverseFulfillmentOrderDisposition/1", inventoryItemId: JACKET_S_ITEM, locationId: BROOKLYN, quantity: 2, via: "return_disposition", occurredAt: t },
    });
    const before = (await scoped().inventoryLevel.findFirst({ where: { inventoryItemId: JACKET_S_ITEM, locationId: BROOKLYN } }))!;
    const report = await runShopJobs(db.prisma, SHOP, client, new Date(t.getTime() + 61_000));
    expect(report).toMatchObject({ expired: 1, restocks: 1, reconcile: null });
    expect(report.published).toBeGreaterThan(0);
    const after = (await scoped().inventoryLevel.findFirst({ where: { inventoryItemId: JACKET_S_ITEM, locationId: BROOKLYN } }))!;
    expect(after.available).toBe(before.available + 2);
    expect(after.availableSource).toBe("local");
    expect(after.peakguardHolds).toBe(0);
    expect((await scoped().restockEvent.findFirst())?.consumedAt).not.toBeNull();
  });
});
