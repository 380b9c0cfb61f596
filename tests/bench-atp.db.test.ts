/**
 * `npm run bench:atp` at a tiny scale: the report has its parts and goals, and its
 * results are right — the app's ATP read and the raw SQL agree on every read,
 * every hold the service granted is in the database and none oversold, the
 * reconcile applied every JSONL row. No timing is asserted (timings are the
 * benchmark's to print, not a test's to check).
 *
 * Runs on the embedded engine (PGlite) every part; in the PostgreSQL pass
 * (TEST_DATABASE_URL) on PostgreSQL too, in a throwaway database of its own.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS, formatReport, parseArgs, runAtpBench, type AtpBenchOptions } from "../bench/atp/run";

const postgresUrl = process.env.TEST_DATABASE_URL;

const tiny: AtpBenchOptions = {
  ...DEFAULT_OPTIONS,
  variants: 120,
  pgliteVariants: 120,
  locations: 3,
  iterations: 12,
  warmup: 2,
  cartLines: 5,
  holds: 40,
  concurrency: 4,
  reconcileRows: 400,
  reconcileSmallRows: 40,
  postgres: Boolean(postgresUrl),
  databaseUrl: postgresUrl ?? DEFAULT_OPTIONS.databaseUrl,
  pglite: true,
  pgliteParts: ["read", "holds", "reconcile"],
};

describe("bench:atp at a tiny scale", () => {
  it("reports every part with right results on each engine", async () => {
    const report = await runAtpBench(tiny);
    expect(report.problems).toEqual([]);
    expect(report.engines.map((e) => e.engine)).toEqual(postgresUrl ? ["postgres", "pglite"] : ["pglite"]);
    for (const engine of report.engines) {
      expect(engine.levels).toBe(120 * 3);
      // One SKU and the cart through the storefront's read (one row per SKU); the cart's detailed per-level read for information.
      expect(engine.read!.map((c) => [c.label, c.path, c.target, c.skusPerRead, c.levelsPerRead, c.rowsPerRead, c.app.n, c.raw.n, c.mismatches])).toEqual([
        ["one SKU", "cartAvailability", true, 1, 3, 1, 12, 12, 0],
        ["5-line cart", "cartAvailability", true, 5, 15, 5, 12, 12, 0],
        ["5-line cart, detailed levels", "levelAtps", false, 5, 15, 15, 12, 12, 0],
      ]);
      // On PostgreSQL the app and the raw baseline send the same named statement; the unnamed one is timed too, for information.
      expect(engine.read!.map((c) => c.rawUnprepared?.n ?? null)).toEqual(engine.engine === "postgres" ? [12, 12, 12] : [null, null, null]);
      const holds = engine.holds!;
      expect(holds.service.succeeded).toBe(40);
      expect(holds.raw.succeeded).toBe(40);
      expect(holds.missing).toBe(0);
      expect(holds.negativeLevels).toBe(0);
      const reconcile = engine.reconcile!;
      // 1 item line + 2 level lines per item (locations − 1)
      expect(reconcile.fileLines).toBe(399);
      expect(reconcile.large.report).toMatchObject({ lines: 399, applied: 399, stale: 0, skipped: 0 });
      expect([reconcile.large.itemsInDb, reconcile.large.levelsInDb]).toEqual([133, 266]);
      expect(reconcile.small.report).toMatchObject({ lines: 39, applied: 39 });
      expect(reconcile.parse.lines).toBe(399);
      expect(reconcile.large.memory.samples).toBeGreaterThanOrEqual(2);
      expect(reconcile.large.liveHeap).toHaveLength(10);
      expect(reconcile.heapGrowth).toBeGreaterThan(0);
    }
    // Goals are the PostgreSQL run's: one per target, each marked met or not.
    expect(report.goals).toHaveLength(postgresUrl ? 7 : 0);
    const text = formatReport(report);
    expect(text).toMatch(/load average before/);
    expect(text).toMatch(/5-line cart, detailed levels\s+levelAtps \(information\)/);
    if (postgresUrl) expect(text).toMatch(/(met|NOT met): holds on PostgreSQL/);
  }, 300_000);

  it("parses flags and refuses bad ones by name", () => {
    expect(parseArgs(["--variants", "10000", "--only=read,holds", "--no-pglite"])).toMatchObject({ variants: 10000, pgliteVariants: 10000, only: ["read", "holds"], pglite: false });
    expect(() => parseArgs(["--variants", "ten"])).toThrow(/--variants takes a positive whole number; got "ten"/);
    expect(() => parseArgs(["--only", "read,writes"])).toThrow(/--only takes read, holds and\/or reconcile/);
    expect(() => parseArgs(["--fast"])).toThrow(/unknown option --fast/);
    expect(() => parseArgs(["--reconcile-rows", "10", "--reconcile-small", "100"])).toThrow(/must not exceed/);
  });
});
