/**
 * The ATP read (levelAtps: one statement) on the database: the ATP it computes in
 * SQL equals computeAtp's for every branch of the formula; its in_transit_out
 * equals the mirror's transitOutByLevel; reads by SKU and by item agree; the raw
 * statement stays inside the shop.
 */
import type { Prisma } from "@prisma/client";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { atpRowsOf, atpSql, levelAtps, preparedAtpStatement, type AtpRow } from "~/services/inventory/atp.server";
import { transitOutByLevel } from "~/services/inventory/mirror.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { LOC, OTHER_SHOP, SHOP, T0, itemId, seedLocations, seedVariants, variantId } from "./seed";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const scoped = () => forShop(db.prisma, SHOP);
const later = new Date(T0.getTime() + 60_000);

async function transfer(id: string, data: Partial<Prisma.InventoryTransferUncheckedCreateInput> & { lines: unknown }) {
  await scoped().inventoryTransfer.create({
    data: { shop: SHOP, id, kind: "transfer", status: "READY_TO_SHIP", shopifyUpdatedAt: T0, source: "webhook", ...data } as Prisma.InventoryTransferUncheckedCreateInput,
  });
}

beforeEach(async () => {
  await db.reset();
  await seedLocations(db.prisma);
  await seedVariants(db.prisma, [
    // 1: plain; 2: incoming and safety stock; 3: holds past ATP (negative); 4: committed on a transfer ready to ship
    { n: 1, sku: "A-1", levels: [{ location: LOC.brooklyn, available: 5 }, { location: LOC.chicago, available: 0 }] },
    { n: 2, sku: "A-2", levels: [{ location: LOC.brooklyn, available: 3, incoming: 4, safetyStock: 2 }] },
    { n: 3, sku: "A-3", levels: [{ location: LOC.dublin, available: 1, committed: 2, reserved: 1 }] },
    { n: 4, sku: "A-4", levels: [{ location: LOC.brooklyn, available: 6, committed: 5 }, { location: LOC.chicago, available: 2, committed: 1 }] },
    { n: 5, sku: "UNTRACKED", tracked: false, levels: [{ location: LOC.brooklyn, available: 9 }] },
  ]);
  const db0 = scoped();
  await db0.inventoryLevel.updateMany({ where: { inventoryItemId: itemId(3) }, data: { peakguardHolds: 4 } });
  // A webhook newer than the full read: on_hand is derived from available.
  await db0.inventoryLevel.updateMany({ where: { inventoryItemId: itemId(2) }, data: { available: 1, availableAt: later, availableSource: "webhook" } });
  // A level whose item and variant are not mirrored yet (webhook order).
  await db0.inventoryLevel.create({
    data: { shop: SHOP, inventoryItemId: itemId(9), locationId: LOC.dublin, available: 2, availableAt: T0, availableSource: "webhook" },
  });
  // Transfers from Brooklyn: 4 of item 4 (1 shipped on the line, 2 on a shipment), and more than Chicago commits of item 4.
  await transfer("gid://shopify/InventoryTransfer/1", {
    originLocationId: LOC.brooklyn,
    lines: [{ inventoryItemId: itemId(4), quantity: 4, shipped: 1, received: 0 }, { inventoryItemId: itemId(1), quantity: 2, shipped: 0, received: 0 }, "junk", { quantity: 3 }],
  });
  await db0.inventoryTransfer.create({
    data: { shop: SHOP, id: "gid://shopify/InventoryShipment/1", kind: "shipment", transferId: "gid://shopify/InventoryTransfer/1", status: "IN_TRANSIT", lines: [{ inventoryItemId: itemId(4), quantity: 2, shipped: 2, received: 0 }], shopifyUpdatedAt: T0, source: "webhook" },
  });
  await transfer("gid://shopify/InventoryTransfer/2", { originLocationId: LOC.chicago, lines: [{ inventoryItemId: itemId(4), quantity: 5, shipped: 0, received: 0 }] });
  // Not in transit out: a draft transfer, a deleted one, one with no origin.
  await transfer("gid://shopify/InventoryTransfer/3", { status: "DRAFT", originLocationId: LOC.brooklyn, lines: [{ inventoryItemId: itemId(1), quantity: 9 }] });
  await transfer("gid://shopify/InventoryTransfer/4", { originLocationId: LOC.brooklyn, deletedAt: T0, lines: [{ inventoryItemId: itemId(1), quantity: 9 }] });
  await transfer("gid://shopify/InventoryTransfer/5", { lines: [{ inventoryItemId: itemId(1), quantity: 9 }] });
  // The same ids in another shop must never be read.
  await seedLocations(db.prisma, OTHER_SHOP);
  await seedVariants(db.prisma, [{ n: 1, sku: "A-1", levels: [{ location: LOC.brooklyn, available: 500 }] }], OTHER_SHOP);
});

describe("the ATP statement", () => {
  it("computes in SQL the ATP computeAtp computes, for every level", async () => {
    const rows = await db.prisma.$queryRaw<AtpRow[]>(atpSql(SHOP));
    const atps = await levelAtps(scoped());
    expect(atps).toHaveLength(rows.length);
    expect(rows.length).toBe(8);
    expect(atps.map((a) => [a.inventoryItemId, a.locationId, a.atp])).toEqual(rows.map((r) => [r.inventoryItemId, r.locationId, r.atp]));
    const of = (n: number, loc: string) => atps.find((a) => a.inventoryItemId === itemId(n) && a.locationId === loc)!;
    expect(of(1, LOC.brooklyn).atp).toBe(5);
    // available 1 (newer than the full read) + incoming 4: safety stock is inside on_hand, so it is not taken twice
    expect(of(2, LOC.brooklyn)).toMatchObject({ atp: 5, terms: { onHand: 3, inTransitIn: 4, safetyStock: 2 } });
    expect(of(2, LOC.brooklyn).flags.map((f) => f.code)).toContain("on_hand_derived");
    expect(of(3, LOC.dublin).atp).toBe(-3);
    expect(of(3, LOC.dublin).flags.map((f) => f.code)).toContain("negative");
    // Brooklyn: 4 − max(1 shipped, 2 on the shipment) = 2 in transit out, out of committed 5
    expect(of(4, LOC.brooklyn)).toMatchObject({ atp: 6, terms: { inTransitOut: 2 }, reservedParts: { committed: 3 } });
    // Chicago: 5 ready to ship but only 1 committed: capped at 1 and flagged
    expect(of(4, LOC.chicago)).toMatchObject({ atp: 2, terms: { inTransitOut: 1 }, reservedParts: { committed: 0 } });
    expect(of(4, LOC.chicago).flags.map((f) => f.code)).toContain("transit_exceeds_committed");
    expect(of(5, LOC.brooklyn).flags.map((f) => f.code)).toContain("untracked");
    expect(of(9, LOC.dublin)).toMatchObject({ atp: 2, sku: null, variantId: null, locationName: "Dublin Grafton Street Store" });
  });

  it("reads in_transit_out as the mirror's transitOutByLevel does", async () => {
    const rows = await db.prisma.$queryRaw<AtpRow[]>(atpSql(SHOP));
    const expected = await transitOutByLevel(scoped());
    const fromSql = new Map(rows.filter((r) => r.transitOut !== 0).map((r) => [`${r.inventoryItemId} ${r.locationId}`, r.transitOut]));
    expect(fromSql).toEqual(new Map([...expected].filter(([key]) => rows.some((r) => `${r.inventoryItemId} ${r.locationId}` === key))));
    expect(fromSql.get(`${itemId(4)} ${LOC.brooklyn}`)).toBe(2);
    expect(fromSql.get(`${itemId(1)} ${LOC.brooklyn}`)).toBe(2);
  });

  it("reads by SKU what it reads by item, in the same order, and keeps to the shop", async () => {
    const bySku = await levelAtps(scoped(), { skus: ["A-4", "A-1", "NO-SUCH-SKU"] });
    const byItem = await levelAtps(scoped(), { inventoryItemIds: [itemId(1), itemId(4)] });
    expect(bySku).toEqual(byItem);
    expect(bySku.map((a) => [a.sku, a.variantId, a.locationId])).toEqual([
      ["A-1", variantId(1), LOC.brooklyn],
      ["A-1", variantId(1), LOC.chicago],
      ["A-4", variantId(4), LOC.brooklyn],
      ["A-4", variantId(4), LOC.chicago],
    ]);
    const other = await levelAtps(forShop(db.prisma, OTHER_SHOP), { skus: ["A-1"] });
    expect(other.map((a) => a.atp)).toEqual([500]);
    expect(await levelAtps(scoped(), { skus: [] })).toEqual([]);
    expect(await levelAtps(scoped(), { changedAfter: new Date(T0.getTime() + 1) })).toEqual([]);
  });

  it("refuses a client that is not shop-scoped", async () => {
    await expect(levelAtps(db.prisma as never, {})).rejects.toThrow(/not made by forShop/);
  });
});

describe("the prepared statement (PostgreSQL's read path)", () => {
  it("is named after its text, sends dates as UTC ISO strings and asks for array rows", () => {
    const bySku = preparedAtpStatement(atpSql(SHOP, { skus: ["A-1"] }));
    expect(bySku).toMatchObject({ rowMode: "array", values: expect.arrayContaining([SHOP, ["A-1"]]) });
    expect(bySku.name).toMatch(/^peakguard_atp_[0-9a-f]{16}$/);
    // Same shape, other values: the same name (one plan per connection); another shape: another name.
    expect(preparedAtpStatement(atpSql(SHOP, { skus: ["A-2", "A-3"] })).name).toBe(bySku.name);
    expect(preparedAtpStatement(atpSql(SHOP, { inventoryItemIds: [itemId(1)] })).name).not.toBe(bySku.name);
    const since = new Date(Date.UTC(2026, 10, 27, 5, 0, 0, 123));
    expect(preparedAtpStatement(atpSql(SHOP, { changedAfter: since })).values).toContain("2026-11-27T05:00:00.123Z");
  });

  it("names array rows by the result's fields, and says which column is missing", () => {
    const fields = ["atp", "inventoryItemId", "locationId", "available", "onHand", "committed", "reserved", "incoming", "safetyStock", "damaged", "qualityControl",
      "availableAt", "availableSource", "breakdownAt", "breakdownSource", "peakguardHolds", "sku", "variantId", "tracked", "locationName", "transitOut"].map((name) => ({ name }));
    const [row] = atpRowsOf({ fields, rows: [[7, "item", "loc", 1, 2, 3, 4, 5, 6, 7, 8, 1000, "webhook", null, null, 9, "S", "V", true, "L", 10]] });
    expect(row).toEqual({ atp: 7, inventoryItemId: "item", locationId: "loc", available: 1, onHand: 2, committed: 3, reserved: 4, incoming: 5, safetyStock: 6, damaged: 7,
      qualityControl: 8, availableAt: 1000, availableSource: "webhook", breakdownAt: null, breakdownSource: null, peakguardHolds: 9, sku: "S", variantId: "V", tracked: true,
      locationName: "L", transitOut: 10 });
    expect(() => atpRowsOf({ fields: fields.filter((f) => f.name !== "transitOut"), rows: [] })).toThrow(/no column "transitOut"/);
  });

  it("reads times back to the millisecond", async () => {
    const at = new Date(Date.UTC(2026, 10, 27, 5, 59, 59, 999));
    await scoped().inventoryLevel.updateMany({ where: { inventoryItemId: itemId(1), locationId: LOC.brooklyn }, data: { availableAt: at, breakdownAt: new Date(at.getTime() - 877) } });
    const [level] = (await levelAtps(scoped(), { skus: ["A-1"] })).filter((a) => a.locationId === LOC.brooklyn);
    expect([level!.availableAt, level!.breakdownAt]).toEqual(["2026-11-27T05:59:59.999Z", "2026-11-27T05:59:59.122Z"]);
  });

  it("reads through Prisma when told there is no pool", async () => {
    const viaPrisma = await levelAtps(scoped(), { skus: ["A-4"] }, { pool: null });
    expect(viaPrisma.map((a) => [a.sku, a.locationId, a.atp])).toEqual([
      ["A-4", LOC.brooklyn, 6],
      ["A-4", LOC.chicago, 2],
    ]);
  });
});

// The pg pool path needs a PostgreSQL server: registered when the tests run on one (TEST_DATABASE_URL).
const POSTGRES_URL = process.env.TEST_DATABASE_URL && /^postgres(ql)?:\/\//.test(process.env.TEST_DATABASE_URL) ? process.env.TEST_DATABASE_URL : null;
if (POSTGRES_URL) {
  describe("levelAtps on a pg pool (PostgreSQL)", () => {
    let pool: pg.Pool;
    beforeAll(async () => {
      const [row] = await db.prisma.$queryRaw<{ schema: string }[]>`SELECT current_schema()::text AS schema`;
      const schema = row!.schema;
      pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2, options: `-c search_path="${schema}"` });
    });
    afterAll(async () => {
      await pool?.end();
    });

    it("answers what the Prisma path answers, for every query shape, read after read (the plan reused)", async () => {
      const queries = [
        {},
        { skus: ["A-4", "A-1", "NO-SUCH-SKU"] },
        { skus: ["A-3"] },
        { inventoryItemIds: [itemId(1), itemId(9)] },
        { skus: ["A-1", "A-2"], inventoryItemIds: [itemId(2)] },
        { changedAfter: new Date(T0.getTime() - 1) },
        { changedAfter: new Date(T0.getTime() + 1) },
      ];
      // Seven reads of a shape: past PostgreSQL's five custom plans, onto the cached generic one.
      for (let round = 0; round < 7; round += 1) {
        for (const query of queries) {
          const viaPool = await levelAtps(scoped(), query, { pool });
          expect(viaPool).toEqual(await levelAtps(scoped(), query, { pool: null }));
        }
      }
      const all = await levelAtps(scoped(), {}, { pool });
      expect(all).toHaveLength(8);
      expect(all.find((a) => a.inventoryItemId === itemId(4) && a.locationId === LOC.brooklyn)).toMatchObject({ atp: 6, terms: { inTransitOut: 2 } });
      expect(await levelAtps(scoped(), { changedAfter: new Date(T0.getTime() + 1) }, { pool })).toEqual([]);
      expect((await levelAtps(forShop(db.prisma, OTHER_SHOP), { skus: ["A-1"] }, { pool })).map((a) => a.atp)).toEqual([500]);
    });
  });
}
