/**
 * Publishing ATP to checkout — what to write, pure. The value's format is
 * app/domain/inventory/atp-metafield.ts (the contract with checkout validation):
 * per variant {"v":1,"asOf":<epoch s>,"total":n,"byLocation":{"<location id>":n}}.
 *
 * - total: ATP summed over the active locations that fulfil online orders; a
 *   negative location counts 0 (the format never carries a negative: the admin
 *   flags it, checkout sees 0).
 * - byLocation: keyed by the location's numeric id (the routing function maps its
 *   input locations' GIDs to these keys); left out for a one-location shop.
 * - asOf: the OLDEST confirmation among the figures in the value — when the app
 *   last read or received each level from Shopify, not when it last changed.
 *
 * A variant is written only when its figures changed (hash of total and
 * byLocation, asOf excluded) — or when its figures were re-confirmed at least
 * `refreshAfterMs` after the published asOf (a reconcile that finds the same
 * quantities must still move asOf forward, or checkout would call them stale).
 * Writes go out 25 per metafieldsSet (Shopify's maximum).
 */
import { ATP_METAFIELD, atpAsOf, serializeAtp, type AtpProblem } from "./atp-metafield";

export const METAFIELDS_PER_CALL = 25;

export interface PublishLevel {
  /** Numeric location id. */
  locationKey: string;
  /** ATP at the location, possibly negative. */
  atp: number;
  /** Active and fulfils online orders: counts in `total`. */
  sellsOnline: boolean;
  /** When the figure was last confirmed against Shopify (ms). */
  confirmedAt: number;
}

export interface PublishVariant {
  variantId: string;
  levels: PublishLevel[];
}

export interface PublishedState {
  hash: string;
  /** epoch seconds of the published asOf */
  asOf: number;
}

export interface PlannedWrite {
  variantId: string;
  value: string;
  hash: string;
  asOf: number;
  reason: "new" | "changed" | "reconfirmed";
}

export interface PublishPlan {
  writes: PlannedWrite[];
  unchanged: number;
  refused: { variantId: string; problems: AtpProblem[] }[];
}

export interface PlanOptions {
  /** Republish unchanged figures re-confirmed this long after the published asOf. */
  refreshAfterMs: number;
  /** false for a one-location shop: byLocation is left out. */
  byLocation: boolean;
}

function figureOf(variant: PublishVariant, byLocation: boolean) {
  const online = variant.levels.filter((l) => l.sellsOnline);
  const total = online.reduce((sum, l) => sum + Math.max(0, l.atp), 0);
  const locations: Record<string, number> = {};
  if (byLocation) for (const l of online) locations[l.locationKey] = Math.max(0, l.atp);
  const hash = `${total}|${Object.keys(locations)
    .sort()
    .map((k) => `${k}:${locations[k]}`)
    .join(",")}`;
  const confirmed = online.length > 0 ? Math.min(...online.map((l) => l.confirmedAt)) : Math.min(...variant.levels.map((l) => l.confirmedAt));
  return { total, locations, hash, asOf: atpAsOf(Number.isFinite(confirmed) ? confirmed : 0) };
}

export function planPublication(variants: readonly PublishVariant[], published: ReadonlyMap<string, PublishedState>, options: PlanOptions): PublishPlan {
  const plan: PublishPlan = { writes: [], unchanged: 0, refused: [] };
  const sorted = [...variants].sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0));
  for (const variant of sorted) {
    if (variant.levels.length === 0) continue;
    const figure = figureOf(variant, options.byLocation);
    const before = published.get(variant.variantId);
    let reason: PlannedWrite["reason"] | null = null;
    if (!before) reason = "new";
    else if (before.hash !== figure.hash) reason = "changed";
    else if ((figure.asOf - before.asOf) * 1000 >= options.refreshAfterMs) reason = "reconfirmed";
    if (!reason) {
      plan.unchanged += 1;
      continue;
    }
    const serialized = serializeAtp({ asOf: figure.asOf, total: figure.total, ...(options.byLocation ? { byLocation: figure.locations } : {}) });
    if (!serialized.ok) {
      plan.refused.push({ variantId: variant.variantId, problems: serialized.problems });
      continue;
    }
    plan.writes.push({ variantId: variant.variantId, value: serialized.value, hash: figure.hash, asOf: figure.asOf, reason });
  }
  return plan;
}

/** metafieldsSet inputs, at most 25 per call. */
export function metafieldBatches(writes: readonly PlannedWrite[], size = METAFIELDS_PER_CALL) {
  const inputs = writes.map((w) => ({ ownerId: w.variantId, namespace: ATP_METAFIELD.namespace, key: ATP_METAFIELD.key, type: ATP_METAFIELD.type, value: w.value }));
  const batches: (typeof inputs)[] = [];
  for (let i = 0; i < inputs.length; i += size) batches.push(inputs.slice(i, i + size));
  return batches;
}
