/**
 * ATP read: one SKU across its locations, and a cart of N SKUs, through the app's
 * read path (levelAtps: on PostgreSQL one named statement on a pg pool, on PGlite
 * one $queryRaw through the forShop client; computeAtp per level) and through the
 * same statement sent raw on the same pool (on PostgreSQL the same named statement,
 * as the app sends it; also, for information, sent unnamed — parsed and planned
 * every time). Each iteration runs them, in rotating order, on the same SKUs, and
 * checks they agree level by level (the app's ATP comes from computeAtp in
 * TypeScript, the raw one from SQL).
 */
import { atpRowsOf, atpSql, levelAtps, preparedAtpStatement } from "../../app/services/inventory/atp.server";
import { forShop } from "../../app/services/db/scoped.server";
import type { BenchDatabase } from "./db";
import { skuOf, transferredSkus, type SeedSpec } from "./seed";
import { latency, nowMs, prng, type Latency } from "./stats";

export interface ReadCase {
  label: string;
  skusPerRead: number;
  levelsPerRead: number;
  app: Latency;
  raw: Latency;
  /** PostgreSQL: the same text sent unnamed (planned every time), for information; null on PGlite. */
  rawUnprepared: Latency | null;
  /** app p99 / raw p99 */
  p99Ratio: number;
  p50Ratio: number;
  /** Reads whose app and raw answers disagreed (should be 0), with the first few differences. */
  mismatches: number;
  examples: string[];
}

export interface ReadOptions {
  iterations: number;
  warmup: number;
  cartLines: number;
  seed?: number;
}

function compare(app: { inventoryItemId: string; locationId: string; atp: number }[], raw: { inventoryItemId: string; locationId: string; atp: number }[]): string | null {
  if (app.length !== raw.length) return `app read ${app.length} levels, raw SQL ${raw.length}`;
  if (app.length === 0) return "no levels read";
  for (let i = 0; i < app.length; i += 1) {
    const a = app[i]!;
    const r = raw[i]!;
    if (a.inventoryItemId !== r.inventoryItemId || a.locationId !== r.locationId || a.atp !== Number(r.atp)) {
      return `${a.inventoryItemId} at ${a.locationId}: app ATP ${a.atp}, raw SQL ${r.inventoryItemId} at ${r.locationId} ATP ${r.atp}`;
    }
  }
  return null;
}

async function measure(db: BenchDatabase, shop: string, label: string, pick: () => string[], options: ReadOptions): Promise<ReadCase> {
  const appTimes: number[] = [];
  const rawTimes: number[] = [];
  const unpreparedTimes: number[] = [];
  const examples: string[] = [];
  let mismatches = 0;
  let levels = 0;
  let skus = 0;
  const total = options.warmup + options.iterations;
  for (let i = 0; i < total; i += 1) {
    const chosen = pick();
    type Rows = { inventoryItemId: string; locationId: string; atp: number }[];
    const runApp = async () => {
      const t0 = nowMs();
      const rows = await levelAtps(forShop(db.prisma, shop), { skus: chosen }, { pool: db.pool });
      return { rows, ms: nowMs() - t0 };
    };
    const runRaw = async () => {
      const sql = atpSql(shop, { skus: chosen });
      const t0 = nowMs();
      if (db.pool) {
        const result = await db.pool.query(preparedAtpStatement(sql));
        const ms = nowMs() - t0;
        // Named after the clock stops: the raw figure is the statement's round trip only.
        return { rows: atpRowsOf(result) as Rows, ms };
      }
      const rows = (await db.query<Rows[number]>(sql.text, sql.values)).rows;
      return { rows, ms: nowMs() - t0 };
    };
    const runUnprepared = async () => {
      const sql = atpSql(shop, { skus: chosen });
      const t0 = nowMs();
      const { rows } = await db.query<Rows[number]>(sql.text, sql.values);
      return { rows, ms: nowMs() - t0 };
    };
    let app!: Awaited<ReturnType<typeof runApp>>;
    let raw!: Awaited<ReturnType<typeof runRaw>>;
    let unprepared: Awaited<ReturnType<typeof runUnprepared>> | null = null;
    const steps = [
      async () => {
        app = await runApp();
      },
      async () => {
        raw = await runRaw();
      },
      ...(db.pool
        ? [
            async () => {
              unprepared = await runUnprepared();
            },
          ]
        : []),
    ];
    for (let s = 0; s < steps.length; s += 1) await steps[(i + s) % steps.length]!();
    const problem = compare(app.rows, raw.rows) ?? (unprepared ? compare(app.rows, (unprepared as { rows: Rows }).rows) : null);
    if (problem) {
      mismatches += 1;
      if (examples.length < 3) examples.push(`${label} [${chosen.slice(0, 3).join(", ")}${chosen.length > 3 ? ", …" : ""}]: ${problem}`);
    }
    if (i >= options.warmup) {
      appTimes.push(app.ms);
      rawTimes.push(raw.ms);
      if (unprepared) unpreparedTimes.push((unprepared as { ms: number }).ms);
      levels += app.rows.length;
      skus += chosen.length;
    }
  }
  const app = latency(appTimes);
  const raw = latency(rawTimes);
  return {
    label,
    skusPerRead: skus / Math.max(1, appTimes.length),
    levelsPerRead: levels / Math.max(1, appTimes.length),
    app,
    raw,
    rawUnprepared: unpreparedTimes.length > 0 ? latency(unpreparedTimes) : null,
    p99Ratio: app.p99 / raw.p99,
    p50Ratio: app.p50 / raw.p50,
    mismatches,
    examples,
  };
}

export async function benchRead(db: BenchDatabase, spec: SeedSpec, options: ReadOptions): Promise<ReadCase[]> {
  const random = prng(options.seed ?? 20261127);
  const onTransfer = transferredSkus(spec);
  // One read in ten names a SKU on a transfer ready to ship (in_transit_out is read, not just joined to nothing).
  const oneSku = () => {
    const n = random();
    if (onTransfer.length > 0 && n < 0.1) return onTransfer[Math.floor(random() * onTransfer.length)]!;
    return skuOf(1 + Math.floor(random() * spec.variants));
  };
  const cart = () => {
    const lines = new Set<string>();
    while (lines.size < Math.min(options.cartLines, spec.variants)) lines.add(oneSku());
    return [...lines];
  };
  return [
    await measure(db, spec.shop, "one SKU", () => [oneSku()], options),
    await measure(db, spec.shop, `${options.cartLines}-line cart`, cart, options),
  ];
}
