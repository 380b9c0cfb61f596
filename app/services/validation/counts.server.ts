/**
 * Counts per rule for the Checkout rules page. Shopify does not report blocked checkouts
 * to apps (no webhook, no API: a blocked checkout never becomes an order), so the page
 * shows two counts the app can stand behind, labelled as what they are:
 *   - lookups: verdicts of the "why was this cart blocked" lookups run in the admin
 *     (CheckoutRuleCheck rows);
 *   - replay: how many of the synced orders of the last `days` days each rule, as it is
 *     now, would have blocked (app/domain/validation/replay.ts) — the report of a rule in
 *     testing mode, and the preview before enforcing one.
 */
import type { PrismaClient } from "@prisma/client";

import { replayOrders, type ReplayCount } from "../../domain/validation/replay";
import type { RuleSet, RuleVerdict } from "../../domain/validation/types";
import { forShop } from "../db/scoped.server";
import { loadBuyers } from "./customer-limits.server";

export const REPLAY_DAYS = 30;

export async function recordLookup(prisma: PrismaClient, shop: string, verdicts: readonly RuleVerdict[], at = new Date()): Promise<void> {
  if (verdicts.length === 0) return;
  await forShop(prisma, shop).checkoutRuleCheck.createMany({
    data: verdicts.map((v) => ({ shop, ruleId: v.ruleId, status: v.status, source: "lookup", checkedAt: at })),
  });
}

export interface LookupCounts {
  /** Lookups in which the rule blocked (or, in testing mode, would have). */
  blocked: number;
  lookups: number;
}

export async function lookupCounts(prisma: PrismaClient, shop: string): Promise<Record<string, LookupCounts>> {
  const rows = await forShop(prisma, shop).checkoutRuleCheck.groupBy({
    by: ["ruleId", "status"],
    where: { source: "lookup" },
    _count: { _all: true },
  });
  const out: Record<string, LookupCounts> = {};
  for (const row of rows) {
    const entry = (out[row.ruleId] ??= { blocked: 0, lookups: 0 });
    entry.lookups += row._count._all;
    if (row.status === "blocked" || row.status === "would_block") entry.blocked += row._count._all;
  }
  return out;
}

export async function replayCounts(prisma: PrismaClient, shop: string, set: RuleSet, options: { zone: string; now?: Date; days?: number }): Promise<Record<string, ReplayCount>> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - (options.days ?? REPLAY_DAYS) * 86_400_000);
  const { orders, customers } = await loadBuyers(prisma, shop, since);
  const counts = replayOrders(set, orders, { zone: options.zone, customers });
  return Object.fromEntries(counts.map((c) => [c.ruleId, c]));
}
