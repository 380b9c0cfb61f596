/**
 * Builders for checkout-rule tests: a rule set, a cart in the function's input shape, and
 * clocks. Defaults: English, checkout completion, USD, a guest, no address.
 */
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

export type Line = [sku: string | null, quantity: number, atp?: unknown];

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
      lines: lines.map(([s, q, atp]) => ({ q, m: s === null ? {} : { s, a: atp === undefined ? null : { j: atp } } })),
    },
  };
}

/** A customer whose published counts are `counts`. */
export const customer = (counts: Record<string, number>) => ({ limits: { v: 1, asOf: NOW_UTC, counts } });

export const clockAt = (local = NOW_LOCAL, utc = NOW_UTC): Clock => exactClock(local, utc);

/** A clock that cannot tell anything (no slots written). */
export const blindClock: Clock = { atOrAfter: () => null, freshUntil: () => null };

/** An ATP figure confirmed `ageSeconds` before NOW_UTC. */
export const atpFigure = (total: number, ageSeconds = 0, byLocation?: Record<string, number>) => ({ v: 1, asOf: NOW_UTC - ageSeconds, total, ...(byLocation ? { byLocation } : {}) });
