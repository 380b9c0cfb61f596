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

/* ---------------------------------------------------------------- the spring seed --- */

export const HOODIES = "gid://shopify/Collection/3001";
export const TEES = "gid://shopify/Collection/3002";
export const SPRING = "promo_2026_spring_15off";
export const FREE_SHIPPING = "free_shipping_over_50";
/** The demo shop's zone (emulator/seed/default.json). */
export const SHOP_ZONE = "America/New_York";

/**
 * The seed's spring sale as a merchant authors it: 15% off hoodies and tees in the US and
 * Canada, on the web store and the iOS app (custom channels from the cart attribute), for carts
 * of $50 or more, from 2026-03-01 00:00 through 2026-03-15 23:59:59 at -05:00 (so the window's
 * exclusive end is 2026-03-16 00:00 -05:00), gift cards (GC-*) and clearance (*-CLR) excluded;
 * it stacks with free shipping over $50, which stacks with it.
 */
export function springSeedSet(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    currencyCode: "USD",
    floor: { minPercentOfSubtotal: 0, allowFreeOrder: false },
    promotions: [
      {
        id: SPRING,
        name: "Spring 15% off hoodies and tees",
        priority: 10,
        stacksWith: [FREE_SHIPPING],
        conditions: {
          markets: { countryCodes: ["US", "CA"] },
          channels: ["web", "ios"],
          cartContains: { anyOfCollections: [HOODIES, TEES] },
          minSubtotalCents: 5000,
          timeWindow: { start: "2026-03-01T00:00", end: "2026-03-16T00:00", zone: "-05:00" },
        },
        action: { type: "percent_off", percent: 15, appliesTo: "matching_lines" },
        exclusions: { skuPatterns: ["GC-*", "*-CLR"] },
      },
      {
        id: FREE_SHIPPING,
        name: "Free shipping over $50",
        priority: 20,
        stacksWith: [SPRING],
        conditions: { minSubtotalCents: 5000 },
        action: { type: "free_shipping" },
      },
    ],
  };
}
