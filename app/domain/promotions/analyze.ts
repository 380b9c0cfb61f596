/**
 * ADMIN SIDE: what a merchant should know about a promotion set before
 * saving it. Findings name the promotions and say what will happen.
 *
 * - shadowed: can never apply, because whenever it is eligible a promotion
 *   chosen before it is eligible too and does not stack with it (a
 *   sufficient-condition check: it proves shadowing from the rules alone and
 *   may miss shadowing that depends on the catalog);
 * - window_ended / window_never_open / excludes_everything: can never apply;
 * - one_sided_stacking: A lists B, B does not list A. Stacking is mutual, so
 *   they never stack, and the one with the lower priority number wins;
 * - intransitive_stacking: A~B and B~C but not A~C. (Cycles of preference
 *   cannot happen: stacking is a symmetric yes/no per pair, and the order is
 *   priority then id. Intransitivity is the thing that surprises.)
 * - overlapping_windows: two timed promotions that do not stack run at once;
 * - worst_case_cart / worst_case_sku: the largest stack the rules allow,
 *   computed with evaluate() itself ("15% + 20% = 32%"), against the floor;
 * - floor_free_order: floor.allowFreeOrder that cannot take effect.
 */
import { evaluate, lineFilterOf } from "./evaluate";
import type { Action, LineFilter, Promotion, PromotionSet, Weekday } from "./types";
import { WEEKDAYS } from "./types";
import {
  allows,
  byPriorityThenId,
  filterIsEmpty,
  formatMoney,
  formatPercent,
  formatWall,
  matchesFilter,
  parseClockTime,
  parseUtc,
  parseWallTime,
  skuMatches,
  stacks,
  wallSeconds,
  weekdayOf,
} from "./util";

export type FindingSeverity = "error" | "warning" | "info";
export type FindingCode =
  | "shadowed"
  | "window_ended"
  | "window_never_open"
  | "excludes_everything"
  | "one_sided_stacking"
  | "intransitive_stacking"
  | "overlapping_windows"
  | "worst_case_cart"
  | "worst_case_sku"
  | "floor_free_order";

export interface Finding {
  severity: FindingSeverity;
  code: FindingCode;
  message: string;
  promotionIds: string[];
}

export interface CatalogItem {
  sku: string;
  productId: string;
  collectionIds: string[];
  /** Shop currency; when absent, fixed amounts are left out of the SKU's worst case. */
  unitPriceCents?: number;
}

export interface AnalyzeOptions {
  /** UTC instant ("2026-11-20T12:00:00Z"); windows that ended before it are reported. */
  now?: string;
  /** Variants to compute per-SKU worst cases and catalog-wide exclusion for. */
  catalog?: CatalogItem[];
  /** A worst case above this % off is a warning, not info (default 50). */
  warnAbovePercent?: number;
  /** Upper bound on stacks examined (default 2000), so a large set stays fast. */
  maxStacks?: number;
}

const SEVERITY_RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };
const named = (p: Promotion) => `"${p.name}" (${p.id})`;

export function analyzePromotionSet(set: PromotionSet, options: AnalyzeOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: FindingSeverity, code: FindingCode, promotions: Promotion[], message: string) =>
    findings.push({ severity, code, message, promotionIds: promotions.map((p) => p.id) });
  const active = set.promotions.filter((p) => p.enabled).sort(byPriorityThenId);
  const nowSeconds = options.now ? parseUtc(options.now) : null;
  const dead = new Set<string>();

  // ------------------------------------------------ can never apply, alone
  for (const p of active) {
    const tw = p.conditions.timeWindow;
    if (tw && nowSeconds !== null) {
      const end = parseUtc(tw.endUtc);
      if (end !== null && end <= nowSeconds) {
        dead.add(p.id);
        add("warning", "window_ended", [p], `${named(p)} can never apply again: its window ended ${tw.end} ${tw.zone} (${tw.endUtc})`);
        continue;
      }
    }
    const never = windowNeverOpen(p);
    if (never) {
      dead.add(p.id);
      add("warning", "window_never_open", [p], `${named(p)} can never apply: ${never}`);
      continue;
    }
    const everything = p.exclusions.skuPatterns.find((pattern) => /^\*+$/.test(pattern));
    if (everything && p.action.type !== "free_shipping") {
      dead.add(p.id);
      add("warning", "excludes_everything", [p], `${named(p)} can never apply: its SKU exclusion "${everything}" excludes every line`);
      continue;
    }
    if (options.catalog && options.catalog.length > 0 && p.action.type !== "free_shipping") {
      const targeted = options.catalog.filter((item) => canTarget(p, item));
      const patterns = p.exclusions.skuPatterns;
      if (targeted.length > 0 && patterns.length > 0 && targeted.every((item) => patterns.some((s) => skuMatches(s, item.sku)))) {
        dead.add(p.id);
        add("warning", "excludes_everything", [p],
          `${named(p)} can never apply: all ${targeted.length} catalog variant${targeted.length === 1 ? "" : "s"} it targets match its SKU exclusions (${p.exclusions.skuPatterns.join(", ")})`);
      }
    }
  }

  const live = active.filter((p) => !dead.has(p.id));

  // ------------------------------------------ shadowed by an earlier promotion
  for (let j = 0; j < live.length; j++) {
    const p = live[j]!;
    const q = live.slice(0, j).find((earlier) => !stacks(earlier, p) && covers(earlier, p));
    if (q) {
      add("warning", "shadowed", [p, q],
        `${named(p)} can never apply: whenever it is eligible, ${named(q)} is too, is chosen first (priority ${q.priority} before ${p.priority}), and does not stack with it`);
    }
  }

  // ------------------------------------------------------------- stacking
  for (const a of live) {
    for (const b of live) {
      if (a === b || !a.stacksWith.includes(b.id) || allows(b, a)) continue;
      const [first, second] = byPriorityThenId(a, b) <= 0 ? [a, b] : [b, a];
      add("warning", "one_sided_stacking", [a, b],
        `${named(a)} lists ${b.id} in stacksWith, but ${named(b)} does not list ${a.id}: stacking needs both sides, so they never stack; when both are eligible only ${first.id} applies (chosen before ${second.id})`);
    }
  }
  for (const a of live) {
    if (!a.stacksWith.includes("*")) continue;
    const refusing = live.filter((b) => b !== a && !allows(b, a));
    if (refusing.length === 0) continue;
    add("info", "one_sided_stacking", [a, ...refusing],
      `${named(a)} stacks with "*" (every promotion), but ${refusing.map((b) => b.id).join(", ")} do${refusing.length === 1 ? "es" : ""} not list it: stacking needs both sides, so it never stacks with ${refusing.length === 1 ? "that one" : "those"}`);
  }
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      for (let k = j + 1; k < live.length; k++) {
        const [a, b, c] = [live[i]!, live[j]!, live[k]!];
        const ab = stacks(a, b), bc = stacks(b, c), ac = stacks(a, c);
        // exactly one pair does not stack: say who is dropped when all three are eligible
        if ([ab, bc, ac].filter(Boolean).length !== 2) continue;
        const kept: Promotion[] = [a];
        for (const next of [b, c]) if (kept.every((k) => stacks(k, next))) kept.push(next);
        const dropped = [a, b, c].find((p) => !kept.includes(p))!;
        const [x, y] = !ab ? [a, b] : !bc ? [b, c] : [a, c];
        const middle = [a, b, c].find((m) => m !== x && m !== y)!;
        add("info", "intransitive_stacking", [a, b, c],
          `${middle.id} stacks with both ${x.id} and ${y.id}, but ${x.id} and ${y.id} do not stack: when all three are eligible, ${kept.map((p) => p.id).join(" and ")} apply and ${dropped.id} does not`);
      }
    }
  }

  // ------------------------------------------------- overlapping windows
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const [a, b] = [live[i]!, live[j]!];
      const timed = (p: Promotion) => p.conditions.timeWindow !== undefined || p.conditions.recurring !== undefined;
      if (!timed(a) || !timed(b) || stacks(a, b) || !timesMayOverlap(a, b)) continue;
      add("info", "overlapping_windows", [a, b],
        `${named(a)} and ${named(b)} run at the same time and do not stack: when both are eligible, only ${a.id} applies (priority ${a.priority} before ${b.priority})`);
    }
  }

  // ---------------------------------------------------------- worst cases
  worstCases(set, live, options, add);

  // ----------------------------------------------------------------- floor
  if (set.floor.allowFreeOrder) {
    if (set.floor.minPercentOfSubtotal > 0) {
      add("info", "floor_free_order", [], `floor.allowFreeOrder has no effect while floor.minPercentOfSubtotal is ${formatPercent(set.floor.minPercentOfSubtotal)}%`);
    } else if (!set.promotions.some((p) => "allowFreeOrder" in p.action && p.action.allowFreeOrder)) {
      add("info", "floor_free_order", [], "floor.allowFreeOrder has no effect: no promotion's action sets allowFreeOrder");
    }
  }

  return findings
    .map((f, i) => ({ f, i }))
    .sort((x, y) => SEVERITY_RANK[x.f.severity] - SEVERITY_RANK[y.f.severity] || x.i - y.i)
    .map(({ f }) => f);
}

/* ============================================================ helpers === */

const subset = (inner: readonly string[] | undefined, outer: readonly string[] | undefined) =>
  (inner ?? []).every((x) => (outer ?? []).includes(x));
const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());

/** Is `q` certainly eligible and chosen whenever `p` is eligible (so `p` is shadowed if they do not stack)? */
function covers(q: Promotion, p: Promotion): boolean {
  const qc = q.conditions;
  const pc = p.conditions;
  if (q.caps.perCustomerUses !== undefined || q.caps.totalBudgetCents !== undefined) return false;
  if (qc.customerSegment && qc.customerSegment !== "any" && qc.customerSegment !== pc.customerSegment) return false;
  if (qc.customerTags && !(pc.customerTags && subset(lower(pc.customerTags.anyOf), lower(qc.customerTags.anyOf)))) return false;
  if (qc.markets) {
    const pm = pc.markets;
    if (!pm || !subset(pm.countryCodes, qc.markets.countryCodes) || !subset(pm.marketHandles, qc.markets.marketHandles)) return false;
  }
  if (qc.channels && !(pc.channels && subset(lower(pc.channels), lower(qc.channels)))) return false;
  if (!subset(q.exclusions.skuPatterns, p.exclusions.skuPatterns)) return false;
  if ((qc.minSubtotalCents ?? 0) > (pc.minSubtotalCents ?? 0)) return false;
  if (!filterIsEmpty(qc.cartContains) && !filterWithin(pc.cartContains, qc.cartContains!)) return false;
  if (qc.timeWindow) {
    const [qs, qe, ps, pe] = [qc.timeWindow.startUtc, qc.timeWindow.endUtc, pc.timeWindow?.startUtc, pc.timeWindow?.endUtc].map((t) => (t ? parseUtc(t) : null));
    if (qs == null || qe == null || ps == null || pe == null || qs > ps || pe > qe) return false;
  }
  if (qc.recurring) {
    const pr = pc.recurring;
    if (!pr) return false;
    const qDays = qc.recurring.days ?? WEEKDAYS;
    if (!(pr.days ?? WEEKDAYS).every((d) => qDays.includes(d))) return false;
    if (minutes(qc.recurring.from) > minutes(pr.from) || minutes(pr.to) > minutes(qc.recurring.to)) return false;
  }
  return alwaysTargets(q, p);
}

/** Whenever p is chosen, does q's action have something to discount? */
function alwaysTargets(q: Promotion, p: Promotion): boolean {
  const a = q.action;
  if (a.type === "free_shipping") return true;
  if (a.type === "buy_x_get_y") return false;
  const filter = lineFilterOf(q);
  if (!filter) return true;
  // p eligible ⇒ the cart has a line in p's cartContains, or p targets lines in its own filter
  if (!filterIsEmpty(p.conditions.cartContains) && filterWithin(p.conditions.cartContains, filter)) return true;
  const pFilter = lineFilterOf(p);
  return pFilter !== null && filterWithin(pFilter, filter);
}

/** Every line matching `inner` matches `outer` (judged by the lists alone). */
function filterWithin(inner: LineFilter | undefined, outer: LineFilter): boolean {
  if (filterIsEmpty(inner)) return false;
  return subset(inner!.anyOfProducts, outer.anyOfProducts) && subset(inner!.anyOfCollections, outer.anyOfCollections);
}

const minutes = (hhmm: string) => parseClockTime(hhmm, true) ?? 0;

/** A one-off window shorter than a week whose dates never fall on the recurring days. */
function windowNeverOpen(p: Promotion): string | null {
  const { timeWindow: tw, recurring: rec } = p.conditions;
  if (!tw || !rec?.days) return null;
  const start = parseWallTime(tw.start);
  const end = parseWallTime(tw.end);
  if (!start || !end) return null;
  const startDay = Math.floor(wallSeconds(start) / 86400);
  const endSeconds = wallSeconds(end);
  const lastDay = Math.floor((endSeconds - 1) / 86400);
  if (lastDay - startDay >= 6) return null;
  const days = new Set<Weekday>();
  for (let d = startDay; d <= lastDay; d++) {
    const w = parseWallTime(formatWall(d * 86400).slice(0, 10));
    if (w) days.add(weekdayOf(w));
  }
  if (rec.days.some((d) => days.has(d))) return null;
  return `its window ${tw.start} to ${tw.end} (${tw.zone}) covers only ${[...days].join(", ")}, and it runs on ${rec.days.join(", ")}`;
}

function timesMayOverlap(a: Promotion, b: Promotion): boolean {
  const [ta, tb] = [a.conditions.timeWindow, b.conditions.timeWindow];
  if (ta && tb) {
    const [as, ae, bs, be] = [ta.startUtc, ta.endUtc, tb.startUtc, tb.endUtc].map(parseUtc);
    if (as == null || ae == null || bs == null || be == null || Math.max(as, bs) >= Math.min(ae, be)) return false;
  }
  const [ra, rb] = [a.conditions.recurring, b.conditions.recurring];
  if (ra && rb) {
    const daysA = ra.days ?? WEEKDAYS;
    if (!(rb.days ?? WEEKDAYS).some((d) => daysA.includes(d))) return false;
    if (Math.max(minutes(ra.from), minutes(rb.from)) >= Math.min(minutes(ra.to), minutes(rb.to))) return false;
  }
  return true;
}

/** Could both be eligible for the same cart? Only contradictions the rules state outright count. */
function compatibleConditions(a: Promotion, b: Promotion): boolean {
  const [ac, bc] = [a.conditions, b.conditions];
  const segments = [ac.customerSegment, bc.customerSegment];
  if (segments.includes("new") && segments.includes("returning")) return false;
  if (ac.channels && bc.channels && !ac.channels.some((c) => bc.channels!.includes(c))) return false;
  if (ac.markets && bc.markets) {
    const onlyCountries = (m: NonNullable<typeof ac.markets>) => !m.marketHandles?.length;
    if (onlyCountries(ac.markets) && onlyCountries(bc.markets)
      && !(ac.markets.countryCodes ?? []).some((c) => (bc.markets!.countryCodes ?? []).includes(c))) return false;
  }
  return timesMayOverlap(a, b);
}

/** Could the action discount this catalog item (ignoring quantities)? */
function canTarget(p: Promotion, item: CatalogItem): boolean {
  const a = p.action;
  if (a.type === "free_shipping") return false;
  if (a.type === "buy_x_get_y") return filterIsEmpty(a.get) || matchesFilter(a.get, item.productId, item.collectionIds);
  const filter = lineFilterOf(p);
  return !filter || matchesFilter(filter, item.productId, item.collectionIds);
}

/* ========================================================= worst case === */

type Add = (severity: FindingSeverity, code: FindingCode, promotions: Promotion[], message: string) => void;

/** Maximal sets of pairwise-stacking, jointly-eligible promotions (Bron–Kerbosch with pivot), at most `limit`. */
function maximalStacks(nodes: Promotion[], limit: number): { stacks: Promotion[][]; truncated: boolean } {
  const adjacent = new Map<string, Set<string>>();
  for (const a of nodes) {
    adjacent.set(a.id, new Set(nodes.filter((b) => b !== a && stacks(a, b) && compatibleConditions(a, b)).map((b) => b.id)));
  }
  const byId = new Map(nodes.map((p) => [p.id, p]));
  const out: Promotion[][] = [];
  let truncated = false;
  const visit = (r: string[], p: string[], x: string[]) => {
    if (out.length >= limit) {
      truncated = true;
      return;
    }
    if (p.length === 0 && x.length === 0) {
      out.push(r.map((id) => byId.get(id)!));
      return;
    }
    const pivot = [...p, ...x].reduce((best, u) =>
      [...adjacent.get(u)!].filter((v) => p.includes(v)).length > [...adjacent.get(best)!].filter((v) => p.includes(v)).length ? u : best);
    for (const v of p.filter((v) => !adjacent.get(pivot)!.has(v))) {
      const n = adjacent.get(v)!;
      visit([...r, v], p.filter((u) => n.has(u)), x.filter((u) => n.has(u)));
      p = p.filter((u) => u !== v);
      x = [...x, v];
    }
  };
  visit([], nodes.map((p) => p.id), []);
  return { stacks: out, truncated };
}

interface Outcome {
  promotions: Promotion[];
  discount: number;
  parts: { promotion: Promotion; amount: number }[];
}

/** What evaluate() takes off one line of `price` when exactly these promotions apply to it, with no floor. */
function stackOn(set: PromotionSet, members: Promotion[], price: number, keepAmountCaps: boolean): Outcome {
  const strip = (a: Action): Action => {
    if (a.type === "percent_off" || a.type === "fixed_off") {
      const { lines: _lines, ...rest } = a;
      return { ...rest, allowFreeOrder: true };
    }
    return a;
  };
  const promotions = members.map((p) => ({
    ...p,
    enabled: true,
    stacksWith: ["*"],
    conditions: {},
    exclusions: { skuPatterns: [] },
    caps: {
      ...(p.caps.maxDiscountPercent !== undefined ? { maxDiscountPercent: p.caps.maxDiscountPercent } : {}),
      ...(keepAmountCaps && p.caps.maxDiscountCents !== undefined ? { maxDiscountCents: p.caps.maxDiscountCents } : {}),
    },
    action: strip(p.action),
  }));
  const result = evaluate(
    { schemaVersion: 1, currencyCode: set.currencyCode, floor: { minPercentOfSubtotal: 0, allowFreeOrder: true }, promotions },
    { lines: [{ id: "unit", quantity: 1, subtotalCents: price, productId: "unit" }], customer: null },
    { reasons: false },
  );
  const parts = result.explanations.map((e) => ({ promotion: members.find((p) => p.id === e.promotionId)!, amount: e.amountCents }));
  return { promotions: members, discount: result.totalDiscountCents, parts };
}

function formula(outcome: Outcome, price: number, currency: string): string {
  const terms = outcome.parts.map(({ promotion }) => {
    const a = promotion.action;
    const value = a.type === "percent_off" ? `${formatPercent(a.percent)}%` : a.type === "fixed_off" ? formatMoney(a.amountCents, currency) : a.type;
    return `${promotion.id} ${value}`;
  });
  return `${terms.join(" + ")} = ${formatPercent((outcome.discount / price) * 100)}% off`;
}

function floorNote(set: PromotionSet, percentOff: number): string {
  const cap = 100 - set.floor.minPercentOfSubtotal;
  if (set.floor.minPercentOfSubtotal > 0 && percentOff > cap) {
    return `; the floor (${formatPercent(set.floor.minPercentOfSubtotal)}% of subtotal) holds it to ${formatPercent(cap)}% off`;
  }
  if (set.floor.minPercentOfSubtotal > 0) return `; the floor (${formatPercent(set.floor.minPercentOfSubtotal)}% of subtotal) does not bind`;
  return "";
}

function worstCases(set: PromotionSet, live: Promotion[], options: AnalyzeOptions, add: Add): void {
  const warnAbove = options.warnAbovePercent ?? 50;
  const limit = options.maxStacks ?? 2000;
  const merchandise = live.filter((p) => p.action.type === "percent_off" || p.action.type === "fixed_off");
  const percents = merchandise.filter((p) => p.action.type === "percent_off");
  const PRICE = 1_000_000;

  // Per cart: the percentages that can stack on one line; fixed amounts named alongside.
  if (percents.length > 0) {
    const { stacks: candidates, truncated } = maximalStacks(merchandise, limit);
    let best: Outcome | null = null;
    for (const members of candidates) {
      const outcome = stackOn(set, members.filter((p) => p.action.type === "percent_off"), PRICE, false);
      if (outcome.promotions.length === 0) continue;
      if (!best || outcome.discount > best.discount) best = { ...outcome, promotions: members };
    }
    if (best) {
      const percentOff = (best.discount / PRICE) * 100;
      const fixed = best.promotions.filter((p) => p.action.type === "fixed_off");
      const fixedText = fixed.length
        ? `, plus ${fixed.map((p) => `${formatMoney((p.action as { amountCents: number }).amountCents, set.currencyCode)} (${p.id})`).join(" + ")} fixed`
        : "";
      add(percentOff > warnAbove ? "warning" : "info", "worst_case_cart", best.promotions,
        `Worst case per cart: ${formula(best, PRICE, set.currencyCode)}${best.parts.length > 1 ? " (compounded)" : ""}${fixedText}${floorNote(set, percentOff)}${truncated ? ` (first ${limit} stacks examined)` : ""}`);
    }
  }

  // Per SKU: only what can reach the item, at its price when known.
  if (!options.catalog?.length || merchandise.length === 0) return;
  const memo = new Map<string, Outcome | null>();
  const groups = new Map<string, { skus: string[]; outcome: Outcome; price: number }>();
  for (const item of options.catalog) {
    const reach = merchandise.filter((p) => canTarget(p, item) && !p.exclusions.skuPatterns.some((s) => skuMatches(s, item.sku)));
    if (reach.length < 2) continue;
    const price = item.unitPriceCents && item.unitPriceCents > 0 ? item.unitPriceCents : PRICE;
    const withFixed = item.unitPriceCents !== undefined;
    const key = `${reach.map((p) => p.id).join(",")}@${withFixed ? price : "%"}`;
    if (!memo.has(key)) {
      let best: Outcome | null = null;
      for (const members of maximalStacks(reach, limit).stacks) {
        const usable = withFixed ? members : members.filter((p) => p.action.type === "percent_off");
        if (usable.length < 2) continue;
        const outcome = stackOn(set, usable, price, withFixed);
        if (!best || outcome.discount > best.discount) best = outcome;
      }
      memo.set(key, best);
    }
    const outcome = memo.get(key);
    if (!outcome) continue;
    const group = groups.get(key) ?? { skus: [], outcome, price };
    group.skus.push(item.sku);
    groups.set(key, group);
  }
  for (const { skus, outcome, price } of groups.values()) {
    const percentOff = (outcome.discount / price) * 100;
    const shown = skus.length > 3 ? `${skus.slice(0, 3).join(", ")} (+${skus.length - 3} more)` : skus.join(", ");
    const at = price === PRICE ? "" : ` on a ${formatMoney(price, set.currencyCode)} unit`;
    add(percentOff > warnAbove ? "warning" : "info", "worst_case_sku", outcome.promotions,
      `Worst case for SKU ${shown}${at}: ${formula(outcome, price, set.currencyCode)}${floorNote(set, percentOff)}`);
  }
}
