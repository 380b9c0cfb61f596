/**
 * Which promotions an order used, and how much of its discount each took, from the order's
 * discount applications and their allocations (Shopify's record of what applied), and the
 * counters the discount Function reads for caps:
 *   customer metafield $app:peakguard.promotion_uses     { [promotionId]: orders that used it }
 *   discount metafield $app:peakguard.promotion_budget   { [promotionId]: minor units given }
 *
 * The mapping is the candidate message (messages.ts): an automatic discount application whose
 * title (else description) parses as a promotion message names our promotions. An application
 * that names several promotions is split among them by largest remainder: by the amounts the
 * message states, else evenly. Pure: the service (app/services/promotions/counters.server.ts)
 * reads the payload and the database.
 */
import { prorate } from "../money";
import { parsePromotionMessage } from "./messages";
import type { PromotionSet } from "./types";

export interface OrderDiscountApplication {
  /** Position in the order's discount_applications (what allocations point at). */
  index: number;
  /** "automatic", "discount_code", "manual", "script". */
  type: string | null;
  title: string | null;
  description: string | null;
}

export interface OrderDiscountAllocation {
  applicationIndex: number;
  /** Shop currency, minor units. */
  amountCents: number;
}

export interface PromotionShare {
  promotionId: string;
  /** Shop currency, minor units. */
  amountCents: number;
}

/**
 * The promotions an order's discount applications name, each with its share of what was
 * allocated (line items and shipping lines together), summed per promotion, sorted by id.
 * Only automatic applications count (our discount is an automatic app discount; a code a
 * merchant named like a promotion is not ours). `exponent` is the presentment currency's
 * minor-unit exponent, for the amounts a message states.
 */
export function promotionShares(
  applications: readonly OrderDiscountApplication[],
  allocations: readonly OrderDiscountAllocation[],
  exponent = 2
): PromotionShare[] {
  const allocated = new Map<number, number>();
  for (const a of allocations) allocated.set(a.applicationIndex, (allocated.get(a.applicationIndex) ?? 0) + a.amountCents);
  const byPromotion = new Map<string, number>();
  for (const app of applications) {
    if (app.type !== "automatic") continue;
    const parts = parsePromotionMessage(app.title, exponent) ?? parsePromotionMessage(app.description, exponent);
    if (parts === null) continue;
    const total = allocated.get(app.index) ?? 0;
    const stated = parts.every((p) => p.amountCents !== undefined);
    const shares = prorate(total, parts.map((p) => (stated ? p.amountCents! : 1)));
    parts.forEach((p, k) => byPromotion.set(p.promotionId, (byPromotion.get(p.promotionId) ?? 0) + shares[k]!));
  }
  return [...byPromotion.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([promotionId, amountCents]) => ({ promotionId, amountCents }));
}

/** The ids of a set's promotions with a per-customer cap (what promotion_uses needs to carry). */
export function perCustomerCapped(set: PromotionSet): string[] {
  return set.promotions.filter((p) => p.caps.perCustomerUses !== undefined).map((p) => p.id);
}

/** The ids of a set's promotions with a total budget (what promotion_budget needs to carry). */
export function budgeted(set: PromotionSet): string[] {
  return set.promotions.filter((p) => p.caps.totalBudgetCents !== undefined).map((p) => p.id);
}

/**
 * A counter metafield's value: every id listed, 0 when nothing was counted (an id missing from
 * the value reads as 0 too, but listing it says the app counted it), keys sorted.
 */
export function counterValue(ids: readonly string[], counts: ReadonlyMap<string, number>): string {
  const out: Record<string, number> = {};
  for (const id of [...new Set(ids)].sort()) out[id] = counts.get(id) ?? 0;
  return JSON.stringify(out);
}
