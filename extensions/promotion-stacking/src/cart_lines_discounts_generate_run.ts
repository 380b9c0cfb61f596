import {
  OrderDiscountSelectionStrategy,
  ProductDiscountSelectionStrategy,
  type CartLinesDiscountsGenerateRunInput,
  type CartLinesDiscountsGenerateRunResult,
  type CartOperation,
  type ProductDiscountCandidate,
} from "../generated/api";
import { evaluateInput, toDecimal, type PromotionInput } from "./promotions";

const NO_DISCOUNTS: CartLinesDiscountsGenerateRunResult = { operations: [] };

/** Shopify's output limit is 20 kB; leave room for the order candidate and the wrapping. */
const OUTPUT_BUDGET_BYTES = 19_000;
/** A product candidate's bytes besides its line id: {"targets":[{"cartLine":{"id":""}}],"value":{"fixedAmount":{"amount":"123.45"}}}, */
const CANDIDATE_BYTES = 80;

/**
 * The promotion set's merchandise discounts: each line's line-level total (percent, fixed,
 * buy X get Y, stacked as the engine decided) as one product-discount candidate, and every
 * order-level promotion together as one order-discount candidate on the subtotal.
 *
 * Product candidates carry the engine's exact cents per line (a fixed amount), never a
 * percentage Shopify would round again. Only when one candidate per line would not fit in
 * Shopify's 20 kB output (~190 discounted lines) do lines discounted at the same effective
 * rate share one candidate for their summed cents, which Shopify spreads over them by price:
 * the total stays exact, a line's share may then differ from the engine's by a cent.
 *
 * The order candidate's amount is the sum of the order-level promotions (Shopify applies one
 * order candidate per operation), on the subtotal without the lines every one of them excludes.
 */
export function cartLinesDiscountsGenerateRun(input: CartLinesDiscountsGenerateRunInput): CartLinesDiscountsGenerateRunResult {
  try {
    const evaluated = evaluateInput(input as unknown as PromotionInput, false);
    if (evaluated === null) return NO_DISCOUNTS;
    const { evaluation, cart, exponent } = evaluated;
    const operations: CartOperation[] = [];
    const columns = cart.lineColumns!;
    const candidates = productCandidates(evaluation.lineLevelCents, columns.id, columns.subtotal, exponent);
    if (candidates.length > 0) operations.push({ productDiscountsAdd: { candidates, selectionStrategy: ProductDiscountSelectionStrategy.All } });

    const orders = evaluation.orderDiscounts;
    if (orders.length > 0) {
      let amount = 0;
      let excluded: string[] = orders[0]!.excludedLineIds;
      for (let k = 0; k < orders.length; k++) {
        const o = orders[k]!;
        amount += o.amountCents;
        if (k > 0 && excluded.length > 0) excluded = excluded.filter((id) => o.excludedLineIds.indexOf(id) !== -1);
      }
      if (amount > 0) {
        operations.push({
          orderDiscountsAdd: {
            candidates: [{ targets: [{ orderSubtotal: { excludedCartLineIds: excluded } }], value: { fixedAmount: { amount: toDecimal(amount, exponent) } } }],
            selectionStrategy: OrderDiscountSelectionStrategy.First,
          },
        });
      }
    }
    return operations.length > 0 ? { operations } : NO_DISCOUNTS;
  } catch {
    return NO_DISCOUNTS;
  }
}

function productCandidates(lineLevel: readonly number[], ids: readonly string[], subtotals: readonly number[], exponent: number): ProductDiscountCandidate[] {
  const candidates: ProductDiscountCandidate[] = [];
  let bytes = 0;
  for (let i = 0; i < lineLevel.length; i++) if (lineLevel[i]! > 0) bytes += ids[i]!.length + CANDIDATE_BYTES;
  if (bytes <= OUTPUT_BUDGET_BYTES) {
    for (let i = 0; i < lineLevel.length; i++) {
      const cents = lineLevel[i]!;
      if (cents <= 0) continue;
      candidates.push({ targets: [{ cartLine: { id: ids[i]! } }], value: { fixedAmount: { amount: toDecimal(cents, exponent) } } });
    }
    return candidates;
  }
  // Too many for one candidate each: one per effective rate (basis points of the line's price).
  const byRate: Record<number, { targets: { cartLine: { id: string } }[]; cents: number }> = {};
  const rates: number[] = [];
  for (let i = 0; i < lineLevel.length; i++) {
    const cents = lineLevel[i]!;
    if (cents <= 0) continue;
    const rate = Math.round((cents * 10000) / subtotals[i]!);
    let group = byRate[rate];
    if (group === undefined) {
      group = byRate[rate] = { targets: [], cents: 0 };
      rates.push(rate);
    }
    group.targets.push({ cartLine: { id: ids[i]! } });
    group.cents += cents;
  }
  for (const rate of rates) {
    const group = byRate[rate]!;
    candidates.push({ targets: group.targets, value: { fixedAmount: { amount: toDecimal(group.cents, exponent) } } });
  }
  return candidates;
}
