/** The seed's spring sale as the Function sees it: the cart and options the fixtures and tests share. */
import { HOODIES, SHOP_ZONE, TEES, springSeedSet } from "../../../tests/domain/promotions/seed-set";
import { compiled, type InputLine, type InputOptions } from "./inputs";

/** A spring cart: a hoodie, two tees, a gift card, a clearance tee and a mug. */
export const SPRING_CART: InputLine[] = [
  { quantity: 1, cents: 6000, sku: "HOOD-GRY-M", collections: [HOODIES] },
  { quantity: 2, cents: 5000, sku: "TEE-WHT-L", collections: [TEES] },
  { quantity: 1, cents: 5000, sku: "GC-50", collections: [] },
  { quantity: 1, cents: 2000, sku: "TEE-OLD-S-CLR", collections: [TEES] },
  { quantity: 1, cents: 1500, sku: "MUG-1", collections: [] },
];
export const SHIPPING = [{ handle: "standard", cents: 695 }, { handle: "express", cents: 1995 }];

export function springOptions(overrides: Partial<InputOptions> = {}): InputOptions {
  return {
    lines: SPRING_CART,
    config: compiled(springSeedSet(), SHOP_ZONE).config,
    now: "2026-03-10T12:00:00",
    customer: null,
    country: "US",
    channel: "web",
    ...overrides,
  };
}

