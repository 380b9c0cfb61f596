import { describe, expect, it } from "vitest";
import { evaluate, resolveChannel } from "~/domain/promotions/evaluate";
import type { CartContext, Conditions, Explanation, Promotion, ShopClock } from "~/domain/promotions/types";
import { cart, line, promo, promoSet } from "./fixtures";

const explain = (ex: Explanation[], id: string) => {
  const found = ex.find((e) => e.promotionId === id);
  if (!found) throw new Error(`no explanation for ${id}`);
  return found;
};

const window = {
  start: "2026-11-27T00:00",
  end: "2026-11-30T00:00",
  zone: "Europe/Berlin",
  startUtc: "2026-11-26T23:00:00Z",
  endUtc: "2026-11-29T23:00:00Z",
};
/** Berlin in November is UTC+1. */
const berlin = (shopLocal: string): ShopClock => ({ shopLocal, utcOffsetMinutes: 60 });

describe("eligibility, one condition at a time (at the boundary passes, one step short fails)", () => {
  type Row = [name: string, conditions: Conditions, pass: Partial<CartContext>, fail: Partial<CartContext>, reason: RegExp];
  const rows: Row[] = [
    ["minimum subtotal", { minSubtotalCents: 5000 }, { lines: [line("a", 5000)] }, { lines: [line("a", 4999)] },
      /needs subtotal ≥ \$50\.00, cart is \$49\.99/],
    ["new customer", { customerSegment: "new" }, { customer: { id: "c1", numberOfOrders: 0 } }, { customer: { id: "c1", numberOfOrders: 1 } },
      /for new customers only; this customer has 1 order$/],
    ["new customer, guest", { customerSegment: "new" }, { customer: { id: "c1", numberOfOrders: 0 } }, { customer: null },
      /the buyer is not signed in/],
    ["returning customer", { customerSegment: "returning" }, { customer: { id: "c1", numberOfOrders: 1 } }, { customer: { id: "c1", numberOfOrders: 0 } },
      /for returning customers only; this customer has no orders yet/],
    ["customer tag (case-insensitive)", { customerTags: { anyOf: ["VIP", "wholesale"] } }, { customer: { id: "c", tags: ["vip"] } },
      { customer: { id: "c", tags: ["staff"] } }, /needs a customer tagged VIP or wholesale; this customer has none of them/],
    ["country", { markets: { countryCodes: ["DE", "AT"] } }, { countryCode: "AT" }, { countryCode: "FR" },
      /only in countries DE, AT; this cart is in FR/],
    ["market handle", { markets: { marketHandles: ["eu"] } }, { marketHandle: "eu" }, { marketHandle: "international" },
      /only in markets eu; this cart is in an unknown country, market "international"/],
    ["channel pos needs a retail location", { channels: ["pos"] }, { isPos: true }, { channel: "pos" },
      /only on channel pos; this cart is from online/],
    ["custom channel from the cart attribute", { channels: ["wholesale-app"] }, { channel: "Wholesale-App" }, { channel: null },
      /only on channel wholesale-app; this cart is from online/],
    ["cart contains a collection", { cartContains: { anyOfCollections: ["gid://shopify/Collection/1"] } },
      { lines: [line("a", 1000, { collectionIds: ["gid://shopify/Collection/1"] })] }, { lines: [line("a", 1000)] },
      /needs collection gid:\/\/shopify\/Collection\/1 in the cart; no line matches/],
    ["cart contains a product", { cartContains: { anyOfProducts: ["product-b"] } },
      { lines: [line("a", 1000), line("b", 1000)] }, { lines: [line("a", 1000)] }, /needs product product-b in the cart/],
  ];

  it.each(rows)("%s", (_name, conditions, pass, fail, reason) => {
    // GIVEN a promotion with only this condition
    const set = promoSet([promo("p", { conditions })]);
    const base = cart([line("a", 10000)]);
    // WHEN the cart meets it exactly
    const yes = evaluate(set, { ...base, ...pass });
    // THEN it applies
    expect(explain(yes.explanations, "p").status).toBe("applied");
    // WHEN the cart misses it by one step
    const no = evaluate(set, { ...base, ...fail });
    // THEN it does not, and the reason names the condition and the cart's value
    const e = explain(no.explanations, "p");
    expect(e.status).toBe("not_eligible");
    expect(e.reason).toMatch(reason);
    expect(no.totalDiscountCents).toBe(0);
  });

  it("lists every condition that fails, not just the first", () => {
    const set = promoSet([promo("p", { conditions: { minSubtotalCents: 5000, channels: ["pos"] } })]);
    const e = explain(evaluate(set, cart([line("a", 4210)])).explanations, "p");
    expect(e.reason).toBe("only on channel pos; this cart is from online; needs subtotal ≥ $50.00, cart is $42.10");
  });

  it("counts the minimum subtotal without excluded SKUs, and says so", () => {
    const set = promoSet([promo("p", { conditions: { minSubtotalCents: 5000 }, exclusions: { skuPatterns: ["sku_giftcard_*"] } })]);
    const lines = [line("a", 3000), line("g", 5000, { sku: "sku_giftcard_50" })];
    const e = explain(evaluate(set, cart(lines)).explanations, "p");
    expect(e.status).toBe("not_eligible");
    expect(e.reason).toBe("needs subtotal ≥ $50.00, cart is $30.00 not counting excluded SKUs");
  });
});

describe("channels", () => {
  it.each([
    [{ isPos: true, channel: "online" }, "pos"],
    [{ isPos: false, channel: "pos" }, "online"],
    [{ channel: " B2B " }, "b2b"],
    [{}, "online"],
  ] as const)("%j → %s", (input, expected) => {
    expect(resolveChannel(input)).toBe(expected);
  });
});

describe("time windows", () => {
  const oneOff = promoSet([promo("w", { conditions: { timeWindow: window } })]);
  const daily = promoSet([promo("r", { conditions: { recurring: { days: ["fri", "sat"], from: "18:00", to: "20:00" } } })]);
  const status = (set: typeof oneOff, now: ShopClock | undefined, id: string) =>
    explain(evaluate(set, cart([line("a", 1000)], { now })).explanations, id);

  it.each([
    ["at the start instant", "2026-11-27T00:00:00", "applied"],
    ["one second before the start", "2026-11-26T23:59:59", "outside_window"],
    ["one second before the end", "2026-11-29T23:59:59", "applied"],
    ["at the end (exclusive)", "2026-11-30T00:00:00", "outside_window"],
  ])("one-off window, Berlin clock %s", (_name, local, expected) => {
    expect(status(oneOff, berlin(local), "w").status).toBe(expected);
  });

  it("compares instants, so a clock in another offset gives the same answer", () => {
    // 2026-11-26T23:00:00Z is 18:00 in New York (UTC-5)
    expect(status(oneOff, { shopLocal: "2026-11-26T18:00:00", utcOffsetMinutes: -300 }, "w").status).toBe("applied");
    expect(status(oneOff, { shopLocal: "2026-11-26T17:59:59", utcOffsetMinutes: -300 }, "w").reason)
      .toBe("starts 2026-11-27T00:00 Europe/Berlin (2026-11-26T23:00:00Z); now is 2026-11-26T22:59:59Z");
  });

  it.each([
    ["Friday 18:00", "2026-11-27T18:00:00", "applied", ""],
    ["Friday 17:59:59", "2026-11-27T17:59:59", "outside_window", "runs 18:00–20:00 shop time; it is 17:59"],
    ["Saturday 19:59:59", "2026-11-28T19:59:59", "applied", ""],
    ["Saturday 20:00", "2026-11-28T20:00:00", "outside_window", "runs 18:00–20:00 shop time; it is 20:00"],
    ["Thursday 19:00", "2026-11-26T19:00:00", "outside_window", "runs on fri, sat only; it is thu in shop time"],
  ])("daily 18:00–20:00 on fri, sat: %s", (_name, local, expected, reason) => {
    const e = status(daily, berlin(local), "r");
    expect(e.status).toBe(expected);
    if (reason) expect(e.reason).toBe(reason);
  });

  it("inside a Function: uses the shop.localTime answer per promotion and the weekday of shop.localTime.date", () => {
    expect(status(daily, { shopDate: "2026-11-27", windowsOpen: { r: true } }, "r").status).toBe("applied");
    expect(status(daily, { shopDate: "2026-11-27", windowsOpen: { r: false } }, "r").reason)
      .toBe("outside 18:00–20:00 shop time on fri, sat according to shop.localTime");
    expect(status(daily, { shopDate: "2026-11-26", windowsOpen: { r: true } }, "r").reason).toBe("runs on fri, sat only; it is thu in shop time");
    expect(status(daily, { shopDate: "2026-11-27", windowsOpen: {} }, "r").reason).toMatch(/no shop.localTime answer .* \(fail closed\)/);
  });

  it("fails closed when a windowed promotion gets no clock, and ignores the clock otherwise", () => {
    expect(status(oneOff, undefined, "w").status).toBe("outside_window");
    const plain = promoSet([promo("p")]);
    expect(status(plain, undefined, "p").status).toBe("applied");
  });
});

describe("priority, then id, decides the order (never the array order)", () => {
  const exclusive = (id: string, priority: number, percent: number): Promotion =>
    promo(id, { priority, stacksWith: [], action: { type: "percent_off", percent, appliesTo: "order" } });

  it.each([
    ["lower priority number first", [exclusive("big", 20, 50), exclusive("small", 10, 5)], "small"],
    ["ties broken by id", [exclusive("b", 10, 50), exclusive("a", 10, 5)], "a"],
  ])("%s", (_name, promotions, winner) => {
    for (const order of [promotions, [...promotions].reverse()]) {
      const result = evaluate(promoSet(order), cart([line("x", 10000)]));
      expect(result.explanations.filter((e) => e.status === "applied").map((e) => e.promotionId)).toEqual([winner]);
      expect(result.explanations.map((e) => e.promotionId)[0]).toBe(winner);
    }
  });

  it("an ineligible promotion does not block the ones after it", () => {
    const set = promoSet([
      promo("first", { priority: 1, stacksWith: [], conditions: { minSubtotalCents: 999999 } }),
      promo("second", { priority: 2, stacksWith: [] }),
    ]);
    const result = evaluate(set, cart([line("x", 10000)]));
    expect(explain(result.explanations, "second").status).toBe("applied");
  });
});

describe("stacking is mutual: both promotions must list each other (or \"*\")", () => {
  const pair = (aList: string[], bList: string[]) =>
    promoSet([promo("a", { priority: 1, stacksWith: aList }), promo("b", { priority: 2, stacksWith: bList })]);

  it.each([
    ["both list each other", ["b"], ["a"], true, ""],
    ["both use *", ["*"], ["*"], true, ""],
    ["* on one side, the id on the other", ["*"], ["a"], true, ""],
    ["only a lists b", ["b"], [], false, "a lists b, but b does not list a in stacksWith; stacking needs both"],
    ["only b lists a", [], ["a"], false, "b lists a, but a does not list b in stacksWith; stacking needs both"],
    ["neither", [], [], false, "neither lists the other in stacksWith"],
  ])("%s", (_name, aList, bList, together, why) => {
    const result = evaluate(pair(aList, bList), cart([line("x", 10000)]));
    expect(explain(result.explanations, "a").status).toBe("applied");
    const b = explain(result.explanations, "b");
    expect(b.status).toBe(together ? "applied" : "does_not_stack");
    if (!together) expect(b.reason).toBe(`does not stack with "Promo a" (a, priority 1, chosen first): ${why}`);
  });

  it("a promotion must stack with EVERY one already chosen", () => {
    const set = promoSet([
      promo("a", { priority: 1, stacksWith: ["b", "c"] }),
      promo("b", { priority: 2, stacksWith: ["a"] }),
      promo("c", { priority: 3, stacksWith: ["a"] }), // not with b
    ]);
    const result = evaluate(set, cart([line("x", 10000)]));
    expect(result.explanations.map((e) => [e.promotionId, e.status])).toEqual([
      ["a", "applied"], ["b", "applied"], ["c", "does_not_stack"],
    ]);
    expect(explain(result.explanations, "c").reason).toMatch(/^does not stack with "Promo b"/);
  });
});

describe("percent and fixed on the same line: percents first (compounding, priority order), then fixed, then order-level", () => {
  const pct = (id: string, priority: number, percent: number, appliesTo: "matching_lines" | "order" = "matching_lines") =>
    promo(id, { priority, action: { type: "percent_off", percent, appliesTo } });
  const fixed = (id: string, priority: number, amountCents: number, appliesTo: "matching_lines" | "order" = "matching_lines") =>
    promo(id, { priority, action: { type: "fixed_off", amountCents, appliesTo } });

  it.each([
    ["15% + 20% = 32% (compounded, not 35%)", [pct("p15", 1, 15), pct("p20", 2, 20)], { p15: 1500, p20: 1700 }, 3200],
    ["$10 fixed at higher priority still comes after 20%", [fixed("f10", 1, 1000), pct("p20", 2, 20)], { p20: 2000, f10: 1000 }, 3000],
    ["line 10% then order 10% = 19%", [pct("order10", 1, 10, "order"), pct("line10", 2, 10)], { line10: 1000, order10: 900 }, 1900],
    ["order fixed comes after order percent", [fixed("of", 1, 1000, "order"), pct("op", 2, 50, "order")], { op: 5000, of: 1000 }, 6000],
  ])("%s", (_name, promotions, amounts, total) => {
    // GIVEN a $100.00 line and stacking promotions
    const result = evaluate(promoSet(promotions), cart([line("x", 10000)]));
    // THEN each takes its share of the running price
    for (const [id, amount] of Object.entries(amounts)) expect(explain(result.explanations, id).amountCents).toBe(amount);
    expect(result.totalDiscountCents).toBe(total);
  });

  it("fixed off matching lines is per unit, never more than the line", () => {
    const set = promoSet([fixed("f", 1, 500)]);
    const result = evaluate(set, cart([line("a", 3000, { quantity: 3 }), line("b", 800, { quantity: 2 })]));
    expect(result.lineDiscounts).toEqual([
      { lineId: "a", promotionId: "f", amountCents: 1500, level: "line" },
      { lineId: "b", promotionId: "f", amountCents: 800, level: "line" },
    ]);
  });

  it("spreads an order-level amount across lines by largest remainder, summing to the total", () => {
    const set = promoSet([fixed("f", 1, 1000, "order")]);
    const result = evaluate(set, cart([line("a", 1000), line("b", 1000), line("c", 1000)]));
    expect(result.lineDiscounts.map((d) => d.amountCents)).toEqual([334, 333, 333]);
    expect(result.orderDiscounts).toEqual([{ promotionId: "f", amountCents: 1000, excludedLineIds: [] }]);
  });

  it("matching_lines without its own filter discounts the lines the cartContains condition names", () => {
    const set = promoSet([promo("p", { conditions: { cartContains: { anyOfProducts: ["product-b"] } }, action: { type: "percent_off", percent: 50, appliesTo: "matching_lines" } })]);
    const result = evaluate(set, cart([line("a", 1000), line("b", 2000)]));
    expect(result.lineDiscounts).toEqual([{ lineId: "b", promotionId: "p", amountCents: 1000, level: "line" }]);
  });
});

describe("buy X get Y: the cheapest qualifying units are the ones discounted", () => {
  const bxgy = (extra: Partial<Extract<Promotion["action"], { type: "buy_x_get_y" }>> = {}) =>
    promo("bx", {
      action: {
        type: "buy_x_get_y",
        buy: { quantity: 2, anyOfCollections: ["shirts"] },
        get: { quantity: 1, percent: 100, anyOfCollections: ["shirts"] },
        ...extra,
      },
    });
  const shirt = (id: string, unit: number, quantity = 1) =>
    line(id, unit * quantity, { quantity, collectionIds: ["shirts"] });

  it.each([
    ["buy 2 get 1 free: the cheapest of three", [shirt("a", 3000), shirt("b", 2000), shirt("c", 1000)], {}, { c: 1000 }],
    ["two applications over six units", [shirt("a", 3000, 3), shirt("b", 1000, 3)], {}, { b: 2000 }],
    ["maxApplications 1 stops at one", [shirt("a", 3000, 3), shirt("b", 1000, 3)], { maxApplications: 1 }, { b: 1000 }],
    ["50% off the get unit", [shirt("a", 3000), shirt("b", 2000), shirt("c", 1000)], { get: { quantity: 1, percent: 50, anyOfCollections: ["shirts"] } }, { c: 500 }],
  ])("%s", (_name, lines, extra, expected) => {
    const result = evaluate(promoSet([bxgy(extra)]), cart(lines));
    const byLine = Object.fromEntries(result.lineDiscounts.map((d) => [d.lineId, d.amountCents]));
    expect(byLine).toEqual(expected);
  });

  it("a unit counts once: two units are not enough for buy 2 get 1", () => {
    const result = evaluate(promoSet([bxgy()]), cart([shirt("a", 3000, 2)]));
    expect(explain(result.explanations, "bx").reason).toBe("needs 2 to buy and 1 more to get at 100% off; the cart has 2 that count as bought and 2 that can be got");
  });

  it("different buy and get sets: a cheap buy-only unit is not given away", () => {
    const set = promoSet([promo("bx", {
      action: { type: "buy_x_get_y", buy: { quantity: 1, anyOfProducts: ["product-shoe"] }, get: { quantity: 1, percent: 100, anyOfProducts: ["product-sock", "product-shoe"] } },
    })]);
    // the shoe (cheap here) must be the bought unit; the sock is got
    const result = evaluate(set, cart([line("shoe", 500, { productId: "product-shoe" }), line("sock", 900, { productId: "product-sock" })]));
    expect(result.lineDiscounts).toEqual([{ lineId: "sock", promotionId: "bx", amountCents: 900, level: "line" }]);
  });
});

describe("exclusions by SKU glob", () => {
  const giftcards = { skuPatterns: ["sku_giftcard_*"] };

  it.each([
    ["sku_giftcard_50", true],
    ["SKU_GIFTCARD_100", true],
    ["sku_giftcard_", true],
    ["sku_giftcards", false],
    ["xsku_giftcard_1", false],
  ])("sku_giftcard_* on %s → excluded %s", (sku, excluded) => {
    const set = promoSet([promo("p", { action: { type: "percent_off", percent: 10, appliesTo: "order" }, exclusions: giftcards })]);
    const result = evaluate(set, cart([line("a", 1000), line("g", 1000, { sku })]));
    expect(result.lineDiscounts.some((d) => d.lineId === "g")).toBe(!excluded);
    expect(result.orderDiscounts[0]!.excludedLineIds).toEqual(excluded ? ["g"] : []);
  });

  it("? matches one character", () => {
    const set = promoSet([promo("p", { exclusions: { skuPatterns: ["A-?"] } })]);
    const result = evaluate(set, cart([line("1", 1000, { sku: "A-1" }), line("2", 1000, { sku: "A-12" })]));
    expect(result.lineDiscounts.map((d) => d.lineId)).toEqual(["2"]);
  });

  it("says excluded when every line it would discount is excluded", () => {
    const set = promoSet([promo("p", { exclusions: giftcards })]);
    const e = explain(evaluate(set, cart([line("g", 1000, { sku: "sku_giftcard_25" })])).explanations, "p");
    expect(e).toMatchObject({ status: "excluded", reason: "every line it would discount is excluded by SKU pattern sku_giftcard_*" });
  });
});

describe("caps", () => {
  const forty = { type: "percent_off", percent: 40, appliesTo: "order" } as const;

  it.each([
    ["maxDiscountCents", { maxDiscountCents: 2000 }, 2000, /capped at \$20\.00 per cart; would have been \$40\.00/],
    ["maxDiscountPercent of what it targets", { maxDiscountPercent: 25 }, 2500, /capped at 25% of the \$100\.00 it applies to \(\$25\.00\)/],
    ["remaining budget", { totalBudgetCents: 100000 }, 1500, /capped at the \$15\.00 left of its \$1,000\.00 budget/],
    ["the smallest cap binds", { maxDiscountCents: 3000, maxDiscountPercent: 10 }, 1000, /capped at 10%/],
  ])("%s", (_name, caps, amount, reason) => {
    const set = promoSet([promo("p", { action: forty, caps })]);
    const result = evaluate(set, cart([line("a", 6000), line("b", 4000)], { budgetUsed: { p: 98500 } }));
    const e = explain(result.explanations, "p");
    expect(e.status).toBe("capped");
    expect(e.amountCents).toBe(amount);
    expect(e.reason).toMatch(reason);
    expect(result.lineDiscounts.reduce((s, d) => s + d.amountCents, 0)).toBe(amount);
  });

  it.each([
    ["a guest (fail closed)", null, { p: 0 }, "not_eligible", "limited to 1 use per customer, and the buyer is not signed in (fail closed)"],
    ["unknown uses (fail closed)", { id: "c1" }, undefined, "not_eligible", "limited to 1 use per customer, and this customer's uses are unknown (fail closed)"],
    ["used up", { id: "c1" }, { p: 1 }, "capped", "limited to 1 use per customer; this customer has used it 1 time"],
    ["not yet used", { id: "c1" }, {}, "applied", null],
  ] as const)("per-customer uses: %s", (_name, customer, customerUses, status, reason) => {
    const set = promoSet([promo("p", { caps: { perCustomerUses: 1 } })]);
    const e = explain(evaluate(set, cart([line("a", 1000)], { customer, customerUses })).explanations, "p");
    expect(e.status).toBe(status);
    if (reason) expect(e.reason).toBe(reason);
  });

  it.each([
    ["used up", { p: 5000 }, "its budget of $50.00 is used up"],
    ["unknown (fail closed)", undefined, "has a total budget, and the amount already used is unknown (fail closed)"],
  ])("budget %s", (_name, budgetUsed, reason) => {
    const set = promoSet([promo("p", { caps: { totalBudgetCents: 5000 } })]);
    const e = explain(evaluate(set, cart([line("a", 1000)], { budgetUsed })).explanations, "p");
    expect(e).toMatchObject({ status: "capped", amountCents: 0, reason });
  });
});

describe("the floor", () => {
  const pct = (id: string, priority: number, percent: number, extra: Partial<Promotion> = {}) =>
    promo(id, { priority, action: { type: "percent_off", percent, appliesTo: "order" }, ...extra });

  it("trims the promotion that would cross it, and leaves nothing for the ones after", () => {
    // GIVEN a 60% floor and 30% + 20% + 10% order promotions on $100.00
    const set = promoSet([pct("a", 1, 30), pct("b", 2, 20), pct("c", 3, 10)], { minPercentOfSubtotal: 60 });
    const result = evaluate(set, cart([line("x", 6000), line("y", 4000)]));
    // THEN a takes 30.00, b is cut from 14.00 to 10.00, c is left with nothing
    expect(result.explanations.map((e) => [e.promotionId, e.status, e.amountCents])).toEqual([
      ["a", "applied", 3000], ["b", "floor_reached", 1000], ["c", "floor_reached", 0],
    ]);
    expect(explain(result.explanations, "b").reason)
      .toBe("20% off the order = $10.00; reduced from $14.00 to $10.00: the cart may not go below $60.00 (60% of its $100.00 subtotal)");
    expect(result.totalDiscountCents).toBe(4000);
    expect(result.floorCents).toBe(6000);
  });

  it("never makes an order free unless the set and an applied action both allow it", () => {
    const full = { type: "percent_off", percent: 100, appliesTo: "order" } as const;
    const lines = [line("x", 2500)];
    const refused = evaluate(promoSet([promo("p", { action: full })]), cart(lines));
    expect(refused.totalDiscountCents).toBe(2499);
    expect(explain(refused.explanations, "p").reason).toMatch(/may not become free .* stays at \$0\.01/);

    const setOnly = evaluate(promoSet([promo("p", { action: full })], { allowFreeOrder: true }), cart(lines));
    expect(setOnly.totalDiscountCents).toBe(2499);

    const both = evaluate(promoSet([promo("p", { action: { ...full, allowFreeOrder: true } })], { allowFreeOrder: true }), cart(lines));
    expect(both.totalDiscountCents).toBe(2500);
    expect(explain(both.explanations, "p").status).toBe("applied");
  });

  it("rounds the floor up to a whole minor unit", () => {
    const set = promoSet([pct("p", 1, 100)], { minPercentOfSubtotal: 33.33 });
    const result = evaluate(set, cart([line("x", 1001)]));
    expect(result.floorCents).toBe(334); // 1001 × 33.33% = 333.6333 → 334
    expect(result.totalDiscountCents).toBe(667);
  });
});

describe("free shipping", () => {
  const ship = (extra: Partial<Promotion> = {}) => promo("s", { action: { type: "free_shipping" }, ...extra });
  const options = [
    { handle: "standard", groupId: "g1", costCents: 500 },
    { handle: "express", groupId: "g1", costCents: 1500, selected: true },
  ];

  it("discounts every delivery option fully, reporting the selected one", () => {
    const result = evaluate(promoSet([ship()]), cart([line("a", 1000)], { deliveryOptions: options }));
    expect(result.shippingDiscounts).toEqual([
      { promotionId: "s", handle: "standard", groupId: "g1", amountCents: 500 },
      { promotionId: "s", handle: "express", groupId: "g1", amountCents: 1500 },
    ]);
    expect(explain(result.explanations, "s")).toMatchObject({ status: "applied", amountCents: 1500 });
    expect(result.totalDiscountCents).toBe(0);
  });

  it("caps per option", () => {
    const result = evaluate(promoSet([ship({ caps: { maxDiscountCents: 800 } })]), cart([line("a", 1000)], { deliveryOptions: options }));
    expect(result.shippingDiscounts.map((d) => d.amountCents)).toEqual([500, 800]);
    expect(explain(result.explanations, "s").status).toBe("capped");
  });

  it("is still chosen (and blocks what it does not stack with) when the lines target has no delivery options", () => {
    const set = promoSet([ship({ priority: 1, stacksWith: [] }), promo("p", { priority: 2, stacksWith: [] })]);
    const result = evaluate(set, cart([line("a", 1000)]));
    expect(explain(result.explanations, "s")).toMatchObject({ status: "nothing_to_discount", selected: true });
    expect(explain(result.explanations, "p").status).toBe("does_not_stack");
  });
});

describe("currencies", () => {
  it("converts the set's shop-currency amounts into the cart's presentment currency", () => {
    const set = promoSet([promo("p", { conditions: { minSubtotalCents: 5000 }, action: { type: "fixed_off", amountCents: 1000, appliesTo: "order" } })]);
    // $50.00 at 150 JPY/USD is ¥7,500; $10.00 is ¥1,500
    const jpy = { currencyCode: "JPY", presentmentRate: 150 };
    const short = evaluate(set, cart([line("a", 7499)], jpy));
    expect(explain(short.explanations, "p").reason).toBe("needs subtotal ≥ ¥7,500, cart is ¥7,499");
    const enough = evaluate(set, cart([line("a", 7500)], jpy));
    expect(enough.totalDiscountCents).toBe(1500);
    expect(enough.currencyCode).toBe("JPY");
  });
});

describe("rounding and per-line totals", () => {
  it("rounds a line-level percentage half up on each line, and an order-level one once on the total, spread by largest remainder", () => {
    // GIVEN three 5-cent lines and 10% off
    const lines = [line("a", 5), line("b", 5), line("c", 5)];
    const perLine = evaluate(promoSet([promo("p", { action: { type: "percent_off", percent: 10, appliesTo: "matching_lines" } })]), cart(lines));
    const perOrder = evaluate(promoSet([promo("p", { action: { type: "percent_off", percent: 10, appliesTo: "order" } })]), cart(lines));
    // THEN per line: 0.5 → 1 cent each; per order: 1.5 → 2 cents, split 1/1/0
    expect(perLine.lineDiscounts.map((d) => d.amountCents)).toEqual([1, 1, 1]);
    expect(perOrder.lineDiscounts.map((d) => d.amountCents)).toEqual([1, 1]);
    expect(perOrder.orderDiscounts[0]!.amountCents).toBe(2);
  });

  it("totals every promotion per line, and gives the same amounts without per-promotion detail", () => {
    const set = promoSet([
      promo("p10", { priority: 1, action: { type: "percent_off", percent: 10, appliesTo: "matching_lines" } }),
      promo("o5", { priority: 2, action: { type: "fixed_off", amountCents: 500, appliesTo: "order" } }),
    ]);
    const lines = [line("a", 4000), line("b", 6000), line("z", 0)];
    const full = evaluate(set, cart(lines));
    // 10% → 400 + 600; then $5.00 over 3600/5400 → 200/300
    expect(full.lineTotalCents).toEqual([600, 900, 0]);
    const lean = evaluate(set, cart(lines), { reasons: false, lineDetail: false });
    expect(lean.lineDiscounts).toEqual([]);
    expect(lean.lineTotalCents).toEqual(full.lineTotalCents);
    expect(lean.explanations.map((e) => [e.status, e.amountCents])).toEqual(full.explanations.map((e) => [e.status, e.amountCents]));
  });
});

describe("explanations", () => {
  it("has one per promotion, in evaluation order, and plain reasons only when asked", () => {
    const set = promoSet([
      promo("z", { priority: 1 }),
      promo("off", { priority: 2, enabled: false }),
      promo("far", { priority: 3, conditions: { markets: { countryCodes: ["JP"] } } }),
    ]);
    const result = evaluate(set, cart([line("a", 1000)], { countryCode: "US" }));
    expect(result.explanations.map((e) => [e.promotionId, e.status])).toEqual([["z", "applied"], ["off", "disabled"], ["far", "not_eligible"]]);
    expect(result.explanations.every((e) => e.reason.length > 0)).toBe(true);
    expect(explain(result.explanations, "z").reason).toBe("10% off 1 line = $1.00");

    const quiet = evaluate(set, cart([line("a", 1000)], { countryCode: "US" }), { reasons: false });
    expect(quiet.explanations.map((e) => e.reason)).toEqual(["", "", ""]);
    expect(quiet.totalDiscountCents).toBe(result.totalDiscountCents);
  });

  it("handles an empty cart without throwing", () => {
    const result = evaluate(promoSet([promo("p")]), cart([]));
    expect(result).toMatchObject({ subtotalCents: 0, totalDiscountCents: 0, lineDiscounts: [] });
    expect(explain(result.explanations, "p").status).toBe("not_eligible");
  });
});

describe("SKU exclusions on awkward SKUs (found on the joined SKUs, placed line by line)", () => {
  it.each([
    ["prefix", "gc-*", ["GC-1", "xgc-2", "Gc-3", "gc"], [true, false, true, false]],
    ["suffix", "*-clr", ["A-CLR", "a-clr-b", "-clr", "CLR"], [true, false, true, false]],
    ["exact", "mug", ["MUG", "mug-2", "xmug", "Mug"], [true, false, false, true]],
    ["a SKU holding a line break", "ab*", ["x\nab", "ab\nx", "abc"], [false, true, true]],
    ["a suffix across a line break", "*cd", ["cd\nx", "x\ncd", "cd"], [false, true, true]],
    ["an exact SKU that is only part of one", "ab", ["ab\ncd", "ab", "cd\nab"], [false, true, false]],
    ["lower-casing that changes a length", "ix*", ["İX", "ix", "IXZ"], [false, true, true]],
    ["a glob with ?", "t?e-*", ["TEE-1", "tie-2", "te-3"], [true, true, false]],
  ])("%s", (_label, pattern, skus, excluded) => {
    const set = promoSet([promo("p", { exclusions: { skuPatterns: [pattern] } })]);
    const result = evaluate(set, cart(skus.map((sku, i) => line(`l${i}`, 1000, { sku }))), { reasons: false });
    expect(result.lineTotalCents.map((c) => c === 0)).toEqual(excluded);
    // checkout mode agrees
    const checkout = evaluate(set, cart(skus.map((sku, i) => line(`l${i}`, 1000, { sku }))), { checkout: true });
    expect(checkout.lineLevelCents).toEqual(result.lineLevelCents);
  });
});
