/**
 * Seeded generators for promotion sets and carts as both sides see them: the admin (full set,
 * CartContext with GIDs and a wall clock) and the discount Function (compiled wire set and the
 * input its query returns). Used by the equivalence property test.
 */
import { compileForFunction, type FunctionConfig } from "~/domain/promotions/compile";
import { zonedToUtc, clockAt } from "~/domain/promotions/time-admin";
import type { CartContext, PromotionSet } from "~/domain/promotions/types";
import { validatePromotionSet } from "~/domain/promotions/validate";

import { functionInput, type InputLine, type InputOptions } from "../../extensions/promotion-stacking/tests/inputs";
import { prng } from "../domain/promotions/fixtures";

export const ZONE = "America/New_York";
export const COLLECTIONS = ["gid://shopify/Collection/71", "gid://shopify/Collection/72", "gid://shopify/Collection/73", "gid://shopify/Collection/74"];
const WINDOWS: [string, string, string][] = [
  ["2026-11-27T00:00", "2026-11-28T00:00", ZONE],
  ["2026-11-27T09:00", "2026-11-27T12:00", "-05:00"],
  ["2026-11-26T12:00", "2026-11-27T10:30", "Europe/Berlin"],
  ["2026-12-01T00:00", "2026-12-02T00:00", ZONE],
];
/**
 * Shop-local wall times the carts are evaluated at: none in a repeated DST hour, and none at
 * 23:59:59 (a recurring window "to 24:00" asks shop.localTime up to 23:59:59 exclusive, so the
 * Function loses that last second; function.test.ts pins it).
 */
export const NOWS = ["2026-11-27T09:00:00", "2026-11-27T10:29:59", "2026-11-27T10:30:00", "2026-11-27T18:30:00", "2026-11-28T23:59:58", "2026-12-01T12:00:00"];
const SKUS = ["TEE-1", "tee-2", "GC-25", "gc-100", "HOOD-9-CLR", "MUG", "TEE-A-X", "PG-77"];

export interface Generated {
  set: PromotionSet;
  config: FunctionConfig;
}

/** A random valid set the Function can run (no product filters, no market handles). */
export function randomSet(seed: number): Generated {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const some = <T>(xs: readonly T[]): T[] => {
    const out = xs.filter(() => r() < 0.4);
    return out.length > 0 ? out : [pick(xs)];
  };
  const count = 1 + Math.floor(r() * 7);
  const ids = Array.from({ length: count }, (_, i) => `p${i}`);
  const promotions = ids.map((id) => {
    const conditions: Record<string, unknown> = {};
    if (r() < 0.2) conditions.customerSegment = pick(["new", "returning", "any"]);
    if (r() < 0.2) conditions.customerTags = { anyOf: some(["vip", "Staff", "wholesale"]) };
    if (r() < 0.25) conditions.markets = { countryCodes: some(["US", "CA", "DE"]) };
    if (r() < 0.2) conditions.channels = some(["online", "web", "pos"]);
    if (r() < 0.4) conditions.cartContains = { anyOfCollections: some(COLLECTIONS) };
    if (r() < 0.35) conditions.minSubtotalCents = pick([1000, 5000, 12000]);
    if (r() < 0.3) {
      const [start, end, zone] = pick(WINDOWS);
      conditions.timeWindow = { start, end, zone };
    }
    if (r() < 0.15) conditions.recurring = r() < 0.5 ? { days: some(["thu", "fri", "sat"]), from: "09:00", to: "18:00" } : { from: "10:00", to: "24:00" };
    const kind = r();
    const action = kind < 0.35
      ? { type: "percent_off", percent: pick([5, 10, 12.5, 15, 20, 50, 100]), appliesTo: r() < 0.3 ? "order" : "matching_lines",
          ...(r() < 0.25 ? { lines: { anyOfCollections: some(COLLECTIONS) } } : {}) }
      : kind < 0.6
        ? { type: "fixed_off", amountCents: pick([100, 500, 1000, 2500]), appliesTo: r() < 0.5 ? "order" : "matching_lines" }
        : kind < 0.8
          ? { type: "free_shipping" }
          : { type: "buy_x_get_y", buy: { quantity: pick([1, 2]), ...(r() < 0.5 ? { anyOfCollections: some(COLLECTIONS) } : {}) },
              get: { quantity: 1, percent: pick([50, 100]), ...(r() < 0.5 ? { anyOfCollections: some(COLLECTIONS) } : {}) },
              ...(r() < 0.5 ? { maxApplications: pick([1, 2]) } : {}) };
    if ((action as { appliesTo?: string }).appliesTo === "order") delete (action as { lines?: unknown }).lines;
    const caps: Record<string, number> = {};
    if (r() < 0.2) caps.maxDiscountCents = pick([300, 2000]);
    if (r() < 0.15) caps.maxDiscountPercent = pick([10, 30]);
    if (r() < 0.1) caps.perCustomerUses = 1;
    if (r() < 0.1) caps.totalBudgetCents = pick([5000, 100000]);
    const stacks = r();
    return {
      id,
      name: `Promotion ${id}`,
      enabled: r() < 0.9,
      priority: Math.floor(r() * 5) * 10,
      stacksWith: stacks < 0.3 ? ["*"] : stacks < 0.6 ? ids.filter((other) => other !== id && r() < 0.6) : [],
      conditions,
      action,
      exclusions: { skuPatterns: r() < 0.4 ? some(["GC-*", "*-CLR", "tee-?-*", "MUG"]) : [] },
      caps,
    };
  });
  const authored = {
    schemaVersion: 1,
    currencyCode: "USD",
    floor: { minPercentOfSubtotal: pick([0, 0, 30, 60]), allowFreeOrder: r() < 0.2 },
    promotions,
  };
  const validated = validatePromotionSet(authored);
  if (!validated.ok) throw new Error(`seed ${seed}: ${JSON.stringify(validated.errors)}`);
  const compiled = compileForFunction(validated.set, ZONE);
  if (!compiled.ok) throw new Error(`seed ${seed}: ${JSON.stringify(compiled.errors)}`);
  return { set: validated.set, config: compiled.config };
}

export interface GeneratedCart {
  options: InputOptions;
  admin: CartContext;
  delivery: boolean;
}

/** A random cart, as the Function's input options and as the admin's CartContext. */
export function randomCart(seed: number, config: FunctionConfig): GeneratedCart {
  const r = prng(seed * 7919 + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const lines: InputLine[] = Array.from({ length: Math.floor(r() * 9) }, () => {
    const custom = r() < 0.08;
    const quantity = 1 + Math.floor(r() * 4);
    return {
      quantity,
      cents: quantity * (50 + Math.floor(r() * 9000)),
      sku: custom ? null : r() < 0.1 ? null : pick(SKUS),
      collections: custom ? [] : COLLECTIONS.filter(() => r() < 0.35),
      custom,
    };
  });
  const guest = r() < 0.25;
  const uses: Record<string, number> | undefined = r() < 0.6 ? (r() < 0.5 ? {} : { p0: 1, p1: 2 }) : undefined;
  const customer: InputOptions["customer"] = guest ? null : { orders: pick([0, 1, 5]), tags: r() < 0.5 ? ["VIP"] : r() < 0.5 ? ["staff"] : [], ...(uses ? { uses } : {}) };
  const country = pick(["US", "CA", "DE", "FR"]);
  const pos = r() < 0.1;
  const channel = r() < 0.3 ? pick(["web", "ios", "Online", "pos"]) : null;
  const now = pick(NOWS);
  const delivery = r() < 0.5;
  const options = delivery ? [{ handle: "standard", cents: pick([0, 695, 1200]) }, { handle: "express", cents: 1995 }] : null;
  const budgetUsed = r() < 0.5 ? { p0: 4000, p2: 120000 } : null;
  const opts: InputOptions = {
    lines,
    config,
    now,
    customer,
    country,
    channel,
    pos,
    ...(budgetUsed ? { budgetUsed } : {}),
    ...(delivery ? { delivery: options, selected: "standard" } : {}),
  };
  const utc = zonedToUtc(now, ZONE);
  if (!utc.ok) throw new Error(utc.message);
  const admin: CartContext = {
    lines: lines.map((l, i) => ({
      id: `gid://shopify/CartLine/${i}`,
      quantity: l.quantity,
      subtotalCents: l.cents,
      sku: l.custom ? null : (l.sku ?? null),
      collectionIds: [...(l.collections ?? [])],
    })),
    customer: customer ? { id: "gid://shopify/Customer/7001", numberOfOrders: customer.orders, tags: [...(customer.tags ?? [])] } : null,
    countryCode: country,
    channel,
    isPos: pos,
    now: clockAt(utc.epochSeconds, ZONE),
    ...(customer?.uses ? { customerUses: customer.uses } : {}),
    ...(budgetUsed ? { budgetUsed } : {}),
    ...(delivery ? { deliveryOptions: options!.map((o) => ({ handle: o.handle, costCents: o.cents, selected: o.handle === "standard" })) } : {}),
  };
  return { options: opts, admin, delivery };
}

export { functionInput };
