import { describe, expect, it } from "vitest";
import { evaluate, governedBy, groupLines } from "~/domain/validation/evaluate";
import type { Rule, RuleSet } from "~/domain/validation/types";
import { atpFigure, blindClock, cart, clockAt, customer, ruleSet, type CartOptions, type Line } from "./helpers";

const run = (rules: Rule[], lines: Line[], options: CartOptions = {}, set: Partial<RuleSet> = {}, clock = clockAt()) =>
  evaluate(ruleSet(rules, set), cart(lines, options), clock);

const messages = (result: ReturnType<typeof evaluate>) => result.errors.map((e) => e.message);
const targets = (result: ReturnType<typeof evaluate>) => result.errors.map((e) => e.target);

describe("maxPerOrder: at the limit passes, one over fails", () => {
  const rule: Rule = { id: "hoodie-2", mode: "enforce", kind: "maxPerOrder", skus: ["HD-*"], max: 2 };

  it.each([
    ["at the limit", [["HD-BLK-M", 2]], []],
    ["one over", [["HD-BLK-M", 3]], ["$.cart.lines[0].quantity"]],
    ["per SKU: two SKUs at the limit each", [["HD-BLK-M", 2], ["HD-BLK-L", 2]], []],
    ["the same SKU on two lines adds up, the first line is the target", [["CAP-1", 1], ["HD-BLK-M", 2], ["HD-BLK-M", 1]], ["$.cart.lines[1].quantity"]],
    ["other SKUs are not governed", [["CAP-1", 9]], []],
    ["a line without SKU is not governed", [[null, 9]], []],
  ] as [string, Line[], string[]][])("%s", (_name, lines, expected) => {
    expect(targets(run([rule], lines))).toEqual(expected);
  });

  it("names the item in the message", () => {
    expect(messages(run([rule], [["HD-BLK-M", 3]]))).toEqual(["You can buy at most 2 of Hoodie — Black / M per order. Please reduce the quantity."]);
  });

  it("per rule: the SKUs' units are summed; several lines target the cart", () => {
    const perRule: Rule = { ...rule, per: "rule" };
    expect(run([perRule], [["HD-BLK-M", 1], ["HD-BLK-L", 1]]).errors).toEqual([]);
    expect(run([perRule], [["HD-BLK-M", 2], ["HD-BLK-L", 1]]).errors).toEqual([
      {
        target: "$.cart",
        message: "You can buy at most 2 items in total from Hoodie — Black / M and Hoodie — Black / L per order. Please reduce the quantity.",
      },
    ]);
  });

  it("falls back to the SKU when the set has no label for it", () => {
    expect(messages(run([{ ...rule, skus: ["TEE-*"] }], [["TEE-9", 3]]))[0]).toContain("2 of TEE-9 per order");
  });
});

describe("customerLimit: published count + cart against the limit", () => {
  const rule: Rule = { id: "drop-1", mode: "enforce", kind: "customerLimit", skus: ["HD-*"], max: 2, window: { kind: "days", days: 30 }, guests: "allow" };

  it.each([
    ["nothing bought before, at the limit", {}, 2, []],
    ["nothing bought before, one over", {}, 3, ["The limit for Hoodie — Black / M is 2 per customer. Please reduce the quantity."]],
    ["one bought before, at the limit", { "drop-1": 1 }, 1, []],
    [
      "one bought before, one over",
      { "drop-1": 1 },
      2,
      ["The limit for Hoodie — Black / M is 2 per customer. You have already bought 1, so you can add 1 more."],
    ],
    [
      "limit reached before",
      { "drop-1": 2 },
      1,
      ["The limit for Hoodie — Black / M is 2 per customer and you have already bought 2. Please remove it from your cart."],
    ],
    ["another rule's count does not count", { "other-rule": 5 }, 2, []],
  ] as [string, Record<string, number>, number, string[]][])("%s", (_name, counts, quantity, expected) => {
    expect(messages(run([rule], [["HD-BLK-M", quantity]], { customer: customer(counts) }))).toEqual(expected);
  });

  it("a customer with no published metafield counts from 0", () => {
    expect(run([rule], [["HD-BLK-M", 2]], { customer: { limits: null } }).errors).toEqual([]);
    expect(run([rule], [["HD-BLK-M", 3]], { customer: { limits: null } }).errors).toHaveLength(1);
  });

  it("a guest is checked on the cart alone (earlier orders cannot be seen)", () => {
    const at = run([rule], [["HD-BLK-M", 2]]);
    expect(at.errors).toEqual([]);
    expect(at.verdicts[0]).toMatchObject({ status: "passed", reason: "guest" });
    expect(run([rule], [["HD-BLK-M", 3]]).errors).toHaveLength(1);
  });

  it("guests: block asks a guest to log in at checkout, not on the cart page", () => {
    const blocking: Rule = { ...rule, guests: "block" };
    expect(run([blocking], [["HD-BLK-M", 1]]).errors).toEqual([
      { target: "$.cart", message: "The limit for Hoodie — Black / M is 2 per customer. Please log in to your account to buy it." },
    ]);
    expect(run([blocking], [["HD-BLK-M", 1]], { step: "CART_INTERACTION" }).errors).toEqual([]);
    expect(run([blocking], [["HD-BLK-M", 1]], { customer: customer({}) }).errors).toEqual([]);
  });

  it("unreadable published counts: fail open counts 0, fail closed blocks with 'try again'", () => {
    const unreadable = { limits: { v: 9 } };
    expect(run([rule], [["HD-BLK-M", 1]], { customer: unreadable }).errors).toEqual([]);
    expect(messages(run([rule], [["HD-BLK-M", 1]], { customer: unreadable }, { failureMode: "closed" }))).toEqual([
      "We can't check the purchase limit for Hoodie — Black / M right now. Please try again in a few minutes.",
    ]);
  });

  it("several SKUs of the rule: the message lists them and targets the cart", () => {
    const result = run([rule], [["HD-BLK-M", 2], ["HD-BLK-L", 1]], { customer: customer({}) });
    expect(result.errors).toEqual([
      { target: "$.cart", message: "The limit for Hoodie — Black / M and Hoodie — Black / L is 2 per customer. Please reduce the quantity." },
    ]);
  });
});

describe("cartQuantity and subtotal: minimums and maximums", () => {
  it.each([
    ["min 2, 2 items", { min: 2 }, [["A", 2]], []],
    ["min 2, 1 item", { min: 2 }, [["A", 1]], ["Your order must contain at least 2 items."]],
    ["max 5, 5 items over two lines", { max: 5 }, [["A", 3], [null, 2]], []],
    ["max 5, 6 items", { max: 5 }, [["A", 3], [null, 3]], ["Your order can contain at most 5 items. Please reduce the quantity."]],
    ["max 1, 2 items (singular)", { max: 1 }, [["A", 2]], ["Your order can contain at most 1 item. Please reduce the quantity."]],
  ] as [string, { min?: number; max?: number }, Line[], string[]][])("quantity %s", (_name, bounds, lines, expected) => {
    expect(messages(run([{ id: "q", mode: "enforce", kind: "cartQuantity", ...bounds }], lines))).toEqual(expected);
  });

  it.each([
    ["min 50.00, subtotal 50.00", { minCents: 5000 }, "50.00", []],
    ["min 50.00, subtotal 49.99", { minCents: 5000 }, "49.99", ["Your order subtotal must be at least 50.00 USD."]],
    ["max 1000.00, subtotal 1000.00", { maxCents: 100000 }, "1000.00", []],
    ["max 1000.00, subtotal 1000.01", { maxCents: 100000 }, "1000.01", ["Your order subtotal can be at most 1,000.00 USD. Please remove some items."]],
  ] as [string, { minCents?: number; maxCents?: number }, string, string[]][])("subtotal %s", (_name, bounds, subtotal, expected) => {
    expect(messages(run([{ id: "s", mode: "enforce", kind: "subtotal", ...bounds }], [["A", 1]], { subtotal }))).toEqual(expected);
  });

  it("converts the shop-currency threshold with presentmentCurrencyRate and the presentment exponent", () => {
    const rule: Rule = { id: "s", mode: "enforce", kind: "subtotal", minCents: 5000 };
    // 50.00 USD at 150 JPY/USD = 7,500 JPY (no minor unit).
    expect(run([rule], [["A", 1]], { subtotal: "7500", currencyCode: "JPY", rate: "150.0" }).errors).toEqual([]);
    expect(messages(run([rule], [["A", 1]], { subtotal: "7499", currencyCode: "JPY", rate: "150.0" }))).toEqual([
      "Your order subtotal must be at least 7,500 JPY.",
    ]);
  });

  it("minimums wait for checkout: on the cart page they are skipped, maximums still apply", () => {
    const rules: Rule[] = [
      { id: "q", mode: "enforce", kind: "cartQuantity", min: 3 },
      { id: "s", mode: "enforce", kind: "subtotal", minCents: 5000 },
    ];
    const atCart = run(rules, [["A", 1]], { subtotal: "10.00", step: "CART_INTERACTION" });
    expect(atCart.errors).toEqual([]);
    expect(atCart.verdicts.map((v) => [v.ruleId, v.status, v.reason])).toEqual([
      ["q", "skipped", "at_cart"],
      ["s", "skipped", "at_cart"],
    ]);
    expect(run([{ id: "q", mode: "enforce", kind: "cartQuantity", max: 2 }], [["A", 3]], { step: "CART_INTERACTION" }).errors).toHaveLength(1);
  });

  it("a null step counts as checkout completion", () => {
    expect(run([{ id: "q", mode: "enforce", kind: "cartQuantity", min: 3 }], [["A", 1]], { step: null }).errors).toHaveLength(1);
  });
});

describe("region: countries, provinces, postal codes, PO boxes", () => {
  const rule: Rule = {
    id: "ship",
    mode: "enforce",
    kind: "region",
    countries: ["RU"],
    provinces: ["US-HI"],
    postalCodes: ["GB:BT*", "969??"],
    poBoxes: true,
  };
  const at = (field: string, group = 0) => `$.cart.deliveryGroups[${group}].deliveryAddress.${field}`;

  it.each([
    ["an allowed address", { countryCode: "US", provinceCode: "NY", zip: "11201", address1: "1 Main St" }, []],
    ["a blocked country", { countryCode: "RU", zip: "101000" }, [at("countryCode")]],
    ["a blocked province", { countryCode: "US", provinceCode: "HI", zip: "96813" }, [at("provinceCode")]],
    ["the same province code in another country", { countryCode: "CA", provinceCode: "HI" }, []],
    ["a postal pattern for that country", { countryCode: "GB", zip: "bt1 1aa" }, [at("zip")]],
    ["that pattern in another country", { countryCode: "IE", zip: "BT1 1AA" }, []],
    ["a pattern for any country, exact length", { countryCode: "GU", zip: "96910" }, [at("zip")]],
    ["one character longer than the pattern", { countryCode: "GU", zip: "969100" }, []],
    ["a PO box in address1", { countryCode: "US", address1: "P.O. Box 123" }, [at("address1")]],
    ["a PO box in address2", { countryCode: "US", address1: "1 Main St", address2: "PO BOX 9" }, [at("address2")]],
    ["a street called Box Hill", { countryCode: "AU", address1: "12 Box Hill Rd" }, []],
  ])("%s", (_name, address, expected) => {
    expect(targets(run([rule], [["A", 1]], { addresses: [address] }))).toEqual(expected);
  });

  it("checks every delivery group and targets the right one", () => {
    const result = run([rule], [["A", 1]], { addresses: [{ countryCode: "US" }, { countryCode: "RU" }] });
    expect(targets(result)).toEqual([at("countryCode", 1)]);
  });

  it("waits for an address and for checkout", () => {
    expect(run([rule], [["A", 1]]).verdicts[0]).toMatchObject({ status: "skipped", reason: "no_address" });
    expect(run([rule], [["A", 1]], { step: "CART_INTERACTION", addresses: [{ countryCode: "RU" }] }).errors).toEqual([]);
  });
});

describe("timeGate: the drop opens at a shop-local time", () => {
  const rule: Rule = { id: "gate", mode: "enforce", kind: "timeGate", skus: ["HD-*"], opensAt: "2026-11-27T10:00:00", closesAt: "2026-11-28T10:00:00" };

  it.each([
    ["one second before it opens", "2026-11-27T09:59:59", ["Hoodie — Black / M goes on sale on Nov 27, 2026 at 10:00 (store time). Please remove it to check out now."]],
    ["the second it opens", "2026-11-27T10:00:00", []],
    ["the second before it closes", "2026-11-28T09:59:59", []],
    ["the second it closes", "2026-11-28T10:00:00", ["Hoodie — Black / M is no longer on sale. Please remove it from your cart."]],
  ])("%s", (_name, now, expected) => {
    expect(messages(run([rule], [["HD-BLK-M", 1], ["CAP-1", 1]], {}, {}, clockAt(now)))).toEqual(expected);
  });

  it("applies on the cart page too (the shopper learns early)", () => {
    expect(run([rule], [["HD-BLK-M", 1]], { step: "CART_INTERACTION" }, {}, clockAt("2026-11-27T09:00:00")).errors).toHaveLength(1);
  });

  it("when the function cannot tell the time, the failure mode decides", () => {
    expect(run([rule], [["HD-BLK-M", 1]], {}, {}, blindClock).errors).toEqual([]);
    expect(messages(run([rule], [["HD-BLK-M", 1]], {}, { failureMode: "closed" }, blindClock))).toEqual([
      "We can't confirm that Hoodie — Black / M is on sale right now. Please try again in a few minutes.",
    ]);
  });
});

describe("atp: requested quantity against the published figure", () => {
  const rule = (whenStale: "open" | "closed", extra: Partial<Extract<Rule, { kind: "atp" }>> = {}): Rule => ({
    id: "stock",
    mode: "enforce",
    kind: "atp",
    skus: ["HD-*"],
    staleAfterSeconds: 300,
    whenStale,
    ...extra,
  });

  it.each([
    ["at the figure", 3, atpFigure(3), []],
    ["one over", 4, atpFigure(3), ["Only 3 of Hoodie — Black / M left. Please reduce the quantity to 3 or fewer."]],
    ["sold out", 1, atpFigure(0), ["Hoodie — Black / M is sold out. Please remove it from your cart."]],
    ["oversold (negative) reads as sold out", 1, { v: 1, asOf: 1795791600, total: -2 }, ["Hoodie — Black / M is sold out. Please remove it from your cart."]],
  ] as [string, number, unknown, string[]][])("%s", (_name, quantity, figure, expected) => {
    expect(messages(run([rule("open")], [["HD-BLK-M", quantity, figure]]))).toEqual(expected);
  });

  it.each([
    ["fresh: 299 s old", 299, "open", false],
    ["stale: 300 s old, fail open", 300, "open", false],
    ["fresh: 299 s old, fail closed", 299, "closed", false],
    ["stale: 300 s old, fail closed", 300, "closed", true],
  ] as [string, number, "open" | "closed", boolean][])("staleness budget 300 s — %s", (_name, age, whenStale, blocked) => {
    // 1 requested of 5 available: only staleness can block.
    const result = run([rule(whenStale)], [["HD-BLK-M", 1, atpFigure(5, age)]]);
    expect(result.errors.length > 0).toBe(blocked);
    if (blocked) expect(messages(result)).toEqual(["We can't confirm stock for Hoodie — Black / M right now. Please try again in a few minutes."]);
  });

  it("a stale figure that says 'sold out' does not block when failing open", () => {
    expect(run([rule("open")], [["HD-BLK-M", 1, atpFigure(0, 3600)]]).errors).toEqual([]);
  });

  it("missing figure for an explicitly governed SKU is stale", () => {
    expect(run([rule("open")], [["HD-BLK-M", 9]]).errors).toEqual([]);
    expect(run([rule("closed")], [["HD-BLK-M", 1]]).errors).toHaveLength(1);
  });

  it("empty skus governs every line with a figure, and no other", () => {
    const all = rule("closed", { skus: [] });
    expect(targets(run([all], [["TEE-1", 2, atpFigure(1)], ["CAP-1", 5]]))).toEqual(["$.cart.lines[0].quantity"]);
  });

  it("a location's figure, when the rule names one (missing location = stale)", () => {
    const loc = rule("closed", { location: "70100000001" });
    expect(run([loc], [["HD-BLK-M", 2, atpFigure(9, 0, { "70100000001": 2 })]]).errors).toEqual([]);
    expect(messages(run([loc], [["HD-BLK-M", 3, atpFigure(9, 0, { "70100000001": 2 })]]))[0]).toContain("Only 2 of");
    expect(messages(run([loc], [["HD-BLK-M", 1, atpFigure(9, 0, { "70100000002": 9 })]]))[0]).toContain("can't confirm stock");
  });

  it("a clock that cannot tell the age makes every figure stale", () => {
    expect(evaluate(ruleSet([rule("closed")]), cart([["HD-BLK-M", 1, atpFigure(5)]]), blindClock).errors).toHaveLength(1);
  });
});

describe("modes, order and unreadable rules", () => {
  const max: Rule = { id: "b-max", mode: "enforce", kind: "maxPerOrder", skus: ["HD-*"], max: 1 };

  it("testing mode reports without blocking", () => {
    const result = run([{ ...max, mode: "test" }], [["HD-BLK-M", 2]]);
    expect(result.errors).toEqual([]);
    expect(result.testing).toEqual([{ ruleId: "b-max", target: "$.cart.lines[0].quantity", message: expect.stringContaining("at most 1") }]);
    expect(result.verdicts[0]!.status).toBe("would_block");
  });

  it("off is not evaluated", () => {
    const result = run([{ ...max, mode: "off" }], [["HD-BLK-M", 2]]);
    expect(result.errors).toEqual([]);
    expect(result.verdicts[0]).toMatchObject({ status: "skipped" });
  });

  it("rules are evaluated and reported in id order, not array order", () => {
    const result = run([{ ...max, id: "z" }, { ...max, id: "a" }], [["HD-BLK-M", 2]]);
    expect(result.verdicts.map((v) => v.ruleId)).toEqual(["a", "z"]);
  });

  it.each([
    ["max missing", { ...max, max: undefined }],
    ["max as a string", { ...max, max: "1" }],
    ["skus not a list", { ...max, skus: "HD-*" }],
    ["unknown per", { ...max, per: "order" }],
    ["unknown kind", { ...max, kind: "magic" }],
  ] as [string, unknown][])("a rule with %s is unreadable: never loosened", (_name, bad) => {
    const open = run([bad as Rule], [["HD-BLK-M", 5]]);
    expect(open.errors).toEqual([]);
    expect(open.verdicts[0]).toMatchObject({ status: "unreadable" });
    const closed = run([bad as Rule], [["HD-BLK-M", 5]], {}, { failureMode: "closed" });
    expect(closed.errors).toEqual([{ target: "$.cart", message: "Checkout is temporarily unavailable. Please try again in a few minutes." }]);
  });

  it("an unreadable rule in testing mode never blocks, even failing closed", () => {
    expect(run([{ ...max, mode: "test", max: "x" } as unknown as Rule], [["HD-BLK-M", 5]], {}, { failureMode: "closed" }).errors).toEqual([]);
  });

  it("ids the reader could not read block once when failing closed", () => {
    const result = evaluate(ruleSet([max], { failureMode: "closed" }), cart([["HD-BLK-M", 2]]), clockAt(), { unreadable: ["#3", "dup"] });
    expect(result.errors.map((e) => e.target)).toEqual(["$.cart.lines[0].quantity", "$.cart"]);
  });

  it("never throws on ordinary input: empty cart, custom products, zero quantities", () => {
    const rules: Rule[] = [max, { id: "q", mode: "enforce", kind: "cartQuantity", min: 1 }];
    expect(() => run(rules, [])).not.toThrow();
    expect(() => run(rules, [[null, 0], ["HD-BLK-M", 0]])).not.toThrow();
    expect(run([max], [["HD-BLK-M", 0]]).errors).toEqual([]);
  });
});

describe("groupLines with governedBy: the cheap filter keeps exactly the governed lines", () => {
  const linesOf = (skus: string[]) => skus.map((s) => ({ q: 1, m: { s } }));
  const kept = (rules: Rule[], skus: string[]) => groupLines(linesOf(skus), governedBy(rules)).groups.map((g) => g.sku);
  const max = (skus: string[]): Rule => ({ id: "m", mode: "enforce", kind: "maxPerOrder", skus, max: 1 });
  const SKUS = ["", "A", "A-1", "AB", "HD-", "HD-BLK-M", "HD.", "HDZ", "HD-\uffff", "hd-blk-m", "PG-010005", "Z", "\u00e9t\u00e9", "HD\uffffX"];

  it.each([
    ["exact SKUs only", [max(["HD-BLK-M", "A"])], ["A", "HD-BLK-M"]],
    ["a prefix", [max(["HD-*"])], ["HD-", "HD-BLK-M", "HD-\uffff"]],
    ["a prefix that is an exact SKU too", [max(["HD-", "HD-*"])], ["HD-", "HD-BLK-M", "HD-\uffff"]],
    ["a prefix and an exact SKU far apart", [max(["A-*", "Z"])], ["A-1", "Z"]],
    ["'*' governs every SKU", [max(["*"])], SKUS.filter((s) => s !== "")],
    ["a prefix ending in the highest UTF-16 code unit", [max(["HD\uffff*"])], ["HD\uffffX"]],
    ["non-ASCII exact SKU", [max(["\u00e9t\u00e9"])], ["\u00e9t\u00e9"]],
    ["a rule that is off governs nothing", [{ ...max(["HD-*"]), mode: "off" }], []],
    ["no SKU rules", [{ id: "q", mode: "enforce", kind: "cartQuantity", max: 9 }], []],
  ] as [string, Rule[], string[]][])("%s", (_name, rules, expected) => {
    expect(kept(rules, SKUS)).toEqual(expected);
  });

  it("an ATP rule over every line keeps the lines whose SKU has a figure in the validation's copy, whatever their SKU", () => {
    const lines = [{ q: 1, m: { s: "PG-1" } }, { q: 2, m: { s: "PG-2" } }];
    const rules: Rule[] = [{ id: "s", mode: "enforce", kind: "atp", skus: [], staleAfterSeconds: 60, whenStale: "open" }];
    expect(groupLines(lines, governedBy(rules), { "PG-1": 31795791600 }).groups.map((g) => [g.sku, g.atp])).toEqual([["PG-1", 31795791600]]);
    expect(groupLines(lines, governedBy(rules), null).groups).toEqual([]);
  });

  it("SKUs named like Object.prototype's properties group like any other, duplicates merged", () => {
    const lines = [{ q: 1, m: { s: "toString" } }, { q: 2, m: { s: "__proto__" } }, { q: 3, m: { s: "toString" } }, { q: 1, m: { s: "constructor" } }];
    const rules: Rule[] = [max(["toString", "__proto__"])];
    expect(groupLines(lines, governedBy(rules)).groups.map((g) => [g.sku, g.quantity, g.line])).toEqual([["toString", 4, 0], ["__proto__", 2, 1]]);
    const all: Rule[] = [{ id: "s", mode: "enforce", kind: "atp", skus: [], staleAfterSeconds: 60, whenStale: "closed" }];
    // The copy is a plain parsed object: "__proto__" and "constructor" find Object.prototype's
    // members there, so those lines are grouped with no figure — which no rule counts.
    expect(groupLines(lines, governedBy(all), { toString: 31795791600 }).groups.map((g) => [g.sku, g.quantity, g.atp])).toEqual([["toString", 4, 31795791600], ["__proto__", 2, null], ["constructor", 1, null]]);
    const input = cart([["__proto__", 2], ["constructor", 1]]);
    input.validation = { stock: { jsonValue: { v: 1, t: { toString: 31795791600 } } } };
    expect(evaluate(ruleSet(all), input, clockAt()).errors).toEqual([]);
  });

  it("counts every line's quantity, governed or not, and never a negative one", () => {
    const lines = [{ q: 2, m: { s: "PG-1" } }, { q: 3, m: {} }, { q: -4, m: { s: "HD-1" } }];
    expect(groupLines(lines, governedBy([max(["HD-*"])])).total).toBe(5);
    expect(groupLines(lines).total).toBe(5);
  });
});
