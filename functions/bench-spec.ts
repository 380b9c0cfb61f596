/**
 * What an extension's bench.ts exports, and deterministic cart inputs to build benchmarks from.
 *
 *   // extensions/<name>/bench.ts
 *   import { benchCart, defineBenchmarks } from "../../functions/bench-spec";
 *   export default defineBenchmarks([
 *     { target: "cart.lines.discounts.generate.run", label: "3 promotions", input: (lines) => ({ ...benchCart(lines), discount: {...} }) },
 *   ]);
 *
 * bench/functions/run.ts runs every size of every benchmark through the extension's bundle
 * and through the floor function (extensions/peakguard-floor) on the same input.
 * Inputs must match the target's input query (they are validated like fixture inputs).
 */

/** Cart sizes benchmarked unless a benchmark lists its own. 200 is where @scaleLimits starts to scale. */
export const DEFAULT_BENCH_SIZES: readonly number[] = [1, 10, 50, 100, 200];

export interface FunctionBenchmark {
  /** A target from the extension's shopify.extension.toml; the export comes from the toml. */
  target: string;
  /** Scenario name shown in the table ("no config", "10 promotions"). */
  label?: string;
  /** Cart sizes (lines) to run; DEFAULT_BENCH_SIZES if absent. */
  sizes?: readonly number[];
  /** The function input for a cart of `lines` lines. Must be deterministic. */
  input(lines: number): unknown;
  /**
   * Targets to report against (printed as met / NOT met under the table; they do not change
   * the exit code, which is about Shopify's limits): at `lines`, instructions at most
   * `maxFloorRatio` × the floor's, and (instructions + start-up) at most `maxBudgetShare` of
   * the instruction budget.
   */
  goals?: readonly BenchGoal[];
}

export interface BenchGoal {
  lines: number;
  maxFloorRatio?: number;
  maxBudgetShare?: number;
}

/** Identity, for type checking a bench.ts default export. */
export function defineBenchmarks(benchmarks: FunctionBenchmark[]): FunctionBenchmark[] {
  return benchmarks;
}

export interface BenchCartLine {
  id: string;
  quantity: number;
  cost: { subtotalAmount: { amount: string } };
  merchandise: { __typename: "ProductVariant"; id: string; sku: string };
}

/**
 * Line `index` of a benchmark cart: the fields the floor's input query reads, shaped like
 * Shopify's template fixtures (line gids by position, 14-digit variant ids, SKUs, two-decimal
 * amounts). Same index, same line. Input bytes drive the count (JSON.parse runs in the VM),
 * so keep generated values as long as real ones, no shorter.
 */
export function benchCartLine(index: number): BenchCartLine {
  const quantity = 1 + (index % 3);
  const unitCents = 100 + ((index * 7919) % 9900);
  return {
    id: `gid://shopify/CartLine/${index}`,
    quantity,
    cost: { subtotalAmount: { amount: centsToDecimal(unitCents * quantity) } },
    merchandise: {
      __typename: "ProductVariant",
      id: `gid://shopify/ProductVariant/${44_000_000_000_000 + index * 37}`,
      sku: `PG-${String(10_000 + index).padStart(6, "0")}`,
    },
  };
}

/** `{ cart: { lines } }` with `lines` benchCartLine()s; spread it into a fuller input. */
export function benchCart(lines: number): { cart: { lines: BenchCartLine[] } } {
  return { cart: { lines: Array.from({ length: lines }, (_, i) => benchCartLine(i)) } };
}

function centsToDecimal(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}
