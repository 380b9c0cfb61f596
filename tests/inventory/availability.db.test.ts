/**
 * Cart availability (cartAvailability: one row per SKU) on the database: its totals are
 * the publisher's rule applied to levelAtps/computeAtp per SKU on every branch of the
 * formula (negatives, in transit, holds, safety stock), only online locations count,
 * unknown SKUs are unknown (not 0), duplicate SKUs — in the request and in the mirror —
 * are handled, the input is limited with errors that name the problem, the shop is kept.
 * On PostgreSQL the pg pool's prepared statement answers what the Prisma path answers.
 */
import type { Prisma } from "@prisma/client";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { levelAtps, type AtpReadOptions } from "~/services/inventory/atp.server";
import { availabilityRowsOf, availabilitySql, cartAvailability, checkSkus, MAX_AVAILABILITY_SKUS } from "~/services/inventory/availability.server";
import { preparedAtpStatement } from "~/services/inventory/atp.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { LOC, OTHER_SHOP, SHOP, T0, itemId, seedLocations, seedVariants } from "./seed";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const scoped = () => forShop(db.prisma, SHOP);
const later = new Date(T0.getTime() + 60_000);
const SKUS = ["A-1", "A-2", "A-3", "A-4", "UNTRACKED"];

beforeEach(async () => {
  await db.reset();
  await seedLocations(db.prisma);
  await seedVariants(db.prisma, [
    // 1: plain; 2: incoming and safety stock; 3: holds past ATP (negative at Dublin); 4: committed on transfers ready to ship
    { n: 1, sku: "A-1", levels: [{ location: LOC.brooklyn, available: 5 }, { location: LOC.chicago, available: 0 }] },
    { n: 2, sku: "A-2", levels: [{ location: LOC.brooklyn, available: 3, incoming: 4, safetyStock: 2 }] },
    { n: 3, sku: "A-3", levels: [{ location: LOC.dublin, available: 1, committed: 2, reserved: 1 }, { location: LOC.chicago, available: 4 }] },
    { n: 4, sku: "A-4", levels: [{ location: LOC.brooklyn, available: 6, committed: 5 }, { location: LOC.chicago, available: 2, committed: 1 }] },
    { n: 5, sku: "UNTRACKED", tracked: false, levels: [{ location: LOC.brooklyn, available: 9 }] },
    // The same SKU on two items (a merchant's mistake the mirror flags): holds refuse it.
    { n: 6, sku: "DUP", levels: [{ location: LOC.brooklyn, available: 3 }] },
    { n: 7, sku: "DUP", levels: [{ location: LOC.chicago, available: 4 }] },
    // A SKU whose only level is inactive (disconnected): nothing to promise from the mirror.
    { n: 8, sku: "GONE", levels: [{ location: LOC.brooklyn, available: 7 }] },
  ]);
  const db0 = scoped();
  await db0.inventoryLevel.updateMany({ where: { inventoryItemId: itemId(3), locationId: LOC.dublin }, data: { peakguardHolds: 4 } });
  await db0.inventoryLevel.updateMany({ where: { inventoryItemId: itemId(2) }, data: { available: 1, availableAt: later, availableSource: "webhook" } });
  await db0.inventoryLevel.updateMany({ where: { inventoryItemId: itemId(8) }, data: { active: false } });
  const transfer = (id: string, data: Partial<Prisma.InventoryTransferUncheckedCreateInput> & { lines: unknown }) =>
    db0.inventoryTransfer.create({
      data: { shop: SHOP, id, kind: "transfer", status: "READY_TO_SHIP", shopifyUpdatedAt: T0, source: "webhook", ...data } as Prisma.InventoryTransferUncheckedCreateInput,
    });
  await transfer("gid://shopify/InventoryTransfer/1", { originLocationId: LOC.brooklyn, lines: [{ inventoryItemId: itemId(4), quantity: 4, shipped: 1, received: 0 }] });
  await transfer("gid://shopify/InventoryTransfer/2", { originLocationId: LOC.chicago, lines: [{ inventoryItemId: itemId(4), quantity: 5, shipped: 0, received: 0 }] });
  await seedLocations(db.prisma, OTHER_SHOP);
  await seedVariants(db.prisma, [{ n: 1, sku: "A-1", levels: [{ location: LOC.brooklyn, available: 500 }] }], OTHER_SHOP);
});

/** The publisher's rule over levelAtps (computeAtp per level), per SKU: what cartAvailability must answer. */
async function expectedFromLevels(skus: string[], online: ReadonlySet<string>) {
  const levels = await levelAtps(scoped(), { skus }, { pool: null });
  return skus.map((sku) => {
    const mine = levels.filter((l) => l.sku === sku && online.has(l.locationId)).sort((a, b) => (a.locationId < b.locationId ? -1 : 1));
    const all = levels.filter((l) => l.sku === sku);
    const asOfs = (mine.length > 0 ? mine : all).map((l) => l.asOf);
    return {
      sku,
      available: mine.reduce((sum, l) => sum + Math.max(0, l.atp), 0),
      byLocation: { locationIds: mine.map((l) => l.locationId), atp: mine.map((l) => l.atp) },
      negative: mine.some((l) => l.atp < 0),
      duplicate: false,
      asOf: Math.min(...asOfs),
    };
  });
}

function describeReads(label: string, options: () => AtpReadOptions) {
  describe(`cartAvailability (${label})`, () => {
    it("totals what levelAtps and computeAtp give per SKU, on every branch of the formula", async () => {
      const result = await cartAvailability(scoped(), SKUS, options());
      const expected = await expectedFromLevels(SKUS, new Set(Object.values(LOC)));
      expect(result).toEqual({ items: expected, unknown: [] });
      const of = (sku: string) => result.items.find((i) => i.sku === sku)!;
      expect(of("A-1").available).toBe(5);
      // available 1 (webhook newer than the full read) + incoming 4; its asOf is the full read's, the older term
      expect(of("A-2")).toMatchObject({ available: 5, asOf: T0.getTime() });
      // Dublin: 1 − 4 holds = −3, shown as it is and flagged; it counts 0, Chicago's 4 count
      expect(of("A-3")).toMatchObject({ available: 4, negative: true, byLocation: { locationIds: [LOC.chicago, LOC.dublin], atp: [4, -3] } });
      // Brooklyn 6 (2 of the 5 committed are the transfer's), Chicago 2
      expect(of("A-4")).toMatchObject({ available: 8, negative: false });
      expect(of("UNTRACKED").available).toBe(9);
    });

    it("counts only locations that are active and fulfil online orders, as the publisher does", async () => {
      await db.prisma.location.updateMany({ where: { shop: SHOP, id: LOC.chicago }, data: { fulfillsOnlineOrders: false } });
      await db.prisma.location.updateMany({ where: { shop: SHOP, id: LOC.dublin }, data: { isActive: false } });
      const result = await cartAvailability(scoped(), SKUS, options());
      expect(result.items).toEqual(await expectedFromLevels(SKUS, new Set([LOC.brooklyn])));
      // A-3 sells nowhere online now: 0, not negative (Dublin is not a selling location), asOf from all its levels
      expect(result.items.find((i) => i.sku === "A-3")).toMatchObject({ available: 0, negative: false, byLocation: { locationIds: [], atp: [] }, asOf: T0.getTime() });
    });

    it("reports unknown SKUs as unknown, each asked SKU once, in the order asked, in the shop only", async () => {
      const result = await cartAvailability(scoped(), ["NOPE", " A-4 ", "A-1", "A-4", "GONE", "NOPE"], options());
      expect(result.items.map((i) => [i.sku, i.available])).toEqual([["A-4", 8], ["A-1", 5]]);
      expect(result.unknown).toEqual(["NOPE", "GONE"]);
      const other = await cartAvailability(forShop(db.prisma, OTHER_SHOP), ["A-1", "A-4"], options());
      expect(other).toMatchObject({ items: [{ sku: "A-1", available: 500 }], unknown: ["A-4"] });
    });

    it("flags a SKU on two items and promises none of it (holds refuse it)", async () => {
      const result = await cartAvailability(scoped(), ["DUP"], options());
      expect(result.items).toEqual([
        { sku: "DUP", available: 0, duplicate: true, negative: false, byLocation: { locationIds: [LOC.brooklyn, LOC.chicago], atp: [3, 4] }, asOf: T0.getTime() },
      ]);
    });

    it("takes an item's SKU as levelAtps does: its first variant's, else the item's own (no variant, or a variant without one)", async () => {
      const db0 = scoped();
      const level = (n: number, available: number) =>
        db0.inventoryLevel.create({ data: { shop: SHOP, inventoryItemId: itemId(n), locationId: LOC.brooklyn, available, availableAt: T0, availableSource: "webhook" } });
      // 20: an item with no variant mirrored, its own SKU; 21: a variant with no SKU, the item's SKU counts
      await db0.inventoryItem.create({ data: { shop: SHOP, id: itemId(20), sku: "LOOSE", shopifyUpdatedAt: T0, source: "webhook" } });
      await level(20, 6);
      await db0.variant.create({ data: { shop: SHOP, id: "gid://shopify/ProductVariant/21", productId: "gid://shopify/Product/81", sku: null, inventoryItemId: itemId(21), shopifyUpdatedAt: T0, source: "webhook" } });
      await db0.inventoryItem.create({ data: { shop: SHOP, id: itemId(21), sku: "ITEM-ONLY", shopifyUpdatedAt: T0, source: "webhook" } });
      await level(21, 2);
      // 22: the item says "STALE" but its variant says "FRESH": the variant's SKU wins, "STALE" is unknown
      await db0.variant.create({ data: { shop: SHOP, id: "gid://shopify/ProductVariant/22", productId: "gid://shopify/Product/81", sku: "FRESH", inventoryItemId: itemId(22), shopifyUpdatedAt: T0, source: "webhook" } });
      await db0.inventoryItem.create({ data: { shop: SHOP, id: itemId(22), sku: "STALE", shopifyUpdatedAt: T0, source: "webhook" } });
      await level(22, 3);
      const skus = ["LOOSE", "ITEM-ONLY", "FRESH"];
      const result = await cartAvailability(scoped(), [...skus, "STALE"], options());
      expect(result.items).toEqual(await expectedFromLevels(skus, new Set(Object.values(LOC))));
      expect(result.items.map((i) => [i.sku, i.available])).toEqual([["LOOSE", 6], ["ITEM-ONLY", 2], ["FRESH", 3]]);
      expect(result.unknown).toEqual(["STALE"]);
    });

    it("refuses bad input with an error naming the problem", async () => {
      await expect(cartAvailability(scoped(), [], options())).rejects.toThrow(/No SKUs given/);
      const many = Array.from({ length: MAX_AVAILABILITY_SKUS + 1 }, (_, i) => `S-${i}`);
      await expect(cartAvailability(scoped(), many, options())).rejects.toThrow(/101 distinct SKUs given; at most 100 per request/);
      // 100 distinct after removing repeats is within the limit
      expect((await cartAvailability(scoped(), [...many.slice(0, 100), "S-0"], options())).unknown).toHaveLength(100);
      await expect(cartAvailability(scoped(), ["A-1", "  "], options())).rejects.toThrow(/SKU 2 is empty/);
    });
  });
}

describeReads("Prisma $queryRaw", () => ({ pool: null }));

describe("checkSkus and the statement", () => {
  it("names each problem", () => {
    expect(checkSkus(["A", 7])).toEqual({ ok: false, code: "invalid_sku", message: "SKU 2 is not a string: 7" });
    expect(checkSkus(["x".repeat(256)])).toMatchObject({ ok: false, code: "invalid_sku", message: "SKU 1 is 256 characters; a SKU has at most 255" });
    expect(checkSkus([" A ", "A", "B"])).toEqual({ ok: true, skus: ["A", "B"] });
  });

  it("is one named statement per shape, array rows named by their fields", () => {
    const a = preparedAtpStatement(availabilitySql(SHOP, ["A-1"]));
    expect(a.name).toBe(preparedAtpStatement(availabilitySql(SHOP, ["A-2", "A-3"])).name);
    expect(a.text).toMatch(/GROUP BY a\.sku/);
    const fields = ["asOf", "sku", "duplicate", "total", "locationIds", "atps", "negative"].map((name) => ({ name }));
    expect(availabilityRowsOf({ fields, rows: [["1000", "S", false, 3, ["L"], [3], false]] })).toEqual([{ asOf: 1000, sku: "S", duplicate: false, total: 3, locationIds: ["L"], atps: [3], negative: false }]);
    expect(() => availabilityRowsOf({ fields: fields.slice(1), rows: [] })).toThrow(/no column "asOf"/);
  });

  it("reads only level columns in the key of InventoryLevel_atp_read_idx (an index-only scan, no heap page per level)", async () => {
    const [index] = await db.prisma.$queryRaw<{ indexdef: string }[]>`SELECT indexdef FROM pg_indexes WHERE indexname = 'InventoryLevel_atp_read_idx'`;
    expect(index, "the migration creates InventoryLevel_atp_read_idx").toBeDefined();
    // "CREATE INDEX … USING btree (shop, \"inventoryItemId\", active, …)": lower-case names unquoted
    const keyColumns = new Set(index!.indexdef.replace(/^[^(]*\(|\)$/g, "").split(",").map((c) => c.trim().replace(/^"|"$/g, "")));
    const read = new Set([...availabilitySql(SHOP, ["A-1"]).text.matchAll(/\bl\."(\w+)"/g)].map((m) => m[1]!));
    expect([...read].sort()).toEqual(expect.arrayContaining(["active", "available", "committed", "inventoryItemId", "locationId", "onHand", "peakguardHolds", "shop"]));
    expect([...read].filter((c) => !keyColumns.has(c))).toEqual([]);
  });
});

// The pg pool path needs a PostgreSQL server: registered when the tests run on one (TEST_DATABASE_URL).
const POSTGRES_URL = process.env.TEST_DATABASE_URL && /^postgres(ql)?:\/\//.test(process.env.TEST_DATABASE_URL) ? process.env.TEST_DATABASE_URL : null;
if (POSTGRES_URL) {
  let pool: pg.Pool | null = null;
  beforeAll(async () => {
    const [row] = await db.prisma.$queryRaw<{ schema: string }[]>`SELECT current_schema()::text AS schema`;
    pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2, options: `-c search_path="${row!.schema}"` });
  });
  afterAll(async () => {
    await pool?.end();
  });
  describeReads("pg pool, prepared statement", () => ({ pool }));

  it("answers on the pool what the Prisma path answers, read after read (the plan reused)", async () => {
    for (let round = 0; round < 7; round += 1) {
      for (const skus of [SKUS, ["DUP", "NOPE"], ["A-3"]]) {
        expect(await cartAvailability(scoped(), skus, { pool })).toEqual(await cartAvailability(scoped(), skus, { pool: null }));
      }
    }
  });
}
