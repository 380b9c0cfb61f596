/** Builders for promotion tests: a promotion is complete with every default spelled out once, here. */
import type { CartContext, CartLineInput, Promotion, PromotionSet } from "~/domain/promotions/types";

export function promo(id: string, overrides: Partial<Promotion> = {}): Promotion {
  return {
    id,
    name: overrides.name ?? `Promo ${id}`,
    enabled: true,
    priority: 10,
    stacksWith: ["*"],
    conditions: {},
    action: { type: "percent_off", percent: 10, appliesTo: "matching_lines" },
    exclusions: { skuPatterns: [] },
    caps: {},
    ...overrides,
  };
}

export function promoSet(promotions: Promotion[], floor: Partial<PromotionSet["floor"]> = {}): PromotionSet {
  return {
    schemaVersion: 1,
    currencyCode: "USD",
    floor: { minPercentOfSubtotal: 0, allowFreeOrder: false, ...floor },
    promotions,
  };
}

export function line(id: string, subtotalCents: number, extra: Partial<CartLineInput> = {}): CartLineInput {
  return { id, quantity: 1, subtotalCents, productId: `product-${id}`, sku: `SKU-${id}`, collectionIds: [], ...extra };
}

export function cart(lines: CartLineInput[], extra: Partial<CartContext> = {}): CartContext {
  return { lines, customer: null, ...extra };
}

/** mulberry32: a small seeded PRNG, so "random" cases repeat exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
