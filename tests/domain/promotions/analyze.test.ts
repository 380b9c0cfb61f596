import { describe, expect, it } from "vitest";
import { analyzePromotionSet, type Finding } from "~/domain/promotions/analyze";
import type { Promotion, TimeWindow } from "~/domain/promotions/types";
import { validatePromotionSet } from "~/domain/promotions/validate";
import { promo, promoSet } from "./fixtures";
import { authoredSet, SALE, SHIRTS } from "./seed-set";

const codes = (findings: Finding[], code: Finding["code"]) => findings.filter((f) => f.code === code);
const pct = (id: string, priority: number, percent: number, extra: Partial<Promotion> = {}) =>
  promo(id, { priority, action: { type: "percent_off", percent, appliesTo: "order" }, ...extra });
const utcWindow = (startUtc: string, endUtc: string): TimeWindow =>
  ({ start: startUtc.slice(0, 16), end: endUtc.slice(0, 16), zone: "Z", startUtc, endUtc });

describe("shadowed: can never apply because an earlier promotion always wins", () => {
  const blocker = pct("blocker", 1, 10, { stacksWith: [] });

  it("finds a promotion whose every eligible cart also makes a non-stacking earlier one eligible", () => {
    // GIVEN an unconditional exclusive promotion at priority 1, and a stricter exclusive one at priority 2
    const set = promoSet([blocker, pct("strict", 2, 30, { stacksWith: [], conditions: { minSubtotalCents: 5000, channels: ["online"] } })]);
    // WHEN analyzed
    const [finding] = codes(analyzePromotionSet(set), "shadowed");
    // THEN the stricter one is reported, naming both
    expect(finding).toEqual({
      severity: "warning",
      code: "shadowed",
      promotionIds: ["strict", "blocker"],
      message: `"Promo strict" (strict) can never apply: whenever it is eligible, "Promo blocker" (blocker) is too, is chosen first (priority 1 before 2), and does not stack with it`,
    });
  });

  it.each([
    ["the earlier one needs a higher subtotal", pct("blocker", 1, 10, { stacksWith: [], conditions: { minSubtotalCents: 9000 } })],
    ["the earlier one has a budget that can run out", pct("blocker", 1, 10, { stacksWith: [], caps: { totalBudgetCents: 100 } })],
    ["the earlier one is for a channel the later one is not limited to", pct("blocker", 1, 10, { stacksWith: [], conditions: { channels: ["pos"] } })],
    ["they stack", pct("blocker", 1, 10, { stacksWith: ["*"] })],
    ["the earlier one only discounts some lines", promo("blocker", { priority: 1, stacksWith: [], action: { type: "percent_off", percent: 10, appliesTo: "matching_lines", lines: { anyOfCollections: [SHIRTS] } } })],
    ["the earlier one is a buy X get Y", promo("blocker", { priority: 1, stacksWith: [], action: { type: "buy_x_get_y", buy: { quantity: 1 }, get: { quantity: 1, percent: 100 } } })],
  ])("is not claimed when %s", (_name, earlier) => {
    const later = pct("later", 2, 30, { stacksWith: ["*"], conditions: { minSubtotalCents: 5000 } });
    expect(codes(analyzePromotionSet(promoSet([earlier, later])), "shadowed")).toEqual([]);
  });

  it("is claimed when the earlier one's line filter covers everything the later one can be eligible for", () => {
    const set = promoSet([
      promo("shirts-10", { priority: 1, stacksWith: [], action: { type: "percent_off", percent: 10, appliesTo: "matching_lines", lines: { anyOfCollections: [SHIRTS, SALE] } } }),
      promo("sale-shirts", { priority: 2, stacksWith: [], conditions: { cartContains: { anyOfCollections: [SHIRTS] } } }),
    ]);
    expect(codes(analyzePromotionSet(set), "shadowed").map((f) => f.promotionIds)).toEqual([["sale-shirts", "shirts-10"]]);
  });
});

describe("can never apply on its own", () => {
  it("reports a window that has ended, given now", () => {
    const set = promoSet([pct("old", 1, 10, { conditions: { timeWindow: utcWindow("2025-11-28T00:00:00Z", "2025-12-01T00:00:00Z") } })]);
    expect(codes(analyzePromotionSet(set), "window_ended")).toEqual([]);
    expect(codes(analyzePromotionSet(set, { now: "2026-01-01T00:00:00Z" }), "window_ended")[0]!.message)
      .toBe(`"Promo old" (old) can never apply again: its window ended 2025-12-01T00:00 Z (2025-12-01T00:00:00Z)`);
  });

  it("reports a window whose dates never fall on its recurring days", () => {
    // 2026-11-24 is a Tuesday; the window ends at the start of Thursday
    const set = promoSet([pct("midweek", 1, 10, {
      conditions: { timeWindow: utcWindow("2026-11-24T00:00:00Z", "2026-11-26T00:00:00Z"), recurring: { days: ["sat", "sun"], from: "10:00", to: "12:00" } },
    })]);
    expect(codes(analyzePromotionSet(set), "window_never_open")[0]!.message)
      .toBe(`"Promo midweek" (midweek) can never apply: its window 2026-11-24T00:00 to 2026-11-26T00:00 (Z) covers only tue, wed, and it runs on sat, sun`);
  });

  it("reports exclusions that exclude everything, by pattern or across the catalog", () => {
    const star = promoSet([pct("none", 1, 10, { exclusions: { skuPatterns: ["*"] } })]);
    expect(codes(analyzePromotionSet(star), "excludes_everything")[0]!.message).toMatch(/its SKU exclusion "\*" excludes every line/);

    const giftOnly = promoSet([promo("gifts", { action: { type: "percent_off", percent: 10, appliesTo: "matching_lines", lines: { anyOfCollections: [SALE] } }, exclusions: { skuPatterns: ["GIFT-*"] } })]);
    const catalog = [
      { sku: "GIFT-25", productId: "p1", collectionIds: [SALE] },
      { sku: "GIFT-50", productId: "p2", collectionIds: [SALE] },
      { sku: "TEE-1", productId: "p3", collectionIds: [SHIRTS] },
    ];
    expect(codes(analyzePromotionSet(giftOnly, { catalog }), "excludes_everything")[0]!.message)
      .toBe(`"Promo gifts" (gifts) can never apply: all 2 catalog variants it targets match its SKU exclusions (GIFT-*)`);
  });
});

describe("stacking findings", () => {
  it("explains one-sided stacksWith under the mutual rule", () => {
    const set = promoSet([pct("a", 1, 10, { stacksWith: ["b"] }), pct("b", 2, 10, { stacksWith: [] })]);
    expect(codes(analyzePromotionSet(set), "one_sided_stacking")).toEqual([{
      severity: "warning",
      code: "one_sided_stacking",
      promotionIds: ["a", "b"],
      message: `"Promo a" (a) lists b in stacksWith, but "Promo b" (b) does not list a: stacking needs both sides, so they never stack; when both are eligible only a applies (chosen before b)`,
    }]);
  });

  it("tells a \"*\" promotion which ones do not reciprocate", () => {
    const set = promoSet([pct("any", 1, 10, { stacksWith: ["*"] }), pct("x", 2, 10, { stacksWith: [] }), pct("y", 3, 10, { stacksWith: ["any"] })]);
    expect(codes(analyzePromotionSet(set), "one_sided_stacking").map((f) => f.message)).toEqual([
      `"Promo any" (any) stacks with "*" (every promotion), but x does not list it: stacking needs both sides, so it never stacks with that one`,
    ]);
  });

  it("reports intransitive stacking with who is dropped", () => {
    const set = promoSet([pct("a", 1, 10, { stacksWith: ["b"] }), pct("b", 2, 10, { stacksWith: ["a", "c"] }), pct("c", 3, 10, { stacksWith: ["b"] })]);
    expect(codes(analyzePromotionSet(set), "intransitive_stacking").map((f) => f.message)).toEqual([
      "b stacks with both a and c, but a and c do not stack: when all three are eligible, a and b apply and c does not",
    ]);
  });

  it.each([
    ["overlapping one-off windows, not stacking", "2026-11-27T00:00:00Z", "2026-11-29T00:00:00Z", [], 1],
    ["back-to-back windows (end is exclusive)", "2026-11-30T00:00:00Z", "2026-12-02T00:00:00Z", [], 0],
    ["overlapping but stacking", "2026-11-27T00:00:00Z", "2026-11-29T00:00:00Z", ["*"], 0],
  ])("windows: %s", (_name, start, end, stacksWith, count) => {
    const set = promoSet([
      pct("bf", 1, 20, { stacksWith: ["*"], conditions: { timeWindow: utcWindow("2026-11-27T00:00:00Z", "2026-11-30T00:00:00Z") } }),
      pct("cm", 2, 25, { stacksWith, conditions: { timeWindow: utcWindow(start, end) } }),
    ]);
    expect(codes(analyzePromotionSet(set), "overlapping_windows")).toHaveLength(count);
  });
});

describe("worst case", () => {
  it("per cart: 15% + 20% = 32%, compounded, against the floor", () => {
    const set = promoSet([pct("p15", 1, 15), pct("p20", 2, 20)], { minPercentOfSubtotal: 40 });
    expect(codes(analyzePromotionSet(set), "worst_case_cart")).toEqual([{
      severity: "info",
      code: "worst_case_cart",
      promotionIds: ["p15", "p20"],
      message: "Worst case per cart: p15 15% + p20 20% = 32% off (compounded); the floor (40% of subtotal) does not bind",
    }]);
  });

  it("warns above the threshold and says when the floor binds", () => {
    const set = promoSet([pct("p40", 1, 40), pct("p30", 2, 30)], { minPercentOfSubtotal: 50 });
    const [finding] = codes(analyzePromotionSet(set), "worst_case_cart");
    expect(finding).toMatchObject({ severity: "warning" });
    expect(finding!.message).toBe("Worst case per cart: p40 40% + p30 30% = 58% off (compounded); the floor (50% of subtotal) holds it to 50% off");
  });

  it("does not stack promotions whose conditions contradict each other", () => {
    const set = promoSet([
      pct("new", 1, 30, { conditions: { customerSegment: "new" } }),
      pct("back", 2, 30, { conditions: { customerSegment: "returning" } }),
      pct("all", 3, 10),
    ]);
    expect(codes(analyzePromotionSet(set), "worst_case_cart")[0]!.message).toBe("Worst case per cart: new 30% + all 10% = 37% off (compounded)");
  });

  it("per SKU, at the unit price, with fixed amounts after percentages", () => {
    const set = promoSet([
      promo("vip", { priority: 1, action: { type: "percent_off", percent: 15, appliesTo: "matching_lines" } }),
      promo("fiver", { priority: 2, action: { type: "fixed_off", amountCents: 500, appliesTo: "matching_lines", lines: { anyOfCollections: [SHIRTS] } } }),
    ]);
    const catalog = [
      { sku: "TEE-1", productId: "p1", collectionIds: [SHIRTS], unitPriceCents: 4000 },
      { sku: "MUG-1", productId: "p2", collectionIds: [], unitPriceCents: 1500 },
    ];
    expect(codes(analyzePromotionSet(set, { catalog }), "worst_case_sku").map((f) => f.message)).toEqual([
      // $40.00 → 15% → $34.00 → −$5.00 → $29.00: 27.5% off
      "Worst case for SKU TEE-1 on a $40.00 unit: vip 15% + fiver $5.00 = 27.5% off",
    ]);
  });

  it("stays bounded on a set built to have many stacks", () => {
    // 16 promotions in 8 mutually exclusive pairs: 2^8 = 256 maximal stacks
    const promotions = Array.from({ length: 16 }, (_, i) => {
      const partner = `p${i ^ 1}`;
      return pct(`p${i}`, i, 5, { stacksWith: Array.from({ length: 16 }, (_, j) => `p${j}`).filter((id) => id !== partner && id !== `p${i}`) });
    });
    const full = codes(analyzePromotionSet(promoSet(promotions)), "worst_case_cart")[0]!;
    expect(full.promotionIds).toHaveLength(8);
    const bounded = codes(analyzePromotionSet(promoSet(promotions), { maxStacks: 10 }), "worst_case_cart")[0]!;
    expect(bounded.message).toMatch(/\(first 10 stacks examined\)$/);
  });
});

describe("the seed set", () => {
  it("gives the findings a merchant should see, errors and warnings first", () => {
    const validated = validatePromotionSet(authoredSet());
    if (!validated.ok) throw new Error("seed must validate");
    const findings = analyzePromotionSet(validated.set, { now: "2026-11-20T00:00:00Z" });
    expect(findings.map((f) => [f.severity, f.code, f.promotionIds.join(" ")])).toEqual([
      ["info", "one_sided_stacking", "shirts-3for2 vip-15 bfcm-20 happy-hour welcome"],
      ["info", "one_sided_stacking", "free-ship happy-hour welcome"],
      ["info", "intransitive_stacking", "vip-15 shirts-3for2 free-ship"],
      ["info", "intransitive_stacking", "bfcm-20 shirts-3for2 free-ship"],
      ["info", "overlapping_windows", "bfcm-20 happy-hour"],
      ["info", "worst_case_cart", "vip-15 bfcm-20"],
    ]);
    const ranks = findings.map((f) => ({ error: 0, warning: 1, info: 2 })[f.severity]);
    expect([...ranks].sort()).toEqual(ranks);
  });

  it("is deterministic and independent of the order promotions are listed in", () => {
    const validated = validatePromotionSet(authoredSet());
    if (!validated.ok) throw new Error("seed must validate");
    const forward = analyzePromotionSet(validated.set);
    const reversed = analyzePromotionSet({ ...validated.set, promotions: [...validated.set.promotions].reverse() });
    expect(reversed).toEqual(forward);
  });
});
