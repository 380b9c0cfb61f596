/**
 * The Function's reader of the promotion-set metafield: lenient and small.
 * It never throws. It returns null (apply nothing) when the set as a whole is
 * unreadable — wrong schemaVersion, no currency, no floor — and it DROPS a
 * promotion it cannot read in full rather than guess: a condition or cap it
 * cannot read must never turn into "no condition" or "no cap". Unknown fields
 * are ignored (a newer admin may add some). Duplicate ids drop every copy.
 *
 * The admin validates strictly with validate.ts before writing; this is the
 * safety net for what is actually in the metafield.
 */
import type {
  Action,
  Caps,
  Conditions,
  LineFilter,
  Promotion,
  PromotionSet,
  RecurringWindow,
  TimeWindow,
  Weekday,
} from "./types";
import { WEEKDAYS } from "./types";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isPercent = (v: unknown): v is number => isNum(v) && v > 0 && v <= 100;
const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : null);

/** A marker for "present but unreadable": the promotion is dropped. */
const BAD = Symbol("bad");
type Maybe<T> = T | undefined | typeof BAD;

export function parsePromotionSet(json: unknown): PromotionSet | null {
  let value = json;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isObj(value) || value.schemaVersion !== 1) return null;
  const { currencyCode, floor, promotions } = value;
  if (typeof currencyCode !== "string" || !/^[A-Z]{3}$/.test(currencyCode)) return null;
  if (!isObj(floor) || !isNum(floor.minPercentOfSubtotal) || floor.minPercentOfSubtotal < 0 || floor.minPercentOfSubtotal > 100) return null;
  if (!Array.isArray(promotions)) return null;

  const parsed = promotions.map(parsePromotion).filter((p): p is Promotion => p !== null);
  const counts = new Map<string, number>();
  for (const p of parsed) counts.set(p.id, (counts.get(p.id) ?? 0) + 1);
  return {
    schemaVersion: 1,
    currencyCode,
    floor: { minPercentOfSubtotal: floor.minPercentOfSubtotal, allowFreeOrder: floor.allowFreeOrder === true },
    promotions: parsed.filter((p) => counts.get(p.id) === 1),
  };
}

function parsePromotion(raw: unknown): Promotion | null {
  if (!isObj(raw)) return null;
  const { id, name, enabled, priority } = raw;
  if (typeof id !== "string" || id === "" || id === "*" || !isNum(priority)) return null;
  const stacksWith = raw.stacksWith === undefined ? [] : strings(raw.stacksWith);
  const conditions = parseConditions(raw.conditions);
  const action = parseAction(raw.action);
  const exclusions = raw.exclusions === undefined ? { skuPatterns: [] } : isObj(raw.exclusions) ? { skuPatterns: strings(raw.exclusions.skuPatterns ?? []) } : null;
  const caps = parseCaps(raw.caps);
  if (!stacksWith || conditions === BAD || !action || !exclusions?.skuPatterns || caps === BAD) return null;
  return {
    id,
    name: typeof name === "string" ? name : id,
    enabled: enabled !== false,
    priority,
    stacksWith,
    conditions,
    action,
    exclusions: { skuPatterns: exclusions.skuPatterns },
    caps,
  };
}

function filter(v: unknown): Maybe<LineFilter> {
  if (v === undefined) return undefined;
  if (!isObj(v)) return BAD;
  const out: LineFilter = {};
  for (const key of ["anyOfProducts", "anyOfCollections"] as const) {
    if (v[key] === undefined) continue;
    const list = strings(v[key]);
    if (!list) return BAD;
    out[key] = list;
  }
  return out;
}

function parseConditions(v: unknown): Conditions | typeof BAD {
  if (v === undefined) return {};
  if (!isObj(v)) return BAD;
  const c: Conditions = {};
  if (v.customerSegment !== undefined) {
    if (v.customerSegment !== "new" && v.customerSegment !== "returning" && v.customerSegment !== "any") return BAD;
    c.customerSegment = v.customerSegment;
  }
  if (v.customerTags !== undefined) {
    const anyOf = isObj(v.customerTags) ? strings(v.customerTags.anyOf) : null;
    if (!anyOf) return BAD;
    c.customerTags = { anyOf };
  }
  if (v.markets !== undefined) {
    if (!isObj(v.markets)) return BAD;
    const markets: NonNullable<Conditions["markets"]> = {};
    if (v.markets.countryCodes !== undefined) {
      const codes = strings(v.markets.countryCodes);
      if (!codes) return BAD;
      markets.countryCodes = codes.map((s) => s.toUpperCase());
    }
    if (v.markets.marketHandles !== undefined) {
      const handles = strings(v.markets.marketHandles);
      if (!handles) return BAD;
      markets.marketHandles = handles;
    }
    c.markets = markets;
  }
  if (v.channels !== undefined) {
    const channels = strings(v.channels);
    if (!channels) return BAD;
    c.channels = channels;
  }
  const contains = filter(v.cartContains);
  if (contains === BAD) return BAD;
  if (contains) c.cartContains = contains;
  if (v.minSubtotalCents !== undefined) {
    if (!isCount(v.minSubtotalCents)) return BAD;
    c.minSubtotalCents = v.minSubtotalCents;
  }
  if (v.timeWindow !== undefined) {
    const w = v.timeWindow;
    if (!isObj(w) || ![w.start, w.end, w.zone, w.startUtc, w.endUtc].every((s) => typeof s === "string")) return BAD;
    c.timeWindow = { start: w.start, end: w.end, zone: w.zone, startUtc: w.startUtc, endUtc: w.endUtc } as TimeWindow;
  }
  if (v.recurring !== undefined) {
    const r = v.recurring;
    if (!isObj(r) || typeof r.from !== "string" || typeof r.to !== "string") return BAD;
    const recurring: RecurringWindow = { from: r.from, to: r.to };
    if (r.days !== undefined) {
      const days = strings(r.days);
      if (!days || !days.every((d) => (WEEKDAYS as readonly string[]).includes(d))) return BAD;
      recurring.days = days as Weekday[];
    }
    c.recurring = recurring;
  }
  return c;
}

function parseAction(v: unknown): Action | null {
  if (!isObj(v)) return null;
  const allowFreeOrder = v.allowFreeOrder === true ? { allowFreeOrder: true } : {};
  const appliesTo = v.appliesTo === "order" || v.appliesTo === "matching_lines" ? v.appliesTo : null;
  switch (v.type) {
    case "percent_off":
    case "fixed_off": {
      const lines = filter(v.lines);
      if (!appliesTo || lines === BAD) return null;
      const target = lines ? { lines } : {};
      if (v.type === "percent_off") {
        return isPercent(v.percent) ? { type: "percent_off", percent: v.percent, appliesTo, ...target, ...allowFreeOrder } : null;
      }
      return isCount(v.amountCents) && v.amountCents > 0
        ? { type: "fixed_off", amountCents: v.amountCents, appliesTo, ...target, ...allowFreeOrder }
        : null;
    }
    case "free_shipping":
      return { type: "free_shipping" };
    case "buy_x_get_y": {
      const { buy, get, maxApplications } = v;
      if (!isObj(buy) || !isObj(get)) return null;
      const buyFilter = filter({ anyOfProducts: buy.anyOfProducts, anyOfCollections: buy.anyOfCollections });
      const getFilter = filter({ anyOfProducts: get.anyOfProducts, anyOfCollections: get.anyOfCollections });
      if (buyFilter === BAD || getFilter === BAD || !buyFilter || !getFilter) return null;
      if (!isCount(buy.quantity) || buy.quantity < 1 || !isCount(get.quantity) || get.quantity < 1 || !isPercent(get.percent)) return null;
      if (maxApplications !== undefined && !(isCount(maxApplications) && maxApplications >= 1)) return null;
      return {
        type: "buy_x_get_y",
        buy: { ...buyFilter, quantity: buy.quantity },
        get: { ...getFilter, quantity: get.quantity, percent: get.percent },
        ...(maxApplications !== undefined ? { maxApplications } : {}),
        ...allowFreeOrder,
      };
    }
    default:
      return null;
  }
}

function parseCaps(v: unknown): Caps | typeof BAD {
  if (v === undefined) return {};
  if (!isObj(v)) return BAD;
  const caps: Caps = {};
  for (const key of ["maxDiscountCents", "maxDiscountPercent", "perCustomerUses", "totalBudgetCents"] as const) {
    const value = v[key];
    if (value === undefined) continue;
    if (key === "maxDiscountPercent" ? !isPercent(value) : !isCount(value)) return BAD;
    caps[key] = value as number;
  }
  return caps;
}
