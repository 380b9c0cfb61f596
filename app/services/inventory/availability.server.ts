/**
 * Cart availability for the storefront: "how many of each of these SKUs can I promise
 * now", one row per SKU, before the shopper reaches checkout (GET /api/availability
 * through the app proxy; taking units is the hold API's).
 *
 * One statement (`availabilitySql`), leaner than atpSql (atp.server.ts) but built from its
 * parts — the same items for the SKUs (skuItemsSql), the same in-transit-out (transitOutSql),
 * the same formula (atpFormula), not second copies — reading only the level columns the
 * formula needs (all in the key of InventoryLevel_atp_read_idx: an index-only scan, no heap
 * page per level), grouped by SKU, with the locations joined for which sell online. Per SKU it returns:
 *   - `available`: the publisher's rule for a variant's `total` (app/domain/inventory/publish.ts,
 *     figureOf): ATP summed over the active locations that fulfil online orders, a
 *     negative location counting 0 (it cannot take units from another location).
 *   - `byLocation`: those online locations' ids (ascending) and their ATP as it is — a negative stays
 *     negative here and the SKU is flagged `negative` (never hidden, never clamped).
 *   - `asOf`: the oldest as-of among the terms of those levels (computeAtp's asOf per level:
 *     the older of the `available` figure and the full read), over all its levels when none
 *     sells online — ms since the epoch.
 *   - `duplicate`: the SKU is on more than one inventory item. A hold refuses such a SKU, so
 *     it promises 0 (`available` 0, flagged); byLocation still shows the levels.
 * A SKU with no active level in the mirror is `unknown`, not 0.
 *
 * Sent like levelAtps: a named (prepared) statement on the webhook receiver's pg pool on
 * PostgreSQL (preparedAtpStatement, rows as arrays), the forShop client's $queryRaw on PGlite.
 * Shop-scoped: atpSql names the shop in every table it reads, and so does the join here.
 */
import { Prisma } from "@prisma/client";
import { ageOf, DEFAULT_STALENESS } from "../../domain/inventory/staleness";
import { numericId } from "../../domain/routing/config";
import { forShop, shopOf, type ShopDb } from "../db/scoped.server";
import type { ApiDeps } from "../reservations/api.server";
import { receivingPool } from "../webhooks/receive.server";
import { atpFormula, columnIndexOf, epochMs, preparedAtpStatement, skuItemsSql, transitOutSql, type AtpReadOptions, type PreparingPool } from "./atp.server";

/** At most this many SKUs per read (a drop page or a cart; a bigger cart asks twice). */
export const MAX_AVAILABILITY_SKUS = 100;
/** Shopify's SKU is at most 255 characters. */
export const MAX_SKU_LENGTH = 255;

export interface SkuAvailability {
  sku: string;
  /** Units promisable now: Σ over online locations of max(0, ATP). 0 for a duplicate SKU. */
  available: number;
  /** Online locations (ids, ascending) and their ATP, negatives as they are. */
  byLocation: { locationIds: string[]; atp: number[] };
  /** Some online location has a negative ATP (oversold there; it counts 0 in `available`). */
  negative: boolean;
  /** The SKU is on more than one inventory item: not promisable (holds refuse it). */
  duplicate: boolean;
  /** Oldest as-of of the figures, ms since the epoch. */
  asOf: number;
}

export interface CartAvailability {
  /** In the order asked, each SKU once. */
  items: SkuAvailability[];
  /** SKUs asked for with no active level in the mirror, in the order asked. */
  unknown: string[];
}

export type SkuCheck = { ok: true; skus: string[] } | { ok: false; code: "no_skus" | "too_many_skus" | "invalid_sku"; message: string };

/** The SKUs of a request: trimmed, each once (first occurrence kept), 1..100, each 1..255 characters. */
export function checkSkus(input: readonly unknown[]): SkuCheck {
  const skus: string[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of input.entries()) {
    const sku = typeof raw === "string" ? raw.trim() : null;
    if (sku === null) return { ok: false, code: "invalid_sku", message: `SKU ${i + 1} is not a string: ${JSON.stringify(raw)}` };
    if (sku === "") return { ok: false, code: "invalid_sku", message: `SKU ${i + 1} is empty` };
    if (sku.length > MAX_SKU_LENGTH) return { ok: false, code: "invalid_sku", message: `SKU ${i + 1} is ${sku.length} characters; a SKU has at most ${MAX_SKU_LENGTH}` };
    if (!seen.has(sku)) {
      seen.add(sku);
      skus.push(sku);
    }
  }
  if (skus.length === 0) return { ok: false, code: "no_skus", message: "No SKUs given: name 1 to 100 SKUs" };
  if (skus.length > MAX_AVAILABILITY_SKUS) {
    return { ok: false, code: "too_many_skus", message: `${skus.length} distinct SKUs given; at most ${MAX_AVAILABILITY_SKUS} per request` };
  }
  return { ok: true, skus };
}

/** One row of availabilitySql. */
export interface AvailabilityRow {
  sku: string;
  /** On more than one inventory item. */
  duplicate: boolean;
  total: number;
  /** Online locations and their ATP, pairwise, in no particular order (cartAvailability sorts them). */
  locationIds: string[];
  atps: number[];
  negative: boolean;
  /** ms since the epoch */
  asOf: number;
}

/**
 * The statement: one row per SKU that has an active level (skus already checked).
 * No ordered aggregate (array_agg … ORDER BY, count(DISTINCT …)): PostgreSQL 15 runs a sort
 * per group for each of them (~1 ms for a 50-line cart); the two arrays are filled from the
 * same rows in the same order, so they stay paired, and cartAvailability orders them.
 */
// m: the item's SKU as atpSql's meta reads it — its first variant's (by id), else the item's. The item is
// looked up only when that is null (COALESCE evaluates the subquery lazily): no heap page per line.
export function availabilitySql(shop: string, skus: readonly string[]): Prisma.Sql {
  const online = Prisma.sql`COALESCE(loc."isActive" AND loc."fulfillsOnlineOrders" AND loc."deletedAt" IS NULL, false)`;
  const levelAsOf = Prisma.sql`LEAST(a."availableAt", COALESCE(a."breakdownAt", a."availableAt"))`;
  const asked = [...skus];
  return Prisma.sql`
WITH k AS MATERIALIZED (${skuItemsSql(shop, asked)}
), m AS (
  SELECT k.id AS item,
         COALESCE(v."sku", (SELECT i."sku" FROM "InventoryItem" i WHERE i."shop" = ${shop} AND i."id" = k.id)) AS sku
    FROM k
    LEFT JOIN LATERAL (SELECT "sku" FROM "Variant" WHERE "shop" = ${shop} AND "inventoryItemId" = k.id ORDER BY "id" LIMIT 1) v ON true
), tout AS (${transitOutSql(shop, Prisma.sql`SELECT id FROM k`)}
), a AS (
  SELECT m.sku, l."inventoryItemId", l."locationId", l."availableAt", l."breakdownAt", ${atpFormula("l", Prisma.sql`tout.units`)} AS atp
    FROM m
    JOIN "InventoryLevel" l ON l."shop" = ${shop} AND l."inventoryItemId" = m.item AND l."active"
    LEFT JOIN tout ON tout.item = l."inventoryItemId" AND tout.loc = l."locationId"
   WHERE m.sku = ANY(${asked}::text[])
)
SELECT a.sku AS "sku",
       min(a."inventoryItemId") <> max(a."inventoryItemId") AS "duplicate",
       COALESCE(sum(GREATEST(0, a.atp)) FILTER (WHERE ${online}), 0)::int AS "total",
       COALESCE(array_agg(a."locationId") FILTER (WHERE ${online}), '{}')::text[] AS "locationIds",
       COALESCE(array_agg(a.atp) FILTER (WHERE ${online}), '{}')::int[] AS "atps",
       COALESCE(bool_or(a.atp < 0) FILTER (WHERE ${online}), false) AS "negative",
       ${epochMs(Prisma.sql`COALESCE(min(${levelAsOf}) FILTER (WHERE ${online}), min(${levelAsOf}))`)} AS "asOf"
  FROM a
  LEFT JOIN "Location" loc ON loc."shop" = ${shop} AND loc."id" = a."locationId"
 GROUP BY a.sku`;
}

/** Rows of the prepared statement (arrays, columns in `fields`) → AvailabilityRow. */
export function availabilityRowsOf(result: { rows: unknown[][]; fields: { name: string }[] }): AvailabilityRow[] {
  const col = columnIndexOf<AvailabilityRow>(result, "Availability");
  const c = { sku: col("sku"), duplicate: col("duplicate"), total: col("total"), locationIds: col("locationIds"), atps: col("atps"), negative: col("negative"), asOf: col("asOf") };
  return result.rows.map((r) => ({
    sku: r[c.sku] as string,
    duplicate: r[c.duplicate] as boolean,
    total: r[c.total] as number,
    locationIds: r[c.locationIds] as string[],
    atps: r[c.atps] as number[],
    negative: r[c.negative] as boolean,
    asOf: Number(r[c.asOf]),
  }));
}

/** Availability of these SKUs (at most 100, see checkSkus; bad input throws its message). `db` is a forShop client. */
export async function cartAvailability(db: ShopDb, skus: readonly unknown[], options: AtpReadOptions = {}): Promise<CartAvailability> {
  const checked = checkSkus(skus);
  if (!checked.ok) throw new Error(`cartAvailability: ${checked.message}`);
  const sql = availabilitySql(shopOf(db), checked.skus);
  const pool = options.pool === undefined ? (receivingPool() as unknown as PreparingPool | null) : options.pool;
  const rows = pool ? availabilityRowsOf(await pool.query(preparedAtpStatement(sql))) : await db.$queryRaw<AvailabilityRow[]>(sql);
  const bySku = new Map(rows.map((r) => [r.sku, r]));
  const result: CartAvailability = { items: [], unknown: [] };
  for (const sku of checked.skus) {
    const row = bySku.get(sku);
    if (!row) {
      result.unknown.push(sku);
      continue;
    }
    const duplicate = row.duplicate;
    const order = row.locationIds.map((_, i) => i).sort((a, b) => (row.locationIds[a]! < row.locationIds[b]! ? -1 : row.locationIds[a]! > row.locationIds[b]! ? 1 : row.atps[a]! - row.atps[b]!));
    result.items.push({
      sku,
      available: duplicate ? 0 : row.total,
      byLocation: { locationIds: order.map((i) => row.locationIds[i]!), atp: order.map((i) => row.atps[i]!) },
      negative: row.negative,
      duplicate,
      asOf: Number(row.asOf),
    });
  }
  return result;
}

/* ------------------------------------------------------- storefront API --- */

/** A figure older than this is `stale` in the storefront's answer (the admin's staleness budget: DEFAULT_STALENESS). */
export const AVAILABILITY_STALENESS = DEFAULT_STALENESS;

function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * GET /api/availability?skus=A,B,… — through Shopify's app proxy, authenticated as the
 * reservations API is (appProxyIdentity: the shop from the signed query). Answers
 *   { asOf, items: [{ sku, available, byLocation, stale, negative, duplicate, asOf }], unknown: [...] }
 * asOf (top level): the oldest of the items' as-of, ISO UTC (null when none is known).
 * byLocation: online location numeric id → ATP, negatives as they are (`negative` flags them;
 * `available` counts them 0). stale: older than AVAILABILITY_STALENESS.staleMs (24 h).
 * `skus` may repeat (skus=A&skus=B) and be comma-separated; 400 names what is wrong with it.
 */
export async function availabilityResponse(deps: ApiDeps, request: Request, options: AtpReadOptions = {}): Promise<Response> {
  if (request.method !== "GET") return problem(405, "method_not_allowed", `${request.method} is not allowed here; GET /api/availability?skus=…`);
  const who = await deps.authenticate(request);
  const params = new URL(request.url).searchParams.getAll("skus");
  if (params.length === 0) return problem(400, "skus_required", "Name the SKUs: ?skus=SKU-1,SKU-2 (1 to 100)");
  const checked = checkSkus(params.flatMap((p) => p.split(",")));
  if (!checked.ok) return problem(400, checked.code, checked.message);
  const result = await cartAvailability(forShop(deps.prisma, who.shop), checked.skus, options);
  const now = (deps.now ?? (() => new Date()))().getTime();
  const oldest = result.items.length > 0 ? Math.min(...result.items.map((i) => i.asOf)) : null;
  return Response.json(
    {
      asOf: oldest === null ? null : new Date(oldest).toISOString(),
      items: result.items.map((i) => ({
        sku: i.sku,
        available: i.available,
        byLocation: Object.fromEntries(i.byLocation.locationIds.map((id, n) => [numericId(id), i.byLocation.atp[n]])),
        stale: ageOf(i.asOf, now, AVAILABILITY_STALENESS).freshness === "stale",
        negative: i.negative,
        duplicate: i.duplicate,
        asOf: new Date(i.asOf).toISOString(),
      })),
      unknown: result.unknown,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
