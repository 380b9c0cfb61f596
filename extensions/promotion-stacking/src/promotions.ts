/**
 * What both targets share: read the compiled promotion set, the kill switches and the
 * shop.localTime slot answers from the input, build the one CartContext the engine takes,
 * and evaluate. Both targets build the SAME context from the same cart, so they make the
 * same selection (a promotion chosen for the lines blocks a non-stacking free shipping in
 * the delivery target too).
 *
 * Never throws on ordinary input: no metafield, an unreadable one, an empty cart or a
 * frozen shop give null (no operations). The callers still wrap it in try/catch.
 *
 * Cost (see ../README in app/domain/promotions): everything here runs inside the Wasm
 * instruction budget, so lines are read in one loop, amounts parsed without builtins that
 * allocate, and nothing is built for a promotion the window slots or a kill switch drop.
 */
import { arePromotionsFrozen, isPromotionKilled, parseKillSwitches } from "../../../app/domain/kill-switches/format";
import { evaluate, resolveChannel } from "../../../app/domain/promotions/evaluate";
import type { CartContext, DeliveryOptionInput, Evaluation, LineColumns, PromotionSet } from "../../../app/domain/promotions/types";
import { COLLECTION_KEYS, readWireSet, type CartFacts } from "../../../app/domain/promotions/wire";

/** The input fields both queries select (aliases as in the .graphql files). */
export interface PromotionInput {
  cart: {
    l: readonly {
      i: string;
      q: number;
      c: { s: { a: unknown } };
      m: { s?: string | null; c0?: boolean; c1?: boolean; c2?: boolean; c3?: boolean } | Record<string, never>;
    }[];
    k?: { s?: { c?: string | null } | null } | null;
    b?: { c?: { i: string; n: number; t?: readonly { t: string; h: boolean }[] | null; u?: { j?: unknown } | null } | null } | null;
    r?: { i: string } | null;
    a?: { v?: string | null } | null;
    g?: readonly { o: readonly { h: string; c: { a: unknown } }[]; s?: { h: string } | null }[];
  };
  o?: { c?: { i?: string | null } | null } | null;
  r?: unknown;
  s: {
    t: { d: unknown } & Record<string, unknown>;
    k?: { j?: unknown } | null;
  };
  d: { p?: { j?: unknown } | null; b?: { j?: unknown } | null };
}

export interface Evaluated {
  set: PromotionSet;
  cart: CartContext;
  evaluation: Evaluation;
  /** Minor-unit exponent of the cart's currency (2 for USD, 0 for JPY). */
  exponent: number;
}

const WINDOW_KEYS = ["w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"] as const;
const RECURRING_KEYS = ["h0", "h1", "h2", "h3"] as const;
/** ISO 4217 currencies whose minor unit is not 2 digits (the same list as app/domain/money.ts). */
const ZERO_DECIMAL = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF";
const THREE_DECIMAL = "BHD IQD JOD KWD LYD OMR TND";
const SCALE = [1, 10, 100, 1000];
const NO_KEYS: readonly string[] = [];
const NO_LINES: never[] = [];

/** A Decimal string ("45.67") → minor units; NaN for anything else (the line is then treated as free). */
export function toCents(value: unknown, scale: number): number {
  if (typeof value !== "string") return NaN;
  return Math.round(+value * scale);
}

/** Minor units → Decimal string, exactly (4567 → "45.67", 5 → "0.05"). */
export function toDecimal(cents: number, exponent: number): string {
  if (exponent === 0) return "" + cents;
  const unit = SCALE[exponent]!;
  const fraction = cents % unit;
  const whole = (cents - fraction) / unit;
  if (exponent === 2) return whole + (fraction < 10 ? ".0" : ".") + fraction;
  return whole + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
}

function exponentOf(currency: string | null | undefined): number {
  if (!currency) return 2;
  if (ZERO_DECIMAL.indexOf(currency) !== -1) return 0;
  if (THREE_DECIMAL.indexOf(currency) !== -1) return 3;
  return 2;
}

/** Reads the input and evaluates the set on the cart; null when nothing can apply. */
export function evaluateInput(input: PromotionInput, deliveryOptions: boolean): Evaluated | null {
  const read = readInput(input, deliveryOptions);
  if (read === null) return null;
  return { ...read, evaluation: evaluate(read.set, read.cart, { checkout: true }) };
}

/**
 * The set and the cart as the engine takes them; null when nothing can apply. Promotions
 * that cannot be chosen in this checkout are left out before they are decoded: killed ones,
 * closed windows, and those a condition that needs no line rules out (customer, country,
 * channel). A promotion that is never chosen never blocks another, so amounts are unchanged.
 */
export function readInput(input: PromotionInput, deliveryOptions: boolean): Omit<Evaluated, "evaluation"> | null {
  const wireJson = input.d.p?.j;
  if (wireJson === undefined || wireJson === null) return null;
  const cartIn = input.cart;
  const raw = cartIn.l;
  const n = raw.length;
  if (n === 0) return null;
  const shop = input.s;
  const today = typeof shop.t.d === "string" ? shop.t.d : null;
  const ks = parseKillSwitches(shop.k?.j);
  if (arePromotionsFrozen(ks, today)) return null;

  const customerIn = cartIn.b?.c;
  let customer: CartContext["customer"] = null;
  let customerUses: Record<string, number> | undefined;
  const tagsLower: string[] = [];
  if (customerIn) {
    const tags: string[] = [];
    const answers = customerIn.t;
    if (answers) {
      for (let k = 0; k < answers.length; k++) {
        const a = answers[k]!;
        if (a.h === true && typeof a.t === "string") {
          tags.push(a.t);
          tagsLower.push(a.t.toLowerCase());
        }
      }
    }
    customer = { id: customerIn.i, numberOfOrders: customerIn.n, tags };
    const uses = customerIn.u?.j;
    if (typeof uses === "object" && uses !== null) customerUses = uses as Record<string, number>;
  }
  const countryCode = input.o?.c?.i ?? null;
  const channelAttribute = cartIn.a?.v ?? null;
  const isPos = cartIn.r !== null && cartIn.r !== undefined;
  const facts: CartFacts = {
    country: typeof countryCode === "string" ? countryCode.toUpperCase() : "",
    orders: customer !== null && typeof customer.numberOfOrders === "number" ? customer.numberOfOrders : null,
    tags: tagsLower,
    channel: resolveChannel({ isPos, channel: channelAttribute }),
  };

  const t = shop.t;
  const windows: (boolean | undefined)[] = new Array(WINDOW_KEYS.length);
  for (let k = 0; k < WINDOW_KEYS.length; k++) windows[k] = t[WINDOW_KEYS[k]!] as boolean | undefined;
  const recurring: (boolean | undefined)[] = new Array(RECURRING_KEYS.length);
  for (let k = 0; k < RECURRING_KEYS.length; k++) recurring[k] = t[RECURRING_KEYS[k]!] as boolean | undefined;
  const killed = ks.promo.length > 0 ? (id: string) => isPromotionKilled(ks, id, today) : undefined;
  const read = readWireSet(wireJson, { windows, recurring }, killed, facts);
  if (read === null || read.set.promotions.length === 0) return null;

  const currency = cartIn.k?.s?.c ?? read.set.currencyCode;
  const exponent = exponentOf(currency);
  const scale = SCALE[exponent]!;

  // One pass over the lines, straight into the columns evaluate() takes (no object per line).
  const collections = read.collections;
  const ids: string[] = [];
  const quantities: number[] = [];
  const subtotals: number[] = [];
  const skus: string[] = [];
  const bits: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const l = raw[i]!;
    const m = l.m as { s?: string | null; c0?: boolean; c1?: boolean; c2?: boolean; c3?: boolean };
    const q = l.q;
    const quantity = q > 0 && q % 1 === 0 ? q : 0;
    // a line we cannot read (or of quantity 0) is worth nothing: never discounted, never counted
    let cents = 0;
    const amount = l.c.s.a;
    if (quantity > 0 && typeof amount === "string") {
      // round half up without a call: x | 0 is ⌊x⌋ for 0 ≤ x < 2^31 (cheaper than x − x % 1, which larger amounts use)
      const x = +amount * scale + 0.5;
      cents = x < 2147483647 ? x | 0 : x - (x % 1);
      if (!(cents > 0)) cents = 0;
    }
    ids[i] = l.i;
    quantities[i] = quantity;
    subtotals[i] = cents;
    total += cents;
    const sku = m.s;
    skus[i] = typeof sku === "string" ? sku : "";
    // collection slots (inAnyCollection per group): only the slots the set uses are read
    let b = 0;
    if (collections > 0) {
      if (m.c0 === true) b = 1;
      if (collections > 1) {
        if (m.c1 === true) b |= 2;
        if (collections > 2) {
          if (m.c2 === true) b |= 4;
          if (collections > 3 && m.c3 === true) b |= 8;
        }
      }
    }
    bits[i] = b;
  }
  const lineColumns: LineColumns = {
    id: ids,
    quantity: quantities,
    subtotal: subtotals,
    sku: skus,
    collectionBits: bits,
    collectionKeys: collections > 0 ? COLLECTION_KEYS.slice(0, collections) : NO_KEYS,
    total,
  };

  const budget = input.d.b?.j;
  const rate = typeof input.r === "string" ? +input.r : 1;
  const cart: CartContext = {
    currencyCode: currency,
    presentmentRate: rate > 0 ? rate : 1,
    lines: NO_LINES,
    lineColumns,
    customer,
    countryCode,
    channel: channelAttribute,
    isPos,
    now: { shopDate: today ?? "", windowsOpen: read.windowsOpen },
  };
  if (customerUses !== undefined) cart.customerUses = customerUses;
  if (typeof budget === "object" && budget !== null) cart.budgetUsed = budget as Record<string, number>;
  if (deliveryOptions) {
    const options: DeliveryOptionInput[] = [];
    const groups = cartIn.g ?? [];
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const selected = group.s?.h;
      for (let k = 0; k < group.o.length; k++) {
        const o = group.o[k]!;
        options.push({ handle: o.h, costCents: toCents(o.c.a, scale), selected: o.h === selected });
      }
    }
    cart.deliveryOptions = options;
  }
  return { set: read.set, cart, exponent };
}
