/**
 * Routing settings: the merchant's strategy, fallback and per-location cost table,
 * validated strictly here (the function's reader is lenient), stored in
 * InventorySettings and published to the shop metafield the routing function
 * reads ($app:peakguard.routing, app/domain/routing/config.ts).
 */
import type { Prisma } from "@prisma/client";
import { MetafieldsSet, ShopInfo } from "../../../graphql/operations";
import { parseMoney } from "../../domain/money";
import {
  DEFAULT_ROUTING,
  numericId,
  parseRoutingConfig,
  ROUTING_KEY,
  ROUTING_NAMESPACE,
  ROUTING_TYPE,
  STRATEGIES,
  type RoutingConfig,
  type StrategyName,
} from "../../domain/routing/config";
import type { AdminClient } from "../admin/client.server";
import type { ShopDb } from "../db/scoped.server";

export async function loadRouting(db: ShopDb): Promise<{ config: RoutingConfig; publishedAt: string | null }> {
  const row = await db.inventorySettings.findFirst({ select: { routing: true, routingPublishedAt: true } });
  return { config: row?.routing ? parseRoutingConfig(row.routing) : DEFAULT_ROUTING, publishedAt: row?.routingPublishedAt?.toISOString() ?? null };
}

export type RoutingForm =
  | { ok: true; config: RoutingConfig }
  | { ok: false; errors: Record<string, string> };

function isStrategy(value: string): value is StrategyName {
  return (STRATEGIES as readonly string[]).includes(value);
}

/**
 * Reads the settings form: `strategy`, `fallback`, and `cost:<location gid>` amounts in
 * the shop's currency ("4.50"), empty for "no cost". Every problem is named by its field.
 */
export function readRoutingForm(form: FormData, locationIds: readonly string[], currency: string): RoutingForm {
  const errors: Record<string, string> = {};
  const strategy = String(form.get("strategy") ?? "");
  const fallback = String(form.get("fallback") ?? "");
  if (!isStrategy(strategy)) errors.strategy = `Choose one of ${STRATEGIES.join(", ")}`;
  if (!isStrategy(fallback)) errors.fallback = `Choose one of ${STRATEGIES.join(", ")}`;
  else if (fallback === strategy) errors.fallback = "The fallback must differ from the strategy (it is used when the strategy cannot decide)";
  const cost: Record<string, number> = {};
  for (const id of locationIds) {
    const raw = form.get(`cost:${id}`);
    if (raw === null || String(raw).trim() === "") continue;
    const parsed = parseMoney(String(raw).trim(), currency);
    if (!parsed.ok || parsed.minor < 0) errors[`cost:${id}`] = `"${String(raw)}" is not an amount in ${currency}${parsed.ok ? "" : ` (${parsed.message})`}`;
    else cost[numericId(id)] = parsed.minor;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, config: { v: 1, strategy: strategy as StrategyName, fallback: fallback as StrategyName, cost } };
}

/** Stores the config and writes the function's metafield; returns when Shopify accepted it. */
export async function saveRouting(db: ShopDb, shop: string, client: AdminClient, config: RoutingConfig, now: Date): Promise<void> {
  const value = JSON.stringify(config);
  const { shop: info } = await client.request(ShopInfo);
  await client.mutate(MetafieldsSet, { metafields: [{ ownerId: info.id, namespace: ROUTING_NAMESPACE, key: ROUTING_KEY, type: ROUTING_TYPE, value }] }, "metafieldsSet");
  const routing = config as unknown as Prisma.InputJsonValue;
  await db.inventorySettings.upsert({ where: { shop }, create: { shop, routing, routingPublishedAt: now }, update: { routing, routingPublishedAt: now } });
}
