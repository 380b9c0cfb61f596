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
import { serializeCheckoutAtp, type AtpReading } from "../inventory/atp-metafield";
import { skuMatcher } from "./sku";
import type { RuleSet } from "./types";

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
  value: string;
  bytes: number;
  /** SKUs with a figure governed by the rules. */
  skus: number;
  over: boolean;
}

/** The copy's value for the rules and the variants' figures (variants without a SKU or a readable asOf are left out: no figure = stale). */
export function checkoutStock(set: RuleSet, variants: readonly { sku: string | null; figure: AtpReading | null }[], maxBytes?: number): CheckoutStock {
  const g = atpGovernance(set);
  const figures = [];
  for (const v of variants) {
    if (!v.sku || !v.figure || v.figure.asOf === null || !governsSku(g, v.sku)) continue;
    const byLocation: Record<string, number> = {};
    for (const loc of g.locations) {
      const n = v.figure.byLocation?.[loc];
      if (typeof n === "number") byLocation[loc] = n;
    }
    figures.push({ sku: v.sku, asOf: v.figure.asOf, total: v.figure.total, byLocation });
  }
  return serializeCheckoutAtp(figures, g.locations, maxBytes);
}
