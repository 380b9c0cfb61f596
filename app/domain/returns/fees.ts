/**
 * Fee rules: a restocking fee per line (a percentage, by the item's
 * condition, waived when the reason is the merchant's fault) and a return
 * shipping fee per return (flat, waived for merchant fault or above an order
 * total). Each answer says why. Percentages go to Shopify as they are
 * (RestockingFeeInput); when a return was created without fees (a customer's
 * request), the amount is taken off the refund: percent of Shopify's
 * discounted subtotal, rounded half up.
 */
import type { ItemCondition, ReturnPolicy, ReturnReason } from "./policy";

export interface FeeDecision {
  percent: number;
  why: string;
}

export function restockingFee(policy: ReturnPolicy, line: { reason: ReturnReason; condition: ItemCondition }): FeeDecision {
  if (policy.merchantFaultReasons.includes(line.reason)) {
    return { percent: 0, why: `${line.reason.toLowerCase()} is the merchant's fault: no restocking fee` };
  }
  const percent = policy.conditions[line.condition].restockingFeePercent;
  return percent > 0
    ? { percent, why: `condition ${line.condition}: ${percent}% restocking fee` }
    : { percent: 0, why: `condition ${line.condition}: no restocking fee` };
}

export interface ShippingFeeDecision {
  amountMinor: number;
  why: string;
}

export function returnShippingFee(policy: ReturnPolicy, input: { reasons: readonly ReturnReason[]; orderTotalMinor: number | null }): ShippingFeeDecision {
  const rule = policy.returnShippingFee;
  const fault = input.reasons.find((reason) => policy.merchantFaultReasons.includes(reason));
  if (rule.waivedForMerchantFault && fault) return { amountMinor: 0, why: `${fault.toLowerCase()} is the merchant's fault: return shipping is free` };
  if (rule.waivedAboveOrderMinor !== null && input.orderTotalMinor !== null && input.orderTotalMinor >= rule.waivedAboveOrderMinor) {
    return { amountMinor: 0, why: `the order total reaches ${rule.waivedAboveOrderMinor} minor units: return shipping is free` };
  }
  return rule.amountMinor > 0 ? { amountMinor: rule.amountMinor, why: `flat return shipping fee` } : { amountMinor: 0, why: "no return shipping fee" };
}

/** `percent` % of `subtotalMinor`, rounded half up (the fee Shopify would show for the same percentage). */
export function percentOfMinor(subtotalMinor: number, percent: number): number {
  if (!Number.isSafeInteger(subtotalMinor) || subtotalMinor < 0) throw new RangeError(`percentOfMinor: ${subtotalMinor} is not a non-negative amount`);
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`percentOfMinor: ${percent} is not a percentage`);
  // Work in hundredths of a percent so 12.5 % is exact.
  const basisPoints = Math.round(percent * 100);
  return Math.floor((subtotalMinor * basisPoints + 5_000) / 10_000);
}
