/**
 * The refund preview: what staff see before approving or processing a return.
 *
 * Tax is never computed here. Shopify's own calculation (returnCalculate, or
 * the return's suggested financial outcome) gives each line's discounted
 * subtotal and tax and the suggested refund; the preview explains those
 * numbers: the order-level discount prorated across the order's lines
 * (largest remainder: the parts sum to the discount), each returned unit's
 * share, the fees our policy takes off, and warnings when a partial return
 * takes what the customer keeps below the free-shipping or a promotion minimum.
 */
import { prorate, toDecimalString } from "../money";
import { percentOfMinor } from "./fees";

export interface PreviewOrderLine {
  lineItemId: string;
  title: string;
  /** Current quantity (units removed before fulfilment are not part of the order any more). */
  quantity: number;
  unitPriceMinor: number;
}

export interface PreviewReturnLine {
  lineItemId: string;
  quantity: number;
  restockingFeePercent: number;
  /** Shopify's figures for these units (returnCalculate / CalculatedReturnLineItem), when read. */
  shopify: { subtotalMinor: number; taxMinor: number; restockingFeeMinor: number | null } | null;
}

export interface PreviewInput {
  currency: string;
  orderLines: readonly PreviewOrderLine[];
  /** Order-level discounts on the order, minor units. */
  orderDiscountMinor: number;
  returned: readonly PreviewReturnLine[];
  /** The return shipping fee our policy charges. */
  returnShippingFeeMinor: number;
  /** Shopify's suggested outcome for the return, when the return exists. */
  shopifyRefund: { amountMinor: number; taxMinor: number; additionalFeesMinor: number } | null;
  thresholds: { freeShippingMinimumMinor: number | null; promotionMinimums: readonly { code: string; minimumMinor: number }[] };
}

export interface PreviewLine {
  lineItemId: string;
  title: string;
  quantity: number;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  shopifyNetMinor: number | null;
  taxMinor: number | null;
  restockingFeeMinor: number;
  notes: string[];
}

export interface RefundPreview {
  /** The order discount across every order line: sums to orderDiscountMinor. */
  allocation: { lineItemId: string; grossMinor: number; discountMinor: number }[];
  lines: PreviewLine[];
  totals: {
    grossMinor: number;
    discountMinor: number;
    netMinor: number;
    /** Shopify's tax on the returned units (null when Shopify's calculation was not read). */
    taxMinor: number | null;
    restockingFeesMinor: number;
    returnShippingFeeMinor: number;
    /** Fees already on Shopify's return (its suggested refund is net of them) or taken off here. */
    feesOn: "shopify" | "refund";
    /** The refund staff will issue; null without Shopify's calculation. */
    refundMinor: number | null;
  };
  warnings: { code: "below_free_shipping" | "below_promotion_minimum" | "shopify_differs"; message: string }[];
  explanation: string[];
}

export function formatMoney(minor: number, currency: string): string {
  return `${toDecimalString(minor, currency)} ${currency}`;
}

/** The order discount spread over every line by line value, then each line's share over its units. */
export function allocateOrderDiscount(lines: readonly PreviewOrderLine[], discountMinor: number): { lineItemId: string; grossMinor: number; discountMinor: number }[] {
  const gross = lines.map((line) => line.unitPriceMinor * line.quantity);
  const shares = lines.length === 0 ? [] : prorate(discountMinor, gross);
  return lines.map((line, index) => ({ lineItemId: line.lineItemId, grossMinor: gross[index] as number, discountMinor: shares[index] as number }));
}

/** The discount share of `units` of a line whose whole share is `lineDiscountMinor` over `lineQuantity` units. */
export function unitsShare(lineDiscountMinor: number, lineQuantity: number, units: number): number {
  if (units <= 0) return 0;
  if (units >= lineQuantity) return lineDiscountMinor;
  return prorate(lineDiscountMinor, [units, lineQuantity - units])[0] as number;
}

export function buildRefundPreview(input: PreviewInput): RefundPreview {
  const money = (minor: number): string => formatMoney(minor, input.currency);
  const allocation = allocateOrderDiscount(input.orderLines, input.orderDiscountMinor);
  const explanation: string[] = [];
  const warnings: RefundPreview["warnings"] = [];
  if (input.orderDiscountMinor > 0) {
    explanation.push(
      `The order discount of ${money(input.orderDiscountMinor)} is spread over the order's lines by value: ` +
        allocation.map((a) => `${a.lineItemId.split("/").pop()} ${money(a.discountMinor)}`).join(", ") +
        ".",
    );
  }
  const lines: PreviewLine[] = input.returned.map((ret) => {
    const orderLine = input.orderLines.find((line) => line.lineItemId === ret.lineItemId);
    const share = allocation.find((a) => a.lineItemId === ret.lineItemId);
    const unitPrice = orderLine?.unitPriceMinor ?? 0;
    const grossMinor = unitPrice * ret.quantity;
    const discountMinor = share && orderLine ? unitsShare(share.discountMinor, orderLine.quantity, ret.quantity) : 0;
    const netMinor = grossMinor - discountMinor;
    const notes: string[] = [];
    const base = ret.shopify?.subtotalMinor ?? netMinor;
    const restockingFeeMinor = ret.shopify?.restockingFeeMinor ?? (ret.restockingFeePercent > 0 ? percentOfMinor(base, ret.restockingFeePercent) : 0);
    if (ret.shopify && ret.shopify.subtotalMinor !== netMinor) {
      const message = `${orderLine?.title ?? ret.lineItemId}: Shopify's discounted subtotal is ${money(ret.shopify.subtotalMinor)}, the prorated one ${money(netMinor)}; the difference (${money(ret.shopify.subtotalMinor - netMinor)}) is line-level discounts or Shopify's rounding, and Shopify's figure is used`;
      notes.push(message);
      warnings.push({ code: "shopify_differs", message });
    }
    if (ret.restockingFeePercent > 0) notes.push(`${ret.restockingFeePercent}% restocking fee: ${money(restockingFeeMinor)}`);
    return {
      lineItemId: ret.lineItemId,
      title: orderLine?.title ?? ret.lineItemId,
      quantity: ret.quantity,
      grossMinor,
      discountMinor,
      netMinor,
      shopifyNetMinor: ret.shopify?.subtotalMinor ?? null,
      taxMinor: ret.shopify?.taxMinor ?? null,
      restockingFeeMinor,
      notes,
    };
  });
  const sum = (pick: (line: PreviewLine) => number): number => lines.reduce((total, line) => total + pick(line), 0);
  const taxKnown = lines.length > 0 && lines.every((line) => line.taxMinor !== null);
  const restockingFeesMinor = sum((line) => line.restockingFeeMinor);
  const feesOnShopify = !!input.shopifyRefund && input.shopifyRefund.additionalFeesMinor > 0;
  const ourFees = restockingFeesMinor + input.returnShippingFeeMinor;
  let refundMinor: number | null = null;
  if (input.shopifyRefund) {
    refundMinor = feesOnShopify ? input.shopifyRefund.amountMinor : Math.max(0, input.shopifyRefund.amountMinor - ourFees);
    explanation.push(
      `Shopify suggests ${money(input.shopifyRefund.amountMinor)} including ${money(input.shopifyRefund.taxMinor)} tax (Shopify's calculation)` +
        (feesOnShopify
          ? `, already net of the return's fees (${money(input.shopifyRefund.additionalFeesMinor)}).`
          : ourFees > 0
            ? `; the policy's fees (${money(ourFees)}) are taken off: refund ${money(refundMinor)}.`
            : "."),
    );
  } else {
    explanation.push("Tax and the refund come from Shopify's calculation, which has not been read for this preview.");
  }

  const keptBefore = allocation.reduce((total, a) => total + a.grossMinor - a.discountMinor, 0);
  const kept = keptBefore - sum((line) => line.shopifyNetMinor ?? line.netMinor);
  const free = input.thresholds.freeShippingMinimumMinor;
  if (free !== null && keptBefore >= free && kept < free) {
    warnings.push({
      code: "below_free_shipping",
      message: `After this return the customer keeps ${money(kept)} of goods, below the free-shipping minimum of ${money(free)} the order qualified for.`,
    });
  }
  for (const promotion of input.thresholds.promotionMinimums) {
    if (keptBefore >= promotion.minimumMinor && kept < promotion.minimumMinor) {
      warnings.push({
        code: "below_promotion_minimum",
        message: `After this return the customer keeps ${money(kept)}, below the ${money(promotion.minimumMinor)} minimum of promotion ${promotion.code}.`,
      });
    }
  }
  return {
    allocation,
    lines,
    totals: {
      grossMinor: sum((line) => line.grossMinor),
      discountMinor: sum((line) => line.discountMinor),
      netMinor: sum((line) => line.netMinor),
      taxMinor: taxKnown ? sum((line) => line.taxMinor ?? 0) : null,
      restockingFeesMinor,
      returnShippingFeeMinor: input.returnShippingFeeMinor,
      feesOn: feesOnShopify ? "shopify" : "refund",
      refundMinor,
    },
    warnings,
    explanation,
  };
}
