import { describe, expect, it } from "vitest";
import { readAtp, validateAtpValue } from "~/domain/inventory/atp-metafield";
import { METAFIELDS_PER_CALL, metafieldBatches, planPublication, type PublishVariant } from "~/domain/inventory/publish";

const T = Date.parse("2026-11-27T05:00:00Z");
const variant = (n: number, bk: number, ch: number, confirmedAt = T): PublishVariant => ({
  variantId: `gid://shopify/ProductVariant/${String(n).padStart(4, "0")}`,
  levels: [
    { locationKey: "70100000001", atp: bk, sellsOnline: true, confirmedAt },
    { locationKey: "70100000002", atp: ch, sellsOnline: true, confirmedAt: confirmedAt - 30_000 },
    { locationKey: "70100000003", atp: 99, sellsOnline: false, confirmedAt },
  ],
});
const OPTIONS = { refreshAfterMs: 3_600_000, byLocation: true };

describe("what is published", () => {
  it("the value follows the shared contract: total over online locations, negatives as 0, asOf = the oldest confirmation", () => {
    const plan = planPublication([variant(1, 5, -2)], new Map(), OPTIONS);
    const value = plan.writes[0]!.value;
    expect(validateAtpValue(value)).toEqual([]);
    expect(JSON.parse(value)).toEqual({ v: 1, asOf: Math.floor((T - 30_000) / 1000), total: 5, byLocation: { "70100000001": 5, "70100000002": 0 } });
    expect(readAtp(value)?.total).toBe(5);
  });

  it("a one-location shop publishes no byLocation", () => {
    const plan = planPublication([variant(1, 5, 1)], new Map(), { ...OPTIONS, byLocation: false });
    expect(JSON.parse(plan.writes[0]!.value)).not.toHaveProperty("byLocation");
  });
});

describe("only variants whose ATP changed", () => {
  const variants = Array.from({ length: 60 }, (_, i) => variant(i, 10 + i, 3));
  const first = planPublication(variants, new Map(), OPTIONS);
  const published = new Map(first.writes.map((w) => [w.variantId, { hash: w.hash, asOf: w.asOf }]));

  it("first run: every variant is new", () => {
    expect(first.writes).toHaveLength(60);
    expect(first.writes.every((w) => w.reason === "new")).toBe(true);
  });

  it("same figures, confirmed a few minutes later: nothing to write", () => {
    const later = variants.map((v) => ({ ...v, levels: v.levels.map((l) => ({ ...l, confirmedAt: l.confirmedAt + 5 * 60_000 })) }));
    expect(planPublication(later, published, OPTIONS)).toMatchObject({ writes: [], unchanged: 60 });
  });

  it("two variants changed: exactly those two are written", () => {
    const changed = variants.map((v, i) => (i === 7 || i === 41 ? variant(i, 0, 3) : v));
    const plan = planPublication(changed, published, OPTIONS);
    expect(plan.writes.map((w) => [w.variantId, w.reason])).toEqual([
      [variants[7]!.variantId, "changed"],
      [variants[41]!.variantId, "changed"],
    ]);
  });

  it("unchanged figures re-confirmed past the refresh interval are written again (asOf must move)", () => {
    const reconfirmed = variants.map((v) => ({ ...v, levels: v.levels.map((l) => ({ ...l, confirmedAt: l.confirmedAt + 2 * 3_600_000 })) }));
    const plan = planPublication(reconfirmed, published, OPTIONS);
    expect(plan.writes).toHaveLength(60);
    expect(plan.writes.every((w) => w.reason === "reconfirmed")).toBe(true);
  });
});

describe("batches of 25", () => {
  it.each([
    [0, []],
    [1, [1]],
    [25, [25]],
    [26, [25, 1]],
    [60, [25, 25, 10]],
  ])("%i writes → calls of %j", (n, sizes) => {
    const plan = planPublication(Array.from({ length: n }, (_, i) => variant(i, 1, 1)), new Map(), OPTIONS);
    const batches = metafieldBatches(plan.writes);
    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(METAFIELDS_PER_CALL).toBe(25);
    for (const batch of batches) for (const input of batch) expect(input).toMatchObject({ namespace: "$app:peakguard", key: "atp", type: "json" });
  });
});
