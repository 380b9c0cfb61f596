import {
  DeliveryDiscountSelectionStrategy,
  type CartDeliveryOptionsDiscountsGenerateRunInput,
  type CartDeliveryOptionsDiscountsGenerateRunResult,
  type DeliveryDiscountCandidate,
} from "../generated/api";
import { MESSAGE_SEPARATOR } from "../../../app/domain/promotions/messages";
import { evaluateInput, toDecimal, type PromotionInput } from "./promotions";

const NO_DISCOUNTS: CartDeliveryOptionsDiscountsGenerateRunResult = { operations: [] };

/**
 * The promotion set's shipping discounts: the same evaluation as the lines target (same cart,
 * same selection), and for each delivery option what the chosen free-shipping promotions take
 * off it, capped as the engine decided. A whole option free is a 100% candidate; a capped one
 * a fixed amount. The message names the promotions (app/domain/promotions/messages.ts).
 */
export function cartDeliveryOptionsDiscountsGenerateRun(
  input: CartDeliveryOptionsDiscountsGenerateRunInput
): CartDeliveryOptionsDiscountsGenerateRunResult {
  try {
    const evaluated = evaluateInput(input as unknown as PromotionInput, true);
    if (evaluated === null) return NO_DISCOUNTS;
    const { evaluation, cart, exponent } = evaluated;
    const shipping = evaluation.shippingDiscounts;
    if (shipping.length === 0) return NO_DISCOUNTS;
    // Several free-shipping promotions may take from one option: one candidate per option.
    const byHandle: Record<string, number> = {};
    const messages: Record<string, string> = {};
    const order: string[] = [];
    for (let k = 0; k < shipping.length; k++) {
      const d = shipping[k]!;
      if (d.amountCents <= 0) continue;
      const part = d.promotionId + " " + toDecimal(d.amountCents, exponent);
      if (byHandle[d.handle] === undefined) {
        byHandle[d.handle] = 0;
        messages[d.handle] = part;
        order.push(d.handle);
      } else messages[d.handle] += MESSAGE_SEPARATOR + part;
      byHandle[d.handle] = byHandle[d.handle]! + d.amountCents;
    }
    const costs: Record<string, number> = {};
    for (const o of cart.deliveryOptions ?? []) costs[o.handle] = o.costCents;
    const candidates: DeliveryDiscountCandidate[] = [];
    for (const handle of order) {
      const cents = byHandle[handle]!;
      if (cents <= 0) continue;
      let message = messages[handle]!;
      // one promotion: its name alone (the allocation is its amount)
      if (message.indexOf(MESSAGE_SEPARATOR) === -1) message = message.slice(0, message.indexOf(" "));
      candidates.push({
        targets: [{ deliveryOption: { handle } }],
        value: cents >= costs[handle]! ? { percentage: { value: "100" } } : { fixedAmount: { amount: toDecimal(cents, exponent) } },
        message,
      });
    }
    if (candidates.length === 0) return NO_DISCOUNTS;
    return { operations: [{ deliveryDiscountsAdd: { candidates, selectionStrategy: DeliveryDiscountSelectionStrategy.All } }] };
  } catch {
    return NO_DISCOUNTS;
  }
}
