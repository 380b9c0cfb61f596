/**
 * Money arithmetic for refunds and returns, in integer cents.
 *
 * The emulator's rule for what a returned (or refunded) unit is worth:
 * - an order-level discount (`totalDiscounts`) is spread over the lines in
 *   proportion to their `price × quantity` (largest remainder: the parts add up to
 *   the discount exactly);
 * - the order's tax (`totalTax`) is spread over the lines in proportion to their
 *   discounted subtotal (the order's effective rate; shipping carries no tax here);
 * - within a line, the n-th unit refunded gets `floor(share × n / q) − floor(share × (n−1) / q)`,
 *   so refunding every unit, in any number of refunds, gives back the line's share
 *   to the cent.
 * Shopify's own allocation can differ by a cent on odd splits; it is not published.
 */
import type { LineItemRecord, OrderRecord } from "./model";

/**
 * Splits `total` into parts proportional to `weights` (largest remainder):
 * the parts always sum to `total`. Ties go to the earlier weight. All-zero
 * weights split evenly.
 */
export function prorate(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const basis = sum > 0 ? weights : weights.map(() => 1);
  const basisSum = sum > 0 ? sum : weights.length;
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  const exact = basis.map((w) => (abs * w) / basisSum);
  const parts = exact.map(Math.floor);
  let left = abs - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index] = (parts[index] as number) + 1;
    left -= 1;
  }
  return parts.map((part) => part * sign);
}

/** The part of `share` that belongs to units `before + 1 … before + count` of `quantity` units. */
export function unitShare(share: number, quantity: number, before: number, count: number): number {
  if (quantity <= 0) return 0;
  const upTo = (n: number): number => Math.floor((share * n) / quantity);
  return upTo(before + count) - upTo(before);
}

/** `percentage`% of `cents`, rounded half up. */
export function percentOf(cents: number, percentage: number): number {
  return Math.round((cents * percentage) / 100);
}

export interface LineShares {
  /** The line's part of the order-level discount, cents. */
  discount: number;
  /** The line's part of the order's tax, cents. */
  tax: number;
}

/** Each line's share of the order's discount and tax, by line id. */
export function lineShares(order: OrderRecord): Map<number, LineShares> {
  const gross = order.lineItems.map((line) => line.price * line.quantity);
  const discounts = prorate(order.totalDiscounts, gross);
  const taxes = prorate(
    order.totalTax,
    gross.map((value, index) => Math.max(0, value - (discounts[index] as number))),
  );
  return new Map(order.lineItems.map((line, index) => [line.id, { discount: discounts[index] as number, tax: taxes[index] as number }]));
}

export interface UnitsValue {
  /** price × count. */
  gross: number;
  /** The units' part of the order discount. */
  discount: number;
  /** gross − discount. */
  subtotal: number;
  /** The units' part of the order's tax. */
  tax: number;
}

/** What `count` units of `line` are worth when `before` of its units were already refunded. */
export function unitsValue(order: OrderRecord, line: LineItemRecord, before: number, count: number, shares = lineShares(order)): UnitsValue {
  const share = shares.get(line.id) ?? { discount: 0, tax: 0 };
  const gross = line.price * count;
  const discount = unitShare(share.discount, line.quantity, before, count);
  const tax = unitShare(share.tax, line.quantity, before, count);
  return { gross, discount, subtotal: gross - discount, tax };
}

/** Units of the line whose money was already refunded (by any refund of the order). */
export function refundedUnits(order: OrderRecord, lineId: number): number {
  let units = 0;
  for (const refund of order.refunds) for (const line of refund.lines) if (line.lineItemId === lineId) units += line.quantity;
  return units;
}
