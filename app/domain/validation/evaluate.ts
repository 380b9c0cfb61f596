/**
 * Runs a rule set on a cart: the checkout function calls it with its input as Shopify
 * sends it and the slot clock; the admin's "why was this cart blocked" lookup calls it with
 * a cart it builds in the same shape and the exact clock (explain.ts then words each
 * verdict). Pure; never throws on a cart.
 *
 * Buyer-journey steps (Input.buyerJourney.step):
 *   CART_INTERACTION      the cart page: an error there stops the cart change. Maximums,
 *                         per-customer limits, time gates and ATP apply (the shopper learns
 *                         early); minimums do not (they would stop a cart from being built
 *                         up), nor do address rules or the guest log-in requirement.
 *   CHECKOUT_INTERACTION  every rule; address rules for the addresses entered so far.
 *   CHECKOUT_COMPLETION   every rule.
 *   null                  as CHECKOUT_COMPLETION: a step we cannot name is no reason to let a rule go.
 *
 * Error targets are the checkout field the shopper can fix:
 *   $.cart.lines[i].quantity                          a line's quantity (the first line of that SKU)
 *   $.cart.deliveryGroups[i].deliveryAddress.<field>  countryCode, provinceCode, zip, address1, address2
 *   $.cart                                            the order as a whole (totals, log in, several lines)
 *
 * Leniency: parse.ts checks the set's shape; each rule's fields are checked here, where
 * they are used (num/list/oneOf). A field it cannot use throws inside that rule's
 * evaluation, the rule becomes "unreadable" and the set's failureMode decides: a rule is
 * never silently loosened (a missing max must not mean "no max").
 *
 * Cost: this runs inside the function, where loading a byte of code costs ~670 Wasm
 * instructions and each JS operation hundreds. So: one pass over the lines (grouped by
 * SKU), each rule looks only at its SKUs, no strings are built unless a rule fails.
 */
import { CHECKOUT_ATP_ASOF_SPAN } from "../inventory/atp-metafield";
import { currencyExponent } from "../money";
import { globMatch, isPoBox, normalizePostalCode, splitPostalPattern } from "./address";
import { readCustomerCount } from "./customer-limits";
import { countOf, formatAmount, formatWallTime, listItems, message, pickLanguage, type Lang } from "./messages";
import type { CheckoutInput, Clock, Evaluation, Rule, RuleSet, ValidationMessage, VerdictReason } from "./types";

export const CART_TARGET = "$.cart";

/** The cart's lines with a SKU, one entry per SKU, in order of first appearance. */
export interface SkuGroup {
  sku: string;
  quantity: number;
  /** Index of the first line with this SKU: the error target. */
  line: number;
  /** Its entry (total × 10^10 + asOf) in the validation's ATP copy (stockOf(input).t), or null. */
  atp: number | null;
}

/**
 * The validation's copy of the figures its ATP rules need (`validation.stock`, format
 * CHECKOUT_ATP_METAFIELD in ../inventory/atp-metafield.ts), read leniently: never throws.
 * `t` SKU → total × 10^10 + asOf; `l` location key → (SKU → n × 10^10 + asOf); `over` when the app could
 * not fit the governed figures (every ATP rule is then unreadable).
 */
export interface Stock {
  t: Record<string, unknown> | null;
  l: Record<string, unknown> | null;
  over: boolean;
}

const NO_STOCK: Stock = { t: null, l: null, over: false };

export function stockOf(input: Pick<CheckoutInput, "validation">): Stock {
  const raw = input.validation?.stock?.jsonValue as { v?: unknown; t?: unknown; l?: unknown; over?: unknown } | null | undefined;
  if (!raw || typeof raw !== "object" || raw.v !== 1) return NO_STOCK;
  const t = raw.t && typeof raw.t === "object" ? (raw.t as Record<string, unknown>) : null;
  const l = raw.l && typeof raw.l === "object" ? (raw.l as Record<string, unknown>) : null;
  return { t, l, over: raw.over === true };
}

/**
 * Which SKUs any rule of the set can govern: every exact SKU and prefix of its SKU-scoped
 * rules that are not off, and whether an ATP rule governs every line with a figure. A prefix
 * "HD-" is kept as the string range ["HD-", "HD."): a SKU starts with it exactly when it
 * falls in the range, and comparing strings is one VM operation where startsWith is a call.
 * [lo, hi) covers every exact SKU and prefix range: a SKU outside it (most lines of a big
 * cart) is rejected by two comparisons.
 */
export interface Governed {
  /** Exact SKUs, as keys of a prototype-less object (a property read costs the function less than Set.has). */
  exact: Record<string, true | undefined>;
  prefixes: string[];
  /** Upper bounds of the prefixes' ranges: prefix with its last character incremented. */
  ends: string[];
  lo: string;
  hi: string;
  /** An ATP rule (not off) governs every line with a figure. */
  anyWithAtp: boolean;
  /** Some ATP rule is not off: the validation's ATP copy is read. */
  anyAtp: boolean;
}

/** Number.MAX_SAFE_INTEGER as a module constant: reading the global costs the function two lookups per line. */
const MAX_SAFE = 9007199254740991;

/** Above any SKU a shop has: the end of the range of the pattern "*". */
const TOP = "\uffff\uffff\uffff\uffff";

export function governedBy(rules: readonly Rule[]): Governed {
  const exact = Object.create(null) as Record<string, true | undefined>;
  const prefixes: string[] = [];
  const ends: string[] = [];
  let lo = "";
  let hi = "";
  let any = false;
  let anyWithAtp = false;
  let anyAtp = false;
  // Index loops, no closures, each SKU once: this runs on every checkout, and the same drop
  // SKUs usually appear in several rules.
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    if (rule.mode === "off") continue;
    const skus = (rule as { skus?: unknown }).skus;
    if (!Array.isArray(skus)) continue;
    if (rule.kind === "atp") {
      anyAtp = true;
      if (skus.length === 0) anyWithAtp = true;
    }
    for (let k = 0; k < skus.length; k++) {
      const p: unknown = skus[k];
      if (typeof p !== "string") continue;
      let start = p;
      let end: string;
      if (p[p.length - 1] !== "*") {
        if (exact[p] === true) continue;
        exact[p] = true;
        end = p + "\u0000"; // the least string after p
      } else {
        const prefix = p.slice(0, -1);
        const last = prefix.charCodeAt(prefix.length - 1);
        // No code unit above U+FFFF to increment to: the prefix followed by TOP bounds it instead.
        end = prefix === "" ? TOP : last === 0xffff ? prefix + TOP : prefix.slice(0, -1) + String.fromCharCode(last + 1);
        prefixes.push(prefix);
        ends.push(end);
        start = prefix;
      }
      if (!any || start < lo) lo = start;
      if (!any || end > hi) hi = end;
      any = true;
    }
  }
  return { exact, prefixes, ends, lo, hi, anyWithAtp, anyAtp };
}

/**
 * One pass over the lines: the total quantity of all lines, and the lines with a SKU
 * grouped by SKU. With `governed`, only SKUs some rule can govern are grouped: a cart
 * line no rule looks at costs a property read and two string comparisons (inside the
 * function every JS operation is hundreds of Wasm instructions, and most lines of a big
 * cart are not the drop's), and allocates nothing.
 */
export function groupLines(
  lines: CheckoutInput["cart"]["lines"],
  governed?: Governed,
  figures: Record<string, unknown> | null = null,
): { groups: SkuGroup[]; total: number } {
  // SKU → its group. A prototype-less object, not a Map: a property read and write cost the
  // function less than Map.get/set calls, and without a prototype no SKU ("toString",
  // "__proto__") can find anything but its own group.
  const bySku = Object.create(null) as Record<string, SkuGroup | undefined>;
  const groups: SkuGroup[] = [];
  // Locals, not property reads, in the loop: each read is a VM operation per line.
  const all = governed === undefined;
  const lo = all ? "" : governed.lo;
  const hi = all ? "" : governed.hi;
  const exact = all ? null : governed.exact;
  // An ATP rule over every line governs the lines whose SKU has a figure.
  const withAtp = figures !== null && (all || governed.anyWithAtp);
  let total = 0;
  const add = (i: number, sku: string, q: number, entry: unknown) => {
    const quantity = q > 0 ? q : 0;
    const atp = typeof entry === "number" ? entry : null;
    const group = bySku[sku];
    if (group === undefined) {
      const created = { sku, quantity, line: i, atp };
      bySku[sku] = created;
      groups.push(created);
    } else {
      group.quantity += quantity;
      if (group.atp == null) group.atp = atp;
    }
  };
  if (!all && !withAtp) {
    // Most lines of a big cart fall outside [lo, hi): rejected by two comparisons, first
    // thing (a missing SKU compares false both ways and is dropped by the next test).
    let i = -1;
    for (const line of lines) {
      i++;
      const q = line.q;
      if (q > 0) total += q;
      const sku = line.m.s as string;
      if (sku < lo || sku >= hi) continue;
      if (!sku || !(exact![sku] === true || inPrefixes(sku, governed))) continue;
      add(i, sku, q, figures === null ? undefined : figures[sku]);
    }
    return { groups, total };
  }
  // Every line, or an ATP rule over every SKU: each line with a figure is grouped (add() inline: a call per line costs).
  let i = -1;
  for (const line of lines) {
    i++;
    const q = line.q;
    if (q > 0) total += q;
    const sku = line.m.s;
    if (!sku) continue;
    const entry = figures === null ? undefined : figures[sku];
    if (entry === undefined && !all && !(exact![sku] === true || inPrefixes(sku, governed))) continue;
    const quantity = q > 0 ? q : 0;
    const atp = typeof entry === "number" ? entry : null;
    const group = bySku[sku];
    if (group === undefined) {
      const created = { sku, quantity, line: i, atp };
      bySku[sku] = created;
      groups.push(created);
    } else {
      group.quantity += quantity;
      if (group.atp == null) group.atp = atp;
    }
  }
  return { groups, total };
}

function inPrefixes(sku: string, g: Governed): boolean {
  for (let k = 0; k < g.prefixes.length; k++) if (sku >= g.prefixes[k]! && sku < g.ends[k]!) return true;
  return false;
}

interface Context {
  set: RuleSet;
  input: CheckoutInput;
  clock: Clock;
  lang: Lang;
  stock: Stock;
  /** Only the SKUs some rule governs (governedBy). */
  groups: SkuGroup[];
  total: number;
  /** Minimums, address rules and the guest log-in wait for checkout. */
  atCart: boolean;
}

/** What a rule found. errors empty = passes; reason set with no errors and applies false = skipped. */
interface Outcome {
  errors: ValidationMessage[];
  applies: boolean;
  reason?: VerdictReason;
}

const outcome = (errors: ValidationMessage[], reason?: VerdictReason): Outcome => ({ errors, applies: true, reason });
const skip = (reason: VerdictReason): Outcome => ({ errors: [], applies: false, reason });

/* ---------------------------------------------------------- field checks --- */

function bad(field: string): never {
  throw new TypeError(`unreadable ${field}`);
}
/** An integer ≥ 0; undefined/null allowed only when optional. */
function num(v: unknown, field: string, optional?: boolean): number {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  return optional && v == null ? -1 : bad(field);
}
function list(v: unknown, field: string, optional?: boolean): string[] {
  if (optional && v == null) return [];
  if (!Array.isArray(v)) bad(field);
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") bad(field);
  return v;
}
function oneOf(v: unknown, a: string, b: string, field: string): boolean {
  return v === a ? false : v === b ? true : bad(field);
}

/* -------------------------------------------------------------- helpers --- */

const lineTarget = (index: number) => `$.cart.lines[${index}].quantity`;

function label(ctx: Context, sku: string): string {
  const text = ctx.set.labels[sku];
  return typeof text === "string" && text !== "" ? text : sku;
}

/**
 * Groups with a quantity whose SKU the patterns match, in line order. ctx.groups holds only
 * the SKUs some rule governs (a handful), so each is tested against the patterns directly:
 * one `includes` for exact SKUs, no matcher, Set or sort built per rule.
 */
function matching(ctx: Context, skus: readonly string[]): SkuGroup[] {
  const out: SkuGroup[] = [];
  if (skus.length === 0) return out;
  let prefixed = false;
  for (let k = 0; k < skus.length; k++) {
    const p = skus[k]!;
    if (p[p.length - 1] === "*") prefixed = true;
  }
  const groups = ctx.groups;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (g.quantity > 0 && (prefixed ? matchesAny(skus, g.sku) : skus.includes(g.sku))) out.push(g);
  }
  return out;
}

function matchesAny(patterns: readonly string[], sku: string): boolean {
  for (let k = 0; k < patterns.length; k++) {
    const p = patterns[k]!;
    if (p === sku) return true;
    if (p[p.length - 1] === "*" && sku.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}

function units(groups: SkuGroup[]): number {
  let n = 0;
  for (const g of groups) n += g.quantity;
  return n;
}

/** The target for a rule over several SKUs: the line when there is one, else the cart. */
const targetOf = (groups: SkuGroup[]) => (groups.length === 1 ? lineTarget(groups[0]!.line) : CART_TARGET);
const itemsOf = (ctx: Context, groups: SkuGroup[]) => listItems(groups.map((g) => label(ctx, g.sku)), ctx.lang);

/* ---------------------------------------------------------------- rules --- */

function maxPerOrder(ctx: Context, rule: Extract<Rule, { kind: "maxPerOrder" }>): Outcome {
  const max = num(rule.max, "max");
  const perRule = rule.per != null && oneOf(rule.per, "sku", "rule", "per");
  const groups = matching(ctx, list(rule.skus, "skus"));
  if (groups.length === 0) return skip("no_lines");
  const errors: ValidationMessage[] = [];
  if (perRule) {
    if (units(groups) > max) {
      errors.push({ target: targetOf(groups), message: message(ctx.lang, "maxPerOrderTotal", { items: itemsOf(ctx, groups), count: countOf(max, ctx.lang) }) });
    }
  } else {
    for (const g of groups) {
      if (g.quantity > max) errors.push({ target: lineTarget(g.line), message: message(ctx.lang, "maxPerOrder", { item: label(ctx, g.sku), max }) });
    }
  }
  return outcome(errors);
}

function customerLimit(ctx: Context, rule: Extract<Rule, { kind: "customerLimit" }>): Outcome {
  const max = num(rule.max, "max");
  const blockGuests = oneOf(rule.guests, "allow", "block", "guests");
  const groups = matching(ctx, list(rule.skus, "skus"));
  if (groups.length === 0) return skip("no_lines");
  const inCart = units(groups);
  const customer = ctx.input.cart.buyerIdentity?.customer;
  const fail = (code: "customerLimit" | "loginRequired" | "limitUnverified", target = targetOf(groups)) => [
    { target, message: message(ctx.lang, code, { items: itemsOf(ctx, groups), max }) },
  ];
  if (!customer) {
    if (blockGuests && !ctx.atCart) return outcome(fail("loginRequired", CART_TARGET), "guest_blocked");
    return outcome(inCart > max ? fail("customerLimit") : [], "guest");
  }
  const already = readCustomerCount(customer.limits ? customer.limits.jsonValue : null, rule.id);
  if (already === null) return outcome(ctx.set.failureMode === "closed" ? fail("limitUnverified") : [], "counts_unreadable");
  if (already + inCart <= max) return outcome([]);
  const left = max - already;
  const items = itemsOf(ctx, groups);
  const text =
    left <= 0
      ? message(ctx.lang, "customerLimitReached", { items, max, already })
      : already > 0
        ? message(ctx.lang, "customerLimitLeft", { items, max, already, left })
        : message(ctx.lang, "customerLimit", { items, max });
  return outcome([{ target: targetOf(groups), message: text }]);
}

function cartQuantity(ctx: Context, rule: Extract<Rule, { kind: "cartQuantity" }>): Outcome {
  const min = num(rule.min, "min", true);
  const max = num(rule.max, "max", true);
  if (min < 0 && max < 0) bad("min/max");
  if (max >= 0 && ctx.total > max) return outcome([{ target: CART_TARGET, message: message(ctx.lang, "cartMax", { count: countOf(max, ctx.lang) }) }]);
  if (min < 0) return outcome([]);
  if (ctx.atCart) return max < 0 ? skip("at_cart") : outcome([]);
  return outcome(ctx.total < min ? [{ target: CART_TARGET, message: message(ctx.lang, "cartMin", { count: countOf(min, ctx.lang) }) }] : []);
}

function subtotal(ctx: Context, rule: Extract<Rule, { kind: "subtotal" }>): Outcome {
  const minShop = num(rule.minCents, "minCents", true);
  const maxShop = num(rule.maxCents, "maxCents", true);
  if ((minShop < 0 && maxShop < 0) || ctx.set.currencyCode.length !== 3) bad("subtotal");
  const amount = ctx.input.cart.cost.subtotalAmount;
  const value = Number(amount.amount);
  if (!Number.isFinite(value)) return skip("no_subtotal");
  const rate = Number(ctx.input.presentmentCurrencyRate);
  if (!Number.isFinite(rate) || rate <= 0) return skip("bad_rate");
  const code = amount.currencyCode;
  const exponent = currencyExponent(code);
  const minor = Math.round(value * 10 ** exponent);
  // Shop-currency minor units → presentment minor units, rounded half up.
  const convert = (shopMinor: number) => Math.round((shopMinor / 10 ** currencyExponent(ctx.set.currencyCode)) * rate * 10 ** exponent);
  const fail = (code2: "subtotalMin" | "subtotalMax", limit: number) => [
    { target: CART_TARGET, message: message(ctx.lang, code2, { amount: formatAmount(limit, exponent, code, ctx.lang) }) },
  ];
  if (maxShop >= 0 && minor > convert(maxShop)) return outcome(fail("subtotalMax", convert(maxShop)));
  if (minShop < 0) return outcome([]);
  if (ctx.atCart) return maxShop < 0 ? skip("at_cart") : outcome([]);
  return outcome(minor < convert(minShop) ? fail("subtotalMin", convert(minShop)) : []);
}

function region(ctx: Context, rule: Extract<Rule, { kind: "region" }>): Outcome {
  const countries = list(rule.countries, "countries", true);
  const provinces = list(rule.provinces, "provinces", true);
  const postal = list(rule.postalCodes, "postalCodes", true);
  if (ctx.atCart) return skip("at_cart");
  const errors: ValidationMessage[] = [];
  const groups = ctx.input.cart.deliveryGroups;
  let any = false;
  for (let i = 0; i < groups.length; i++) {
    const address = groups[i]!.deliveryAddress;
    if (!address) continue;
    any = true;
    const at = `$.cart.deliveryGroups[${i}].deliveryAddress.`;
    const country = (address.countryCode ?? "").toUpperCase();
    const province = (address.provinceCode ?? "").toUpperCase();
    if (country && countries.includes(country)) {
      errors.push({ target: `${at}countryCode`, message: message(ctx.lang, "countryBlocked", { country }) });
      continue;
    }
    if (province && provinces.includes(`${country}-${province}`)) {
      errors.push({ target: `${at}provinceCode`, message: message(ctx.lang, "provinceBlocked", { province }) });
    }
    if (address.zip && postalBlocked(postal, country, address.zip)) {
      errors.push({ target: `${at}zip`, message: message(ctx.lang, "postalBlocked", { zip: address.zip.trim() }) });
    }
    if (rule.poBoxes === true) {
      const field = isPoBox(address.address1) ? "address1" : isPoBox(address.address2) ? "address2" : null;
      if (field) errors.push({ target: at + field, message: message(ctx.lang, "poBox", {}) });
    }
  }
  return any ? outcome(errors) : skip("no_address");
}

/** Whether a postal-code pattern ("GB:BT*", or "BT*" for any country) matches: a pattern for another country is passed over before anything is normalized. */
function postalBlocked(patterns: readonly string[], country: string, zip: string): boolean {
  let normalized: string | null = null;
  for (let k = 0; k < patterns.length; k++) {
    const entry = patterns[k]!;
    if (entry.indexOf(":") === 2 && entry.slice(0, 2).toUpperCase() !== country) continue;
    const p = splitPostalPattern(entry);
    normalized ??= normalizePostalCode(zip);
    if (normalized !== "" && globMatch(p.glob, normalized)) return true;
  }
  return false;
}

function timeGate(ctx: Context, rule: Extract<Rule, { kind: "timeGate" }>): Outcome {
  const opensAt = typeof rule.opensAt === "string" && rule.opensAt.length === 19 ? rule.opensAt : bad("opensAt");
  const closesAt = rule.closesAt == null ? null : typeof rule.closesAt === "string" && rule.closesAt.length === 19 ? rule.closesAt : bad("closesAt");
  const groups = matching(ctx, list(rule.skus, "skus"));
  if (groups.length === 0) return skip("no_lines");
  const opened = ctx.clock.atOrAfter(opensAt);
  const closed = closesAt === null ? false : ctx.clock.atOrAfter(closesAt);
  const each = (code: "saleUnverified" | "notYetOnSale" | "noLongerOnSale") => {
    const when = code === "notYetOnSale" ? formatWallTime(opensAt, ctx.lang) : "";
    return groups.map((g) => ({ target: lineTarget(g.line), message: message(ctx.lang, code, { item: label(ctx, g.sku), when }) }));
  };
  // No slot answers for this gate (the app has not written the clock): the failure mode decides.
  if (opened === null || closed === null) return outcome(ctx.set.failureMode === "closed" ? each("saleUnverified") : [], "clock_unknown");
  if (!opened) return outcome(each("notYetOnSale"), "not_open");
  if (closed) return outcome(each("noLongerOnSale"), "closed");
  return outcome([], "open");
}

function atp(ctx: Context, rule: Extract<Rule, { kind: "atp" }>): Outcome {
  const skus = list(rule.skus, "skus");
  const budget = num(rule.staleAfterSeconds, "staleAfterSeconds");
  const failClosed = oneOf(rule.whenStale, "open", "closed", "whenStale");
  const location = rule.location == null ? null : typeof rule.location === "string" ? rule.location : bad("location");
  // The app could not fit the governed figures in the metafield: no figure can be trusted.
  if (ctx.stock.over) bad("stock figures (over the metafield's size)");
  // No SKUs: every group with a figure (ctx.groups holds only governed SKUs and those with one).
  const everyFigure = skus.length === 0;
  const groups = everyFigure ? ctx.groups : matching(ctx, skus);
  const atLocation = location === null ? null : ctx.stock.l ? (ctx.stock.l[location] as Record<string, unknown> | undefined) : undefined;
  // Fresh ⟺ asOf ≥ since (clock.freshSince): one clock question per rule, not per line.
  const since = ctx.clock.freshSince(budget);
  const errors: ValidationMessage[] = [];
  let governs = 0;
  for (const g of groups) {
    if (everyFigure && (g.quantity <= 0 || g.atp == null)) continue;
    governs++;
    // readCompactFigure's decoding, inline (no call, no object per line; tests/domain/
    // validation/stock.test.ts holds the two to the same answers): a usable entry is an
    // integer 0 ≤ e ≤ 2^53; asOf = e % span (0: none, stale), total = (e − asOf) / span.
    const entry = location === null ? g.atp : atLocation ? atLocation[g.sku] : null;
    const usable = typeof entry === "number" && entry >= 0 && entry % 1 === 0 && entry <= MAX_SAFE;
    const asOf = usable ? entry % CHECKOUT_ATP_ASOF_SPAN : 0;
    const available = usable ? (entry - asOf) / CHECKOUT_ATP_ASOF_SPAN : null;
    const fresh = usable && asOf > 0 && since !== null && asOf >= since;
    if (!fresh) {
      if (failClosed) errors.push({ target: lineTarget(g.line), message: message(ctx.lang, "stockUnconfirmed", { item: label(ctx, g.sku) }) });
    } else if (g.quantity > available!) {
      const item = label(ctx, g.sku);
      const text = available === 0 ? message(ctx.lang, "soldOut", { item }) : message(ctx.lang, "onlyLeft", { item, available: available! });
      errors.push({ target: lineTarget(g.line), message: text });
    }
  }
  return governs === 0 ? skip("no_lines") : outcome(errors);
}

const RULES: { [K in Rule["kind"]]: (ctx: Context, rule: Extract<Rule, { kind: K }>) => Outcome } = {
  maxPerOrder,
  customerLimit,
  cartQuantity,
  subtotal,
  region,
  timeGate,
  atp,
};

export interface EvaluateOptions {
  /** Ids of rules parse.ts could not read; they get verdict "unreadable". */
  unreadable?: readonly string[];
  /** false: leave `verdicts` empty (the function: only errors and testing reports leave it). */
  verdicts?: boolean;
}

export function evaluate(set: RuleSet, input: CheckoutInput, clock: Clock, options: EvaluateOptions = {}): Evaluation {
  const governed = governedBy(set.rules);
  const stock = governed.anyAtp ? stockOf(input) : NO_STOCK;
  const { groups, total } = groupLines(input.cart.lines, governed, stock.t);
  const lang = pickLanguage(input.localization.language.isoCode);
  const ctx: Context = { set, input, clock, lang, stock, groups, total, atCart: input.buyerJourney.step === "CART_INTERACTION" };
  const result: Evaluation = { errors: [], testing: [], verdicts: [] };
  const closed = set.failureMode === "closed";
  const verdicts = options.verdicts === false ? null : result.verdicts;
  let blockAll = false;
  // The admin writes rules sorted by id (serializeRuleSet); sort only a set that is not.
  let rules = set.rules;
  for (let i = 1; i < rules.length; i++) {
    if (rules[i - 1]!.id > rules[i]!.id) {
      rules = rules.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      break;
    }
  }
  for (const rule of rules) {
    if (rule.mode === "off") {
      verdicts?.push({ ruleId: rule.id, kind: rule.kind, mode: rule.mode, status: "skipped", errors: [] });
      continue;
    }
    let found: Outcome;
    try {
      const run = RULES[rule.kind] as ((c: Context, r: Rule) => Outcome) | undefined;
      found = run ? run(ctx, rule) : bad("kind");
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      const blocks = closed && rule.mode === "enforce";
      blockAll ||= blocks;
      verdicts?.push({ ruleId: rule.id, kind: rule.kind, mode: rule.mode, status: "unreadable", errors: [], reason: "unreadable", problem });
      continue;
    }
    const failing = found.errors.length > 0;
    const status = !failing ? (found.applies ? "passed" : "skipped") : rule.mode === "enforce" ? "blocked" : "would_block";
    verdicts?.push({ ruleId: rule.id, kind: rule.kind, mode: rule.mode, status, errors: found.errors, reason: found.reason });
    if (!failing) continue;
    if (rule.mode === "enforce") for (const e of found.errors) result.errors.push(e);
    else for (const e of found.errors) result.testing.push({ ruleId: rule.id, target: e.target, message: e.message });
  }
  for (const id of options.unreadable ?? []) {
    verdicts?.push({ ruleId: id, kind: "unknown", mode: "enforce", status: "unreadable", errors: [], reason: "unreadable" });
    blockAll ||= closed;
  }
  if (blockAll) result.errors.push(unavailableError(lang));
  return result;
}

/** The one "try again" error of a set that fails closed. */
export function unavailableError(language: string): ValidationMessage {
  return { target: CART_TARGET, message: message(pickLanguage(language), "unavailable", {}) };
}
