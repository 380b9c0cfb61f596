/**
 * The function sandbox: the floor bundle runs unmodified, counts are reproducible and grow
 * with the cart, errors and logs come back as data, Shopify's limits are applied.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { benchCart } from "../../functions/bench-spec";
import { buildFunction } from "../../functions/build";
import { checkLimits, countCartLines, instructionBudget, runFunction, SHOPIFY_LIMITS } from "../../functions/sandbox";

const FLOOR_EXPORT = "cart-lines-discounts-generate-run";

/** A bundle written by hand in the shape the CLI's generated entry has (run.ts inlined). */
const HAND_BUNDLE = `
function run(fn) { ShopifyFunction.writeOutput(fn(ShopifyFunction.readInput())); }
export function countLines() { return run((input) => ({ lines: input.cart.lines.length })); }
export function throwsOnEmptyCart() {
  return run((input) => { if (input.cart.lines.length === 0) throw new Error("No cart lines found"); return {}; });
}
export function logs() { return run((input) => { console.log("lines", input.cart.lines.length, { ok: true }); return {}; }); }
export function spins() { return run(() => { for (;;) {} }); }
export function writesNothing() { ShopifyFunction.readInput(); }
`;

let floorSource = "";

beforeAll(async () => {
  floorSource = (await buildFunction("peakguard-floor", { write: false })).source;
});

describe("runFunction on the floor bundle", () => {
  it("runs dist/function.js as built, through ShopifyFunction.readInput/writeOutput", async () => {
    // GIVEN a three-line cart
    const input = benchCart(3);

    // WHEN the floor runs
    const result = await runFunction({ bundleSource: floorSource, exportName: FLOOR_EXPORT, input });

    // THEN it wrote its output and every figure is reported
    expect(result.error).toBeUndefined();
    expect(result.output).toEqual({ operations: [] });
    expect(result.outputBytes).toBe(Buffer.byteLength(JSON.stringify({ operations: [] })));
    expect(result.inputBytes).toBe(Buffer.byteLength(JSON.stringify(input)));
    expect(result.instructions).toBeGreaterThan(0);
    expect(result.startupInstructions).toBeGreaterThan(0);
    // Compiling is measured alone and is most of start-up; evaluating the top level is the rest.
    expect(result.compileInstructions).toBeGreaterThan(0);
    expect(result.compileInstructions).toBeLessThan(result.startupInstructions);
    expect(result.logs).toEqual([]);
  });

  it("accepts the JS export name as well as the toml export", async () => {
    const input = benchCart(1);
    const byToml = await runFunction({ bundleSource: floorSource, exportName: FLOOR_EXPORT, input });
    const byJs = await runFunction({ bundleSource: floorSource, exportName: "cartLinesDiscountsGenerateRun", input });
    expect(byJs.error).toBeUndefined();
    expect(byJs.instructions).toBe(byToml.instructions);
  });

  it("counts the same instructions for the same input, whatever ran before", async () => {
    // GIVEN the same 10-line input run twice, with a bigger run in between
    const input = benchCart(10);
    const first = await runFunction({ bundleSource: floorSource, exportName: FLOOR_EXPORT, input });
    await runFunction({ bundleSource: floorSource, exportName: FLOOR_EXPORT, input: benchCart(50) });
    const second = await runFunction({ bundleSource: floorSource, exportName: FLOOR_EXPORT, input });

    // THEN both counts are identical
    expect(second.instructions).toBe(first.instructions);
    expect(second.startupInstructions).toBe(first.startupInstructions);
  });

  it("counts more instructions for bigger carts, roughly in proportion to input bytes", async () => {
    const sizes = [1, 10, 50, 200];
    const runs = [];
    for (const lines of sizes) {
      runs.push(await runFunction({ bundleSource: floorSource, exportName: FLOOR_EXPORT, input: benchCart(lines) }));
    }
    const counts = runs.map((r) => r.instructions);

    // THEN strictly increasing
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1]!);
    // AND the per-line cost from 50 to 200 lines is close to the one from 10 to 50 (linear parse)
    const perLine = (a: number, b: number) => (counts[b]! - counts[a]!) / (sizes[b]! - sizes[a]!);
    expect(perLine(2, 3) / perLine(1, 2)).toBeGreaterThan(0.8);
    expect(perLine(2, 3) / perLine(1, 2)).toBeLessThan(1.25);
    // AND the start-up cost does not depend on the input
    expect(new Set(runs.map((r) => r.startupInstructions)).size).toBe(1);
  });
});

describe("runFunction errors, logs and output", () => {
  it("reports a thrown error with its message and stack instead of throwing", async () => {
    const result = await runFunction({
      bundleSource: HAND_BUNDLE,
      exportName: "throwsOnEmptyCart",
      input: { cart: { lines: [] } },
    });
    expect(result.error).toMatch(/^Error: No cart lines found\n/);
    expect(result.error).toMatch(/function\.js:\d+/);
    expect(result.output).toBeNull();
    expect(result.outputBytes).toBe(0);
    expect(result.instructions).toBeGreaterThan(0);
  });

  it("captures the output JSON the function writes", async () => {
    const result = await runFunction({ bundleSource: HAND_BUNDLE, exportName: "countLines", input: benchCart(7) });
    expect(result.error).toBeUndefined();
    expect(result.output).toEqual({ lines: 7 });
    expect(result.outputBytes).toBe('{"lines":7}'.length);
  });

  it("captures console output as log lines", async () => {
    const result = await runFunction({ bundleSource: HAND_BUNDLE, exportName: "logs", input: benchCart(2) });
    expect(result.logs).toEqual(['lines 2 {"ok":true}']);
  });

  it("takes the input as a JSON string verbatim", async () => {
    const json = '{"cart": {"lines": [{}, {}]}}';
    const result = await runFunction({ bundleSource: HAND_BUNDLE, exportName: "countLines", input: json });
    expect(result.output).toEqual({ lines: 2 });
    expect(result.inputBytes).toBe(json.length);
  });

  it("stops a runaway function at maxInstructions", async () => {
    const result = await runFunction({
      bundleSource: HAND_BUNDLE,
      exportName: "spins",
      input: benchCart(1),
      maxInstructions: 2_000_000,
    });
    expect(result.error).toMatch(/stopped after more than 2000000 instructions/);
    expect(result.instructions).toBeGreaterThan(1_000_000);
  });

  it("reports a missing export, a bundle that does not parse, and a run that writes nothing", async () => {
    const missing = await runFunction({
      bundleSource: HAND_BUNDLE,
      exportName: "cart-validations-generate-run",
      input: {},
    });
    expect(missing.error).toBe(
      'the bundle has no export "cartValidationsGenerateRun" (from "cart-validations-generate-run")'
    );

    const broken = await runFunction({ bundleSource: "export function f( {", exportName: "f", input: {} });
    expect(broken.error).toMatch(/^bundle failed to load: SyntaxError/);

    const silent = await runFunction({ bundleSource: HAND_BUNDLE, exportName: "writesNothing", input: {} });
    expect(silent.error).toBe("the function returned without writing output");
  });
});

describe("Shopify limits", () => {
  it("has the documented figures", () => {
    expect(SHOPIFY_LIMITS).toMatchObject({
      instructions: 11_000_000,
      inputBytes: 64_000,
      outputBytes: 20_000,
      metafieldValueBytes: 10_000,
      wasmBytes: 256_000,
    });
  });

  it("scales the instruction budget above 200 lines only", () => {
    expect(instructionBudget(0)).toBe(11_000_000);
    expect(instructionBudget(200)).toBe(11_000_000);
    expect(instructionBudget(300)).toBe(16_500_000);
    expect(instructionBudget(400)).toBe(22_000_000);
  });

  it("flags runs over the budget, the input size or the output size", () => {
    const within = { instructions: 10_000_000, startupInstructions: 900_000, compileInstructions: 400_000, inputBytes: 64_000, outputBytes: 20_000 };
    expect(checkLimits(within, 200).violations).toEqual([]);
    expect(checkLimits(within, 200).budgetUsed).toBeCloseTo(10_500_000 / 11_000_000);
    expect(checkLimits({ ...within, instructions: 10_600_000 }, 200).violations).toHaveLength(1);
    expect(checkLimits({ ...within, instructions: 10_600_000 }, 300).violations).toEqual([]);
    expect(checkLimits({ ...within, inputBytes: 64_001, outputBytes: 20_001 }, 1).violations).toHaveLength(2);
  });

  it("leaves compiling the source out of the budget (Javy compiles at build time) but not top-level evaluation", () => {
    const base = { instructions: 5_000_000, inputBytes: 1, outputBytes: 1 };
    expect(checkLimits({ ...base, startupInstructions: 20_000_000, compileInstructions: 19_500_000 }, 1).violations).toEqual([]);
    expect(checkLimits({ ...base, startupInstructions: 20_000_000, compileInstructions: 10_000_000 }, 1).violations).toHaveLength(1);
  });

  it("counts the lines that @scaleLimits scales by", () => {
    expect(countCartLines(benchCart(12))).toBe(12);
    expect(countCartLines({ cart: { deliveryGroups: [{ cartLines: [{}, {}] }, { cartLines: [{}] }] } })).toBe(2);
    expect(countCartLines({ shop: {} })).toBe(0);
  });
});
