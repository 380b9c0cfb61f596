/**
 * The bench harness on the floor: one row per cart size, the floor against itself at 1.00,
 * counts growing with the cart, within Shopify's limits up to 200 lines.
 */
import { describe, expect, it } from "vitest";

import { FLOOR_EXTENSION, formatTable, runBenchmarks } from "../../bench/functions/run";
import { DEFAULT_BENCH_SIZES } from "../../functions/bench-spec";

describe("bench/functions/run.ts", () => {
  it("measures the floor at every default cart size", { timeout: 60_000 }, async () => {
    const rows = await runBenchmarks([FLOOR_EXTENSION]);

    expect(rows.map((r) => r.lines)).toEqual([...DEFAULT_BENCH_SIZES]);
    for (const row of rows) {
      expect(row.problems).toEqual([]);
      expect(row.instructions).toBe(row.floorInstructions);
      expect(row.ratio).toBe(1);
      expect(row.budgetUsed).toBeLessThan(1);
    }
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.instructions).toBeGreaterThan(rows[i - 1]!.instructions);

    const table = formatTable(rows);
    expect(table.split("\n")[0]).toMatch(/^extension\s+target\s+label\s+lines\s+instructions\s+floor/);
    expect(table.split("\n")).toHaveLength(2 + rows.length);
  });
});
