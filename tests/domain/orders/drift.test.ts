import { describe, expect, it } from "vitest";
import { compareWithShopify, financialFromDisplay, fulfillmentFromDisplay, fulfillmentFromWebhook } from "~/domain/orders/drift";
import { NO_FACTS, type OrderSnapshot } from "~/domain/orders/facts";

const AT = Date.parse("2026-11-27T05:00:00Z");
const snap = (over: Partial<OrderSnapshot> = {}): OrderSnapshot => ({
  financial: "paid",
  fulfillment: "unfulfilled",
  cancelled: false,
  totalMinor: 5_000,
  lineQuantities: { L1: 1 },
  at: AT,
  ...over,
});

describe("drift: the mirror next to Shopify's own statuses", () => {
  it("no drift when the mirror holds Shopify's latest snapshot", () => {
    const report = compareWithShopify("gid://shopify/Order/1", { state: "captured", facts: { ...NO_FACTS, snapshot: snap() } }, snap());
    expect(report).toEqual({ orderId: "gid://shopify/Order/1", mirrorState: "captured", shopifyState: "captured", differences: [], drifted: false });
  });

  it("names every status that differs and the state Shopify's statuses put the order in", () => {
    const live = snap({ financial: "refunded", fulfillment: "fulfilled", at: AT + 60_000 });
    const report = compareWithShopify("o1", { state: "captured", facts: { ...NO_FACTS, snapshot: snap() } }, live);
    expect(report.shopifyState).toBe("refunded");
    expect(report.differences).toEqual([
      "payment: mirror paid, Shopify refunded",
      "fulfilment: mirror unfulfilled, Shopify fulfilled",
      "Shopify's copy is newer (2026-11-27T05:01:00.000Z > 2026-11-27T05:00:00.000Z)",
      "state: mirror captured, Shopify's statuses say refunded",
    ]);
  });

  it.each([
    ["PAID", "paid"],
    ["PARTIALLY_REFUNDED", "partially_refunded"],
    ["VOIDED", "voided"],
    ["SOMETHING_NEW", null],
  ])("displayFinancialStatus %s → %s", (display, financial) => {
    expect(financialFromDisplay(display)).toBe(financial);
  });

  it.each([
    ["FULFILLED", "fulfilled"],
    ["PARTIALLY_FULFILLED", "partial"],
    ["UNFULFILLED", "unfulfilled"],
    ["IN_PROGRESS", "unfulfilled"],
  ])("displayFulfillmentStatus %s → %s", (display, fulfillment) => {
    expect(fulfillmentFromDisplay(display)).toBe(fulfillment);
  });

  it.each([
    [null, "unfulfilled"],
    ["partial", "partial"],
    ["fulfilled", "fulfilled"],
    ["restocked", "unfulfilled"],
  ])("webhook fulfillment_status %s → %s", (value, fulfillment) => {
    expect(fulfillmentFromWebhook(value)).toBe(fulfillment);
  });
});
