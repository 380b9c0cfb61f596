import {
  OrderDiscountSelectionStrategy,
  ProductDiscountSelectionStrategy,
  type CartLinesDiscountsGenerateRunInput,
  type CartLinesDiscountsGenerateRunResult,
  type CartOperation,
  type ProductDiscountCandidate,
} from "../generated/api";
import { MESSAGE_SEPARATOR } from "../../../app/domain/promotions/messages";
import { evaluateInput, toDecimal, type PromotionInput } from "./promotions";

const NO_DISCOUNTS: CartLinesDiscountsGenerateRunResult = { operations: [] };

/** Shopify's output limit is 20 kB; leave room for the order candidate and the wrapping. */
const OUTPUT_BUDGET_BYTES = 19_000;
/** A fixed-amount candidate's bytes besides its line id and message: {"targets":[{"cartLine":{"id":""}}],"value":{"fixedAmount":{"amount":"123.45"}},"message":""}, */
const CANDIDATE_BYTES = 92;
/** A target's bytes besides its line id: {"cartLine":{"id":""}}, */
const TARGET_BYTES = 23;

/**
 * The promotion set's merchandise discounts: each line's line-level total (percent, fixed,
 * buy X get Y, stacked as the engine decided) as product-discount candidates, and every
 * order-level promotion together as one order-discount candidate on the subtotal. Each
 * candidate's message names its promotions (app/domain/promotions/messages.ts), which is how
 * the app counts uses and budgets from orders.
 *
 * Output bytes cost instructions (JSON.stringify runs in the budget, ~430 a byte in our proxy),
 * so lines share a candidate where that changes no cent: lines discounted by the same
 * promotions at the same rate share one `percentage` candidate when, for each of them, the
 * engine's cents are the percentage of the line's subtotal to within less than half a minor
 * unit (so rounding to the nearest minor unit gives the engine's cents, whichever way ties
 * would go). Any other line gets its own fixed-amount candidate with the engine's exact cents.
 * Only when that would not fit in Shopify's 20 kB output (~190 odd lines) do the fixed-amount
 * lines discounted at the same effective rate share one candidate for their summed cents,
 * which Shopify spreads over them by price: the total stays exact, a line's share may then
 * differ from the engine's by a cent.
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
    const candidates = productCandidates(
      evaluation.lineLevelCents,
      evaluation.lineLevelMask ?? NO_MASK,
      evaluation.lineLevelPromotionIds ?? NO_IDS,
      columns.id,
      columns.subtotal,
      exponent
    );
    if (candidates.length > 0) operations.push({ productDiscountsAdd: { candidates, selectionStrategy: ProductDiscountSelectionStrategy.All } });

    const orders = evaluation.orderDiscounts;
    if (orders.length > 0) {
      let amount = 0;
      let excluded: string[] = orders[0]!.excludedLineIds;
      let message = "";
      for (let k = 0; k < orders.length; k++) {
        const o = orders[k]!;
        amount += o.amountCents;
        if (k > 0 && excluded.length > 0) excluded = excluded.filter((id) => o.excludedLineIds.indexOf(id) !== -1);
        if (o.amountCents > 0) message += (message === "" ? "" : MESSAGE_SEPARATOR) + o.promotionId + " " + toDecimal(o.amountCents, exponent);
      }
      if (amount > 0) {
        // one promotion: its name alone (the allocation is its amount)
        if (message.indexOf(MESSAGE_SEPARATOR) === -1) message = message.slice(0, message.indexOf(" "));
        operations.push({
          orderDiscountsAdd: {
            candidates: [{
              targets: [{ orderSubtotal: { excludedCartLineIds: excluded } }],
              value: { fixedAmount: { amount: toDecimal(amount, exponent) } },
              message,
            }],
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

const NO_MASK: number[] = [];
const NO_IDS: string[] = [];

interface Group {
  targets: { cartLine: { id: string } }[];
  mask: number;
  /** Basis points of each line's subtotal (percentage groups). */
  rate: number;
  cents: number;
}

/** The promotion ids of a mask, as the candidate's message. */
function messageOf(mask: number, ids: readonly string[]): string {
  let out = "";
  for (let k = 0; k < ids.length; k++) {
    if ((mask & (1 << k)) !== 0) out += (out === "" ? "" : MESSAGE_SEPARATOR) + ids[k]!;
  }
  return out;
}

/** The candidate with its promotions as its message (none when no promotion is known for it: past the 31st line-level one). */
function named(candidate: ProductDiscountCandidate, mask: number, ids: readonly string[]): ProductDiscountCandidate {
  const message = messageOf(mask, ids);
  if (message !== "") candidate.message = message;
  return candidate;
}

function productCandidates(
  lineLevel: readonly number[],
  masks: readonly number[],
  ids: readonly string[],
  lineIds: readonly string[],
  subtotals: readonly number[],
  exponent: number
): ProductDiscountCandidate[] {
  const byKey: Record<number, Group> = {};
  const groups: Group[] = [];
  const single: number[] = [];
  let last: Group | null = null;
  let bytes = 0;
  const hasMasks = masks.length > 0;
  for (let i = 0; i < lineLevel.length; i++) {
    const cents = lineLevel[i]!;
    if (cents <= 0) continue;
    const subtotal = subtotals[i]!;
    const mask = hasMasks ? masks[i]! : 0;
    // nearest basis point without a call: ⌊x + 0.5⌋ = (x + 0.5) − (x + 0.5) % 1 for x ≥ 0
    const x = (cents * 10000) / subtotal + 0.5;
    const rate = x - (x % 1);
    // |subtotal × rate / 10000 − cents| < ½ minor unit, in integers: exact whatever the tie rule
    const off = cents * 10000 - subtotal * rate;
    if (rate > 0 && rate <= 10000 && off < 5000 && off > -5000) {
      // neighbouring lines mostly share a group: test the last one before the lookup
      let group: Group;
      if (last !== null && last.rate === rate && last.mask === mask) group = last;
      else {
        const key: number = mask * 16384 + rate;
        const known: Group | undefined = byKey[key];
        if (known === undefined) {
          group = byKey[key] = { targets: [], mask, rate, cents: 0 };
          groups.push(group);
          bytes += CANDIDATE_BYTES;
        } else group = known;
        last = group;
      }
      const id = lineIds[i]!;
      const targets = group.targets;
      targets[targets.length] = { cartLine: { id } };
      group.cents += cents;
      bytes += id.length + TARGET_BYTES;
    } else {
      single.push(i);
      bytes += lineIds[i]!.length + CANDIDATE_BYTES;
    }
  }
  const candidates: ProductDiscountCandidate[] = [];
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    candidates.push(named({ targets: group.targets, value: { percentage: { value: toDecimal(group.rate, 2) } } }, group.mask, ids));
  }
  if (bytes <= OUTPUT_BUDGET_BYTES) {
    for (let k = 0; k < single.length; k++) {
      const i = single[k]!;
      candidates.push(named({ targets: [{ cartLine: { id: lineIds[i]! } }], value: { fixedAmount: { amount: toDecimal(lineLevel[i]!, exponent) } } }, hasMasks ? masks[i]! : 0, ids));
    }
    return candidates;
  }
  // Too many for one candidate each: one per effective rate (basis points of the line's price) and promotions.
  const byRate: Record<number, Group> = {};
  const rates: Group[] = [];
  for (let k = 0; k < single.length; k++) {
    const i = single[k]!;
    const cents = lineLevel[i]!;
    const mask = hasMasks ? masks[i]! : 0;
    const rate = Math.round((cents * 10000) / subtotals[i]!);
    const key = mask * 16384 + rate;
    let group = byRate[key];
    if (group === undefined) {
      group = byRate[key] = { targets: [], mask, rate, cents: 0 };
      rates.push(group);
    }
    group.targets.push({ cartLine: { id: lineIds[i]! } });
    group.cents += cents;
  }
  for (let g = 0; g < rates.length; g++) {
    const group = rates[g]!;
    candidates.push(named({ targets: group.targets, value: { fixedAmount: { amount: toDecimal(group.cents, exponent) } } }, group.mask, ids));
  }
  return candidates;
}
