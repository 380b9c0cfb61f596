import { describe, expect, it } from "vitest";
import { allocateOrderDiscount, buildRefundPreview, unitsShare, type PreviewInput } from "~/domain/returns/preview";
import { prng } from "../orders/simulate";

const lines = [
  { lineItemId: "gid://shopify/LineItem/1", title: "Jacket", quantity: 1, unitPriceMinor: 17_950 },
  { lineItemId: "gid://shopify/LineItem/2", title: "Beanie", quantity: 2, unitPriceMinor: 2_500 },
];

const base: PreviewInput = {
  currency: "USD",
  orderLines: lines,
  orderDiscountMinor: 2_500,
  returned: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 1, restockingFeePercent: 0, shopify: null }],
  returnShippingFeeMinor: 0,
  shopifyRefund: null,
  thresholds: { freeShippingMinimumMinor: null, promotionMinimums: [] },
};

describe("refund preview", () => {
  it("prorates the order discount over lines by value, then over the returned units", () => {
    const preview = buildRefundPreview(base);
    // 17,950 : 5,000 of 2,500 → 1,955.3 / 544.7 → 1,955 / 545
    expect(preview.allocation.map((a) => a.discountMinor)).toEqual([1_955, 545]);
    // one beanie of two: 545 → 273 / 272 (the remainder goes to the earlier part)
    expect(preview.lines[0]).toMatchObject({ grossMinor: 2_500, discountMinor: 273, netMinor: 2_227, taxMinor: null });
    expect(preview.totals.refundMinor).toBeNull();
    expect(preview.explanation.at(-1)).toBe("Tax and the refund come from Shopify's calculation, which has not been read for this preview.");
  });

  it("uses Shopify's tax and suggested refund, taking off the policy's fees when Shopify's return has none", () => {
    const preview = buildRefundPreview({
      ...base,
      returned: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 1, restockingFeePercent: 10, shopify: { subtotalMinor: 2_227, taxMinor: 198, restockingFeeMinor: null } }],
      returnShippingFeeMinor: 595,
      shopifyRefund: { amountMinor: 2_425, taxMinor: 198, additionalFeesMinor: 0 },
    });
    expect(preview.lines[0]?.restockingFeeMinor).toBe(223); // 10 % of 2,227, half up
    expect(preview.totals).toMatchObject({ taxMinor: 198, restockingFeesMinor: 223, returnShippingFeeMinor: 595, feesOn: "refund", refundMinor: 2_425 - 223 - 595 });
    expect(preview.explanation.at(-1)).toBe("Shopify suggests 24.25 USD including 1.98 USD tax (Shopify's calculation); the policy's fees (8.18 USD) are taken off: refund 16.07 USD.");
  });

  it("does not take fees twice when Shopify's return already carries them", () => {
    const preview = buildRefundPreview({
      ...base,
      returned: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 1, restockingFeePercent: 10, shopify: { subtotalMinor: 2_227, taxMinor: 198, restockingFeeMinor: 223 } }],
      returnShippingFeeMinor: 595,
      shopifyRefund: { amountMinor: 1_607, taxMinor: 198, additionalFeesMinor: 818 },
    });
    expect(preview.totals).toMatchObject({ feesOn: "shopify", refundMinor: 1_607 });
  });

  it("says so when Shopify's discounted subtotal differs from the prorated one", () => {
    const preview = buildRefundPreview({
      ...base,
      returned: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 1, restockingFeePercent: 0, shopify: { subtotalMinor: 2_000, taxMinor: 0, restockingFeeMinor: null } }],
    });
    expect(preview.warnings).toEqual([
      {
        code: "shopify_differs",
        message:
          "Beanie: Shopify's discounted subtotal is 20.00 USD, the prorated one 22.27 USD; the difference (-2.27 USD) is line-level discounts or Shopify's rounding, and Shopify's figure is used",
      },
    ]);
  });

  it("warns when a partial return takes the order below free shipping or a promotion minimum", () => {
    const preview = buildRefundPreview({
      ...base,
      orderDiscountMinor: 0,
      returned: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 1, restockingFeePercent: 0, shopify: null }],
      thresholds: { freeShippingMinimumMinor: 7_500, promotionMinimums: [{ code: "BFCM20", minimumMinor: 15_000 }, { code: "SMALL", minimumMinor: 1_000 }] },
    });
    expect(preview.warnings).toEqual([
      { code: "below_free_shipping", message: "After this return the customer keeps 50.00 USD of goods, below the free-shipping minimum of 75.00 USD the order qualified for." },
      { code: "below_promotion_minimum", message: "After this return the customer keeps 50.00 USD, below the 150.00 USD minimum of promotion BFCM20." },
    ]);
  });

  it("no warning when the order never reached the minimum", () => {
    const preview = buildRefundPreview({ ...base, thresholds: { freeShippingMinimumMinor: 100_000, promotionMinimums: [] } });
    expect(preview.warnings).toEqual([]);
  });
});

describe("prorate invariant (seeded): the parts always sum to the total", () => {
  it("order discount over lines, and each line's share over returned and kept units", () => {
    const random = prng(7);
    for (let round = 0; round < 2_000; round++) {
      const count = 1 + Math.floor(random() * 6);
      const orderLines = Array.from({ length: count }, (_, i) => ({
        lineItemId: `L${i}`,
        title: `line ${i}`,
        quantity: 1 + Math.floor(random() * 5),
        unitPriceMinor: Math.floor(random() * 30_000),
      }));
      const gross = orderLines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0);
      const discount = Math.floor(random() * (gross + 1));
      const allocation = allocateOrderDiscount(orderLines, discount);
      expect(allocation.reduce((sum, a) => sum + a.discountMinor, 0)).toBe(discount);
      for (const [index, a] of allocation.entries()) {
        expect(a.discountMinor).toBeGreaterThanOrEqual(0);
        expect(a.discountMinor).toBeLessThanOrEqual(a.grossMinor + (a.grossMinor === 0 && gross === 0 ? discount : 0));
        const quantity = orderLines[index]!.quantity;
        const returned = Math.floor(random() * (quantity + 1));
        const share = unitsShare(a.discountMinor, quantity, returned);
        // A proportional share of the line's discount, off by less than one minor unit…
        expect(share).toBeGreaterThanOrEqual(Math.floor((a.discountMinor * returned) / quantity));
        expect(share).toBeLessThanOrEqual(Math.ceil((a.discountMinor * returned) / quantity));
        // …and returning every unit returns exactly the line's share.
        expect(unitsShare(a.discountMinor, quantity, quantity)).toBe(a.discountMinor);
        const kept = a.discountMinor - share;
        expect(kept).toBeGreaterThanOrEqual(0);
      }
      const returned = orderLines.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity, restockingFeePercent: 0, shopify: null }));
      const preview = buildRefundPreview({ ...base, orderLines, orderDiscountMinor: discount, returned });
      // Returning everything returns the whole discount.
      expect(preview.totals.discountMinor).toBe(discount);
      expect(preview.totals.netMinor).toBe(gross - discount);
    }
  });
});
