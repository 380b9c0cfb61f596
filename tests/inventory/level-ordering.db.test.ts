/**
 * The ordering rule for a level's `available` (mirror.server.ts, writeAvailable): a total
 * order on (updated_at, X-Shopify-Triggered-At). Shopify's REST `updated_at` has one-second
 * resolution, so a drop updates one level several times in one second: the later-triggered
 * event wins, an equal pair is a duplicate, an older second stays stale. A full read
 * (reconcile, GraphQL) has no trigger time and ranks last in its second.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { BulkApplier } from "~/services/inventory/bulk-apply.server";
import { classifyLine } from "~/services/inventory/bulk-query";
import { availableFromWebhook, writeAvailable, writeLevelRead, quantitiesFrom } from "~/services/inventory/mirror.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { deliverAndProcess, SHOP } from "../webhooks/helpers";
import { LOC, itemId, seedLocations, seedVariants } from "./seed";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

// Times well before any real clock this runs on: a delivery without X-Shopify-Triggered-At
// ranks by the time we received it, which must then be later than these trigger times.
const BASE = new Date("2026-01-01T00:00:00Z");
const S = "2026-01-02T10:00:00Z"; // one updated_at second
const SECOND = new Date(S);
const at = (ms: number) => new Date(SECOND.getTime() + ms).toISOString();
const NOW = new Date("2026-01-02T12:00:00Z");

beforeEach(async () => {
  await db.reset();
  await seedLocations(db.prisma, SHOP);
  await seedVariants(db.prisma, [{ n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 10 }] }], SHOP);
  await scoped().inventoryLevel.updateMany({ data: { availableAt: BASE, breakdownAt: BASE } });
});

const scoped = () => forShop(db.prisma, SHOP);
const numeric = (gid: string) => Number(gid.split("/").pop());
const levelPayload = (available: number, updatedAt: string, location = LOC.brooklyn) => ({
  inventory_item_id: numeric(itemId(1)),
  location_id: numeric(location),
  available,
  updated_at: updatedAt,
});
const level = async (location = LOC.brooklyn) =>
  (await scoped().inventoryLevel.findFirst({ where: { inventoryItemId: itemId(1), locationId: location } }))!;
const update = (available: number, available_at: string, triggeredAt: string) =>
  deliverAndProcess(db.prisma, { topic: "inventory_levels/update", body: levelPayload(available, available_at), triggeredAt });
const outcomes = async () => (await scoped().webhookEvent.findMany({ orderBy: { receivedAt: "asc" } })).map((e) => e.outcome);

describe("inventory_levels/update within one updated_at second", () => {
  it("two updates of the same second delivered in trigger order: both apply, the later stays", async () => {
    await update(9, S, at(100));
    await update(8, S, at(600));
    expect(await outcomes()).toEqual([expect.stringMatching(/available 9 .*: applied/), expect.stringMatching(/available 8 .*: applied/)]);
    const row = await level();
    expect(row).toMatchObject({ available: 8, availableSource: "webhook" });
    expect(row.availableAt.toISOString()).toBe("2026-01-02T10:00:00.000Z");
    expect(row.availableTriggeredAt?.toISOString()).toBe(at(600));
  });

  it("delivered in reverse: the later-triggered figure stays, the earlier one is stale", async () => {
    await update(8, S, at(600));
    await update(9, S, at(100));
    expect(await outcomes()).toEqual([expect.stringMatching(/available 8 .*: applied/), expect.stringMatching(/available 9 .*: stale/)]);
    expect(await level()).toMatchObject({ available: 8 });
  });

  it("an equal (updated_at, triggered_at) pair is the same event again: stale, nothing changes", async () => {
    await update(8, S, at(600));
    // A different event id, so the receiver does not already drop it as a duplicate delivery.
    await update(7, S, at(600));
    expect((await outcomes())[1]).toMatch(/available 7 .*: stale/);
    expect(await level()).toMatchObject({ available: 8 });
  });

  it("an older second stays stale however late it was triggered; a newer second wins however early", async () => {
    await update(8, S, at(600));
    await update(5, "2026-01-02T09:59:59Z", at(900));
    expect(await level()).toMatchObject({ available: 8 });
    await update(4, "2026-01-02T10:00:01Z", at(50));
    const row = await level();
    expect(row).toMatchObject({ available: 4 });
    expect(row.availableTriggeredAt?.toISOString()).toBe(at(50));
    expect((await outcomes()).slice(1)).toEqual([expect.stringMatching(/available 5 .*: stale/), expect.stringMatching(/available 4 .*: applied/)]);
  });

  it("without X-Shopify-Triggered-At the time we received the event stands in (later than any trigger time of that second here)", async () => {
    await update(8, S, at(600));
    await deliverAndProcess(db.prisma, { topic: "inventory_levels/update", body: levelPayload(6, S), omit: ["X-Shopify-Triggered-At"] });
    const [event] = await scoped().webhookEvent.findMany({ where: { triggeredAt: null } });
    expect(event!.outcome).toMatch(/available 6 .*: applied/);
    const row = await level();
    expect(row).toMatchObject({ available: 6 });
    expect(row.availableTriggeredAt?.getTime()).toBe(event!.receivedAt.getTime());
  });

  it("a level created by a webhook keeps its trigger time for the next same-second event", async () => {
    await update(8, S, at(600));
    await deliverAndProcess(db.prisma, { topic: "inventory_levels/connect", body: levelPayload(3, S, LOC.dublin), triggeredAt: at(500) });
    await deliverAndProcess(db.prisma, { topic: "inventory_levels/update", body: levelPayload(2, S, LOC.dublin), triggeredAt: at(400) });
    await deliverAndProcess(db.prisma, { topic: "inventory_levels/update", body: levelPayload(1, S, LOC.dublin), triggeredAt: at(700) });
    expect(await level(LOC.dublin)).toMatchObject({ available: 1 });
    expect((await outcomes()).slice(1)).toEqual([
      expect.stringMatching(/available 3 .*: applied/),
      expect.stringMatching(/available 2 .*: stale/),
      expect.stringMatching(/available 1 .*: applied/),
    ]);
  });

  it("an invalid trigger time is refused with a clear error", () => {
    expect(() => availableFromWebhook(levelPayload(1, S), new Date("not a date"))).toThrow(/trigger time is not a valid date/);
  });
});

describe("a full read (reconcile, GraphQL) against a webhook of the same second", () => {
  const read = (available: number, updatedAt: string) => ({
    inventoryItemId: itemId(1),
    locationId: LOC.brooklyn,
    quantities: quantitiesFrom([
      { name: "available", quantity: available },
      { name: "on_hand", quantity: available + 1 },
      { name: "committed", quantity: 1 },
    ]),
    updatedAt: new Date(updatedAt),
  });

  it("a read of the webhook's second replaces it and ranks last in that second; a later webhook second wins again", async () => {
    await update(8, S, at(600));
    expect(await writeLevelRead(scoped(), SHOP, read(5, S), "reconcile", NOW)).toBe("applied");
    let row = await level();
    expect(row).toMatchObject({ available: 5, availableSource: "reconcile", availableTriggeredAt: null });
    // Any webhook of that second, even triggered at its very end, is now stale.
    await update(3, S, at(999));
    expect(await level()).toMatchObject({ available: 5, availableSource: "reconcile" });
    expect((await outcomes())[1]).toMatch(/available 3 .*: stale/);
    await update(2, "2026-01-02T10:00:01Z", at(1001));
    row = await level();
    expect(row).toMatchObject({ available: 2, availableSource: "webhook" });
    expect(row.availableTriggeredAt?.toISOString()).toBe(at(1001));
  });

  it("a read of an older second than the stored webhook only re-confirms", async () => {
    await update(8, S, at(600));
    expect(await writeLevelRead(scoped(), SHOP, read(5, "2026-01-02T09:59:59Z"), "reconcile", NOW)).toBe("stale");
    expect(await level()).toMatchObject({ available: 8, availableSource: "webhook" });
  });

  it("the bulk reconcile's batched writer does the same: a same-second line replaces the webhook and clears its trigger time", async () => {
    await update(8, S, at(600));
    const line = classifyLine({
      id: `gid://shopify/InventoryLevel/1?inventory_item_id=${numeric(itemId(1))}`,
      updatedAt: S,
      location: { id: LOC.brooklyn },
      quantities: [
        { name: "available", quantity: 5 },
        { name: "on_hand", quantity: 6 },
      ],
      __parentId: itemId(1),
    });
    if (line.kind !== "level") throw new Error("fixture is not a level line");
    const applier = new BulkApplier(scoped(), SHOP, "USD");
    applier.add(line);
    expect(await applier.flush(NOW)).toMatchObject({ applied: 1, stale: 0 });
    expect(await level()).toMatchObject({ available: 5, onHand: 6, availableSource: "reconcile", availableTriggeredAt: null });
    await update(3, S, at(999));
    expect(await level()).toMatchObject({ available: 5 });
  });
});

describe("concurrent writers of one level (8 at once)", () => {
  const shuffled = <T>(list: T[], seed: number): T[] => {
    const out = [...list];
    let s = seed;
    for (let i = out.length - 1; i > 0; i -= 1) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };

  for (const existing of [true, false]) {
    it(`the latest (updated_at, triggered_at) wins whatever the interleaving (${existing ? "existing level" : "level not yet mirrored"})`, async () => {
      const location = existing ? LOC.brooklyn : LOC.chicago;
      for (let round = 0; round < 5; round += 1) {
        if (!existing) await scoped().inventoryLevel.deleteMany({ where: { locationId: LOC.chicago } });
        const second = new Date(SECOND.getTime() + round * 1000);
        // Eight events of one second, available 100 + their trigger order; the last-triggered has 107.
        const events = Array.from({ length: 8 }, (_, i) => ({
          inventoryItemId: itemId(1),
          locationId: location,
          available: 100 + i,
          updatedAt: second,
          triggeredAt: new Date(second.getTime() + 10 + i * 100),
        }));
        const results = await Promise.all(shuffled(events, round + (existing ? 1 : 7)).map((e) => writeAvailable(forShop(db.prisma, SHOP), SHOP, e, "webhook", NOW)));
        expect(results).toContain("applied");
        const row = await level(location);
        expect(row.available).toBe(107);
        expect(row.availableTriggeredAt?.getTime()).toBe(second.getTime() + 710);
      }
    });
  }
});
