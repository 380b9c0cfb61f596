/**
 * The stacking engine: evaluate(set, cart) → which promotions apply, how much
 * each takes off which line, and why every other one does not.
 *
 * Imported by the discount Function (bundled by esbuild, run by Javy/QuickJS)
 * and by the admin (preview, replay, analysis), so it stays pure: no Intl,
 * no Date, no Node, no dependencies beyond ../money.
 *
 * Two passes, both deterministic (README.md has the why):
 * 1. Selection, in priority order (lower first, then id): disabled → window →
 *    conditions → per-customer uses and budget → something to discount →
 *    stacks (mutually) with every promotion already selected.
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
  basisPoints,
  byPriorityThenId,
  filterIsEmpty,
  formatMoney,
  formatPercent,
  formatUtc,
  globToRegExp,
  matchesFilter,
  parseClockTime,
  parseUtc,
  parseWallTime,
  percentOfCeil,
  percentOfFloor,
  percentOfRounded,
  allows,
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

/** Amount phases: line percent & BXGY, line fixed, order percent, order fixed, shipping. */
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

interface Line {
  id: string;
  quantity: number;
  subtotal: number;
  productId?: string;
  sku: string;
  collectionIds?: string[];
}

interface Chosen {
  promotion: Promotion;
  explanation: Explanation;
  /** Line indexes it discounts (empty for shipping). */
  targets: number[];
  /** BXGY: units discounted per target line. */
  getUnits?: number[];
  applications?: number;
  /** Pre-discount subtotal of what it targets, for maxDiscountPercent. */
  base: number;
  excluded: boolean[] | null;
}

type Say = (build: () => string) => string;

const SEGMENT_WORD = { new: "new", returning: "returning" } as const;

export function evaluate(set: PromotionSet, cart: CartContext, options: EvaluateOptions = {}): Evaluation {
  const say: Say = options.reasons === false ? () => "" : (build) => build();
  const shopCurrency = set.currencyCode;
  const currency = cart.currencyCode || shopCurrency;
  const rate = typeof cart.presentmentRate === "number" && cart.presentmentRate > 0 && Number.isFinite(cart.presentmentRate)
    ? cart.presentmentRate
    : 1;
  const money = (shopMinor: number) => toPresentment(shopMinor, shopCurrency, currency, rate);
  const fmt = (minor: number) => formatMoney(minor, currency);

  const lines = (Array.isArray(cart.lines) ? cart.lines : []).map(toLine);
  const subtotal = lines.reduce((sum, l) => sum + l.subtotal, 0);
  const channel = resolveChannel(cart);
  const regexCache = new Map<string, RegExp>();

  const promotions = [...set.promotions].sort(byPriorityThenId);
  const explanations: Explanation[] = [];
  const chosen: Chosen[] = [];

  /* ---------------------------------------------------- 1. selection --- */
  for (const p of promotions) {
    const e: Explanation = { promotionId: p.id, status: "applied", selected: false, amountCents: 0, reason: "" };
    explanations.push(e);
    const refuse = (status: ExplanationStatus, reason: string) => {
      e.status = status;
      e.reason = reason;
    };

    if (!p.enabled) {
      refuse("disabled", say(() => "disabled by the merchant"));
      continue;
    }
    const closed = windowRefusal(p, cart.now, say);
    if (closed !== null) {
      refuse("outside_window", closed);
      continue;
    }

    const excluded = excludedLines(p, lines, regexCache);
    const notMet = conditionFailures(p, cart, lines, excluded, channel, money, fmt, say);
    if (notMet !== null) {
      refuse("not_eligible", notMet);
      continue;
    }

    const usage = usageRefusal(p, cart, money, fmt, say);
    if (usage) {
      refuse(usage.status, usage.reason);
      continue;
    }

    const pick = targetsOf(p, lines, excluded, say);
    if ("status" in pick) {
      refuse(pick.status, pick.reason);
      continue;
    }

    const blocker = chosen.find((c) => !(allows(p, c.promotion) && allows(c.promotion, p)));
    if (blocker) {
      refuse("does_not_stack", say(() => stackingReason(p, blocker.promotion)));
      continue;
    }

    e.selected = true;
    chosen.push({ promotion: p, explanation: e, excluded, ...pick });
  }

  /* ------------------------------------------------------ 2. amounts --- */
  const freeAllowed = set.floor.allowFreeOrder && chosen.some((c) => "allowFreeOrder" in c.promotion.action && c.promotion.action.allowFreeOrder === true);
  let floorCents = subtotal > 0 ? percentOfCeil(subtotal, basisPoints(set.floor.minPercentOfSubtotal)) : 0;
  if (!freeAllowed && subtotal > 0) floorCents = Math.max(floorCents, 1);

  const running = lines.map((l) => l.subtotal);
  let runningTotal = subtotal;
  const lineDiscounts: LineDiscount[] = [];
  const orderDiscounts: OrderDiscount[] = [];
  const shippingDiscounts: ShippingDiscount[] = [];

  const byPhase = chosen
    .map((c, order) => ({ c, order, phase: phaseOf(c.promotion) }))
    .sort((a, b) => a.phase - b.phase || a.order - b.order);

  for (const { c, phase } of byPhase) {
    const p = c.promotion;
    const e = c.explanation;
    if (phase === 4) continue; // shipping, below
    let shares = rawShares(c, lines, running, money);
    const raw = sum(shares);
    if (raw === 0) {
      e.status = "nothing_to_discount";
      e.reason = say(() => "its lines were already fully discounted by promotions applied before it");
      continue;
    }
    let amount = raw;
    let note = "";

    const cap = capFor(p, c.base, cart, money, fmt, say);
    if (cap && cap.limit < amount) {
      amount = cap.limit;
      shares = prorate(amount, shares);
      e.status = "capped";
      note = say(() => `${cap.why}; would have been ${fmt(raw)}`);
    }

    const headroom = Math.max(0, runningTotal - floorCents);
    if (amount > headroom) {
      const before = amount;
      amount = headroom;
      shares = prorate(amount, shares);
      e.status = "floor_reached";
      const capNote = note;
      note = say(() => {
        const floorNote = `reduced from ${fmt(before)} to ${fmt(headroom)}: ${floorWords(set, subtotal, floorCents, freeAllowed, fmt)}`;
        return capNote ? `${capNote}; then ${floorNote}` : floorNote;
      });
    }

    const level = phase === 2 || phase === 3 ? "order" : "line";
    for (let k = 0; k < c.targets.length; k++) {
      const share = shares[k]!;
      if (share <= 0) continue;
      const i = c.targets[k]!;
      running[i] = running[i]! - share;
      lineDiscounts.push({ lineId: lines[i]!.id, promotionId: p.id, amountCents: share, level });
    }
    runningTotal -= amount;
    if (level === "order" && amount > 0) {
      orderDiscounts.push({
        promotionId: p.id,
        amountCents: amount,
        excludedLineIds: c.excluded ? lines.filter((_, i) => c.excluded![i]).map((l) => l.id) : [],
      });
    }
    e.amountCents = amount;
    e.reason = say(() => {
      const what = `${describeAction(c, lines, money, fmt)} = ${fmt(amount)}`;
      return note ? `${what}; ${note}` : what;
    });
  }

  shipping(chosen, cart, money, fmt, say, shippingDiscounts);

  return {
    currencyCode: currency,
    subtotalCents: subtotal,
    floorCents,
    lineDiscounts,
    orderDiscounts,
    shippingDiscounts,
    totalDiscountCents: subtotal - runningTotal,
    explanations,
  };
}

/* ================================================================ lines === */

function toLine(input: CartLineInput): Line {
  const quantity = Number.isSafeInteger(input?.quantity) && input.quantity > 0 ? input.quantity : 0;
  const subtotal = Number.isSafeInteger(input?.subtotalCents) && input.subtotalCents > 0 && quantity > 0 ? input.subtotalCents : 0;
  return {
    id: String(input?.id ?? ""),
    quantity,
    subtotal,
    productId: typeof input?.productId === "string" ? input.productId : undefined,
    sku: typeof input?.sku === "string" ? input.sku : "",
    collectionIds: Array.isArray(input?.collectionIds) ? input.collectionIds : undefined,
  };
}

function excludedLines(p: Promotion, lines: Line[], cache: Map<string, RegExp>): boolean[] | null {
  const patterns = p.exclusions.skuPatterns;
  if (patterns.length === 0) return null;
  const regexes = patterns.map((pattern) => {
    let r = cache.get(pattern);
    if (!r) cache.set(pattern, (r = globToRegExp(pattern)));
    return r;
  });
  return lines.map((l) => regexes.some((r) => r.test(l.sku)));
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The filter a matching_lines action discounts: its own `lines`, else the cartContains condition, else every line. */
export function lineFilterOf(p: Promotion): LineFilter | null {
  const a = p.action;
  if (a.type !== "percent_off" && a.type !== "fixed_off") return null;
  if (a.appliesTo === "order") return null;
  if (!filterIsEmpty(a.lines)) return a.lines!;
  if (!filterIsEmpty(p.conditions.cartContains)) return p.conditions.cartContains!;
  return null;
}

function describeFilter(filter: LineFilter): string {
  const parts: string[] = [];
  if (filter.anyOfCollections?.length) parts.push(`collection ${filter.anyOfCollections.join(" or ")}`);
  if (filter.anyOfProducts?.length) parts.push(`product ${filter.anyOfProducts.join(" or ")}`);
  return parts.join(" or ");
}

/* =============================================================== window === */

function windowRefusal(p: Promotion, now: ShopClock | undefined, say: Say): string | null {
  const { timeWindow: tw, recurring: rec } = p.conditions;
  if (!tw && !rec) return null;
  if (!now || typeof now !== "object") return say(() => "runs only at set times, and no clock was given");

  if ("shopLocal" in now) {
    const local = parseWallTime(now.shopLocal);
    const offset = now.utcOffsetMinutes;
    if (!local || !Number.isFinite(offset)) return say(() => `the clock "${now.shopLocal}" is not a shop-local date-time`);
    const nowUtc = wallSeconds(local) - offset * 60;
    if (tw) {
      const start = parseUtc(tw.startUtc);
      const end = parseUtc(tw.endUtc);
      if (start === null || end === null) return say(() => "its time window was never compiled to UTC (fail closed)");
      if (nowUtc < start) return say(() => `starts ${tw.start} ${tw.zone} (${tw.startUtc}); now is ${formatUtc(nowUtc)}`);
      if (nowUtc >= end) return say(() => `ended ${tw.end} ${tw.zone} (${tw.endUtc}); now is ${formatUtc(nowUtc)}`);
    }
    if (rec) {
      const day = weekdayOf(local);
      if (rec.days && !rec.days.includes(day)) return say(() => `runs on ${rec.days!.join(", ")} only; it is ${day} in shop time`);
      const from = parseClockTime(rec.from, false);
      const to = parseClockTime(rec.to, true);
      const seconds = local.hh * 3600 + local.mm * 60 + local.ss;
      if (from === null || to === null || seconds < from * 60 || seconds >= to * 60) {
        const hhmm = now.shopLocal.slice(11, 16);
        return say(() => `runs ${rec.from}–${rec.to} shop time; it is ${hhmm}`);
      }
    }
    return null;
  }

  if (rec?.days) {
    const date = parseWallTime(String(now.shopDate));
    if (!date) return say(() => `shop.localTime.date "${now.shopDate}" is not a date`);
    const day = weekdayOf(date);
    if (!rec.days.includes(day)) return say(() => `runs on ${rec.days!.join(", ")} only; it is ${day} in shop time`);
  }
  const open = now.windowsOpen?.[p.id];
  if (open === true) return null;
  if (open === undefined) return say(() => "no shop.localTime answer was given for its window (fail closed)");
  return say(() => `outside ${windowWords(p)} according to shop.localTime`);
}

function windowWords(p: Promotion): string {
  const { timeWindow: tw, recurring: rec } = p.conditions;
  const parts: string[] = [];
  if (tw) parts.push(`${tw.start} to ${tw.end} ${tw.zone}`);
  if (rec) parts.push(`${rec.from}–${rec.to} shop time${rec.days ? ` on ${rec.days.join(", ")}` : ""}`);
  return parts.join(", ");
}

/* =========================================================== conditions === */

function conditionFailures(
  p: Promotion,
  cart: CartContext,
  lines: Line[],
  excluded: boolean[] | null,
  channel: string,
  money: (shop: number) => number,
  fmt: (minor: number) => string,
  say: Say,
): string | null {
  const c = p.conditions;
  const failures: string[] = [];
  const customer = cart.customer && typeof cart.customer === "object" ? cart.customer : null;
  const fail = (build: () => string) => {
    failures.push(say(build));
  };

  if (c.customerSegment === "new" || c.customerSegment === "returning") {
    const want = c.customerSegment;
    const orders = customer?.numberOfOrders;
    const ok = typeof orders === "number" && (want === "new" ? orders === 0 : orders >= 1);
    if (!ok) {
      fail(() => {
        const head = `for ${SEGMENT_WORD[want]} customers only`;
        if (!customer) return `${head}; the buyer is not signed in (guests count as neither new nor returning)`;
        if (typeof orders !== "number") return `${head}; the customer's order count is unknown`;
        return want === "new"
          ? `${head}; this customer has ${orders} order${orders === 1 ? "" : "s"}`
          : `${head}; this customer has no orders yet`;
      });
    }
  }

  if (c.customerTags && c.customerTags.anyOf.length > 0) {
    const wanted = c.customerTags.anyOf.map((t) => t.toLowerCase());
    const has = (customer?.tags ?? []).some((t) => typeof t === "string" && wanted.includes(t.toLowerCase()));
    if (!has) {
      fail(() => `needs a customer tagged ${c.customerTags!.anyOf.join(" or ")}; ${customer ? "this customer has none of them" : "the buyer is not signed in"}`);
    }
  }

  if (c.markets) {
    const countries = c.markets.countryCodes ?? [];
    const handles = c.markets.marketHandles ?? [];
    const country = typeof cart.countryCode === "string" ? cart.countryCode.toUpperCase() : "";
    const handle = typeof cart.marketHandle === "string" ? cart.marketHandle : "";
    const ok = (country !== "" && countries.includes(country)) || (handle !== "" && handles.includes(handle));
    if (!ok && (countries.length > 0 || handles.length > 0)) {
      fail(() => {
        const wanted = [
          countries.length ? `countries ${countries.join(", ")}` : "",
          handles.length ? `markets ${handles.join(", ")}` : "",
        ].filter(Boolean).join(" or ");
        const where = [country ? country : "an unknown country", handle ? `market "${handle}"` : ""].filter(Boolean).join(", ");
        return `only in ${wanted}; this cart is in ${where}`;
      });
    }
  }

  if (c.channels && c.channels.length > 0 && !c.channels.some((ch) => ch.toLowerCase() === channel)) {
    fail(() => `only on channel ${c.channels!.join(" or ")}; this cart is from ${channel}`);
  }

  if (!filterIsEmpty(c.cartContains)) {
    const filter = c.cartContains!;
    let found = false;
    let foundExcluded = false;
    for (let i = 0; i < lines.length && !found; i++) {
      const line = lines[i]!;
      if (line.quantity === 0 || !matchesFilter(filter, line)) continue;
      if (excluded?.[i]) foundExcluded = true;
      else found = true;
    }
    if (!found) {
      fail(() => `needs ${describeFilter(filter)} in the cart; ${foundExcluded ? "the only matching lines are excluded by SKU pattern" : "no line matches"}`);
    }
  }

  if (c.minSubtotalCents !== undefined && c.minSubtotalCents > 0) {
    const min = money(c.minSubtotalCents);
    let qualifying = 0;
    for (let i = 0; i < lines.length; i++) if (!excluded?.[i]) qualifying += lines[i]!.subtotal;
    if (qualifying < min) {
      const anyExcluded = excluded?.some(Boolean) ?? false;
      fail(() => `needs subtotal ≥ ${fmt(min)}, cart is ${fmt(qualifying)}${anyExcluded ? " not counting excluded SKUs" : ""}`);
    }
  }

  return failures.length === 0 ? null : failures.join("; ");
}

function usageRefusal(
  p: Promotion,
  cart: CartContext,
  money: (shop: number) => number,
  fmt: (minor: number) => string,
  say: Say,
): { status: ExplanationStatus; reason: string } | null {
  const caps = p.caps;
  if (caps.perCustomerUses !== undefined) {
    const limit = caps.perCustomerUses;
    const id = cart.customer?.id;
    const words = `limited to ${limit} use${limit === 1 ? "" : "s"} per customer`;
    if (!id) return { status: "not_eligible", reason: say(() => `${words}, and the buyer is not signed in (fail closed)`) };
    if (!cart.customerUses || typeof cart.customerUses !== "object") {
      return { status: "not_eligible", reason: say(() => `${words}, and this customer's uses are unknown (fail closed)`) };
    }
    const used = numberOr0(cart.customerUses[p.id]);
    if (used >= limit) {
      return { status: "capped", reason: say(() => `${words}; this customer has used it ${used} time${used === 1 ? "" : "s"}`) };
    }
  }
  if (caps.totalBudgetCents !== undefined) {
    if (!cart.budgetUsed || typeof cart.budgetUsed !== "object") {
      return { status: "capped", reason: say(() => "has a total budget, and the amount already used is unknown (fail closed)") };
    }
    const left = caps.totalBudgetCents - numberOr0(cart.budgetUsed[p.id]);
    if (money(left) <= 0) {
      return { status: "capped", reason: say(() => `its budget of ${fmt(money(caps.totalBudgetCents!))} is used up`) };
    }
  }
  return null;
}

function numberOr0(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/* ============================================================= targets === */

type Picked = { targets: number[]; base: number; getUnits?: number[]; applications?: number };

function targetsOf(
  p: Promotion,
  lines: Line[],
  excluded: boolean[] | null,
  say: Say,
): Picked | { status: ExplanationStatus; reason: string } {
  const a = p.action;
  if (a.type === "free_shipping") return { targets: [], base: 0 };
  if (a.type === "buy_x_get_y") return planBuyXGetY(a, lines, excluded, say);

  const filter = lineFilterOf(p);
  const targets: number[] = [];
  let base = 0;
  let matchedButExcluded = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.subtotal === 0) continue;
    if (filter && !matchesFilter(filter, line)) continue;
    if (excluded?.[i]) {
      matchedButExcluded = true;
      continue;
    }
    targets.push(i);
    base += line.subtotal;
  }
  if (targets.length > 0) return { targets, base };
  if (matchedButExcluded) {
    return {
      status: "excluded",
      reason: say(() => `every line it would discount is excluded by SKU pattern ${p.exclusions.skuPatterns.join(", ")}`),
    };
  }
  return {
    status: "not_eligible",
    reason: say(() => (filter ? `no line in the cart is ${describeFilter(filter)}` : "the cart has no lines with a price to discount")),
  };
}

/**
 * Buy X get Y. Applications k = the most that fit (and ≤ maxApplications),
 * counting a unit once, as bought or as got. The discounted ("get") units
 * are the CHEAPEST qualifying units by pre-discount unit price (ties: line id);
 * a unit that qualifies for both sides is used as "get" only while enough
 * buy-units remain.
 */
function planBuyXGetY(a: BuyXGetYAction, lines: Line[], excluded: boolean[] | null, say: Say): Picked | { status: ExplanationStatus; reason: string } {
  const buyAll = filterIsEmpty(a.buy);
  const getAll = filterIsEmpty(a.get);
  let xUnits = 0;
  let yUnits = 0;
  let unionUnits = 0;
  let base = 0;
  let excludedUnits = 0;
  const candidates: { i: number; isBuy: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.subtotal === 0) continue;
    const isBuy = buyAll || matchesFilter(a.buy, line);
    const isGet = getAll || matchesFilter(a.get, line);
    if (!isBuy && !isGet) continue;
    if (excluded?.[i]) {
      excludedUnits += line.quantity;
      continue;
    }
    if (isBuy) xUnits += line.quantity;
    if (isGet) {
      yUnits += line.quantity;
      candidates.push({ i, isBuy });
    }
    unionUnits += line.quantity;
    base += line.subtotal;
  }
  const n = a.buy.quantity;
  const m = a.get.quantity;
  let k = Math.min(Math.floor(xUnits / n), Math.floor(yUnits / m), Math.floor(unionUnits / (n + m)));
  if (a.maxApplications !== undefined) k = Math.min(k, a.maxApplications);
  if (k <= 0) {
    if (xUnits + yUnits === 0 && excludedUnits > 0) {
      return { status: "excluded", reason: say(() => "every qualifying unit is excluded by SKU pattern") };
    }
    return {
      status: "not_eligible",
      reason: say(() => `needs ${n} to buy and ${m} more to get at ${formatPercent(a.get.percent)}% off; the cart has ${xUnits} that count as bought and ${yUnits} that can be got`),
    };
  }
  candidates.sort((p, q) => {
    const lp = lines[p.i]!;
    const lq = lines[q.i]!;
    return lp.subtotal * lq.quantity - lq.subtotal * lp.quantity || (lp.id < lq.id ? -1 : lp.id > lq.id ? 1 : p.i - q.i);
  });
  let needed = k * m;
  let sharedBudget = xUnits - k * n; // units that count for buy which may still be used as get
  const targets: number[] = [];
  const getUnits: number[] = [];
  for (const { i, isBuy } of candidates) {
    if (needed === 0) break;
    let available = lines[i]!.quantity;
    if (isBuy) available = Math.min(available, sharedBudget);
    const take = Math.min(available, needed);
    if (take <= 0) continue;
    if (isBuy) sharedBudget -= take;
    needed -= take;
    targets.push(i);
    getUnits.push(take);
  }
  return { targets, base, getUnits, applications: k };
}

/* ============================================================== amounts === */

function rawShares(c: Chosen, lines: Line[], running: number[], money: (shop: number) => number): number[] {
  const a = c.promotion.action;
  const bases = c.targets.map((i) => running[i]!);
  switch (a.type) {
    case "percent_off": {
      const total = percentOfRounded(sum(bases), basisPoints(a.percent));
      return total > 0 ? prorate(total, bases) : bases.map(() => 0);
    }
    case "fixed_off": {
      const amount = money(a.amountCents);
      if (a.appliesTo === "matching_lines") {
        return c.targets.map((i, k) => Math.min(amount * lines[i]!.quantity, bases[k]!));
      }
      const total = Math.min(amount, sum(bases));
      return total > 0 ? prorate(total, bases) : bases.map(() => 0);
    }
    case "buy_x_get_y": {
      const bp = basisPoints(a.get.percent);
      return c.targets.map((i, k) => {
        const quantity = lines[i]!.quantity;
        const units = c.getUnits![k]!;
        // round-half-up(running × units/quantity × bp/10000)
        return Math.floor((bases[k]! * units * bp * 2 + quantity * 10000) / (quantity * 20000));
      });
    }
    case "free_shipping":
      return [];
  }
}

function capFor(
  p: Promotion,
  base: number,
  cart: CartContext,
  money: (shop: number) => number,
  fmt: (minor: number) => string,
  say: Say,
): { limit: number; why: string } | null {
  const caps = p.caps;
  let best: { limit: number; why: () => string } | null = null;
  const consider = (limit: number, why: () => string) => {
    if (best === null || limit < best.limit) best = { limit: Math.max(0, limit), why };
  };
  if (caps.maxDiscountCents !== undefined) {
    const limit = money(caps.maxDiscountCents);
    consider(limit, () => `capped at ${fmt(limit)} per cart`);
  }
  if (caps.maxDiscountPercent !== undefined) {
    const limit = percentOfFloor(base, basisPoints(caps.maxDiscountPercent));
    consider(limit, () => `capped at ${formatPercent(caps.maxDiscountPercent!)}% of the ${fmt(base)} it applies to (${fmt(limit)})`);
  }
  if (caps.totalBudgetCents !== undefined) {
    const left = money(caps.totalBudgetCents - numberOr0(cart.budgetUsed?.[p.id]));
    consider(left, () => `capped at the ${fmt(left)} left of its ${fmt(money(caps.totalBudgetCents!))} budget`);
  }
  if (best === null) return null;
  const found: { limit: number; why: () => string } = best;
  return { limit: found.limit, why: say(found.why) };
}

function floorWords(set: PromotionSet, subtotal: number, floorCents: number, freeAllowed: boolean, fmt: (minor: number) => string): string {
  const percent = set.floor.minPercentOfSubtotal;
  if (percent > 0 && floorCents > 1) {
    return `the cart may not go below ${fmt(floorCents)} (${formatPercent(percent)}% of its ${fmt(subtotal)} subtotal)`;
  }
  return freeAllowed
    ? `the cart may not go below ${fmt(floorCents)}`
    : `the cart may not become free (no applied promotion allows a free order), so it stays at ${fmt(floorCents)}`;
}

function describeAction(c: Chosen, lines: Line[], money: (shop: number) => number, fmt: (minor: number) => string): string {
  const a = c.promotion.action;
  const count = c.targets.length;
  const linesWord = `${count} line${count === 1 ? "" : "s"}`;
  switch (a.type) {
    case "percent_off":
      return a.appliesTo === "order" ? `${formatPercent(a.percent)}% off the order` : `${formatPercent(a.percent)}% off ${linesWord}`;
    case "fixed_off": {
      if (a.appliesTo === "order") return `${fmt(money(a.amountCents))} off the order`;
      const units = c.targets.reduce((s, i) => s + lines[i]!.quantity, 0);
      return `${fmt(money(a.amountCents))} off each of ${units} unit${units === 1 ? "" : "s"}`;
    }
    case "buy_x_get_y": {
      const units = sum(c.getUnits ?? []);
      return `buy ${a.buy.quantity} get ${a.get.quantity} at ${formatPercent(a.get.percent)}% off, ${c.applications} time${c.applications === 1 ? "" : "s"} (${units} unit${units === 1 ? "" : "s"} discounted)`;
    }
    case "free_shipping":
      return "free shipping";
  }
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

/* ============================================================= shipping === */

function shipping(
  chosen: Chosen[],
  cart: CartContext,
  money: (shop: number) => number,
  fmt: (minor: number) => string,
  say: Say,
  out: ShippingDiscount[],
): void {
  const options = (Array.isArray(cart.deliveryOptions) ? cart.deliveryOptions : []).map((o) => ({
    handle: String(o?.handle ?? ""),
    groupId: typeof o?.groupId === "string" ? o.groupId : undefined,
    cost: Number.isSafeInteger(o?.costCents) && o.costCents > 0 ? o.costCents : 0,
    selected: o?.selected === true,
  }));
  const running = options.map((o) => o.cost);
  for (const c of chosen) {
    if (c.promotion.action.type !== "free_shipping") continue;
    const p = c.promotion;
    const e = c.explanation;
    if (options.length === 0 || running.every((r) => r === 0)) {
      e.status = "nothing_to_discount";
      e.reason = say(() => options.length === 0
        ? "no delivery options were given (shipping is discounted in the delivery-options target)"
        : "every delivery option is already free");
      continue;
    }
    let reported = 0;
    let reportedSelected = false;
    let cappedNote = "";
    options.forEach((o, j) => {
      const raw = running[j]!;
      if (raw === 0) return;
      const cap = capFor(p, o.cost, cart, money, fmt, say);
      const amount = cap && cap.limit < raw ? cap.limit : raw;
      if (cap && cap.limit < raw) cappedNote = cap.why;
      if (amount <= 0) return;
      running[j] = raw - amount;
      out.push({ promotionId: p.id, handle: o.handle, ...(o.groupId !== undefined ? { groupId: o.groupId } : {}), amountCents: amount });
      if (o.selected) {
        reported = amount;
        reportedSelected = true;
      } else if (!reportedSelected) reported = Math.max(reported, amount);
    });
    e.amountCents = reported;
    if (cappedNote) e.status = "capped";
    e.reason = say(() => {
      const head = `free shipping, up to ${fmt(reported)} on ${reportedSelected ? "the selected delivery option" : "a delivery option"}`;
      return cappedNote ? `${head}; ${cappedNote}` : head;
    });
  }
}
