/**
 * The mapping from an order's discount applications to our promotions (messages.ts, usage.ts),
 * and the counters' values; the per-customer cap's "no orders, no uses" rule.
 */
import { describe, expect, it } from "vitest";

import { evaluate } from "~/domain/promotions/evaluate";
import { MESSAGE_SEPARATOR, parsePromotionMessage } from "~/domain/promotions/messages";
import { counterValue, promotionShares, type OrderDiscountApplication } from "~/domain/promotions/usage";

import { promo, promoSet } from "./fixtures";

const app = (index: number, title: string | null, type = "automatic", description: string | null = null): OrderDiscountApplication => ({ index, type, title, description });

describe("parsePromotionMessage", () => {
  it.each([
    ["spring15", [{ promotionId: "spring15" }]],
    ["vip5 3.00 + off10-100 10.00", [{ promotionId: "vip5", amountCents: 300 }, { promotionId: "off10-100", amountCents: 1000 }]],
    ["spring15 + flash-2", [{ promotionId: "spring15" }, { promotionId: "flash-2" }]],
    ["bf_20.x 0.5", [{ promotionId: "bf_20.x", amountCents: 50 }]],
  ])("%s", (title, parts) => {
    expect(parsePromotionMessage(title)).toEqual(parts);
  });

  it.each([
    ["", "empty"],
    ["Summer sale", "a title with a space that is no amount"],
    ["spring15 3.005", "more decimals than the currency has"],
    ["-x", "an id that does not start with a letter or digit"],
    [`a${MESSAGE_SEPARATOR}`, "a trailing separator"],
    ["a 1 2", "three words"],
  ])("refuses %j (%s)", (title) => {
    expect(parsePromotionMessage(title)).toBeNull();
  });

  it("reads amounts in the currency's minor units", () => {
    expect(parsePromotionMessage("jp 1200", 0)).toEqual([{ promotionId: "jp", amountCents: 1200 }]);
    expect(parsePromotionMessage("kw 1.005", 3)).toEqual([{ promotionId: "kw", amountCents: 1005 }]);
  });
});

describe("promotionShares (an order's discount applications → our promotions)", () => {
  it("sums each application's allocations over lines and shipping, and names its promotion", () => {
    const shares = promotionShares(
      [app(0, "spring15"), app(1, "ship-50")],
      [{ applicationIndex: 0, amountCents: 900 }, { applicationIndex: 0, amountCents: 750 }, { applicationIndex: 1, amountCents: 695 }]
    );
    expect(shares).toEqual([{ promotionId: "ship-50", amountCents: 695 }, { promotionId: "spring15", amountCents: 1650 }]);
  });

  it("splits an application naming several promotions by the amounts its message states, the parts summing to what was allocated", () => {
    // the message says 3.00 + 10.00 (presentment); the shop-money allocation is 1,172 (another rate)
    const shares = promotionShares([app(0, "vip5 3.00 + off10-100 10.00")], [{ applicationIndex: 0, amountCents: 600 }, { applicationIndex: 0, amountCents: 572 }]);
    expect(shares).toEqual([{ promotionId: "off10-100", amountCents: 902 }, { promotionId: "vip5", amountCents: 270 }]);
    expect(shares.reduce((s, x) => s + x.amountCents, 0)).toBe(1172);
  });

  it("splits evenly (largest remainder) when the message states no amounts", () => {
    expect(promotionShares([app(0, "a + b + c")], [{ applicationIndex: 0, amountCents: 100 }])).toEqual([
      { promotionId: "a", amountCents: 34 },
      { promotionId: "b", amountCents: 33 },
      { promotionId: "c", amountCents: 33 },
    ]);
  });

  it("adds up a promotion named by several applications (one per candidate group)", () => {
    expect(promotionShares([app(0, "spring15"), app(1, "spring15")], [{ applicationIndex: 0, amountCents: 100 }, { applicationIndex: 1, amountCents: 5 }])).toEqual([
      { promotionId: "spring15", amountCents: 105 },
    ]);
  });

  it("ignores codes, manual discounts and titles that are not a promotion message; falls back to the description", () => {
    const shares = promotionShares(
      [app(0, "spring15", "discount_code"), app(1, "spring15", "manual"), app(2, "Summer sale"), app(3, null, "automatic", "welcome")],
      [0, 1, 2, 3].map((i) => ({ applicationIndex: i, amountCents: 100 }))
    );
    expect(shares).toEqual([{ promotionId: "welcome", amountCents: 100 }]);
  });

  it("counts a promotion that applied with nothing allocated (it was used)", () => {
    expect(promotionShares([app(0, "spring15")], [])).toEqual([{ promotionId: "spring15", amountCents: 0 }]);
  });
});

describe("counterValue", () => {
  it("lists every capped id, 0 when uncounted, keys sorted, and nothing else", () => {
    expect(counterValue(["welcome", "bf"], new Map([["bf", 2], ["other", 9]]))).toBe('{"bf":2,"welcome":0}');
  });
});

describe("per-customer uses without a counter", () => {
  const set = promoSet([promo("welcome", { caps: { perCustomerUses: 1 } })]);
  const cart = (numberOfOrders: number, customerUses?: Record<string, number>) => ({
    lines: [{ id: "l1", quantity: 1, subtotalCents: 5000 }],
    customer: { id: "gid://shopify/Customer/1", numberOfOrders, tags: [] },
    now: { shopLocal: "2026-11-27T10:00:00", utcOffsetMinutes: -300 },
    ...(customerUses ? { customerUses } : {}),
  });
  const status = (c: ReturnType<typeof cart>) => evaluate(set, c).explanations[0]!.status;

  it("a customer with no orders has used nothing: the promotion applies without the metafield", () => {
    expect(status(cart(0))).toBe("applied");
  });
  it("a customer with orders and no counter yet is unknown: fail closed", () => {
    expect(status(cart(2))).toBe("not_eligible");
  });
  it("the published counter decides: under the cap applies, at the cap is capped", () => {
    expect(status(cart(2, { welcome: 0 }))).toBe("applied");
    expect(status(cart(2, { welcome: 1 }))).toBe("capped");
  });
});
