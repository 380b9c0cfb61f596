/**
 * compileForFunction (admin side) and readWireSet (Function side): what the discount Function
 * is given, what the admin refuses to give it (with the field named), and the lenient reader.
 */
import { describe, expect, it } from "vitest";

import { collectionGroups, compileForFunction, UNUSED_DATE_TIME } from "~/domain/promotions/compile";
import type { PromotionSet } from "~/domain/promotions/types";
import { validatePromotionSet } from "~/domain/promotions/validate";
import { failsOnFacts, readWireSet, RECURRING_SLOTS, WINDOW_SLOTS } from "~/domain/promotions/wire";

import { promo, promoSet } from "./fixtures";
import { authoredSet, SHOP_ZONE, SPRING, springSeedSet } from "./seed-set";

const C1 = "gid://shopify/Collection/1";
const C2 = "gid://shopify/Collection/2";
const ALL_OPEN = { windows: Array(WINDOW_SLOTS).fill(true), recurring: Array(RECURRING_SLOTS).fill(true) };

function validated(authored: unknown): PromotionSet {
  const v = validatePromotionSet(authored);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.set;
}

describe("compileForFunction", () => {
  it("gives each distinct collection list one inAnyCollection slot when that is fewest, and refers to slots by index", () => {
    const set = promoSet([
      promo("a", { conditions: { cartContains: { anyOfCollections: [C2] }, customerTags: { anyOf: ["vip"] } } }),
      promo("b", { action: { type: "percent_off", percent: 5, appliesTo: "matching_lines", lines: { anyOfCollections: [C1, C2] } } }),
    ]);
    const result = compileForFunction(set, "UTC");
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    // lists {C2} and {C1, C2}: two slots either way; lists first
    expect(result.config.collectionSlots).toEqual([[C1, C2], [C2]]);
    expect(result.config.variables).toMatchObject({ c0: [C1, C2], c1: [C2], c2: [], c3: [], t: ["vip"] });
    expect(result.config.wire.n).toBe(2);
    expect(result.config.wire.p.find((p) => p.i === "a")!.k).toEqual([1]);
    expect(result.config.wire.p.find((p) => p.i === "b")!.a.l).toEqual([0]);
  });

  it("uses one slot per group of collections always named together when there are fewer of those than lists", () => {
    const C3 = "gid://shopify/Collection/3";
    const C4 = "gid://shopify/Collection/4";
    const C5 = "gid://shopify/Collection/5";
    // lists: {1,2}, {1,2,3}, {3}, {4,5}, {1,2,4,5}, {3,4,5}: six lists, but 1+2, 3 and 4+5 always go together
    const lists = [[C1, C2], [C1, C2, C3], [C3], [C4, C5], [C1, C2, C4, C5], [C3, C4, C5]];
    const groups = collectionGroups(lists);
    expect(groups.slots).toEqual([[C1, C2], [C3], [C4, C5]]);
    expect(lists.map((l) => groups.slotsOf(l))).toEqual([[0], [0, 1], [1], [2], [0, 2], [1, 2]]);
    const set = promoSet(lists.map((l, i) => promo(`p${i}`, { conditions: { cartContains: { anyOfCollections: l } } })));
    const result = compileForFunction(set, "UTC");
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.variables).toMatchObject({ c0: [C1, C2], c1: [C3], c2: [C4, C5], c3: [] });
    expect(result.config.wire.p.find((p) => p.i === "p4")!.k).toEqual([0, 2]);
  });

  it("refuses a set whose filters need more than 4 collection slots, saying how many and why", () => {
    const ids = Array.from({ length: 5 }, (_, i) => `gid://shopify/Collection/9${i}`);
    // five single-collection lists: five lists, five groups
    const set = promoSet(ids.map((c, i) => promo(`p${i}`, { conditions: { cartContains: { anyOfCollections: [c] } } })));
    const result = compileForFunction(set, "UTC");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ path: "promotions", message: expect.stringContaining("need 5 collection groups at checkout; the discount function reads at most 4") }]);
    expect(result.errors[0]!.message).toContain("5 distinct lists over 5 collections");
  });

  it("leaves disabled promotions and names out, and writes promotions in evaluation order", () => {
    const set = promoSet([promo("z", { priority: 1 }), promo("off", { enabled: false, priority: 0 }), promo("a", { priority: 1 })]);
    const result = compileForFunction(set, "UTC");
    if (!result.ok) throw new Error("compile");
    expect(result.config.wire.p.map((p) => p.i)).toEqual(["a", "z"]);
    expect(result.config.wireJson).not.toContain("Promo");
  });

  it("gives identical windows one shop.localTime slot, and unused slots an empty (always false) range", () => {
    const window = { start: "2026-11-27T00:00", end: "2026-11-28T00:00", zone: "Europe/Berlin" };
    const set = validated({
      schemaVersion: 1, currencyCode: "EUR", floor: { minPercentOfSubtotal: 0, allowFreeOrder: false },
      promotions: [
        { id: "a", name: "A", priority: 1, conditions: { timeWindow: window }, action: { type: "free_shipping" } },
        { id: "b", name: "B", priority: 2, conditions: { timeWindow: window, recurring: { days: ["fri"], from: "18:00", to: "24:00" } }, action: { type: "free_shipping" } },
      ],
    });
    const result = compileForFunction(set, "Europe/Berlin");
    if (!result.ok) throw new Error("compile");
    expect(result.config.slots).toEqual({ a: { window: 0 }, b: { window: 0, recurring: 0 } });
    expect(result.config.variables).toMatchObject({ s0: "2026-11-27T00:00:00", e0: "2026-11-28T00:00:00", f0: "18:00:00", u0: "23:59:59" });
    expect(result.config.variables.s1).toBe(UNUSED_DATE_TIME);
    expect(result.config.variables.e1).toBe(UNUSED_DATE_TIME);
    // one-off windows travel grouped by slot, so the Function never reads a closed window's promotions
    expect(result.config.wire.p).toEqual([]);
    expect(result.config.wire.w!.map((group) => group.map((p) => p.i))).toEqual([["a", "b"]]);
    expect(result.config.wire.w![0]![1]).toMatchObject({ i: "b", r: 0, d: ["fri"] });
  });

  it("converts a window authored at a fixed offset into the shop's wall time (the seed: -05:00 into New York, across DST)", () => {
    const result = compileForFunction(validated(springSeedSet()), SHOP_ZONE);
    if (!result.ok) throw new Error("compile");
    // 2026-03-16 00:00 -05:00 = 05:00Z = 01:00 EDT
    expect([result.config.variables.s0, result.config.variables.e0]).toEqual(["2026-03-01T00:00:00", "2026-03-16T01:00:00"]);
    const inLA = compileForFunction(validated(springSeedSet()), "America/Los_Angeles");
    if (!inLA.ok) throw new Error("compile");
    expect([inLA.config.variables.s0, inLA.config.variables.e0]).toEqual(["2026-02-28T21:00:00", "2026-03-15T22:00:00"]);
  });

  it.each([
    ["a product filter", promo("p", { conditions: { cartContains: { anyOfProducts: ["gid://shopify/Product/1"] } } }), "promotions[0].conditions.cartContains.anyOfProducts", /put these products in a collection/],
    ["a product filter on the action", promo("p", { action: { type: "percent_off", percent: 5, appliesTo: "matching_lines", lines: { anyOfProducts: ["gid://shopify/Product/1"] } } }), "promotions[0].action.lines.anyOfProducts", /collection/],
    ["a market handle", promo("p", { conditions: { markets: { marketHandles: ["eu"] } } }), "promotions[0].conditions.markets.marketHandles", /use countryCodes/],
  ])("refuses %s, naming the field", (_label, p, path, message) => {
    const result = compileForFunction(promoSet([p]), "UTC");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it("refuses a ninth distinct window and a fifth distinct recurring range", () => {
    const days = Array.from({ length: 9 }, (_, d) => ({ start: `2026-11-${String(20 + d).padStart(2, "0")}T00:00`, end: `2026-11-${String(20 + d).padStart(2, "0")}T12:00`, zone: "UTC" }));
    const windows = validated({ schemaVersion: 1, currencyCode: "USD", floor: { minPercentOfSubtotal: 0, allowFreeOrder: false },
      promotions: days.map((w, i) => ({ id: `w${i}`, name: `W${i}`, priority: i, conditions: { timeWindow: w }, action: { type: "free_shipping" } })) });
    const tooMany = compileForFunction(windows, "UTC");
    expect(tooMany.ok).toBe(false);
    if (!tooMany.ok) expect(tooMany.errors).toEqual([{ path: "promotions[8].conditions.timeWindow", message: expect.stringMatching(/8 time-window slots and this is distinct window number 9/) }]);
    const hours = validated({ schemaVersion: 1, currencyCode: "USD", floor: { minPercentOfSubtotal: 0, allowFreeOrder: false },
      promotions: Array.from({ length: 5 }, (_, i) => ({ id: `h${i}`, name: `H${i}`, priority: i, conditions: { recurring: { from: `0${i}:00`, to: "12:00" } }, action: { type: "free_shipping" } })) });
    const tooManyHours = compileForFunction(hours, "UTC");
    expect(tooManyHours.ok).toBe(false);
    if (!tooManyHours.ok) expect(tooManyHours.errors[0]!.path).toBe("promotions[4].conditions.recurring");
  });

  it("refuses a set over 10,000 bytes and says by how much", () => {
    const big = promoSet(Array.from({ length: 120 }, (_, i) => promo(`promotion-with-a-long-id-${i}`, { exclusions: { skuPatterns: ["GIFT-CARD-*", "*-CLEARANCE"] } })));
    const result = compileForFunction(big, "UTC");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const bytes = Buffer.byteLength(JSON.stringify({ v: 1, c: "USD", p: [] }));
    expect(bytes).toBeLessThan(100);
    expect(result.errors[0]!.message).toMatch(/^the set compiles to [\d,]+ bytes for the discount function; Shopify lets a function read 10,000 — remove [\d,]+ bytes/);
    const [, total, over] = /compiles to ([\d,]+) bytes.*remove ([\d,]+) bytes/.exec(result.errors[0]!.message)!;
    expect(Number(total!.replace(/,/g, "")) - Number(over!.replace(/,/g, ""))).toBe(10_000);
  });

  it("fits the 50-promotion benchmark calendar well within the limit", async () => {
    const { benchPromotions, BENCH_SHOP_ZONE } = await import("~/domain/promotions/bench-set");
    const result = compileForFunction(validated(benchPromotions(50)), BENCH_SHOP_ZONE);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.bytes).toBeLessThan(7_000);
    expect(result.config.wire.p.length + result.config.wire.w!.flat().length).toBe(50);
  });
});

describe("readWireSet (the Function's lenient reader)", () => {
  const wire = () => {
    const result = compileForFunction(validated(authoredSet()), "America/New_York");
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.config.wire;
  };

  it("reads back every enabled promotion as evaluate() takes it", () => {
    const read = readWireSet(wire(), ALL_OPEN);
    expect(read!.set.promotions.map((p) => p.id)).toEqual(["vip-15", "happy-hour", "shirts-3for2", "welcome", "free-ship", "bfcm-20"]);
    const vip = read!.set.promotions[0]!;
    expect(vip).toMatchObject({ stacksWith: ["bfcm-20", "free-ship"], conditions: { customerTags: { anyOf: ["vip"] } }, action: { type: "percent_off", percent: 15, appliesTo: "order" }, caps: { maxDiscountCents: 10000 } });
    expect(read!.windowsOpen).toEqual({ "bfcm-20": true, "happy-hour": true });
  });

  it("accepts the value as a JSON string too, and drops closed windows before decoding them", () => {
    const read = readWireSet(JSON.stringify(wire()), { windows: [false], recurring: [true] });
    expect(read!.set.promotions.map((p) => p.id)).not.toContain("bfcm-20");
    expect(read!.set.promotions.map((p) => p.id)).toContain("happy-hour");
    expect(readWireSet(wire(), null)!.set.promotions.map((p) => p.id)).toEqual(["vip-15", "shirts-3for2", "welcome", "free-ship"]);
  });

  it.each([
    ["not JSON", "{nope"],
    ["another version", { v: 2, c: "USD", p: [] }],
    ["a currency that is not 3 letters", { v: 1, c: "US", p: [] }],
    ["a floor out of range", { v: 1, c: "USD", f: 120, p: [] }],
    ["too many collections", { v: 1, c: "USD", n: 31, p: [] }],
  ])("gives null for %s", (_label, value) => {
    expect(readWireSet(value, ALL_OPEN)).toBeNull();
  });

  it.each([
    ["an unknown action", { a: { t: "x" } }],
    ["a percent of 0", { a: { t: "%", v: 0 } }],
    ["lines on an order action", { a: { t: "%", v: 5, o: 1, l: [0] } }],
    ["an unknown weekday", { r: 0, d: ["funday"], a: { t: "s" } }],
    ["a negative minimum", { m: -1, a: { t: "s" } }],
    ["a caps percent over 100", { cp: 101, a: { t: "s" } }],
    ["tags that are not strings", { t: [1], a: { t: "s" } }],
    ["a buy X get Y without quantities", { a: { t: "b", gv: 50 } }],
  ])("drops (never half-reads) a promotion with %s", (_label, fields) => {
    const read = readWireSet({ v: 1, c: "USD", n: 1, p: [{ i: "bad", p: 1, ...fields }, { i: "good", p: 2, a: { t: "s" } }] }, ALL_OPEN);
    expect(read!.set.promotions.map((p) => p.id)).toEqual(["good"]);
  });

  it("reads a window's group only while its slot is open, and a promotion's own slot too", () => {
    const value = {
      v: 1, c: "USD",
      p: [{ i: "always", p: 1, a: { t: "s" } }, { i: "own-slot", p: 2, w: 1, a: { t: "s" } }],
      w: [[{ i: "slot-0", p: 3, a: { t: "s" } }], [{ i: "slot-1", p: 4, a: { t: "s" } }]],
    };
    const read = (windows: boolean[]) => readWireSet(value, { windows, recurring: [] })!.set.promotions.map((p) => p.id);
    expect(read([true, false])).toEqual(["always", "slot-0"]);
    expect(read([false, true])).toEqual(["always", "own-slot", "slot-1"]);
    expect(readWireSet(value, { windows: [false, true], recurring: [] })!.windowsOpen).toEqual({ "own-slot": true, "slot-1": true });
    expect(readWireSet({ ...value, w: "not groups" }, ALL_OPEN)).toBeNull();
  });

  it("drops every copy of a duplicated id, and what a kill switch names", () => {
    const value = { v: 1, c: "USD", p: [{ i: "a", p: 1, a: { t: "s" } }, { i: "b", p: 2, a: { t: "s" } }, { i: "a", p: 3, a: { t: "s" } }, { i: "c", p: 4, a: { t: "s" } }] };
    expect(readWireSet(value, ALL_OPEN, (id) => id === "c")!.set.promotions.map((p) => p.id)).toEqual(["b"]);
  });

  it.each([
    ["new customer, guest", { g: "n" }, { orders: null }, true],
    ["new customer, 0 orders", { g: "n" }, { orders: 0 }, false],
    ["returning, 0 orders", { g: "r" }, { orders: 0 }, true],
    ["tags, case-insensitive", { t: ["VIP"] }, { tags: ["vip"] }, false],
    ["tags, none", { t: ["VIP"] }, { tags: [] }, true],
    ["country", { cc: ["US", "CA"] }, { country: "CA" }, false],
    ["country, unknown", { cc: ["US"] }, { country: "" }, true],
    ["channel, case-insensitive", { ch: ["Web"] }, { channel: "web" }, false],
    ["channel, other", { ch: ["pos"] }, { channel: "online" }, true],
  ])("cart facts: %s", (_label, fields, facts, fails) => {
    expect(failsOnFacts(fields, { country: "US", orders: 3, tags: [], channel: "online", ...facts })).toBe(fails);
  });

  it("keeps the spring seed's window on its slot", () => {
    const result = compileForFunction(validated(springSeedSet()), SHOP_ZONE);
    if (!result.ok) throw new Error("compile");
    expect(result.config.wire.w![0]!.find((p) => p.i === SPRING)).toMatchObject({ cc: ["US", "CA"], ch: ["web", "ios"], k: [0], m: 5000, x: ["GC-*", "*-CLR"] });
  });
});
