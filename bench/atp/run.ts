/**
 * ATP benchmarks (issue #6, item 6):
 *
 *   npm run bench:atp                            full scale: 100,000 variants × 10 locations, 1,000,000 JSONL rows
 *   npm run bench:atp -- --variants 10000        smaller catalog (and --reconcile-rows, --holds, --iterations…)
 *   npm run bench:atp -- --only read,holds       some parts (read | holds | reconcile)
 *   npm run bench:atp -- --no-pglite --json      PostgreSQL only; the report as JSON
 *   npm run bench:atp -- --pglite-parts read,holds,reconcile   every part on PGlite too (default: the read)
 *
 * 1. ATP read, p50/p99 of one SKU across its locations and of a cart of 50 SKUs,
 *    through the storefront's read (cartAvailability, behind GET /api/availability:
 *    one row per SKU) next to the same statement sent raw on the same pool, and, for
 *    information, the 50-line cart through the detailed per-level read (levelAtps)
 *    (bench/atp/read.ts) (on PostgreSQL app and raw send the same named, prepared statement;
 *    the unnamed statement, planned every read, is printed for information) — on PostgreSQL (a throwaway database peakguard_bench_<pid>
 *    on --database-url's server, created and dropped here) and, for information,
 *    on the embedded default's engine (PGlite in memory).
 * 2. Reservation throughput on PostgreSQL: soft holds by `--concurrency` clients
 *    through hold(), next to its statement sent raw.
 * 3. Reconciliation of `--reconcile-rows` JSONL rows through applyBulkResult, next
 *    to parsing the same file; memory sampled every 250 ms, at `--reconcile-small`
 *    rows too, to show whether peak heap grows with rows.
 *
 * Targets are printed as met / NOT met. The exit code is 1 only when a result is
 * wrong (app and raw SQL disagree, a hold lost or oversold, rows not applied),
 * never for a missed target: timings depend on the machine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_POSTGRES_URL, openPglite, openPostgres, type BenchDatabase } from "./db";
import { benchHolds, type HoldReport } from "./holds";
import { benchRead, type ReadCase } from "./read";
import { parseOnly, reconcileFile, writeBulkJsonl, type ParseRun, type ReconcileRun } from "./reconcile";
import { seedCatalog, type SeedSpec } from "./seed";
import { mb, ms, nowMs } from "./stats";

// Prisma's datasource reads DATABASE_URL even with a driver adapter; it is never dialled here.
process.env.DATABASE_URL ??= "postgresql://pglite@localhost/embedded?schema=public";

export const TARGETS = {
  readP99Ms: 5,
  readRawRatio: 1.5,
  holdsPerSecond: 500,
  reconcileSeconds: 60,
  /** peak heap at the large run / at the small run: "flat" when it does not grow with rows. */
  heapGrowth: 1.5,
} as const;

export const PARTS = ["read", "holds", "reconcile"] as const;
export type Part = (typeof PARTS)[number];

export interface AtpBenchOptions {
  variants: number;
  locations: number;
  iterations: number;
  warmup: number;
  cartLines: number;
  holds: number;
  concurrency: number;
  reconcileRows: number;
  reconcileSmallRows: number;
  postgres: boolean;
  pglite: boolean;
  pgliteVariants: number;
  /** Parts also run on PGlite (information only); by default the read. */
  pgliteParts: Part[];
  databaseUrl: string;
  only: Part[];
  log?: (line: string) => void;
}

export const DEFAULT_OPTIONS: AtpBenchOptions = {
  variants: 100_000,
  locations: 10,
  iterations: 1000,
  warmup: 100,
  cartLines: 50,
  holds: 5000,
  concurrency: 32,
  reconcileRows: 1_000_000,
  reconcileSmallRows: 100_000,
  postgres: true,
  pglite: true,
  pgliteVariants: 100_000,
  pgliteParts: ["read"],
  databaseUrl: DEFAULT_POSTGRES_URL,
  only: ["read", "holds", "reconcile"],
};

export interface ReconcileReport {
  levelsPerItem: number;
  fileLines: number;
  fileBytes: number;
  parse: ParseRun;
  small: ReconcileRun;
  large: ReconcileRun;
  /** Peak live heap (after a full collection, at each tenth of the file) of the large run / of the small run. */
  heapGrowth: number;
}

export interface EngineReport {
  engine: "postgres" | "pglite";
  describe: string;
  variants: number;
  levels: number;
  seedSeconds: number;
  read?: ReadCase[];
  holds?: HoldReport;
  reconcile?: ReconcileReport;
}

export interface Goal {
  met: boolean;
  text: string;
}

export interface AtpBenchReport {
  options: Omit<AtpBenchOptions, "log">;
  loadBefore: string;
  loadAfter: string;
  engines: EngineReport[];
  goals: Goal[];
  /** Wrong results (the run exits 1). */
  problems: string[];
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
}

/** What to undo if the run is interrupted (Ctrl-C): drop the throwaway database, remove the JSONL files. */
const cleanups = new Set<() => Promise<void>>();

async function withEngine(kind: "postgres" | "pglite", options: AtpBenchOptions, variants: number, run: (db: BenchDatabase, spec: SeedSpec, report: EngineReport) => Promise<void>): Promise<EngineReport> {
  const log = options.log ?? (() => {});
  const db = kind === "postgres" ? await openPostgres(options.databaseUrl) : await openPglite();
  const close = () => db.close();
  cleanups.add(close);
  try {
    const spec: SeedSpec = { shop: "bench-atp.myshopify.com", variants, locations: options.locations };
    log(`[${kind}] seeding ${variants.toLocaleString("en-US")} variants × ${options.locations} locations on ${db.describe}…`);
    const t0 = nowMs();
    const { levels } = await seedCatalog(db, spec);
    const report: EngineReport = { engine: kind, describe: db.describe, variants, levels, seedSeconds: (nowMs() - t0) / 1000 };
    log(`[${kind}] seeded ${levels.toLocaleString("en-US")} levels in ${report.seedSeconds.toFixed(1)} s`);
    await run(db, spec, report);
    return report;
  } finally {
    cleanups.delete(close);
    await db.close();
  }
}

export async function runAtpBench(options: AtpBenchOptions): Promise<AtpBenchReport> {
  const log = options.log ?? (() => {});
  const loadBefore = loadAverage();
  const engines: EngineReport[] = [];
  const problems: string[] = [];

  const parts = async (kind: "postgres" | "pglite", wanted: readonly Part[], db: BenchDatabase, spec: SeedSpec, report: EngineReport) => {
    if (wanted.includes("read")) {
      log(`[${kind}] ATP read…`);
      report.read = await benchRead(db, spec, options);
    }
    if (wanted.includes("holds")) {
      log(`[${kind}] ${options.holds} holds by ${options.concurrency} clients…`);
      report.holds = await benchHolds(db, spec, { holds: options.holds, concurrency: options.concurrency });
    }
    if (wanted.includes("reconcile")) report.reconcile = await benchReconcile(kind, db, options, log);
  };
  if (options.postgres) {
    engines.push(await withEngine("postgres", options, options.variants, (db, spec, report) => parts("postgres", options.only, db, spec, report)));
  }
  const pgliteParts = options.only.filter((p) => options.pgliteParts.includes(p));
  if (options.pglite && pgliteParts.length > 0) {
    engines.push(await withEngine("pglite", options, options.pgliteVariants, (db, spec, report) => parts("pglite", pgliteParts, db, spec, report)));
  }

  for (const engine of engines) {
    for (const c of engine.read ?? []) {
      if (c.mismatches > 0) problems.push(`${engine.engine} ${c.label}: ${c.mismatches} reads where the app and raw SQL disagree — ${c.examples.join(" | ")}`);
    }
    const h = engine.holds;
    if (h) {
      if (h.missing !== 0) problems.push(`${engine.engine} holds: ${h.missing} holds answered 201 are not in the database`);
      if (h.negativeLevels !== 0) problems.push(`${engine.engine} holds: ${h.negativeLevels} levels oversold (ATP < 0 with holds)`);
      if (h.service.succeeded === 0) problems.push(`${engine.engine} holds: no hold succeeded`);
    }
    const r = engine.reconcile;
    if (r) {
      for (const run of [r.small, r.large]) {
        if (run.report.skipped !== 0 || run.report.stale !== 0) problems.push(`${engine.engine} reconcile ${run.shop}: ${run.report.skipped} lines skipped, ${run.report.stale} stale on a fresh shop`);
        if (run.report.applied !== run.lines) problems.push(`${engine.engine} reconcile ${run.shop}: applied ${run.report.applied} of ${run.lines} lines`);
        if (run.levelsInDb !== run.expectedLevels || run.itemsInDb !== run.expectedItems) {
          problems.push(`${engine.engine} reconcile ${run.shop}: ${run.levelsInDb}/${run.expectedLevels} levels and ${run.itemsInDb}/${run.expectedItems} items in the database`);
        }
      }
    }
  }
  const { log: _log, ...rest } = options;
  return { options: rest, loadBefore, loadAfter: loadAverage(), engines, goals: goalsOf(engines), problems };
}

async function benchReconcile(kind: "postgres" | "pglite", db: BenchDatabase, options: AtpBenchOptions, log: (line: string) => void): Promise<ReconcileReport> {
  const levelsPerItem = Math.max(1, options.locations - 1);
  const dir = await mkdtemp(path.join(os.tmpdir(), "peakguard-bench-atp-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  cleanups.add(remove);
  try {
    const smallFile = path.join(dir, "small.jsonl");
    const largeFile = path.join(dir, "large.jsonl");
    log(`[${kind}] writing ${options.reconcileSmallRows.toLocaleString("en-US")} and ${options.reconcileRows.toLocaleString("en-US")} JSONL rows to ${dir}…`);
    const small = await writeBulkJsonl(smallFile, { rows: options.reconcileSmallRows, levelsPerItem });
    const large = await writeBulkJsonl(largeFile, { rows: options.reconcileRows, levelsPerItem });
    log(`[${kind}] parse baseline…`);
    const parse = await parseOnly(largeFile);
    log(`[${kind}] reconcile ${small.lines.toLocaleString("en-US")} rows…`);
    const smallRun = await reconcileFile(db, "bench-reconcile-small.myshopify.com", smallFile, { items: small.items, levels: small.items * levelsPerItem });
    log(`[${kind}] reconcile ${large.lines.toLocaleString("en-US")} rows…`);
    const largeRun = await reconcileFile(db, "bench-reconcile-large.myshopify.com", largeFile, { items: large.items, levels: large.items * levelsPerItem });
    return {
      levelsPerItem,
      fileLines: large.lines,
      fileBytes: large.bytes,
      parse,
      small: smallRun,
      large: largeRun,
      heapGrowth: Math.max(...largeRun.liveHeap) / Math.max(...smallRun.liveHeap),
    };
  } finally {
    cleanups.delete(remove);
    await remove();
  }
}

export function goalsOf(engines: readonly EngineReport[]): Goal[] {
  const goals: Goal[] = [];
  const pgEngine = engines.find((e) => e.engine === "postgres");
  for (const c of (pgEngine?.read ?? []).filter((r) => r.target)) {
    goals.push({
      met: c.app.p99 <= TARGETS.readP99Ms,
      text: `ATP read, ${c.label} (${c.path}, ${c.levelsPerRead.toFixed(0)} levels), PostgreSQL: p99 ${ms(c.app.p99)} ms (goal ≤ ${TARGETS.readP99Ms} ms)`,
    });
    goals.push({
      met: c.p99Ratio <= TARGETS.readRawRatio,
      text: `ATP read, ${c.label}, PostgreSQL: app p99 ${c.p99Ratio.toFixed(2)}× the raw SQL p99 (${ms(c.app.p99)} vs ${ms(c.raw.p99)} ms; goal ≤ ${TARGETS.readRawRatio}×)`,
    });
  }
  const h = pgEngine?.holds;
  if (h) {
    goals.push({
      met: h.service.holdsPerSecond >= TARGETS.holdsPerSecond,
      text: `holds on PostgreSQL: ${h.service.holdsPerSecond.toFixed(0)} holds/s with ${h.concurrency} clients (goal ≥ ${TARGETS.holdsPerSecond}; raw statement ${h.raw.holdsPerSecond.toFixed(0)}/s)`,
    });
  }
  const r = pgEngine?.reconcile;
  if (r) {
    goals.push({
      met: r.large.seconds <= TARGETS.reconcileSeconds,
      text: `reconcile of ${r.large.lines.toLocaleString("en-US")} JSONL rows: ${r.large.seconds.toFixed(1)} s (goal ≤ ${TARGETS.reconcileSeconds} s; parsing alone ${r.parse.seconds.toFixed(1)} s)`,
    });
    goals.push({
      met: r.heapGrowth <= TARGETS.heapGrowth,
      text: `reconcile memory: live heap (after a full collection, at each tenth of the file) at most ${mb(Math.max(...r.large.liveHeap))} at ${r.large.lines.toLocaleString("en-US")} rows vs ${mb(Math.max(...r.small.liveHeap))} at ${r.small.lines.toLocaleString("en-US")} rows = ${r.heapGrowth.toFixed(2)}× (flat: goal ≤ ${TARGETS.heapGrowth}×; sampled peaks ${mb(r.large.memory.peak.heapUsed)} vs ${mb(r.small.memory.peak.heapUsed)})`,
    });
  }
  return goals;
}

function table(header: string[], rows: string[][], numericFrom: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= numericFrom ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function formatReport(report: AtpBenchReport): string {
  const out: string[] = [];
  const o = report.options;
  out.push(`bench:atp — ${o.variants.toLocaleString("en-US")} variants × ${o.locations} locations; load average before ${report.loadBefore}, after ${report.loadAfter} (${os.cpus().length} CPUs)`);
  for (const e of report.engines) {
    out.push("", `${e.engine === "postgres" ? "PostgreSQL" : "PGlite (information; the targets are PostgreSQL's)"}: ${e.describe}; ${e.levels.toLocaleString("en-US")} levels seeded in ${e.seedSeconds.toFixed(1)} s`);
    if (e.read) {
      out.push(
        table(
          ["ATP read", "app path", "levels", "rows", "app p50 ms", "app p99 ms", "raw p50 ms", "raw p99 ms", "p50 ×raw", "p99 ×raw", "unnamed raw p50/p99 ms", "reads", "mismatches"],
          e.read.map((c) => [
            c.label,
            `${c.path}${c.target ? "" : " (information)"}`,
            c.levelsPerRead.toFixed(0),
            c.rowsPerRead.toFixed(0),
            ms(c.app.p50),
            ms(c.app.p99),
            ms(c.raw.p50),
            ms(c.raw.p99),
            c.p50Ratio.toFixed(2),
            c.p99Ratio.toFixed(2),
            c.rawUnprepared ? `${ms(c.rawUnprepared.p50)} / ${ms(c.rawUnprepared.p99)}` : "—",
            String(c.app.n),
            String(c.mismatches),
          ]),
          2,
        ),
      );
    }
    if (e.holds) {
      const h = e.holds;
      out.push(
        "",
        table(
          ["holds", "clients", "holds", "ok", "refused", "seconds", "holds/s", "p50 ms", "p99 ms"],
          [h.service, h.raw].map((r) => [r.label, String(h.concurrency), String(r.holds), String(r.succeeded), String(r.refused), r.seconds.toFixed(2), r.holdsPerSecond.toFixed(0), ms(r.latency.p50), ms(r.latency.p99)]),
          1,
        ),
      );
    }
    if (e.reconcile) {
      const r = e.reconcile;
      const row = (label: string, lines: number, seconds: number, m: ReconcileRun["memory"]) => [
        label,
        lines.toLocaleString("en-US"),
        seconds.toFixed(1),
        Math.round(lines / seconds).toLocaleString("en-US"),
        `${mb(m.start.heapUsed)} / ${mb(m.peak.heapUsed)} / ${mb(m.end.heapUsed)}`,
        `${mb(m.start.rss)} / ${mb(m.peak.rss)} / ${mb(m.end.rss)}`,
      ];
      out.push(
        "",
        `reconcile: ${r.fileLines.toLocaleString("en-US")} JSONL rows (${mb(r.fileBytes)}), 1 item line + ${r.levelsPerItem} level lines per item, into an empty shop`,
        table(
          ["reconcile", "rows", "seconds", "rows/s", "heap start / peak / end", "RSS start / peak / end"],
          [
            row("parse only (baseline)", r.parse.lines, r.parse.seconds, r.parse.memory),
            row("applyBulkResult", r.small.lines, r.small.seconds, r.small.memory),
            row("applyBulkResult", r.large.lines, r.large.seconds, r.large.memory),
          ],
          1,
        ),
        `apply / parse: ${(r.large.seconds / r.parse.seconds).toFixed(2)}×; live heap at each tenth of the file (MB, after a full collection): ${r.small.lines.toLocaleString("en-US")} rows ${r.small.liveHeap.map((b) => (b / 1048576).toFixed(0)).join(" ")}; ${r.large.lines.toLocaleString("en-US")} rows ${r.large.liveHeap.map((b) => (b / 1048576).toFixed(0)).join(" ")} (${r.heapGrowth.toFixed(2)}× at ${(r.large.lines / r.small.lines).toFixed(0)}× the rows)`,
      );
    }
  }
  if (report.goals.length > 0) out.push("", "goals:", ...report.goals.map((g) => `  ${g.met ? "met" : "NOT met"}: ${g.text}`));
  if (report.problems.length > 0) out.push("", "WRONG RESULTS:", ...report.problems.map((p) => `  ${p}`));
  return out.join("\n");
}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value?.replace(/_/g, ""));
  if (!value || !Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive whole number; got ${JSON.stringify(value ?? null)}`);
  return n;
}

export function parseArgs(argv: readonly string[]): AtpBenchOptions & { json: boolean } {
  const options: AtpBenchOptions & { json: boolean } = { ...DEFAULT_OPTIONS, only: [...DEFAULT_OPTIONS.only], pgliteParts: [...DEFAULT_OPTIONS.pgliteParts], json: false };
  let pgliteVariantsSet = false;
  const numeric: Record<string, keyof AtpBenchOptions> = {
    "--variants": "variants",
    "--locations": "locations",
    "--iterations": "iterations",
    "--warmup": "warmup",
    "--cart-lines": "cartLines",
    "--holds": "holds",
    "--concurrency": "concurrency",
    "--reconcile-rows": "reconcileRows",
    "--reconcile-small": "reconcileSmallRows",
    "--pglite-variants": "pgliteVariants",
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag in numeric) {
      const key = numeric[flag]!;
      (options as unknown as Record<string, number>)[key] = flag === "--warmup" ? Number(value()) : positiveInt(flag, value());
      if (key === "pgliteVariants") pgliteVariantsSet = true;
    } else if (flag === "--database-url") options.databaseUrl = value() ?? "";
    else if (flag === "--only" || flag === "--pglite-parts") {
      const parts = (value() ?? "").split(",").filter(Boolean);
      const bad = parts.filter((p) => !PARTS.includes(p as Part));
      if (parts.length === 0 || bad.length > 0) throw new Error(`${flag} takes read, holds and/or reconcile (comma-separated); got ${JSON.stringify(parts.join(","))}`);
      if (flag === "--only") options.only = parts as Part[];
      else options.pgliteParts = parts as Part[];
    } else if (flag === "--no-pglite") options.pglite = false;
    else if (flag === "--no-postgres") options.postgres = false;
    else if (flag === "--json") options.json = true;
    else throw new Error(`unknown option ${arg} (see the header of bench/atp/run.ts)`);
  }
  if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new Error(`--warmup takes a whole number ≥ 0; got ${options.warmup}`);
  if (options.reconcileSmallRows > options.reconcileRows) throw new Error(`--reconcile-small (${options.reconcileSmallRows}) must not exceed --reconcile-rows (${options.reconcileRows})`);
  if (!pgliteVariantsSet) options.pgliteVariants = options.variants;
  return options;
}

async function main(argv: string[]): Promise<number> {
  const { json, ...options } = parseArgs(argv);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`${signal}: dropping the benchmark's database and files…`);
      void Promise.allSettled([...cleanups].map((undo) => undo())).then(() => process.exit(130));
    });
  }
  const report = await runAtpBench({ ...options, log: (line) => console.error(line) });
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
