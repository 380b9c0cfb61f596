/**
 * The seed's promo_2026_spring_15off on the admin side (preview and replay): table-driven over
 * its conditions, its window's edges as UTC instants and as New York wall times, stacking with
 * free shipping over $50, an empty cart, a malformed set.
 */
import { describe, expect, it } from "vitest";

import { evaluate } from "~/domain/promotions/evaluate";
import { parsePromotionSet } from "~/domain/promotions/parse";
import { clockAt } from "~/domain/promotions/time-admin";
import type { CartContext, CartLineInput, PromotionSet } from "~/domain/promotions/types";
import { validatePromotionSet } from "~/domain/promotions/validate";

import { FREE_SHIPPING, HOODIES, SHOP_ZONE, SPRING, TEES, springSeedSet } from "./seed-set";

function seed(): PromotionSet {
  const v = validatePromotionSet(springSeedSet());
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.set;
}

const LINES: CartLineInput[] = [
  { id: "hoodie", quantity: 1, subtotalCents: 6000, sku: "HOOD-GRY-M", collectionIds: [HOODIES] },
  { id: "tees", quantity: 2, subtotalCents: 5000, sku: "TEE-WHT-L", collectionIds: [TEES] },
  { id: "gift", quantity: 1, subtotalCents: 5000, sku: "GC-50", collectionIds: [] },
  { id: "clearance", quantity: 1, subtotalCents: 2000, sku: "TEE-OLD-S-CLR", collectionIds: [TEES] },
  { id: "mug", quantity: 1, subtotalCents: 1500, sku: "MUG-1", collectionIds: [] },
];

function cart(overrides: Partial<CartContext> = {}, at = "2026-03-10T17:00:00Z"): CartContext {
  return {
    lines: LINES,
    customer: null,
    countryCode: "US",
    channel: "web",
    now: clockAt(at, SHOP_ZONE),
    deliveryOptions: [{ handle: "standard", costCents: 695, selected: true }],
    ...overrides,
  };
}

const spring = (c: CartContext) => evaluate(seed(), c).explanations.find((e) => e.promotionId === SPRING)!;

describe("promo_2026_spring_15off", () => {
  it("validates, with the window compiled from -05:00", () => {
    expect(seed().promotions[0]!.conditions.timeWindow).toEqual({
      start: "2026-03-01T00:00", end: "2026-03-16T00:00", zone: "-05:00", startUtc: "2026-03-01T05:00:00Z", endUtc: "2026-03-16T05:00:00Z",
    });
  });

  it("takes 15% off hoodies and tees only, and stacks with free shipping over $50", () => {
    const result = evaluate(seed(), cart());
    expect(result.lineTotalCents).toEqual([900, 750, 0, 0, 0]);
    expect(result.explanations.map((e) => [e.promotionId, e.status, e.amountCents])).toEqual([
      [SPRING, "applied", 1650],
      [FREE_SHIPPING, "applied", 695],
    ]);
    expect(result.shippingDiscounts).toEqual([{ promotionId: FREE_SHIPPING, handle: "standard", amountCents: 695 }]);
  });

  type Row = [label: string, overrides: Partial<CartContext>, status: string, reason: RegExp];
  const rows: Row[] = [
    ["Canada on the iOS app", { countryCode: "CA", channel: "ios" }, "applied", /15% off 2 lines = \$16\.50/],
    ["France", { countryCode: "FR" }, "not_eligible", /only in countries US, CA; this cart is in FR/],
    ["no channel attribute: online", { channel: null }, "not_eligible", /only on channel web or ios; this cart is from online/],
    ["a cart attribute cannot claim pos, and pos is not web", { isPos: true }, "not_eligible", /this cart is from pos/],
    ["exactly $50.00 once the gift card and clearance are left out", { lines: [LINES[1]!, LINES[2]!, LINES[3]!] }, "applied", /15% off 1 line = \$7\.50/],
    ["$49.99 once exclusions are left out", { lines: [{ ...LINES[1]!, subtotalCents: 4999 }, LINES[2]!] }, "not_eligible", /needs subtotal ≥ \$50\.00, cart is \$49\.99 not counting excluded SKUs/],
    ["only gift cards and clearance in the collections", { lines: [LINES[3]!, LINES[2]!, { ...LINES[4]!, subtotalCents: 9000 }] }, "not_eligible", /the only matching lines are excluded by SKU pattern/],
    ["nothing from hoodies or tees", { lines: [{ ...LINES[4]!, subtotalCents: 9000 }] }, "not_eligible", /no line matches/],
    ["an empty cart", { lines: [] }, "not_eligible", /no line matches/],
  ];
  it.each(rows)("%s", (_label, overrides, status, reason) => {
    const e = spring(cart(overrides));
    expect(e.status).toBe(status);
    expect(e.reason).toMatch(reason);
  });

  // The window in UTC: [2026-03-01T05:00:00Z, 2026-03-16T05:00:00Z). New York is EST (-05:00)
  // until 2026-03-08 02:00, then EDT (-04:00): the end is 01:00 local on the 16th.
  it.each([
    ["05:00:00Z on March 1 (00:00 EST): open", "2026-03-01T05:00:00Z", "2026-03-01T00:00:00", "applied"],
    ["04:59:59Z on March 1 (23:59:59 EST Feb 28): closed", "2026-03-01T04:59:59Z", "2026-02-28T23:59:59", "outside_window"],
    ["03:59:59Z on March 16 (23:59:59 EDT March 15): open", "2026-03-16T03:59:59Z", "2026-03-15T23:59:59", "applied"],
    ["04:59:59Z on March 16 (00:59:59 EDT): still open", "2026-03-16T04:59:59Z", "2026-03-16T00:59:59", "applied"],
    ["05:00:00Z on March 16 (01:00 EDT): closed", "2026-03-16T05:00:00Z", "2026-03-16T01:00:00", "outside_window"],
    ["the DST jump itself (03:00 EDT March 8)", "2026-03-08T07:00:00Z", "2026-03-08T03:00:00", "applied"],
  ])("%s", (_label, instant, shopWall, status) => {
    const clock = clockAt(instant, SHOP_ZONE);
    expect(clock.shopLocal).toBe(shopWall);
    expect(spring(cart({}, instant)).status).toBe(status);
  });

  it("without a clock, fails closed", () => {
    const e = spring({ ...cart(), now: undefined });
    expect([e.status, e.reason]).toEqual(["outside_window", "runs only at set times, and no clock was given"]);
  });

  it("a malformed set is refused by the admin and read as nothing by the Function's full-form reader", () => {
    const broken = { ...springSeedSet(), promotions: [{ id: SPRING, priority: "high", action: { type: "percent_off" } }] };
    const v = validatePromotionSet(broken);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors.map((e) => e.path)).toEqual(expect.arrayContaining(["promotions[0].priority", "promotions[0].action.percent"]));
    expect(parsePromotionSet(broken)!.promotions).toEqual([]);
    expect(parsePromotionSet("{not json")).toBeNull();
  });
});
