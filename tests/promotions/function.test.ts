/**
 * The promotion-stacking discount Function as plain TypeScript: the same answers as the admin's
 * engine on generated sets and carts (the rule previewed is the rule that runs), the spring
 * seed's edges in UTC and in the shop's zone, kill switches and the master freeze, and never a
 * throw on ordinary or malformed input. (The QuickJS runs are the fixtures, tests/functions.)
 */
import { describe, expect, it } from "vitest";

import { evaluate } from "~/domain/promotions/evaluate";
import type { Evaluation } from "~/domain/promotions/types";

import { cartDeliveryOptionsDiscountsGenerateRun } from "../../extensions/promotion-stacking/src/cart_delivery_options_discounts_generate_run";
import { cartLinesDiscountsGenerateRun } from "../../extensions/promotion-stacking/src/cart_lines_discounts_generate_run";
import { evaluateInput, toCents, toDecimal } from "../../extensions/promotion-stacking/src/promotions";
import { springOptions, SPRING_CART } from "../../extensions/promotion-stacking/tests/spring";
import { compiled, functionInput, type InputOptions } from "../../extensions/promotion-stacking/tests/inputs";
import { FREE_SHIPPING, SHOP_ZONE, SPRING, springSeedSet } from "../domain/promotions/seed-set";
import { randomCart, randomSet } from "./generate";

type Json = Record<string, unknown>;
const lines = (options: InputOptions) => cartLinesDiscountsGenerateRun(functionInput(options) as never);
const delivery = (options: InputOptions) => cartDeliveryOptionsDiscountsGenerateRun(functionInput(options) as never);

type ProductCandidate = {
  targets: { cartLine: { id: string } }[];
  value: { fixedAmount?: { amount: string }; percentage?: { value: string } };
  message?: string;
};

/**
 * Product discounts as { line index: "amount" }, as Shopify would apply them: a fixed amount on
 * one line is that amount; a percentage is that share of each target line's subtotal, rounded to
 * the nearest cent (the Function only groups lines where that is not a tie, so the rule for ties
 * never matters: asserted here).
 */
function productAmounts(result: { operations: Json[] }, options: InputOptions): Record<number, string> {
  const out: Record<number, string> = {};
  for (const op of result.operations) {
    const add = op.productDiscountsAdd as { candidates: ProductCandidate[] } | undefined;
    if (!add) continue;
    for (const c of add.candidates) {
      for (const t of c.targets) {
        const index = Number(t.cartLine.id.split("/").pop());
        if (c.value.fixedAmount) {
          expect(c.targets).toHaveLength(1);
          out[index] = c.value.fixedAmount.amount;
        } else {
          const exact = (options.lines[index]!.cents * Number(c.value.percentage!.value)) / 100;
          expect(Math.abs(exact - Math.round(exact))).not.toBe(0.5);
          out[index] = toDecimal(Math.round(exact), 2);
        }
      }
    }
  }
  return out;
}
const amounts = (options: InputOptions) => productAmounts(lines(options), options);

describe("the Function gives the admin engine's answers (generated sets × carts)", () => {
  function compare(seed: number): void {
    const { set, config } = randomSet(seed);
    for (let k = 0; k < 4; k++) {
      const { options, admin, delivery: withDelivery } = randomCart(seed * 10 + k, config);
      const expected: Evaluation = evaluate(set, admin, { reasons: false });
      const got = evaluateInput(functionInput(options) as never, withDelivery);
      const context = `seed ${seed}/${k}: ${JSON.stringify(set.promotions.map((p) => p.id))}`;
      if (options.lines.length === 0) {
        // an empty cart gets no discount at all (the engine alone would still offer free shipping)
        expect(got, context).toBeNull();
        continue;
      }
      if (got === null) {
        // nothing could apply: no line-level, order or shipping discount on the admin side either
        expect(expected.totalDiscountCents, context).toBe(0);
        expect(expected.shippingDiscounts.length, context).toBe(0);
        continue;
      }
      const e = got.evaluation;
      const selected = (ev: Evaluation) => ev.explanations.filter((x) => x.selected).map((x) => `${x.promotionId}:${x.amountCents}`);
      expect(selected(e), context).toEqual(selected(expected));
      expect(e.lineLevelCents, context).toEqual(expected.lineLevelCents);
      expect(e.orderDiscounts, context).toEqual(expected.orderDiscounts);
      expect(e.totalDiscountCents, context).toBe(expected.totalDiscountCents);
      if (withDelivery) expect(e.shippingDiscounts, context).toEqual(expected.shippingDiscounts);
      // and the operations, applied as Shopify would, give each line the engine's line-level cents
      const applied = productAmounts(cartLinesDiscountsGenerateRun(functionInput(options) as never), options);
      expected.lineLevelCents.forEach((cents, i) => expect(applied[i] ?? "0.00", `${context} line ${i}`).toBe(toDecimal(cents, 2)));
    }
  }

  it("selects the same promotions with the same amounts, line by line (400 sets, 1,600 carts)", () => {
    for (let seed = 1; seed <= 400; seed++) compare(seed);
  });
});

describe("the spring seed through the Function", () => {
  it("takes 15% off the hoodie and the tees, not the gift card, the clearance tee or the mug", () => {
    // GIVEN the seed's cart on the web store in the US, mid-window
    const result = lines(springOptions());
    // THEN hoodie $60.00 → $9.00, two tees $50.00 → $7.50; nothing else
    expect(productAmounts(result, springOptions())).toEqual({ 0: "9.00", 1: "7.50" });
    // AND both lines share one 15% candidate named after the promotion (how orders tell it apart)
    const candidates = (result.operations[0] as { productDiscountsAdd: { candidates: ProductCandidate[] } }).productDiscountsAdd.candidates;
    expect(candidates).toEqual([{
      targets: [{ cartLine: { id: "gid://shopify/CartLine/0" } }, { cartLine: { id: "gid://shopify/CartLine/1" } }],
      value: { percentage: { value: "15.00" } },
      message: SPRING,
    }]);
    expect(result.operations.some((op) => "orderDiscountsAdd" in op)).toBe(false);
  });

  it("stacks with free shipping over $50, on every delivery option", () => {
    const result = delivery(springOptions({ delivery: [{ handle: "standard", cents: 695 }, { handle: "express", cents: 1995 }], selected: "standard" }));
    expect(result.operations).toEqual([{
      deliveryDiscountsAdd: {
        selectionStrategy: "ALL",
        candidates: [
          { targets: [{ deliveryOption: { handle: "standard" } }], value: { percentage: { value: "100" } }, message: FREE_SHIPPING },
          { targets: [{ deliveryOption: { handle: "express" } }], value: { percentage: { value: "100" } }, message: FREE_SHIPPING },
        ],
      },
    }]);
  });

  // The window is 2026-03-01 00:00 to 2026-03-16 00:00 (exclusive) at -05:00 = 05:00Z to 05:00Z.
  // New York is -05:00 until 2026-03-08 and -04:00 after, so in shop time it opens at 00:00 and
  // closes at 01:00 on the 16th. The Function only sees shop time (shop.localTime).
  it.each([
    ["the first second (00:00 EST = 05:00Z)", "2026-03-01T00:00:00", true],
    ["a second before it opens", "2026-02-28T23:59:59", false],
    ["the last second at -05:00 (23:59:59 -05:00 = 00:59:59 EDT)", "2026-03-16T00:59:59", true],
    ["the first second after (01:00 EDT = 05:00Z)", "2026-03-16T01:00:00", false],
    ["23:59:59 on the 15th in shop time (still open: -05:00 is an hour behind)", "2026-03-15T23:59:59", true],
  ])("%s", (_label, now, open) => {
    expect(Object.keys(amounts(springOptions({ now }))).length > 0).toBe(open);
  });

  it.each([
    ["Canada on the iOS app", { country: "CA", channel: "ios" }, true],
    ["France", { country: "FR" }, false],
    ["no channel attribute (counts as online)", { channel: null }, false],
    ["a POS sale (retail location)", { pos: true, channel: "web" }, false],
    ["under $50 once the gift card and clearance are left out", { lines: [SPRING_CART[1]!, SPRING_CART[2]!, SPRING_CART[3]!] }, true],
    ["only excluded lines", { lines: [SPRING_CART[2]!, SPRING_CART[3]!, { quantity: 3, cents: 6000, sku: "MUG-2", collections: [] }] }, false],
  ])("%s", (_label, overrides, applies) => {
    expect(Object.keys(amounts(springOptions(overrides as Partial<InputOptions>))).length > 0).toBe(applies);
  });
});

describe("kill switches (issue 8: the discount Function skips killed promotions)", () => {
  /** A 20% sale chosen first that does not stack with a 10% one: killing the 20% lets the 10% apply. */
  function rivals() {
    return compiled({
      schemaVersion: 1, currencyCode: "USD", floor: { minPercentOfSubtotal: 0, allowFreeOrder: false },
      promotions: [
        { id: "bf-20", name: "BF 20%", priority: 1, stacksWith: ["ship"], action: { type: "percent_off", percent: 20, appliesTo: "matching_lines" } },
        { id: "everyday-10", name: "Everyday 10%", priority: 2, stacksWith: ["ship"], action: { type: "percent_off", percent: 10, appliesTo: "matching_lines" } },
        { id: "ship", name: "Free shipping", priority: 3, stacksWith: ["*"], action: { type: "free_shipping" } },
      ],
    }, SHOP_ZONE).config;
  }
  const base: InputOptions = { lines: [{ quantity: 1, cents: 10000, sku: "X" }], config: null, now: "2026-11-27T10:00:00", country: "US" };

  it("skips a killed promotion, and one it blocked applies", () => {
    const config = rivals();
    expect(amounts({ ...base, config })).toEqual({ 0: "20.00" });
    expect(amounts({ ...base, config, killSwitches: { v: 1, rev: 1, promo: [{ id: "bf-20" }] } })).toEqual({ 0: "10.00" });
  });

  it("ignores a promotion switch after its date, shop-local (today ≤ until still kills)", () => {
    const config = rivals();
    const ks = { v: 1, rev: 2, promo: [{ id: "bf-20", until: "2026-11-27" }] };
    expect(amounts({ ...base, config, killSwitches: ks })).toEqual({ 0: "10.00" });
    expect(amounts({ ...base, config, killSwitches: ks, now: "2026-11-28T00:00:00" })).toEqual({ 0: "20.00" });
  });

  it("the master freeze stops every promotion in both targets", () => {
    const config = rivals();
    const freeze = { v: 1, rev: 3, freeze: {} };
    expect(lines({ ...base, config, killSwitches: freeze })).toEqual({ operations: [] });
    expect(delivery({ ...base, config, killSwitches: freeze, delivery: [{ handle: "standard", cents: 500 }] })).toEqual({ operations: [] });
    expect(delivery({ ...base, config, delivery: [{ handle: "standard", cents: 500 }] }).operations).toHaveLength(1);
  });

  it("an unreadable kill-switch metafield kills nothing", () => {
    expect(amounts({ ...base, config: rivals(), killSwitches: "{not json" })).toEqual({ 0: "20.00" });
  });
});

describe("never throws: empty cart, missing or malformed config → no discounts", () => {
  const none = { operations: [] };
  it.each([
    ["an empty cart", { lines: [] }],
    ["no promotions metafield", { config: null }],
    ["a string that is not JSON", { rawPromotions: "{oops" }],
    ["another wire version", { rawPromotions: { v: 2, c: "USD", p: [] } }],
    ["no currency", { rawPromotions: { v: 1, p: [] } }],
    ["promotions not a list", { rawPromotions: { v: 1, c: "USD", p: {} } }],
    ["a promotion with an unknown action", { rawPromotions: { v: 1, c: "USD", p: [{ i: "x", p: 1, a: { t: "?" } }] } }],
    ["a percentage over 100", { rawPromotions: { v: 1, c: "USD", p: [{ i: "x", p: 1, a: { t: "%", v: 120 } }] } }],
    ["a collection index past $c", { rawPromotions: { v: 1, c: "USD", n: 1, p: [{ i: "x", p: 1, k: [3], a: { t: "%", v: 10 } }] } }],
    ["a duplicated id (every copy dropped)", { rawPromotions: { v: 1, c: "USD", p: [{ i: "x", p: 1, a: { t: "%", v: 10 } }, { i: "x", p: 2, a: { t: "%", v: 20 } }] } }],
  ])("%s", (_label, overrides) => {
    const options = { ...springOptions(), ...(overrides as Partial<InputOptions>) };
    expect(lines(options)).toEqual(none);
    expect(delivery({ ...options, delivery: [{ handle: "standard", cents: 695 }] })).toEqual(none);
  });

  it("survives inputs shaped nothing like the query", () => {
    const junk: unknown[] = [{}, { cart: null }, { cart: { l: [null] }, d: { p: { j: { v: 1, c: "USD", p: [] } } }, s: { t: {} } }, { cart: { l: [{}] }, d: {}, s: {} }];
    for (const input of junk) {
      expect(cartLinesDiscountsGenerateRun(input as never)).toEqual(none);
      expect(cartDeliveryOptionsDiscountsGenerateRun(input as never)).toEqual(none);
    }
  });
});

describe("mapping to operations", () => {
  const set = (promotions: unknown[]) => compiled({ schemaVersion: 1, currencyCode: "USD", floor: { minPercentOfSubtotal: 0, allowFreeOrder: false }, promotions }, SHOP_ZONE).config;

  it("sums stacked order-level promotions into one order candidate on the lines every one of them keeps", () => {
    const config = set([
      { id: "o10", name: "10% order", priority: 1, stacksWith: ["*"], action: { type: "percent_off", percent: 10, appliesTo: "order" }, exclusions: { skuPatterns: ["GC-*"] } },
      { id: "o5", name: "$5 order", priority: 2, stacksWith: ["*"], action: { type: "fixed_off", amountCents: 500, appliesTo: "order" }, exclusions: { skuPatterns: ["GC-*", "*-CLR"] } },
    ]);
    const result = lines({ lines: [{ quantity: 1, cents: 10000, sku: "A" }, { quantity: 1, cents: 5000, sku: "GC-1" }, { quantity: 1, cents: 2000, sku: "B-CLR" }], config, now: "2026-11-27T10:00:00" });
    // 10% of $120.00 (gift card left out) = $12.00, then $5.00: one candidate of $17.00 excluding only the gift card
    expect(result.operations).toEqual([{
      orderDiscountsAdd: {
        selectionStrategy: "FIRST",
        candidates: [{
          targets: [{ orderSubtotal: { excludedCartLineIds: ["gid://shopify/CartLine/1"] } }],
          value: { fixedAmount: { amount: "17.00" } },
          // each promotion with its own amount, so the app can count budgets from the order
          message: "o10 12.00 + o5 5.00",
        }],
      },
    }]);
  });

  it("caps free shipping per option as a fixed amount, a whole option as 100%", () => {
    const config = set([{ id: "ship", name: "Ship", priority: 1, action: { type: "free_shipping" }, caps: { maxDiscountCents: 1000 } }]);
    const result = delivery({ lines: [{ quantity: 1, cents: 3000, sku: "A" }], config, now: "2026-11-27T10:00:00", delivery: [{ handle: "standard", cents: 695 }, { handle: "express", cents: 1995 }] });
    expect(result.operations).toEqual([{
      deliveryDiscountsAdd: {
        selectionStrategy: "ALL",
        candidates: [
          { targets: [{ deliveryOption: { handle: "standard" } }], value: { percentage: { value: "100" } }, message: "ship" },
          { targets: [{ deliveryOption: { handle: "express" } }], value: { fixedAmount: { amount: "10.00" } }, message: "ship" },
        ],
      },
    }]);
  });

  it("converts thresholds and fixed amounts into the cart's currency at the presentment rate", () => {
    const config = set([{ id: "f", name: "€", priority: 1, conditions: { minSubtotalCents: 5000 }, action: { type: "fixed_off", amountCents: 1000, appliesTo: "matching_lines" } }]);
    // $50 threshold at 0.92 = €46.00; $10 off a unit = €9.20
    const at = (cents: number): InputOptions => ({ lines: [{ quantity: 1, cents, sku: "A" }], config, now: "2026-11-27T10:00:00", currency: "EUR", rate: "0.92" });
    expect(amounts(at(4599))).toEqual({});
    expect(amounts(at(4600))).toEqual({ 0: "9.20" });
  });

  it("shares one percentage candidate among lines where that gives the engine's cents exactly", () => {
    const config = set([{ id: "all10", name: "10%", priority: 1, action: { type: "percent_off", percent: 10, appliesTo: "matching_lines" } }]);
    // 10% of $10.00 + i × $0.13: never a tie, so rounding to the nearest cent is the engine's cents
    const options: InputOptions = { lines: Array.from({ length: 150 }, (_, i) => ({ quantity: 1 + (i % 3), cents: 1000 + i * 13, sku: `S${i}` })), config, now: "2026-11-27T10:00:00" };
    const result = lines(options);
    const candidates = (result.operations[0] as { productDiscountsAdd: { candidates: ProductCandidate[] } }).productDiscountsAdd.candidates;
    expect(candidates.filter((c) => c.value.percentage?.value === "10.00")).toHaveLength(1);
    const got = productAmounts(result, options);
    options.lines.forEach((l, i) => expect(got[i], `line ${i}`).toBe(toDecimal(Math.floor((l.cents * 1000 * 2 + 10000) / 20000), 2)));
    expect(candidates.every((c) => c.message === "all10")).toBe(true);
  });

  it("gives a line whose cents a percentage would round either way its own fixed amount; shares by rate only past Shopify's 20 kB", () => {
    const config = set([{ id: "all10", name: "10%", priority: 1, action: { type: "percent_off", percent: 10, appliesTo: "matching_lines" } }]);
    // 10% of $1,000.05 + i × $0.10 is always x.5 cents: a tie, which Shopify might round down
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ quantity: 1, cents: 100005 + i * 10, sku: `S${i}` }));
    const expectedCents = (n: number) => many(n).reduce((sum, l) => sum + Math.floor((l.cents * 1000 * 2 + 10000) / 20000), 0);
    const small = lines({ lines: many(120), config, now: "2026-11-27T10:00:00" });
    const smallCandidates = (small.operations[0] as { productDiscountsAdd: { candidates: ProductCandidate[] } }).productDiscountsAdd.candidates;
    expect(smallCandidates).toHaveLength(120);
    expect(smallCandidates.every((c) => c.targets.length === 1 && c.value.fixedAmount !== undefined)).toBe(true);
    expect(JSON.stringify(small).length).toBeLessThan(20_000);
    const big = lines({ lines: many(250), config, now: "2026-11-27T10:00:00" });
    const bigCandidates = (big.operations[0] as { productDiscountsAdd: { candidates: ProductCandidate[] } }).productDiscountsAdd.candidates;
    expect(JSON.stringify(big).length).toBeLessThan(20_000);
    expect(bigCandidates.length).toBeLessThan(250);
    // the total is exact: 10% of every line, rounded half up per line, summed
    expect(bigCandidates.reduce((sum, c) => sum + toCents(c.value.fixedAmount!.amount, 100), 0)).toBe(expectedCents(250));
    expect(bigCandidates.reduce((sum, c) => sum + c.targets.length, 0)).toBe(250);
  });

  it("writes Decimal amounts exactly", () => {
    expect([toDecimal(0, 2), toDecimal(5, 2), toDecimal(4567, 2), toDecimal(1000, 0), toDecimal(1005, 3), toDecimal(1234567, 2)]).toEqual(["0.00", "0.05", "45.67", "1000", "1.005", "12345.67"]);
    expect([toCents("45.67", 100), toCents("0.1", 100), toCents("19.99", 100), toCents("1000", 1), toCents(null, 100)]).toEqual([4567, 10, 1999, 1000, NaN]);
  });
});

describe("shop.localTime limits, pinned", () => {
  it("a recurring window to 24:00 closes at 23:59:59 in the Function (TimeWithoutTimezone has no 24:00); the admin still counts that second", () => {
    const { set, config } = compiled({
      schemaVersion: 1, currencyCode: "USD", floor: { minPercentOfSubtotal: 0, allowFreeOrder: false },
      promotions: [{ id: "late", name: "Late", priority: 1, conditions: { recurring: { from: "22:00", to: "24:00" } }, action: { type: "percent_off", percent: 10, appliesTo: "matching_lines" } }],
    }, SHOP_ZONE);
    expect(config.variables.u0).toBe("23:59:59");
    const options: InputOptions = { lines: [{ quantity: 1, cents: 1000, sku: "A" }], config, now: "2026-11-27T23:59:58" };
    expect(amounts(options)).toEqual({ 0: "1.00" });
    expect(amounts({ ...options, now: "2026-11-27T23:59:59" })).toEqual({});
    const admin = evaluate(set, { lines: [{ id: "a", quantity: 1, subtotalCents: 1000 }], customer: null, now: { shopLocal: "2026-11-27T23:59:59", utcOffsetMinutes: -300 } });
    expect(admin.totalDiscountCents).toBe(100);
  });
});

describe("the spring seed compiles for the Function", () => {
  it("asks shop.localTime for the window in the shop's zone, and nothing unused", () => {
    const { config } = compiled(springSeedSet(), SHOP_ZONE);
    expect(config.variables.s0).toBe("2026-03-01T00:00:00");
    expect(config.variables.e0).toBe("2026-03-16T01:00:00");
    expect(config.variables.s1).toBe(config.variables.e1);
    expect(config.slots).toEqual({ [SPRING]: { window: 0 } });
    expect(config.wire.p.map((p) => p.i)).toEqual([FREE_SHIPPING]);
    expect(config.wire.w!.map((group) => group.map((p) => p.i))).toEqual([[SPRING]]);
  });
});
