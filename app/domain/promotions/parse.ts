/**
 * The Function's reader of the promotion-set metafield: lenient and small.
 * It never throws. It returns null (apply nothing) when the set as a whole is
 * unreadable — wrong schemaVersion, no currency, no floor — and it DROPS a
 * promotion it cannot read in full rather than guess: a condition or cap it
 * cannot read must never turn into "no condition" or "no cap". Unknown fields
 * are ignored (a newer admin may add some). Duplicate ids drop every copy.
 *
 * It checks every field evaluate() reads and then uses the parsed objects as
 * they are (a copy only to fill a missing default): allocations are what
 * cost most in QuickJS. The admin validates strictly with validate.ts before
 * writing; this is the safety net for what is actually in the metafield.
 */
import type { Promotion, PromotionSet } from "./types";
import { WEEKDAYS } from "./types";
import { readMetafieldJson, UNPARSABLE } from "../json";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isNum(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}
function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
function isPercent(v: unknown): boolean {
  return typeof v === "number" && v > 0 && v <= 100;
}
function isStrings(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return false;
  return true;
}
/** Absent, or a list of strings. */
function optStrings(v: unknown): boolean {
  return v === undefined || isStrings(v);
}
function isFilter(v: unknown): boolean {
  return isObj(v) && optStrings(v.anyOfProducts) && optStrings(v.anyOfCollections);
}

export function parsePromotionSet(json: unknown): PromotionSet | null {
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return null;
  if (!isObj(value) || value.schemaVersion !== 1) return null;
  const { currencyCode, floor, promotions } = value;
  if (typeof currencyCode !== "string" || currencyCode.length !== 3) return null;
  if (!isObj(floor) || !isNum(floor.minPercentOfSubtotal) || floor.minPercentOfSubtotal < 0 || floor.minPercentOfSubtotal > 100) return null;
  if (!Array.isArray(promotions)) return null;

  const parsed: Promotion[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < promotions.length; i++) {
    const p = parsePromotion(promotions[i]);
    if (p === null) continue;
    parsed.push(p);
    seen.set(p.id, (seen.get(p.id) ?? 0) + 1);
  }
  let unique = parsed;
  if (seen.size !== parsed.length) unique = parsed.filter((p) => seen.get(p.id) === 1);
  return {
    schemaVersion: 1,
    currencyCode,
    floor: { minPercentOfSubtotal: floor.minPercentOfSubtotal, allowFreeOrder: floor.allowFreeOrder === true },
    promotions: unique,
  };
}

function parsePromotion(raw: unknown): Promotion | null {
  if (!isObj(raw)) return null;
  const { id, name, enabled, priority, stacksWith, conditions, action, exclusions, caps } = raw;
  if (typeof id !== "string" || id === "" || id === "*" || !isNum(priority)) return null;
  if (name !== undefined && typeof name !== "string") return null;
  if (enabled !== undefined && typeof enabled !== "boolean") return null;
  if (!optStrings(stacksWith)) return null;
  if (conditions !== undefined && !conditionsOk(conditions)) return null;
  if (!actionOk(action)) return null;
  if (exclusions !== undefined && !(isObj(exclusions) && isStrings(exclusions.skuPatterns))) return null;
  if (caps !== undefined && !capsOk(caps)) return null;
  if (name !== undefined && enabled !== undefined && stacksWith !== undefined && conditions !== undefined && exclusions !== undefined && caps !== undefined) {
    return raw as unknown as Promotion;
  }
  return {
    ...(raw as unknown as Promotion),
    name: name ?? id,
    enabled: enabled !== false,
    stacksWith: (stacksWith as string[] | undefined) ?? [],
    conditions: (conditions as Promotion["conditions"] | undefined) ?? {},
    exclusions: (exclusions as Promotion["exclusions"] | undefined) ?? { skuPatterns: [] },
    caps: (caps as Promotion["caps"] | undefined) ?? {},
  };
}

function conditionsOk(v: unknown): boolean {
  if (!isObj(v)) return false;
  const { customerSegment, customerTags, markets, channels, cartContains, minSubtotalCents, timeWindow, recurring } = v;
  if (customerSegment !== undefined && customerSegment !== "new" && customerSegment !== "returning" && customerSegment !== "any") return false;
  if (customerTags !== undefined && !(isObj(customerTags) && isStrings(customerTags.anyOf))) return false;
  if (markets !== undefined && !(isObj(markets) && optStrings(markets.countryCodes) && optStrings(markets.marketHandles))) return false;
  if (!optStrings(channels)) return false;
  if (cartContains !== undefined && !isFilter(cartContains)) return false;
  if (minSubtotalCents !== undefined && !isCount(minSubtotalCents)) return false;
  if (timeWindow !== undefined) {
    if (!isObj(timeWindow)) return false;
    const { start, end, zone, startUtc, endUtc } = timeWindow;
    if (typeof start !== "string" || typeof end !== "string" || typeof zone !== "string" || typeof startUtc !== "string" || typeof endUtc !== "string") return false;
  }
  if (recurring !== undefined) {
    if (!isObj(recurring) || typeof recurring.from !== "string" || typeof recurring.to !== "string") return false;
    const days = recurring.days;
    if (days !== undefined) {
      if (!isStrings(days)) return false;
      for (let i = 0; i < days.length; i++) if (!(WEEKDAYS as readonly string[]).includes(days[i]!)) return false;
    }
  }
  return true;
}

function actionOk(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (v.allowFreeOrder !== undefined && typeof v.allowFreeOrder !== "boolean") return false;
  switch (v.type) {
    case "percent_off":
    case "fixed_off": {
      if (v.appliesTo !== "order" && v.appliesTo !== "matching_lines") return false;
      if (v.lines !== undefined && !isFilter(v.lines)) return false;
      return v.type === "percent_off" ? isPercent(v.percent) : isCount(v.amountCents) && v.amountCents > 0;
    }
    case "free_shipping":
      return true;
    case "buy_x_get_y": {
      const { buy, get, maxApplications } = v;
      if (!isFilter(buy) || !isFilter(get)) return false;
      const b = buy as Obj;
      const g = get as Obj;
      if (!isCount(b.quantity) || b.quantity < 1 || !isCount(g.quantity) || g.quantity < 1 || !isPercent(g.percent)) return false;
      return maxApplications === undefined || (isCount(maxApplications) && maxApplications >= 1);
    }
    default:
      return false;
  }
}

function capsOk(v: unknown): boolean {
  if (!isObj(v)) return false;
  const { maxDiscountCents, maxDiscountPercent, perCustomerUses, totalBudgetCents } = v;
  return (maxDiscountCents === undefined || isCount(maxDiscountCents))
    && (maxDiscountPercent === undefined || isPercent(maxDiscountPercent))
    && (perCustomerUses === undefined || isCount(perCustomerUses))
    && (totalBudgetCents === undefined || isCount(totalBudgetCents));
}
