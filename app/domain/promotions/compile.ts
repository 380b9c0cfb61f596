/**
 * ADMIN SIDE: a validated promotion set → what the discount Function reads:
 * the wire set (wire.ts) for the $app:peakguard.promotions metafield and the
 * input-query variables for $app:peakguard.promotion_vars (the toml's
 * [extensions.input.variables]). Uses time-admin.ts (Intl), so never bundled
 * into a Function.
 *
 * One input query serves every set (extensions/promotion-stacking), so the
 * variables do the work:
 *   $c0..$c3    collection groups: each line answers inAnyCollection(ids: $cK)
 *               for each, one boolean (collectionGroups below); an unused
 *               slot is [] (always false);
 *   $t          the customer tags the set's conditions name (hasTags);
 *   $s0..$s7, $e0..$e7   dateTimeBetween slots for one-off windows, in the
 *               shop's zone (localTimeChecks); unused slots get an empty
 *               range (always false);
 *   $f0..$f3, $u0..$u3   timeBetween slots for recurring hours.
 * Identical windows share a slot.
 *
 * Refused here, with the field named, because the Function cannot see it at
 * checkout within its instruction budget: product filters (the input carries
 * collection membership, not product ids: ~7,000 Wasm instructions a cart line
 * in our proxy), market handles (Localization.market is deprecated in the
 * Function API), more distinct windows than slots, and a wire set over
 * Shopify's 10,000-byte limit (the message says by how much).
 */
import type { FieldError } from "./validate";
import { utf8Length } from "./validate";
import { localTimeChecks } from "./time-admin";
import type { Action, LineFilter, Promotion, PromotionSet } from "./types";
import { METAFIELD_BYTE_LIMIT } from "./types";
import { byPriorityThenId, compareStrings, groupThousands } from "./util";
import { COLLECTION_SLOTS, RECURRING_SLOTS, WINDOW_SLOTS, WIRE_VERSION, type WireAction, type WirePromotion, type WireSet } from "./wire";

/** Metafields on the discount (owner), all type json, namespace $app:peakguard. */
export const PROMOTIONS_NAMESPACE = "$app:peakguard";
/** The wire set: what the Function reads (≤ 10,000 bytes). */
export const WIRE_KEY = "promotions";
/** The full validated set: what the admin reads back and edits (the Function never reads it). */
export const SET_KEY = "promotion_set";
/** Input-query variables ([extensions.input.variables] in the extension's toml). */
export const VARIABLES_KEY = "promotion_vars";
/** Per-promotion discount already given (shop currency), kept by the app from orders: budgets read it. */
export const BUDGET_KEY = "promotion_budget";
/** On the customer: uses per promotion, kept by the app from orders: perCustomerUses reads it. */
export const CUSTOMER_USES_KEY = "promotion_uses";

/** A window slot nobody uses: an empty range, so the predicate is always false. */
export const UNUSED_DATE_TIME = "2000-01-01T00:00:00";
export const UNUSED_TIME = "00:00:00";

export type PromotionVariables = { t: string[] } & Record<string, string | string[]>;

export interface FunctionConfig {
  wire: WireSet;
  /** Exactly the metafield value (compact JSON). */
  wireJson: string;
  bytes: number;
  variables: PromotionVariables;
  /** Which slot each windowed promotion uses (for the admin's display and tests). */
  slots: Record<string, { window?: number; recurring?: number }>;
  /** The collections of each inAnyCollection slot ($c0..), in slot order. */
  collectionSlots: string[][];
}

export type CompileResult = { ok: true; config: FunctionConfig } | { ok: false; errors: FieldError[] };

export function compileForFunction(set: PromotionSet, shopZone: string): CompileResult {
  const errors: FieldError[] = [];
  const indexOf = new Map(set.promotions.map((p, i) => [p, i] as const));
  const at = (p: Promotion, rest: string) => `promotions[${indexOf.get(p)}].${rest}`;

  // ---------------------------------------------------------- collections and tags
  const enabled = set.promotions.filter((p) => p.enabled);
  const filterLists: string[][] = [];
  const tagSet = new Set<string>();
  for (const p of enabled) {
    for (const { path, filter } of filtersOf(p)) {
      if (filter.anyOfProducts?.length) {
        errors.push({
          path: at(p, `${path}.anyOfProducts`),
          message: "product filters can't be checked at checkout: the discount function reads collection membership, not product ids (each product id would cost ~7,000 instructions per cart line); put these products in a collection and use anyOfCollections",
        });
      }
      if (filter.anyOfCollections?.length) filterLists.push(filter.anyOfCollections);
    }
    if (p.conditions.markets?.marketHandles?.length) {
      errors.push({
        path: at(p, "conditions.markets.marketHandles"),
        message: "market handles can't be checked at checkout (Localization.market is deprecated in the Function API); use countryCodes",
      });
    }
    p.conditions.customerTags?.anyOf.forEach((tag) => tagSet.add(tag));
  }
  const groups = collectionGroups(filterLists);
  if (groups.slots.length > COLLECTION_SLOTS) {
    errors.push({
      path: "promotions",
      message: `the set's collection filters need ${groups.slots.length} collection groups at checkout; the discount function reads at most ${COLLECTION_SLOTS} (one inAnyCollection answer per cart line each, and every cart line pays for every slot): give promotions the same collection lists where you can (${groups.distinct} distinct lists over ${groups.collections} collections now), or move some to another discount`,
    });
  }
  const tags = [...tagSet].sort(compareStrings);

  // ---------------------------------------------------------------- time slots
  const variables: PromotionVariables = { t: tags };
  for (let k = 0; k < COLLECTION_SLOTS; k++) variables[`c${k}`] = groups.slots[k] ?? [];
  const windowSlots = new Map<string, number>();
  const recurringSlots = new Map<string, number>();
  const slots: FunctionConfig["slots"] = {};
  const byId = new Map(enabled.map((p) => [p.id, p] as const));
  for (const check of localTimeChecks(set, shopZone)) {
    const p = byId.get(check.promotionId)!;
    const slot: { window?: number; recurring?: number } = {};
    if (check.dateTimeBetween) {
      const { startDateTime, endDateTime } = check.dateTimeBetween;
      const key = `${startDateTime}/${endDateTime}`;
      let k = windowSlots.get(key);
      if (k === undefined) {
        k = windowSlots.size;
        windowSlots.set(key, k);
        if (k < WINDOW_SLOTS) {
          variables[`s${k}`] = startDateTime;
          variables[`e${k}`] = endDateTime;
        } else {
          errors.push({
            path: at(p, "conditions.timeWindow"),
            message: `the discount function has ${WINDOW_SLOTS} time-window slots and this is distinct window number ${k + 1}; give promotions the same window where you can, or move some to another discount`,
          });
        }
      }
      slot.window = k;
    }
    if (check.timeBetween) {
      const { startTime, endTime } = check.timeBetween;
      const key = `${startTime}/${endTime}`;
      let k = recurringSlots.get(key);
      if (k === undefined) {
        k = recurringSlots.size;
        recurringSlots.set(key, k);
        if (k < RECURRING_SLOTS) {
          variables[`f${k}`] = startTime;
          variables[`u${k}`] = endTime;
        } else {
          errors.push({
            path: at(p, "conditions.recurring"),
            message: `the discount function has ${RECURRING_SLOTS} slots for recurring hours and this is distinct range number ${k + 1}; share hours between promotions where you can`,
          });
        }
      }
      slot.recurring = k;
    }
    slots[p.id] = slot;
  }
  for (let k = windowSlots.size; k < WINDOW_SLOTS; k++) {
    variables[`s${k}`] = UNUSED_DATE_TIME;
    variables[`e${k}`] = UNUSED_DATE_TIME;
  }
  for (let k = recurringSlots.size; k < RECURRING_SLOTS; k++) {
    variables[`f${k}`] = UNUSED_TIME;
    variables[`u${k}`] = UNUSED_TIME;
  }
  if (errors.length > 0) return { ok: false, errors };

  // ------------------------------------------------------------------- wire
  const list = (filter: LineFilter | undefined) => (filter?.anyOfCollections?.length ? groups.slotsOf(filter.anyOfCollections) : undefined);
  const wire: WireSet = { v: WIRE_VERSION, c: set.currencyCode, p: [] };
  if (set.floor.minPercentOfSubtotal > 0) wire.f = set.floor.minPercentOfSubtotal;
  if (set.floor.allowFreeOrder) wire.z = 1;
  if (groups.slots.length > 0) wire.n = groups.slots.length;
  for (const p of enabled.slice().sort(byPriorityThenId)) {
    const c = p.conditions;
    const w: WirePromotion = { i: p.id, p: p.priority, a: wireAction(p.action, list) };
    if (p.stacksWith.length > 0) w.s = p.stacksWith;
    if (c.customerSegment === "new") w.g = "n";
    if (c.customerSegment === "returning") w.g = "r";
    if (c.customerTags) w.t = c.customerTags.anyOf;
    if (c.markets?.countryCodes?.length) w.cc = c.markets.countryCodes;
    if (c.channels?.length) w.ch = c.channels;
    const contains = list(c.cartContains);
    if (contains?.length) w.k = contains;
    if (c.minSubtotalCents) w.m = c.minSubtotalCents;
    const slot = slots[p.id];
    if (slot?.recurring !== undefined) w.r = slot.recurring;
    if (c.recurring?.days) w.d = c.recurring.days;
    if (p.exclusions.skuPatterns.length > 0) w.x = p.exclusions.skuPatterns;
    if (p.caps.maxDiscountCents !== undefined) w.cm = p.caps.maxDiscountCents;
    if (p.caps.maxDiscountPercent !== undefined) w.cp = p.caps.maxDiscountPercent;
    if (p.caps.perCustomerUses !== undefined) w.cu = p.caps.perCustomerUses;
    if (p.caps.totalBudgetCents !== undefined) w.cb = p.caps.totalBudgetCents;
    if (slot?.window === undefined) wire.p.push(w);
    else {
      const groups = (wire.w ??= []);
      while (groups.length <= slot.window) groups.push([]);
      groups[slot.window]!.push(w);
    }
  }
  const wireJson = JSON.stringify(wire);
  const bytes = utf8Length(wireJson);
  if (bytes > METAFIELD_BYTE_LIMIT) {
    const over = bytes - METAFIELD_BYTE_LIMIT;
    return {
      ok: false,
      errors: [{
        path: "promotions",
        message: `the set compiles to ${groupThousands(String(bytes))} bytes for the discount function; Shopify lets a function read ${groupThousands(String(METAFIELD_BYTE_LIMIT))} — remove ${groupThousands(String(over))} byte${over === 1 ? "" : "s"} (shorter ids and SKU patterns, fewer stacksWith entries, or fewer promotions)`,
      }],
    };
  }
  return { ok: true, config: { wire, wireJson, bytes, variables, slots, collectionSlots: groups.slots } };
}

function filtersOf(p: Promotion): { path: string; filter: LineFilter }[] {
  const out: { path: string; filter: LineFilter }[] = [];
  if (p.conditions.cartContains) out.push({ path: "conditions.cartContains", filter: p.conditions.cartContains });
  const a = p.action;
  if ((a.type === "percent_off" || a.type === "fixed_off") && a.lines) out.push({ path: "action.lines", filter: a.lines });
  if (a.type === "buy_x_get_y") out.push({ path: "action.buy", filter: a.buy }, { path: "action.get", filter: a.get });
  return out;
}

function wireAction(a: Action, list: (filter: LineFilter | undefined) => number[] | undefined): WireAction {
  switch (a.type) {
    case "percent_off":
    case "fixed_off": {
      const w: WireAction = { t: a.type === "percent_off" ? "%" : "$", v: a.type === "percent_off" ? a.percent : a.amountCents };
      if (a.appliesTo === "order") w.o = 1;
      const lines = list(a.lines);
      if (lines?.length) w.l = lines;
      if (a.allowFreeOrder) w.z = 1;
      return w;
    }
    case "free_shipping":
      return { t: "s" };
    case "buy_x_get_y": {
      const w: WireAction = { t: "b", bq: a.buy.quantity, gq: a.get.quantity, gv: a.get.percent };
      const buy = list(a.buy);
      const get = list(a.get);
      if (buy?.length) w.bl = buy;
      if (get?.length) w.gl = get;
      if (a.maxApplications !== undefined) w.n = a.maxApplications;
      if (a.allowFreeOrder) w.z = 1;
      return w;
    }
  }
}

export interface CollectionGroups {
  /** The collections of each slot, in slot order. */
  slots: string[][];
  /** A filter's collections → the slots whose union it is (sorted). */
  slotsOf(collections: readonly string[]): number[];
  distinct: number;
  collections: number;
}

/**
 * The fewest inAnyCollection slots (every cart line pays ~3,200 proxy instructions per slot)
 * from which each filter is a union: either one slot per distinct collection list, or one per
 * "atom" (collections that every filter names together or not at all), whichever is fewer.
 * Both answer every filter exactly as the collection lists would: a line matches a filter iff
 * it is in any of its collections iff it is in any of its slots.
 */
export function collectionGroups(filters: readonly (readonly string[])[]): CollectionGroups {
  const distinctKeys = new Map<string, string[]>();
  for (const f of filters) {
    const sorted = [...new Set(f)].sort(compareStrings);
    const key = sorted.join("\u0000");
    if (!distinctKeys.has(key)) distinctKeys.set(key, sorted);
  }
  const distinct = [...distinctKeys.values()].sort((a, b) => compareStrings(a.join("\u0000"), b.join("\u0000")));
  const all = [...new Set(distinct.flat())].sort(compareStrings);
  // atoms: collections grouped by which distinct lists name them
  const bySignature = new Map<string, string[]>();
  for (const c of all) {
    const signature = distinct.map((list, i) => (list.includes(c) ? i : -1)).filter((i) => i >= 0).join(",");
    const atom = bySignature.get(signature);
    if (atom) atom.push(c);
    else bySignature.set(signature, [c]);
  }
  const atoms = [...bySignature.values()];
  const useLists = distinct.length <= atoms.length;
  const slots = useLists ? distinct : atoms;
  const slotOfCollection = new Map<string, number>();
  if (!useLists) slots.forEach((atom, k) => atom.forEach((c) => slotOfCollection.set(c, k)));
  return {
    slots,
    distinct: distinct.length,
    collections: all.length,
    slotsOf(collections) {
      const sorted = [...new Set(collections)].sort(compareStrings);
      if (useLists) return [distinct.findIndex((list) => list.join("\u0000") === sorted.join("\u0000"))];
      return [...new Set(sorted.map((c) => slotOfCollection.get(c)!))].sort((a, b) => a - b);
    },
  };
}
