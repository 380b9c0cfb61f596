/**
 * The promotions editor's form: every field as the merchant types it (strings, dollars, comma
 * lists, wall times), to and from the authored set validatePromotionSet checks. Pure, so the
 * page and its tests share it. Money is parsed with money.ts (no float rounding); a value that
 * does not parse is passed on as typed, so the validator's message names it.
 */
import { parseMoney, toDecimalString } from "~/domain/money";
import type { Promotion, PromotionSet } from "~/domain/promotions/types";
import type { FieldError } from "~/domain/promotions/validate";

export interface PromotionForm {
  id: string;
  name: string;
  enabled: boolean;
  priority: string;
  /** Comma-separated ids, or "*". */
  stacksWith: string;
  segment: "any" | "new" | "returning";
  tags: string;
  countries: string;
  channels: string;
  /** Comma-separated collection GIDs the cart must contain (and matching_lines discounts). */
  collections: string;
  /** Dollars, "50.00". */
  minSubtotal: string;
  /** "2026-03-01T00:00" wall time in windowZone; empty = no window. */
  windowStart: string;
  windowEnd: string;
  windowZone: string;
  /** Comma-separated weekdays (mon…sun); with from/to, empty days = every day. */
  recurringDays: string;
  recurringFrom: string;
  recurringTo: string;
  actionType: "percent_off" | "fixed_off" | "free_shipping" | "buy_x_get_y";
  percent: string;
  /** Dollars. */
  amount: string;
  appliesTo: "matching_lines" | "order";
  actionCollections: string;
  buyQuantity: string;
  buyCollections: string;
  getQuantity: string;
  getPercent: string;
  getCollections: string;
  maxApplications: string;
  allowFreeOrder: boolean;
  skuPatterns: string;
  maxDiscount: string;
  maxPercent: string;
  perCustomerUses: string;
  totalBudget: string;
}

export interface SetForm {
  title: string;
  currencyCode: string;
  floorPercent: string;
  floorAllowFree: boolean;
  combineProduct: boolean;
  combineOrder: boolean;
  combineShipping: boolean;
  promotions: PromotionForm[];
}

const list = (text: string): string[] => text.split(",").map((s) => s.trim()).filter(Boolean);
const joined = (xs: readonly string[] | undefined): string => (xs ?? []).join(", ");

export function blankPromotion(index: number, zone: string): PromotionForm {
  return {
    id: `promotion-${index + 1}`,
    name: "",
    enabled: true,
    priority: String((index + 1) * 10),
    stacksWith: "",
    segment: "any",
    tags: "",
    countries: "",
    channels: "",
    collections: "",
    minSubtotal: "",
    windowStart: "",
    windowEnd: "",
    windowZone: zone,
    recurringDays: "",
    recurringFrom: "",
    recurringTo: "",
    actionType: "percent_off",
    percent: "10",
    amount: "",
    appliesTo: "matching_lines",
    actionCollections: "",
    buyQuantity: "2",
    buyCollections: "",
    getQuantity: "1",
    getPercent: "100",
    getCollections: "",
    maxApplications: "",
    allowFreeOrder: false,
    skuPatterns: "",
    maxDiscount: "",
    maxPercent: "",
    perCustomerUses: "",
    totalBudget: "",
  };
}

export function blankSetForm(currencyCode: string): SetForm {
  return {
    title: "Peakguard promotions",
    currencyCode,
    floorPercent: "0",
    floorAllowFree: false,
    combineProduct: false,
    combineOrder: false,
    combineShipping: false,
    promotions: [],
  };
}

const money = (cents: number | undefined, currency: string) => (cents === undefined ? "" : toDecimalString(cents, currency));

/** A stored set → the form (money in the shop currency's decimals). */
export function formFromSet(set: PromotionSet, title: string, combines: { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean }, zone: string): SetForm {
  const c = set.currencyCode;
  return {
    title,
    currencyCode: c,
    floorPercent: String(set.floor.minPercentOfSubtotal),
    floorAllowFree: set.floor.allowFreeOrder,
    combineProduct: combines.productDiscounts,
    combineOrder: combines.orderDiscounts,
    combineShipping: combines.shippingDiscounts,
    promotions: set.promotions.map((p, i) => promotionForm(p, i, c, zone)),
  };
}

function promotionForm(p: Promotion, index: number, currency: string, zone: string): PromotionForm {
  const form = blankPromotion(index, zone);
  const k = p.conditions;
  const a = p.action;
  Object.assign(form, {
    id: p.id,
    name: p.name,
    enabled: p.enabled,
    priority: String(p.priority),
    stacksWith: joined(p.stacksWith),
    segment: k.customerSegment ?? "any",
    tags: joined(k.customerTags?.anyOf),
    countries: joined(k.markets?.countryCodes),
    channels: joined(k.channels),
    collections: joined(k.cartContains?.anyOfCollections),
    minSubtotal: money(k.minSubtotalCents, currency),
    windowStart: k.timeWindow?.start ?? "",
    windowEnd: k.timeWindow?.end ?? "",
    windowZone: k.timeWindow?.zone ?? zone,
    recurringDays: joined(k.recurring?.days),
    recurringFrom: k.recurring?.from ?? "",
    recurringTo: k.recurring?.to ?? "",
    actionType: a.type,
    skuPatterns: joined(p.exclusions.skuPatterns),
    maxDiscount: money(p.caps.maxDiscountCents, currency),
    maxPercent: p.caps.maxDiscountPercent === undefined ? "" : String(p.caps.maxDiscountPercent),
    perCustomerUses: p.caps.perCustomerUses === undefined ? "" : String(p.caps.perCustomerUses),
    totalBudget: money(p.caps.totalBudgetCents, currency),
  } satisfies Partial<PromotionForm>);
  if (a.type === "percent_off" || a.type === "fixed_off") {
    form.appliesTo = a.appliesTo;
    form.actionCollections = joined(a.lines?.anyOfCollections);
    form.allowFreeOrder = a.allowFreeOrder === true;
    if (a.type === "percent_off") form.percent = String(a.percent);
    else form.amount = money(a.amountCents, currency);
  }
  if (a.type === "buy_x_get_y") {
    form.buyQuantity = String(a.buy.quantity);
    form.buyCollections = joined(a.buy.anyOfCollections);
    form.getQuantity = String(a.get.quantity);
    form.getPercent = String(a.get.percent);
    form.getCollections = joined(a.get.anyOfCollections);
    form.maxApplications = a.maxApplications === undefined ? "" : String(a.maxApplications);
    form.allowFreeOrder = a.allowFreeOrder === true;
  }
  return form;
}

/** "12.5" → 12.5; "" → undefined; anything else is passed on as typed (the validator names it). */
function num(text: string): unknown {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** Dollars → minor units; "" → undefined; unparsable → the text (the validator names it). */
function cents(text: string, currency: string): unknown {
  const t = text.trim();
  if (t === "") return undefined;
  const parsed = parseMoney(t, currency);
  return parsed.ok ? parsed.minor : t;
}

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0))) as Partial<T>;

/** The form → the authored set (validatePromotionSet's input) and the discount's combinesWith. */
export function setFromForm(form: SetForm): { set: Record<string, unknown>; combinesWith: { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean } } {
  const c = form.currencyCode;
  return {
    set: {
      schemaVersion: 1,
      currencyCode: c,
      floor: { minPercentOfSubtotal: num(form.floorPercent) ?? 0, allowFreeOrder: form.floorAllowFree },
      promotions: form.promotions.map((p) => promotionFromForm(p, c)),
    },
    combinesWith: { productDiscounts: form.combineProduct, orderDiscounts: form.combineOrder, shippingDiscounts: form.combineShipping },
  };
}

function promotionFromForm(p: PromotionForm, currency: string): Record<string, unknown> {
  const conditions = defined({
    customerSegment: p.segment === "any" ? undefined : p.segment,
    customerTags: list(p.tags).length ? { anyOf: list(p.tags) } : undefined,
    markets: list(p.countries).length ? { countryCodes: list(p.countries) } : undefined,
    channels: list(p.channels),
    cartContains: list(p.collections).length ? { anyOfCollections: list(p.collections) } : undefined,
    minSubtotalCents: cents(p.minSubtotal, currency),
    timeWindow: p.windowStart.trim() || p.windowEnd.trim() ? { start: p.windowStart.trim(), end: p.windowEnd.trim(), zone: p.windowZone.trim() } : undefined,
    recurring: p.recurringFrom.trim() || p.recurringTo.trim() || p.recurringDays.trim()
      ? defined({ days: list(p.recurringDays).length ? list(p.recurringDays) : undefined, from: p.recurringFrom.trim(), to: p.recurringTo.trim() })
      : undefined,
  });
  let action: Record<string, unknown>;
  switch (p.actionType) {
    case "percent_off":
    case "fixed_off":
      action = defined({
        type: p.actionType,
        ...(p.actionType === "percent_off" ? { percent: num(p.percent) } : { amountCents: cents(p.amount, currency) }),
        appliesTo: p.appliesTo,
        lines: p.appliesTo === "matching_lines" && list(p.actionCollections).length ? { anyOfCollections: list(p.actionCollections) } : undefined,
        allowFreeOrder: p.allowFreeOrder || undefined,
      });
      break;
    case "buy_x_get_y":
      action = defined({
        type: "buy_x_get_y",
        buy: defined({ quantity: num(p.buyQuantity), anyOfCollections: list(p.buyCollections) }),
        get: defined({ quantity: num(p.getQuantity), percent: num(p.getPercent), anyOfCollections: list(p.getCollections) }),
        maxApplications: num(p.maxApplications),
        allowFreeOrder: p.allowFreeOrder || undefined,
      });
      break;
    default:
      action = { type: p.actionType };
  }
  return {
    id: p.id.trim(),
    name: p.name.trim() || p.id.trim(),
    enabled: p.enabled,
    priority: num(p.priority),
    stacksWith: list(p.stacksWith),
    conditions,
    action,
    exclusions: { skuPatterns: list(p.skuPatterns) },
    caps: defined({
      maxDiscountCents: cents(p.maxDiscount, currency),
      maxDiscountPercent: num(p.maxPercent),
      perCustomerUses: num(p.perCustomerUses),
      totalBudgetCents: cents(p.totalBudget, currency),
    }),
  };
}

/** Which form field a validator path belongs to: "promotions[2].conditions.minSubtotalCents" → "promotions.2.minSubtotal". */
const PROMOTION_FIELDS: [prefix: string, field: keyof PromotionForm][] = [
  ["id", "id"],
  ["name", "name"],
  ["enabled", "enabled"],
  ["priority", "priority"],
  ["stacksWith", "stacksWith"],
  ["conditions.customerSegment", "segment"],
  ["conditions.customerTags", "tags"],
  ["conditions.markets", "countries"],
  ["conditions.channels", "channels"],
  ["conditions.cartContains", "collections"],
  ["conditions.minSubtotalCents", "minSubtotal"],
  ["conditions.timeWindow.end", "windowEnd"],
  ["conditions.timeWindow.zone", "windowZone"],
  ["conditions.timeWindow", "windowStart"],
  ["conditions.recurring.days", "recurringDays"],
  ["conditions.recurring.to", "recurringTo"],
  ["conditions.recurring", "recurringFrom"],
  ["action.percent", "percent"],
  ["action.amountCents", "amount"],
  ["action.appliesTo", "appliesTo"],
  ["action.lines", "actionCollections"],
  ["action.buy.quantity", "buyQuantity"],
  ["action.buy", "buyCollections"],
  ["action.get.quantity", "getQuantity"],
  ["action.get.percent", "getPercent"],
  ["action.get", "getCollections"],
  ["action.maxApplications", "maxApplications"],
  ["action.allowFreeOrder", "allowFreeOrder"],
  ["action", "actionType"],
  ["exclusions", "skuPatterns"],
  ["caps.maxDiscountCents", "maxDiscount"],
  ["caps.maxDiscountPercent", "maxPercent"],
  ["caps.perCustomerUses", "perCustomerUses"],
  ["caps.totalBudgetCents", "totalBudget"],
];
const ROOT_FIELDS: [prefix: string, field: string][] = [
  ["title", "title"],
  ["floor.minPercentOfSubtotal", "floorPercent"],
  ["floor.allowFreeOrder", "floorAllowFree"],
  ["combinesWith.productDiscounts", "combineProduct"],
  ["combinesWith.orderDiscounts", "combineOrder"],
  ["combinesWith.shippingDiscounts", "combineShipping"],
];

const startsWithPath = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

/**
 * Validator and compiler errors → messages by form field ("promotions.0.minSubtotal", "title");
 * what no field shows (the set as a whole) goes under "". Several on one field are joined.
 */
export function errorsByField(errors: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (field: string, message: string) => {
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  };
  for (const e of errors) {
    const promotion = /^promotions\[(\d+)\](?:\.(.*))?$/.exec(e.path);
    if (promotion) {
      const rest = promotion[2] ?? "";
      const match = PROMOTION_FIELDS.find(([prefix]) => startsWithPath(rest, prefix));
      add(match ? `promotions.${promotion[1]}.${match[1]}` : `promotions.${promotion[1]}`, match ? e.message : `${rest || "promotion"}: ${e.message}`);
      continue;
    }
    const root = ROOT_FIELDS.find(([prefix]) => startsWithPath(e.path, prefix));
    add(root ? root[1] : "", root ? e.message : `${e.path ? `${e.path}: ` : ""}${e.message}`);
  }
  return out;
}
