/**
 * ATP from the mirror: levels joined with their SKU (products mirror), location
 * and transfers in transit, through the domain's computeAtp. Used by the
 * Inventory page (grid, chart), the publisher, the routing preview and
 * `npm run bench:atp`.
 *
 * One round trip: `atpSql` is a single statement (levels ⋈ variant ⋈ item ⋈
 * location, plus the units on ready-to-ship transfers per level). Prisma's model
 * API would take five queries and compile each one. On PostgreSQL it is sent as a
 * named statement on the webhook receiver's pg pool (the plan cached per
 * connection), on PGlite with the forShop client's `$queryRaw`. Raw SQL is not
 * scoped by forShop, so the statement names the shop in every table it reads (shopOf).
 *
 * The statement also computes `atp` in SQL — the same formula as computeAtp —
 * so the two are tested against each other (tests/inventory/atp-read.db.test.ts)
 * and the benchmark checks that the app path and the raw SQL agree.
 */
import { createHash } from "node:crypto";
import { Prisma } from "@prisma/client";
import { computeAtp, type AtpResult, type NamedQuantities } from "../../domain/inventory/atp";
import type { FigureSource } from "../../domain/inventory/staleness";
import { shopOf, type ShopDb } from "../db/scoped.server";
import { receivingPool } from "../webhooks/receive.server";
import { TRANSIT_OUT_STATUSES } from "./mirror.server";

export interface LevelAtp extends AtpResult {
  inventoryItemId: string;
  locationId: string;
  locationName: string;
  sku: string | null;
  variantId: string | null;
  quantities: NamedQuantities;
  availableSource: FigureSource;
  breakdownSource: FigureSource | null;
  availableAt: string;
  breakdownAt: string | null;
  peakguardHolds: number;
}

export interface AtpQuery {
  inventoryItemIds?: string[];
  /** Levels of the items whose SKU (the variant's, else the item's) is one of these: one SKU, or a cart's. */
  skus?: string[];
  /** Only levels changed after this instant. */
  changedAfter?: Date;
}

/** One row of atpSql. */
export interface AtpRow {
  inventoryItemId: string;
  locationId: string;
  available: number;
  onHand: number;
  committed: number;
  reserved: number;
  incoming: number;
  safetyStock: number;
  damaged: number;
  qualityControl: number;
  /** ms since the epoch (UTC: Prisma stores DateTime as UTC) */
  availableAt: number;
  availableSource: string;
  breakdownAt: number | null;
  breakdownSource: string | null;
  peakguardHolds: number;
  sku: string | null;
  variantId: string | null;
  tracked: boolean | null;
  locationName: string | null;
  /** Units on ready-to-ship transfers from this location, not shipped (before capping at committed). */
  transitOut: number;
  /** ATP computed in SQL (the formula of computeAtp). */
  atp: number;
}

/** A JSON number truncated to an integer, else 0 (mirror.server's readLines, in SQL). */
const jsonInt = (value: Prisma.Sql) =>
  Prisma.sql`(CASE WHEN jsonb_typeof(${value}) = 'number' THEN trunc((${value})::text::numeric)::int ELSE 0 END)`;
const jsonArray = (value: Prisma.Sql) => Prisma.sql`(CASE WHEN jsonb_typeof(${value}) = 'array' THEN ${value} ELSE '[]'::jsonb END)`;
/**
 * Milliseconds since the epoch as a float8: a number to the driver, not a string to parse into a Date.
 * date_part is float8 arithmetic (extract is numeric: ~0.3 ms more for a cart's 1,000 times); the
 * columns hold whole milliseconds, and round() gives back exactly those.
 */
export const epochMs = (column: Prisma.Sql) => Prisma.sql`round(date_part('epoch', ${column}) * 1000)`;

/**
 * in_transit_out per item and origin location, for the items `itemIds` (a one-column SELECT):
 * transitOutByLevel (mirror.server.ts) in SQL — per transfer line ready to ship,
 * `quantity − max(shipped, Σ its shipments' lines)`, at least 0, summed. Columns item, loc, units (bigint).
 * Shared by atpSql and the storefront's availabilitySql.
 */
export function transitOutSql(shop: string, itemIds: Prisma.Sql): Prisma.Sql {
  const e = Prisma.sql`e`;
  return Prisma.sql`
    SELECT ${e}->>'inventoryItemId' AS item, t."originLocationId" AS loc,
         sum(GREATEST(0, ${jsonInt(Prisma.sql`${e}->'quantity'`)} - GREATEST(${jsonInt(Prisma.sql`${e}->'shipped'`)}, COALESCE((
           SELECT sum(${jsonInt(Prisma.sql`se->'quantity'`)})
             FROM "InventoryTransfer" s CROSS JOIN LATERAL jsonb_array_elements(${jsonArray(Prisma.sql`s."lines"`)}) se
            WHERE s."shop" = ${shop} AND s."kind" = 'shipment' AND s."transferId" = t."id" AND s."deletedAt" IS NULL
              AND s."status" NOT IN ('DRAFT', 'OTHER') AND jsonb_typeof(se) = 'object' AND se->>'inventoryItemId' = ${e}->>'inventoryItemId'), 0)))) AS units
    FROM "InventoryTransfer" t CROSS JOIN LATERAL jsonb_array_elements(${jsonArray(Prisma.sql`t."lines"`)}) ${e}
   WHERE t."shop" = ${shop} AND t."kind" = 'transfer' AND t."status" = ANY(${TRANSIT_OUT_STATUSES}::text[])
     AND t."deletedAt" IS NULL AND t."originLocationId" IS NOT NULL
     AND jsonb_typeof(${e}) = 'object' AND jsonb_typeof(${e}->'inventoryItemId') = 'string'
     AND ${e}->>'inventoryItemId' IN (${itemIds})
   GROUP BY 1, 2`;
}

/**
 * The inventory items that may carry one of `skus` (column id, each once): an item whose variant
 * has the SKU, or whose own SKU it is (an item without a variant). The caller keeps the items
 * whose SKU — the variant's, else the item's — is one of them.
 */
export function skuItemsSql(shop: string, skus: string[]): Prisma.Sql {
  return Prisma.sql`SELECT "inventoryItemId" AS id FROM "Variant" WHERE "shop" = ${shop} AND "sku" = ANY(${skus}::text[]) AND "inventoryItemId" IS NOT NULL
      UNION SELECT "id" FROM "InventoryItem" WHERE "shop" = ${shop} AND "sku" = ANY(${skus}::text[])`;
}

/**
 * computeAtp's formula in SQL for the level row aliased `alias` (its quantity columns) and
 * `units` (the level's transitOutSql units, NULL for none): on_hand derived from `available`
 * when the full read is older; in_transit_out capped at committed and taken out of it.
 * One copy, used by atpSql and availabilitySql.
 */
export function atpFormula(alias: string, units: Prisma.Sql): Prisma.Sql {
  const c = (name: string) => Prisma.raw(`${alias}."${name}"`);
  const inOut = Prisma.sql`LEAST(GREATEST(0, COALESCE(${units}, 0)), GREATEST(0, ${c("committed")}))::int`;
  const onHand = Prisma.sql`CASE WHEN ${c("breakdownAt")} IS NULL OR ${c("availableAt")} > ${c("breakdownAt")}
              THEN ${c("available")} + ${c("committed")} + ${c("reserved")} + ${c("damaged")} + ${c("qualityControl")} + ${c("safetyStock")}
              ELSE ${c("onHand")} END`;
  return Prisma.sql`((${onHand}) - (${c("committed")} - ${inOut} + ${c("reserved")} + ${c("damaged")} + ${c("qualityControl")} + ${c("peakguardHolds")}) - ${inOut} + ${c("incoming")} - ${c("safetyStock")})::int`;
}

/**
 * The ATP statement. Filters combine (AND); no filter reads every active level.
 *
 * By items or SKUs, the statement starts from the items asked for (`keys`): each
 * item's variant and SKU are looked up once, then its levels by primary key.
 * Otherwise it starts from the levels and looks up each level's item.
 *
 * in_transit_out mirrors transitOutByLevel (mirror.server.ts): per transfer line
 * ready to ship, `quantity − max(shipped, Σ its shipments' lines)`, at least 0,
 * summed per item and origin. The ATP column is computeAtp's formula: on_hand is
 * derived from `available` when the full read is older; in_transit_out is capped
 * at committed and taken out of it.
 */
export function atpSql(shop: string, query: AtpQuery = {}): Prisma.Sql {
  const levelFilters: Prisma.Sql[] = [Prisma.sql`l."shop" = ${shop}`, Prisma.sql`l."active"`];
  if (query.changedAfter) levelFilters.push(Prisma.sql`l."changedAt" > ${query.changedAfter}`);

  let keys: Prisma.Sql | null = null;
  if (query.skus) {
    keys = skuItemsSql(shop, query.skus);
    if (query.inventoryItemIds) keys = Prisma.sql`SELECT id FROM (${keys}) k WHERE id = ANY(${query.inventoryItemIds}::text[])`;
  } else if (query.inventoryItemIds) {
    keys = Prisma.sql`SELECT DISTINCT unnest(${query.inventoryItemIds}::text[]) AS id`;
  }
  const meta = (itemIds: Prisma.Sql) => Prisma.sql`
  SELECT k.id AS item_id, COALESCE(v."sku", i."sku") AS sku, COALESCE(v."id", i."variantId") AS variant_id, i."tracked"
    FROM (${itemIds}) k
    LEFT JOIN LATERAL (SELECT "id", "sku" FROM "Variant" WHERE "shop" = ${shop} AND "inventoryItemId" = k.id ORDER BY "id" LIMIT 1) v ON true
    LEFT JOIN "InventoryItem" i ON i."shop" = ${shop} AND i."id" = k.id`;
  const levelColumns = Prisma.sql`l."inventoryItemId", l."locationId", l."available", l."onHand", l."committed", l."reserved", l."incoming",
         l."safetyStock", l."damaged", l."qualityControl", l."availableAt", l."availableSource", l."breakdownAt", l."breakdownSource", l."peakguardHolds"`;

  const lv = keys
    ? Prisma.sql`
  SELECT ${levelColumns}, m.sku, m.variant_id, m.tracked
    FROM (${meta(Prisma.sql`SELECT id FROM k`)}) m
    JOIN "InventoryLevel" l ON l."shop" = ${shop} AND l."inventoryItemId" = m.item_id
   WHERE ${Prisma.join(levelFilters, " AND ")}${query.skus ? Prisma.sql` AND m.sku = ANY(${query.skus}::text[])` : Prisma.empty}`
    : Prisma.sql`
  SELECT ${levelColumns}, m.sku, m.variant_id, m.tracked
    FROM "InventoryLevel" l
    LEFT JOIN LATERAL (${meta(Prisma.sql`SELECT l."inventoryItemId" AS id`)}) m ON true
   WHERE ${Prisma.join(levelFilters, " AND ")}`;

  return Prisma.sql`
WITH ${keys ? Prisma.sql`k AS MATERIALIZED (${keys}), ` : Prisma.empty}lv AS (${lv}
), tout AS (${transitOutSql(shop, keys ? Prisma.sql`SELECT id FROM k` : Prisma.sql`SELECT "inventoryItemId" FROM lv`)}
), j AS (
  SELECT lv.*, loc."name" AS "locationName", COALESCE(tout.units, 0)::int AS "transitOut",
         ${atpFormula("lv", Prisma.sql`tout.units`)} AS atp
    FROM lv
    LEFT JOIN "Location" loc ON loc."shop" = ${shop} AND loc."id" = lv."locationId"
    LEFT JOIN tout ON tout.item = lv."inventoryItemId" AND tout.loc = lv."locationId"
)
SELECT "inventoryItemId", "locationId", "available", "onHand", "committed", "reserved", "incoming", "safetyStock", "damaged",
       "qualityControl", ${epochMs(Prisma.sql`"availableAt"`)} AS "availableAt", "availableSource",
       ${epochMs(Prisma.sql`"breakdownAt"`)} AS "breakdownAt", "breakdownSource", "peakguardHolds", sku AS "sku",
       variant_id AS "variantId", "tracked", "locationName", "transitOut",
       atp AS "atp"
  FROM j
 ORDER BY "inventoryItemId", "locationId"`;
}

/** A row of atpSql → the app's LevelAtp (computeAtp: terms, flags, asOf). */
export function levelAtpOf(row: AtpRow): LevelAtp {
  const quantities: NamedQuantities = {
    available: row.available,
    on_hand: row.onHand,
    committed: row.committed,
    reserved: row.reserved,
    incoming: row.incoming,
    safety_stock: row.safetyStock,
    damaged: row.damaged,
    quality_control: row.qualityControl,
  };
  const locationName = row.locationName ?? row.locationId;
  const availableAt = Number(row.availableAt);
  const breakdownAt = row.breakdownAt === null ? null : Number(row.breakdownAt);
  const result = computeAtp({
    sku: row.sku,
    locationName,
    quantities,
    availableAt,
    breakdownAt,
    peakguardHolds: row.peakguardHolds,
    transfersReadyToShip: row.transitOut,
    ...(row.tracked === null ? {} : { tracked: row.tracked }),
  });
  return {
    ...result,
    inventoryItemId: row.inventoryItemId,
    locationId: row.locationId,
    locationName,
    sku: row.sku,
    variantId: row.variantId,
    quantities,
    availableSource: row.availableSource as FigureSource,
    breakdownSource: (row.breakdownSource as FigureSource | null) ?? null,
    availableAt: new Date(availableAt).toISOString(),
    breakdownAt: breakdownAt === null ? null : new Date(breakdownAt).toISOString(),
    peakguardHolds: row.peakguardHolds,
  };
}

/**
 * A node-postgres pool that takes named statements (pg.Pool does). The webhook
 * receiver's pool (`receivingPool`) is typed by what the receiver uses of it; the
 * object is a pg.Pool.
 */
export interface PreparingPool {
  query(config: PreparedAtpStatement): Promise<{ rows: unknown[][]; fields: { name: string }[] }>;
}

export interface PreparedAtpStatement {
  name: string;
  text: string;
  values: unknown[];
  rowMode: "array";
}

/**
 * The statement as node-postgres sends it: named after a hash of its text, so each
 * connection parses and plans a shape once and then reuses the plan (PostgreSQL's
 * plan cache; ~0.7 ms of planning per read otherwise). Rows come back as arrays
 * (atpRowsOf names them): for a cart's 500 levels, pg building 21-key objects
 * costs about a millisecond more. Dates go as ISO strings: the columns are UTC
 * timestamps without a zone, and pg would send local time.
 */
export function preparedAtpStatement(sql: Prisma.Sql): PreparedAtpStatement {
  const name = `peakguard_atp_${createHash("sha1").update(sql.text).digest("hex").slice(0, 16)}`;
  return { name, text: sql.text, values: sql.values.map((v) => (v instanceof Date ? v.toISOString() : v)), rowMode: "array" };
}

/**
 * The column index of each named column of an array-mode result (`fields`), for building rows
 * of one shape; a column the statement does not return throws, naming it and the statement.
 */
export function columnIndexOf<Row>(result: { fields: { name: string }[] }, statement: string): (name: keyof Row & string) => number {
  const at = new Map(result.fields.map((f, i) => [f.name, i]));
  return (name) => {
    const i = at.get(name);
    if (i === undefined) throw new Error(`${statement} statement: no column "${name}" in its result`);
    return i;
  };
}

/** Rows of a prepared ATP statement (arrays, columns in `fields`) → AtpRow objects of one shape. */
export function atpRowsOf(result: { rows: unknown[][]; fields: { name: string }[] }): AtpRow[] {
  const col = columnIndexOf<AtpRow>(result, "ATP");
  const c = {
    inventoryItemId: col("inventoryItemId"),
    locationId: col("locationId"),
    available: col("available"),
    onHand: col("onHand"),
    committed: col("committed"),
    reserved: col("reserved"),
    incoming: col("incoming"),
    safetyStock: col("safetyStock"),
    damaged: col("damaged"),
    qualityControl: col("qualityControl"),
    availableAt: col("availableAt"),
    availableSource: col("availableSource"),
    breakdownAt: col("breakdownAt"),
    breakdownSource: col("breakdownSource"),
    peakguardHolds: col("peakguardHolds"),
    sku: col("sku"),
    variantId: col("variantId"),
    tracked: col("tracked"),
    locationName: col("locationName"),
    transitOut: col("transitOut"),
    atp: col("atp"),
  };
  return result.rows.map(
    (r): AtpRow => ({
      inventoryItemId: r[c.inventoryItemId] as string,
      locationId: r[c.locationId] as string,
      available: r[c.available] as number,
      onHand: r[c.onHand] as number,
      committed: r[c.committed] as number,
      reserved: r[c.reserved] as number,
      incoming: r[c.incoming] as number,
      safetyStock: r[c.safetyStock] as number,
      damaged: r[c.damaged] as number,
      qualityControl: r[c.qualityControl] as number,
      availableAt: r[c.availableAt] as number,
      availableSource: r[c.availableSource] as string,
      breakdownAt: r[c.breakdownAt] as number | null,
      breakdownSource: r[c.breakdownSource] as string | null,
      peakguardHolds: r[c.peakguardHolds] as number,
      sku: r[c.sku] as string | null,
      variantId: r[c.variantId] as string | null,
      tracked: r[c.tracked] as boolean | null,
      locationName: r[c.locationName] as string | null,
      transitOut: r[c.transitOut] as number,
      atp: r[c.atp] as number,
    }),
  );
}

export interface AtpReadOptions {
  /**
   * Where the statement goes on PostgreSQL: a pg pool on the same database as `db`, as a named
   * (prepared) statement. Default: the webhook receiver's pool on DATABASE_URL (null on PGlite,
   * where the read goes through `db`'s $queryRaw). null: always through `db`.
   */
  pool?: PreparingPool | null;
}

/**
 * ATP of every active level (optionally of some items, of some SKUs, or changed
 * since an instant), ordered by item then location. `db` is a forShop client.
 * On PostgreSQL the read goes through the pool, outside any transaction of the
 * caller's: it sees committed rows only (no caller reads inside one today; pass
 * `{ pool: null }` to read through `db`).
 */
export async function levelAtps(db: ShopDb, query: AtpQuery = {}, options: AtpReadOptions = {}): Promise<LevelAtp[]> {
  if (query.inventoryItemIds?.length === 0 || query.skus?.length === 0) return [];
  const sql = atpSql(shopOf(db), query);
  const pool = options.pool === undefined ? (receivingPool() as unknown as PreparingPool | null) : options.pool;
  const rows = pool ? atpRowsOf(await pool.query(preparedAtpStatement(sql))) : await db.$queryRaw<AtpRow[]>(sql);
  return rows.map(levelAtpOf);
}
