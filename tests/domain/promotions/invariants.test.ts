/**
 * Property-style: random sets and carts from a seeded PRNG, so every run sees
 * the same 600 cases; the invariants hold for all of them.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "~/domain/promotions/evaluate";
import type { Action, CartContext, Promotion, PromotionSet } from "~/domain/promotions/types";
import { stacks } from "~/domain/promotions/util";
import { prng } from "./fixtures";

const COLLECTIONS = ["c1", "c2", "c3"];
const PRODUCTS = ["p1", "p2", "p3", "p4"];

function generate(seed: number): { set: PromotionSet; cart: CartContext } {
  const r = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const some = <T,>(xs: readonly T[]): T[] => xs.filter(() => r() < 0.4);
  const chance = (p: number) => r() < p;

  const lineCount = int(0, 8);
  const lines = Array.from({ length: lineCount }, (_, i) => {
    const quantity = int(1, 4);
    return {
      id: `gid://shopify/CartLine/${i}`,
      quantity,
      subtotalCents: quantity * int(0, 20000),
      productId: pick(PRODUCTS),
      sku: chance(0.2) ? `sku_giftcard_${i}` : `SKU-${i}`,
      collectionIds: some(COLLECTIONS),
    };
  });

  const ids = Array.from({ length: int(1, 7) }, (_, i) => `promo-${i}`);
  const action = (): Action => {
    const appliesTo = chance(0.5) ? "order" : "matching_lines";
    const lines = chance(0.5) ? { lines: { anyOfCollections: some(COLLECTIONS), anyOfProducts: some(PRODUCTS) } } : {};
    const allowFreeOrder = chance(0.3) ? { allowFreeOrder: true } : {};
    switch (int(0, 3)) {
      case 0:
        return { type: "percent_off", percent: pick([5, 10, 12.5, 15, 20, 33.33, 50, 100]), appliesTo, ...(appliesTo === "order" ? {} : lines), ...allowFreeOrder };
      case 1:
        return { type: "fixed_off", amountCents: int(1, 15000), appliesTo, ...(appliesTo === "order" ? {} : lines), ...allowFreeOrder };
      case 2:
        return {
          type: "buy_x_get_y",
          buy: { quantity: int(1, 3), anyOfCollections: some(COLLECTIONS) },
          get: { quantity: int(1, 2), percent: pick([50, 100]), anyOfCollections: some(COLLECTIONS) },
          ...(chance(0.5) ? { maxApplications: int(1, 3) } : {}),
          ...allowFreeOrder,
        };
      default:
        return { type: "free_shipping" };
    }
  };
  const promotions: Promotion[] = ids.map((id) => ({
    id,
    name: id,
    enabled: chance(0.9),
    priority: int(0, 4),
    stacksWith: chance(0.3) ? ["*"] : ids.filter((other) => other !== id && chance(0.5)),
    conditions: {
      ...(chance(0.3) ? { minSubtotalCents: int(0, 30000) } : {}),
      ...(chance(0.2) ? { customerSegment: pick(["new", "returning", "any"] as const) } : {}),
      ...(chance(0.2) ? { channels: some(["online", "pos", "b2b"]) } : {}),
    },
    action: action(),
    exclusions: { skuPatterns: chance(0.4) ? ["sku_giftcard_*"] : [] },
    caps: {
      ...(chance(0.3) ? { maxDiscountCents: int(1, 10000) } : {}),
      ...(chance(0.3) ? { maxDiscountPercent: pick([5, 10, 25, 50]) } : {}),
      ...(chance(0.2) ? { totalBudgetCents: int(0, 20000) } : {}),
      ...(chance(0.2) ? { perCustomerUses: int(1, 2) } : {}),
    },
  }));

  const set: PromotionSet = {
    schemaVersion: 1,
    currencyCode: "USD",
    floor: { minPercentOfSubtotal: pick([0, 0, 10, 33.33, 50, 80]), allowFreeOrder: chance(0.5) },
    promotions,
  };
  const cart: CartContext = {
    lines,
    customer: chance(0.7) ? { id: "c", numberOfOrders: int(0, 3), tags: [] } : null,
    channel: pick([null, "b2b"]),
    isPos: chance(0.2),
    deliveryOptions: chance(0.6) ? [{ handle: "standard", costCents: int(0, 2000) }, { handle: "express", costCents: int(0, 4000) }] : [],
    customerUses: Object.fromEntries(ids.map((id) => [id, int(0, 2)])),
    budgetUsed: Object.fromEntries(ids.map((id) => [id, int(0, 20000)])),
  };
  return { set, cart };
}

const CASES = 600;

describe("invariants over generated sets and carts", () => {
  it("never breaches the floor, never discounts a line below zero, and the parts always add up", () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const { set, cart } = generate(seed);
      const result = evaluate(set, cart);
      const subtotal = cart.lines.reduce((s, l) => s + l.subtotalCents, 0);
      const where = `seed ${seed}`;

      // the floor: total ≤ subtotal × (1 − floor%), and never free unless allowed
      const maxByFloor = subtotal - Math.ceil((subtotal * set.floor.minPercentOfSubtotal) / 100 - 1e-9);
      expect(result.totalDiscountCents, where).toBeLessThanOrEqual(maxByFloor);
      const freeAllowed = set.floor.allowFreeOrder && set.promotions.some((p) =>
        result.explanations.find((e) => e.promotionId === p.id)?.selected && "allowFreeOrder" in p.action && p.action.allowFreeOrder);
      if (subtotal > 0 && !freeAllowed) expect(result.totalDiscountCents, where).toBeLessThan(subtotal);

      // every line: discounts are positive integers and never exceed the line
      for (const l of cart.lines) {
        const taken = result.lineDiscounts.filter((d) => d.lineId === l.id);
        for (const d of taken) expect(Number.isInteger(d.amountCents) && d.amountCents > 0, where).toBe(true);
        expect(taken.reduce((s, d) => s + d.amountCents, 0), where).toBeLessThanOrEqual(l.subtotalCents);
      }

      // the parts add up: per promotion, per order discount, in total
      expect(result.lineDiscounts.reduce((s, d) => s + d.amountCents, 0), where).toBe(result.totalDiscountCents);
      for (const e of result.explanations) {
        const p = set.promotions.find((x) => x.id === e.promotionId)!;
        if (p.action.type === "free_shipping") continue;
        const parts = result.lineDiscounts.filter((d) => d.promotionId === e.promotionId).reduce((s, d) => s + d.amountCents, 0);
        expect(parts, `${where} ${e.promotionId}`).toBe(e.amountCents);
        if (p.caps.maxDiscountCents !== undefined) expect(e.amountCents, where).toBeLessThanOrEqual(p.caps.maxDiscountCents);
      }
      for (const o of result.orderDiscounts) {
        const parts = result.lineDiscounts.filter((d) => d.promotionId === o.promotionId && d.level === "order");
        expect(parts.reduce((s, d) => s + d.amountCents, 0), where).toBe(o.amountCents);
      }

      // shipping: per option, never more than its cost
      for (const option of cart.deliveryOptions ?? []) {
        const taken = result.shippingDiscounts.filter((d) => d.handle === option.handle).reduce((s, d) => s + d.amountCents, 0);
        expect(taken, where).toBeLessThanOrEqual(option.costCents);
      }

      // one explanation per promotion; everything selected stacks pairwise
      expect(result.explanations.map((e) => e.promotionId).sort(), where).toEqual(set.promotions.map((p) => p.id).sort());
      const selected = set.promotions.filter((p) => result.explanations.find((e) => e.promotionId === p.id)!.selected);
      for (const a of selected) for (const b of selected) if (a !== b) expect(stacks(a, b), where).toBe(true);
    }
  });

  it("matches lines the same way when the set names too many collections for the bit index", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { set, cart } = generate(seed);
      // a disabled promotion naming 31 more collections turns the bit index off
      const wide: Promotion = {
        id: "zz-wide", name: "wide", enabled: false, priority: 99, stacksWith: [],
        conditions: { cartContains: { anyOfCollections: Array.from({ length: 31 }, (_, i) => `wide-${i}`) } },
        action: { type: "free_shipping" }, exclusions: { skuPatterns: [] }, caps: {},
      };
      const indexed = evaluate(set, cart);
      const plain = evaluate({ ...set, promotions: [...set.promotions, wide] }, cart);
      expect({ ...plain, explanations: plain.explanations.filter((e) => e.promotionId !== "zz-wide") }, `seed ${seed}`).toEqual(indexed);
    }
  });

  it("is deterministic and does not depend on the order promotions are listed in", () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const { set, cart } = generate(seed);
      const first = evaluate(set, cart);
      expect(evaluate(set, cart), `seed ${seed}`).toEqual(first);
      const r = prng(seed * 7919);
      const shuffled = [...set.promotions];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(evaluate({ ...set, promotions: shuffled }, cart), `seed ${seed}`).toEqual(first);
    }
  });
});
