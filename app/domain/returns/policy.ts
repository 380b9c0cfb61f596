/**
 * A shop's return policy, as data: windows per market, final-sale tags,
 * excluded SKUs, what each item condition means, fee rules, the refund timing
 * strategy and the order minimums a partial return can break. Versioned
 * (`schemaVersion`); `readPolicy` reads a stored copy strictly and names every
 * problem by path.
 */
import { DEFAULT_SLA, readStoredSla, type ReturnSla } from "./sla";

/** Shopify's ReturnReason values. */
export const RETURN_REASONS = [
  "COLOR",
  "DEFECTIVE",
  "NOT_AS_DESCRIBED",
  "OTHER",
  "SIZE_TOO_LARGE",
  "SIZE_TOO_SMALL",
  "STYLE",
  "UNKNOWN",
  "UNWANTED",
  "WRONG_ITEM",
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** What staff (or the customer) say about the item's state. "unknown" until someone looks. */
export const ITEM_CONDITIONS = ["unopened", "opened", "used", "damaged", "unknown"] as const;
export type ItemCondition = (typeof ITEM_CONDITIONS)[number];

/** Named refund timing strategies: when the money goes back. */
export const REFUND_TIMINGS = ["onApproval", "onInTransit", "onReceipt", "onInspection"] as const;
export type RefundTiming = (typeof REFUND_TIMINGS)[number];

export interface MarketWindow {
  id: string;
  /** ISO 3166-1 alpha-2 shipping countries. */
  countries: string[];
  windowDays: number;
}

export interface ReturnPolicy {
  schemaVersion: 1;
  /** Looked up by the order's shipping country; the first market listing it applies. */
  markets: MarketWindow[];
  /** Orders shipped to a country no market lists, or with no known country. */
  defaultWindowDays: number;
  /** The window counts from the fulfilment (delivery proxy) or from the order date. */
  windowFrom: "fulfillment" | "order";
  /** Product tags that make an item final sale (compared case-insensitively). */
  finalSaleTags: string[];
  excludedSkus: string[];
  conditions: Record<ItemCondition, { accepted: boolean; restockingFeePercent: number }>;
  /** Reasons that are the merchant's fault: no restocking fee, no return shipping fee. */
  merchantFaultReasons: ReturnReason[];
  returnShippingFee: { amountMinor: number; waivedForMerchantFault: boolean; waivedAboveOrderMinor: number | null };
  refundTiming: RefundTiming;
  /** The order subtotal that earned free shipping, if the shop has one. */
  freeShippingMinimumMinor: number | null;
  /** Promotions with an order minimum a partial return can take the order below. */
  promotionMinimums: { code: string; minimumMinor: number }[];
  /** Where resellable units go back by default (a Location gid), else staff choose each time. */
  restockLocationId: string | null;
  /** How long a request may wait for a decision (sla.ts). Policies stored before the SLA existed have none: DEFAULT_SLA applies. */
  sla?: ReturnSla;
}

export const DEFAULT_POLICY: ReturnPolicy = {
  schemaVersion: 1,
  markets: [
    { id: "EU", countries: ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "NL", "PL", "PT", "SE"], windowDays: 30 },
    { id: "UK", countries: ["GB"], windowDays: 28 },
    { id: "US", countries: ["US"], windowDays: 30 },
  ],
  defaultWindowDays: 14,
  windowFrom: "fulfillment",
  finalSaleTags: ["final-sale"],
  excludedSkus: [],
  conditions: {
    unopened: { accepted: true, restockingFeePercent: 0 },
    opened: { accepted: true, restockingFeePercent: 10 },
    used: { accepted: true, restockingFeePercent: 20 },
    damaged: { accepted: false, restockingFeePercent: 0 },
    unknown: { accepted: true, restockingFeePercent: 0 },
  },
  merchantFaultReasons: ["DEFECTIVE", "NOT_AS_DESCRIBED", "WRONG_ITEM"],
  returnShippingFee: { amountMinor: 595, waivedForMerchantFault: true, waivedAboveOrderMinor: null },
  refundTiming: "onReceipt",
  freeShippingMinimumMinor: 7_500,
  promotionMinimums: [],
  restockLocationId: null,
  sla: DEFAULT_SLA,
};

export type PolicyRead = { ok: true; policy: ReturnPolicy } | { ok: false; errors: string[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isMinor = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/** Reads a stored policy (JSON), naming every problem by its path; no defaults are silently filled in. */
export function readPolicy(value: unknown): PolicyRead {
  const errors: string[] = [];
  if (!isRecord(value)) return { ok: false, errors: ["policy: not an object"] };
  if (value.schemaVersion !== 1) errors.push(`schemaVersion: ${JSON.stringify(value.schemaVersion)} is not 1`);
  if (!Array.isArray(value.markets)) errors.push("markets: not a list");
  else
    value.markets.forEach((market, index) => {
      if (!isRecord(market)) return errors.push(`markets[${index}]: not an object`);
      if (typeof market.id !== "string" || market.id === "") errors.push(`markets[${index}].id: missing`);
      if (!isStrings(market.countries) || market.countries.some((c) => !/^[A-Z]{2}$/.test(c)))
        errors.push(`markets[${index}].countries: not a list of two-letter country codes`);
      if (!isMinor(market.windowDays)) errors.push(`markets[${index}].windowDays: not a whole number of days`);
    });
  if (!isMinor(value.defaultWindowDays)) errors.push("defaultWindowDays: not a whole number of days");
  if (value.windowFrom !== "fulfillment" && value.windowFrom !== "order") errors.push(`windowFrom: ${JSON.stringify(value.windowFrom)} is not fulfillment or order`);
  if (!isStrings(value.finalSaleTags)) errors.push("finalSaleTags: not a list of tags");
  if (!isStrings(value.excludedSkus)) errors.push("excludedSkus: not a list of SKUs");
  if (!isRecord(value.conditions)) errors.push("conditions: not an object");
  else
    for (const condition of ITEM_CONDITIONS) {
      const rule = value.conditions[condition];
      if (!isRecord(rule) || typeof rule.accepted !== "boolean") errors.push(`conditions.${condition}.accepted: missing`);
      else if (typeof rule.restockingFeePercent !== "number" || rule.restockingFeePercent < 0 || rule.restockingFeePercent > 100)
        errors.push(`conditions.${condition}.restockingFeePercent: not a percentage from 0 to 100`);
    }
  if (!Array.isArray(value.merchantFaultReasons) || value.merchantFaultReasons.some((r) => !RETURN_REASONS.includes(r as ReturnReason)))
    errors.push(`merchantFaultReasons: not a list of ${RETURN_REASONS.join("/")}`);
  const fee = value.returnShippingFee;
  if (!isRecord(fee) || !isMinor(fee.amountMinor) || typeof fee.waivedForMerchantFault !== "boolean" || !(fee.waivedAboveOrderMinor === null || isMinor(fee.waivedAboveOrderMinor)))
    errors.push("returnShippingFee: needs amountMinor, waivedForMerchantFault and waivedAboveOrderMinor (minor units or null)");
  if (!REFUND_TIMINGS.includes(value.refundTiming as RefundTiming)) errors.push(`refundTiming: ${JSON.stringify(value.refundTiming)} is not one of ${REFUND_TIMINGS.join(", ")}`);
  if (!(value.freeShippingMinimumMinor === null || isMinor(value.freeShippingMinimumMinor))) errors.push("freeShippingMinimumMinor: not minor units or null");
  if (!Array.isArray(value.promotionMinimums) || value.promotionMinimums.some((p) => !isRecord(p) || typeof p.code !== "string" || !isMinor(p.minimumMinor)))
    errors.push("promotionMinimums: not a list of { code, minimumMinor }");
  if (!(value.restockLocationId === null || (typeof value.restockLocationId === "string" && value.restockLocationId.startsWith("gid://shopify/Location/"))))
    errors.push("restockLocationId: not a Location gid or null");
  if (value.sla !== undefined) {
    const sla = readStoredSla(value.sla);
    if (!sla.ok) errors.push(...sla.errors);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policy: value as unknown as ReturnPolicy };
}

/** The market whose window applies to an order shipped to `countryCode`. */
export function marketFor(policy: ReturnPolicy, countryCode: string | null): { id: string; windowDays: number } {
  const market = countryCode ? policy.markets.find((candidate) => candidate.countries.includes(countryCode.toUpperCase())) : undefined;
  return market ? { id: market.id, windowDays: market.windowDays } : { id: "default", windowDays: policy.defaultWindowDays };
}

/** The policy's SLA, and whether the policy sets it or the default applies. */
export function slaOf(policy: ReturnPolicy): { sla: ReturnSla; source: "policy" | "default" } {
  return policy.sla ? { sla: policy.sla, source: "policy" } : { sla: DEFAULT_SLA, source: "default" };
}
