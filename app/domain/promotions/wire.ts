/**
 * The promotion set as the discount Function reads it: the compiled "wire" form
 * the admin writes to the discount's metafield ($app:peakguard.promotions),
 * next to the full set ($app:peakguard.promotion_set, which only the admin
 * reads) and the input-query variables ($app:peakguard.promotion_vars).
 * compile.ts (admin side) writes it; readWireSet (here, Function side) reads it
 * leniently and gives back the PromotionSet evaluate() takes.
 *
 * Why a second form: a Function pays for every byte of its input (JSON.parse
 * runs inside the Wasm instruction budget, ~230-370 instructions a byte in our
 * proxy) and Shopify lets it read at most 10,000 bytes of a metafield. The full
 * set spends ~100 bytes of keys and defaults per promotion; 50 promotions do
 * not fit. The wire form keeps only what evaluate() reads at checkout:
 * - no names, no disabled promotions (a disabled promotion is never chosen and
 *   never blocks one: leaving it out changes nothing);
 * - collection filters as indexes of the input query's collection slots ($c0..$c3, each a
 *   collection group, compile.ts collectionGroups), which the query's
 *   inAnyCollection(ids: $cK) answers per line (slot K);
 * - time windows by slot: the admin compiles each window into shop-local
 *   arguments of a fixed shop.localTime predicate in the input query
 *   (dateTimeBetween slots w0..w7, timeBetween slots h0..h3); the Function
 *   reads the answers, so a promotion carries only its slot numbers.
 *
 * Version 1 ("v": 1), one-letter keys, defaults omitted:
 *
 *   { "v": 1, "c": "USD", "f": 40, "z": 1, "n": 3,          // currency, floor %, floor.allowFreeOrder, collection slots used
 *     "p": [{ "i": "bfcm-20", "p": 20, "s": ["vip-15"],     // id, priority, stacksWith
 *             "g": "n" | "r", "t": ["vip"], "cc": ["US"], "ch": ["online"],   // segment, tags, countries, channels
 *             "k": [0, 2], "m": 5000, "r": 1, "d": ["fri"],                    // cartContains, min subtotal, recurring slot, days
 *             "a": { "t": "%", "v": 20, "o": 1, "l": [1], "z": 1 },           // action
 *             "x": ["GC-*"], "cm": 1000, "cp": 50, "cu": 1, "cb": 500000 }],  // exclusions, caps
 *     "w": [[{ "i": "flash-1", … }], []] }                        // one-off windows: w[k] = slot k's promotions
 *
 * Actions: "%" percent_off (v = percent), "$" fixed_off (v = amountCents),
 * "s" free_shipping, "b" buy_x_get_y ({ "bq", "bl", "gq", "gv", "gl", "n" }).
 * "o": 1 means appliesTo order, "l" the action's own lines filter.
 *
 * The reader never throws; an unreadable set gives null (no discounts), an
 * unreadable promotion is dropped (never read as "no condition"), exactly the
 * rules of parse.ts for the full form.
 */
import type { Action, Conditions, FixedOffAction, PercentOffAction, Promotion, PromotionSet, Weekday } from "./types";
import { readMetafieldJson, UNPARSABLE } from "../json";

export const WIRE_VERSION = 1 as const;
/** dateTimeBetween slots (w0..w7) and timeBetween slots (h0..h3) in the Function's input query. */
export const WINDOW_SLOTS = 8;
export const RECURRING_SLOTS = 4;
/** The collection "id" evaluate() sees for slot k ($ck); a line in it has bit k set (at most 30: the engine's bit index). */
export const COLLECTION_KEYS: readonly string[] = Array.from({ length: 30 }, (_, k) => String(k));
/**
 * inAnyCollection slots in the input query ($c0..$c3, answered per cart line as c0..c3): every
 * line carries every slot's boolean, used or not, so there are few (compile.ts collectionGroups).
 */
export const COLLECTION_SLOTS = 4;

export interface WireAction {
  t: "%" | "$" | "s" | "b";
  v?: number;
  o?: 1;
  l?: number[];
  z?: 1;
  bq?: number;
  bl?: number[];
  gq?: number;
  gv?: number;
  gl?: number[];
  n?: number;
}

export interface WirePromotion {
  i: string;
  p: number;
  s?: string[];
  g?: "n" | "r";
  t?: string[];
  cc?: string[];
  ch?: string[];
  k?: number[];
  m?: number;
  w?: number;
  r?: number;
  d?: Weekday[];
  a: WireAction;
  x?: string[];
  cm?: number;
  cp?: number;
  cu?: number;
  cb?: number;
}

export interface WireSet {
  v: typeof WIRE_VERSION;
  c: string;
  f?: number;
  z?: 1;
  n?: number;
  p: WirePromotion[];
  /**
   * Promotions with a one-off window, grouped by their dateTimeBetween slot (w[k] runs while
   * slot k answers true): the reader never looks at a closed window's promotions, and most of a
   * season's promotions are closed at any moment. Their own "w" is left out.
   */
  w?: WirePromotion[][];
}

/** What the Function's shop.localTime slots answered; a missing answer counts as closed (fail closed). */
export interface SlotAnswers {
  /** dateTimeBetween answers, by slot. */
  windows: readonly (boolean | null | undefined)[];
  /** timeBetween answers, by slot. */
  recurring: readonly (boolean | null | undefined)[];
}

export interface WireRead {
  set: PromotionSet;
  /** How many collection slots (c0..) the set uses: the wire's filter indexes are slots. */
  collections: number;
  /** For ShopClock.windowsOpen: true for every windowed promotion kept (the closed ones are left out). */
  windowsOpen: Record<string, boolean>;
}

type Obj = Record<string, unknown>;

const WINDOW_PLACEHOLDER = { start: "", end: "", zone: "", startUtc: "", endUtc: "" };

function isStrings(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return false;
  return true;
}
function isCount(v: unknown): v is number {
  return typeof v === "number" && v >= 0 && v % 1 === 0 && v <= 9007199254740991;
}
function isPercent(v: unknown): v is number {
  return typeof v === "number" && v > 0 && v <= 100;
}
/** A list of collection slot indexes, as the lines' filter keys; null when unreadable. */
function collections(v: unknown, n: number): string[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const out: string[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const k = v[i];
    if (typeof k !== "number" || k < 0 || k >= n || k % 1 !== 0) return null;
    out[i] = COLLECTION_KEYS[k] ?? String(k);
  }
  return out;
}

const DAYS: readonly string[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/**
 * What the cart says about the conditions that need no line, so a promotion that fails one
 * can be left out before it is decoded (it would never be chosen, so it never blocks one).
 * The rules are evaluate()'s (conditionFailures), restated on the wire fields; the property
 * test in tests/domain/promotions/wire.test.ts holds the two to the same answers.
 */
export interface CartFacts {
  /** Upper-case ISO country code, or "". */
  country: string;
  /** The signed-in customer's order count; null for a guest or an unknown count. */
  orders: number | null;
  /** The customer's tags (among those asked about), lower-case; empty for a guest. */
  tags: readonly string[];
  /** resolveChannel(cart): "pos", the cart attribute's channel, or "online". */
  channel: string;
}

/** True when a condition that needs no line already rules the promotion out. */
export function failsOnFacts(w: Obj, facts: CartFacts): boolean {
  const g = w.g;
  if (g !== undefined) {
    if (g === "n" && facts.orders !== 0) return true;
    if (g === "r" && !(facts.orders !== null && facts.orders >= 1)) return true;
  }
  const t = w.t;
  if (t !== undefined && Array.isArray(t) && t.length > 0) {
    let has = false;
    for (let i = 0; i < t.length && !has; i++) has = typeof t[i] === "string" && facts.tags.indexOf((t[i] as string).toLowerCase()) !== -1;
    if (!has) return true;
  }
  const cc = w.cc;
  if (cc !== undefined && Array.isArray(cc) && cc.length > 0 && (facts.country === "" || cc.indexOf(facts.country) === -1)) return true;
  const ch = w.ch;
  if (ch !== undefined && Array.isArray(ch) && ch.length > 0) {
    let ok = false;
    for (let i = 0; i < ch.length && !ok; i++) ok = typeof ch[i] === "string" && (ch[i] as string).toLowerCase() === facts.channel;
    if (!ok) return true;
  }
  return false;
}

/**
 * Reads the wire set. `skip(id)` drops a promotion before it is decoded (kill switches);
 * `slots` drops the windowed promotions whose window is closed now (null: no clock, so every
 * windowed promotion is dropped — fail closed); `facts` drops those a condition that needs no
 * line rules out. Leaving out a promotion that could never be chosen changes no amount.
 */
export function readWireSet(
  json: unknown,
  slots: SlotAnswers | null,
  skip?: (id: string) => boolean,
  facts?: CartFacts,
): WireRead | null {
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return null;
  if (typeof value !== "object" || value === null) return null;
  const root = value as Obj;
  if (root.v !== WIRE_VERSION || typeof root.c !== "string" || root.c.length !== 3 || !Array.isArray(root.p)) return null;
  const floor = root.f === undefined ? 0 : root.f;
  if (typeof floor !== "number" || !(floor >= 0 && floor <= 100)) return null;
  const n = root.n === undefined ? 0 : root.n;
  if (!isCount(n) || n > COLLECTION_SLOTS) return null;

  const promotions: Promotion[] = [];
  const windowsOpen: Record<string, boolean> = {};
  const ids: string[] = [];
  const windows = slots !== null ? slots.windows : null;
  const recurring = slots !== null ? slots.recurring : null;
  const read = (raw: unknown[], slot: number): void => {
    for (let i = 0; i < raw.length; i++) {
      const item = raw[i];
      if (typeof item !== "object" || item === null) continue;
      const w = item as Obj;
      const id = w.i;
      if (typeof id !== "string" || id === "" || id === "*") continue;
      ids.push(id);
      // cheapest first: the window slots, then what the cart says, then kill switches
      const ws = slot >= 0 ? slot : w.w;
      const rs = w.r;
      const windowed = ws !== undefined || rs !== undefined;
      if (windowed) {
        if (windows === null || recurring === null) continue;
        if (ws !== undefined && (typeof ws !== "number" || windows[ws] !== true)) continue;
        if (rs !== undefined && (typeof rs !== "number" || recurring[rs] !== true)) continue;
      }
      if (facts !== undefined && failsOnFacts(w, facts)) continue;
      if (skip !== undefined && skip(id)) continue;
      const p = decodePromotion(w, id, n, ws !== undefined);
      if (p === null) continue;
      if (windowed) windowsOpen[id] = true;
      promotions.push(p);
    }
  };
  read(root.p as unknown[], -1);
  const groups = root.w;
  if (groups !== undefined) {
    if (!Array.isArray(groups)) return null;
    // only the open windows' groups are read at all
    for (let k = 0; k < groups.length; k++) if (windows !== null && windows[k] === true && Array.isArray(groups[k])) read(groups[k] as unknown[], k);
  }
  // A duplicated id drops every copy (parse.ts's rule) among the promotions read (a promotion in
  // a closed window is never chosen, so a copy of it there changes nothing): one native sort.
  let unique = promotions;
  const sorted = ids.sort();
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k] === sorted[k - 1]) {
      const twice = sorted[k]!;
      unique = unique.filter((p) => p.id !== twice);
    }
  }
  return {
    set: { schemaVersion: 1, currencyCode: root.c, floor: { minPercentOfSubtotal: floor, allowFreeOrder: root.z === 1 }, promotions: unique },
    collections: n,
    windowsOpen,
  };
}

function decodePromotion(w: Obj, id: string, n: number, oneOffWindow: boolean): Promotion | null {
  const priority = w.p;
  if (typeof priority !== "number" || !(priority === priority)) return null;
  const stacksWith = w.s === undefined ? [] : w.s;
  if (!isStrings(stacksWith)) return null;
  const conditions: Conditions = {};
  if (w.g !== undefined) {
    if (w.g === "n") conditions.customerSegment = "new";
    else if (w.g === "r") conditions.customerSegment = "returning";
    else return null;
  }
  if (w.t !== undefined) {
    if (!isStrings(w.t)) return null;
    conditions.customerTags = { anyOf: w.t };
  }
  if (w.cc !== undefined) {
    if (!isStrings(w.cc)) return null;
    conditions.markets = { countryCodes: w.cc };
  }
  if (w.ch !== undefined) {
    if (!isStrings(w.ch)) return null;
    conditions.channels = w.ch;
  }
  if (w.k !== undefined) {
    const k = collections(w.k, n);
    if (k === null) return null;
    conditions.cartContains = { anyOfCollections: k };
  }
  if (w.m !== undefined) {
    if (!isCount(w.m)) return null;
    conditions.minSubtotalCents = w.m;
  }
  if (oneOffWindow) conditions.timeWindow = WINDOW_PLACEHOLDER;
  if (w.r !== undefined) {
    let days: Weekday[] | undefined;
    if (w.d !== undefined) {
      if (!isStrings(w.d)) return null;
      for (let i = 0; i < w.d.length; i++) if (DAYS.indexOf(w.d[i]!) === -1) return null;
      days = w.d as Weekday[];
    }
    // The hours are answered by the timeBetween slot; evaluate() reads only the days.
    conditions.recurring = days ? { days, from: "00:00", to: "24:00" } : { from: "00:00", to: "24:00" };
  }
  const action = decodeAction(w.a, n);
  if (action === null) return null;
  let skuPatterns: string[] = [];
  if (w.x !== undefined) {
    if (!isStrings(w.x)) return null;
    skuPatterns = w.x;
  }
  const caps: Promotion["caps"] = {};
  if (w.cm !== undefined) {
    if (!isCount(w.cm)) return null;
    caps.maxDiscountCents = w.cm;
  }
  if (w.cp !== undefined) {
    if (!isPercent(w.cp)) return null;
    caps.maxDiscountPercent = w.cp;
  }
  if (w.cu !== undefined) {
    if (!isCount(w.cu)) return null;
    caps.perCustomerUses = w.cu;
  }
  if (w.cb !== undefined) {
    if (!isCount(w.cb)) return null;
    caps.totalBudgetCents = w.cb;
  }
  return { id, name: id, enabled: true, priority, stacksWith, conditions, action, exclusions: { skuPatterns }, caps };
}

function decodeAction(v: unknown, n: number): Action | null {
  if (typeof v !== "object" || v === null) return null;
  const a = v as Obj;
  const free = a.z === undefined ? undefined : a.z === 1 ? true : null;
  if (free === null) return null;
  switch (a.t) {
    case "%":
    case "$": {
      const appliesTo = a.o === undefined ? "matching_lines" : a.o === 1 ? "order" : null;
      if (appliesTo === null) return null;
      let lines: string[] | null = null;
      if (a.l !== undefined) {
        if (appliesTo === "order") return null;
        lines = collections(a.l, n);
        if (lines === null) return null;
      }
      let action: PercentOffAction | FixedOffAction;
      if (a.t === "%") {
        if (!isPercent(a.v)) return null;
        action = { type: "percent_off", percent: a.v, appliesTo };
      } else {
        if (!isCount(a.v) || a.v === 0) return null;
        action = { type: "fixed_off", amountCents: a.v, appliesTo };
      }
      if (lines !== null) action.lines = { anyOfCollections: lines };
      if (free) action.allowFreeOrder = true;
      return action;
    }
    case "s":
      return { type: "free_shipping" };
    case "b": {
      if (!isCount(a.bq) || a.bq < 1 || !isCount(a.gq) || a.gq < 1 || !isPercent(a.gv)) return null;
      if (a.n !== undefined && !(isCount(a.n) && a.n >= 1)) return null;
      const buyLines = a.bl === undefined ? undefined : collections(a.bl, n);
      const getLines = a.gl === undefined ? undefined : collections(a.gl, n);
      if (buyLines === null || getLines === null) return null;
      const action: Action = {
        type: "buy_x_get_y",
        buy: buyLines ? { quantity: a.bq, anyOfCollections: buyLines } : { quantity: a.bq },
        get: getLines ? { quantity: a.gq, percent: a.gv, anyOfCollections: getLines } : { quantity: a.gq, percent: a.gv },
      };
      if (a.n !== undefined) action.maxApplications = a.n as number;
      if (free) action.allowFreeOrder = true;
      return action;
    }
    default:
      return null;
  }
}
