/** scripts/checkout.ts: arguments, exit codes, the table and the JSON form. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, test, vi } from "vitest";

import { main, parseArgs } from "../../scripts/checkout";

afterEach(() => {
  vi.restoreAllMocks();
});

function capture(): { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.push(args.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void err.push(args.join(" ")));
  return { out: () => out.join("\n"), err: () => err.join("\n") };
}

describe("parseArgs", () => {
  test("flags", () => {
    expect(parseArgs(["c.json", "--json", "--functions", "a, b", "--demo-seed", "42", "--no-build"])).toEqual({
      cart: "c.json",
      seedFile: null,
      demoSeed: 42,
      emulatorUrl: null,
      json: true,
      functions: ["a", "b"],
      build: false,
    });
  });
  test.each([
    [[], /^usage:/],
    [["a.json", "b.json"], /one cart file at a time/],
    [["a.json", "--seed-file", "s.json", "--demo-seed", "1"], /pick one store/],
    [["a.json", "--demo-seed", "x"], /--demo-seed must be a non-negative integer/],
    [["a.json", "--frobnicate"], /unknown option --frobnicate/],
  ])("%j is refused", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe("main", () => {
  test("the small cart: the shopper's view and the function table, exit 0", async () => {
    const io = capture();
    expect(await main(["checkout/carts/small.json"])).toBe(0);
    const text = io.out();
    expect(text).toMatch(/Summit Down Jacket \/ Medium\s+1\s+\$249\.00/);
    expect(text).toMatch(/Total \(taxes not simulated\)\s+\$469\.93/);
    expect(text).toMatch(/peakguard-floor\s+cart\.lines\.discounts\.generate\.run\s+peakguard-floor \(forced\)\s+ok\s+[\d,]+/);
  });

  test("--json gives the cart, the shopper view, the runs with their inputs, what was skipped", async () => {
    const io = capture();
    expect(await main(["checkout/carts/small.json", "--json", "--no-build"])).toBe(0);
    const json = JSON.parse(io.out()) as { shopper: { total: { cents: number } }; runs: { input: { cart: { lines: unknown[] } } }[]; skipped: unknown[] };
    expect(json.shopper.total.cents).toBe(46993);
    expect(json.runs[0]?.input.cart.lines).toHaveLength(3);
  });

  test("a bad cart file: every problem, exit 2", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "checkout-cli-"));
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ lines: [{ sku: "NOPE", quantity: 1 }, { sku: "PG-JKT-M", quantity: -1 }] }));
    const io = capture();
    expect(await main([file])).toBe(2);
    expect(io.err()).toMatch(/lines\[1\]\.quantity: must be a positive integer, got number -1/);
    writeFileSync(file, JSON.stringify({ lines: [{ sku: "NOPE", quantity: 1 }] }));
    expect(await main([file])).toBe(2);
    expect(io.err()).toMatch(/lines\[0\]\.sku: no variant with SKU NOPE in the store/);
  });
});
