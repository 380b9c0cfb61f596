/**
 * The checkout function's cost, through bench/functions/run.ts (the floor runs on the same
 * inputs, both with a peak day's kill-switch metafield). Guards what is met and pins what is
 * not, so a change that makes it worse fails:
 *   - "drop" (7 rules, 5 drop lines with ATP, the rest ordinary): ≤ 2× the floor at 200
 *     lines (1.52×), and the export call within 60% of Shopify's 11M (the 50% target is NOT
 *     met: 58.6%, of which the floor's reading of the input is 38.6%);
 *   - "atp all" (a figure on every line): ≤ 2× the floor; at 200 lines it is over 11M —
 *     publishing ATP for every variant makes each line ~45 bytes longer (the floor alone is 66%).
 * Start-up (QuickJS compiling the bundle's source, ~19M here) is reported by the harness but
 * not asserted: Javy precompiles to bytecode, so Shopify does not pay it in this form.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { runBenchmarks, type BenchRow } from "../../bench/functions/run";

let rows: BenchRow[] = [];
const row = (label: string, lines: number) => rows.find((r) => r.label === label && r.lines === lines)!;

beforeAll(async () => {
  rows = await runBenchmarks(["checkout-validation"]);
}, 120_000);

describe("checkout-validation bench", () => {
  it("runs every scenario at 1, 50 and 200 lines without a run error", () => {
    expect(rows.map((r) => `${r.label}@${r.lines}`)).toEqual(["drop@1", "drop@50", "drop@200", "atp all@1", "atp all@50", "atp all@200"]);
    for (const r of rows) expect(r.problems.filter((p) => p.startsWith("run:") || p.startsWith("input") || p.startsWith("floor:"))).toEqual([]);
  });

  it("reads the kill switches like checkout does: the shop metafield with a region switch", () => {
    expect(row("drop", 200).inputBytes).toBeGreaterThan(10_500);
  });

  it("drop at 200 lines: at most 2× the floor on the same input, export call within 60% of 11M", () => {
    const r = row("drop", 200);
    expect(r.ratio).toBeLessThanOrEqual(2);
    expect(r.instructions / 11_000_000).toBeLessThan(0.6);
  });

  it("the cost of a line the rules do not govern stays near the floor's", () => {
    const perLine = (row("drop", 200).instructions - row("drop", 50).instructions) / 150;
    const floorPerLine = (row("drop", 200).floorInstructions - row("drop", 50).floorInstructions) / 150;
    expect(perLine / floorPerLine).toBeLessThan(1.35);
  });

  it("atp all: at most 2× the floor at every size", () => {
    for (const lines of [1, 50, 200]) expect(row("atp all", lines).ratio).toBeLessThanOrEqual(2);
  });
});
