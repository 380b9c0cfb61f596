/**
 * The stacking engine: evaluate(set, cart) → which promotions apply, how much
 * each takes off which line, and why every other one does not.
 *
 * Imported by the discount Function (bundled by esbuild, run by Javy/QuickJS)
 * and by the admin (preview, replay, analysis), so it stays pure: no Intl,
 * no Date, no Node, no dependencies beyond ../money. It is also written for
 * QuickJS's costs: no RegExp, no closures or allocations per (promotion, line)
 * pair, reason strings built only when asked for.
 *
 * Two passes, both deterministic (README.md has the why):
 * 1. Selection, in priority order (lower first, then id): disabled → window →
 *    conditions → per-customer uses and budget → stacks (mutually) with every
 *    promotion already selected → has something to discount.
 * 2. Amounts, in a fixed phase order, each on the running price left by the
 *    ones before it: line percent (and buy X get Y) → line fixed → order
 *    percent → order fixed; then caps; then the floor, which trims the
 *    promotion that would cross it and leaves nothing for the ones after.
 *    Shipping is computed separately, on the delivery options.
 */
import { prorate } from "../money";
import type {
  BuyXGetYAction,
  CartContext,
  LineColumns,
  CartLineInput,
  EvaluateOptions,
  Evaluation,
  Explanation,
  ExplanationStatus,
  LineDiscount,
  LineFilter,
  OrderDiscount,
  Promotion,
  PromotionSet,
  ShippingDiscount,
  ShopClock,
} from "./types";
import {
  allows,
  basisPoints,
  byPriorityThenId,
  filterIsEmpty,
  formatMoney,
  formatPercent,
  formatUtc,
  compileSkuPattern,
  matchesFilter,
  parseClockTime,
  parseUtc,
  parseWallTime,
  percentOfCeil,
  percentOfFloor,
  percentOfRounded,
  skuPatternMatches,
  type SkuPattern,
  toPresentment,
  wallSeconds,
  weekdayOf,
} from "./util";

/** The channel a cart is from: "pos" only when cart.retailLocation is present; else the storefront's attribute; else "online". */
export function resolveChannel(cart: Pick<CartContext, "isPos" | "channel">): string {
  if (cart.isPos) return "pos";
  const claimed = typeof cart.channel === "string" ? cart.channel.trim().toLowerCase() : "";
  // A cart attribute is buyer-controlled: it may never claim "pos".
  return claimed && claimed !== "pos" ? claimed : "online";
}

/** Amount phases: 0 line percent & BXGY, 1 line fixed, 2 order percent, 3 order fixed, 4 shipping. */
export function phaseOf(p: Promotion): number {
  const a = p.action;
  switch (a.type) {
    case "percent_off":
      return a.appliesTo === "order" ? 2 : 0;
    case "buy_x_get_y":
      return 0;
    case "fixed_off":
      return a.appliesTo === "order" ? 3 : 1;
    case "free_shipping":
      return 4;
  }
}

/** The filter a matching_lines action discounts: its own `lines`, else the cartContains condition, else every line (null). */
export function lineFilterOf(p: Promotion): LineFilter | null {
  const a = p.action;
  if (a.type !== "percent_off" && a.type !== "fixed_off") return null;
  if (a.appliesTo === "order") return null;
  if (!filterIsEmpty(a.lines)) return a.lines!;
  if (!filterIsEmpty(p.conditions.cartContains)) return p.conditions.cartContains!;
  return null;
}

/** The cart's lines as parallel arrays: no object per line (allocations are what cost most in QuickJS). */
interface Lines {
  n: number;
  id: string[];
  quantity: number[];
  subtotal: number[];
  productId: (string | undefined)[];
  collectionIds: (readonly string[] | undefined)[];
  /** Raw SKUs ("" for none); lower-cased once, and only if some promotion has SKU patterns (Ctx.skus). */
  sku: string[];
  /**
   * Each collection and product the set's filters name gets one bit (up to 30
   * of each); a line's bits say which it is/belongs to, so matching a line
   * against a filter is one AND. null when the set names more: slow path.
   */
  collectionBits: number[] | null;
  productBits: number[] | null;
}

interface FilterBits {
  collections: number;
  products: number;
}

/** A set of SKU patterns applied to the cart: which lines it excludes (mask and indexes) and their pre-discount subtotal. */
interface Exclusion {
  mask: boolean[];
  indexes: number[];
  subtotal: number;
}

interface Chosen {
  promotion: Promotion;
  explanation: Explanation;
  order: number;
  phase: number;
  excluded: Exclusion | null;
  stacksWithAll: boolean;
  /** Line indexes it discounts (empty for shipping). */
  targets: number[];
  /** BXGY: units discounted per target line. */
  getUnits: number[] | null;
  applications: number;
  /** Pre-discount subtotal of what it targets, for maxDiscountPercent. */
  base: number;
}

interface Ctx {
  explain: boolean;
  checkout: boolean;
  cart: CartContext;
  lines: Lines;
  shopCurrency: string;
  currency: string;
  rate: number;
  channel: string;
  subtotal: number;
  exclusions: Map<string, Exclusion | null>;
  /** targetsOf for actions without a line filter (order-level, or every line), per exclusion. */
  wholeCart: Map<Exclusion | null, Picked>;
  /** The SKUs lower-cased and joined, built the first time a pattern is tested. */
  skus: SkuIndex | null;
  collectionBit: Map<string, number> | null;
  productBit: Map<string, number> | null;
}

type Refusal = { status: ExplanationStatus; reason: string };

/** money.prorate (largest remainder), skipping the work when there is one part. */
const spread = (total: number, weights: number[]): number[] => (weights.length === 1 ? [total] : prorate(total, weights));

const money = (ctx: Ctx, shopMinor: number) => toPresentment(shopMinor, ctx.shopCurrency, ctx.currency, ctx.rate);
const fmt = (ctx: Ctx, minor: number) => formatMoney(minor, ctx.currency);

export function evaluate(set: PromotionSet, cart: CartContext, options: EvaluateOptions = {}): Evaluation {
  const checkout = options.checkout === true;
  const columns = cart.lineColumns;
  const lines = columns ? fromColumns(columns) : toLines(cart.lines);
  let subtotal = 0;
  if (columns !== undefined && columns.total !== undefined) subtotal = columns.total;
  else for (let i = 0; i < lines.n; i++) subtotal += lines.subtotal[i]!;
  const rate = cart.presentmentRate;
  const ctx: Ctx = {
    explain: !checkout && options.reasons !== false,
    checkout,
    cart,
    lines,
    shopCurrency: set.currencyCode,
    currency: cart.currencyCode || set.currencyCode,
    rate: typeof rate === "number" && rate > 0 && Number.isFinite(rate) ? rate : 1,
    channel: resolveChannel(cart),
    subtotal,
    exclusions: new Map(),
    wholeCart: new Map(),
    skus: null,
    collectionBit: null,
    productBit: null,
  };
  indexFilters(ctx, set.promotions, columns?.collectionKeys);
  const explain = ctx.explain;

  const promotions = set.promotions.slice().sort(byPriorityThenId);
  const explanations: Explanation[] = [];
  const chosen: Chosen[] = [];

  /* ---------------------------------------------------- 1. selection --- */
  for (let pi = 0; pi < promotions.length; pi++) {
    const p = promotions[pi]!;
    const e: Explanation = { promotionId: p.id, status: "applied", selected: false, amountCents: 0, reason: "" };
    explanations.push(e);
    let refusal: Refusal | null = null;

    if (!p.enabled) {
      refusal = { status: "disabled", reason: explain ? "disabled by the merchant" : "" };
    } else {
      const closed = windowRefusal(ctx, p);
      if (closed !== null) refusal = { status: "outside_window", reason: closed };
    }
    // Checkout mode checks what needs no line first, and stacking before the conditions that scan
    // lines: the same promotions are chosen (every check must pass either way), with less work.
    if (!refusal) {
      const notMet = conditionFailures(ctx, p, checkout ? CHEAP : ALL);
      if (notMet !== null) refusal = { status: "not_eligible", reason: notMet };
    }
    if (!refusal) refusal = usageRefusal(ctx, p);
    if (!refusal && chosen.length > 0) {
      // the mutual rule: p must allow every chosen promotion, and every chosen one must allow p
      const pList = p.stacksWith;
      const pAll = pList.indexOf("*") !== -1;
      for (let k = 0; k < chosen.length; k++) {
        const c = chosen[k]!;
        const other = c.promotion;
        if (!(pAll || pList.indexOf(other.id) !== -1) || !(c.stacksWithAll || other.stacksWith.indexOf(p.id) !== -1)) {
          refusal = { status: "does_not_stack", reason: explain ? stackingReason(p, other) : "" };
          break;
        }
      }
    }
    if (!refusal && checkout) {
      const notMet = conditionFailures(ctx, p, LINES);
      if (notMet !== null) refusal = { status: "not_eligible", reason: notMet };
    }
    const excluded = refusal ? null : excludedLines(ctx, p);
    const picked = refusal ? null : targetsOf(ctx, p, excluded);
    if (picked && "status" in picked) refusal = picked;
    if (refusal || !picked || "status" in picked) {
      e.status = refusal!.status;
      e.reason = refusal!.reason;
      continue;
    }
    e.selected = true;
    chosen.push({
      promotion: p, explanation: e, order: chosen.length, phase: phaseOf(p), excluded, stacksWithAll: p.stacksWith.indexOf("*") !== -1,
      targets: picked.targets, getUnits: picked.getUnits, applications: picked.applications, base: picked.base,
    });
  }

  /* ------------------------------------------------------ 2. amounts --- */
  let freeAllowed = false;
  if (set.floor.allowFreeOrder) {
    for (const c of chosen) if ("allowFreeOrder" in c.promotion.action && c.promotion.action.allowFreeOrder === true) freeAllowed = true;
  }
  let floorCents = subtotal > 0 ? percentOfCeil(subtotal, basisPoints(set.floor.minPercentOfSubtotal)) : 0;
  if (!freeAllowed && subtotal > 0 && floorCents < 1) floorCents = 1;

  const running = lines.subtotal.slice();
  let runningTotal = subtotal;
  const detail = !checkout && options.lineDetail !== false;
  const lineDiscounts: LineDiscount[] = [];
  const orderDiscounts: OrderDiscount[] = [];
  const shippingDiscounts: ShippingDiscount[] = [];

  const byPhase = chosen.slice().sort((a, b) => a.phase - b.phase || a.order - b.order);
  // Checkout mode: when every order-level promotion targets the same lines (the same exclusions),
  // each one's base is the last one's minus its amount, so nothing needs spreading over lines.
  let orderTotalsOnly = checkout;
  let orderExcluded: Exclusion | null | undefined;
  for (let ci = 0; ci < byPhase.length && orderTotalsOnly; ci++) {
    const c = byPhase[ci]!;
    if (c.phase !== 2 && c.phase !== 3) continue;
    if (orderExcluded === undefined) orderExcluded = c.excluded;
    else if (c.excluded !== orderExcluded) orderTotalsOnly = false;
  }
  let orderBase = -1;
  // Checkout mode adds up each line's line-level discount as it goes (only the lines touched).
  const lineLevel: number[] | null = checkout ? new Array(lines.n).fill(0) : null;
  const lineMask: number[] | null = checkout ? new Array(lines.n).fill(0) : null;
  const lineLevelIds: string[] = [];
  // What the line-level phases (0, 1) left on each line, before the order-level ones (2, 3).
  let afterLineLevel: number[] | null = null;
  for (let ci = 0; ci < byPhase.length; ci++) {
    const c = byPhase[ci]!;
    if (c.phase >= 2 && afterLineLevel === null && !orderTotalsOnly) afterLineLevel = running.slice();
    if (c.phase === 4) continue; // shipping, below
    const p = c.promotion;
    const e = c.explanation;
    const totalsOnly = orderTotalsOnly && c.phase !== 0 && c.phase !== 1;
    if (totalsOnly && orderBase === -1) {
      // what is left on its lines = what is left in the cart − what is left on the lines it excludes
      orderBase = runningTotal;
      if (c.excluded !== null) for (const i of c.excluded.indexes) orderBase -= running[i]!;
    }
    if (!totalsOnly && c.targets === UNLISTED) c.targets = listTargets(ctx, c.excluded);
    let shares = totalsOnly ? EMPTY : rawShares(ctx, c, running);
    let raw = totalsOnly ? orderAmount(ctx, c, orderBase) : 0;
    for (let k = 0; k < shares.length; k++) raw += shares[k]!;
    if (raw === 0) {
      e.status = "nothing_to_discount";
      e.reason = explain ? "its lines were already fully discounted by promotions applied before it" : "";
      continue;
    }
    let amount = raw;
    let note = "";

    const cap = capFor(ctx, p, c.base);
    if (cap && cap.limit < amount) {
      amount = cap.limit;
      if (!totalsOnly) shares = spread(amount, shares);
      e.status = "capped";
      if (explain) note = `${cap.why}; would have been ${fmt(ctx, raw)}`;
    }

    const headroom = runningTotal - floorCents > 0 ? runningTotal - floorCents : 0;
    if (amount > headroom) {
      if (explain) {
        const floorNote = `reduced from ${fmt(ctx, amount)} to ${fmt(ctx, headroom)}: ${floorWords(ctx, set, subtotal, floorCents, freeAllowed)}`;
        note = note ? `${note}; then ${floorNote}` : floorNote;
      }
      amount = headroom;
      if (!totalsOnly) shares = spread(amount, shares);
      e.status = "floor_reached";
    }

    const level = c.phase === 2 || c.phase === 3 ? "order" : "line";
    const targets = c.targets;
    let bit = 0;
    if (lineMask !== null && level === "line" && amount > 0 && lineLevelIds.length < 31) {
      bit = 1 << lineLevelIds.length;
      lineLevelIds.push(p.id);
    }
    const toLineLevel = lineLevel !== null && level === "line";
    for (let k = 0; k < shares.length; k++) {
      const share = shares[k]!;
      if (share <= 0) continue;
      const i = targets[k]!;
      running[i] = running[i]! - share;
      if (toLineLevel) {
        lineLevel![i] = lineLevel![i]! + share;
        lineMask![i] = lineMask![i]! | bit;
      }
      if (detail) lineDiscounts.push({ lineId: lines.id[i]!, promotionId: p.id, amountCents: share, level });
    }
    runningTotal -= amount;
    if (totalsOnly) orderBase -= amount;
    if (level === "order" && amount > 0) {
      const excludedLineIds: string[] = [];
      if (c.excluded) for (const i of c.excluded.indexes) excludedLineIds.push(lines.id[i]!);
      orderDiscounts.push({ promotionId: p.id, amountCents: amount, excludedLineIds });
    }
    e.amountCents = amount;
    if (explain) {
      const what = `${describeAction(ctx, c)} = ${fmt(ctx, amount)}`;
      e.reason = note ? `${what}; ${note}` : what;
    }
  }

  shipping(ctx, chosen, shippingDiscounts);

  let lineTotalCents: number[];
  let lineLevelCents: number[];
  const original = lines.subtotal;
  if (lineLevel !== null && orderTotalsOnly) {
    lineTotalCents = lineLevelCents = lineLevel;
  } else {
    lineTotalCents = new Array(lines.n);
    lineLevelCents = lineLevel ?? new Array(lines.n);
    const lineLevelLeft = afterLineLevel ?? running;
    for (let i = 0; i < lines.n; i++) {
      const before = original[i]!;
      lineTotalCents[i] = before - running[i]!;
      if (lineLevel === null) lineLevelCents[i] = before - lineLevelLeft[i]!;
    }
  }

  const evaluation: Evaluation = {
    currencyCode: ctx.currency,
    subtotalCents: subtotal,
    floorCents,
    lineDiscounts,
    lineTotalCents,
    lineLevelCents,
    orderDiscounts,
    shippingDiscounts,
    totalDiscountCents: subtotal - runningTotal,
    explanations,
  };
  if (lineMask !== null) {
    evaluation.lineLevelMask = lineMask;
    evaluation.lineLevelPromotionIds = lineLevelIds;
  }
  return evaluation;
}

/* ================================================================ lines === */

const MAX_SAFE = 9007199254740991;

function toLines(input: unknown): Lines {
  const raw: unknown[] = Array.isArray(input) ? input : [];
  const n = raw.length;
  const lines: Lines = {
    n,
    id: new Array(n),
    quantity: new Array(n),
    subtotal: new Array(n),
    productId: new Array(n),
    collectionIds: new Array(n),
    sku: new Array(n),
    collectionBits: null,
    productBits: null,
  };
  const { id, quantity: quantities, subtotal, productId, collectionIds, sku } = lines;
  for (let i = 0; i < n; i++) {
    const item = raw[i];
    const l = (typeof item === "object" && item !== null ? item : {}) as Partial<CartLineInput>;
    const q = l.quantity;
    // whole, positive, safe — written without builtin calls, which cost more than the arithmetic
    const quantity = typeof q === "number" && q > 0 && q % 1 === 0 && q <= MAX_SAFE ? q : 0;
    const cents = l.subtotalCents;
    id[i] = typeof l.id === "string" ? l.id : "";
    quantities[i] = quantity;
    subtotal[i] = quantity > 0 && typeof cents === "number" && cents > 0 && cents % 1 === 0 && cents <= MAX_SAFE ? cents : 0;
    productId[i] = typeof l.productId === "string" ? l.productId : undefined;
    const cols = l.collectionIds;
    collectionIds[i] = typeof cols === "object" && cols !== null && typeof cols.length === "number" ? cols : undefined;
    sku[i] = typeof l.sku === "string" ? l.sku : "";
  }
  return lines;
}

/** Lines the caller already holds as columns (the discount Function builds them while reading its input). */
function fromColumns(c: LineColumns): Lines {
  return {
    n: c.id.length,
    id: c.id,
    quantity: c.quantity,
    subtotal: c.subtotal,
    productId: EMPTY,
    collectionIds: EMPTY,
    sku: c.sku,
    collectionBits: c.collectionBits,
    productBits: null,
  };
}
const EMPTY: never[] = [];

const MAX_BITS = 30;

function filtersOf(p: Promotion): LineFilter[] {
  const out: LineFilter[] = [];
  if (p.conditions.cartContains) out.push(p.conditions.cartContains);
  const a = p.action;
  if ((a.type === "percent_off" || a.type === "fixed_off") && a.lines) out.push(a.lines);
  if (a.type === "buy_x_get_y") out.push(a.buy, a.get);
  return out;
}

/**
 * Give every collection and product the filters name a bit, and every line its bits. With
 * columns, the lines already carry collection bits (bit k = collectionKeys[k]) and no products.
 */
function indexFilters(ctx: Ctx, promotions: readonly Promotion[], collectionKeys?: readonly string[]): void {
  const collectionBit = new Map<string, number>();
  const productBit = new Map<string, number>();
  if (collectionKeys !== undefined) {
    for (let k = 0; k < collectionKeys.length && k < MAX_BITS; k++) collectionBit.set(collectionKeys[k]!, 1 << k);
    const lines = ctx.lines;
    lines.productBits = new Array(lines.n).fill(0);
    ctx.collectionBit = collectionBit;
    ctx.productBit = productBit;
    return;
  }
  for (let pi = 0; pi < promotions.length; pi++) {
    const filters = filtersOf(promotions[pi]!);
    for (let f = 0; f < filters.length; f++) {
      const { anyOfCollections, anyOfProducts } = filters[f]!;
      if (anyOfCollections) for (const c of anyOfCollections) if (!collectionBit.has(c)) collectionBit.set(c, 1 << collectionBit.size);
      if (anyOfProducts) for (const id of anyOfProducts) if (!productBit.has(id)) productBit.set(id, 1 << productBit.size);
    }
  }
  if (collectionBit.size + productBit.size === 0 || collectionBit.size > MAX_BITS || productBit.size > MAX_BITS) return;
  const lines = ctx.lines;
  const n = lines.n;
  const collectionBits: number[] = new Array(n);
  const productBits: number[] = new Array(n);
  const { collectionIds, productId } = lines;
  const anyCollections = collectionBit.size > 0;
  const anyProducts = productBit.size > 0;
  for (let i = 0; i < n; i++) {
    let bits = 0;
    const cols = collectionIds[i];
    if (anyCollections && cols !== undefined) for (let k = 0; k < cols.length; k++) bits |= collectionBit.get(cols[k]!) ?? 0;
    collectionBits[i] = bits;
    const product = productId[i];
    productBits[i] = anyProducts && product !== undefined ? productBit.get(product) ?? 0 : 0;
  }
  lines.collectionBits = collectionBits;
  lines.productBits = productBits;
  ctx.collectionBit = collectionBit;
  ctx.productBit = productBit;
}

/** A filter's bits, or null when lines have none (use matchesFilter). */
function bitsOf(ctx: Ctx, filter: LineFilter): FilterBits | null {
  if (ctx.lines.collectionBits === null || ctx.collectionBit === null || ctx.productBit === null) return null;
  let collections = 0;
  let products = 0;
  if (filter.anyOfCollections) for (const c of filter.anyOfCollections) collections |= ctx.collectionBit.get(c) ?? 0;
  if (filter.anyOfProducts) for (const id of filter.anyOfProducts) products |= ctx.productBit.get(id) ?? 0;
  return { collections, products };
}

/** Does line i match the filter? (bits when indexed, else the lists.) */
function lineMatches(lines: Lines, filter: LineFilter, bits: FilterBits | null, i: number): boolean {
  if (bits !== null) return ((lines.collectionBits![i]! & bits.collections) | (lines.productBits![i]! & bits.products)) !== 0;
  return matchesFilter(filter, lines.productId[i], lines.collectionIds[i]);
}

/** Which lines this promotion's SKU patterns exclude; computed once per distinct pattern list, each pattern once. */
function excludedLines(ctx: Ctx, p: Promotion): Exclusion | null {
  const patterns = p.exclusions.skuPatterns;
  if (patterns.length === 0) return null;
  if (patterns.length === 1) return patternExclusion(ctx, patterns[0]!);
  const key = patterns.join("\u0000");
  const cached = ctx.exclusions.get(key);
  if (cached !== undefined) return cached;
  let result: Exclusion | null = null;
  for (let k = 0; k < patterns.length; k++) {
    const one = patternExclusion(ctx, patterns[k]!);
    if (one === null) continue;
    if (result === null) {
      result = one;
      continue;
    }
    // union of two sorted index lists
    const a = result.indexes;
    const b = one.indexes;
    const indexes: number[] = [];
    const mask: boolean[] = result.mask.slice();
    const sub = ctx.lines.subtotal;
    let subtotal = 0;
    let x = 0;
    let y = 0;
    while (x < a.length || y < b.length) {
      let i: number;
      if (y >= b.length || (x < a.length && a[x]! < b[y]!)) i = a[x++]!;
      else if (x < a.length && a[x] === b[y]) {
        i = a[x++]!;
        y++;
      } else i = b[y++]!;
      indexes.push(i);
      mask[i] = true;
      subtotal += sub[i]!;
    }
    result = { mask, indexes, subtotal };
  }
  ctx.exclusions.set(key, result);
  return result;
}

/** The cart's SKUs lower-cased, and joined as "\n" + sku0 + "\n" + sku1 … + "\n" with each line's start. */
interface SkuIndex {
  /** Lower-cased SKUs, split only when a pattern needs testing line by line. */
  lower: string[] | null;
  /** null when a SKU holds a line break: patterns are then tested line by line. */
  joined: string | null;
  /** Offset in `joined` of the "\n" before each line. */
  starts: number[] | null;
}

/** Three native calls on one joined string instead of one call per line (a call is what costs in QuickJS). */
function skuIndex(lines: Lines): SkuIndex {
  const skus = lines.sku;
  const original = skus.join("\n");
  const text = original.toLowerCase();
  // Lower-casing that changes a length (a few Unicode letters grow; none shrink): line by line.
  // (A SKU holding "\n" is caught where a match is placed: it must sit at its line's edge.)
  if (text.length !== original.length) {
    const out: string[] = new Array(skus.length);
    for (let i = 0; i < skus.length; i++) out[i] = skus[i]!.toLowerCase();
    return { lower: out, joined: null, starts: null };
  }
  return { lower: null, joined: `\n${text}\n`, starts: null };
}

/** The line whose text in `joined` contains offset `at` (binary search over the starts). */
function lineAt(starts: number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The lines one SKU pattern matches (case-insensitive), or null when it matches none. Cached
 * per pattern. The common shapes ("gc-*", "*-clr", "exact") are found with indexOf on the
 * joined SKUs, so the cost follows the matches, not the lines; the rest line by line.
 */
function patternExclusion(ctx: Ctx, pattern: string): Exclusion | null {
  const cached = ctx.exclusions.get(pattern);
  if (cached !== undefined) return cached;
  const lines = ctx.lines;
  const n = lines.n;
  const index = ctx.skus ?? (ctx.skus = skuIndex(lines));
  const compiled: SkuPattern = compileSkuPattern(pattern);
  const parts = compiled.parts;
  const kind = parts === null ? 0 : parts.length === 1 ? 1 : parts.length === 2 && parts[1] === "" ? 2 : parts.length === 2 && parts[0] === "" ? 3 : 0;
  const sub = lines.subtotal;
  let indexes: number[] | null = null;
  let subtotal = 0;
  let mask: boolean[] = EMPTY;
  const joined = index.joined;
  if (kind !== 0 && joined !== null && pattern.indexOf("\n") === -1) {
    mask = new Array(n).fill(false);
    const text = kind === 3 ? parts![1]! : parts![0]!;
    const needle = kind === 1 ? `\n${text}\n` : kind === 2 ? `\n${text}` : `${text}\n`;
    let at = joined.indexOf(needle);
    if (at !== -1 && index.starts === null) {
      // lower-casing kept every length, so the original SKUs give the offsets
      const starts: number[] = new Array(n);
      let offset = 0;
      const sku = lines.sku;
      for (let i = 0; i < n; i++) {
        starts[i] = offset;
        offset += sku[i]!.length + 1;
      }
      index.starts = starts;
    }
    const starts = index.starts!;
    while (at !== -1 && at < joined.length - 1) {
      // prefix and exact needles start at the "\n" before their line, a suffix needle ends at the
      // "\n" after it; anywhere else the "\n" was inside a SKU, and it is no match
      const i = lineAt(starts, at);
      const end = i + 1 < n ? starts[i + 1]! : joined.length - 1;
      const edge = kind === 2 ? at === starts[i] : kind === 3 ? at + needle.length - 1 === end : at === starts[i] && at + needle.length - 1 === end;
      if (edge && !mask[i]) {
        mask[i] = true;
        if (indexes === null) indexes = [i];
        else indexes.push(i);
        subtotal += sub[i]!;
      }
      at = joined.indexOf(needle, at + 1);
    }
  } else {
    mask = new Array(n);
    const skus = index.lower ?? (index.lower = index.joined !== null ? index.joined.slice(1, -1).split("\n") : lines.sku.map((x) => x.toLowerCase()));
    for (let i = 0; i < n; i++) {
      if ((mask[i] = skuPatternMatches(compiled, skus[i]!))) {
        if (indexes === null) indexes = [i];
        else indexes.push(i);
        subtotal += sub[i]!;
      }
    }
  }
  const result: Exclusion | null = indexes === null ? null : { mask, indexes, subtotal };
  ctx.exclusions.set(pattern, result);
  return result;
}

function describeFilter(filter: LineFilter): string {
  const parts: string[] = [];
  if (filter.anyOfCollections?.length) parts.push(`collection ${filter.anyOfCollections.join(" or ")}`);
  if (filter.anyOfProducts?.length) parts.push(`product ${filter.anyOfProducts.join(" or ")}`);
  return parts.join(" or ");
}

/* =============================================================== window === */

function windowRefusal(ctx: Ctx, p: Promotion): string | null {
  const { timeWindow: tw, recurring: rec } = p.conditions;
  if (!tw && !rec) return null;
  const explain = ctx.explain;
  const now: ShopClock | undefined = ctx.cart.now;
  if (!now || typeof now !== "object") return explain ? "runs only at set times, and no clock was given" : "";

  if ("shopLocal" in now) {
    const local = parseWallTime(String(now.shopLocal));
    const offset = now.utcOffsetMinutes;
    if (!local || typeof offset !== "number" || !Number.isFinite(offset)) {
      return explain ? `the clock "${now.shopLocal}" is not a shop-local date-time` : "";
    }
    const nowUtc = wallSeconds(local) - offset * 60;
    if (tw) {
      const start = parseUtc(tw.startUtc);
      const end = parseUtc(tw.endUtc);
      if (start === null || end === null) return explain ? "its time window was never compiled to UTC (fail closed)" : "";
      if (nowUtc < start) return explain ? `starts ${tw.start} ${tw.zone} (${tw.startUtc}); now is ${formatUtc(nowUtc)}` : "";
      if (nowUtc >= end) return explain ? `ended ${tw.end} ${tw.zone} (${tw.endUtc}); now is ${formatUtc(nowUtc)}` : "";
    }
    if (rec) {
      const day = weekdayOf(local);
      if (rec.days && !rec.days.includes(day)) return explain ? `runs on ${rec.days.join(", ")} only; it is ${day} in shop time` : "";
      const from = parseClockTime(rec.from, false);
      const to = parseClockTime(rec.to, true);
      const seconds = local.hh * 3600 + local.mm * 60 + local.ss;
      if (from === null || to === null || seconds < from * 60 || seconds >= to * 60) {
        return explain ? `runs ${rec.from}–${rec.to} shop time; it is ${String(now.shopLocal).slice(11, 16)}` : "";
      }
    }
    return null;
  }

  if (rec?.days) {
    const date = parseWallTime(String(now.shopDate));
    if (!date) return explain ? `shop.localTime.date "${now.shopDate}" is not a date` : "";
    const day = weekdayOf(date);
    if (!rec.days.includes(day)) return explain ? `runs on ${rec.days.join(", ")} only; it is ${day} in shop time` : "";
  }
  const open = now.windowsOpen?.[p.id];
  if (open === true) return null;
  if (!explain) return "";
  if (open === undefined) return "no shop.localTime answer was given for its window (fail closed)";
  const parts: string[] = [];
  if (tw) parts.push(`${tw.start} to ${tw.end} ${tw.zone}`);
  if (rec) parts.push(`${rec.from}–${rec.to} shop time${rec.days ? ` on ${rec.days.join(", ")}` : ""}`);
  return `outside ${parts.join(", ")} according to shop.localTime`;
}

/* =========================================================== conditions === */

const SEGMENT_WORD = { new: "new", returning: "returning" } as const;

/** Which conditions conditionFailures checks: those that need no line, those that scan lines (with exclusions), or all. */
const CHEAP = 1;
const LINES = 2;
const ALL = 3;

/** null when every condition checked holds; else the reasons ("" when not explaining), all of them. */
function conditionFailures(ctx: Ctx, p: Promotion, which: number): string | null {
  const c = p.conditions;
  const { cart, lines, explain } = ctx;
  let failures: string[] | null = null;
  const fail = (reason: string): void => {
    if (failures === null) failures = [reason];
    else failures.push(reason);
  };
  const customer = cart.customer && typeof cart.customer === "object" ? cart.customer : null;

  if ((which & CHEAP) !== 0 && (c.customerSegment === "new" || c.customerSegment === "returning")) {
    const want = c.customerSegment;
    const orders = customer?.numberOfOrders;
    const ok = typeof orders === "number" && (want === "new" ? orders === 0 : orders >= 1);
    if (!ok) {
      if (!explain) return "";
      const head = `for ${SEGMENT_WORD[want]} customers only`;
      fail(!customer
        ? `${head}; the buyer is not signed in (guests count as neither new nor returning)`
        : typeof orders !== "number"
          ? `${head}; the customer's order count is unknown`
          : want === "new"
            ? `${head}; this customer has ${orders} order${orders === 1 ? "" : "s"}`
            : `${head}; this customer has no orders yet`);
    }
  }

  if ((which & CHEAP) !== 0 && c.customerTags && c.customerTags.anyOf.length > 0) {
    const wanted = c.customerTags.anyOf;
    const tags = customer && Array.isArray(customer.tags) ? customer.tags : [];
    let has = false;
    for (let i = 0; i < tags.length && !has; i++) {
      const tag = tags[i];
      if (typeof tag !== "string") continue;
      const lower = tag.toLowerCase();
      for (let k = 0; k < wanted.length && !has; k++) has = wanted[k]!.toLowerCase() === lower;
    }
    if (!has) {
      if (!explain) return "";
      fail(`needs a customer tagged ${wanted.join(" or ")}; ${customer ? "this customer has none of them" : "the buyer is not signed in"}`);
    }
  }

  if ((which & CHEAP) !== 0 && c.markets) {
    const countries = c.markets.countryCodes ?? [];
    const handles = c.markets.marketHandles ?? [];
    const country = typeof cart.countryCode === "string" ? cart.countryCode.toUpperCase() : "";
    const handle = typeof cart.marketHandle === "string" ? cart.marketHandle : "";
    const ok = (country !== "" && countries.includes(country)) || (handle !== "" && handles.includes(handle));
    if (!ok && (countries.length > 0 || handles.length > 0)) {
      if (!explain) return "";
      const wanted = [countries.length ? `countries ${countries.join(", ")}` : "", handles.length ? `markets ${handles.join(", ")}` : ""]
        .filter(Boolean).join(" or ");
      const where = [country || "an unknown country", handle ? `market "${handle}"` : ""].filter(Boolean).join(", ");
      fail(`only in ${wanted}; this cart is in ${where}`);
    }
  }

  if ((which & CHEAP) !== 0 && c.channels && c.channels.length > 0) {
    let ok = false;
    for (const ch of c.channels) if (ch.toLowerCase() === ctx.channel) ok = true;
    if (!ok) {
      if (!explain) return "";
      fail(`only on channel ${c.channels.join(" or ")}; this cart is from ${ctx.channel}`);
    }
  }

  if ((which & LINES) === 0) return failures === null ? null : (failures as string[]).join("; ");
  // Exclusions are worked out only now, when a condition needs the lines (cached per pattern list).
  const excluded = c.cartContains !== undefined || (c.minSubtotalCents !== undefined && c.minSubtotalCents > 0) ? excludedLines(ctx, p) : null;

  if (!filterIsEmpty(c.cartContains)) {
    const filter = c.cartContains!;
    let found = false;
    let foundExcluded = false;
    const bits = bitsOf(ctx, filter);
    const mask = excluded !== null ? excluded.mask : null;
    const quantity = lines.quantity;
    for (let i = 0; i < lines.n && !found; i++) {
      if (quantity[i] === 0 || !lineMatches(lines, filter, bits, i)) continue;
      if (mask !== null && mask[i]) foundExcluded = true;
      else found = true;
    }
    if (!found) {
      if (!explain) return "";
      fail(`needs ${describeFilter(filter)} in the cart; ${foundExcluded ? "the only matching lines are excluded by SKU pattern" : "no line matches"}`);
    }
  }

  if (c.minSubtotalCents !== undefined && c.minSubtotalCents > 0) {
    const min = money(ctx, c.minSubtotalCents);
    const qualifying = ctx.subtotal - (excluded !== null ? excluded.subtotal : 0);
    if (qualifying < min) {
      if (!explain) return "";
      fail(`needs subtotal ≥ ${fmt(ctx, min)}, cart is ${fmt(ctx, qualifying)}${excluded !== null ? " not counting excluded SKUs" : ""}`);
    }
  }

  return failures === null ? null : (failures as string[]).join("; ");
}

function usageRefusal(ctx: Ctx, p: Promotion): Refusal | null {
  const { cart, explain } = ctx;
  const caps = p.caps;
  if (caps.perCustomerUses !== undefined) {
    const limit = caps.perCustomerUses;
    const id = cart.customer?.id;
    const words = explain ? `limited to ${limit} use${limit === 1 ? "" : "s"} per customer` : "";
    if (!id) return { status: "not_eligible", reason: explain ? `${words}, and the buyer is not signed in (fail closed)` : "" };
    const known = typeof cart.customerUses === "object" && cart.customerUses !== null;
    // no counter yet: a customer with no orders has used nothing; anyone else is unknown (fail closed)
    if (!known && cart.customer?.numberOfOrders !== 0) {
      return { status: "not_eligible", reason: explain ? `${words}, and this customer's uses are unknown (fail closed)` : "" };
    }
    const used = known ? numberOr0(cart.customerUses![p.id]) : 0;
    if (used >= limit) {
      return { status: "capped", reason: explain ? `${words}; this customer has used it ${used} time${used === 1 ? "" : "s"}` : "" };
    }
  }
  if (caps.totalBudgetCents !== undefined) {
    if (!cart.budgetUsed || typeof cart.budgetUsed !== "object") {
      return { status: "capped", reason: explain ? "has a total budget, and the amount already used is unknown (fail closed)" : "" };
    }
    const left = caps.totalBudgetCents - numberOr0(cart.budgetUsed[p.id]);
    if (money(ctx, left) <= 0) {
      return { status: "capped", reason: explain ? `its budget of ${fmt(ctx, money(ctx, caps.totalBudgetCents))} is used up` : "" };
    }
  }
  return null;
}

function numberOr0(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

function stackingReason(p: Promotion, first: Promotion): string {
  const pAllows = allows(p, first);
  const firstAllows = allows(first, p);
  const why = !pAllows && !firstAllows
    ? "neither lists the other in stacksWith"
    : !pAllows
      ? `${first.id} lists ${p.id}, but ${p.id} does not list ${first.id} in stacksWith; stacking needs both`
      : `${p.id} lists ${first.id}, but ${first.id} does not list ${p.id} in stacksWith; stacking needs both`;
  return `does not stack with "${first.name}" (${first.id}, priority ${first.priority}, chosen first): ${why}`;
}

/* ============================================================= targets === */

type Picked = { targets: number[]; base: number; getUnits: number[] | null; applications: number };
/** Targets not listed yet (checkout mode, order level): listTargets() fills them when needed. */
const UNLISTED: number[] = [];

/** An order-level promotion's lines: every line with a price that it does not exclude. */
function listTargets(ctx: Ctx, excluded: Exclusion | null): number[] {
  const targets: number[] = [];
  const sub = ctx.lines.subtotal;
  const mask = excluded !== null ? excluded.mask : null;
  for (let i = 0; i < ctx.lines.n; i++) if (sub[i] !== 0 && (mask === null || !mask[i])) targets.push(i);
  return targets;
}
const NO_LINES: Picked = { targets: [], base: 0, getUnits: null, applications: 0 };

function targetsOf(ctx: Ctx, p: Promotion, excluded: Exclusion | null): Picked | Refusal {
  const a = p.action;
  if (a.type === "free_shipping") return NO_LINES;
  if (a.type === "buy_x_get_y") return planBuyXGetY(ctx, p, a, excluded);

  const lines = ctx.lines;
  const filter = lineFilterOf(p);
  if (filter === null) {
    const known = ctx.wholeCart.get(excluded);
    if (known !== undefined) return known;
    if (ctx.checkout && a.appliesTo === "order") {
      // Checkout mode: an order-level promotion's lines are listed only if its amount must be
      // spread (amounts phase); whether it has any is its base, what the lines it keeps are worth.
      const base = ctx.subtotal - (excluded !== null ? excluded.subtotal : 0);
      if (base > 0) {
        const picked: Picked = { targets: UNLISTED, base, getUnits: null, applications: 0 };
        ctx.wholeCart.set(excluded, picked);
        return picked;
      }
    }
  }
  const targets: number[] = [];
  let base = 0;
  let matchedButExcluded = false;
  const mask = excluded !== null ? excluded.mask : null;
  const bits = filter !== null ? bitsOf(ctx, filter) : null;
  const subtotal = lines.subtotal;
  const collectionBits = lines.collectionBits;
  const productBits = lines.productBits;
  // the bits hoisted out of the loop; a filter naming no products never reads a product bit
  const wantCollections = bits !== null ? bits.collections : 0;
  const wantProducts = bits !== null ? bits.products : 0;
  for (let i = 0; i < lines.n; i++) {
    const sub = subtotal[i]!;
    if (sub === 0) continue;
    if (filter !== null) {
      const hit = bits !== null
        ? (collectionBits![i]! & wantCollections) !== 0 || (wantProducts !== 0 && (productBits![i]! & wantProducts) !== 0)
        : matchesFilter(filter, lines.productId[i], lines.collectionIds[i]);
      if (!hit) continue;
    }
    if (mask !== null && mask[i]) {
      matchedButExcluded = true;
      continue;
    }
    targets.push(i);
    base += sub;
  }
  if (targets.length > 0) {
    const picked: Picked = { targets, base, getUnits: null, applications: 0 };
    if (filter === null) ctx.wholeCart.set(excluded, picked);
    return picked;
  }
  if (matchedButExcluded) {
    return {
      status: "excluded",
      reason: ctx.explain ? `every line it would discount is excluded by SKU pattern ${p.exclusions.skuPatterns.join(", ")}` : "",
    };
  }
  return {
    status: "not_eligible",
    reason: !ctx.explain ? "" : filter ? `no line in the cart is ${describeFilter(filter)}` : "the cart has no lines with a price to discount",
  };
}

/**
 * Buy X get Y. Applications k = the most that fit (and ≤ maxApplications),
 * counting a unit once, as bought or as got. The discounted ("get") units
 * are the CHEAPEST qualifying units by pre-discount unit price (ties: line id);
 * a unit that qualifies for both sides is used as "get" only while enough
 * buy-units remain.
 */
function planBuyXGetY(ctx: Ctx, p: Promotion, a: BuyXGetYAction, excluded: Exclusion | null): Picked | Refusal {
  const lines = ctx.lines;
  const buyAll = filterIsEmpty(a.buy);
  const getAll = filterIsEmpty(a.get);
  let xUnits = 0;
  let yUnits = 0;
  let unionUnits = 0;
  let base = 0;
  let excludedUnits = 0;
  const candidates: number[] = [];
  const isBuy: boolean[] = [];
  const buyBits = buyAll ? null : bitsOf(ctx, a.buy);
  const getBits = getAll ? null : bitsOf(ctx, a.get);
  for (let i = 0; i < lines.n; i++) {
    const sub = lines.subtotal[i]!;
    if (sub === 0) continue;
    const buys = buyAll || lineMatches(lines, a.buy, buyBits, i);
    const gets = getAll || lineMatches(lines, a.get, getBits, i);
    if (!buys && !gets) continue;
    const quantity = lines.quantity[i]!;
    if (excluded !== null && excluded.mask[i]) {
      excludedUnits += quantity;
      continue;
    }
    if (buys) xUnits += quantity;
    if (gets) {
      yUnits += quantity;
      candidates.push(i);
      isBuy[i] = buys;
    }
    unionUnits += quantity;
    base += sub;
  }
  const n = a.buy.quantity;
  const m = a.get.quantity;
  let k = Math.min(Math.floor(xUnits / n), Math.floor(yUnits / m), Math.floor(unionUnits / (n + m)));
  if (a.maxApplications !== undefined && a.maxApplications < k) k = a.maxApplications;
  if (k <= 0) {
    if (xUnits + yUnits === 0 && excludedUnits > 0) {
      return { status: "excluded", reason: ctx.explain ? `every qualifying unit is excluded by SKU pattern ${p.exclusions.skuPatterns.join(", ")}` : "" };
    }
    return {
      status: "not_eligible",
      reason: ctx.explain
        ? `needs ${n} to buy and ${m} more to get at ${formatPercent(a.get.percent)}% off; the cart has ${xUnits} that count as bought and ${yUnits} that can be got`
        : "",
    };
  }
  const { subtotal, quantity, id } = lines;
  candidates.sort((x, y) =>
    subtotal[x]! * quantity[y]! - subtotal[y]! * quantity[x]! || (id[x]! < id[y]! ? -1 : id[x]! > id[y]! ? 1 : x - y));
  let needed = k * m;
  let sharedBudget = xUnits - k * n; // buy-side units that may still be used as "get"
  const targets: number[] = [];
  const getUnits: number[] = [];
  for (let ci = 0; ci < candidates.length && needed > 0; ci++) {
    const i = candidates[ci]!;
    let available = quantity[i]!;
    if (isBuy[i] && sharedBudget < available) available = sharedBudget;
    const take = available < needed ? available : needed;
    if (take <= 0) continue;
    if (isBuy[i]) sharedBudget -= take;
    needed -= take;
    targets.push(i);
    getUnits.push(take);
  }
  return { targets, base, getUnits, applications: k };
}

/* ============================================================== amounts === */

/**
 * What each target line would lose, on its running price. Percentages are
 * rounded half up per line (as product discounts are, line by line); an
 * order-level percentage is rounded once on the total and spread by
 * largest remainder, as is an order-level fixed amount.
 */
function rawShares(ctx: Ctx, c: Chosen, running: number[]): number[] {
  const a = c.promotion.action;
  const targets = c.targets;
  const shares: number[] = new Array(targets.length);
  switch (a.type) {
    case "percent_off": {
      const bp = basisPoints(a.percent);
      if (a.appliesTo === "matching_lines") {
        // round-half-up(running × bp / 10000) = ⌊x⌋ with x = (running × bp × 2 + 10000) / 20000 ≥ 0;
        // x − x % 1 is ⌊x⌋ without a call (the integers stay far below 2^53)
        for (let k = 0; k < targets.length; k++) {
          const x = (running[targets[k]!]! * bp * 2 + 10000) / 20000;
          shares[k] = x - (x % 1);
        }
        return shares;
      }
      let total = 0;
      for (let k = 0; k < targets.length; k++) total += shares[k] = running[targets[k]!]!;
      const off = percentOfRounded(total, bp);
      return off > 0 ? spread(off, shares) : shares.fill(0);
    }
    case "fixed_off": {
      const amount = money(ctx, a.amountCents);
      if (a.appliesTo === "matching_lines") {
        const quantity = ctx.lines.quantity;
        for (let k = 0; k < targets.length; k++) {
          const i = targets[k]!;
          const off = amount * quantity[i]!;
          shares[k] = off < running[i]! ? off : running[i]!;
        }
        return shares;
      }
      let total = 0;
      for (let k = 0; k < targets.length; k++) total += shares[k] = running[targets[k]!]!;
      const off = amount < total ? amount : total;
      return off > 0 ? spread(off, shares) : shares.fill(0);
    }
    case "buy_x_get_y": {
      const bp = basisPoints(a.get.percent);
      for (let k = 0; k < targets.length; k++) {
        const i = targets[k]!;
        const quantity = ctx.lines.quantity[i]!;
        // round-half-up(running × units/quantity × bp/10000)
        shares[k] = Math.floor((running[i]! * c.getUnits![k]! * bp * 2 + quantity * 10000) / (quantity * 20000));
      }
      return shares;
    }
    case "free_shipping":
      return [];
  }
}

/** An order-level promotion's amount on `base` (the running total of its lines), as rawShares would total it. */
function orderAmount(ctx: Ctx, c: Chosen, base: number): number {
  const a = c.promotion.action;
  if (a.type === "percent_off") return percentOfRounded(base, basisPoints(a.percent));
  if (a.type === "fixed_off") {
    const amount = money(ctx, a.amountCents);
    return amount < base ? amount : base;
  }
  return 0;
}

function capFor(ctx: Ctx, p: Promotion, base: number): { limit: number; why: string } | null {
  const caps = p.caps;
  let limit = Number.POSITIVE_INFINITY;
  let which = 0;
  if (caps.maxDiscountCents !== undefined) {
    const l = money(ctx, caps.maxDiscountCents);
    if (l < limit) [limit, which] = [l, 1];
  }
  if (caps.maxDiscountPercent !== undefined) {
    const l = percentOfFloor(base, basisPoints(caps.maxDiscountPercent));
    if (l < limit) [limit, which] = [l, 2];
  }
  if (caps.totalBudgetCents !== undefined) {
    const l = money(ctx, caps.totalBudgetCents - numberOr0(ctx.cart.budgetUsed?.[p.id]));
    if (l < limit) [limit, which] = [l, 3];
  }
  if (which === 0) return null;
  if (limit < 0) limit = 0;
  if (!ctx.explain) return { limit, why: "" };
  const why = which === 1
    ? `capped at ${fmt(ctx, limit)} per cart`
    : which === 2
      ? `capped at ${formatPercent(caps.maxDiscountPercent!)}% of the ${fmt(ctx, base)} it applies to (${fmt(ctx, limit)})`
      : `capped at the ${fmt(ctx, limit)} left of its ${fmt(ctx, money(ctx, caps.totalBudgetCents!))} budget`;
  return { limit, why };
}

function floorWords(ctx: Ctx, set: PromotionSet, subtotal: number, floorCents: number, freeAllowed: boolean): string {
  const percent = set.floor.minPercentOfSubtotal;
  if (percent > 0 && floorCents > 1) {
    return `the cart may not go below ${fmt(ctx, floorCents)} (${formatPercent(percent)}% of its ${fmt(ctx, subtotal)} subtotal)`;
  }
  return freeAllowed
    ? `the cart may not go below ${fmt(ctx, floorCents)}`
    : `the cart may not become free (no applied promotion allows a free order), so it stays at ${fmt(ctx, floorCents)}`;
}

function describeAction(ctx: Ctx, c: Chosen): string {
  const a = c.promotion.action;
  const count = c.targets.length;
  switch (a.type) {
    case "percent_off":
      return a.appliesTo === "order"
        ? `${formatPercent(a.percent)}% off the order`
        : `${formatPercent(a.percent)}% off ${count} line${count === 1 ? "" : "s"}`;
    case "fixed_off": {
      if (a.appliesTo === "order") return `${fmt(ctx, money(ctx, a.amountCents))} off the order`;
      let units = 0;
      for (const i of c.targets) units += ctx.lines.quantity[i]!;
      return `${fmt(ctx, money(ctx, a.amountCents))} off each of ${units} unit${units === 1 ? "" : "s"}`;
    }
    case "buy_x_get_y": {
      let units = 0;
      for (const u of c.getUnits ?? []) units += u;
      const times = c.applications;
      return `buy ${a.buy.quantity} get ${a.get.quantity} at ${formatPercent(a.get.percent)}% off, ${times} time${times === 1 ? "" : "s"} (${units} unit${units === 1 ? "" : "s"} discounted)`;
    }
    case "free_shipping":
      return "free shipping";
  }
}

/* ============================================================= shipping === */

function shipping(ctx: Ctx, chosen: Chosen[], out: ShippingDiscount[]): void {
  const explain = ctx.explain;
  const raw = Array.isArray(ctx.cart.deliveryOptions) ? ctx.cart.deliveryOptions : [];
  const options = raw.map((o) => ({
    handle: String(o?.handle ?? ""),
    groupId: typeof o?.groupId === "string" ? o.groupId : undefined,
    cost: o && Number.isSafeInteger(o.costCents) && o.costCents > 0 ? o.costCents : 0,
    selected: o?.selected === true,
  }));
  const running = options.map((o) => o.cost);
  for (const c of chosen) {
    if (c.phase !== 4) continue;
    const p = c.promotion;
    const e = c.explanation;
    if (!running.some((r) => r > 0)) {
      e.status = "nothing_to_discount";
      e.reason = !explain ? "" : options.length === 0
        ? "no delivery options were given (shipping is discounted in the delivery-options target)"
        : "every delivery option is already free";
      continue;
    }
    let reported = 0;
    let reportedSelected = false;
    let cappedWhy: string | null = null;
    for (let j = 0; j < options.length; j++) {
      const o = options[j]!;
      const before = running[j]!;
      if (before === 0) continue;
      const cap = capFor(ctx, p, o.cost);
      let amount = before;
      if (cap && cap.limit < before) {
        amount = cap.limit;
        cappedWhy = cap.why;
      }
      if (amount <= 0) continue;
      running[j] = before - amount;
      const discount: ShippingDiscount = { promotionId: p.id, handle: o.handle, amountCents: amount };
      if (o.groupId !== undefined) discount.groupId = o.groupId;
      out.push(discount);
      if (o.selected) {
        reported = amount;
        reportedSelected = true;
      } else if (!reportedSelected && amount > reported) reported = amount;
    }
    e.amountCents = reported;
    if (cappedWhy !== null) e.status = "capped";
    if (explain) {
      const head = `free shipping, up to ${fmt(ctx, reported)} on ${reportedSelected ? "the selected delivery option" : "a delivery option"}`;
      e.reason = cappedWhy ? `${head}; ${cappedWhy}` : head;
    }
  }
}
