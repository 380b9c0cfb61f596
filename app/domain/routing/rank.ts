/**
 * Location ranking for one fulfillment group — the routing function's domain, also
 * used by the admin preview. Pure, no dependencies (bundled into the function).
 *
 * Which locations are ranked: only those that can fulfil. A location can fulfil the
 * group when, for every line, its ATP there ≥ the line's quantity. When no location
 * can fulfil the whole group (it must split), the locations that can fulfil at least
 * one line are ranked by a greedy cover (fewest splits), whatever the strategy. A
 * location that can fulfil nothing is never ranked. When a line's ATP is unknown
 * (not published) the group gets no ranking: Shopify's own routing applies.
 *
 * Strategies and their explicit tie-breaks (the final tie-break is always the
 * location's numeric id, ascending — never array order):
 * - closest:      haversine distance from the delivery address, then cost, then id.
 *                 Cannot decide without the address's coordinates or any located
 *                 candidate → the configured fallback.
 * - fewestSplits: every full candidate is one shipment, so: distance (when known),
 *                 then cost, then id.
 * - lowestCost:   cost (locations without a cost last), then distance, then id.
 *                 Cannot decide when no candidate has a cost → the fallback.
 * If the fallback cannot decide either, candidates are ranked by id.
 * Ranks are 0, 1, 2…: 0 is the preferred location.
 */
import type { RoutingConfig, StrategyName } from "./config";
import { haversineKm, type LatLng } from "./geo";

export interface RoutingLocation {
  /** The function's location handle (what the output names). */
  handle: string;
  /** Numeric location id: the key of ATP and cost, and the last tie-break. */
  key: string;
  lat: number | null;
  lng: number | null;
}

export interface RoutingLine {
  quantity: number;
  /**
   * ATP by location key, or null when unknown (not published for this variant). A key that
   * is missing or not a number counts as 0. The function passes the metafield's own
   * byLocation object (no copy: every allocation costs instructions inside a function).
   */
  atp: Readonly<Record<string, unknown>> | null;
}

export interface RoutingGroup {
  handle: string;
  locationHandles: readonly string[];
  address: LatLng | null;
  lines: readonly RoutingLine[];
}

export type DecidedBy = StrategyName | "idOrder" | "splitCover";

export interface GroupRanking {
  groupHandle: string;
  /** Location handles, best first; empty = no ranking for this group. */
  ranked: string[];
  decidedBy: DecidedBy | null;
  note: string;
}

interface Candidate {
  loc: RoutingLocation;
  distance: number | null;
  cost: number | null;
}

function compareKeys(a: string, b: string): number {
  // Numeric ids of any length: shorter is smaller, then lexicographic.
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function compareNullable(a: number | null, b: number | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return a - b;
}

const COMPARATORS: Record<StrategyName | "idOrder", (a: Candidate, b: Candidate) => number> = {
  closest: (a, b) => compareNullable(a.distance, b.distance) || compareNullable(a.cost, b.cost) || compareKeys(a.loc.key, b.loc.key),
  fewestSplits: (a, b) => compareNullable(a.distance, b.distance) || compareNullable(a.cost, b.cost) || compareKeys(a.loc.key, b.loc.key),
  lowestCost: (a, b) => compareNullable(a.cost, b.cost) || compareNullable(a.distance, b.distance) || compareKeys(a.loc.key, b.loc.key),
  idOrder: (a, b) => compareKeys(a.loc.key, b.loc.key),
};

function canDecide(strategy: StrategyName, candidates: readonly Candidate[]): boolean {
  if (strategy === "closest") return candidates.some((c) => c.distance !== null);
  if (strategy === "lowestCost") return candidates.some((c) => c.cost !== null);
  return true;
}

function chooseOrder(config: RoutingConfig, candidates: readonly Candidate[]): StrategyName | "idOrder" {
  if (canDecide(config.strategy, candidates)) return config.strategy;
  if (canDecide(config.fallback, candidates)) return config.fallback;
  return "idOrder";
}

function covers(line: RoutingLine, key: string): boolean {
  const atp = line.atp ? line.atp[key] : undefined;
  return typeof atp === "number" && atp >= line.quantity;
}

export function rankGroup(group: RoutingGroup, locations: readonly RoutingLocation[], config: RoutingConfig): GroupRanking {
  const none = (note: string): GroupRanking => ({ groupHandle: group.handle, ranked: [], decidedBy: null, note });
  const lines = group.lines;
  if (lines.length === 0) return none("no lines");
  for (const line of lines) if (line.atp === null) return none("ATP unknown for a line: Shopify's routing applies");

  const byHandle = new Map(locations.map((l) => [l.handle, l]));
  const candidates: Candidate[] = [];
  /** coverage[c]: indices of the lines candidate c can fulfil — computed once (each check costs instructions in a function). */
  const coverage: number[][] = [];
  for (const handle of group.locationHandles) {
    const loc = byHandle.get(handle);
    if (!loc || candidates.some((c) => c.loc.handle === handle)) continue;
    const covered: number[] = [];
    for (let i = 0; i < lines.length; i++) if (covers(lines[i]!, loc.key)) covered.push(i);
    if (covered.length === 0) continue; // can fulfil nothing: never ranked
    const distance =
      group.address && loc.lat !== null && loc.lng !== null ? haversineKm(group.address, { lat: loc.lat, lng: loc.lng }) : null;
    const cost = config.cost[loc.key];
    candidates.push({ loc, distance, cost: cost === undefined ? null : cost });
    coverage.push(covered);
  }
  if (candidates.length === 0) return none("no location has ATP for any line");

  const full = candidates.filter((_, c) => coverage[c]!.length === lines.length);
  if (full.length > 0) {
    const order = chooseOrder(config, full);
    const ranked = [...full].sort(COMPARATORS[order]).map((c) => c.loc.handle);
    const note =
      order === config.strategy ? `${order}` : `${config.strategy} cannot decide; ${order === "idOrder" ? "location id order" : `fallback ${order}`}`;
    return { groupHandle: group.handle, ranked, decidedBy: order, note };
  }

  // Must split: greedy cover of the lines by units, ties by the strategy's order.
  const order = chooseOrder(config, candidates);
  const compare = COMPARATORS[order];
  const done: boolean[] = lines.map(() => false);
  const pool = candidates.map((_, c) => c);
  const ranked: string[] = [];
  for (;;) {
    let best = -1;
    let bestUnits = 0;
    for (const c of pool) {
      let units = 0;
      for (const i of coverage[c]!) if (!done[i]) units += lines[i]!.quantity;
      if (units > bestUnits || (units === bestUnits && units > 0 && compare(candidates[c]!, candidates[best]!) < 0)) {
        best = c;
        bestUnits = units;
      }
    }
    if (best < 0) break;
    ranked.push(candidates[best]!.loc.handle);
    pool.splice(pool.indexOf(best), 1);
    for (const i of coverage[best]!) done[i] = true;
  }
  ranked.push(...pool.map((c) => candidates[c]!).sort(compare).map((c) => c.loc.handle));
  return { groupHandle: group.handle, ranked, decidedBy: "splitCover", note: `no location fulfils every line; greedy cover, ties by ${order}` };
}
