/** A realistic set as a merchant would author it for BFCM (before validation compiles the window). */
export const SHIRTS = "gid://shopify/Collection/1001";
export const SALE = "gid://shopify/Collection/1002";
export const MUG = "gid://shopify/Product/2001";

export function authoredSet(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    currencyCode: "USD",
    floor: { minPercentOfSubtotal: 40, allowFreeOrder: false },
    promotions: [
      {
        id: "vip-15",
        name: "VIP 15%",
        priority: 10,
        stacksWith: ["bfcm-20", "free-ship"],
        conditions: { customerTags: { anyOf: ["vip"] } },
        action: { type: "percent_off", percent: 15, appliesTo: "order" },
        exclusions: { skuPatterns: ["sku_giftcard_*"] },
        caps: { maxDiscountCents: 10000 },
      },
      {
        id: "bfcm-20",
        name: "BFCM 20% off sale",
        priority: 20,
        stacksWith: ["vip-15", "free-ship"],
        conditions: {
          cartContains: { anyOfCollections: [SALE] },
          timeWindow: { start: "2026-11-27T00:00", end: "2026-12-01T00:00", zone: "America/New_York" },
        },
        action: { type: "percent_off", percent: 20, appliesTo: "matching_lines" },
        exclusions: { skuPatterns: ["sku_giftcard_*"] },
        caps: { totalBudgetCents: 5000000 },
      },
      {
        id: "happy-hour",
        name: "Happy hour $5 off",
        priority: 30,
        stacksWith: [],
        conditions: { minSubtotalCents: 5000, recurring: { days: ["fri", "sat"], from: "18:00", to: "20:00" }, channels: ["online"] },
        action: { type: "fixed_off", amountCents: 500, appliesTo: "order" },
      },
      {
        id: "shirts-3for2",
        name: "Shirts: buy 2 get 1 free",
        priority: 40,
        stacksWith: ["*"],
        action: {
          type: "buy_x_get_y",
          buy: { quantity: 2, anyOfCollections: [SHIRTS] },
          get: { quantity: 1, percent: 100, anyOfCollections: [SHIRTS] },
          maxApplications: 2,
        },
      },
      {
        id: "welcome",
        name: "Welcome 10%",
        priority: 50,
        stacksWith: [],
        conditions: { customerSegment: "new", markets: { countryCodes: ["us", "CA"] } },
        action: { type: "percent_off", percent: 10, appliesTo: "order" },
        caps: { perCustomerUses: 1 },
      },
      {
        id: "free-ship",
        name: "Free shipping over $75",
        priority: 60,
        stacksWith: ["*"],
        conditions: { minSubtotalCents: 7500 },
        action: { type: "free_shipping" },
      },
    ],
  };
}
