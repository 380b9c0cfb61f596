/**
 * Builders for checkout-rule tests: a rule set, a cart in the function's input shape, and
 * clocks. Defaults: English, checkout completion, USD, a guest, no address.
 */
import { compactFigure } from "~/domain/inventory/atp-metafield";
import { exactClock } from "~/domain/validation/clock";
import type { BuyerJourneyStep, CheckoutInput, Clock, DeliveryAddressInput, Rule, RuleSet } from "~/domain/validation/types";

export const NOW_UTC = 1795791600; // 2026-11-27T15:00:00Z
export const NOW_LOCAL = "2026-11-27T10:00:00"; // America/New_York

export function ruleSet(rules: Rule[], extra: Partial<RuleSet> = {}): RuleSet {
  return {
    schemaVersion: 1,
    currencyCode: "USD",
    failureMode: "open",
    labels: { "HD-BLK-M": "Hoodie — Black / M", "HD-BLK-L": "Hoodie — Black / L", "CAP-1": "Drop Cap" },
    rules,
    ...extra,
  };
}

/** A line; `atp` a figure as the variant has it ({ v, asOf, total, byLocation }): cart() puts it in the validation's ATP copy. */
export type Line = [sku: string | null, quantity: number, atp?: unknown];

/**
 * The validation's ATP copy (validation.stock) for these lines' figures, as the app writes
 * it (compactFigure: t SKU → total × 10^10 + asOf, l location → SKU → n × 10^10 + asOf; a
 * negative total is written as 0).
 */
export function stockFor(lines: readonly Line[]): { v: 1; t: Record<string, number>; l?: Record<string, Record<string, number>> } | null {
  const t: Record<string, number> = {};
  const l: Record<string, Record<string, number>> = {};
  let any = false;
  for (const [s, , atp] of lines) {
    if (s === null || atp === undefined || atp === null) continue;
    const f = atp as { asOf: number; total: number; byLocation?: Record<string, number> };
    any = true;
    t[s] = compactFigure(f.total, f.asOf);
    for (const [loc, n] of Object.entries(f.byLocation ?? {})) (l[loc] ??= {})[s] = compactFigure(n, f.asOf);
  }
  return any ? { v: 1, t, ...(Object.keys(l).length > 0 ? { l } : {}) } : null;
}

export interface CartOptions {
  step?: BuyerJourneyStep | null;
  language?: string;
  /** undefined = guest; null limits = customer without a published count. */
  customer?: { limits: unknown } | null;
  addresses?: (DeliveryAddressInput | null)[];
  subtotal?: string;
  currencyCode?: string;
  rate?: string;
}

export function cart(lines: Line[], options: CartOptions = {}): CheckoutInput {
  return {
    buyerJourney: { step: options.step === undefined ? "CHECKOUT_COMPLETION" : options.step },
    localization: { language: { isoCode: options.language ?? "EN" } },
    presentmentCurrencyRate: options.rate ?? "1.0",
    cart: {
      cost: { subtotalAmount: { amount: options.subtotal ?? "100.00", currencyCode: options.currencyCode ?? "USD" } },
      buyerIdentity: {
        customer: options.customer === undefined || options.customer === null ? null : { limits: options.customer.limits === null ? null : { jsonValue: options.customer.limits } },
      },
      deliveryGroups: (options.addresses ?? []).map((deliveryAddress) => ({ deliveryAddress })),
      lines: lines.map(([s, q]) => ({ q, m: s === null ? {} : { s } })),
    },
    validation: { stock: ((stock) => (stock === null ? null : { jsonValue: stock }))(stockFor(lines)) },
  };
}

/** A customer whose published counts are `counts`. */
export const customer = (counts: Record<string, number>) => ({ limits: { v: 1, asOf: NOW_UTC, counts } });

export const clockAt = (local = NOW_LOCAL, utc = NOW_UTC): Clock => exactClock(local, utc);

/** A clock that cannot tell anything (no slots written). */
export const blindClock: Clock = { atOrAfter: () => null, freshUntil: () => null, freshSince: () => null };

/** An ATP figure confirmed `ageSeconds` before NOW_UTC. */
export const atpFigure = (total: number, ageSeconds = 0, byLocation?: Record<string, number>) => ({ v: 1, asOf: NOW_UTC - ageSeconds, total, ...(byLocation ? { byLocation } : {}) });
