/**
 * The validation's ATP copy: its format (atp-metafield.ts: compactFigure, readCompactFigure,
 * serializeCheckoutAtp), which SKUs it carries (stock.ts), and what evaluate() does with it
 * (an `over` copy makes every ATP rule unreadable: the failure mode decides).
 */
import { describe, expect, it } from "vitest";

import { CHECKOUT_ATP_MAX_TOTAL, compactFigure, readCompactFigure, serializeCheckoutAtp } from "~/domain/inventory/atp-metafield";
import { evaluate } from "~/domain/validation/evaluate";
import { atpGovernance, checkoutCapacity, checkoutStock, governsSku, overEffect, overProblems, readStoredCopy } from "~/domain/validation/stock";
import type { Rule } from "~/domain/validation/types";
import { NOW_UTC, atpFigure, cart, clockAt, ruleSet } from "./helpers";

const atp = (skus: string[], extra: Partial<Extract<Rule, { kind: "atp" }>> = {}): Rule => ({ id: "stock", mode: "enforce", kind: "atp", skus, staleAfterSeconds: 300, whenStale: "closed", ...extra });

describe("readCompactFigure", () => {
  it.each([
    ["a figure", 121795791600, { total: 12, asOf: 1795791600 }],
    ["zero", 1795791600, { total: 0, asOf: 1795791600 }],
    ["no asOf: stale", 120000000000, { total: 12, asOf: null }],
    ["negative: no figure", -1795791600, null],
    ["not an integer", 121795791600.5, null],
    ["past the exact integers", 2 ** 60, null],
    ["a string", "12@1795791600", null],
    ["null", null, null],
  ] as [string, unknown, unknown][])("%s", (_name, entry, expected) => {
    expect(readCompactFigure(entry)).toEqual(expected);
  });

  it("reads back what compactFigure writes; a negative total is written as 0, a huge one capped", () => {
    expect(readCompactFigure(compactFigure(7, NOW_UTC))).toEqual({ total: 7, asOf: NOW_UTC });
    expect(compactFigure(-2, NOW_UTC)).toBe(NOW_UTC);
    expect(readCompactFigure(compactFigure(10 ** 9, NOW_UTC))).toEqual({ total: CHECKOUT_ATP_MAX_TOTAL, asOf: NOW_UTC });
    expect(Number.isSafeInteger(compactFigure(CHECKOUT_ATP_MAX_TOTAL, 9_999_999_999))).toBe(true);
  });
});

describe("serializeCheckoutAtp", () => {
  it("writes SKUs sorted, locations only when named", () => {
    const out = serializeCheckoutAtp(
      [
        { sku: "HD-BLK-M", asOf: 1795791600, total: 7, byLocation: { "701": 3, "702": 4 } },
        { sku: "CAP-1", asOf: 1795791500, total: 9, byLocation: { "701": 9 } },
      ],
      ["702"],
    );
    expect(out.value).toBe('{"v":1,"t":{"CAP-1":91795791500,"HD-BLK-M":71795791600},"l":{"702":{"HD-BLK-M":41795791600}}}');
    expect(out).toMatchObject({ over: false, skus: 2, bytes: out.value.length });
  });

  it("over the size: no figure at all, `over` set", () => {
    const figures = Array.from({ length: 50 }, (_, i) => ({ sku: `SKU-${i}`, asOf: NOW_UTC, total: i }));
    expect(serializeCheckoutAtp(figures, [], 200)).toEqual({ value: '{"v":1,"t":{},"over":true}', bytes: 26, over: true, skus: 50 });
  });
});

describe("which SKUs the copy carries", () => {
  it.each([
    ["exact and prefix", [atp(["HD-*", "CAP-1"])], ["HD-BLK-M", "CAP-1"], ["CAP-2", "PG-1"]],
    ["every SKU", [atp([])], ["PG-1", "HD-BLK-M"], []],
    ["a rule that is off carries nothing", [{ ...atp([]), mode: "off" } as Rule], [], ["PG-1"]],
    ["other kinds carry nothing", [{ id: "m", mode: "enforce", kind: "maxPerOrder", skus: ["HD-*"], max: 1 } as Rule], [], ["HD-BLK-M"]],
  ] as [string, Rule[], string[], string[]][])("%s", (_name, rules, yes, no) => {
    const g = atpGovernance(ruleSet(rules));
    for (const sku of yes) expect(governsSku(g, sku), sku).toBe(true);
    for (const sku of no) expect(governsSku(g, sku), sku).toBe(false);
  });

  it("checkoutStock leaves out ungoverned SKUs, variants without a SKU or a readable asOf, and keeps the named locations", () => {
    const set = ruleSet([atp(["HD-*"], { location: "702" })]);
    const stock = checkoutStock(set, [
      { sku: "HD-BLK-M", figure: { asOf: NOW_UTC, total: 7, byLocation: { "701": 3, "702": 4 } } },
      { sku: "HD-BLK-L", figure: { asOf: null, total: 7, byLocation: null } },
      { sku: "CAP-1", figure: { asOf: NOW_UTC, total: 9, byLocation: null } },
      { sku: null, figure: { asOf: NOW_UTC, total: 1, byLocation: null } },
    ]);
    expect(JSON.parse(stock.value)).toEqual({ v: 1, t: { "HD-BLK-M": 7e10 + NOW_UTC }, l: { "702": { "HD-BLK-M": 4e10 + NOW_UTC } } });
  });
});

describe("evaluate with the copy", () => {
  it("an `over` copy makes ATP rules unreadable: closed blocks with one 'try again', open lets the cart through", () => {
    const input = cart([["HD-BLK-M", 1, atpFigure(5)]]);
    input.validation = { stock: { jsonValue: { v: 1, t: {}, over: true } } };
    const closed = evaluate(ruleSet([atp(["HD-*"])], { failureMode: "closed" }), input, clockAt());
    expect(closed.verdicts.map((v) => v.status)).toEqual(["unreadable"]);
    expect(closed.errors).toEqual([{ target: "$.cart", message: "Checkout is temporarily unavailable. Please try again in a few minutes." }]);
    expect(evaluate(ruleSet([atp(["HD-*"])], { failureMode: "open" }), input, clockAt()).errors).toEqual([]);
  });

  it("no copy published: a named SKU has no figure, so it is stale (closed blocks, open passes)", () => {
    const input = cart([["HD-BLK-M", 1]]);
    expect(evaluate(ruleSet([atp(["HD-*"])]), input, clockAt()).errors.map((e) => e.message)).toEqual([
      "We can't confirm stock for Hoodie — Black / M right now. Please try again in a few minutes.",
    ]);
    expect(evaluate(ruleSet([atp(["HD-*"], { whenStale: "open" })]), input, clockAt()).errors).toEqual([]);
  });

  it("a figure in the copy at the limit passes, one over fails; another SKU's figure does not count", () => {
    expect(evaluate(ruleSet([atp(["HD-*"])]), cart([["HD-BLK-M", 5, atpFigure(5)]]), clockAt()).errors).toEqual([]);
    expect(evaluate(ruleSet([atp(["HD-*"])]), cart([["HD-BLK-M", 6, atpFigure(5)]]), clockAt()).errors).toHaveLength(1);
    expect(evaluate(ruleSet([atp(["HD-*"])]), cart([["HD-BLK-M", 1], ["CAP-1", 1, atpFigure(5)]]), clockAt()).errors.map((e) => e.target)).toEqual(["$.cart.lines[0].quantity"]);
  });
});

describe("evaluate decodes entries exactly as readCompactFigure does", () => {
  const rule = atp(["HD-*"]);
  const verdict = (entry: unknown, quantity: number) => {
    const input = cart([["HD-BLK-M", quantity]]);
    input.validation = { stock: { jsonValue: { v: 1, t: { "HD-BLK-M": entry } } } };
    return evaluate(ruleSet([rule]), input, clockAt()).errors.map((e) => e.message);
  };
  const expected = (entry: unknown, quantity: number) => {
    const f = readCompactFigure(entry);
    const fresh = f !== null && f.asOf !== null && clockAt().freshUntil(f.asOf, 300) === true;
    if (!fresh) return ["We can't confirm stock for Hoodie — Black / M right now. Please try again in a few minutes."];
    if (quantity <= f.total) return [];
    return [f.total === 0 ? "Hoodie — Black / M is sold out. Please remove it from your cart." : `Only ${f.total} of Hoodie — Black / M left. Please reduce the quantity to ${f.total} or fewer.`];
  };
  it.each([
    ["fresh, 3 left", 3e10 + NOW_UTC - 10],
    ["fresh, sold out", NOW_UTC - 10],
    ["at the budget's edge", 3e10 + NOW_UTC - 299],
    ["one second past it", 3e10 + NOW_UTC - 300],
    ["no asOf", 3e10],
    ["negative", -(3e10 + NOW_UTC)],
    ["fraction", 3e10 + NOW_UTC + 0.5],
    ["past 2^53", 2 ** 54],
    ["a string", "3@1795791600"],
  ] as [string, unknown][])("%s", (_name, entry) => {
    for (const quantity of [1, 3, 4]) expect(verdict(entry, quantity), `quantity ${quantity}`).toEqual(expected(entry, quantity));
  });
});

describe("a copy that would not fit: the save refusal and what checkout does", () => {
  // 70 SKUs of ~20-36 bytes each: over a 1,000-byte limit; the 10 HD- SKUs fit.
  const figures = [
    ...Array.from({ length: 10 }, (_, i) => ({ sku: `HD-${i}`, figure: { asOf: NOW_UTC, total: 1, byLocation: null } })),
    ...Array.from({ length: 60 }, (_, i) => ({ sku: `PG-CATALOGUE-${String(i).padStart(4, "0")}`, figure: { asOf: NOW_UTC, total: 1, byLocation: null } })),
  ];
  const LIMIT = 1_000;

  it("checkoutStock counts each active ATP rule's SKUs and the bytes the figures take even when over", () => {
    const set = ruleSet([atp([]), atp(["HD-*"], { id: "drop", mode: "test" }), atp(["PG-*"], { id: "old", mode: "off" })]);
    const stock = checkoutStock(set, figures, LIMIT);
    expect(stock).toMatchObject({ over: true, skus: 70, maxBytes: LIMIT, value: '{"v":1,"t":{},"over":true}' });
    expect(stock.neededBytes).toBe(serializeCheckoutAtp(figures.map((f) => ({ sku: f.sku, ...f.figure, asOf: NOW_UTC })), [], Number.POSITIVE_INFINITY).bytes);
    expect(stock.rules).toEqual([
      { id: "stock", index: 0, skus: 70 },
      { id: "drop", index: 1, skus: 10 },
    ]);
    const fits = checkoutStock(ruleSet([atp(["HD-*"])]), figures, LIMIT);
    expect(fits).toMatchObject({ over: false, skus: 10, bytes: fits.value.length, neededBytes: fits.value.length });
  });

  it("checkoutCapacity: about as many SKUs as fit at the measured average (none measured: null)", () => {
    const stock = checkoutStock(ruleSet([atp(["PG-*"])]), figures, LIMIT);
    const n = checkoutCapacity(stock)!;
    const pg = figures.slice(10).map((f) => ({ sku: f.sku, asOf: NOW_UTC, total: 1 }));
    expect(serializeCheckoutAtp(pg.slice(0, n), [], LIMIT).over).toBe(false);
    expect(serializeCheckoutAtp(pg.slice(0, n + 1), [], LIMIT).over).toBe(true);
    expect(checkoutCapacity(checkoutStock(ruleSet([atp(["NONE-*"])]), figures, LIMIT))).toBeNull();
  });

  const stored = (rules: Rule[], failureMode: "open" | "closed" = "open") => ruleSet(rules, { failureMode });
  it.each([
    ["a new rule over every SKU", stored([]), stored([atp([])]), ["rules[0].skus"]],
    ["other SKUs", stored([atp(["HD-*"])]), stored([atp(["HD-*", "PG-*"])]), ["rules[0].skus"]],
    ["another location", stored([atp([])]), stored([atp([], { location: "702" })]), ["rules[0].skus"]],
    ["testing → enforced", stored([atp([], { mode: "test" })]), stored([atp([])]), ["rules[0].skus"]],
    ["off → testing", stored([atp([], { mode: "off" })]), stored([atp([], { mode: "test" })]), ["rules[0].skus"]],
    ["unchanged (the catalogue grew): passes", stored([atp([])]), stored([atp([])]), []],
    ["enforced → testing: passes", stored([atp([])]), stored([atp([], { mode: "test" })]), []],
    ["failing closed with an enforced over rule", stored([atp([])]), stored([atp([])], "closed"), ["failureMode"]],
    ["failing closed with the over rule in testing: passes", stored([atp([], { mode: "test" })]), stored([atp([], { mode: "test" })], "closed"), []],
  ] as [string, ReturnType<typeof ruleSet>, ReturnType<typeof ruleSet>, string[]][])("%s", (_name, before, after, paths) => {
    const problems = overProblems(before, after, checkoutStock(after, figures, LIMIT));
    expect(problems.map((p) => p.path)).toEqual(paths);
    // The same save with a copy that fits is never refused.
    expect(overProblems(before, after, checkoutStock(after, figures.slice(0, 10), LIMIT))).toEqual([]);
  });

  it("the refusal names the rule's SKUs, the bytes and about how many fit", () => {
    const after = ruleSet([atp(["HD-*"], { id: "drop" }), atp(["PG-*"])]);
    const stock = checkoutStock(after, figures, LIMIT);
    const [drop, pg] = overProblems(ruleSet([]), after, stock);
    const n = checkoutCapacity(stock);
    expect(pg).toEqual({ path: "rules[1].skus", message: `This ATP rule governs 60 SKUs (70 with the other ATP rules): their stock figures take ${stock.neededBytes.toLocaleString("en-US")} bytes, and checkout can carry about ${n} SKUs' stock figures (1,000 bytes). Name the drop's SKUs or prefixes (HD-*) instead.` });
    expect(drop!.message).toMatch(/^This ATP rule governs 10 SKUs \(70 with the other ATP rules\)/);
  });

  it.each([
    ["enforce", "closed", "blocks_every_checkout"],
    ["enforce", "open", "not_checked"],
    ["test", "closed", "reports_only"],
    ["test", "open", "reports_only"],
  ] as const)("over, %s and failing %s: %s (as evaluate does)", (mode, failureMode, effect) => {
    expect(overEffect(atp([], { mode }), failureMode)).toBe(effect);
    const input = cart([["HD-1", 1, atpFigure(5)]]);
    input.validation = { stock: { jsonValue: { v: 1, t: {}, over: true } } };
    const blocked = evaluate(ruleSet([atp([], { mode })], { failureMode }), input, clockAt()).errors.length > 0;
    expect(blocked).toBe(effect === "blocks_every_checkout");
  });

  it.each([
    ["a copy", '{"v":1,"t":{"A":1,"B":2}}', { skus: 2, bytes: 25, over: false }],
    ["over", '{"v":1,"t":{},"over":true}', { skus: 0, bytes: 26, over: true }],
    ["none", null, null],
    ["not JSON", "{", null],
    ["another version", '{"v":2,"t":{}}', null],
  ] as [string, string | null, unknown][])("readStoredCopy: %s", (_name, value, expected) => {
    expect(readStoredCopy(value)).toEqual(expected);
  });
});
