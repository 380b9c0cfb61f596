/**
 * ADMIN SIDE: which figures the validation's ATP copy carries (CHECKOUT_ATP_METAFIELD in
 * ../inventory/atp-metafield.ts). The checkout function no longer reads the per-variant ATP
 * metafield on each cart line (every line paid for it, governed or not); the app copies the
 * figures of the SKUs its ATP rules govern into one validation metafield instead:
 *
 *   - SKUs: every SKU an ATP rule that is not off names (exact or prefix); a rule with no
 *     SKUs governs every variant with a figure, so every figure is copied — as far as
 *     CHECKOUT_ATP_MAX_BYTES holds; past it the value says `over` and the rules fail as the
 *     merchant chose (never loosened silently).
 *   - figures: the variant's own total and asOf (the same figure the inventory publisher
 *     writes per variant), and one location's figure for each location an ATP rule names.
 */
import { CHECKOUT_ATP_MAX_BYTES, serializeCheckoutAtp, type AtpReading } from "../inventory/atp-metafield";
import { skuMatcher } from "./sku";
import type { Rule, RuleSet } from "./types";
import type { FieldProblem } from "./validate";

export interface AtpGovernance {
  /** No ATP rule is on: nothing to copy. */
  none: boolean;
  /** An ATP rule governs every variant with a figure. */
  all: boolean;
  /** The patterns of the ATP rules that name SKUs. */
  patterns: string[];
  /** Location keys ATP rules name. */
  locations: string[];
}

export function atpGovernance(set: RuleSet): AtpGovernance {
  const g: AtpGovernance = { none: true, all: false, patterns: [], locations: [] };
  for (const rule of set.rules) {
    if (rule.kind !== "atp" || rule.mode === "off") continue;
    g.none = false;
    if (rule.skus.length === 0) g.all = true;
    for (const p of rule.skus) if (!g.patterns.includes(p)) g.patterns.push(p);
    if (rule.location && !g.locations.includes(rule.location)) g.locations.push(rule.location);
  }
  g.locations.sort();
  return g;
}

/** The location keys ATP rules name (sorted). */
export function atpLocations(set: RuleSet): string[] {
  return atpGovernance(set).locations;
}

/** Whether the copy carries this SKU's figure. */
export function governsSku(g: AtpGovernance, sku: string): boolean {
  if (g.none) return false;
  if (g.all) return true;
  return g.patterns.length > 0 && skuMatcher(g.patterns)(sku);
}

export interface CheckoutStock {
  /** What is written: the figures, or `{"v":1,"t":{},"over":true}` when they do not fit. */
  value: string;
  /** Bytes of `value`. */
  bytes: number;
  /** SKUs with a figure governed by the rules. */
  skus: number;
  over: boolean;
  /** Bytes the figures take (= bytes unless over). */
  neededBytes: number;
  maxBytes: number;
  /** Per ATP rule that is not off: the SKUs with a figure it governs (index: its place in set.rules). */
  rules: { id: string; index: number; skus: number }[];
}

/** The copy's value for the rules and the variants' figures (variants without a SKU or a readable asOf are left out: no figure = stale). */
export function checkoutStock(
  set: RuleSet,
  variants: readonly { sku: string | null; figure: AtpReading | null }[],
  maxBytes = CHECKOUT_ATP_MAX_BYTES,
): CheckoutStock {
  const g = atpGovernance(set);
  const active = set.rules.flatMap((rule, index) => (rule.kind === "atp" && rule.mode !== "off" ? [{ rule, index, matches: rule.skus.length === 0 ? () => true : skuMatcher(rule.skus) }] : []));
  const counts = active.map(() => new Set<string>());
  const figures = [];
  for (const v of variants) {
    if (!v.sku || !v.figure || v.figure.asOf === null || !governsSku(g, v.sku)) continue;
    const byLocation: Record<string, number> = {};
    for (const loc of g.locations) {
      const n = v.figure.byLocation?.[loc];
      if (typeof n === "number") byLocation[loc] = n;
    }
    figures.push({ sku: v.sku, asOf: v.figure.asOf, total: v.figure.total, byLocation });
    for (let i = 0; i < active.length; i++) if (active[i]!.matches(v.sku)) counts[i]!.add(v.sku);
  }
  const rules = active.map((a, i) => ({ id: a.rule.id, index: a.index, skus: counts[i]!.size }));
  const full = serializeCheckoutAtp(figures, g.locations, Number.POSITIVE_INFINITY);
  if (full.bytes <= maxBytes) return { ...full, neededBytes: full.bytes, maxBytes, rules };
  return { ...serializeCheckoutAtp(figures, g.locations, maxBytes), neededBytes: full.bytes, maxBytes, rules };
}

/** Bytes of a copy carrying no figure (`{"v":1,"t":{}}`, plus an empty object per location). */
function emptyBytes(locations: number): number {
  return 14 + (locations > 0 ? 6 + locations * 5 : 0);
}

/**
 * About how many SKUs' figures fit in the copy, at the average size of the figures measured
 * (an entry is `"SKU":total×10^10+asOf`, ~20 bytes plus the SKU, once more per location a rule
 * names). null without a figure to measure.
 */
export function checkoutCapacity(stock: Pick<CheckoutStock, "skus" | "neededBytes" | "maxBytes">, locations = 0): number | null {
  if (stock.skus === 0) return null;
  const base = emptyBytes(locations);
  const perSku = (stock.neededBytes - base) / stock.skus;
  return perSku > 0 ? Math.max(0, Math.floor((stock.maxBytes - base) / perSku)) : null;
}

const n = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** "this ATP rule governs 2,000 SKUs; …" — the words the save refusal and the page use. */
export function overMessage(stock: CheckoutStock, ruleSkus: number, locations = 0): string {
  const capacity = checkoutCapacity(stock, locations);
  const fits = capacity === null ? "" : `about ${n(capacity)} SKUs' `;
  const others = ruleSkus === stock.skus ? "" : ` (${n(stock.skus)} with the other ATP rules)`;
  return (
    `This ATP rule governs ${n(ruleSkus)} SKU${ruleSkus === 1 ? "" : "s"}${others}: their stock figures take ${n(stock.neededBytes)} bytes, ` +
    `and checkout can carry ${fits}stock figures (${n(stock.maxBytes)} bytes). Name the drop's SKUs or prefixes (HD-*) instead.`
  );
}

/** Whether `after` makes the copy govern more, or block more, than `before` for an ATP rule (by id). */
function widens(before: Rule | undefined, after: Extract<Rule, { kind: "atp" }>): boolean {
  if (!before || before.kind !== "atp" || before.mode === "off") return true;
  if (before.location !== after.location) return true;
  if (before.skus.length !== after.skus.length || before.skus.some((s, i) => s !== after.skus[i])) return true;
  return before.mode === "test" && after.mode === "enforce";
}

/**
 * The save refusal: problems when the rules being saved would make the copy `over` through a
 * change of its ATP rules (a new rule, other SKUs or location, testing → enforced) or by
 * turning the set's failure mode to closed while an enforced ATP rule is unreadable. One
 * problem on the SKUs of each ATP rule so changed (rules[i].skus, what the editor shows next
 * to the field). A save that leaves the ATP rules as they were passes: the copy's state is
 * shown on the page (it may have grown over since the rules were saved), and refusing every
 * save would also refuse turning unrelated rules off.
 */
export function overProblems(before: RuleSet, after: RuleSet, stock: CheckoutStock): FieldProblem[] {
  if (!stock.over) return [];
  const locations = atpLocations(after).length;
  const problems: FieldProblem[] = [];
  for (const r of stock.rules) {
    const rule = after.rules[r.index];
    if (!rule || rule.kind !== "atp") continue;
    if (widens(before.rules.find((b) => b.id === rule.id), rule)) problems.push({ path: `rules[${r.index}].skus`, message: overMessage(stock, r.skus, locations) });
  }
  if (problems.length === 0 && before.failureMode !== "closed" && after.failureMode === "closed") {
    const enforced = after.rules.filter((r) => r.kind === "atp" && r.mode === "enforce").map((r) => r.id);
    if (enforced.length > 0) {
      problems.push({
        path: "failureMode",
        message: `Failing closed now would block every checkout: the ATP figures of ${n(stock.skus)} SKUs take ${n(stock.neededBytes)} bytes, over the ${n(stock.maxBytes)} checkout can carry, so ATP rule ${enforced.join(", ")} cannot be read. Name the drop's SKUs or prefixes in the ATP rule first.`,
      });
    }
  }
  return problems;
}

export type OverEffect = "blocks_every_checkout" | "not_checked" | "reports_only";

/** What checkout does with an ATP rule while the copy is `over` (evaluate.ts: the rule is unreadable; the set's failure mode decides for an enforced rule). */
export function overEffect(rule: Rule, failureMode: RuleSet["failureMode"]): OverEffect {
  if (rule.mode !== "enforce") return "reports_only";
  return failureMode === "closed" ? "blocks_every_checkout" : "not_checked";
}

/** The stored copy as checkout reads it: SKUs carried, bytes, `over`. null when it is not a copy (no value, not JSON, another version). */
export function readStoredCopy(value: string | null | undefined): { skus: number; bytes: number; over: boolean } | null {
  if (!value) return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof json !== "object" || json === null || (json as { v?: unknown }).v !== 1) return null;
  const t = (json as { t?: unknown }).t;
  return {
    skus: typeof t === "object" && t !== null ? Object.keys(t).length : 0,
    bytes: new TextEncoder().encode(value).length,
    over: (json as { over?: unknown }).over === true,
  };
}
