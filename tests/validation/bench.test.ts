/**
 * The checkout function's cost, through bench/functions/run.ts (the floor runs on the same
 * inputs, both with a peak day's kill-switch metafield). Guards what is met and pins what is
 * not, so a change that makes it worse fails:
 *   - "drop" (7 rules, 5 drop SKUs whose ATP figures come in the validation's own copy, the
 *     rest ordinary lines): at 200 lines ≤ 2× the floor (1.41×) and ≤ 50% of Shopify's 11M
 *     with the module's top-level evaluation (49.6%: met, with little margin);
 *   - "atp all" (an ATP rule over every SKU: the copy carries a figure for every line's SKU):
 *     ≤ 2× the floor at every size (1.98× at 200 lines) and within Shopify's 11M (87%); the
 *     50% target is NOT met there — the floor alone, reading 200 lines and 200 figures, is 42.5%.
 * ATP is no longer read per cart line: a variant's published figure (every variant has one)
 * costs a checkout nothing unless an ATP rule governs its SKU.
 * Start-up (QuickJS compiling the bundle's source, ~23M here) is reported by the harness but
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
  it("runs every scenario at 1, 50 and 200 lines within every Shopify limit it can measure", () => {
    expect(rows.map((r) => `${r.label}@${r.lines}`)).toEqual(["drop@1", "drop@50", "drop@200", "atp all@1", "atp all@50", "atp all@200"]);
    for (const r of rows) expect(r.problems, `${r.label}@${r.lines}`).toEqual([]);
  });

  it("reads the kill switches like checkout does: the shop metafield with a region switch", () => {
    expect(row("drop", 200).inputBytes).toBeGreaterThan(8_500);
  });

  it("drop at 200 lines: at most 2× the floor on the same input, and at most 50% of 11M with the top-level evaluation", () => {
    const r = row("drop", 200);
    expect(r.ratio).toBeLessThanOrEqual(2);
    expect(r.budgetUsed).toBeLessThanOrEqual(0.5);
  });

  it("no ATP on the cart lines: a drop line costs the input no more than an ordinary one", () => {
    // 5 drop SKUs with figures in the copy, 195 ordinary lines: ~45 bytes a line, as a cart without ATP.
    expect((row("drop", 200).inputBytes - row("drop", 50).inputBytes) / 150).toBeLessThan(35);
  });

  it("the cost of a line the rules do not govern stays near the floor's", () => {
    const perLine = (row("drop", 200).instructions - row("drop", 50).instructions) / 150;
    const floorPerLine = (row("drop", 200).floorInstructions - row("drop", 50).floorInstructions) / 150;
    expect(perLine / floorPerLine).toBeLessThan(1.25);
  });

  it("atp all: at most 2× the floor at every size, and within Shopify's 11M at 200 lines (not within 50%)", () => {
    for (const lines of [1, 50, 200]) expect(row("atp all", lines).ratio).toBeLessThanOrEqual(2);
    expect(row("atp all", 200).budgetUsed).toBeLessThan(0.9);
  });
});
