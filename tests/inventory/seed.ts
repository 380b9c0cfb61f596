/**
 * Small mirror fixtures for inventory and reservation tests: a product with
 * variants, their inventory items, locations and levels, written through the
 * shop-scoped client.
 */
import type { PrismaClient } from "@prisma/client";
import { forShop } from "~/services/db/scoped.server";

export const SHOP = "drop-test.myshopify.com";
export const OTHER_SHOP = "other-test.myshopify.com";
export const T0 = new Date("2026-11-27T05:00:00Z");

export const LOC = {
  brooklyn: "gid://shopify/Location/70100000001",
  chicago: "gid://shopify/Location/70100000002",
  dublin: "gid://shopify/Location/70100000003",
};

export interface SeedLevel {
  location: string;
  available: number;
  incoming?: number;
  onHand?: number;
  committed?: number;
  reserved?: number;
  safetyStock?: number;
}

export interface SeedVariant {
  n: number;
  sku: string | null;
  barcode?: string | null;
  tracked?: boolean;
  levels: SeedLevel[];
}

export const variantId = (n: number) => `gid://shopify/ProductVariant/82000000000${String(n).padStart(2, "0")}`;
export const itemId = (n: number) => `gid://shopify/InventoryItem/83000000000${String(n).padStart(2, "0")}`;

export async function seedLocations(prisma: PrismaClient, shop = SHOP): Promise<void> {
  const db = forShop(prisma, shop);
  const rows = [
    { id: LOC.brooklyn, name: "Brooklyn Warehouse", latitude: 40.6892, longitude: -73.9778, countryCode: "US" },
    { id: LOC.chicago, name: "Chicago Fulfillment Center", latitude: 41.8309, longitude: -87.6567, countryCode: "US" },
    { id: LOC.dublin, name: "Dublin Grafton Street Store", latitude: 53.3418, longitude: -6.2597, countryCode: "IE" },
  ];
  for (const row of rows) {
    await db.location.create({ data: { shop, ...row, shopifyUpdatedAt: T0, source: "reconcile" } });
  }
}

export async function seedVariants(prisma: PrismaClient, variants: SeedVariant[], shop = SHOP): Promise<void> {
  const db = forShop(prisma, shop);
  await db.product.upsert({
    where: { shop_id: { shop, id: "gid://shopify/Product/81" } },
    create: { shop, id: "gid://shopify/Product/81", title: "Drop hoodie", shopifyUpdatedAt: T0, source: "reconcile" },
    update: {},
  });
  for (const v of variants) {
    await db.variant.create({
      data: { shop, id: variantId(v.n), productId: "gid://shopify/Product/81", sku: v.sku, barcode: v.barcode ?? null, inventoryItemId: itemId(v.n), shopifyUpdatedAt: T0, source: "reconcile" },
    });
    await db.inventoryItem.create({ data: { shop, id: itemId(v.n), variantId: variantId(v.n), sku: v.sku, tracked: v.tracked ?? true, shopifyUpdatedAt: T0, source: "reconcile" } });
    for (const level of v.levels) {
      const committed = level.committed ?? 0;
      const reserved = level.reserved ?? 0;
      const safetyStock = level.safetyStock ?? 0;
      await db.inventoryLevel.create({
        data: {
          shop,
          inventoryItemId: itemId(v.n),
          locationId: level.location,
          available: level.available,
          onHand: level.onHand ?? level.available + committed + reserved + safetyStock,
          committed,
          reserved,
          safetyStock,
          incoming: level.incoming ?? 0,
          availableAt: T0,
          availableSource: "reconcile",
          breakdownAt: T0,
          breakdownSource: "reconcile",
          changedAt: T0,
        },
      });
    }
  }
}
