/**
 * The bulk reconcile's batched writers (bulk-apply.server.ts) keep the one-record
 * writers' guards: items, products and variants only when Shopify's updatedAt is
 * newer; a level's full read when at least as new as the stored `available`, and
 * otherwise it only re-confirms it. Duplicates in one batch leave what a
 * line-by-line apply would.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { BulkApplier } from "~/services/inventory/bulk-apply.server";
import { classifyLine, type BulkItemLine, type BulkLevelLine } from "~/services/inventory/bulk-query";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { LOC, OTHER_SHOP, SHOP } from "./seed";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.reset();
});

const scoped = () => forShop(db.prisma, SHOP);
const NOW = new Date("2026-11-27T08:00:00Z");

function itemLine(n: number, updatedAt: string, over: { sku?: string; productUpdatedAt?: string; title?: string; variant?: null } = {}): BulkItemLine {
  const raw = {
    id: `gid://shopify/InventoryItem/${n}`,
    tracked: true,
    updatedAt,
    variant:
      over.variant === null
        ? null
        : {
            id: `gid://shopify/ProductVariant/${n}`,
            sku: over.sku ?? `SKU-${n}`,
            barcode: "4006381333931",
            price: "12.50",
            updatedAt,
            product: { id: "gid://shopify/Product/1", title: over.title ?? "Tee", handle: "tee", status: "ACTIVE", tags: ["drop", "x"], updatedAt: over.productUpdatedAt ?? updatedAt },
            gtin: { value: "04006381333931" },
            isbn: null,
          },
  };
  const line = classifyLine(raw);
  if (line.kind !== "item") throw new Error("fixture is not an item line");
  return line;
}

function levelLine(n: number, location: string, available: number, updatedAt: string): BulkLevelLine {
  const line = classifyLine({
    id: `gid://shopify/InventoryLevel/${n}?inventory_item_id=${n}`,
    updatedAt,
    location: { id: location },
    quantities: [
      { name: "available", quantity: available },
      { name: "on_hand", quantity: available + 2 },
      { name: "committed", quantity: 2 },
      { name: "incoming", quantity: 1 },
    ],
    __parentId: `gid://shopify/InventoryItem/${n}`,
  });
  if (line.kind !== "level") throw new Error("fixture is not a level line");
  return line;
}

async function apply(lines: (BulkItemLine | BulkLevelLine)[], shop = SHOP) {
  const applier = new BulkApplier(forShop(db.prisma, shop), shop, "USD");
  for (const line of lines) applier.add(line);
  return applier.flush(NOW);
}

describe("batched reconcile writes", () => {
  it("writes items, their variant and product, and levels with every named quantity", async () => {
    const outcome = await apply([itemLine(1, "2026-11-27T04:00:00Z"), itemLine(2, "2026-11-27T04:00:00Z", { variant: null }), levelLine(1, LOC.brooklyn, 7, "2026-11-27T04:00:00Z")]);
    expect(outcome).toEqual({ applied: 3, stale: 0, skipped: 0 });
    const item = await scoped().inventoryItem.findFirst({ where: { id: "gid://shopify/InventoryItem/1" } });
    expect(item).toMatchObject({ sku: "SKU-1", variantId: "gid://shopify/ProductVariant/1", tracked: true, identifiers: { "custom.gtin": "04006381333931" }, source: "reconcile", syncedAt: NOW });
    expect(item!.shopifyUpdatedAt.toISOString()).toBe("2026-11-27T04:00:00.000Z");
    expect(await scoped().inventoryItem.findFirst({ where: { id: "gid://shopify/InventoryItem/2" } })).toMatchObject({ sku: null, variantId: null, identifiers: null });
    expect(await scoped().variant.findFirst({ where: { id: "gid://shopify/ProductVariant/1" } })).toMatchObject({ sku: "SKU-1", priceCents: 1250, inventoryItemId: "gid://shopify/InventoryItem/1", productId: "gid://shopify/Product/1" });
    expect(await scoped().product.findFirst()).toMatchObject({ title: "Tee", status: "active", tags: ["drop", "x"] });
    const level = await scoped().inventoryLevel.findFirst();
    expect(level).toMatchObject({ available: 7, onHand: 9, committed: 2, incoming: 1, availableSource: "reconcile", breakdownSource: "reconcile", active: true, peakguardHolds: 0, changedAt: NOW });
    expect(level!.breakdownAt!.toISOString()).toBe("2026-11-27T04:00:00.000Z");
  });

  it("never overwrites newer figures: an older item is stale; an older level read only re-confirms the level", async () => {
    await apply([itemLine(1, "2026-11-27T05:00:00Z", { title: "New title" }), levelLine(1, LOC.brooklyn, 7, "2026-11-27T05:00:00Z")]);
    await scoped().inventoryLevel.updateMany({ data: { peakguardHolds: 2, syncedAt: new Date("2026-11-27T05:30:00Z") } });
    const outcome = await apply([itemLine(1, "2026-11-27T04:00:00Z", { sku: "OLD", title: "Old title" }), levelLine(1, LOC.brooklyn, 99, "2026-11-27T04:00:00Z")]);
    expect(outcome).toEqual({ applied: 0, stale: 2, skipped: 0 });
    expect(await scoped().variant.findFirst()).toMatchObject({ sku: "SKU-1" });
    expect(await scoped().product.findFirst()).toMatchObject({ title: "New title" });
    const level = await scoped().inventoryLevel.findFirst();
    expect(level).toMatchObject({ available: 7, peakguardHolds: 2, syncedAt: NOW });
    // A read as new as the stored figure is authoritative for its second; holds are never written by the reconcile.
    expect(await apply([levelLine(1, LOC.brooklyn, 5, "2026-11-27T05:00:00Z")])).toEqual({ applied: 1, stale: 0, skipped: 0 });
    expect(await scoped().inventoryLevel.findFirst()).toMatchObject({ available: 5, peakguardHolds: 2 });
  });

  it("a key twice in one batch keeps the newest record; a line with a bad time is skipped", async () => {
    const outcome = await apply([
      levelLine(1, LOC.brooklyn, 3, "2026-11-27T04:00:00Z"),
      levelLine(1, LOC.brooklyn, 4, "2026-11-27T06:00:00Z"),
      levelLine(1, LOC.brooklyn, 1, "2026-11-27T05:00:00Z"),
      itemLine(1, "2026-11-27T04:00:00Z", { productUpdatedAt: "2026-11-27T03:00:00Z", title: "Older" }),
      itemLine(2, "2026-11-27T04:00:00Z", { productUpdatedAt: "2026-11-27T04:30:00Z", title: "Newer" }),
      levelLine(2, LOC.chicago, 1, "not a time"),
    ]);
    expect(outcome).toEqual({ applied: 3, stale: 2, skipped: 1 });
    expect(await scoped().inventoryLevel.findFirst()).toMatchObject({ available: 4 });
    expect(await scoped().inventoryLevel.count()).toBe(1);
    expect(await scoped().product.findFirst()).toMatchObject({ title: "Newer" });
  });

  it("writes only the shop it was made for", async () => {
    await apply([itemLine(1, "2026-11-27T04:00:00Z"), levelLine(1, LOC.brooklyn, 7, "2026-11-27T04:00:00Z")], OTHER_SHOP);
    expect(await scoped().inventoryLevel.count()).toBe(0);
    expect(await forShop(db.prisma, OTHER_SHOP).inventoryLevel.count()).toBe(1);
    expect(await apply([levelLine(1, LOC.brooklyn, 8, "2026-11-27T04:00:00Z")])).toEqual({ applied: 1, stale: 0, skipped: 0 });
    expect(await forShop(db.prisma, OTHER_SHOP).inventoryLevel.findFirst()).toMatchObject({ available: 7 });
  });
});
