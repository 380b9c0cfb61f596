/**
 * The routing function's configuration: an app-owned SHOP metafield the app writes
 * and extensions/location-routing reads. Imported by the function: no dependencies.
 *
 *   owner the Shop   namespace "$app:peakguard"   key "routing"   type json
 *
 *   { "v": 1, "strategy": "closest", "fallback": "fewestSplits", "cost": { "70100000001": 450 } }
 *
 * - strategy: closest | fewestSplits | lowestCost (domain/routing/rank.ts).
 * - fallback: the strategy used when the chosen one cannot decide (closest without
 *   coordinates, lowestCost without any cost); then location id order.
 * - cost: cost of shipping one fulfillment group from a location, in the shop's minor
 *   units, keyed by the location's numeric id. A location without a cost ranks after
 *   every location with one under lowestCost.
 * Unknown fields are ignored; anything unreadable falls back to DEFAULT_ROUTING
 * (never a throw).
 */

export const ROUTING_NAMESPACE = "$app:peakguard";
export const ROUTING_KEY = "routing";
export const ROUTING_TYPE = "json";

export const STRATEGIES = ["closest", "fewestSplits", "lowestCost"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export interface RoutingConfig {
  v: 1;
  strategy: StrategyName;
  fallback: StrategyName;
  /** numeric location id → cost in minor units */
  cost: Record<string, number>;
}

export const DEFAULT_ROUTING: RoutingConfig = { v: 1, strategy: "closest", fallback: "fewestSplits", cost: {} };

function isStrategy(value: unknown): value is StrategyName {
  return typeof value === "string" && (STRATEGIES as readonly string[]).includes(value);
}

/** Lenient reader (the function's): a string or an already-parsed jsonValue. */
export function parseRoutingConfig(value: unknown): RoutingConfig {
  let raw: unknown = value;
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw);
    } catch {
      return DEFAULT_ROUTING;
    }
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return DEFAULT_ROUTING;
  const obj = raw as Record<string, unknown>;
  if (obj.v !== 1) return DEFAULT_ROUTING;
  const cost: Record<string, number> = {};
  if (obj.cost && typeof obj.cost === "object" && !Array.isArray(obj.cost)) {
    for (const [key, amount] of Object.entries(obj.cost as Record<string, unknown>)) {
      if (typeof amount === "number" && Number.isFinite(amount) && amount >= 0) cost[key] = amount;
    }
  }
  const strategy = isStrategy(obj.strategy) ? obj.strategy : DEFAULT_ROUTING.strategy;
  const fallback = isStrategy(obj.fallback) ? obj.fallback : DEFAULT_ROUTING.fallback;
  return { v: 1, strategy, fallback, cost };
}

/** The numeric tail of a GID ("gid://shopify/Location/7010" → "7010"); the id itself otherwise. */
export function numericId(id: string): string {
  const slash = id.lastIndexOf("/");
  return slash >= 0 ? id.slice(slash + 1) : id;
}
