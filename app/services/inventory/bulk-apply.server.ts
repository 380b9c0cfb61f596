/**
 * Applying the bulk reconcile's lines in batches: the same guards as the mirror's
 * one-record writers (mirror.server.ts, mirror/apply-if-newer), a few statements
 * per batch instead of three or four round trips per line.
 *
 *   items, products, variants   written when Shopify's updatedAt is strictly newer
 *                               than the stored one (INSERT … ON CONFLICT … DO UPDATE
 *                               … WHERE stored < incoming): applyIfNewer's rule
 *   levels                      a full read, applied when at least as new as the
 *                               stored `available` (writeLevelRead's rule); an older
 *                               read only re-confirms the stored figure (syncedAt).
 *                               One upsert does both, keyed by the primary key: a
 *                               separate UPDATE … FROM unnest was planned against the
 *                               shop's stale row estimate during a first reconcile
 *                               and scanned the whole shop per batch
 *
 * Each statement takes its rows as arrays (unnest), so a batch of 2,000 lines is
 * one statement per table whatever its size. A key seen twice in one batch keeps
 * the record a line-by-line apply would have left (the newest; on a tie the first
 * for the strict guard, the last for the levels' ≤ guard). Raw SQL is not scoped
 * by forShop: every statement names the shop.
 */
import { Prisma } from "@prisma/client";
import { parseMoney } from "../../domain/money";
import type { ShopDb } from "../db/scoped.server";
import type { BulkItemLine, BulkLevelLine } from "./bulk-query";
import { quantitiesFrom } from "./mirror.server";

export const BULK_BATCH_LINES = 2000;

export interface BatchOutcome {
  applied: number;
  stale: number;
  skipped: number;
}

type Runner = Pick<ShopDb, "$queryRaw" | "$executeRaw">;
type Db = Pick<ShopDb, "$transaction">;

/** A batch waits its turn behind a drop's holds on the pool, and writes 2,000 rows: longer than Prisma's 5 s default. */
const BATCH_TX = { maxWait: 30_000, timeout: 120_000 } as const;

function iso(value: string): string | null {
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** Keeps one record per key, as applying them one by one would leave it. */
function newestByKey<T>(rows: readonly T[], key: (row: T) => string, at: (row: T) => string, tieKeepsLast: boolean): T[] {
  const kept = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    const prior = kept.get(k);
    if (!prior || at(row) > at(prior) || (tieKeepsLast && at(row) === at(prior))) kept.set(k, row);
  }
  return [...kept.values()];
}

interface ItemRow {
  line: BulkItemLine;
  updatedAt: string;
  variantUpdatedAt: string | null;
  productUpdatedAt: string | null;
}

/** Buffers classified lines and writes them a batch at a time (flush). */
export class BulkApplier {
  private items: ItemRow[] = [];
  private levels: { line: BulkLevelLine; updatedAt: string }[] = [];
  private pending: BatchOutcome = { applied: 0, stale: 0, skipped: 0 };

  constructor(
    private readonly db: Db,
    private readonly shop: string,
    private readonly currency: string,
    private readonly batchLines = BULK_BATCH_LINES,
  ) {}

  get buffered(): number {
    return this.items.length + this.levels.length;
  }

  /** Adds a line; returns true when the buffer is full (call flush). */
  add(line: BulkItemLine | BulkLevelLine): boolean {
    const updatedAt = iso(line.updatedAt);
    if (!updatedAt) {
      this.pending.skipped += 1;
      return false;
    }
    if (line.kind === "item") {
      const variantUpdatedAt = line.variant ? iso(line.variant.updatedAt) : null;
      const productUpdatedAt = line.variant ? iso(line.variant.product.updatedAt) : null;
      if (line.variant && (!variantUpdatedAt || !productUpdatedAt)) {
        this.pending.skipped += 1;
        return false;
      }
      this.items.push({ line, updatedAt, variantUpdatedAt, productUpdatedAt });
    } else {
      this.levels.push({ line, updatedAt });
    }
    return this.buffered >= this.batchLines;
  }

  /**
   * Writes what is buffered, in one transaction; returns the outcome of every line
   * added since the last flush. The buffer is taken before the first await, so the
   * caller may keep adding lines while the batch is written (one batch in flight).
   *
   * The transaction commits without waiting for its WAL flush (synchronous_commit
   * off, for this transaction only): a crash may lose the last batches, never
   * reorder or corrupt them, and the reconcile is re-run (lease); the progress
   * row's commit, which is synchronous, makes every batch before it durable.
   */
  flush(now: Date): Promise<BatchOutcome> {
    const outcome = this.pending;
    this.pending = { applied: 0, stale: 0, skipped: 0 };
    const items = this.items;
    const levels = this.levels;
    this.items = [];
    this.levels = [];
    if (items.length === 0 && levels.length === 0) return Promise.resolve(outcome);
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL synchronous_commit TO OFF`;
      if (items.length > 0) {
        const applied = await this.writeItems(tx, items, now);
        outcome.applied += applied;
        outcome.stale += items.length - applied;
      }
      if (levels.length > 0) {
        const applied = await this.writeLevels(tx, levels, now);
        outcome.applied += applied;
        outcome.stale += levels.length - applied;
      }
      return outcome;
    }, BATCH_TX);
  }

  /** Items, then their products and variants; an item line is applied when its item or its variant was. */
  private async writeItems(tx: Runner, rows: ItemRow[], now: Date): Promise<number> {
    const { shop } = this;
    const items = newestByKey(rows, (r) => r.line.id, (r) => r.updatedAt, false);
    const itemApplied = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "InventoryItem" ("shop", "id", "sku", "tracked", "variantId", "identifiers", "shopifyUpdatedAt", "source", "syncedAt", "deletedAt")
      SELECT ${shop}, u.id, u.sku, u.tracked, u.variant_id, u.identifiers::jsonb, u.updated::timestamp(3), 'reconcile', ${now}, NULL
        FROM unnest(${items.map((r) => r.line.id)}::text[], ${items.map((r) => r.line.variant?.sku ?? null)}::text[],
                    ${items.map((r) => r.line.tracked)}::boolean[], ${items.map((r) => r.line.variant?.id ?? null)}::text[],
                    ${items.map((r) => JSON.stringify(r.line.variant?.identifiers ?? null))}::text[], ${items.map((r) => r.updatedAt)}::text[])
             AS u(id, sku, tracked, variant_id, identifiers, updated)
      ON CONFLICT ("shop", "id") DO UPDATE SET
        "sku" = EXCLUDED."sku", "tracked" = EXCLUDED."tracked", "variantId" = EXCLUDED."variantId", "identifiers" = EXCLUDED."identifiers",
        "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "source" = EXCLUDED."source", "syncedAt" = EXCLUDED."syncedAt", "deletedAt" = NULL
       WHERE "InventoryItem"."shopifyUpdatedAt" < EXCLUDED."shopifyUpdatedAt"
      RETURNING "id"`;
    const applied = new Set(itemApplied.map((r) => r.id));

    const withVariant = rows.filter((r) => r.line.variant !== null);
    if (withVariant.length > 0) {
      const products = newestByKey(withVariant, (r) => r.line.variant!.product.id, (r) => r.productUpdatedAt!, false).map((r) => ({
        product: r.line.variant!.product,
        updatedAt: r.productUpdatedAt!,
      }));
      await tx.$executeRaw`
        INSERT INTO "Product" ("shop", "id", "title", "handle", "status", "tags", "shopifyUpdatedAt", "source", "syncedAt", "deletedAt")
        SELECT ${shop}, u.id, u.title, u.handle, u.status, ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb)), u.updated::timestamp(3), 'reconcile', ${now}, NULL
          FROM unnest(${products.map((p) => p.product.id)}::text[], ${products.map((p) => p.product.title)}::text[],
                      ${products.map((p) => p.product.handle)}::text[], ${products.map((p) => p.product.status?.toLowerCase() ?? null)}::text[],
                      ${products.map((p) => JSON.stringify(p.product.tags))}::text[], ${products.map((p) => p.updatedAt)}::text[])
               AS u(id, title, handle, status, tags, updated)
        ON CONFLICT ("shop", "id") DO UPDATE SET
          "title" = EXCLUDED."title", "handle" = EXCLUDED."handle", "status" = EXCLUDED."status", "tags" = EXCLUDED."tags",
          "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "source" = EXCLUDED."source", "syncedAt" = EXCLUDED."syncedAt", "deletedAt" = NULL
         WHERE "Product"."shopifyUpdatedAt" < EXCLUDED."shopifyUpdatedAt"`;

      const variants = newestByKey(withVariant, (r) => r.line.variant!.id, (r) => r.variantUpdatedAt!, false);
      const variantApplied = await tx.$queryRaw<{ item: string }[]>`
        INSERT INTO "Variant" ("shop", "id", "productId", "sku", "barcode", "priceCents", "inventoryItemId", "shopifyUpdatedAt", "source", "syncedAt")
        SELECT ${shop}, u.id, u.product_id, u.sku, u.barcode, u.price_cents, u.item, u.updated::timestamp(3), 'reconcile', ${now}
          FROM unnest(${variants.map((r) => r.line.variant!.id)}::text[], ${variants.map((r) => r.line.variant!.product.id)}::text[],
                      ${variants.map((r) => r.line.variant!.sku)}::text[], ${variants.map((r) => r.line.variant!.barcode)}::text[],
                      ${variants.map((r) => {
                        const price = parseMoney(r.line.variant!.price, this.currency);
                        return price.ok ? price.minor : null;
                      })}::int[],
                      ${variants.map((r) => r.line.id)}::text[], ${variants.map((r) => r.variantUpdatedAt!)}::text[])
               AS u(id, product_id, sku, barcode, price_cents, item, updated)
        ON CONFLICT ("shop", "id") DO UPDATE SET
          "productId" = EXCLUDED."productId", "sku" = EXCLUDED."sku", "barcode" = EXCLUDED."barcode", "priceCents" = EXCLUDED."priceCents",
          "inventoryItemId" = EXCLUDED."inventoryItemId", "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "source" = EXCLUDED."source",
          "syncedAt" = EXCLUDED."syncedAt"
         WHERE "Variant"."shopifyUpdatedAt" < EXCLUDED."shopifyUpdatedAt"
        RETURNING "inventoryItemId" AS "item"`;
      for (const v of variantApplied) applied.add(v.item);
    }
    // Counted per line, as the one-by-one apply counts them (a repeated item line whose record won counts once).
    let count = 0;
    const counted = new Set<string>();
    for (const r of rows) {
      if (applied.has(r.line.id) && !counted.has(r.line.id)) {
        count += 1;
        counted.add(r.line.id);
      }
    }
    return count;
  }

  private async writeLevels(tx: Runner, rows: { line: BulkLevelLine; updatedAt: string }[], now: Date): Promise<number> {
    const { shop } = this;
    const levels = newestByKey(rows, (r) => `${r.line.inventoryItemId} ${r.line.locationId}`, (r) => r.updatedAt, true);
    const q = levels.map((r) => quantitiesFrom(r.line.quantities));
    const itemIds = levels.map((r) => r.line.inventoryItemId);
    const locationIds = levels.map((r) => r.line.locationId);
    const updated = levels.map((r) => r.updatedAt);
    // One statement: a read at least as new as the stored `available` replaces the figures; an older one
    // only re-confirms the stored figures (syncedAt). Applied ⇔ the row's availableAt is now the read's.
    // A read has no trigger time: availableTriggeredAt becomes null (EXCLUDED's), so it ranks last in its
    // second against webhooks, as writeLevelRead (mirror.server.ts, writeAvailable's ordering rule).
    const fresh = Prisma.sql`"InventoryLevel"."availableAt" <= EXCLUDED."availableAt"`;
    const take = (column: string) => Prisma.sql`${Prisma.raw(`"${column}"`)} = CASE WHEN ${fresh} THEN EXCLUDED.${Prisma.raw(`"${column}"`)} ELSE "InventoryLevel".${Prisma.raw(`"${column}"`)} END`;
    const columns = ["available", "onHand", "committed", "reserved", "incoming", "safetyStock", "damaged", "qualityControl", "availableSource", "breakdownAt", "breakdownSource", "active", "changedAt", "availableAt", "availableTriggeredAt"];
    const applied = await tx.$queryRaw<{ n: number }[]>`
      WITH u AS (
        SELECT * FROM unnest(${itemIds}::text[], ${locationIds}::text[], ${q.map((x) => x.available)}::int[], ${q.map((x) => x.on_hand)}::int[],
                             ${q.map((x) => x.committed)}::int[], ${q.map((x) => x.reserved)}::int[], ${q.map((x) => x.incoming)}::int[],
                             ${q.map((x) => x.safety_stock)}::int[], ${q.map((x) => x.damaged)}::int[], ${q.map((x) => x.quality_control)}::int[],
                             ${updated}::text[])
               AS u(item, loc, available, on_hand, committed, reserved, incoming, safety_stock, damaged, quality_control, updated)
      ), w AS (
        INSERT INTO "InventoryLevel" ("shop", "inventoryItemId", "locationId", "available", "onHand", "committed", "reserved", "incoming",
                                      "safetyStock", "damaged", "qualityControl", "availableAt", "availableSource", "breakdownAt",
                                      "breakdownSource", "active", "changedAt", "syncedAt")
        SELECT ${shop}, u.item, u.loc, u.available, u.on_hand, u.committed, u.reserved, u.incoming, u.safety_stock, u.damaged, u.quality_control,
               u.updated::timestamp(3), 'reconcile', u.updated::timestamp(3), 'reconcile', true, ${now}, ${now}
          FROM u
        ON CONFLICT ("shop", "inventoryItemId", "locationId") DO UPDATE SET
          ${Prisma.join(columns.map(take), ", ")}, "syncedAt" = EXCLUDED."syncedAt"
        RETURNING "inventoryItemId", "locationId", "availableAt")
      SELECT count(*)::int AS n FROM w JOIN u ON u.item = w."inventoryItemId" AND u.loc = w."locationId" AND w."availableAt" = u.updated::timestamp(3)`;
    // A level repeated in one batch counts once as applied; its other lines count as stale.
    return Number(applied[0]?.n ?? 0);
  }
}
