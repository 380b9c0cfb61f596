/**
 * ATP reads, each through the app's path next to the same statement sent raw on the
 * same pool (on PostgreSQL the same named statement as the app sends, timed to the
 * end of its round trip; also, for information, the same text unnamed — parsed and
 * planned every time). Each iteration runs them, in rotating order, on the same SKUs,
 * and checks they agree.
 *
 * Which path each line measures (the targets apply to the storefront's read):
 *   - "one SKU" and "N-line cart": cartAvailability (availability.server.ts), the read
 *     behind GET /api/availability — a drop page asks for one SKU, a cart for its lines;
 *     one row per SKU (total, online locations' ATP as two arrays, oldest as-of). Raw:
 *     availabilitySql. Agreement: each SKU's total and per-location ATP.
 *   - "N-line cart, detailed levels (levelAtps)", for information: the per-level read with
 *     every term, its source and age (the Inventory page and the publisher read it by
 *     item; no caller reads a cart by SKU). Raw: atpSql. Agreement: ATP level by level
 *     (the app's from computeAtp in TypeScript, the raw one from SQL).
 */
import { atpRowsOf, atpSql, levelAtps, preparedAtpStatement } from "../../app/services/inventory/atp.server";
import { availabilityRowsOf, availabilitySql, cartAvailability, type AvailabilityRow } from "../../app/services/inventory/availability.server";
import { forShop } from "../../app/services/db/scoped.server";
import type { BenchDatabase } from "./db";
import { skuOf, transferredSkus, type SeedSpec } from "./seed";
import { latency, nowMs, prng, type Latency } from "./stats";

export interface ReadCase {
  label: string;
  /** The app function measured. */
  path: "cartAvailability" | "levelAtps";
  /** The targets (p99, ratio to raw) apply to this line; false: printed for information. */
  target: boolean;
  skusPerRead: number;
  /** Levels behind each read (cartAvailability: online levels summed into its rows). */
  levelsPerRead: number;
  /** Rows the statement returns per read. */
  rowsPerRead: number;
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

/** One read's answer reduced to comparable lines, its row and level counts, and its time. */
interface Answer {
  lines: string[];
  rows: number;
  levels: number;
  ms: number;
}

interface Reader {
  app(skus: string[]): Promise<Answer>;
  /** The same statement, named (PostgreSQL) or through the one connection (PGlite). */
  raw(skus: string[]): Promise<Answer>;
  /** PostgreSQL only: the same text unnamed. */
  unnamed: ((skus: string[]) => Promise<Answer>) | null;
}

function compare(app: string[], raw: string[]): string | null {
  if (app.length !== raw.length) return `app read ${app.length} lines, raw SQL ${raw.length}`;
  if (app.length === 0) return "nothing read";
  for (let i = 0; i < app.length; i += 1) if (app[i] !== raw[i]) return `app ${app[i]}, raw SQL ${raw[i]}`;
  return null;
}

type LevelRow = { inventoryItemId: string; locationId: string; atp: number };
const levelLines = (rows: LevelRow[]) => rows.map((r) => `${r.inventoryItemId} at ${r.locationId}: ATP ${Number(r.atp)}`);
const availabilityLines = (rows: { sku: string; total: number; locationIds: string[]; atps: number[] }[]) =>
  rows.map((r) => `${r.sku}: ${r.total} [${r.locationIds.map((l, i) => `${l}=${r.atps[i]}`).sort().join(" ")}]`).sort();

function levelsReader(db: BenchDatabase, shop: string): Reader {
  const timed = async (run: () => Promise<LevelRow[]>): Promise<Answer> => {
    const t0 = nowMs();
    const rows = await run();
    return { lines: levelLines(rows), rows: rows.length, levels: rows.length, ms: nowMs() - t0 };
  };
  return {
    app: (skus) => timed(() => levelAtps(forShop(db.prisma, shop), { skus }, { pool: db.pool })),
    raw: async (skus) => {
      const sql = atpSql(shop, { skus });
      if (db.pool) {
        const t0 = nowMs();
        const result = await db.pool.query(preparedAtpStatement(sql));
        const ms = nowMs() - t0;
        // Named after the clock stops: the raw figure is the statement's round trip only.
        const rows = atpRowsOf(result);
        return { lines: levelLines(rows), rows: rows.length, levels: rows.length, ms };
      }
      return timed(async () => (await db.query<LevelRow>(sql.text, sql.values)).rows);
    },
    unnamed: db.pool
      ? (skus) => {
          const sql = atpSql(shop, { skus });
          return timed(async () => (await db.query<LevelRow>(sql.text, sql.values)).rows);
        }
      : null,
  };
}

function availabilityReader(db: BenchDatabase, shop: string): Reader {
  const fromRows = (rows: AvailabilityRow[], ms: number): Answer => ({
    lines: availabilityLines(rows),
    rows: rows.length,
    levels: rows.reduce((n, r) => n + r.locationIds.length, 0),
    ms,
  });
  const viaQuery = async (skus: string[]) => {
    const sql = availabilitySql(shop, skus);
    const t0 = nowMs();
    const { rows } = await db.query<AvailabilityRow>(sql.text, sql.values);
    return fromRows(rows, nowMs() - t0);
  };
  return {
    app: async (skus) => {
      const t0 = nowMs();
      const result = await cartAvailability(forShop(db.prisma, shop), skus, { pool: db.pool });
      const ms = nowMs() - t0;
      const rows = result.items.map((i) => ({ sku: i.sku, total: i.available, locationIds: i.byLocation.locationIds, atps: i.byLocation.atp }));
      return { lines: availabilityLines(rows), rows: rows.length, levels: rows.reduce((n, r) => n + r.locationIds.length, 0), ms };
    },
    raw: async (skus) => {
      if (!db.pool) return viaQuery(skus);
      const sql = availabilitySql(shop, skus);
      const t0 = nowMs();
      const result = await db.pool.query(preparedAtpStatement(sql));
      const ms = nowMs() - t0;
      return fromRows(availabilityRowsOf(result), ms);
    },
    unnamed: db.pool ? viaQuery : null,
  };
}

async function measure(label: string, path: ReadCase["path"], target: boolean, reader: Reader, pick: () => string[], options: ReadOptions): Promise<ReadCase> {
  const appTimes: number[] = [];
  const rawTimes: number[] = [];
  const unnamedTimes: number[] = [];
  const examples: string[] = [];
  let mismatches = 0;
  let levels = 0;
  let rows = 0;
  let skus = 0;
  const total = options.warmup + options.iterations;
  for (let i = 0; i < total; i += 1) {
    const chosen = pick();
    const answers: (Answer | null)[] = [null, null, null];
    const steps = [
      async () => {
        answers[0] = await reader.app(chosen);
      },
      async () => {
        answers[1] = await reader.raw(chosen);
      },
      ...(reader.unnamed
        ? [
            async () => {
              answers[2] = await reader.unnamed!(chosen);
            },
          ]
        : []),
    ];
    for (let s = 0; s < steps.length; s += 1) await steps[(i + s) % steps.length]!();
    const [app, raw, unnamed] = answers as [Answer, Answer, Answer | null];
    const problem = compare(app.lines, raw.lines) ?? (unnamed ? compare(app.lines, unnamed.lines) : null);
    if (problem) {
      mismatches += 1;
      if (examples.length < 3) examples.push(`${label} [${chosen.slice(0, 3).join(", ")}${chosen.length > 3 ? ", …" : ""}]: ${problem}`);
    }
    if (i >= options.warmup) {
      appTimes.push(app.ms);
      rawTimes.push(raw.ms);
      if (unnamed) unnamedTimes.push(unnamed.ms);
      levels += app.levels;
      rows += app.rows;
      skus += chosen.length;
    }
  }
  const app = latency(appTimes);
  const raw = latency(rawTimes);
  const n = Math.max(1, appTimes.length);
  return {
    label,
    path,
    target,
    skusPerRead: skus / n,
    levelsPerRead: levels / n,
    rowsPerRead: rows / n,
    app,
    raw,
    rawUnprepared: unnamedTimes.length > 0 ? latency(unnamedTimes) : null,
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
  const availability = availabilityReader(db, spec.shop);
  return [
    await measure("one SKU", "cartAvailability", true, availability, () => [oneSku()], options),
    await measure(`${options.cartLines}-line cart`, "cartAvailability", true, availability, cart, options),
    await measure(`${options.cartLines}-line cart, detailed levels`, "levelAtps", false, levelsReader(db, spec.shop), cart, options),
  ];
}
