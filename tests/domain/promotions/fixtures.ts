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

/** The emulator's seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export { prng } from "../../../emulator/ids";
