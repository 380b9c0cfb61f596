/**
 * The benchmark's catalog, written by set-based SQL (generate_series), not row by
 * row: `variants` variants (one inventory item each, four variants a product),
 * `locations` locations, one inventory level per variant per location, and a few
 * transfers ready to ship (with shipments) so the ATP read's in_transit_out runs
 * on real rows. Quantities are deterministic functions of the indexes and cover
 * every branch of the ATP formula: a breakdown older than `available` (on_hand
 * derived), Peakguard holds, incoming, safety stock, committed units on transfers.
 */
import type { BenchDatabase } from "./db";

export interface SeedSpec {
  shop: string;
  variants: number;
  locations: number;
  /** Transfers ready to ship (five lines each); half have a shipment in transit. */
  transfers?: number;
}

export const SEED_TIME = "2026-11-27 05:00:00";

export const skuOf = (i: number) => `BENCH-${String(i).padStart(7, "0")}`;
export const variantGid = (i: number) => `gid://shopify/ProductVariant/${9_000_000 + i}`;
export const itemGid = (i: number) => `gid://shopify/InventoryItem/${9_000_000 + i}`;
export const locationGid = (j: number) => `gid://shopify/Location/${80_000 + j}`;

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export async function seedCatalog(db: BenchDatabase, spec: SeedSpec): Promise<{ levels: number }> {
  const { variants: v, locations: l } = spec;
  if (!Number.isInteger(v) || v < 1) throw new Error(`seed: variants must be a positive whole number; got ${v}`);
  if (!Number.isInteger(l) || l < 1) throw new Error(`seed: locations must be a positive whole number; got ${l}`);
  const shop = literal(spec.shop);
  const t = literal(SEED_TIME);
  const transfers = Math.min(spec.transfers ?? 50, Math.floor(v / 5));
  await db.exec(`
INSERT INTO "Location" ("shop", "id", "name", "isActive", "fulfillsOnlineOrders", "countryCode", "latitude", "longitude", "shopifyUpdatedAt", "source")
SELECT ${shop}, 'gid://shopify/Location/' || (80000 + j), 'Bench location ' || j, true, true, 'US', 30 + j, -120 + 5 * j, ${t}, 'reconcile'
  FROM generate_series(1, ${l}) AS j;

INSERT INTO "Product" ("shop", "id", "title", "handle", "status", "tags", "shopifyUpdatedAt", "source")
SELECT ${shop}, 'gid://shopify/Product/' || (9000000 + p), 'Bench product ' || p, 'bench-' || p, 'active', ARRAY['bench'], ${t}, 'reconcile'
  FROM generate_series(1, ${Math.ceil(v / 4)}) AS p;

INSERT INTO "Variant" ("shop", "id", "productId", "sku", "barcode", "priceCents", "inventoryItemId", "shopifyUpdatedAt", "source")
SELECT ${shop}, 'gid://shopify/ProductVariant/' || (9000000 + i), 'gid://shopify/Product/' || (9000000 + (i + 3) / 4),
       'BENCH-' || lpad(i::text, 7, '0'), NULL, 1000 + i % 5000, 'gid://shopify/InventoryItem/' || (9000000 + i), ${t}, 'reconcile'
  FROM generate_series(1, ${v}) AS i;

INSERT INTO "InventoryItem" ("shop", "id", "variantId", "sku", "tracked", "shopifyUpdatedAt", "source")
SELECT ${shop}, 'gid://shopify/InventoryItem/' || (9000000 + i), 'gid://shopify/ProductVariant/' || (9000000 + i),
       'BENCH-' || lpad(i::text, 7, '0'), true, ${t}, 'reconcile'
  FROM generate_series(1, ${v}) AS i;

INSERT INTO "InventoryLevel" ("shop", "inventoryItemId", "locationId", "available", "onHand", "committed", "reserved", "incoming",
                              "safetyStock", "damaged", "qualityControl", "availableAt", "availableSource", "breakdownAt",
                              "breakdownSource", "peakguardHolds", "active", "changedAt", "syncedAt")
SELECT ${shop}, 'gid://shopify/InventoryItem/' || (9000000 + i), 'gid://shopify/Location/' || (80000 + j),
       q.available, q.available + q.committed + q.reserved + q.safety + q.damaged, q.committed, q.reserved, q.incoming,
       q.safety, q.damaged, 0,
       ${t}::timestamp + CASE WHEN i % 10 = 0 THEN interval '1 minute' ELSE interval '0' END, 'reconcile',
       ${t}::timestamp, 'reconcile', q.holds, true, ${t}::timestamp, ${t}::timestamp
  FROM generate_series(1, ${v}) AS i CROSS JOIN generate_series(1, ${l}) AS j
  CROSS JOIN LATERAL (SELECT (i * 7 + j * 13) % 50 AS available, (i + j) % 5 AS committed, (i * 3 + j) % 3 AS reserved,
                             CASE WHEN j = 1 THEN i % 4 ELSE 0 END AS incoming, j % 2 AS safety, CASE WHEN i % 17 = 0 THEN 1 ELSE 0 END AS damaged,
                             CASE WHEN i % 3 = 0 THEN 1 ELSE 0 END AS holds) AS q;

INSERT INTO "InventoryTransfer" ("shop", "id", "kind", "transferId", "status", "originLocationId", "destinationLocationId", "lines", "shopifyUpdatedAt", "source")
SELECT ${shop}, 'gid://shopify/InventoryTransfer/' || k, 'transfer', NULL, 'READY_TO_SHIP',
       'gid://shopify/Location/' || (80000 + 1 + k % ${l}), 'gid://shopify/Location/' || (80000 + 1 + (k + 1) % ${l}),
       (SELECT jsonb_agg(jsonb_build_object('inventoryItemId', 'gid://shopify/InventoryItem/' || (9000000 + 1 + (k * 5 + n) % ${v}),
                                            'quantity', 3, 'shipped', n % 2, 'received', 0))
          FROM generate_series(0, 4) AS n),
       ${t}, 'webhook'
  FROM generate_series(1, ${transfers}) AS k;

INSERT INTO "InventoryTransfer" ("shop", "id", "kind", "transferId", "status", "originLocationId", "destinationLocationId", "lines", "shopifyUpdatedAt", "source")
SELECT ${shop}, 'gid://shopify/InventoryShipment/' || k, 'shipment', 'gid://shopify/InventoryTransfer/' || k, 'IN_TRANSIT',
       'gid://shopify/Location/' || (80000 + 1 + k % ${l}), 'gid://shopify/Location/' || (80000 + 1 + (k + 1) % ${l}),
       jsonb_build_array(jsonb_build_object('inventoryItemId', 'gid://shopify/InventoryItem/' || (9000000 + 1 + (k * 5) % ${v}),
                                            'quantity', 2, 'shipped', 2, 'received', 0)),
       ${t}, 'webhook'
  FROM generate_series(1, ${transfers}) AS k WHERE k % 2 = 0;
`);
  // VACUUM (not in the seed's transaction): sets the visibility map as autovacuum does after a bulk
  // load (insert-triggered autovacuum), so the availability read's index-only scan of
  // InventoryLevel_atp_read_idx runs as in a settled database rather than visiting every heap page.
  await db.exec("VACUUM ANALYZE");
  return { levels: v * l };
}

/** SKUs of items on a seeded transfer (the read bench includes them so in_transit_out is exercised). */
export function transferredSkus(spec: SeedSpec): string[] {
  const transfers = Math.min(spec.transfers ?? 50, Math.floor(spec.variants / 5));
  const out: string[] = [];
  for (let k = 1; k <= transfers; k += 1) for (let n = 0; n < 5; n += 1) out.push(skuOf(1 + ((k * 5 + n) % spec.variants)));
  return out;
}
