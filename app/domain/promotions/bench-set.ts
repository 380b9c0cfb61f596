/**
 * A deterministic peak-season promotion calendar, for the discount Function's benchmark
 * (extensions/promotion-stacking/bench.ts) and tests: `benchPromotions(n)` gives the first n
 * of 50 promotions a merchant might run through BFCM week, authored as merchants write them
 * (validatePromotionSet compiles the windows). Shaped like real sets, not to flatter the
 * numbers: most promotions are timed flash deals (8 distinct windows, one open at the
 * benchmark's "now"), some are for other countries, customer groups or channels, a few
 * stack. Four collections. At BENCH_NOW, for a signed-in returning VIP in the US on the
 * online store, about a fifth of them pass their conditions.
 */
import type { Promotion } from "./types";

export const BENCH_COLLECTIONS = {
  hoodies: "gid://shopify/Collection/410001",
  tees: "gid://shopify/Collection/410002",
  sale: "gid://shopify/Collection/410003",
  accessories: "gid://shopify/Collection/410004",
} as const;
export const BENCH_SHOP_ZONE = "America/New_York";
/** Shop-local wall time of the benchmark: Black Friday, 10:30. */
export const BENCH_NOW = "2026-11-27T10:30:00";

const { hoodies, tees, sale, accessories } = BENCH_COLLECTIONS;
const ZONE = BENCH_SHOP_ZONE;

/** The eight flash windows of the week; index 2 (Friday morning) contains BENCH_NOW. */
const FLASH: readonly [string, string][] = [
  ["2026-11-25T09:00", "2026-11-25T21:00"],
  ["2026-11-26T18:00", "2026-11-27T06:00"],
  ["2026-11-27T06:00", "2026-11-27T14:00"],
  ["2026-11-27T14:00", "2026-11-28T00:00"],
  ["2026-11-28T00:00", "2026-11-29T00:00"],
  ["2026-11-29T00:00", "2026-11-30T00:00"],
  ["2026-11-30T00:00", "2026-12-01T00:00"],
  ["2026-12-01T00:00", "2026-12-02T00:00"],
];
const COLLECTIONS = [hoodies, tees, sale, accessories];
const COUNTRIES = [["DE", "AT"], ["FR", "BE"], ["GB"], ["AU", "NZ"], ["JP"]];

function base(id: string, priority: number, rest: Partial<Promotion>): Promotion {
  return {
    id,
    name: id,
    enabled: true,
    priority,
    stacksWith: [],
    conditions: {},
    action: { type: "percent_off", percent: 10, appliesTo: "matching_lines" },
    exclusions: { skuPatterns: ["GC-*"] },
    caps: {},
    ...rest,
  };
}

/** The 50 promotions, the season's staples first (a one-promotion set is the spring sale alone). */
function calendar(): Promotion[] {
  const out: Promotion[] = [
    base("spring15", 100, {
      stacksWith: ["ship-50", "vip5", "off10-100"],
      conditions: { markets: { countryCodes: ["US", "CA"] }, cartContains: { anyOfCollections: [hoodies, tees] }, minSubtotalCents: 5000,
        timeWindow: { start: FLASH[2]![0], end: FLASH[2]![1], zone: ZONE } as never },
      action: { type: "percent_off", percent: 15, appliesTo: "matching_lines" },
      exclusions: { skuPatterns: ["GC-*", "*-CLR"] },
    }),
    base("ship-50", 900, { stacksWith: ["*"], conditions: { minSubtotalCents: 5000 }, action: { type: "free_shipping" }, exclusions: { skuPatterns: [] } }),
    base("vip5", 300, { stacksWith: ["*"], conditions: { customerTags: { anyOf: ["vip"] } }, action: { type: "percent_off", percent: 5, appliesTo: "order" }, caps: { maxDiscountCents: 5000 } }),
    base("bxgy-tee", 200, {
      stacksWith: ["ship-50", "vip5"],
      action: { type: "buy_x_get_y", buy: { quantity: 2, anyOfCollections: [tees] }, get: { quantity: 1, percent: 50, anyOfCollections: [tees] }, maxApplications: 3 },
    }),
    base("off10-100", 400, { stacksWith: ["ship-50", "vip5", "spring15"], conditions: { minSubtotalCents: 10000 }, action: { type: "fixed_off", amountCents: 1000, appliesTo: "order" } }),
    base("welcome", 50, { conditions: { customerSegment: "new" }, action: { type: "percent_off", percent: 10, appliesTo: "order" }, caps: { perCustomerUses: 1 } }),
    base("happy-hr", 350, {
      stacksWith: ["ship-50"],
      conditions: { channels: ["online"], recurring: { days: ["fri", "sat"], from: "18:00", to: "21:00" } },
      action: { type: "fixed_off", amountCents: 500, appliesTo: "order" },
    }),
    base("pos-only", 360, { conditions: { channels: ["pos"] }, action: { type: "percent_off", percent: 10, appliesTo: "order" } }),
  ];
  // Flash deals: a collection, a window, a percentage; each stacks with free shipping only.
  for (let k = 0; out.length < 38; k++) {
    const window = FLASH[k % FLASH.length]!;
    out.push(base(`flash-${k}`, 500 + k, {
      stacksWith: ["ship-50"],
      conditions: { timeWindow: { start: window[0], end: window[1], zone: ZONE } as never, cartContains: { anyOfCollections: [COLLECTIONS[k % COLLECTIONS.length]!] } },
      action: { type: "percent_off", percent: 10 + (k % 4) * 5, appliesTo: "matching_lines" },
      caps: k % 3 === 0 ? { maxDiscountCents: 10000 } : {},
    }));
  }
  // Other countries' deals.
  for (let k = 0; out.length < 46; k++) {
    out.push(base(`intl-${k}`, 600 + k, {
      stacksWith: ["ship-50"],
      conditions: { markets: { countryCodes: COUNTRIES[k % COUNTRIES.length]! }, minSubtotalCents: 4000 + k * 1000 },
      action: k % 2 === 0 ? { type: "percent_off", percent: 10, appliesTo: "order" } : { type: "fixed_off", amountCents: 800, appliesTo: "order" },
    }));
  }
  // Customer groups.
  for (let k = 0; out.length < 50; k++) {
    out.push(base(`group-${k}`, 700 + k, {
      stacksWith: ["ship-50"],
      conditions: { customerTags: { anyOf: [["wholesale"], ["staff"], ["ambassador", "creator"], ["student"]][k % 4]! } },
      action: { type: "percent_off", percent: 20, appliesTo: "matching_lines", lines: { anyOfCollections: [accessories, sale] } },
    }));
  }
  return out;
}

/** The first `count` promotions of the calendar (1 ≤ count ≤ 50), authored (windows not yet compiled). */
export function benchPromotions(count: number): Record<string, unknown> {
  const promotions = calendar().slice(0, count);
  // stacksWith may only name promotions that are in the set
  const ids = new Set(promotions.map((p) => p.id));
  for (const p of promotions) p.stacksWith = p.stacksWith.filter((id) => id === "*" || ids.has(id));
  return { schemaVersion: 1, currencyCode: "USD", floor: { minPercentOfSubtotal: 30, allowFreeOrder: false }, promotions };
}
