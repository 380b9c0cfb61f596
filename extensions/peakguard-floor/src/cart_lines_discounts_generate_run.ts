import type { CartInput, CartLinesDiscountsGenerateRunResult } from "../generated/api";

/**
 * The floor function: Shopify hands it the cart (runtime start-up, input parsing and output
 * writing all happen), and it returns no operations. Its instruction count is the baseline
 * every real function is compared against in bench/functions/run.ts, so it must stay this
 * small: no config read, no loop over the lines.
 */
export function cartLinesDiscountsGenerateRun(_input: CartInput): CartLinesDiscountsGenerateRunResult {
  return { operations: [] };
}
